/*
 * report_internal.h - what the report_*.c files share: the report's own words and the
 * renderers of tables and figures. Not part of the public API.
 */
#ifndef LCM_PLOTS_REPORT_INTERNAL_H
#define LCM_PLOTS_REPORT_INTERNAL_H

#include "report.h"

typedef enum lcm__rtext {
    LCM__R_CONTENTS,
    LCM__R_TABLE,
    LCM__R_FIGURE,
    LCM__R_SUPP_PRE, /* the suppression note, around min_n */
    LCM__R_SUPP_POST,
    LCM__R_MISSING,
    LCM__R_NO_CHART,
    LCM__R_COUNT
} lcm__rtext;

/* The report's own words in its language. Static string. */
const char *lcm__rtxt(lcm_lang lang, lcm__rtext t);

/* Write the bold number of a table or figure: "表 3" / "Table 3". */
void lcm__numbered(FILE *out, lcm_lang lang, lcm__rtext what, int number);

/* Render table number `number` (its caption, cells, suppression note). */
lcm_status lcm__report_table(FILE *out, const lcm_report *r, const lcm_report_table *t, int number,
                             char *msg, size_t cap);

/* Render figure number `number` with the chart file embedded; with LCM_REPORT_VECTOR a
 * PNG chart that has an SVG beside it (same name, .svg) is embedded as that SVG. */
lcm_status lcm__report_chart(FILE *out, const lcm_report *r, const lcm_report_chart *c, int number,
                             unsigned flags, char *msg, size_t cap);

/* What the HTML and Word renderers share: the struct's checks (out only tested for NULL),
 * the suppression rule, numbers as the tables write them ("12,345.6"), chart files. */
lcm_status lcm__report_check(const lcm_report *r, const void *out, char *msg, size_t cap);
lcm_status lcm__report_check_block(const lcm_report_block *b, char *msg, size_t cap);
lcm_status lcm__report_table_check(const lcm_report_table *t, char *msg, size_t cap);
int lcm__report_suppressed(const lcm_report *r, const lcm_report_cell *c);
void lcm__report_number(FILE *out, double v, int d);
/* A chart file read whole (at most 32 MB) into a malloc'd buffer. */
lcm_status lcm__report_slurp(const char *path, unsigned char **data, size_t *n, char *msg,
                             size_t cap);
/* "image/png", "image/svg+xml" from the first bytes, or NULL. */
const char *lcm__report_mime(const unsigned char *p, size_t n);
/* 1 when the file does not exist (as opposed to existing but unreadable). */
int lcm__report_chart_missing(const char *path);
/* The SVG beside a PNG chart ("x.png" -> "x.svg") into out; 1 when it exists. */
int lcm__report_svg_sibling(const char *png, char *out, size_t cap);

#endif
