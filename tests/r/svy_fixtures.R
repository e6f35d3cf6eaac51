# svy_fixtures.R - reference numbers for tests/test_svy*.c, made with R's survey package.
#
#   Rscript tests/r/svy_fixtures.R          (from the repository root)
#
# Writes tests/fixtures/svy/*.csv: one data file per data set (numbers only, NA as "nan",
# codes as integers, domain ids 0-based with -1 = not in any domain) and reference.csv with one
# row per (case, statistic, variable, grouping, domain): estimate, se, df, deff, n printed with
# %.17g. CI has no R: the C tests only read these files. Every case below names the R call
# that made it; the C test of the same case name rebuilds the design from the data file.
suppressPackageStartupMessages(library(survey))
stopifnot(packageVersion("survey") >= "4.1")
data(api)
out <- "tests/fixtures/svy"
dir.create(out, recursive = TRUE, showWarnings = FALSE)

num <- function(x) ifelse(is.na(x), "nan", sprintf("%.17g", as.numeric(x)))
write_data <- function(df, name) {
  df[] <- lapply(df, num)
  write.table(df, file.path(out, paste0(name, ".csv")), sep = ",", row.names = FALSE,
              quote = FALSE)
}
ref <- list()
add <- function(case, stat, var, by, domain, est, se, df, deff = NA, n = NA) {
  s1 <- function(x) num(as.numeric(unlist(x))[1])
  ref[[length(ref) + 1]] <<- data.frame(case = case, stat = stat, var = var, by = by,
    domain = domain, estimate = s1(est), se = s1(se), df = s1(df), deff = s1(deff),
    n = s1(n), stringsAsFactors = FALSE)
}

# Numeric view of the api data sets with the columns the C tests read.
api_numeric <- function(d) {
  data.frame(stype = as.integer(d$stype) - 1L, dnum = d$dnum, snum = d$snum,
    pw = d$pw, fpc = if (!is.null(d$fpc)) d$fpc else NA,
    fpc1 = if (!is.null(d$fpc1)) d$fpc1 else NA, fpc2 = if (!is.null(d$fpc2)) d$fpc2 else NA,
    api00 = d$api00, api99 = d$api99, enroll = d$enroll, meals = d$meals, ell = d$ell,
    acs_k3 = d$acs.k3, yes = as.numeric(d$sch.wide == "Yes"),
    small = as.numeric(d$acs.k3 < 20),
    awards = as.integer(d$awards) - 1L, comp = as.integer(d$comp.imp) - 1L,
    awards_comp = (as.integer(d$awards) - 1L) * 2L + (as.integer(d$comp.imp) - 1L),
    # a domain grouping that leaves some rows out (-1): elementary and middle schools only
    em = ifelse(d$stype == "H", -1L, as.integer(d$stype) - 1L))
}
for (nm in c("apistrat", "apiclus1", "apiclus2")) {
  d <- get(nm)
  d$fpc <- if (is.null(d$fpc)) NA else d$fpc
  x <- api_numeric(d)
  # stage-1 fpc as a sampling fraction n_h/N_h (meaningful for the stratified sample only)
  x$frac <- as.vector(table(d$stype)[d$stype]) / d$fpc
  write_data(x, nm)
}
prep <- function(d) {
  d$yes <- as.numeric(d$sch.wide == "Yes")
  d$small <- as.numeric(d$acs.k3 < 20)
  d$em <- ifelse(d$stype == "H", NA, as.character(d$stype))
  d$awards_comp <- interaction(d$comp.imp, d$awards)
  d
}

