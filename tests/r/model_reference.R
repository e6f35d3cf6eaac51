# model_reference.R - reference numbers for `lcmon model` / analysis/svy_glm.c (test_model.c):
# R's svyglm() (gaussian and quasibinomial), by linearisation and with replicate weights, and
# regTermTest() (F with the model's residual df, and chi-square with df = Inf).
#
#   Rscript tests/r/model_reference.R            (from the repository root) writes
#       tests/fixtures/model/api_reference.csv   on R's api data, read from the files
#                                                tests/r/svy_fixtures.R wrote
#   Rscript tests/r/model_reference.R DIR [DEMO] also writes
#       tests/fixtures/model/household_reference.csv on the demo household data that
#       `lcmon export --format r` wrote to DIR, made with (lcmon built in build/):
#         build/lcmon init h.db
#         build/lcmon simulate h.db --cities 4 --waves 2025 --households 100 --seed 11
#         build/lcmon design set h.db --form household --strata stratum --psu psu \
#             --weight design_weight
#         build/lcmon export h.db --form household --format r --out DIR
#   and with DEMO, tests/fixtures/model/drivers_reference.csv: the key drivers (lcmon model
#   --drivers, docs/model.md section 6) of city 4405 in 2025 of the demo that
#         build/lcmon demo --out D --cities 3 --households 200 --mc 20
#         build/lcmon export D/demo.db --form household --wave 2025 --format r --out DEMO
#   made (its design raked as the demo declares it; stat coef, se: the rating's coefficient;
#   sd, importance; index = the item).
#
# Each row: case, stat, index, value (%.17g). stat is coef, se, t or p (index = the
# coefficient's position, 0 = intercept, in the order of the formula: numeric covariates one
# column, factors one column per level but the reference, levels in the order of their codes),
# df_resid (R's model$df.residual = degf(design) + 1 - p), wald_chisq, wald_F, wald_p_F,
# wald_p_chisq (index = the term tested). Every case names the call that made it.
suppressPackageStartupMessages(library(survey))
stopifnot(packageVersion("survey") >= "4.1")
out <- "tests/fixtures/model"
dir.create(out, recursive = TRUE, showWarnings = FALSE)
num <- function(x) ifelse(is.na(x), "nan", sprintf("%.17g", as.numeric(x)))
ref <- list()
add <- function(case, stat, index, value)
  ref[[length(ref) + 1]] <<- data.frame(case = case, stat = stat, index = as.character(index),
                                        value = num(value), stringsAsFactors = FALSE)
emit <- function(case, m, terms) {
  s <- summary(m)$coefficients
  for (i in seq_len(nrow(s))) {
    add(case, "coef", i - 1, s[i, 1])
    add(case, "se", i - 1, s[i, 2])
    add(case, "t", i - 1, s[i, 3])
    add(case, "p", i - 1, s[i, 4])
  }
  add(case, "df_resid", 0, m$df.residual)
  for (tm in terms) {
    f <- regTermTest(m, as.formula(paste("~", tm)))
    k <- regTermTest(m, as.formula(paste("~", tm)), df = Inf)
    stopifnot(f$ddf == m$df.residual)
    add(case, "wald_chisq", tm, k$chisq)
    add(case, "wald_F", tm, f$Ftest)
    add(case, "wald_p_F", tm, f$p)
    add(case, "wald_p_chisq", tm, k$p)
  }
}
flush <- function(file) {
  write.csv(do.call(rbind, ref), file.path(out, file), row.names = FALSE, quote = FALSE)
  ref <<- list()
}

# ---- R's api data, as tests/fixtures/svy/*.csv hold it (codes: stype 0 E, 1 H, 2 M) ------
rd <- function(f) {
  d <- read.csv(file.path("tests/fixtures/svy", f), na.strings = "nan")
  d$stype <- factor(d$stype, levels = 0:2)
  d
}
apistrat <- rd("apistrat.csv")
apiclus1 <- rd("apiclus1.csv")
apiclus2 <- rd("apiclus2.csv")
dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat)
dclus1 <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1)
dclus2 <- svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2, data = apiclus2)

