/*
 * crosswalk.h - estimates over waves answered on different versions of a form: the
 * versions' response tables seen as one, each measure mapped through the crosswalk.csv
 * kept with the newest version that has one (docs/forms.md, "Harmonisation").
 */
#ifndef LCM_CROSSWALK_H
#define LCM_CROSSWALK_H

#include "survey.h"

/* One version of a form holding rows for the waves asked about. */
typedef struct lcm_xwalk_version {
    char version[40];
    char table[192];
} lcm_xwalk_version;

/* Make out a source over a temporary view of the n versions' tables (newest first): the
 * columns every table has, under their names, and each measure of the crosswalk as its
 * row for that version says (a column, recoded when the row gives a recode), plus
 * `form_version`. Errors name crosswalk.csv, line, column and field, or the version that
 * lacks a measure or a column. */
lcm_status lcm_xwalk_view(lcm_db *db, const char *form_id, const lcm_xwalk_version *v, size_t n,
                          lcm_source *out, char *note, size_t cap, lcm_err *err);

/* Prefix of the views' names (lcm_source_harmonised). */
#define LCM_XWALK_PREFIX "lcm_harm_"

/* Check a crosswalk text on its own (form check): header, names, recodes. */
lcm_status lcm_xwalk_check(const char *text, lcm_err *err);

#endif
