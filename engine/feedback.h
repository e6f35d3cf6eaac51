/*
 * feedback.h - the feedback reports lcmon sends back (以测促建): one per city and year, and
 * the ministry's national overview. Data come from the store (score runs, survey measures
 * and estimates, network register); charts are drawn by one gnuplot process; the HTML is
 * rendered by plots/report.h, self-contained.
 */
#ifndef LCM_FEEDBACK_H
#define LCM_FEEDBACK_H

#include "chart.h"
#include "lcmon.h"

typedef struct lcm_feedback_opts {
    const char *city; /* city code (4 digits) or exact name; NULL for the national report */
    int year;
    const char *out_dir; /* existing directory */
    lcm_lang lang;
    long min_n;          /* survey cells on fewer respondents are suppressed (default 30) */
    const char *gnuplot; /* executable, NULL = "gnuplot" on PATH */
    int svg;             /* 1: also write every chart as SVG beside the PNG */
    const char *model;   /* also write the report's model as JSON to this file, or NULL */
} lcm_feedback_opts;

typedef struct lcm_feedback_done {
    char path[4096]; /* the HTML file written */
    int charts;      /* charts drawn */
    int gnuplot_ok;  /* 0: charts are missing, note says why */
    char note[512];
} lcm_feedback_done;

/* The feedback report of one city and year: summary, scores and ranks with intervals,
 * each first-level indicator with its points, survey results (with CIs and n), strengths,
 * weaknesses, trends and data notes. Needs a score run of that year. */
lcm_status lcm_feedback_city(lcm_db *db, const lcm_feedback_opts *o, lcm_feedback_done *done,
                             lcm_err *err);

/* The national overview of a year: distribution of scores, regions, network coverage and
 * the indicators where the country is weakest. */
lcm_status lcm_feedback_national(lcm_db *db, const lcm_feedback_opts *o, lcm_feedback_done *done,
                                 lcm_err *err);

/* Many reports at once (the demo, a report for every city): each is built, then all
 * their charts are drawn by nproc gnuplot processes (one per core), then every HTML file
 * is written. */
typedef struct lcm_feedback_batch lcm_feedback_batch;
lcm_status lcm_feedback_batch_new(lcm_feedback_batch **out);
lcm_status lcm_feedback_batch_city(lcm_feedback_batch *bt, lcm_db *db, const lcm_feedback_opts *o,
                                   lcm_err *err);
lcm_status lcm_feedback_batch_national(lcm_feedback_batch *bt, lcm_db *db,
                                       const lcm_feedback_opts *o, lcm_err *err);
/* done->path is the last report's, done->charts counts all charts drawn. */
lcm_status lcm_feedback_batch_finish(lcm_feedback_batch *bt, const char *gnuplot, int nproc,
                                     lcm_feedback_done *done, lcm_err *err);
void lcm_feedback_batch_free(lcm_feedback_batch *bt);

#endif
