# compare_reference.R - reference numbers for tests/test_compare.c (docs/compare.md): the
# covariance of domain estimates, linear contrasts of them (svycontrast), the design-based
# t-test (svyttest) and the Rao-Scott chi-square tests (svychisq, statistic "F" and "Chisq").
#
#   Rscript tests/r/compare_reference.R            (from the repository root: R's api data)
#   Rscript tests/r/compare_reference.R DIR        (also the demo's household data, below)
#
# api: reads the data files tests/r/svy_fixtures.R wrote (tests/fixtures/svy/*.csv) with the
# designs of its cases, writes tests/fixtures/compare/api.csv.
# household: DIR is what `lcmon export --format r` wrote for the database of
# tests/r/export_household.R's header (simulate --cities 2 --waves 2025 --households 20
# --seed 7, design strata=stratum psu=psu weight=design_weight); writes
# tests/fixtures/compare/household.csv.
#
# Each output row is case,what,i,j,value (%.17g). what: est (domain i), cov (domains i, j),
# coef (contrast i, domain j), con_est / con_se / con_df / con_p (contrast i), t_* (t-test),
# chisq_* (chi-square test). The C test of a case rebuilds the design and asks lcmon.
#
# Covariance: survey 4.1's svyby(covmat = TRUE) puts zeros off the diagonal for a linearised
# design (survey >= 4.2 uses influence functions). The reference here is that computation
# done by hand: each domain's influence values (zero outside the domain) through svyrecvar()
# with the design's clusters, strata and fpc, the diagonal checked against svyby()'s own SEs
# and, for means, the whole matrix against vcov(svyglm(y ~ 0 + domain)). Replicate designs
# use svyby(covmat = TRUE) itself, which is exact for them. Contrasts are svycontrast() on a
# svystat carrying that matrix; their df is degf() of the design subset to the rows of the
# domains with a nonzero coefficient, p = 2 pt(-|t|, df).
suppressPackageStartupMessages(library(survey))
stopifnot(packageVersion("survey") >= "4.1")
args <- commandArgs(trailingOnly = TRUE)
out_dir <- "tests/fixtures/compare"
dir.create(out_dir, recursive = TRUE, showWarnings = FALSE)
num <- function(x) { x <- as.numeric(unlist(x)); ifelse(is.na(x), "nan", sprintf("%.17g", x)) }
rows <- list()
put <- function(case, what, i, j, value) {
  rows[[length(rows) + 1]] <<- data.frame(case = case, what = what, i = i, j = j,
                                          value = num(value), stringsAsFactors = FALSE)
}

# Influence values of a domain estimate (zero outside the domain or where y is NA).
influence <- function(design, y, x, dom, k, stat) {
  w <- weights(design)
  if (is.null(x)) x <- rep(1, length(y))
  inn <- !is.na(dom) & dom == k & !is.na(y) & !is.na(x)
  z <- rep(0, length(y))
  if (stat == "mean") {
    W <- sum(w[inn]); th <- sum(w[inn] * y[inn]) / W
    z[inn] <- w[inn] * (y[inn] - th) / W
  } else if (stat == "total") {
    th <- sum(w[inn] * y[inn]); z[inn] <- w[inn] * y[inn]
  } else {
    X <- sum(w[inn] * x[inn]); th <- sum(w[inn] * y[inn]) / X
    z[inn] <- w[inn] * (y[inn] - th * x[inn]) / X
  }
  list(th = th, z = z)
}

