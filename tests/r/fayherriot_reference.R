# Reference numbers for lcmon's Fay-Herriot model (analysis/sae_fh.c, engine/smallarea.c,
# `lcmon smallarea`), checked by tests/test_smallarea.c.
#
# Debian has no r-cran-sae, so the model is written here in base R from the published
# formulas: Rao & Molina (2015) "Small Area Estimation", 2nd ed., section 6.1-6.2 (REML and ML
# Fisher scoring for A = sigma^2_u, GLS beta, EBLUP, Prasad-Rao MSE g1 + g2 + 2 g3, Datta-Lahiri
# ML MSE with the bias term b_ML), the same iteration R's sae::eblupFH / mseFH run (start at
# median(psi)), iterated to convergence (|step| <= 1e-12 max(A, median psi)) with the
# non-negativity rule of docs/smallarea.md (an iterate below 0 is set to 0). Two independent
# checks of A run alongside and print: optimize() on the (restricted) log-likelihood, and for
# ML nlme::lme with the sampling variances fixed (varFixed(~psi), sigma fixed at 1).
#
# Data sets:
#   small  - 12 areas written below (y, psi, x), A > 0, REML and ML
#   zero   - 8 areas whose direct estimates spread less than their sampling error: A = 0
#   demo   - the district direct estimates of city 1200 (天津), wave 2025, of lcmon demo's
#            household survey (tests/fixtures/smallarea/demo_1200.csv, 200 households), by
#            svyby() with the design declared as `lcmon design set --strata stratum --psu psu
#            --weight design_weight`; covariate: the urban share of the district's
#            village-level units from surveys/reference/townships.csv.
#
# Output: tests/fixtures/smallarea/reference.csv (case, area, what, value), full precision.
# Run from the repository root: Rscript tests/r/fayherriot_reference.R
suppressMessages(library(survey))
suppressMessages(library(nlme))

fh_fit <- function(y, psi, X, method = c("REML", "ML"), tol = 1e-12, maxit = 500) {
  method <- match.arg(method)
  X <- as.matrix(X)
  medpsi <- median(psi)
  A <- medpsi
  for (k in 1:maxit) {
    Vi <- 1 / (A + psi)
    XtVi <- t(Vi * X)
    Q <- solve(XtVi %*% X)
    beta <- Q %*% XtVi %*% y
    res <- as.vector(y - X %*% beta)
    if (method == "REML") {
      P <- diag(Vi) - t(XtVi) %*% Q %*% XtVi
      Py <- P %*% y
      s <- -0.5 * sum(diag(P)) + 0.5 * sum(Py^2)
      info <- 0.5 * sum(P * P)
    } else {
      s <- -0.5 * sum(Vi) + 0.5 * sum(Vi^2 * res^2)
      info <- 0.5 * sum(Vi^2)
    }
    nxt <- max(A + s / info, 0)
    step <- abs(nxt - A)
    A <- nxt
    if (step <= tol * max(A, medpsi)) break
  }
  Vi <- 1 / (A + psi)
  XtVi <- t(Vi * X)
  Q <- solve(XtVi %*% X)
  beta <- as.vector(Q %*% XtVi %*% y)
  synth <- as.vector(X %*% beta)
  gamma <- A / (A + psi)
  B <- psi / (A + psi)
  avar <- 2 / sum(Vi^2)
  g1 <- psi * (1 - B)
  g2 <- B^2 * rowSums((X %*% Q) * X)
  g3 <- B^2 * avar / (A + psi)
  bml <- if (method == "ML") -sum(diag(Q %*% (t(Vi^2 * X) %*% X))) / sum(Vi^2) else 0
  list(A = A, iterations = k, beta = beta, Q = Q, synthetic = synth, gamma = gamma,
       eblup = synth + gamma * (y - synth), g1 = g1, g2 = g2, g3 = g3,
       mse = g1 + g2 + 2 * g3 - bml * B^2, b_ml = bml,
       loglik = -0.5 * sum(log(2 * pi * (A + psi)) + (y - synth)^2 / (A + psi)))
}

