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

/* Render figure number `number` with the chart file embedded. */
lcm_status lcm__report_chart(FILE *out, const lcm_report *r, const lcm_report_chart *c, int number,
                             char *msg, size_t cap);

#endif
