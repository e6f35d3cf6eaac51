/*
 * chart.h - the charts of lcmon's feedback reports, as plain specs rendered to gnuplot.
 *
 * Each chart kind has a spec of plain arrays (labels and numbers, no database). Rendering
 * writes the numbers into data files NAME*.dat in opts->dir and appends to `script` the
 * gnuplot commands that draw NAME.png and/or NAME.svg from them. Nothing runs here: feed
 * the script to lcm_gnuplot (gnuplot.h), many charts to one process.
 *
 * Text from data (city, region, item and indicator names) only ever appears in the script
 * as single-quoted gnuplot strings (lcm_gp_quote), never in data files, so a name with
 * quotes, backticks or system() draws as text and runs nothing. Every word a chart shows
 * (title, axis labels, legend entries, marks such as "no data") comes from its spec, in the
 * language of the document it goes into: the charts invent no text, so a chart says what
 * its caption and data say. Axis labels carry units: give them with the unit, e.g.
 * "满意度（%）". Labels are shown in full; long ones are broken over lines where the chart
 * has room for that, and only city names on a city axis longer than 16 CJK characters end
 * in an ellipsis.
 *
 * Every function returns LCM_OK, LCM_INVAL (bad spec; msg says which field), LCM_IO
 * (a data file could not be written; msg names it) or LCM_NOMEM, filling msg (size cap).
 */
#ifndef LCM_PLOTS_CHART_H
#define LCM_PLOTS_CHART_H

#include "status.h"

#include <stddef.h>
#include <stdio.h>

typedef enum lcm_lang { LCM_LANG_ZH = 0, LCM_LANG_EN = 1 } lcm_lang;

enum { LCM_CHART_PNG = 1, LCM_CHART_SVG = 2 };

/* Largest number of cities, items or indicators one chart accepts. */
#define LCM_CHART_MAX_N 1000

/* Charts are laid out at the size they print: widths and heights in millimetres, text in
 * points at that size (never below 8 pt). A report's text column is 178 mm wide (A4 less
 * 16 mm margins), so a full-width chart is LCM_CHART_WIDTH_MM wide. A PNG has
 * LCM_CHART_DPI pixels per inch of its print size (the report shows it at that size); an SVG
 * is sized in CSS pixels (96 per inch), so it too shows at its print size. */
#define LCM_CHART_DPI 150
#define LCM_CHART_WIDTH_MM 170
#define LCM_CHART_FONT_PT 9 /* text of the chart; values written in cells and rings: 8 */

typedef struct lcm_chart_opts {
    const char *dir;  /* existing output directory */
    const char *name; /* file stem: [A-Za-z0-9_.-], not starting with '.' */
    lcm_lang lang;    /* language of the document the chart goes into */
    unsigned formats; /* LCM_CHART_PNG | LCM_CHART_SVG; 0 means both */
    int width_mm;     /* print width; 0 = the chart's default */
    int height_mm;    /* print height; 0 = the chart's default (bars grow with n) */
    const char *font; /* font family; NULL = lcm_chart_font() */
} lcm_chart_opts;

/* Print width in millimetres of a chart PNG that is px pixels wide (see LCM_CHART_DPI). */
double lcm_chart_png_mm(int px);

/* Font family for Chinese text: "Noto Sans CJK SC" when its file is installed (Debian
 * fonts-noto-cjk), else "Sans" so fontconfig substitutes what it has. Static string. */
const char *lcm_chart_font(void);

/* Path of the Noto Sans CJK font file found at run time, or NULL. Static string. */
const char *lcm_chart_font_file(void);

/* City comparison: horizontal bars of an estimate with 95% CI whiskers, sorted from the
 * highest (top) down, the chosen city highlighted, a dashed line at the peer median. */