# strat_lin: svyglm(api00 ~ ell + meals + enroll + stype, dstrat)
emit("strat_lin", svyglm(api00 ~ ell + meals + enroll + stype, dstrat), c("stype", "ell"))
# clus1_logit: svyglm(yes ~ ell + meals + stype, dclus1, family = quasibinomial())
emit("clus1_logit", svyglm(yes ~ ell + meals + stype, dclus1, family = quasibinomial()),
     c("stype", "meals"))
# clus2_lin: two stages with fpc, rows missing acs_k3 left out:
#   svyglm(api00 ~ ell + meals + acs_k3, dclus2)
emit("clus2_lin", svyglm(api00 ~ ell + meals + acs_k3, dclus2), c("acs_k3"))
# clus1_dom_logit: a subset (elementary and middle schools, em >= 0):
#   svyglm(yes ~ ell + meals, subset(dclus1, em >= 0), family = quasibinomial())
emit("clus1_dom_logit", svyglm(yes ~ ell + meals, subset(dclus1, em >= 0),
                               family = quasibinomial()), c("ell"))
# strat_jkn: replicate weights, svyglm(api00 ~ ell + meals + enroll + stype,
#   as.svrepdesign(dstrat, type = "JKn")) and the logistic model of yes ~ ell + meals
rstrat <- as.svrepdesign(dstrat, type = "JKn")
emit("strat_jkn", svyglm(api00 ~ ell + meals + enroll + stype, rstrat), c("stype"))
emit("strat_jkn_logit", svyglm(yes ~ ell + meals, rstrat, family = quasibinomial()), c("meals"))
# clus1_jk1_logit: svyglm(yes ~ ell + meals + stype, as.svrepdesign(dclus1, type = "JK1"),
#   family = quasibinomial())
emit("clus1_jk1_logit", svyglm(yes ~ ell + meals + stype, as.svrepdesign(dclus1, type = "JK1"),
                               family = quasibinomial()), c("stype"))
# clus1_post_logit, clus1_rake_lin: calibrated designs (the variance uses the calibration
#   residuals), with R's ?postStratify and ?rake population counts:
#   svyglm(yes ~ ell + meals, postStratify(dclus1, ~stype, pop.types), family = quasibinomial())
#   svyglm(api00 ~ ell + meals + stype, rake(dclus1, list(~stype, ~yes),
#          list(pop.types, pop.schwide)))
pop.types <- data.frame(stype = factor(0:2, levels = 0:2), Freq = c(4421, 755, 1018))
pop.schwide <- data.frame(yes = c(0, 1), Freq = c(1072, 5122))
emit("clus1_post_logit", svyglm(yes ~ ell + meals, postStratify(dclus1, ~stype, pop.types),
                                family = quasibinomial()), c("meals"))
emit("clus1_rake_lin", svyglm(api00 ~ ell + meals + stype,
                              rake(dclus1, list(~stype, ~yes), list(pop.types, pop.schwide))),
     c("stype"))
# clus1_post_dom_logit: a subset of the calibrated design (R gives the other rows weight 0):
#   svyglm(yes ~ ell + meals, subset(postStratify(dclus1, ~stype, pop.types), em >= 0),
#          family = quasibinomial())
emit("clus1_post_dom_logit", svyglm(yes ~ ell + meals,
                                    subset(postStratify(dclus1, ~stype, pop.types), em >= 0),
                                    family = quasibinomial()), c("ell"))
flush("api_reference.csv")

