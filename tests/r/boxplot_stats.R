# boxplot_stats.R - reference for lcm_chart_box_stats (plots/chart_boxes.c): R's
# boxplot.stats(x) (coef 1.5, Tukey's hinges from fivenum) on a few vectors, written as
# tests/fixtures/national/boxplot_stats.csv: case, the five stats, the outliers joined by ';'.
# Run from the repository root: Rscript tests/r/boxplot_stats.R
cases <- list(
  odd = c(3, 7, 1, 9, 4, 6, 2),
  even = c(10, 20, 30, 40, 50, 60),
  outliers = c(50, 52, 53, 55, 56, 58, 60, 0, 100, 99.5),
  ties = c(0, 0, 0, 0, 100, 100),
  one = c(42),
  two = c(1.5, 8.25),
  scores = c(88.38, 84.76, 80.93, 78.66, 67.6, 64.6, 57.4, 53.4, 46.1, 39.7, 24.4, 9.9)
)
out <- file("tests/fixtures/national/boxplot_stats.csv", "w")
writeLines("case,lower_whisker,lower_hinge,median,upper_hinge,upper_whisker,outliers", out)
for (k in names(cases)) {
  s <- boxplot.stats(cases[[k]])
  writeLines(paste(k, paste(sprintf("%.17g", s$stats), collapse = ","),
                   paste(sprintf("%.17g", s$out), collapse = ";"), sep = ","), out)
}
close(out)
