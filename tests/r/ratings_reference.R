# ratings_reference.R - reference numbers for tests/test_raters.c (analysis/raters.c), written
# to tests/fixtures/ratings/reference.csv (name,value at 17 significant digits). Run from the
# repository root:
#   Rscript tests/r/ratings_reference.R
# R 4.1, psych 2.2.9 (Debian r-cran-psych). The test data are defined here and, identically, in
# tests/test_raters.c.
suppressMessages(library(psych))
out <- data.frame(name = character(), value = numeric())
put <- function(name, value) out[nrow(out) + 1, ] <<- list(name, value)

# -- ICC(2,1), ICC(2,k) and their 95% intervals: psych::ICC with lmer = FALSE (the two-way
# ANOVA and McGraw & Wong's F-based intervals; lmer = TRUE would fit REML variance components
# iteratively). Rows with a missing rating are dropped first, as lcm_raters_icc does.
icc_put <- function(prefix, x) {
  x <- na.omit(as.data.frame(x))
  r <- ICC(x, lmer = FALSE)$results
  put(paste0(prefix, ".icc1"), r["Single_random_raters", "ICC"])
  put(paste0(prefix, ".lo1"), r["Single_random_raters", "lower bound"])
  put(paste0(prefix, ".hi1"), r["Single_random_raters", "upper bound"])
  put(paste0(prefix, ".icck"), r["Average_random_raters", "ICC"])
  put(paste0(prefix, ".lok"), r["Average_random_raters", "lower bound"])
  put(paste0(prefix, ".hik"), r["Average_random_raters", "upper bound"])
  put(paste0(prefix, ".n"), nrow(x))
}
# Shrout & Fleiss (1979) table 2: 6 targets, 4 judges.
sf <- matrix(c(9, 2, 5, 8,  6, 1, 3, 2,  8, 4, 6, 8,  7, 1, 2, 6,  10, 5, 6, 9,  6, 2, 4, 7),
             ncol = 4, byrow = TRUE)
icc_put("sf", sf)
# Ten cities rated by three reviewers on the 0-100 scale, one rating missing (city 4).
sc <- matrix(c(95, 85, 85,  75, 65, 75,  85, 85, 95,  55, NA, 65,  65, 55, 65,
               88, 80, 84,  72, 70, 61,  91, 86, 95,  60, 52, 58,  79, 71, 77),
             ncol = 3, byrow = TRUE)
icc_put("sc", sc)

# -- Krippendorff's alpha, ordinal metric, from Krippendorff (2011) "Computing Krippendorff's
# alpha-reliability", sections C (coincidence matrix) and E (ordinal metric):
#   o_ck = sum over units u of (number of c-k pairs in u) / (m_u - 1), units with m_u >= 2
#   n_c = sum_k o_ck,  n = sum_c n_c
#   delta2_ck = (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2
#   alpha = 1 - (n - 1) * sum_{c<k} o_ck delta2_ck / sum_{c<k} n_c n_k delta2_ck
kalpha_ordinal <- function(v, nlev) {   # v: units x coders, NA = not rated
  o <- matrix(0, nlev, nlev)
  for (u in seq_len(nrow(v))) {
    x <- v[u, !is.na(v[u, ])]
    m <- length(x)
    if (m < 2) next
    for (i in seq_len(m)) for (j in seq_len(m)) if (i != j)
      o[x[i], x[j]] <- o[x[i], x[j]] + 1 / (m - 1)
  }
  nc <- rowSums(o); n <- sum(nc)
  dobs <- 0; dexp <- 0
  for (c in 1:(nlev - 1)) for (k in (c + 1):nlev) {
    d2 <- (sum(nc[c:k]) - (nc[c] + nc[k]) / 2)^2
    dobs <- dobs + o[c, k] * d2
    dexp <- dexp + nc[c] * nc[k] * d2
  }
  1 - (n - 1) * dobs / dexp
}
# Krippendorff (2011) section E's example: 4 observers, 12 units, values 1-5 (NA missing);
# his published ordinal alpha is 0.815.
kr <- rbind(c(1, 2, 3, 3, 2, 1, 4, 1, 2, NA, NA, NA),
            c(1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NA, 3),
            c(NA, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NA),
            c(1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NA))
