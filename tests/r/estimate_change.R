# estimate_change.R - reference changes between two waves for tests/test_svy_quantile.c
# (lcm_svy_change_of) and tests/test_estimate.c (lcmon estimate --compare-waves), from R's
# survey package (4.1.1).
#
#   Rscript tests/r/estimate_change.R        (from the repository root, after svy_fixtures.R)
#
# Two independent samples of California schools stand for two waves of one survey, each
# with its own design: wave 2024 = apistrat, svydesign(id=~1, strata=~stype, weights=~pw,
# fpc=~fpc); wave 2025 = apiclus1, svydesign(id=~dnum, weights=~pw, fpc=~fpc). Writes
# tests/fixtures/estimate/waves.csv (both samples stacked, with a wave column) and
# change_reference.csv: per statistic and stype domain, each wave's estimate, SE and design
# df, the difference (2025 - 2024), its SE sqrt(se1^2 + se2^2), the Welch-Satterthwaite df
# (v1 + v2)^2 / (v1^2/df1 + v2^2/df2) and the two-sided p = 2 pt(-|diff/se|, df).
suppressPackageStartupMessages(library(survey))
rd <- function(f) read.csv(file.path("tests/fixtures/svy", f), na.strings = "nan")
num <- function(x) ifelse(is.na(x), "nan", sprintf("%.17g", as.numeric(x)))
cols <- c("stype", "dnum", "pw", "fpc", "api00", "acs_k3", "yes")
w1 <- rd("apistrat.csv")[, cols]
w2 <- rd("apiclus1.csv")[, cols]
w1$wave <- 2024
w2$wave <- 2025
both <- rbind(w1, w2)
both[] <- lapply(both, num)
write.table(both, "tests/fixtures/estimate/waves.csv", sep = ",", row.names = FALSE,
            quote = FALSE)

d1 <- svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = w1)
d2 <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = w2)
# one statistic of one domain: estimate, SE, df
one <- function(stat, des, v) {
  des <- des[!is.na(des$variables[[v]]), ]
  f <- as.formula(paste0("~", v))
  if (stat == "mean") {
    m <- svymean(f, des)
    c(coef(m), SE(m), degf(des))
  } else if (stat == "prop") {
    m <- svymean(as.formula(paste0("~I(", v, " == 1)")), des)
    c(coef(m)[2], SE(m)[2], degf(des))
  } else {
    q <- svyquantile(f, des, quantiles = 0.5, ci = TRUE)[[1]]
    c(q[1, 1], q[1, 4], degf(des))
  }
}
out <- data.frame()
for (case in list(c("mean", "api00"), c("mean", "acs_k3"), c("prop", "yes"),
                  c("quantile", "api00"))) {
  for (s in 0:2) {
    # a domain without any answer in a wave has no estimate, hence no change
    if (all(is.na(w1[w1$stype == s, case[2]])) || all(is.na(w2[w2$stype == s, case[2]]))) next
    a <- one(case[1], subset(d1, stype == s), case[2])
    b <- one(case[1], subset(d2, stype == s), case[2])
    diff <- b[1] - a[1]
    se <- sqrt(a[2]^2 + b[2]^2)
    df <- (a[2]^2 + b[2]^2)^2 / (a[2]^4 / a[3] + b[2]^4 / b[3])
    p <- 2 * pt(-abs(diff / se), df)
    out <- rbind(out, data.frame(stat = case[1], var = case[2], stype = s, est1 = num(a[1]),
      se1 = num(a[2]), df1 = num(a[3]), est2 = num(b[1]), se2 = num(b[2]), df2 = num(b[3]),
      diff = num(diff), se = num(se), df = num(df), p = num(p)))
  }
}
write.table(out, "tests/fixtures/estimate/change_reference.csv", sep = ",", row.names = FALSE,
            quote = FALSE)
