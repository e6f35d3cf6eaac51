/*
 * import_resp.h - questionnaire responses from CSV: lcmon's own exports, and KoboToolbox,
 * ODK Central and 问卷星 (wjx) downloads as they come (docs/imports.md).
 *
 * Columns are matched to the form (import_resp_hdr.c): standard columns by name (Kobo's
 * _uuid and meta/instanceID, ODK's KEY give the instance_id; SubmissionDate,
 * _submission_time and 提交答卷时间 the ended_at), questions by name, group path ('/',
 * '-' or '.') or label in any of the form's languages, roster members as
 * "repeat[N]/field", select_multiple as one space-separated column or one 0/1 column per
 * choice, ODK's split geopoint joined. Values of selects are choice names or labels. Every
 * value goes through the form's checks (type, choice list, constraint, required,
 * relevance) via lcm_instance_finish; a file without a status column holds complete
 * answers. Instances without an instance_id get one made from a hash of the row, so
 * re-importing the file adds nothing; a stored instance with other answers is a conflict.
 */
#ifndef LCM_IMPORT_RESP_H
#define LCM_IMPORT_RESP_H

#include "import.h"

typedef enum lcm_resp_format {
    LCM_RESP_NATIVE,
    LCM_RESP_KOBO,
    LCM_RESP_ODK,
    LCM_RESP_WJX
} lcm_resp_format;

/* Parse native, kobo, odk or wjx; 0, or -1. */
int lcm_resp_format_parse(const char *s, lcm_resp_format *out);

#define LCM_RESP_MAX_ROSTERS 8

typedef struct lcm_resp_opts {
    lcm_import_opts base;
    const char *form_id; /* the form (its most recently loaded version) */
    long wave; /* survey year for every row; 0 = a wave column, else (other tools) the year */
    lcm_resp_format format;
    const char *map;     /* CSV source,field[,value,choice] renaming headers/options */
    int skip_invalid;    /* import the valid rows, write the others to rejects */
    const char *rejects; /* where rejected rows go; NULL = FILE.rejected.csv */
    /* Rosters in files of their own (lcmon's CSV export, ODK Central's repeat files): the
     * repeat's name and the file, a row per member keyed by its household's instance_id
     * (column instance_id, or PARENT_KEY) and position (column position, else the order
     * of the household's rows). */
    const char *roster_repeat[LCM_RESP_MAX_ROSTERS];
    const char *roster_file[LCM_RESP_MAX_ROSTERS];
    int nrosters;
    int force; /* replace an existing rejects file (it is created 0600: personal data) */
} lcm_resp_opts;

/* Import the responses in path into the form's tables, in one transaction. Without
 * skip_invalid any problem leaves the database unchanged (LCM_CONSTRAINT, problems in
 * res). With it, rows with problems are written with their reasons to the rejects file
 * and *rejected counts them. Counts: inserted, unchanged (same instance stored with the
 * same answers). A stored instance with other answers is reported as a problem. */
lcm_status lcm_import_responses(lcm_db *db, const char *path, const lcm_resp_opts *opts,
                                lcm_import_result *res, long *rejected, lcm_err *err);

/* What a draft map holds: header rules and value rules, and how many of each are left
 * empty for the user to fill in. */
typedef struct lcm_resp_draft {
    long headers, headers_open, values, values_open;
} lcm_resp_draft;

/* Write to out (a new file: an existing one is not overwritten) a map for the responses
 * in path (a 问卷星 download of either kind, or any file whose headers and answers are
 * texts): source,field,value,choice with the field each header names and the choice each
 * answer (or option number) is, found from the form's labels; what is not found is left
 * empty for the user, and --map refuses the map until it is filled in. */
lcm_status lcm_resp_draft_map(lcm_db *db, const char *path, const lcm_resp_opts *opts,
                              const char *out, lcm_resp_draft *report, lcm_err *err);

#endif