# ---- the demo household data ------------------------------------------------------------
args <- commandArgs(trailingOnly = TRUE)
if (length(args) == 1) {
  source(file.path(args[1], "household.R")) # household, design (strata, psu, design_weight)
  # a factor's levels: the codes present among the model's complete rows, in code order
  # (the choices' order), first level the reference unless relevelled as --ref does
  fac <- function(v, rows, ref = NULL) {
    f <- factor(v, levels = sort(unique(as.numeric(v[rows]))))
    if (!is.null(ref)) f <- relevel(f, ref = ref)
    f
  }
  v <- design$variables
  ok <- !is.na(v$sat_overall) & !is.na(v$age) & !is.na(v$edu) & !is.na(v$age_band) &
    !is.na(v$community_type)
  design <- update(design, edu_f = fac(edu, ok, "3"), age_band = factor(age_band),
                   community_type = factor(community_type), sex_f = fac(sex, TRUE))
  # hh_lin: lcmon model --y sat_overall --x "age_band + edu + community_type + age"
  #   --ref edu=3, i.e. svyglm(sat_overall ~ age_band + edu_f + community_type + age, design)
  emit("hh_lin", svyglm(sat_overall ~ age_band + edu_f + community_type + age, design),
       c("age_band", "edu_f", "community_type", "age"))
  # hh_logit: lcmon model --family logit --y sat_top2 --x "age_band + sex + community_type",
  #   svyglm(sat_top2 ~ age_band + sex_f + community_type, design, family = quasibinomial())
  emit("hh_logit", svyglm(sat_top2 ~ age_band + sex_f + community_type, design,
                          family = quasibinomial()), c("age_band", "sex_f", "community_type"))
  # hh_city: lcmon model --city 4301 --y sat_overall --x "age + sex",
  #   svyglm(sat_overall ~ age + sex_f, subset(design, city == "4301"))
  emit("hh_city", svyglm(sat_overall ~ age + sex_f, subset(design, city == "4301")),
       c("age", "sex_f"))
  # hh_jkn: after `lcmon design set ... --replicates jkn`:
  #   svyglm(sat_overall ~ age_band + sex_f, as.svrepdesign(design, type = "JKn")), and
  #   svyglm(sat_top2 ~ age + sex_f, ..., family = quasibinomial())
  rdes <- as.svrepdesign(design, type = "JKn")
  emit("hh_jkn", svyglm(sat_overall ~ age_band + sex_f, rdes), c("age_band", "sex_f"))
  emit("hh_jkn_logit", svyglm(sat_top2 ~ age + sex_f, rdes, family = quasibinomial()),
       c("age", "sex_f"))
  # hh_jkn_city: a city of the replicate design (R drops the other rows; its df is the rank
  #   of the city's replicate weights - 1): lcmon model --city 4301 --y sat_overall
  #   --x "age + sex", svyglm(sat_overall ~ age + sex_f, subset(rdes, city == "4301"))
  emit("hh_jkn_city", svyglm(sat_overall ~ age + sex_f, subset(rdes, city == "4301")),
       c("age", "sex_f"))
  flush("household_reference.csv")
}

# ---- key drivers: city 4405, wave 2025 of the demo ----------------------------------------
if (length(args) == 2) {
  source(file.path(args[2], "household.R")) # design: wave 2025, raked
  d <- design
  items <- paste0("sat_", c("cc", "eu", "pc", "rd", "ol", "vt", "cb", "st"))
  v <- d$variables
  inmodel <- v$city == "4405" & !is.na(v$sat_overall)
  raters <- sapply(items, function(i) sum(inmodel & !is.na(v[[i]])))
  used <- items[raters >= 30] # the rule's min_n (the report's default)
  for (i in used) {
    v[[paste0("rated_", i)]] <- as.numeric(!is.na(v[[i]]))
    v[[paste0("rating_", i)]] <- ifelse(is.na(v[[i]]), 0, v[[i]])
  }
  d$variables <- v
  f <- as.formula(paste("sat_overall ~", paste(paste0("rated_", used, " + rating_", used),
                                               collapse = " + ")))
  # svyglm(sat_overall ~ rated_sat_cc + rating_sat_cc + ..., subset(d, city == "4405"))
  m <- svyglm(f, subset(d, city == "4405"))
  w <- weights(d)
  wsd <- function(x, keep) {
    mu <- sum(w[keep] * x[keep]) / sum(w[keep])
    sqrt(sum(w[keep] * (x[keep] - mu)^2) / sum(w[keep]))
  }
  sdy <- wsd(v$sat_overall, inmodel)
  s <- summary(m)$coefficients
  add("drivers_4405", "df_resid", 0, m$df.residual)
  add("drivers_4405", "sd_y", 0, sdy)
  for (i in used) {
    b <- s[paste0("rating_", i), ]
    sdi <- wsd(v[[i]], inmodel & !is.na(v[[i]]))
    add("drivers_4405", "coef", i, b[1])
    add("drivers_4405", "se", i, b[2])
    add("drivers_4405", "sd", i, sdi)
    add("drivers_4405", "importance", i, b[1] * sdi / sdy)
  }
  flush("drivers_reference.csv")
}
