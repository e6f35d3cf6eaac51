# export_household.R - the reference numbers of tests/fixtures/export/r_check.csv: R's
# survey package on what `lcmon export --format r` wrote, to be compared with
# `lcmon estimate` on the same database (test_export_r.c).
#
# Made with (lcmon built in build/, R with r-cran-survey):
#   build/lcmon init t.db
#   build/lcmon simulate t.db --cities 2 --waves 2025 --households 20 --seed 7
#   build/lcmon design set t.db --form household --strata stratum --psu psu \
#       --weight design_weight
#   build/lcmon export t.db --form household --format r --out r
#   Rscript tests/r/export_household.R r > tests/fixtures/export/r_check.csv
# The script lcmon wrote is kept as tests/fixtures/export/household.R.
args <- commandArgs(trailingOnly = TRUE)
source(file.path(args[1], "household.R"))
out <- data.frame()
for (v in c("sat_overall", "age")) {
    m <- svymean(as.formula(paste0("~", v)), design, na.rm = TRUE)
    out <- rbind(out, data.frame(variable = v, mean = sprintf("%.15g", coef(m)),
                                 se = sprintf("%.15g", SE(m)), df = degf(design)))
}
write.csv(out, stdout(), row.names = FALSE, quote = FALSE)