# Means, totals and ratios for the whole sample and for domains of three groupings.
# vars: mean/total variables; ratio api00/api99. The "by" name is the data column of ids.
run_case <- function(case, des) {
  means <- c("api00", "acs.k3", "yes", "small")
  totals <- c("enroll", "api00", "acs.k3")
  vname <- function(v) gsub(".", "_", v, fixed = TRUE)
  nobs <- function(des, v) sum(!is.na(des$variables[[v]]) & weights(des, "sampling") != 0)
  for (v in means) {
    f <- as.formula(paste0("~", v))
    m <- svymean(f, des, na.rm = TRUE, deff = TRUE)
    dd <- des[!is.na(des$variables[[v]]), ]
    add(case, "mean", vname(v), "all", 0, coef(m), SE(m), degf(dd), deff(m), nobs(des, v))
  }
  for (v in totals) {
    f <- as.formula(paste0("~", v))
    m <- svytotal(f, des, na.rm = TRUE, deff = TRUE)
    dd <- des[!is.na(des$variables[[v]]), ]
    add(case, "total", vname(v), "all", 0, coef(m), SE(m), degf(dd), deff(m), nobs(des, v))
  }
  r <- svyratio(~api00, ~api99, des)
  add(case, "ratio", "api00/api99", "all", 0, coef(r), SE(r), degf(des), NA, nrow(des))
  for (by in c("awards_comp", "em", "stype")) {
    lev <- levels(droplevels(factor(des$variables[[by]])))
    for (i in seq_along(lev)) {
      sub <- des[!is.na(des$variables[[by]]) & des$variables[[by]] == lev[i], ]
      id <- if (by == "em") match(lev[i], levels(apistrat$stype)) - 1 else
        if (by == "awards_comp") {
          # ids as in api_numeric: awards*2 + comp.imp (levels No/Yes each)
          parts <- strsplit(lev[i], ".", fixed = TRUE)[[1]]
          (match(parts[2], c("No", "Yes")) - 1) * 2 + (match(parts[1], c("No", "Yes")) - 1)
        } else i - 1
      for (v in unique(c(means, totals))) {
        for (stat in c(if (v %in% means) "mean", if (v %in% totals) "total")) {
          FUN <- if (stat == "mean") svymean else svytotal
          if (nobs(sub, v) == 0) next  # R gives 0 or fails; lcmon gives NaN with n = 0
          # svyby(); when a domain has no usable row for v, svyby() itself fails, and the
          # same numbers come from the subset it would have used
          b <- tryCatch(svyby(as.formula(paste0("~", v)), as.formula(paste0("~", by)), des,
                              FUN, na.rm = TRUE, deff = TRUE), error = function(e) NULL)
          if (!is.null(b)) {
            row <- which(as.character(b[[by]]) == lev[i])
            est <- b[row, v]; se <- SE(b)[row]; de <- deff(b)[row]
          } else {
            # (a one-row domain of a calibrated design makes R's deff fail: 0/0 in svyvar)
            m <- tryCatch(FUN(as.formula(paste0("~", v)), sub, na.rm = TRUE, deff = TRUE),
              error = function(e) FUN(as.formula(paste0("~", v)), sub, na.rm = TRUE))
            est <- coef(m); se <- SE(m)
            de <- if (is.null(attr(m, "deff"))) NA else deff(m)
          }
          dd <- sub[!is.na(sub$variables[[v]]), ]
          add(case, stat, vname(v), by, id, est, se, degf(dd), de, nobs(sub, v))
        }
      }
      r <- svyratio(~api00, ~api99, sub)
      add(case, "ratio", "api00/api99", by, id, coef(r), SE(r), degf(sub), NA, nobs(sub, "api00"))
    }
  }
}

options(survey.lonely.psu = "fail")
# stratified single-stage sampling with fpc (population counts)
run_case("strat", svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc,
                            data = prep(apistrat)))
# one-stage cluster sample with fpc
run_case("clus1", svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = prep(apiclus1)))
# two-stage cluster sample with fpc at both stages (weights from the fpc)
run_case("clus2", svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = prep(apiclus2)))
# the same two-stage sample treated as with replacement (ultimate clusters)
run_case("clus2wr", svydesign(id = ~dnum + snum, weights = ~pw, data = prep(apiclus2)))
# stratified one-stage cluster with fpc given as sampling fractions
s <- prep(apistrat)
s$frac <- as.vector(table(s$stype)[s$stype]) / s$fpc
run_case("stratfrac", svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~frac, data = s))