# Domain estimates, covariance and contrasts of one (case, variable, grouping).
domains_case <- function(case, design, yname, dom, stat, contrasts, xname = NULL) {
  y <- design$variables[[yname]]
  x <- if (is.null(xname)) NULL else design$variables[[xname]]
  ks <- sort(unique(dom[!is.na(dom)]))
  if (inherits(design, "svyrep.design")) {
    design$variables$dom_ <- factor(dom, levels = ks)
    b <- svyby(as.formula(paste0("~", yname)), ~dom_, design, svymean, covmat = TRUE,
               na.rm = TRUE)
    th <- coef(b); V <- vcov(b)
  } else {
    inf <- lapply(ks, function(k) influence(design, y, x, dom, k, stat))
    th <- sapply(inf, `[[`, "th")
    Z <- sapply(inf, `[[`, "z")
    V <- svyrecvar(Z, design$cluster, design$strata, design$fpc,
                   postStrata = design$postStrata)
    # the diagonal is svyby's own variance of each domain
    design$variables$dom_ <- factor(dom, levels = ks)
    f <- switch(stat, mean = svymean, total = svytotal)
    if (stat == "ratio") {
      b <- svyby(as.formula(paste0("~", yname)), ~dom_, design, svyratio,
                 denominator = as.formula(paste0("~", xname)), na.rm = TRUE)
      stopifnot(isTRUE(all.equal(as.vector(coef(b)), th, tolerance = 1e-12)))
      stopifnot(isTRUE(all.equal(as.vector(SE(b))^2, diag(V), tolerance = 1e-10)))
    } else {
      b <- svyby(as.formula(paste0("~", yname)), ~dom_, design, f, na.rm = TRUE)
      stopifnot(isTRUE(all.equal(as.vector(coef(b)), th, tolerance = 1e-12)))
      stopifnot(isTRUE(all.equal(as.vector(SE(b))^2, diag(V), tolerance = 1e-10)))
    }
    if (stat == "mean") { # the same matrix from the regression on domain indicators
      m <- svyglm(as.formula(paste0(yname, " ~ 0 + dom_")), design)
      stopifnot(isTRUE(all.equal(unname(vcov(m)), unname(V), tolerance = 1e-9)))
    }
  }
  for (a in seq_along(ks)) {
    put(case, "est", ks[a], -1, th[a])
    for (b in seq_along(ks)) put(case, "cov", ks[a], ks[b], V[a, b])
  }
  s <- as.vector(th); names(s) <- paste0("d", ks)
  attr(s, "var") <- V; attr(s, "statistic") <- stat; class(s) <- "svystat"
  for (ci in seq_along(contrasts)) {
    cf <- contrasts[[ci]]
    for (a in seq_along(ks)) put(case, "coef", ci - 1, ks[a], cf[a])
    con <- svycontrast(s, cf)
    used <- !is.na(dom) & dom %in% ks[cf != 0] & !is.na(y)
    df <- degf(subset(design, used))
    est <- coef(con); se <- SE(con)
    put(case, "con_est", ci - 1, -1, est)
    put(case, "con_se", ci - 1, -1, se)
    put(case, "con_df", ci - 1, -1, df)
    put(case, "con_p", ci - 1, -1, 2 * pt(-abs(est / se), df))
  }
}

ttest_case <- function(case, design, formula) {
  t <- svyttest(formula, design)
  put(case, "t_diff", -1, -1, t$estimate)
  put(case, "t_t", -1, -1, t$statistic)
  put(case, "t_df", -1, -1, t$parameter)
  put(case, "t_p", -1, -1, t$p.value)
  put(case, "t_lo", -1, -1, t$conf.int[1])
  put(case, "t_hi", -1, -1, t$conf.int[2])
}

chisq_case <- function(case, design, formula) {
  f <- svychisq(formula, design, statistic = "F")
  c <- svychisq(formula, design, statistic = "Chisq")
  put(case, "chisq_f", -1, -1, f$statistic)
  put(case, "chisq_ndf", -1, -1, f$parameter[1])
  put(case, "chisq_ddf", -1, -1, f$parameter[2])
  put(case, "chisq_pf", -1, -1, f$p.value)
  put(case, "chisq_x2", -1, -1, c$statistic)
  put(case, "chisq_pchisq", -1, -1, c$p.value)
}

# ---- R's api data, from the files svy_fixtures.R wrote -----------------------------------
rd <- function(f) read.csv(file.path("tests/fixtures/svy", f), na.strings = "nan")
strat <- rd("apistrat.csv"); clus1 <- rd("apiclus1.csv"); clus2 <- rd("apiclus2.csv")
clus1$big <- as.numeric(clus1$enroll > 1000)
dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = strat)
dclus1 <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = clus1)
dclus2 <- svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = clus2)
rclus1 <- as.svrepdesign(dclus1, type = "JK1")