put("kr.alpha", kalpha_ordinal(t(kr), 5))
# The levels (1 = 优秀 ... 5 = 不合格) of the ten cities above.
lev <- function(s) ifelse(is.na(s), NA, ifelse(s >= 90, 1, ifelse(s >= 80, 2,
              ifelse(s >= 70, 3, ifelse(s >= 60, 4, 5)))))
put("sc.alpha", kalpha_ordinal(lev(sc), 5))

# -- Reviewer severity: y = target + reviewer + e by least squares, reviewers with sum-to-zero
# contrasts (the effect of the last is minus the sum of the others). An unbalanced, connected
# design: 5 targets, 4 reviewers, 13 ratings.
sv <- data.frame(t = c(0, 0, 0, 1, 1, 1, 2, 2, 3, 3, 3, 4, 4),
                 r = c(0, 1, 2, 0, 1, 3, 1, 2, 0, 2, 3, 2, 3),
                 y = c(80, 72, 85, 66, 60, 70, 90, 96, 55, 61, 58, 75, 74))
fit <- lm(y ~ factor(t) + factor(r), data = sv,
          contrasts = list(`factor(r)` = "contr.sum"))
b <- coef(fit)[grep("factor\\(r\\)", names(coef(fit)))]
b <- c(b, -sum(b))
for (i in seq_along(b)) put(paste0("sv.b", i - 1), b[[i]])

# -- What `lcmon ratings reliability` and the reports compute from a store holding the ten
# cities above as ratings of one point: a city with a missing rating has only two and does not
# count (three reviewers needed), so alpha is over the nine complete cities.
put("sc.alpha_counted", kalpha_ordinal(lev(na.omit(sc)), 5))

# -- The overall ICC of lcm_rating_stats: each point's two-way ANOVA (psych::ICC's $stats),
# sums of squares and df pooled over the points, then ICC(2,1) and ICC(2,k) with n and k the
# mean cities and reviewers per point. Two points: the nine complete cities of sc, and the six
# targets of sf rated by its first three judges.
pooled <- function(mats) {
  ss <- c(0, 0, 0); df <- c(0, 0, 0); n <- 0; k <- 0
  for (x in mats) {
    st <- ICC(as.data.frame(x), lmer = FALSE)$stats
    ss <- ss + st["SumSq", ]; df <- df + st["df", ]
    n <- n + nrow(x); k <- k + ncol(x)
  }
  n <- n / length(mats); k <- k / length(mats)
  ms <- ss / df; msb <- ms[[1]]; msj <- ms[[2]]; mse <- ms[[3]]
  c((msb - mse) / (msb + (k - 1) * mse + k * (msj - mse) / n),
    (msb - mse) / (msb + (msj - mse) / n))
}
pl <- pooled(list(na.omit(sc), sf[, 1:3]))
put("pool.icc1", pl[1]); put("pool.icck", pl[2])

# -- Severity-adjusted means of four cities, each rated by three of four reviewers: the mean
# of (score - reviewer effect) per city, effects fitted as above.
sa <- data.frame(t = c(0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3),
                 r = c(0, 1, 2, 0, 1, 3, 0, 2, 3, 1, 2, 3),
                 y = c(82, 74, 90, 71, 65, 77, 58, 69, 60, 93, 99, 95))
fit <- lm(y ~ factor(t) + factor(r), data = sa,
          contrasts = list(`factor(r)` = "contr.sum"))
b <- coef(fit)[grep("factor\\(r\\)", names(coef(fit)))]
b <- c(b, -sum(b))
for (i in seq_along(b)) put(paste0("sa.b", i - 1), b[[i]])
adj <- tapply(sa$y - b[sa$r + 1], sa$t, mean)
for (i in seq_along(adj)) put(paste0("sa.adj", i - 1), adj[[i]])

write.csv(transform(out, value = sprintf("%.17g", value)),
          "tests/fixtures/ratings/reference.csv", row.names = FALSE, quote = FALSE)
print(out, digits = 12)
