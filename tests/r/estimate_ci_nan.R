# Reference intervals where R gives NaN, for lcmon estimate (tests/test_estimate.c,
# estimate__intervals_nan_as_r): a domain with no design degrees of freedom (A: one PSU),
# and proportions of 0 and 1 (B: y always 0, C: y always 1), for every interval lcmon
# offers: t on the design df for means, svyciprop's logit, beta (Korn-Graubard) and mean
# (lcmon's wald) for proportions, and svyquantile's Woodruff interval.
# Data: tests/fixtures/estimate/ci_nan.csv (12 rows, 2 strata x 3 PSUs, made up by hand).
# Run from the repository root (R 4.1, survey 4.1.1):
#   Rscript tests/r/estimate_ci_nan.R > tests/fixtures/estimate/ci_nan_reference.csv
# svyciprop(method = "logit") fits a glm, which at p = 0 or 1 does not converge and returns
# an estimate 1e-10 away from 0 or 1 with an interval of width ~1e-10 rather than NaN; the
# reference keeps what R printed and the test checks that artefact (not a usable interval)
# where lcmon gives NaN, as beta does.
suppressMessages(library(survey))
d <- read.csv("tests/fixtures/estimate/ci_nan.csv")
des <- svydesign(id = ~psu, strata = ~str, weights = ~w, data = d, nest = TRUE)
out <- data.frame()
add <- function(case, domain, cat, est, se, ci, df) {
  out <<- rbind(out, data.frame(case = case, domain = domain, category = cat,
                                estimate = sprintf("%.17g", unname(est)),
                                se = sprintf("%.17g", unname(se)),
                                ci_low = sprintf("%.17g", unname(ci[1])),
                                ci_high = sprintf("%.17g", unname(ci[2])), df = df))
}
for (s in c("all", "A", "B", "C")) {
  sub <- if (s == "all") des else subset(des, dom == s)
  m <- svymean(~x, sub)
  add("mean_t", s, "", coef(m), SE(m), suppressWarnings(confint(m, df = degf(sub))), degf(sub))
  for (cat in 0:1) for (meth in c("logit", "beta", "mean")) {
    p <- suppressWarnings(svyciprop(as.formula(paste0("~I(y == ", cat, ")")), sub,
                                    method = meth))
    add(paste0("prop_", if (meth == "mean") "wald" else meth), s, cat, as.numeric(p),
        sqrt(as.numeric(attr(p, "var"))), attr(p, "ci"), degf(sub))
  }
  q <- suppressWarnings(svyquantile(~x, sub, 0.5, ci = TRUE))$x
  add("quantile", s, "0.5", q[1, "quantile"], q[1, "se"], q[1, c("ci.2.5", "ci.97.5")], degf(sub))
}
write.csv(out, stdout(), row.names = FALSE, quote = FALSE)
