/*
 * interview_drafts.h - the drafts of the terminal interview (cmd_interview.c): found by a
 * short prefix of their id, listed with where they stopped (`lcmon interview --list`), and
 * discarded when the interviewer says so after Ctrl-C.
 */
#ifndef LCM_INTERVIEW_DRAFTS_H
#define LCM_INTERVIEW_DRAFTS_H

#include "form.h"

#include <stdio.h>

/* Ids are shown this long: enough to tell drafts apart, short enough to type. */
#define CLI_DRAFT_SHORT 8

/* The instance of form_id (any version) whose id is prefix or starts with it, into
 * id[idcap]. LCM_NOTFOUND when none; LCM_CONFLICT, with every candidate named, when the
 * prefix starts several. */
lcm_status cli_draft_find(lcm_db *db, const char *form_id, const char *prefix, char *id,
                          size_t idcap, lcm_err *err);

/* Print the drafts (of form_id, or of every form when NULL) on out: short id, form,
 * started, the question they stopped at ("question N of M"), household. en: in English. */
lcm_status cli_draft_list(lcm_db *db, const char *form_id, int en, FILE *out, lcm_err *err);

/* Delete the stored draft id of form f (main row and roster rows) in one transaction; a
 * complete instance is never deleted. */
lcm_status cli_draft_discard(lcm_db *db, const lcm_form *f, const char *id, lcm_err *err);

#endif
