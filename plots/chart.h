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
 * quotes, backticks or system() draws as text and runs nothing. Titles and axis labels
 * are the caller's text; where a spec field is NULL the chart uses its own text in
 * opts->lang. Axis labels carry units: give them with the unit, e.g. "满意度（%）".
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

typedef struct lcm_chart_opts {
    const char *dir;  /* existing output directory */
    const char *name; /* file stem: [A-Za-z0-9_.-], not starting with '.' */
    lcm_lang lang;    /* language of the chart's own texts (legend, defaults) */
    unsigned formats; /* LCM_CHART_PNG | LCM_CHART_SVG; 0 means both */
    int width;        /* pixels; 0 = the chart's default */
    int height;       /* pixels; 0 = the chart's default (bars grow with n) */
    const char *font; /* font family; NULL = lcm_chart_font() */
} lcm_chart_opts;

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
    const char *median_label; /* the median's key entry (its value is appended); NULL =
                                 "同类城市中位数" */
} lcm_chart_bars;
lcm_status lcm_chart_bars_render(const lcm_chart_bars *c, const lcm_chart_opts *o, FILE *script,
                                 char *msg, size_t cap);

/* Radar profile: one or two panels (e.g. first- and second-level indicators) of a city's
 * scores against the peer median, on a 0..max scale. */
typedef struct lcm_chart_radar_panel {
    const char *title;        /* panel title; NULL = "一级指标"/"二级指标" by position */
    size_t n;                 /* axes, 3..LCM_CHART_MAX_N */
    const char *const *label; /* n axis names (keep them short) */
    const double *city;       /* n scores; NaN = missing (drawn at 0, marked) */
    const double *median;     /* n peer medians, or NULL */
} lcm_chart_radar_panel;
typedef struct lcm_chart_radar {
    const char *title;
    const char *city; /* legend name of the city's series */
    double max;       /* outer ring; 0 = 100 */
    size_t npanel;    /* 1 or 2 */
    lcm_chart_radar_panel panel[2];
    const char *median_label; /* key entry of the median series; NULL = "同类城市中位数" */
} lcm_chart_radar;
lcm_status lcm_chart_radar_render(const lcm_chart_radar *c, const lcm_chart_opts *o, FILE *script,
                                  char *msg, size_t cap);

/* Trend: a city's estimate across waves with its 95% CI band, against its region and the
 * nation. */
typedef struct lcm_chart_trend {
    const char *title;
    const char *ylabel; /* required: the estimate with its unit */
    const char *xlabel; /* NULL = "年份"/"year" */
    size_t n;           /* waves, 1..LCM_CHART_MAX_N */
    const int *year;    /* n years, increasing */
    const char *city;   /* series names; region/nation NULL = "地区"/"全国" */
    const char *region, *nation;
    const double *est;       /* n city estimates (NaN = none that wave) */
    const double *lo, *hi;   /* n CI bounds, or NULL */
    const double *reg, *nat; /* n region and nation values, or NULL to leave out */
} lcm_chart_trend;
lcm_status lcm_chart_trend_render(const lcm_chart_trend *c, const lcm_chart_opts *o, FILE *script,
                                  char *msg, size_t cap);

/* Rank uncertainty: each city's median rank (1 = best) with its 5-95% interval from the
 * Monte Carlo of the composite index, sorted by median rank, chosen city highlighted. */
typedef struct lcm_chart_ranks {
    const char *title;
    const char *xlabel; /* NULL = "排名（1 = 最好）"/"rank (1 = best)" */
    size_t n;
    const char *const *label;
    const double *median, *p05, *p95; /* n each */
    long highlight;
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
    /* key entries of the quadrants upper right, upper left, lower left, lower right (high
     * importance is up, high performance right); NULL = the classic names */
    const char *quadrant[4];
} lcm_chart_ipa;
lcm_status lcm_chart_ipa_render(const lcm_chart_ipa *c, const lcm_chart_opts *o, FILE *script,
                                char *msg, size_t cap);

/* Heatmap: cities (rows, top to bottom in the given order) x indicators (columns) of
 * normalised scores 0..100, each cell labelled with its value; NaN cells are grey. */
typedef struct lcm_chart_heatmap {
    const char *title;
    const char *cblabel; /* NULL = "标准化得分（0–100）" */
    size_t nrow, ncol;
    const char *const *row_label; /* nrow city names */
    const char *const *col_label; /* ncol indicator names */
    const double *value;          /* nrow*ncol, row-major */
    long highlight;               /* row of the chosen city, -1 for none */
} lcm_chart_heatmap;
lcm_status lcm_chart_heatmap_render(const lcm_chart_heatmap *c, const lcm_chart_opts *o,
                                    FILE *script, char *msg, size_t cap);

/* Network coverage by region: bars of coverage (%) per region for one or more waves, with
 * each region's 2025 target as a dashed line (the ministry's 50% east/central, 30% west). */
typedef struct lcm_chart_coverage {
    const char *title;
    const char *ylabel;        /* NULL = "覆盖率（%）"/"coverage (%)" */
    size_t nregion, nseries;   /* regions 1..20, series (waves) 1..6 */
    const char *const *region; /* nregion names */
    const char *const *series; /* nseries names (e.g. "2024年") */
    const double *value;       /* nseries*nregion percentages, series-major */
    const double *target;      /* nregion targets in %, NaN = none; or NULL */
} lcm_chart_coverage;
lcm_status lcm_chart_coverage_render(const lcm_chart_coverage *c, const lcm_chart_opts *o,
                                     FILE *script, char *msg, size_t cap);

#endif
