/*
 * feedback_int.h - what the city and national reports share (engine/report*.c only): a
 * builder for the report struct of plots/report.h, charts collected into one gnuplot
 * script, and the queries both reports make.
 */
#ifndef LCM_FEEDBACK_INT_H
#define LCM_FEEDBACK_INT_H

#include "arena.h"
#include "feedback.h"
#include "report.h"

#include <stdio.h>

#define RB_MAX_SECTIONS 16
#define RB_MAX_BLOCKS 48

typedef struct rb {
    lcm_arena *a;
    lcm_lang lang;
    lcm_report_section sec[RB_MAX_SECTIONS];
    lcm_report_block blk[RB_MAX_SECTIONS][RB_MAX_BLOCKS];
    size_t nsec;
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
/* Chart options for chart `name` of this report (files DIR/STEM_name.png/.svg). */
lcm_chart_opts rb_opts(rb *b, const char *name);
/* Path of chart `name` (PNG) in the output directory, owned by the arena. */
const char *rb_chart_path(rb *b, const char *name);
/* Add a chart block for a chart rendered under name. */
void rb_chart(rb *b, const char *name, const char *alt, const char *caption);
/* Cells, owned by the arena. */
lcm_report_cell *rb_cells(rb *b, size_t n);
lcm_report_cell rb_text(rb *b, const char *s);
lcm_report_cell rb_num(double v, int decimals);
lcm_report_cell rb_est(double v, double lo, double hi, int decimals, long n);

/* Builders of the two kinds of report: fill b (sections, chart script, title, path). */
lcm_status lcm__feedback_city_build(lcm_db *db, const lcm_feedback_opts *o, rb *b, lcm_err *err);
lcm_status lcm__feedback_national_build(lcm_db *db, const lcm_feedback_opts *o, rb *b,
                                        lcm_err *err);

/* The network-coverage section (feedback_coverage.c). */
void rb_coverage_section(lcm_db *db, rb *b, int year, lcm_err *err);

/* A survey measure (item "" for the overall one) of a city and year: estimate, se (NaN
 * when none) and n; returns 0 and NaNs when it is not stored. */
int rb_measure(lcm_db *db, const char *city, int year, const char *m, const char *item, double *est,
               double *se, long *n);

/* Median of the non-NaN values (NaN when none); x is reordered. */
double rb_median(double *x, size_t n);

/* One row per city of a score run: names and ranks with intervals. */
typedef struct rb_city {
    char code[8], name[64], region[12], tier[24];
    double score;
    int rank, median, p05, p95, rank_region, rank_tier;
} rb_city;

/* Cities of a score run, sorted by rank; *out owned by the arena. */
lcm_status rb_run_cities(lcm_db *db, rb *b, long long run, rb_city **out, size_t *n, lcm_err *err);
/* Scores of one indicator for every city of the run, in the order of cities[]. */
lcm_status rb_scores(lcm_db *db, long long run, const char *indicator, const rb_city *cities,
                     size_t n, double *score, double *raw, lcm_err *err);

/* The rank-uncertainty chart of a run's cities (highlight -1 for none). */
void rb_ranks_chart(rb *b, const rb_city *cities, size_t n, long highlight, const char *title);

#endif
