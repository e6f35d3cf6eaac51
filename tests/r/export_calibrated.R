# export_calibrated.R - the reference numbers of tests/fixtures/export/r_calibrated.csv:
# R's survey package running the scripts `lcmon export --format r` wrote for a calibrated
# design (post-stratification, raking, linear calibration), to be compared with
# `lcmon estimate` on the same database to 1e-8 (test_export_r.c). The exported script
# declares the design AND redoes the calibration, so R's standard errors are the
# calibrated ones lcmon gives, not those of the final weights alone.
#
# Made with (lcmon built in build/, R 4.x with r-cran-survey 4.1.1):
#   build/lcmon init t.db
#   build/lcmon simulate t.db --cities 2 --waves 2025 --households 20 --seed 7
#   build/lcmon design set t.db --form household --strata stratum --psu psu \
#       --weight design_weight
#   build/lcmon weight poststratify t.db --form household \
#       --margins tests/fixtures/export/ps_margins.csv
#   build/lcmon export t.db --form household --format r --out post
#   build/lcmon weight rake t.db --form household \
#       --margins tests/fixtures/export/rake_margins.csv
#   build/lcmon export t.db --form household --format r --out rake
#   build/lcmon weight calibrate t.db --form household \
#       --margins tests/fixtures/export/rake_margins.csv
#   build/lcmon export t.db --form household --format r --out linear
#   Rscript tests/r/export_calibrated.R post rake linear \
#       > tests/fixtures/export/r_calibrated.csv
# Columns: method (the export directory), by (city or empty), domain, variable, category
# (of a proportion: lcmon estimate --stat prop), estimate, se (svymean with na.rm = TRUE,
# one variable at a time as lcmon drops missing values per variable; a proportion is the
# mean of I(v == category)), printed to 17 significant digits.
args <- commandArgs(trailingOnly = TRUE)
out <- data.frame()
add <- function(dir, by, domain, v, cat, est, se) {
    out <<- rbind(out, data.frame(method = basename(dir), by = by, domain = domain,
                                  variable = v, category = cat,
                                  estimate = sprintf("%.17g", est), se = sprintf("%.17g", se)))
}
for (dir in args) {
    source(file.path(dir, "household.R"))
    for (v in c("sat_overall", "age", "sat_top2")) {
        cat <- if (v == "sat_top2") "1" else ""
        f <- as.formula(if (nzchar(cat)) paste0("~I(", v, " == ", cat, ")") else paste0("~", v))
        m <- svymean(f, design, na.rm = TRUE)
        k <- if (nzchar(cat)) 2 else 1 # I(...) gives FALSE, TRUE
        add(dir, "", "", v, cat, coef(m)[k], SE(m)[k])
        b <- svyby(f, ~city, design, svymean, na.rm = TRUE)
        col <- if (nzchar(cat)) paste0("I(", v, " == ", cat, ")TRUE") else v
        add(dir, "city", as.character(b$city), v, cat, b[[col]],
            b[[if (nzchar(cat)) paste0("se.", col) else "se"]])
    }
}
write.csv(out, stdout(), row.names = FALSE, quote = FALSE)