# the restricted log-likelihood (up to a constant), maximised directly
reml_loglik <- function(A, y, psi, X) {
  V <- A + psi
  XtVi <- t(X / V)
  M <- XtVi %*% X
  beta <- solve(M, XtVi %*% y)
  r <- y - X %*% beta
  -0.5 * (sum(log(V)) + as.numeric(determinant(M)$modulus) + sum(r^2 / V))
}

# the synthetic estimate of an area outside the fit and its MSE A + x'Qx
fh_synthetic <- function(fit, x) {
  c(estimate = sum(x * fit$beta), mse = fit$A + as.numeric(t(x) %*% fit$Q %*% x))
}

out <- data.frame()
put <- function(case, area, what, value) {
  out <<- rbind(out, data.frame(case = case, area = as.character(area), what = what,
                                value = unname(value)))
}
put_fit <- function(case, fit, areas) {
  put(case, "", "A", fit$A)
  for (j in seq_along(fit$beta)) put(case, "", paste0("beta", j - 1), fit$beta[j])
  put(case, "", "loglik", fit$loglik)
  put(case, "", "b_ml", fit$b_ml)
  for (d in seq_along(areas)) {
    for (w in c("synthetic", "gamma", "eblup", "g1", "g2", "g3", "mse"))
      put(case, areas[d], w, fit[[w]][d])
  }
}
ml_loglik <- function(A, y, psi, X) {
  V <- A + psi
  XtVi <- t(X / V)
  r <- y - X %*% solve(XtVi %*% X, XtVi %*% y)
  -0.5 * sum(log(V) + r^2 / V)
}
# Independent checks of A, printed (they agree to ~1e-8, optimize()'s tolerance): REML and ML
# by optimize() on the (restricted) log-likelihood, ML by nlme::lme with the sampling
# variances fixed. (nlme's REML with a fixed sigma maximises another criterion: its A is lower
# and the restricted log-likelihood above is higher at ours, so it is not used for REML.)
check_fit <- function(y, psi, X, name) {
  X <- as.matrix(X)
  hi <- 10 * max(psi) + 10 * var(y)
  d <- data.frame(y = y, psi = psi, area = factor(seq_along(y)), X[, -1, drop = FALSE])
  f <- lme(as.formula(paste("y ~", paste(colnames(X)[-1], collapse = "+"))),
           random = ~ 1 | area, weights = varFixed(~ psi), data = d, method = "ML",
           control = lmeControl(sigma = 1, msMaxIter = 200))
  cat(sprintf("%-13s REML A: Fisher %.10g, optimize %.10g\n", name,
              fh_fit(y, psi, X, "REML")$A,
              optimize(reml_loglik, c(0, hi), y = y, psi = psi, X = X, maximum = TRUE,
                       tol = 1e-12)$maximum))
  cat(sprintf("%-13s ML   A: Fisher %.10g, optimize %.10g, nlme %.10g\n", name,
              fh_fit(y, psi, X, "ML")$A,
              optimize(ml_loglik, c(0, hi), y = y, psi = psi, X = X, maximum = TRUE,
                       tol = 1e-12)$maximum, as.numeric(VarCorr(f)[1, 1])))
}

# ---- small: 12 areas, one covariate --------------------------------------------------------
small <- data.frame(
  area = sprintf("a%02d", 1:12),
  y = c(0.52, 0.81, 0.47, 0.88, 0.60, 0.79, 0.41, 0.73, 0.90, 0.58, 0.66, 0.70),
  psi = c(0.004, 0.002, 0.006, 0.003, 0.005, 0.0025, 0.007, 0.0035, 0.002, 0.008, 0.003, 0.0045),
  x = c(0.35, 0.80, 0.10, 0.95, 0.55, 0.70, 0.20, 0.60, 0.90, 0.15, 0.75, 0.40))