typedef struct lcm_chart_bars {
    const char *title;
    const char *xlabel;       /* required: the estimate with its unit */
    size_t n;                 /* cities, 1..LCM_CHART_MAX_N */
    const char *const *label; /* n city names */
    const double *est;        /* n estimates; NaN = no estimate (listed last, no bar) */
    const double *lo, *hi;    /* n CI bounds, or NULL; NaN = no whisker for that city */
    long highlight;           /* index of the chosen city, -1 for none */
    double median;            /* peer median; NaN = median of est */
    double base;              /* where bars start (usually 0) */
    const char *others;       /* required: legend of the other cities' bars */
    const char *median_name;  /* required: legend of the median line (its value follows) */
    const char *ci_name;      /* legend of the whiskers: required with lo and hi */
    const char *no_data;      /* mark of a city with no estimate: required when there is one */
} lcm_chart_bars;
lcm_status lcm_chart_bars_render(const lcm_chart_bars *c, const lcm_chart_opts *o, FILE *script,
                                 char *msg, size_t cap);

/* Radar profile: one or two panels (e.g. first- and second-level indicators) of a city's
 * scores against the peer median, on a 0..max scale. Axis names are shown in full, broken
 * over lines; each is followed by the city's score. The two panels share the width by
 * their number of axes. */
typedef struct lcm_chart_radar_panel {
    const char *title;        /* panel title, or NULL for none */
    size_t n;                 /* axes, 3..LCM_CHART_MAX_N */
    const char *const *label; /* n axis names, in full */
    const double *city;       /* n scores; NaN = missing (drawn at 0, marked) */
    const double *median;     /* n peer medians, or NULL */
} lcm_chart_radar_panel;
typedef struct lcm_chart_radar {
    const char *title;
    const char *city; /* legend name of the city's series */
    double max;       /* outer ring; 0 = 100 */
    size_t npanel;    /* 1 or 2 */
    lcm_chart_radar_panel panel[2];
    const char *median_name; /* legend name of the median series (required with medians) */
    const char *missing;     /* required: shown after the name of an axis with no score */
} lcm_chart_radar;
lcm_status lcm_chart_radar_render(const lcm_chart_radar *c, const lcm_chart_opts *o, FILE *script,
                                  char *msg, size_t cap);

/* Trend: a city's estimate across waves with its 95% CI band, against its region and the
 * nation. */
typedef struct lcm_chart_trend {
    const char *title;
    const char *ylabel; /* required: the estimate with its unit */
    const char *xlabel; /* required: e.g. "年份" */
    size_t n;           /* waves, 1..LCM_CHART_MAX_N */
    const int *year;    /* n years, increasing */
    const char *city;   /* series names; region and nation required when reg, nat are given */
    const char *region, *nation;
    const double *est;       /* n city estimates (NaN = none that wave) */
    const double *lo, *hi;   /* n CI bounds, or NULL */
    const double *reg, *nat; /* n region and nation values, or NULL to leave out */
    const char *ci_name;     /* legend of the CI band: required with lo and hi */
} lcm_chart_trend;
lcm_status lcm_chart_trend_render(const lcm_chart_trend *c, const lcm_chart_opts *o, FILE *script,
                                  char *msg, size_t cap);

/* Rank uncertainty: each city's median rank (1 = best) with its 5-95% interval from the
 * Monte Carlo of the composite index, sorted by median rank, chosen city highlighted. */
typedef struct lcm_chart_ranks {
    const char *title;
    const char *xlabel; /* required: e.g. "排名（1 = 最好）" */
    size_t n;
    const char *const *label;
    const double *median, *p05, *p95; /* n each */
    long highlight;
    const char *median_name;   /* required: legend of the median-rank points */
    const char *interval_name; /* required: legend of the 5-95% intervals */
} lcm_chart_ranks;
lcm_status lcm_chart_ranks_render(const lcm_chart_ranks *c, const lcm_chart_opts *o, FILE *script,
                                  char *msg, size_t cap);

/* Importance-performance quadrant: items by performance (x) and importance (y), labelled,
 * split at the cuts into the four classic quadrants (Martilla & James 1977). */
