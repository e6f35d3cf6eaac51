/*
 * feedback_int.h - what the city and national reports share (engine/feedback*.c only): the
 * report model and its builder. A model holds every section, number, label, note,
 * suppression and chart series the report shows, read from stored results only (score
 * runs, the estimate runs of the survey measures, the network register); plots/ renders it
 * (HTML, charts) and feedback_model.c writes it as JSON. Survey cells on fewer than min_n
 * respondents are suppressed here, in the model: their numbers never reach a chart, a data
 * file or the JSON.
 */
#ifndef LCM_FEEDBACK_INT_H
#define LCM_FEEDBACK_INT_H

#include "arena.h"
#include "feedback.h"
#include "report.h"

#include <stdio.h>

#define RB_MAX_SECTIONS 16
#define RB_MAX_BLOCKS 48
#define RB_MAX_CHARTS 16
#define RB_MAX_YEARS 16

typedef enum rb_chart_kind {
    RB_BARS,
    RB_RADAR,
    RB_TREND,
    RB_RANKS,
    RB_IPA,
    RB_HEATMAP,
    RB_COVERAGE,
    RB_BOXES
} rb_chart_kind;

/* A chart of the model: its spec (data, title, axis labels, legend entries) and the caption
 * and alt text the HTML shows, drawn when the report is finished. */
typedef struct rb_chart_m {
    rb_chart_kind kind;
    const char *name, *alt, *caption;
    union {
        lcm_chart_bars bars;
        lcm_chart_radar radar;
        lcm_chart_trend trend;
        lcm_chart_ranks ranks;
        lcm_chart_ipa ipa;
        lcm_chart_heatmap heatmap;
        lcm_chart_coverage coverage;
        lcm_chart_boxes boxes;
    } u;
} rb_chart_m;

typedef struct rb {
    lcm_arena *a;
    lcm_lang lang;
    lcm_report_section sec[RB_MAX_SECTIONS];
    lcm_report_block blk[RB_MAX_SECTIONS][RB_MAX_BLOCKS];
    size_t nsec;
    rb_chart_m chart[RB_MAX_CHARTS];
    size_t nchart;
    int oom;
    /* charts: one script for all, files in dir */
    const char *dir, *stem;
    char *script;
    size_t script_len;
    FILE *sf;
    int ncharts;
    char chart_msg[512];
    lcm_status chart_status;
    /* the document, written when the batch finishes */
    char stem_buf[64], path[4096];
    const char *title, *subtitle, *footer;
    long min_n;
    unsigned formats; /* chart files: PNG (embedded) and, when asked, SVG */
    /* the model's identity: "city" or "national", the city's code, the year */
    const char *kind, *city;
    int year;
    const char *model_path; /* also write the model as JSON here, or NULL */
    /* the estimate runs of each year's survey measures, as looked up */
    int svy_year[RB_MAX_YEARS];
    char svy_runs[RB_MAX_YEARS][256], svy_form[RB_MAX_YEARS][64];
    size_t nsvy;
} rb;

/* zh or en text by the report's language. */
#define RB_T(b, zh, en) ((b)->lang == LCM_LANG_EN ? (en) : (zh))

/* Start a report whose files are DIR/STEM.html and DIR/STEM_*.png (stem is copied). */
int rb_init(rb *b, lcm_lang lang, const char *dir, const char *stem);
void rb_release(rb *b);
void rb_section(rb *b, const char *heading);
void rb_para(rb *b, const char *text);
void rb_subhead(rb *b, const char *text);
void rb_list(rb *b, const char *const *items, size_t n);
void rb_table(rb *b, const lcm_report_table *t);
/* Add a chart (files DIR/STEM_name.png/.svg) with its caption: returns its model for the
 * caller to fill the spec of `kind`, or NULL (out of room or memory). */
rb_chart_m *rb_chart(rb *b, rb_chart_kind kind, const char *name, const char *alt,
                     const char *caption);
/* Render every chart of the model into the report's gnuplot script (data files written). */
lcm_status rb_render_charts(rb *b);
/* Write the model as JSON (feedback_model.c). */
lcm_status rb_write_model(const rb *b, FILE *out);
/* Cells, owned by the arena. ref: JSON object saying where the number comes from, or NULL. */
lcm_report_cell *rb_cells(rb *b, size_t n);
lcm_report_cell rb_text(rb *b, const char *s);
lcm_report_cell rb_num(double v, int decimals);
lcm_report_cell rb_num_ref(rb *b, double v, int decimals, const char *ref);

/* ---- survey estimates: read from the estimate runs the measures pipeline stored ---- */

/* One stored estimate on the report's scale (value * scale + shift), suppressed (numbers
 * NaN, suppressed 1) when n < min_n. */
