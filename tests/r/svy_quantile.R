# svy_quantile.R - reference quantiles for tests/test_svy_quantile.c and tests/test_estimate.c,
# made with R's survey package (4.1.1).
#
#   Rscript tests/r/svy_quantile.R          (from the repository root)
#
# Reads the data files tests/r/svy_fixtures.R wrote (tests/fixtures/svy/api*.csv, lonely.csv,
# bootweights.csv, bootmeta.csv) and writes tests/fixtures/svy/quantile_reference.csv: one row
# per (case, variable, grouping, domain, p) with R's svyquantile() defaults of survey >= 4.0:
# qrule = "math" (the lower step of the weighted CDF: the smallest x with F(x) >= p), and the
# Woodruff interval with interval.type = "mean" (a t interval with the domain's design df on
# the proportion below the quantile, mapped back through the same CDF); se is what R reports,
# (upper - lower) / (2 qt(0.975, df)). Domains are subsets as svyby() makes them, na.rm = TRUE.
# Also writes tests/fixtures/svy/apiclus1_boot.csv: apiclus1 with R's 50 bootstrap replicate
# weights as columns rw1..rw50 (combined: sampling weight x multiplier) for the import test.
suppressPackageStartupMessages(library(survey))
stopifnot(packageVersion("survey") >= "4.1")
dir <- "tests/fixtures/svy"
rd <- function(f) read.csv(file.path(dir, f), na.strings = "nan")
num <- function(x) ifelse(is.na(x), "nan", sprintf("%.17g", as.numeric(x)))

strat <- rd("apistrat.csv")
clus1 <- rd("apiclus1.csv")
clus2 <- rd("apiclus2.csv")
lon <- rd("lonely.csv")
probs <- c(0.05, 0.25, 0.5, 0.75, 0.9)

ref <- list()
run_case <- function(case, des, vars = c("api00", "acs_k3", "enroll"),
                     bys = c("all", "stype", "em", "awards_comp")) {
  for (v in vars) for (by in bys) {
    ids <- if (by == "all") 0 else sort(unique(des$variables[[by]]))
    for (id in ids[ids >= 0]) {
      sub <- if (by == "all") des else des[des$variables[[by]] == id, ]
      ok <- !is.na(sub$variables[[v]]) & weights(sub, "sampling") != 0
      if (sum(ok) == 0) next # R fails on an empty domain; lcmon gives NaN with n = 0
      q <- svyquantile(as.formula(paste0("~", v)), sub, quantiles = probs, ci = TRUE,
                       na.rm = TRUE)[[1]]
      df <- degf(sub[!is.na(sub$variables[[v]]), ])
      for (i in seq_along(probs))
        ref[[length(ref) + 1]] <<- data.frame(case = case, var = v, by = by, domain = id,
          p = num(probs[i]), quantile = num(q[i, 1]), ci_low = num(q[i, 2]),
          ci_high = num(q[i, 3]), se = num(q[i, 4]), df = num(df), n = sum(ok))
    }
  }
}

options(survey.lonely.psu = "fail")
# stratified single stage with fpc (tests/r/svy_fixtures.R case "strat")
run_case("strat", svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = strat))
# one-stage cluster sample with fpc ("clus1")
dclus1 <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = clus1)
run_case("clus1", dclus1)
# two stages with fpc at both ("clus2"), and the same as with replacement ("clus2wr")
run_case("clus2", svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = clus2))
run_case("clus2wr", svydesign(id = ~dnum + snum, weights = ~pw, data = clus2))
# lonely PSUs, policy "adjust", two stages with fpc ("lonely2_adjust")
options(survey.lonely.psu = "adjust")
run_case("lonely2_adjust", svydesign(id = ~psu + ssu, strata = ~str, weights = ~w,
                                     fpc = ~fpc1 + fpc2, data = lon))
options(survey.lonely.psu = "fail")
# post-stratified ("post", pop.types of R's ?postStratify)
pop.types <- data.frame(stype = 0:2, Freq = c(4421, 755, 1018))
run_case("post", postStratify(dclus1, ~stype, pop.types))
# raked ("rake") and GREG-calibrated ("greg") as in tests/r/svy_fixtures.R
pop.schwide <- data.frame(yes = c(0, 1), Freq = c(1072, 5122))
run_case("rake", rake(dclus1, list(~stype, ~yes), list(pop.types, pop.schwide)))
c1 <- clus1
c1$stypef <- factor(c1$stype)
dclus1f <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = c1)
run_case("greg", calibrate(dclus1f, ~stypef + api99, c(6194, 755, 1018, 3914069)))
# replicate weights: JK1 built from dclus1 ("jk1"); R's bootstrap replicates imported ("boot")
run_case("jk1", as.svrepdesign(dclus1, type = "JK1"))
run_case("jk1mse", as.svrepdesign(dclus1, type = "JK1", mse = TRUE))
bw <- rd("bootweights.csv")
meta <- rd("bootmeta.csv")
boot <- svrepdesign(data = clus1, repweights = bw, weights = ~pw, type = "bootstrap",
                    combined.weights = FALSE, scale = meta$scale[1], rscales = meta$rscales)
run_case("boot", boot)

write.table(do.call(rbind, ref), file.path(dir, "quantile_reference.csv"), sep = ",",
            row.names = FALSE, quote = FALSE)
cat("wrote", length(ref), "quantile reference rows\n")

# apiclus1 with the bootstrap replicates as combined weights, for lcmon design --repweights
cb <- clus1
for (r in seq_len(ncol(bw))) cb[[paste0("rw", r)]] <- clus1$pw * bw[[r]]
cb[] <- lapply(cb, num)
write.table(cb, file.path(dir, "apiclus1_boot.csv"), sep = ",", row.names = FALSE, quote = FALSE)
