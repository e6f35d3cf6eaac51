# composite_reference.R - reference numbers for tests/test_composite.c and tests/test_trend.c,
# computed with base R 4.2 only (COINr is not packaged for Debian). Run:
#   Rscript tests/r/composite_reference.R
# and compare with the constants in the tests; each block names the test that uses it.
options(digits = 12)

# -- normalise__zscore_matches_r_scale: R's scale() uses sd with n - 1.
x <- c(2, 4, NA, 10, 6)
cat("zscore", scale(x)[, 1], "\n")
# -- normalise__target_defaults_to_p90: type-7 quantile, gsl_stats_quantile_from_sorted_data.
cat("p90", quantile(x, 0.9, na.rm = TRUE, type = 7), "\n")

# -- treat__*: bias-adjusted skewness and excess kurtosis (Excel SKEW/KURT, e1071 type 2,
# what COINr's Treat checks against 2 and 3.5).
skew2 <- function(x) { x <- x[!is.na(x)]; n <- length(x); m <- mean(x); s <- sd(x)
  n / ((n - 1) * (n - 2)) * sum((x - m)^3) / s^3 }
kurt2 <- function(x) { x <- x[!is.na(x)]; n <- length(x); m <- mean(x); s2 <- var(x)
  n * (n + 1) / ((n - 1) * (n - 2) * (n - 3)) * sum((x - m)^4) / s2^2 -
    3 * (n - 1)^2 / ((n - 2) * (n - 3)) }
y <- c(1:9, 100)
cat("skew_kurt y", skew2(y), kurt2(y), "\n")
y1 <- c(1:9, 9)
cat("after one winsorisation", skew2(y1), kurt2(y1), "\n")
z <- c(1:30, 1000, 2000, 4000, 8000, 16000, 32000, 64000)
cat("heavy", skew2(z), kurt2(z), "\n")
zw <- c(1:30, 1000, 2000, 4000, 8000, 8000, 8000, 8000)
cat("heavy after 6 winsorised", skew2(zw), kurt2(zw), "\n")
zl <- log(z - min(z) + 1)
cat("heavy logged", zl[37], skew2(zl), kurt2(zl), "\n")

# -- weights__pca_matches_r_eigen: Handbook §6.1 rule on eigen(cor(X)).
X <- cbind(c(1, 2, 3, 4, 5, 6), c(2, 1, 4, 3, 6, 5), c(6, 5, 5, 2, 2, 1), c(3, 1, 2, 1, 3, 2))
e <- eigen(cor(X))
kept <- max(1, sum(e$values > 1))
share <- e$vectors[, 1:kept, drop = FALSE]^2
lam <- e$values[1:kept]
w <- sapply(1:nrow(share), function(j) { c <- which.max(share[j, ]); share[j, c] * lam[c] / sum(lam) })
cat("pca eigenvalues", e$values, "\n")
cat("pca weights", w / sum(w), "explained", sum(lam) / ncol(X), "\n")

# -- reliability__alpha_matches_formula
A <- cbind(c(4, 5, 3, 2, 4, 5), c(3, 5, 4, 2, 4, 4), c(4, 4, 3, 1, 5, 5))
k <- ncol(A)
cat("alpha", k / (k - 1) * (1 - sum(apply(A, 2, var)) / var(rowSums(A))), "\n")

# -- trend__ols_matches_lm, trend__mann_kendall_and_sen
t <- 2019:2023; v <- c(10, 12, 11, 15, 16)
f <- summary(lm(v ~ t))$coefficients
cat("ols slope se t p", f[2, ], "intercept", f[1, 1], "\n")
cat("cagr", (16 / 10)^(1 / 4) - 1, "\n")
mk <- function(t, v) { o <- order(t); v <- v[o]; t <- t[o]; n <- length(v); S <- 0; sl <- c()
  for (i in 1:(n - 1)) for (j in (i + 1):n) { S <- S + sign(v[j] - v[i]); sl <- c(sl, (v[j] - v[i]) / (t[j] - t[i])) }
  g <- table(v); vs <- (n * (n - 1) * (2 * n + 5) - sum(g * (g - 1) * (2 * g + 5))) / 18
  z <- if (S > 0) (S - 1) / sqrt(vs) else if (S < 0) (S + 1) / sqrt(vs) else 0
  c(S = S, var = vs, z = z, p = 2 * pnorm(-abs(z)), sen = median(sl)) }
cat("mk", mk(t, v), "\n")
cat("mk ties", mk(1:4, c(1, 2, 2, 3)), "\n")
# -- cli__trend_machine_formats_full_precision (test_score.c): 12 years, strictly increasing
cat("mk twelve", mk(2012:2023, 10 + 2 * (0:11) + rep(c(0.001, -0.001), 6)), "\n")
# -- trend__wave_change_se
cat("wave", 66 - 60, sqrt(3^2 + 4^2), 2 * pnorm(-6 / 5), 6 - qnorm(0.975) * 5, 6 + qnorm(0.975) * 5, "\n")
