/*
 * import.h - validated, all-or-nothing imports of CSV files into the store.
 *
 * Every importer streams its file (any encoding encoding.h knows) through csvin, checks
 * every cell, and writes in one transaction: when any cell is bad nothing is written and
 * every problem is reported as `file:line:column (field): problem, value 'x'` (the first
 * max_issues of them kept as text, all of them counted). Re-importing a file that is
 * already stored adds nothing; a row whose key is stored with different values is a
 * conflict, reported like a bad cell, unless replace is set.
 */
#ifndef LCM_IMPORT_H
#define LCM_IMPORT_H

#include "encoding.h"
#include "lcmon.h"

#define LCM_IMPORT_MAX_ISSUES 20 /* messages kept by default; the rest are counted */

typedef struct lcm_import_opts {
    lcm_encoding encoding; /* LCM_ENC_AUTO detects */
    unsigned char delim;   /* field separator, 0 = ',' */
    int max_issues;        /* messages kept, 0 = LCM_IMPORT_MAX_ISSUES */
    int replace;           /* a stored row with the same key but other values is replaced */
    int as_written;        /* another tool's file: cells exactly as written (no leading '
                              of lcmon's formula guard is taken off) */
    /* Called now and then with bytes of the file consumed and its size; may be NULL. */
    void (*progress)(void *ud, long long done, long long total);
    void *progress_ud;
} lcm_import_opts;

typedef struct lcm_import_result {
    long rows;      /* data rows read (the header not counted) */
    long inserted;  /* rows written that were not stored before */
    long unchanged; /* rows already stored with the same values (a re-import) */
    long replaced;  /* stored rows overwritten (replace) */
    long issues;    /* problems found, all of them */
    char **msgs;    /* the first problems as text, owned by the result */
    size_t nmsgs;
    lcm_encoding encoding; /* what the file was read as */
} lcm_import_result;

/* Free the messages of a result; the struct itself is the caller's. NULL is accepted. */
void lcm_import_result_free(lcm_import_result *res);

/* City statistics: columns city, year, indicator, value, source, [imputed], [note] into
 * indicator_values. Checks: known city; year 2000-2100; a level-3 indicator that is
 * quantitative, yes/no or a count; value within its unit (0-100 for %, 0/1 for yes/no,
 * never negative for counts and amounts). Returns LCM_OK when all rows are stored,
 * LCM_CONSTRAINT when problems were found (res lists them, nothing written), or another
 * status with err for a file that cannot be read at all. */
lcm_status lcm_import_stats(lcm_db *db, const char *path, const lcm_import_opts *opts,
                            lcm_import_result *res, lcm_err *err);

/* Reviewer ratings: city, year, indicator (a rating point), reviewer, score (0-100),
 * [comment] into ratings. Same contract as lcm_import_stats. */
lcm_status lcm_import_ratings(lcm_db *db, const char *path, const lcm_import_opts *opts,
                              lcm_import_result *res, lcm_err *err);

/* Facilities: city, unit, level (county/township/village), kind (community_education or
 * elderly_education; 社区教育, 老年教育), name, [village], [year_opened] into facilities.
 * The unit must be a county (level county) or township (township and village) of that
 * city; a village-level facility names its village. Same contract as lcm_import_stats. */
lcm_status lcm_import_facilities(lcm_db *db, const char *path, const lcm_import_opts *opts,
                                 lcm_import_result *res, lcm_err *err);

/* Honorary titles of a city (point 4.2.2): city, year (awarded), name, level (国际, 国家 or
 * 省部级; international, national, provincial), source [, note] into honours, one row per
 * city, year and name. Same contract as lcm_import_stats. */
lcm_status lcm_import_honours(lcm_db *db, const char *path, const lcm_import_opts *opts,
                              lcm_import_result *res, lcm_err *err);

#endif
