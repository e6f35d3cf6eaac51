/*
 * lcmon.h - the public C API of the lcmon store.
 *
 * An lcm_db is an open lcmon database (SQLite): schema migrated to the current version,
 * WAL, foreign keys on, busy timeout set. Handles are opaque; destructors accept NULL.
 * Functions return an lcm_status and fill an optional lcm_err with the detail.
 */
#ifndef LCMON_H
#define LCMON_H

#include "error.h"
#include "status.h"

#include <sqlite3.h>

typedef struct lcm_db lcm_db;

/* The schema version this build writes (PRAGMA user_version). */
#define LCM_SCHEMA_VERSION 16
/* PRAGMA application_id of lcmon databases ("LCMN"). */
#define LCM_APPLICATION_ID 0x4C434D4E

enum lcm_open_flags {
    LCM_OPEN_CREATE = 1 << 0,   /* create the file when missing (lcmon init) */
    LCM_OPEN_READONLY = 1 << 1, /* never write: no migration, no WAL switch */
};

/* Open (and, with LCM_OPEN_CREATE, create) the database at path, migrating an older
 * schema in ordered steps. A file that is not an lcmon/SQLite database, is truncated, or
 * was written by a newer lcmon is refused before anything is written to it.
 * On success *out is the caller's, to close with lcm_db_close. */
lcm_status lcm_db_open(const char *path, int flags, lcm_db **out, lcm_err *err);

/* Close the database; NULL is accepted. */
void lcm_db_close(lcm_db *db);

/* A writer waiting for another (an import holds the write lock for its whole file) waits
 * as long as an import can take; after a moment, fn (when set) is called once per wait
 * with the database's path, so the program can say why it waits. The library itself
 * prints nothing. One hook per process (lcmon has one thread); NULL removes it. */
void lcm_db_set_wait_notice(void (*fn)(const char *path));

/* The underlying SQLite connection, borrowed (for engine modules). */
sqlite3 *lcm_db_sqlite(lcm_db *db);

/* The path the database was opened with, borrowed. */
const char *lcm_db_path(const lcm_db *db);

/* Schema version found in the file before opening migrated it (0 for a new file). */
int lcm_db_opened_version(const lcm_db *db);

/* Transactions: BEGIN IMMEDIATE / COMMIT / ROLLBACK. Rollback is safe to call when no
 * transaction is open. */
lcm_status lcm_db_begin(lcm_db *db, lcm_err *err);
lcm_status lcm_db_commit(lcm_db *db, lcm_err *err);
void lcm_db_rollback(lcm_db *db);

/* Run SQL with no parameters and no result rows (DDL, pragmas). */
lcm_status lcm_db_exec(lcm_db *db, const char *sql, lcm_err *err);

/* Prepare a statement; the caller finalizes it. */
lcm_status lcm_db_prepare(lcm_db *db, const char *sql, sqlite3_stmt **out, lcm_err *err);

/* The same, from a cache of recently prepared statements kept by db: the statement comes
 * reset with no bindings and stays db's (never finalize it; sqlite3_reset it when done,
 * so it holds no read lock). For SQL run once per row of an import. */
lcm_status lcm_db_prepare_cached(lcm_db *db, const char *sql, sqlite3_stmt **out, lcm_err *err);
/* The same for a caller that binds every parameter each time (an INSERT per imported
 * row): the previous bindings are left for it to replace, not cleared first. */
lcm_status lcm_db_prepare_rebind(lcm_db *db, const char *sql, sqlite3_stmt **out, lcm_err *err);
/* Run one statement with no parameters and no result rows through that cache (SAVEPOINT,
 * RELEASE: run once per instance, where lcm_db_exec would compile them every time). */
lcm_status lcm_db_run_cached(lcm_db *db, const char *sql, lcm_err *err);

/* Bind x as parameter at of st, NaN as NULL. */
void lcm_db_bind_real_or_null(sqlite3_stmt *st, int at, double x);

/* A memo of look-ups whose answers cannot change while it is on: an import turns it on
 * for its transaction (reference codes: it writes no reference data) and off at the end.
 * get returns 1 and the remembered answer (*val NULL when there was none, *found 0 when
 * the key was not there) or 0 when the memo is off or does not know; put remembers. Keys
 * and values of 24 bytes or more are not remembered. */
lcm_status lcm_db_memo_start(lcm_db *db, lcm_err *err);
void lcm_db_memo_stop(lcm_db *db);
int lcm_db_memo_get(lcm_db *db, int kind, const char *key, const char **val, int *found);
void lcm_db_memo_put(lcm_db *db, int kind, const char *key, const char *val, int found);

/* Fill err from the connection's last SQLite error, prefixed with what was being done. */
lcm_status lcm_db_fail(lcm_db *db, lcm_err *err, const char *doing);

/* Load the shipped reference data (provinces, cities, county/township units with their
 * village counts) and the indicator framework from datadir, replacing earlier copies in
 * one transaction. Idempotent. */
typedef struct lcm_load_counts {
    long provinces, cities, counties, townships, villages, indicators, points;
} lcm_load_counts;
lcm_status lcm_reference_load(lcm_db *db, const char *datadir, lcm_load_counts *counts,
                              lcm_err *err);

/* Load only the indicator framework (surveys/framework.csv) from datadir; idempotent. */
lcm_status lcm_framework_load(lcm_db *db, const char *datadir, lcm_err *err);

/* Directory of the shipped data files (surveys/): $LCMON_DATADIR, else for the programs of
 * the build directory the source tree's surveys/, else the installed PREFIX/share/lcmon of
 * PREFIX/bin/lcmon. Borrowed string. */
const char *lcm_datadir(void);

/* The ministry's guide as shipped (DATADIR/seed/learning-city-guide.txt), whole and
 * NUL-terminated in *out (malloc'd; the caller frees it): the text every quote of the guide
 * in the shipped data files (rubric.csv, seed_measures.csv) must be found in verbatim. */
lcm_status lcm_seed_text(char **out, lcm_err *err);

#endif