two <- list(c(-1, 1), c(1, 0))
three <- list(c(-1, 1, 0), c(-1, 0, 1), c(0.5, 0.5, -1))
# domains that cross the strata (awards) and that are the strata (stype)
domains_case("strat_awards", dstrat, "api00", strat$awards, "mean", two)
domains_case("strat_stype", dstrat, "api00", strat$stype, "mean", three)
# clusters shared by the domains
domains_case("clus1_stype", dclus1, "api00", clus1$stype, "mean", three)
domains_case("clus1_yes", dclus1, "yes", clus1$stype, "mean", three)
domains_case("clus1_total", dclus1, "enroll", clus1$stype, "total", three)
domains_case("clus1_ratio", dclus1, "api00", clus1$stype, "ratio", three, xname = "api99")
domains_case("clus1_acs", dclus1, "acs_k3", clus1$awards, "mean", two) # NA values
# two stages with fpc at both
domains_case("clus2_stype", dclus2, "api00", clus2$stype, "mean", three)
# replicate weights (JK1 from the cluster design)
domains_case("clus1jk1_stype", rclus1, "api00", clus1$stype, "mean", three)
# a domain in one PSU: district (dnum) domains of the two-stage sample, each one PSU whose
# variance comes from its second stage; two of them differ on 1 df, one alone has df 0 and
# no p-value (R's pt(, 0) is NaN)
dn <- match(clus2$dnum, sort(unique(clus2$dnum))) - 1
nd <- length(unique(dn))
ev <- function(a) { v <- rep(0, nd); a <- matrix(a, ncol = 2); v[a[, 1] + 1] <- a[, 2]; v }
domains_case("clus2_dnum", dclus2, "api00", dn, "mean",
             list(ev(c(5, 6, -1, 1)), ev(c(5, 1)), ev(c(0, 12, -1, 1))))

ttest_case("strat_t", dstrat, api00 ~ awards)
ttest_case("clus1_t", dclus1, api00 ~ awards)
ttest_case("clus2_t", dclus2, enroll ~ yes)
ttest_case("clus1_t_acs", dclus1, acs_k3 ~ awards) # NA values dropped
# a group against the rest of its area (the report's "which groups lag"): elementary schools
# (stype E) against the other schools with awards, and middle schools likewise
ttest_case("clus1_gap_E", subset(dclus1, awards == 1), api00 ~ I(stype == 0))
ttest_case("clus1_gap_M", subset(dclus1, awards == 1), api00 ~ I(stype == 2))
ttest_case("strat_gap_H", subset(dstrat, yes == 0), api00 ~ I(stype == 1))
chisq_case("strat_x", dstrat, ~stype + awards)
chisq_case("clus1_x", dclus1, ~stype + comp)
chisq_case("clus2_x", dclus2, ~stype + awards)
chisq_case("clus1_x_empty", dclus1, ~stype + big) # the cell (E, big) is empty
f <- file.path(out_dir, "api.csv")
write.csv(do.call(rbind, rows), f, row.names = FALSE, quote = FALSE)
cat("wrote", f, "\n")

# ---- the demo's household data ----------------------------------------------------------
if (length(args) >= 1) {
  rows <- list()
  source(file.path(args[1], "household.R"))
  h <- design$variables
  cityk <- match(h$city, sort(unique(h$city))) - 1
  urban <- as.numeric(h$community_type == "rc") # 居委会 (urban) vs 村委会 (rural)
  age <- match(h$age_band, sort(unique(h$age_band))) - 1
  domains_case("hh_city", design, "sat_overall", cityk, "mean", list(c(1, -1)))
  domains_case("hh_age", design, "participated", age, "mean",
               lapply(seq_along(unique(age))[-1], function(a) {
                 v <- rep(0, length(unique(age))); v[1] <- -1; v[a] <- 1; v }))
  design$variables$urban <- urban
  ttest_case("hh_t_urban", design, sat_index ~ urban)
  chisq_case("hh_x", design, ~age_band + participated)
  f <- file.path(out_dir, "household.csv")
  write.csv(do.call(rbind, rows), f, row.names = FALSE, quote = FALSE)
  cat("wrote", f, "\n")
}
