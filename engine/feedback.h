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
    char docx[4096]; /* the Word document written (LCM_FEEDBACK_DOCX), or "" */
    char pdf[4096];  /* the PDF printed (LCM_FEEDBACK_PDF), or "" */
} lcm_feedback_done;

/* Files written beside a report's HTML (lcm_feedback_write, lcm_feedback_batch_extra):
 * LCM_FEEDBACK_DOCX: DIR/STEM.docx, the same report as a Word document (report.h).
 * LCM_FEEDBACK_PDF: DIR/STEM.pdf, printed by Chromium (pdf.h) from a copy of the HTML whose
 * charts are SVG (drawn as SVG too, whatever opts.svg says), so they stay vector graphics;
 * printed twice so that the contents show the page of each section (read from the first
 * print; again if that moved a page). The copy is removed. */
enum { LCM_FEEDBACK_DOCX = 1u << 0, LCM_FEEDBACK_PDF = 1u << 1 };

/* The report of one city (national 0) or the national one, with the extra files asked. */
lcm_status lcm_feedback_write(lcm_db *db, const lcm_feedback_opts *o, int national, unsigned extra,
                              lcm_feedback_done *done, lcm_err *err);

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
/* The extra files (LCM_FEEDBACK_*) of the reports added from now on. */
void lcm_feedback_batch_extra(lcm_feedback_batch *bt, unsigned extra);
lcm_status lcm_feedback_batch_city(lcm_feedback_batch *bt, lcm_db *db, const lcm_feedback_opts *o,
                                   lcm_err *err);
lcm_status lcm_feedback_batch_national(lcm_feedback_batch *bt, lcm_db *db,
                                       const lcm_feedback_opts *o, lcm_err *err);
/* done->path is the last report's, done->charts counts all charts drawn. */
lcm_status lcm_feedback_batch_finish(lcm_feedback_batch *bt, const char *gnuplot, int nproc,
                                     lcm_feedback_done *done, lcm_err *err);
void lcm_feedback_batch_free(lcm_feedback_batch *bt);

#endif
