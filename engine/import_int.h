/*
 * import_int.h - the machinery shared by the importers (engine only): the run loop with
 * its transaction, header mapping, problem reports and the in-file duplicate check.
 *
 * An importer describes its columns and gives a row function; lcm__imp_run opens the
 * file, maps the header, calls the row function for each data row and commits only when
 * no problem was reported. Once a problem is found rows are still checked (so the clerk
 * sees all of them) but no longer written.
 */
#ifndef LCM_IMPORT_INT_H
#define LCM_IMPORT_INT_H

#include "csvin.h"
#include "import.h"
#include "strbuf.h"

#define LCM__IMP_MAX_COLS 32

typedef struct lcm__imp lcm__imp;

typedef struct lcm__imp_kind {
    const char *what;                        /* "stats", for messages */
    const char *cols[LCM__IMP_MAX_COLS + 1]; /* known header names, NULL-terminated */
    unsigned required;                       /* bit i: cols[i] must be present */
    int any_columns;                         /* 1: header names are free (datasets) */
    /* Check (and, while writing, store) one data row. Problems go to lcm__imp_issue;
     * return anything but LCM_OK only for failures that end the import (database). */
    lcm_status (*row)(lcm__imp *im, void *state, lcm_err *err);
    /* Called once the header is read and mapped, inside the transaction (may be NULL). */
    lcm_status (*header)(lcm__imp *im, void *state, lcm_err *err);
    /* Called after the last row when no problem was found, before the commit (may be NULL). */
    lcm_status (*done)(lcm__imp *im, void *state, lcm_err *err);
    /* 1: the rows' references are checked by the importer itself before they are written
     * (responses: the city against the reference table, roster rows right after their
     * household), so SQLite's foreign-key look-ups are off for the import's transaction. */
    int own_references;
    /* 1: a bulk import (responses), which writes through a rollback journal when no other
     * connection has the database open (import.c: its pages once, not twice). */
    int bulk;
} lcm__imp_kind;

struct lcm__imp {
    lcm_db *db;
    const lcm_import_opts *opts;
    lcm_import_result *res;
    const lcm__imp_kind *kind;
    const lcm_csv_row *row; /* the row being checked */
    const char *file;
    int slot[LCM__IMP_MAX_COLS]; /* header index of cols[i], -1 when absent */
    size_t width;                /* fields in the header */
    int writing;                 /* 0 once a problem is found */
    int skip_invalid;            /* problems reject their row only, the import goes on */
    lcm_strbuf *reasons;         /* when set, every problem is also appended here */
    sqlite3_stmt *seen;          /* temp table of keys seen in this file */
    sqlite3_stmt *seen_get;
};

/* Run an import of kind over path (see import.h for the contract); state goes to row(). */
lcm_status lcm__imp_run(lcm_db *db, const char *path, const lcm_import_opts *opts,
                        const lcm__imp_kind *kind, void *state, lcm_import_result *res,
                        lcm_err *err);
/* The same, with skip_invalid (rows with problems are left out, the rest imported) and
 * reasons (every problem message also appended, one per line). */
lcm_status lcm__imp_run_ex(lcm_db *db, const char *path, const lcm_import_opts *opts,
                           const lcm__imp_kind *kind, void *state, int skip_invalid,
                           lcm_strbuf *reasons, lcm_import_result *res, lcm_err *err);

/* Text of column slot i in the current row ("" when the column is absent). */
const char *lcm__imp_cell(const lcm__imp *im, int i);

/* Report a bad cell of column slot i: "file:line:col (name): <problem>, value 'x'". */
void lcm__imp_issue(lcm__imp *im, int i, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Report a bad cell of header column col (0-based) named name, for importers whose columns
 * are not a fixed list: "file:line:col (name): <problem>, value 'x'". */
void lcm__imp_cell_issue(lcm__imp *im, size_t col, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A problem in another file than the one imported (a roster file): "file:line: …", with
 * col (from 1; 0 = none) "file:line:col (name): …", and value ", value 'x'" when given. */
void lcm__imp_issue_in(lcm__imp *im, const char *file, long line, size_t col, const char *name,
                       const char *value, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
/* Report a problem of the whole row or file: "file:line: <problem>". */
void lcm__imp_row_issue(lcm__imp *im, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Note key as seen on the current line. Returns 0 when new, else the line where the same
 * key was first seen (a duplicate inside the file), or -1 on a database failure. */
long lcm__imp_seen(lcm__imp *im, const char *key, lcm_err *err);

/* Parsers for cells; each returns 0 and fills *out, or -1 (nothing reported). */
int lcm__imp_int(const char *s, long long lo, long long hi, long long *out);
int lcm__imp_real(const char *s, double *out);

/* Undo the CSV export's formula guard (export.h) on every cell of a data row, in place:
 * "'=SUM(A1)" reads back as "=SUM(A1)". */
void lcm__imp_unguard(const lcm_csv_row *row);

#endif