Xs <- cbind(`(Intercept)` = 1, x = small$x)
f <- fh_fit(small$y, small$psi, Xs, "REML")
check_fit(small$y, small$psi, Xs, "small")
put_fit("small_reml", f, small$area)
s <- fh_synthetic(f, c(1, 0.5))
put("small_reml", "x=0.5", "synthetic", s["estimate"])
put("small_reml", "x=0.5", "mse", s["mse"])
put_fit("small_ml", fh_fit(small$y, small$psi, Xs, "ML"), small$area)

# ---- zero: the direct estimates hug the line, A = 0 -----------------------------------------
zero <- data.frame(
  area = sprintf("z%d", 1:8),
  y = c(0.60, 0.66, 0.59, 0.71, 0.64, 0.70, 0.62, 0.69),
  psi = c(0.010, 0.012, 0.008, 0.015, 0.009, 0.011, 0.010, 0.013),
  x = c(0.2, 0.5, 0.1, 0.9, 0.4, 0.8, 0.3, 0.7))
Xz <- cbind(`(Intercept)` = 1, x = zero$x)
f <- fh_fit(zero$y, zero$psi, Xz, "REML")
check_fit(zero$y, zero$psi, Xz, "zero")
put_fit("zero_reml", f, zero$area)

write.csv(small, "tests/fixtures/smallarea/small.csv", row.names = FALSE)
write.csv(zero, "tests/fixtures/smallarea/zero.csv", row.names = FALSE)

# ---- demo: the districts of city 1200 ------------------------------------------------------
h <- read.csv("tests/fixtures/smallarea/demo_1200.csv", colClasses = c(county = "character",
                                                                         psu = "character"))
des <- svydesign(id = ~psu, strata = ~stratum, weights = ~design_weight, data = h)
tw <- read.csv("surveys/reference/townships.csv", colClasses = c(county_code = "character"))
co <- read.csv("surveys/reference/counties.csv", colClasses = c(code = "character",
                                                               city_code = "character"))
tw <- tw[tw$county_code %in% co$code[co$city_code == "1200"], ]
rc <- tapply(tw$residents_committees, tw$county_code, sum)
all <- tapply(tw$residents_committees + tw$village_committees + tw$other_villages,
              tw$county_code, sum)
urban <- rc / all
for (v in c("participated", "sat_index")) {
  # the domain estimate of each district (svyby on the whole design: domain estimation)
  e <- svyby(as.formula(paste0("~", v)), ~county, des, svymean, na.rm = TRUE)
  n <- tapply(!is.na(h[[v]]), h$county, sum)
  npsu <- tapply(h$psu[!is.na(h[[v]])], h$county[!is.na(h[[v]])], function(p) length(unique(p)))
  codes <- as.character(e$county)
  fitted <- codes[npsu[codes] >= 2 & SE(e) > 0]
  y <- coef(e)[fitted]
  psi <- SE(e)[match(fitted, codes)]^2
  X <- cbind(`(Intercept)` = 1, urban_share = urban[fitted])
  case <- paste0("demo_", v)
  check_fit(as.vector(y), psi, X, v)
  for (meth in c("REML", "ML")) {
    f <- fh_fit(as.vector(y), psi, X, meth)
    cs <- paste0(case, "_", tolower(meth))
    put_fit(cs, f, fitted)
    for (d in names(urban)) {
      if (d %in% fitted) next
      s <- fh_synthetic(f, c(1, urban[[d]]))
      put(cs, d, "synthetic", s["estimate"])
      put(cs, d, "mse", s["mse"])
    }
  }
  for (d in codes) {
    put(case, d, "direct", coef(e)[[d]])
    put(case, d, "se", SE(e)[match(d, codes)])
    put(case, d, "n", n[[d]])
    put(case, d, "npsu", npsu[[d]])
  }
  for (d in names(urban)) put(case, d, "urban_share", urban[[d]])
}

out$value <- sprintf("%.17g", out$value)
write.csv(out, "tests/fixtures/smallarea/reference.csv", row.names = FALSE, quote = FALSE)
