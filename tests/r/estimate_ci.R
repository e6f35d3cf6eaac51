# Reference intervals for lcmon estimate (tests/test_estimate.c), from R's survey package.
# Data: tests/fixtures/svy/apistrat.csv (written by tests/r/svy_fixtures.R from R's apistrat).
# Run from the repository root: Rscript tests/r/estimate_ci.R
suppressMessages(library(survey))
d <- read.csv("tests/fixtures/svy/apistrat.csv")
des <- svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = d)
out <- data.frame()
add <- function(case, domain, est, se, lo, hi, df) {
  out <<- rbind(out, data.frame(case = case, domain = domain, estimate = unname(est),
                                se = unname(se), ci_low = unname(lo), ci_high = unname(hi),
                                df = df, row.names = NULL))
}
# mean with a t interval on the design df (as lcmon reports; confint(..., df = degf(des)))
m <- svymean(~api00, des)
ci <- confint(m, df = degf(des))
add("mean_t", "all", coef(m), SE(m), ci[1], ci[2], degf(des))
for (s in sort(unique(d$stype))) {
  sub <- subset(des, stype == s)
  m <- svymean(~api00, sub)
  ci <- confint(m, df = degf(sub))
  add("mean_t", s, coef(m), SE(m), ci[1], ci[2], degf(sub))
  for (meth in c("logit", "beta")) {
    p <- svyciprop(~I(yes == 1), sub, method = meth)
    ci <- attr(p, "ci")
    add(paste0("prop_", meth), s, as.numeric(p), sqrt(as.numeric(attr(p, "var"))), ci[1], ci[2],
        degf(sub))
  }
}
for (meth in c("logit", "beta")) {
  p <- svyciprop(~I(yes == 1), des, method = meth)
  ci <- attr(p, "ci")
  add(paste0("prop_", meth), "all", as.numeric(p), sqrt(as.numeric(attr(p, "var"))), ci[1],
      ci[2], degf(des))
}
for (k in 3:7) out[[k]] <- sprintf("%.17g", out[[k]])
write.csv(out, "tests/fixtures/estimate/ci_reference.csv", row.names = FALSE, quote = FALSE)

# Calibrated designs through lcmon's store path: apiclus1 (one-stage cluster with fpc),
# margins as in tests/fixtures/estimate/margins_*.csv (R's ?postStratify and ?rake counts).
# GREG with two categorical margins, as lcmon's 'weight calibrate' builds them.
c1 <- read.csv("tests/fixtures/svy/apiclus1.csv")
c1$stype <- factor(c1$stype)
c1$yesf <- factor(c1$yes)
dclus1 <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = c1)
cal <- data.frame()
addc <- function(case, domain, est, se) {
  cal <<- rbind(cal, data.frame(case = case, domain = domain, estimate = sprintf("%.17g", est),
                                se = sprintf("%.17g", se), row.names = NULL))
}
gc <- calibrate(dclus1, ~stype + yesf, c(6194, 755, 1018, 5122))
m <- svymean(~api00, gc)
addc("greg_cat", "all", coef(m), SE(m))
b <- svyby(~api00, ~stype, gc, svymean)
for (i in seq_len(nrow(b))) addc("greg_cat", as.character(b$stype[i]), b$api00[i], SE(b)[i])
write.csv(cal, "tests/fixtures/estimate/calib_reference.csv", row.names = FALSE, quote = FALSE)