typedef struct rb_svy {
    double est, lo, hi; /* NaN when missing or suppressed; lo/hi NaN when undefined */
    long n;             /* respondents; 0 when not stored */
    int found, suppressed;
    const char *ref; /* JSON provenance (arena) */
    double se, df;   /* on the report's scale; NaN when missing, suppressed or undefined */
    long npsu;       /* PSUs behind it; 0 when not stored */
    double deff;     /* design effect; NaN when not stored */
} rb_svy;

/* The estimate of variable var (category "1" of a 0/1 proportion when prop, else a mean) by
 * by_vars ("city", "city,sex"...) in domain (by-values joined by \x1f) of a year, from the
 * newest measures run of that year. */
rb_svy rb_svy_get(rb *b, lcm_db *db, int year, const char *var, int prop, const char *by_vars,
                  const char *domain, double scale, double shift);
/* A table cell of it. */
lcm_report_cell rb_svy_cell(rb *b, const rb_svy *s, int decimals);

/* Builders of the two kinds of report: fill b (sections, chart script, title, path). */
lcm_status lcm__feedback_city_build(lcm_db *db, const lcm_feedback_opts *o, rb *b, lcm_err *err);
lcm_status lcm__feedback_national_build(lcm_db *db, const lcm_feedback_opts *o, rb *b,
                                        lcm_err *err);

/* "Which groups lag": the city's stored group gaps, in words and a table (feedback_gaps.c). */
void rb_gaps_section(rb *b, lcm_db *db, const char *city, int year);
/* The network-coverage section (feedback_coverage.c). */
void rb_coverage_section(lcm_db *db, rb *b, int year, lcm_err *err);

/* The expert-rating sections (feedback_ratings.c): agreement and severity nationally, each
 * rating point's mean beside its severity-adjusted mean for a city. */
void rb_ratings_national(lcm_db *db, rb *b, int year, lcm_err *err);
void rb_ratings_city(lcm_db *db, rb *b, const char *city, int year, lcm_err *err);

/* A survey measure (item "" for the overall one) of a city and year: estimate, se (NaN
 * when none) and n; returns 0 and NaNs when it is not stored. */
int rb_measure(lcm_db *db, const char *city, int year, const char *m, const char *item, double *est,
               double *se, long *n);

/* JSON string of s (quotes added), owned by the arena. */
const char *rb_json_str(rb *b, const char *s);

/* Median of the non-NaN values (NaN when none); x is reordered. */
double rb_median(double *x, size_t n);

/* One row per city of a score run: names and ranks with intervals. */
typedef struct rb_city {
    char code[8], name[64], region[12], tier[24];
    char region4[12]; /* east, central, west, northeast (the city report's regions) */
    double score;
    int rank, median, p05, p95, rank_region, rank_tier;
} rb_city;

/* Cities of a score run, sorted by rank; *out owned by the arena. */
lcm_status rb_run_cities(lcm_db *db, rb *b, long long run, rb_city **out, size_t *n, lcm_err *err);
/* Scores of one indicator for every city of the run, in the order of cities[]. */
lcm_status rb_scores(lcm_db *db, long long run, const char *indicator, const rb_city *cities,
                     size_t n, double *score, double *raw, lcm_err *err);

/* The rank-uncertainty chart of a run's cities (highlight -1 for none). */
/* The rank-uncertainty chart of a run's cities (highlight -1 for none); caption NULL for the
 * default. */
void rb_ranks_chart(rb *b, const rb_city *cities, size_t n, long highlight, const char *title,
                    const char *caption);
/* The city report's peer group (chosen in feedback_city.c): the monitored cities the city is
 * compared with, named in words, and what the advice sections (feedback_advice.c) read. */
typedef struct rb_peer {
    lcm_db *db;
    long long run;
    int year;
    const rb_city *cities;
    size_t ncity;
    long me;
    const int *in; /* in[i] = 1: city i is in the group (the city itself included) */
    size_t npeer;
    const char *name;   /* the group in words, e.g. "同层级城市（地级市）" */
    const char *median; /* its median's name, e.g. "地级市中位数" */
} rb_peer;

/* Sections 八 (strengths and weaknesses against the peer group, by the uncertainty of each
 * kind of point) and 九 (for each weakness: the guide's measures, the peer city to learn
 * from, next year's target; the survey groups that lag most). */
lcm_status rb_advice_sections(rb *b, const rb_peer *p, lcm_err *err);
/* The survey group that lags most on var ("participated", "sat_index"): the largest
 * significant negative gap (Holm-adjusted p < 0.05) of the stored design-based t-tests, in
 * words; NULL when no group lags (feedback_gaps.c). */
const char *rb_gaps_worst(rb *b, lcm_db *db, const char *city, int year, const char *var);

/* Cities shown around one in a city report's charts when there are more than that many. */
#define RB_WINDOW 30

#endif
