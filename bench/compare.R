# compare.R - the R half of bench/compare (which see): checks, then paired timings.
#   Rscript bench/compare.R DATA.csv LCMON DB RUNS
suppressPackageStartupMessages(library(survey))
args <- commandArgs(TRUE)
lcmon <- args[2]; db <- args[3]; runs <- as.integer(args[4])
d <- read.csv(args[1])
d$cat4f <- factor(d$cat4)
des <- svydesign(id = ~psu, strata = ~city, fpc = ~fpc1, weights = ~w, data = d, nest = TRUE)
cases <- list(
  list(name = "mean of y1 by city", lc = c("--var", "y1", "--by", "city"),
       r = function() svyby(~y1, ~city, des, svymean), by = "city", vars = "y1"),
  list(name = "means of y1..y5 by city", lc = c("--var", "y1,y2,y3,y4,y5", "--by", "city"),
       r = function() svyby(~y1 + y2 + y3 + y4 + y5, ~city, des, svymean), by = "city",
       vars = paste0("y", 1:5)),
  list(name = "proportions of cat4 (4 categories) by city x sex",
       lc = c("--var", "cat4", "--stat", "prop", "--by", "city,sex"),
       r = function() svyby(~cat4f, ~city + sex, des, svymean), by = c("city", "sex"),
       vars = paste0("cat4f", 1:4)))
# wall and CPU (user + system) seconds of one lcmon process, from the shell's time builtin
time_lcmon <- function(a) {
  out <- system2("bash", c("-c", shQuote('TIMEFORMAT="%3R %3U %3S"; { time "$@" > /dev/null; } 2>&1'),
                           "bash", lcmon, "estimate", db, "--dataset", "hh", a), stdout = TRUE)
  t <- as.numeric(strsplit(out[length(out)], " ")[[1]])
  c(wall = t[1], cpu = t[2] + t[3])
}
rel <- function(a, r) max(abs(a - r) / pmax(abs(a), abs(r)))
for (cs in cases) {
  cat(sprintf("== %s\n", cs$name))
  first <- time_lcmon(c(cs$lc, "--no-store"))
  lc <- read.csv(text = system2(lcmon, c("estimate", db, "--dataset", "hh", cs$lc, "--format", "csv",
                                         "--no-store"), stdout = TRUE), colClasses = "character")
  b <- cs$r()
  se <- as.matrix(SE(b))
  key <- do.call(paste, c(lapply(cs$by, function(v) b[[v]]), sep = "/"))
  lkey <- do.call(paste, c(lapply(cs$by, function(v) lc[[v]]), sep = "/"))
  worst <- 0; compared <- 0
  for (j in seq_along(cs$vars)) {
    v <- cs$vars[j]
    l <- if (startsWith(v, "cat4f")) lc[lc$category == sub("cat4f", "", v), ] else lc[lc$variable == v, ]
    l <- l[match(key, lkey[as.integer(rownames(l))]), ]
    if (anyNA(l$estimate)) stop("lcmon lacks domains R has: ", v)
    worst <- max(worst, rel(as.numeric(l$estimate), b[[v]]), rel(as.numeric(l$se), se[, j]))
    compared <- compared + 2 * nrow(b)
  }
  if (nrow(lc) != length(cs$vars) * nrow(b)) stop("lcmon has ", nrow(lc), " rows, R ",
                                                  length(cs$vars) * nrow(b))
  cat(sprintf("agree: %d estimates and SEs, largest relative difference %.3g\n", compared, worst))
  if (!(worst < 1e-8)) stop("lcmon and R disagree")
  cat(sprintf("first lcmon estimate (row store read, columnar copy written): %.3f s\n", first[["wall"]]))
  ratios <- numeric(0); cpu_ratios <- numeric(0)
  for (k in seq_len(runs)) {
    t0 <- proc.time()
    invisible(cs$r())
    t1 <- proc.time()
    rs <- t1[["elapsed"]] - t0[["elapsed"]]
    rc <- t1[["user.self"]] - t0[["user.self"]] + t1[["sys.self"]] - t0[["sys.self"]]
    l <- time_lcmon(cs$lc)
    ratios <- c(ratios, rs / l[["wall"]]); cpu_ratios <- c(cpu_ratios, rc / l[["cpu"]])
    cat(sprintf("pair %d: R svyby %.3f s (CPU %.3f s), lcmon estimate %.3f s (CPU %.3f s), ratio %.0fx (CPU %.0fx)\n",
                k, rs, rc, l[["wall"]], l[["cpu"]], rs / l[["wall"]], rc / l[["cpu"]]))
  }
  cat(sprintf("RESULT %s: ratio R/lcmon wall min %.0fx, median %.0fx; CPU min %.0fx, median %.0fx; %d pairs\n",
              cs$name, min(ratios), median(ratios), min(cpu_ratios), median(cpu_ratios), runs))
}
