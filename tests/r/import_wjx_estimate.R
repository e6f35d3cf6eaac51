# import_wjx_estimate.R - the reference for test_import_foreign.c's
# foreign__wjx_text_download_as_downloaded: the mean age of the three answers of
# tests/fixtures/foreign/wjx_text.csv (34, 61, 45), one stage, equal weights, as
# `lcmon estimate --form learning_point --var age --wave 2025` computes it once the rows
# are stored complete.
# Run: Rscript tests/r/import_wjx_estimate.R  ->  46.666667 7.8386507
suppressWarnings(suppressMessages(library(survey)))
d <- data.frame(age = c(34, 61, 45))
x <- suppressWarnings(svymean(~age, svydesign(ids = ~1, data = d)))
cat(format(coef(x), digits = 8), format(SE(x), digits = 8), "\n")
