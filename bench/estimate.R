# estimate.R - the R half of bench/estimate.
#   Rscript bench/estimate.R gen DATA.csv NCITIES       write the sample (set.seed, 20 PSUs x 50
#                                                       households per city, 6 age bands,
#                                                       sex 1-2, a 4-category cat4)
#   Rscript bench/estimate.R r DATA.csv LCMON.csv       time svyby on DATA and compare with
#                                                       lcmon's results in LCMON.csv
#   Rscript bench/estimate.R q DATA.csv LCMONQ.csv      time svyquantile per domain on DATA and
#                                                       compare with lcmon's quartiles
# The design: cities are strata, communities PSUs (20 of 200 per city), households SSUs
# (50 of 2000 per community, one respondent each), fpc at both stages; 20 variables, means.
suppressPackageStartupMessages(library(survey))
args <- commandArgs(TRUE)
if (args[1] == "gen") {
  set.seed(20240508)
  ncity <- as.integer(args[3]); npsu <- 20; nhh <- 50
  n <- ncity * npsu * nhh
  city <- rep(seq_len(ncity), each = npsu * nhh)
  psu <- rep(rep(seq_len(npsu), each = nhh), ncity)
  hh <- rep(seq_len(nhh), ncity * npsu)
  age <- sample(1:6, n, replace = TRUE)
  level <- runif(ncity, 50, 70)[city]
  eff <- runif(ncity * npsu, -2.5, 2.5)[(city - 1) * npsu + psu]
  d <- data.frame(city, psu, hh, age, fpc1 = 200, fpc2 = 2000,
                  w = round(200 / 20 * 2000 / 50 * runif(n, 0.5, 1.5), 4))
  for (j in 1:20) d[[paste0("y", j)]] <- if (j <= 15) round(level + eff + runif(n, 0, 10) + age, 4) else
    as.numeric(runif(n) < 0.3 + 0.05 * age)
  # drawn after the variables above, so they are the same as without these two columns
  d$sex <- sample(1:2, n, replace = TRUE)
  d$cat4 <- sample(1:4, n, replace = TRUE, prob = c(0.4, 0.3, 0.2, 0.1))
  write.csv(d, args[2], row.names = FALSE)
  quit(save = "no")
}
if (args[1] == "q") {
  # quartiles: svyquantile (R's defaults: qrule "math", Woodruff interval) per domain subset
  d <- read.csv(args[2])
  lq <- read.csv(args[3])
  des <- svydesign(id = ~psu + hh, strata = ~city, fpc = ~fpc1 + fpc2, weights = ~w, data = d,
                   nest = TRUE)
  d$city_age <- (d$city - 1) * 6 + d$age - 1
  des <- update(des, city_age = d$city_age)
  t0 <- proc.time()[["elapsed"]]
  same <- 0; total <- 0; worst <- 0
  for (by in c("city", "city_age")) for (dom in sort(unique(d[[by]]))) {
    sub <- des[d[[by]] == dom, ]
    lid <- if (by == "city") dom - 1 else dom
    for (j in 1:20) {
      q <- svyquantile(as.formula(paste0("~y", j)), sub, c(0.25, 0.5, 0.75), ci = TRUE)[[1]]
      l <- lq[lq$by == by & lq$domain == lid & lq$var == paste0("y", j), ]
      same <- same + sum(l$quantile == q[, 1]); total <- total + 3
      both <- !is.na(q[, 4]) & !is.na(l$se)
      if (any(is.na(q[, 4]) != is.na(l$se))) worst <- Inf
      if (any(both)) worst <- max(worst, abs(l$se[both] - q[both, 4]) / pmax(abs(q[both, 4]), 1e-300))
    }
  }
  t1 <- proc.time()[["elapsed"]]
  cat(sprintf("R svyquantile: %.2f s for %d quartiles; equal to lcmon's: %d; largest SE rel. difference %.3g\n",
              t1 - t0, total, same, worst))
  quit(save = "no")
}
d <- read.csv(args[2])
lc <- read.csv(args[3])
des <- svydesign(id = ~psu + hh, strata = ~city, fpc = ~fpc1 + fpc2, weights = ~w, data = d,
                 nest = TRUE)
f <- as.formula(paste("~", paste0("y", 1:20, collapse = "+")))
t0 <- proc.time()[["elapsed"]]
b1 <- svyby(f, ~city, des, svymean)
t1 <- proc.time()[["elapsed"]]
d$city_age <- (d$city - 1) * 6 + d$age - 1
des <- update(des, city_age = d$city_age)
b2 <- svyby(f, ~city_age, des, svymean)
t2 <- proc.time()[["elapsed"]]
worst <- 0
cmp <- function(b, by, dom) {
  for (j in 1:20) {
    v <- paste0("y", j)
    l <- lc[lc$by == by & lc$var == v, ]
    l <- l[match(dom, l$domain), ]
    rel <- function(a, r) max(abs(a - r) / pmax(abs(a), abs(r)))
    worst <<- max(worst, rel(l$estimate, b[[v]]), rel(l$se, SE(b)[, j]))
  }
}
cmp(b1, "city", b1$city - 1)
cmp(b2, "city_age", b2$city_age)
cat(sprintf("R svyby: by city %.2f s, by city x age %.2f s, total %.2f s (%d rows, %d cities)\n",
            t1 - t0, t2 - t1, t2 - t0, nrow(d), length(unique(d$city))))
cat(sprintf("largest relative difference lcmon vs R (estimates and SEs): %.3g\n", worst))
cat(sprintf("R_SECONDS=%.3f\n", t2 - t0))
