/*
 * chart_internal.h - what the chart_*.c files share: the palette, data files, script
 * fragments, text measures and the wrapper that draws a chart body once per output format.
 * Not part of the public API. The charts have no words of their own: every text they show
 * comes from the spec.
 */
#ifndef LCM_PLOTS_CHART_INTERNAL_H
#define LCM_PLOTS_CHART_INTERNAL_H

#include "chart.h"

#include <stdarg.h>

/* Palette (ColorBrewer Dark2 for series, a muted blue for the many, orange for the one). */
#define LCM__C_HIGHLIGHT "#d95f02"
#define LCM__C_BAR "#9db4cc"
#define LCM__C_INK "#333333"
#define LCM__C_GRID "#cccccc"
#define LCM__C_REGION "#1b9e77"
#define LCM__C_NATION "#7570b3"
#define LCM__C_TARGET "#c0392b"

/* snprintf into msg (size cap) when msg is not NULL. */
void lcm__msg(char *msg, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Check the options and the script stream shared by every chart (LCM_INVAL with msg). */
lcm_status lcm__check_opts(const lcm_chart_opts *o, const FILE *script, char *msg, size_t cap);

/* Check that an array of n labels exists and has no NULL entry (LCM_INVAL naming field). */
lcm_status lcm__check_labels(const char *const *label, size_t n, const char *field, char *msg,
                             size_t cap);

/* Write a number for gnuplot: %.10g, or NaN (which gnuplot skips). */
void lcm__num(FILE *f, double v);

/* "set WHAT 'text'\n" with text quoted; nothing when text is NULL. */
void lcm__set_text(FILE *f, const char *what, const char *text);

/* Median of the non-NaN values of x (NaN when there are none or memory runs out). */
double lcm__median(const double *x, size_t n);

/* Indices 0..n-1 ordered by v (descending when desc), NaN last, ties in index order.
 * malloc'd; NULL when out of memory. */
size_t *lcm__order(const double *v, size_t n, int desc);

/* Widest label a chart shows in full, in half-ems (a CJK character is 2, a Latin letter 1);
 * longer ones end in an ellipsis so a stray long name cannot squeeze the plot area. */
#define LCM__LABEL_MAX 32

/* s itself when it is at most max half-ems wide, else as much of it as fits with an
 * ellipsis (2 half-ems), written into out (size cap). */
const char *lcm__clip(const char *s, size_t max, char *out, size_t cap);

/* s broken into lines of at most max half-ems where it can be (between words, or between
 * CJK characters but never before closing punctuation), the lines of even length, joined
 * by '\n' into out (size cap). A word longer than max stays whole. Returns out, or s
 * itself when it fits on one line or out is too small. */
const char *lcm__wrap(const char *s, size_t max, char *out, size_t cap);

/* Write text that may hold '\n' as a gnuplot string expression: each line single-quoted
 * (lcm_gp_quote) and joined by ."\n". so the label shows on several lines. */
void lcm__gp_lines(FILE *f, const char *text);

/* Width of s in half-ems (a CJK character is 2, a Latin letter 1). */
size_t lcm__width(const char *s);

/* The data rows of a horizontal city chart, from the top: "y value lo hi highlighted",
 * city order[k] at y = n-1-k. lo and hi may be NULL (written as NaN). */
void lcm__city_rows(FILE *f, size_t n, const size_t *order, const double *v, const double *lo,
                    const double *hi, long highlight);

/* The city axis of a horizontal chart: ytics naming the cities in `order` from the top
 * (y = n-1) down, the highlighted city drawn in bold orange instead of as a tic. */
void lcm__city_axis(FILE *f, const char *const *label, const size_t *order, size_t n,
                    long highlight, const char *font);

/* Print height (mm) of a chart of n city rows: a row per line of text, plus the frame,
 * axis label and key. */
double lcm__rows_mm(size_t n);

/* One chart being rendered. Start it (options and spec checked, data file open), write
 * rows to `data`, turn to the body, write gnuplot commands to `body`, finish. Whatever
 * step fails has already released the job; abort releases one the chart gives up on. */
typedef struct lcm__job {
    const lcm_chart_opts *o;
    FILE *script;
    char *msg;
    size_t cap;
    char path[4200]; /* the data file, dir/NAME.dat */
    FILE *data;      /* open between start and body */
    char *buf;       /* the body's memory */
    size_t len;
    FILE *body; /* open between body and finish */
} lcm__job;

/* spec is the chart's own check of its spec: when not LCM_OK it is returned as it is. Then
 * the options are checked and the data file is opened with `header` as its first line. */
lcm_status lcm__job_start(lcm__job *j, const lcm_chart_opts *o, FILE *script, lcm_status spec,
                          const char *header, char *msg, size_t cap);

/* Close the data file and open the body, starting it with the title. */
lcm_status lcm__job_body(lcm__job *j, const char *title);

/* Append the body to the script once per format in the options, each preceded by a reset,
 * the terminal (w x h mm at print size unless the options say otherwise) and the output
 * file, and followed by `unset output` so the file is complete before the next chart.
 * Releases j. */
lcm_status lcm__job_finish(lcm__job *j, double w, double h);

/* Release a job at any stage, with `st` and a message for the caller; returns st. */
lcm_status lcm__job_abort(lcm__job *j, lcm_status st, const char *why);

/* The frame of an x-y chart: left and bottom border, tics outside, a light grid along
 * `grid` ('x' or 'y'). */
void lcm__frame(FILE *b, char grid);

/* Font family to use for o: o->font or lcm_chart_font(). */
const char *lcm__font(const lcm_chart_opts *o);

#endif
