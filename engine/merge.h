/*
 * merge.h - responses from field teams' lcmon databases brought into one database
 * (`lcmon merge DB OTHER.db...`).
 *
 * For every form version with responses in another database, the same form_id and
 * version must be loaded in DB with the same digest (the very same questionnaire);
 * otherwise nothing is merged. Then each instance (main row and roster rows) is
 *   new        inserted as it is;
 *   identical  (every column but final_weight, which calibration rewrites, and source,
 *              which says how it arrived) left alone;
 *   conflict   (same instance_id, other answers) left out and reported.
 * Drafts there (interviews not finished) are left out and counted: they are finished where
 * they were started and merged then.
 * All files are merged in one transaction: on any error nothing is written. Merging the
 * same files again finds every instance identical and changes nothing.
 */
#ifndef LCM_MERGE_H
#define LCM_MERGE_H

#include "lcmon.h"

#include <stddef.h>

typedef struct lcm_merge_form {
    char form_id[64], version[64];
    long added, identical, conflicts;
    long drafts; /* unfinished interviews there: left out, never merged as answers */
} lcm_merge_form;

/* What merging one file did. */
typedef struct lcm_merge_report {
    char *path;            /* as given */
    lcm_merge_form *forms; /* form versions with responses in the file */
    size_t nforms;
    char **conflicts;  /* "instance X of F V: 'col' is A here, B there", the first
                          LCM_MERGE_MAX_LISTED of them */
    size_t nconflicts; /* listed */
} lcm_merge_report;

#define LCM_MERGE_MAX_LISTED 50

/* Merge the databases at paths[0..n) into db in one transaction; reps[i] (an array of n,
 * the caller's to free with lcm_merge_report_free) says what each did. On failure nothing
 * is written and err names the file. */
lcm_status lcm_merge(lcm_db *db, const char *const *paths, size_t n, lcm_merge_report *reps,
                     lcm_err *err);
void lcm_merge_report_free(lcm_merge_report *rep);

#endif