typedef struct lcm_chart_ipa {
    const char *title;
    const char *xlabel, *ylabel; /* required: performance and importance with units */
    size_t n;
    const char *const *label;
    const double *perf, *imp; /* n each; items with NaN are left out */
    double xcut, ycut;        /* quadrant boundaries; NaN = mean of the items */
    /* required: legend names of the quadrants high-high ("keep up the good work"),
     * low performance-high importance ("concentrate here"), low-low ("low priority") and
     * high performance-low importance ("possible overkill") */
    const char *quadrant[4];
} lcm_chart_ipa;
lcm_status lcm_chart_ipa_render(const lcm_chart_ipa *c, const lcm_chart_opts *o, FILE *script,
                                char *msg, size_t cap);

/* Heatmap: cities (rows, top to bottom in the given order) x indicators (columns) of
 * normalised scores 0..100, each cell labelled with its value; NaN cells are grey. */
typedef struct lcm_chart_heatmap {
    const char *title;
    const char *cblabel; /* required: the colour scale with its unit */
    size_t nrow, ncol;
    const char *const *row_label; /* nrow city names */
    const char *const *col_label; /* ncol indicator names */
    const double *value;          /* nrow*ncol, row-major */
    long highlight;               /* row of the chosen city, -1 for none */
    const char *missing;          /* required: legend of the grey cells with no value */
} lcm_chart_heatmap;
lcm_status lcm_chart_heatmap_render(const lcm_chart_heatmap *c, const lcm_chart_opts *o,
                                    FILE *script, char *msg, size_t cap);

/* Network coverage by region: bars of coverage (%) per region for one or more waves, with
 * each region's 2025 target as a dashed line (the ministry's 50% east/central, 30% west). */
typedef struct lcm_chart_coverage {
    const char *title;
    const char *ylabel;        /* required: coverage with its unit */
    size_t nregion, nseries;   /* regions 1..20, series (waves) 1..6 */
    const char *const *region; /* nregion names */
    const char *const *series; /* nseries names (e.g. "2024年") */
    const double *value;       /* nseries*nregion percentages, series-major */
    const double *target;      /* nregion targets in %, NaN = none; or NULL */
    const char *target_name;   /* legend of the target lines: required with target */
} lcm_chart_coverage;
lcm_status lcm_chart_coverage_render(const lcm_chart_coverage *c, const lcm_chart_opts *o,
                                     FILE *script, char *msg, size_t cap);

/* Box plots: rows (e.g. second-level indicators, top to bottom in the given order), each
 * with one horizontal box per group (e.g. region or tier) in the group's colour: the box
 * spans the hinges with a bar at the median, whiskers reach the most extreme values within
 * 1.5 interquartile ranges of the hinges, values beyond are drawn as points (Tukey; R's
 * boxplot.stats). The numbers are the caller's, from lcm_chart_box_stats. */
typedef struct lcm_chart_boxes {
    const char *title;
    const char *xlabel;           /* required: the value with its unit */
    size_t nrow, ngroup;          /* rows 1..60, groups 1..6 */
    const char *const *row_label; /* nrow names */
    const char *const *group;     /* ngroup legend names */
    const double *stats;    /* nrow*ngroup*5 (row-major, then group): lower whisker, lower hinge,
                               median, upper hinge, upper whisker; NaN = no values */
    size_t nout;            /* outlying values */
    const size_t *out_cell; /* nout: row * ngroup + group */
    const double *out_value;
    const char *no_data; /* required: mark of a row-group with no values */
} lcm_chart_boxes;
lcm_status lcm_chart_boxes_render(const lcm_chart_boxes *c, const lcm_chart_opts *o, FILE *script,
                                  char *msg, size_t cap);

/* R's boxplot.stats(x) (coef 1.5) of the non-NaN values of x: st[5] = lower whisker, lower
 * hinge, median, upper hinge, upper whisker (Tukey's hinges, fivenum); the values outside the
 * whiskers go to out (room for n) in their order in x, their count to *nout (out may be NULL).
 * Returns the number of values used (st all NaN when 0); -1 when out of memory. */
long lcm_chart_box_stats(const double *x, size_t n, double st[5], double *out, size_t *nout);

#endif
