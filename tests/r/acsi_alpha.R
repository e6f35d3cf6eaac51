# acsi_alpha.R - reference for the ACSI index's Cronbach's alpha (test_household2027.c):
# psych::alpha on the three items of questionnaire 2027.1's satisfaction index (overall
# satisfaction, expectations confirmed, closeness to the ideal; 1-10), 80 residents of one
# city of the demo's 2025 wave, committed as tests/fixtures/acsi/items.csv.
#   Rscript tests/r/acsi_alpha.R     (from the repository root; R 4.1, psych 2.2.9)
# writes tests/fixtures/acsi/alpha_reference.csv: stat,value (%.17g).
suppressMessages(library(psych))
x <- read.csv("tests/fixtures/acsi/items.csv")
stopifnot(ncol(x) == 3, nrow(x) >= 30)
a <- psych::alpha(x)
out <- data.frame(stat = c("raw_alpha", "n"),
                  value = c(sprintf("%.17g", a$total$raw_alpha), nrow(x)))
write.csv(out, "tests/fixtures/acsi/alpha_reference.csv", row.names = FALSE, quote = FALSE)