# Lonely PSUs. Generated data with the api column names so the same checks run: 8 strata,
# strata 2 and 5 with one PSU, stratum 8 with one PSU taken with certainty (fpc N_h = 1);
# PSUs hold 2 to 4 SSUs (SSU 1 of PSU 4 alone, fpc2 > 1, so stage 2 has a lonely unit too).
set.seed(20240508)
npsu <- c(3, 1, 4, 2, 1, 3, 2, 1)
rows <- list()
pid <- 0
for (h in seq_along(npsu)) for (i in seq_len(npsu[h])) {
  pid <- pid + 1
  nssu <- if (pid == 4) 1 else sample(2:4, 1)
  for (j in seq_len(nssu)) {
    k <- sample(2:5, 1)
    rows[[length(rows) + 1]] <- data.frame(str = h, psu = pid, ssu = j,
      fpc1 = if (h == 8) 1 else npsu[h] + h, fpc2 = nssu + 3, w = round(runif(k, 1, 9), 3))
  }
}
lon <- do.call(rbind, rows)
n <- nrow(lon)
lon$api00 <- round(rnorm(n, 50 + 3 * lon$str, 10), 2)
lon$api99 <- round(lon$api00 + rnorm(n, 5, 4), 2) + 40
lon$enroll <- rpois(n, 30)
lon$acs.k3 <- ifelse(runif(n) < 0.2, NA, round(rnorm(n, 20, 3), 1))
lon$yes <- as.numeric(runif(n) < 0.4)
lon$small <- ifelse(is.na(lon$acs.k3), NA, as.numeric(lon$acs.k3 < 20))
lon$stype <- factor(sample(c("E", "H", "M"), n, replace = TRUE))
lon$em <- ifelse(lon$stype == "H", NA, as.character(lon$stype))
lon$awards <- factor(sample(c("No", "Yes"), n, replace = TRUE))
lon$comp.imp <- factor(sample(c("No", "Yes"), n, replace = TRUE))
lon$awards_comp <- interaction(lon$comp.imp, lon$awards)
write_data(data.frame(str = lon$str, psu = lon$psu, ssu = lon$ssu, fpc1 = lon$fpc1,
  fpc2 = lon$fpc2, w = lon$w, api00 = lon$api00, api99 = lon$api99, enroll = lon$enroll,
  acs_k3 = lon$acs.k3, yes = lon$yes, small = lon$small,
  stype = as.integer(lon$stype) - 1L,
  em = ifelse(lon$stype == "H", -1L, as.integer(lon$stype) - 1L),
  awards_comp = (as.integer(lon$awards) - 1L) * 2L + (as.integer(lon$comp.imp) - 1L)),
  "lonely")
for (pol in c("remove", "certainty", "adjust", "average")) {
  options(survey.lonely.psu = pol)
  # single stage, no fpc: strata 2, 5 and 8 are lonely
  run_case(paste0("lonely_", pol), svydesign(id = ~psu, strata = ~str, weights = ~w,
                                             data = lon))
  # two stages with fpc: stratum 8 is a certainty stratum, PSU 4 has a lonely SSU
  if (pol != "average")
    run_case(paste0("lonely2_", pol), svydesign(id = ~psu + ssu, strata = ~str, weights = ~w,
                                                fpc = ~fpc1 + fpc2, data = lon))
}
options(survey.lonely.psu = "fail")

# Calibrated designs (apiclus1 one-stage with fpc; apiclus2 two-stage with fpc at both stages).
# Population counts from R's ?postStratify and ?rake examples. calweights.csv keeps the
# calibrated weights of every case (apiclus1 row order) to compare the weights themselves.
dclus1 <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = prep(apiclus1))
dclus2 <- svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = prep(apiclus2))
pop.types <- data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))
pop.schwide <- data.frame(yes = c(0, 1), Freq = c(1072, 5122))
post <- postStratify(dclus1, ~stype, pop.types)
run_case("post", post)
run_case("post2", postStratify(dclus2, ~stype, pop.types))
rk <- rake(dclus1, list(~stype, ~yes), list(pop.types, pop.schwide))
run_case("rake", rk)
greg <- calibrate(dclus1, ~stype + api99, c(6194, 755, 1018, 3914069))
run_case("greg", greg)
gregb <- calibrate(dclus1, ~stype + api99, c(6194, 755, 1018, 3914069), bounds = c(0.6, 1.6))
run_case("gregbnd", gregb)
write_data(data.frame(post = weights(post), rake = weights(rk), greg = weights(greg),
                      gregbnd = weights(gregb)), "calweights")

# Replicate weights. JK1 and JKn are deterministic and rebuilt by lcmon; R's bootstrap draws
# are exported (multipliers of the sampling weights, R's combined.weights=FALSE) with scale
# and rscales, imported by the C test and compared.
run_case("jk1", as.svrepdesign(dclus1, type = "JK1"))
dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = prep(apistrat))
run_case("jkn", as.svrepdesign(dstrat, type = "JKn"))
set.seed(42)
boot <- as.svrepdesign(dclus1, type = "bootstrap", replicates = 50, compress = FALSE)
run_case("boot", boot)
bw <- as.data.frame(unclass(boot$repweights))
names(bw) <- paste0("r", seq_len(ncol(bw)))
write_data(bw, "bootweights")
write_data(data.frame(scale = boot$scale, rscales = boot$rscales), "bootmeta")

write.table(do.call(rbind, ref), file.path(out, "reference.csv"), sep = ",",
            row.names = FALSE, quote = FALSE)
cat("wrote", length(ref), "reference rows\n")
