/*
 * db.c - opening, checking and migrating an lcmon database.
 *
 * A file handed to lcmon is checked before anything is written to it: SQLite's header, a
 * size that matches the page count the header claims, a readable schema, lcmon's
 * application_id and a schema version this build knows. Only then does opening switch to
 * WAL and run the migrations, each in its own IMMEDIATE transaction, so a refused or
 * damaged file is left byte for byte as it was.
 */
#include "lcmon.h"
#include "outfile.h"
#include "schema.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Statements prepared again and again with the same text (one INSERT per imported
 * instance) are kept, so the SQL is compiled once per import, not once per row. */
#define STMT_CACHE 32

struct lcm_db {
    sqlite3 *sql;
    char *path;
    int opened_version;
    struct {
        char *text;
        sqlite3_stmt *st;
    } cache[STMT_CACHE];
    unsigned next;            /* slot to evict next (round robin) */
    struct lcm_db_memo *memo; /* look-ups remembered while an import runs, or NULL */
    struct lcm_db *next_open; /* the list lcm__db_owns_file walks */
    long waited_ms;           /* busy_wait: this wait so far, and whether it was said */
    int told;
};

/* Databases open in this process, so that no output file is written over one of them
 * (outfile.h). lcmon has one thread. */
static struct lcm_db *open_dbs;

static void track(struct lcm_db *db, int on) {
    struct lcm_db **p = &open_dbs;
    while (*p && *p != db)
        p = &(*p)->next_open;
    if (on && !*p)
        db->next_open = NULL, *p = db;
    else if (!on && *p)
        *p = db->next_open;
}

static int same_file(const struct stat *a, const char *path, const char *suffix) {
    char name[4096];
    struct stat b;
    int n = snprintf(name, sizeof name, "%s%s", path, suffix);
    return n > 0 && (size_t)n < sizeof name && stat(name, &b) == 0 && a->st_dev == b.st_dev &&
           a->st_ino == b.st_ino;
}

int lcm__db_owns_file(const char *path) {
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
    struct stat st;
    if (stat(path, &st) != 0)
        return 0;
    for (struct lcm_db *db = open_dbs; db; db = db->next_open) {
        const char *main = sqlite3_db_filename(db->sql, "main");
        for (int i = 0; main && *main && i < 4; i++)
            if (same_file(&st, main, suffix[i]))
                return 1;
    }
    return 0;
}

/* Another lcmon writing (an import holds the write lock for its whole file) makes this one
 * wait, not fail: SQLite calls this while the lock is taken, count 0 at the start of each
 * wait. After a moment the wait is said once (lcm_db_set_wait_notice); it ends when the lock is
 * free, or after LCM_DB_WAIT_MS (longer than any import) with SQLite's "database is locked". */
#define LCM_DB_WAIT_MS (6L * 3600 * 1000)
#define LCM_DB_WAIT_SAY_MS 200
static void (*wait_notice)(const char *path);

void lcm_db_set_wait_notice(void (*fn)(const char *path)) {
    wait_notice = fn;
}

static int busy_wait(void *p, int count) {
    static const int steps[] = {1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50};
    lcm_db *db = p;
    int ms = count < (int)(sizeof steps / sizeof steps[0]) ? steps[count] : 100;
    if (count == 0)
        db->waited_ms = 0, db->told = 0;
    if (db->waited_ms >= LCM_DB_WAIT_MS)
        return 0;
    if (!db->told && db->waited_ms >= LCM_DB_WAIT_SAY_MS) {
        if (wait_notice)
            wait_notice(db->path);
        db->told = 1;
    }
    sqlite3_sleep(ms);
    db->waited_ms += ms;
    return 1;
}

/* Remembered look-ups: direct-mapped, a slot per hash of (kind, key); short texts only. */
#define MEMO_SLOTS 1024
#define MEMO_TEXT 24
struct lcm_db_memo {
    struct {
        int kind, found, used;
        char key[MEMO_TEXT], val[MEMO_TEXT];
    } slot[MEMO_SLOTS];
};

static unsigned memo_hash(int kind, const char *key) {
    uint32_t h = 2166136261u ^ (uint32_t)kind;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h % MEMO_SLOTS;
}

lcm_status lcm_db_memo_start(lcm_db *db, lcm_err *err) {
    free(db->memo);
    if (!(db->memo = calloc(1, sizeof *db->memo)))
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    return LCM_OK;
}

void lcm_db_memo_stop(lcm_db *db) {
    free(db->memo);
    db->memo = NULL;
}

int lcm_db_memo_get(lcm_db *db, int kind, const char *key, const char **val, int *found) {
    if (!db->memo || strlen(key) >= MEMO_TEXT)
        return 0;
    unsigned h = memo_hash(kind, key);
    if (!db->memo->slot[h].used || db->memo->slot[h].kind != kind ||
        strcmp(db->memo->slot[h].key, key) != 0)
        return 0;
    *found = db->memo->slot[h].found;
    *val = db->memo->slot[h].val[0] ? db->memo->slot[h].val : NULL;
    return 1;
}

void lcm_db_memo_put(lcm_db *db, int kind, const char *key, const char *val, int found) {
    if (!db->memo || strlen(key) >= MEMO_TEXT || (val && strlen(val) >= MEMO_TEXT))
        return;
    unsigned h = memo_hash(kind, key);
    db->memo->slot[h].used = 1, db->memo->slot[h].kind = kind, db->memo->slot[h].found = found;
    snprintf(db->memo->slot[h].key, MEMO_TEXT, "%s", key);
    snprintf(db->memo->slot[h].val, MEMO_TEXT, "%s", val ? val : "");
}

lcm_status lcm_db_fail(lcm_db *db, lcm_err *err, const char *doing) {
    return lcm_err_set(err, LCM_DB, "%s: %s", doing, sqlite3_errmsg(db->sql));
}

lcm_status lcm_db_exec(lcm_db *db, const char *sql, lcm_err *err) {
    char *msg = NULL;
    if (sqlite3_exec(db->sql, sql, NULL, NULL, &msg) != SQLITE_OK) {
        lcm_status st = lcm_err_set(err, LCM_DB, "database '%s': %s", db->path,
                                    msg ? msg : sqlite3_errmsg(db->sql));
        sqlite3_free(msg);
        return st;
    }
    return LCM_OK;
}

lcm_status lcm_db_prepare(lcm_db *db, const char *sql, sqlite3_stmt **out, lcm_err *err) {
    if (sqlite3_prepare_v2(db->sql, sql, -1, out, NULL) != SQLITE_OK)
        return lcm_err_set(err, LCM_DB, "database '%s': %s", db->path, sqlite3_errmsg(db->sql));
    return LCM_OK;
}

static lcm_status prepare_cached(lcm_db *db, const char *sql, int clear, sqlite3_stmt **out,
                                 lcm_err *err) {
    for (int i = 0; i < STMT_CACHE; i++)
        if (db->cache[i].text && strcmp(db->cache[i].text, sql) == 0) {
            sqlite3_reset(db->cache[i].st);
            if (clear)
                sqlite3_clear_bindings(db->cache[i].st);
            *out = db->cache[i].st;
            return LCM_OK;
        }
    lcm_status rc = lcm_db_prepare(db, sql, out, err);
    if (rc != LCM_OK)
        return rc;
    char *text = strdup(sql);
    if (!text) {
        sqlite3_finalize(*out);
        *out = NULL;
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    }
    unsigned k = db->next++ % STMT_CACHE;
    sqlite3_finalize(db->cache[k].st);
    free(db->cache[k].text);
    db->cache[k].text = text, db->cache[k].st = *out;
    return LCM_OK;
}

lcm_status lcm_db_prepare_cached(lcm_db *db, const char *sql, sqlite3_stmt **out, lcm_err *err) {
    return prepare_cached(db, sql, 1, out, err);
}

lcm_status lcm_db_prepare_rebind(lcm_db *db, const char *sql, sqlite3_stmt **out, lcm_err *err) {
    return prepare_cached(db, sql, 0, out, err);
}

void lcm_db_bind_real_or_null(sqlite3_stmt *st, int at, double x) {
    if (isnan(x))
        sqlite3_bind_null(st, at);
    else
        sqlite3_bind_double(st, at, x);
}

lcm_status lcm_db_run_cached(lcm_db *db, const char *sql, lcm_err *err) {
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare_cached(db, sql, &st, err);
    if (rc != LCM_OK)
        return rc;
    int step = sqlite3_step(st);
    if (step != SQLITE_DONE && step != SQLITE_ROW)
        rc = lcm_err_set(err, LCM_DB, "database '%s': %s", db->path, sqlite3_errmsg(db->sql));
    sqlite3_reset(st);
    return rc;
}

lcm_status lcm_db_begin(lcm_db *db, lcm_err *err) {
    return lcm_db_exec(db, "BEGIN IMMEDIATE", err);
}

lcm_status lcm_db_commit(lcm_db *db, lcm_err *err) {
    return lcm_db_exec(db, "COMMIT", err);
}

void lcm_db_rollback(lcm_db *db) {
    if (db && !sqlite3_get_autocommit(db->sql))
        sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
}

sqlite3 *lcm_db_sqlite(lcm_db *db) {
    return db->sql;
}

const char *lcm_db_path(const lcm_db *db) {
    return db->path;
}

int lcm_db_opened_version(const lcm_db *db) {
    return db->opened_version;
}

static uint32_t be32(const unsigned char *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Look at the raw file before SQLite touches it: is it an SQLite database, and whole? */
static lcm_status check_file(const char *path, int flags, int *exists, lcm_err *err) {
    struct stat st;
    *exists = 0;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT && (flags & LCM_OPEN_CREATE))
            return LCM_OK;
        if (errno == ENOENT)
            return lcm_err_set(err, LCM_NOTFOUND,
                               "no database at '%s' (create one with "
                               "'lcmon init %s')",
                               path, path);
        return lcm_err_set(err, LCM_IO, "cannot open '%s': %s", path, strerror(errno));
    }
    if (!S_ISREG(st.st_mode))
        return lcm_err_set(err, LCM_NOTDB, "not a regular file: '%s'", path);
    *exists = 1;
    if (st.st_size == 0)
        return LCM_OK; /* an empty file is a new database, as SQLite sees it */
    /* Already open in this process (a server's second connection): it was checked then, and
     * closing a descriptor of the file would drop every POSIX lock the process holds on it,
     * the SHARED lock of its open connections among them, so another process closing the
     * database would think itself the last and delete the WAL under them. */
    if (lcm__db_owns_file(path))
        return LCM_OK;
    unsigned char h[100];
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return lcm_err_set(err, LCM_IO, "cannot open '%s': %s", path, strerror(errno));
    size_t got = fread(h, 1, sizeof h, fp);
    fclose(fp);
    if (got < sizeof h || memcmp(h, "SQLite format 3", 16) != 0)
        return lcm_err_set(err, LCM_NOTDB, "not an SQLite database: '%s'", path);
    uint32_t page = (uint32_t)h[16] << 8 | h[17];
    if (page == 1)
        page = 65536;
    if (page < 512 || (page & (page - 1)) != 0)
        return lcm_err_set(err, LCM_NOTDB, "damaged SQLite header (page size %u): '%s'", page,
                           path);
    uint32_t pages = be32(h + 28);
    int pages_valid = pages != 0 && be32(h + 24) == be32(h + 92);
    if ((uint64_t)st.st_size % page != 0 ||
        (pages_valid && (uint64_t)st.st_size < (uint64_t)pages * page))
        return lcm_err_set(
            err, LCM_NOTDB, "truncated database: '%s' has %lld bytes, its header needs %llu", path,
            (long long)st.st_size,
            (unsigned long long)(pages_valid ? (uint64_t)pages * page
                                             : (uint64_t)st.st_size / page * page + page));
    return LCM_OK;
}

static lcm_status pragma_int(lcm_db *db, const char *sql, int *out, lcm_err *err) {
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db, sql, &st, err);
    if (rc != LCM_OK)
        goto cleanup;
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        *out = sqlite3_column_int(st, 0);
    else
        rc = lcm_err_set(err, step == SQLITE_NOTADB || step == SQLITE_CORRUPT ? LCM_NOTDB : LCM_DB,
                         "cannot read database '%s': %s", db->path, sqlite3_errmsg(db->sql));
cleanup:
    sqlite3_finalize(st);
    return rc;
}

/* Read-only checks on an opened connection: readable, ours, not from the future. */
static lcm_status check_schema(lcm_db *db, lcm_err *err) {
    int app = 0, version = 0, objects = 0;
    lcm_status rc;
    if ((rc = pragma_int(db, "SELECT count(*) FROM sqlite_schema", &objects, err)) != LCM_OK ||
        (rc = pragma_int(db, "PRAGMA application_id", &app, err)) != LCM_OK ||
        (rc = pragma_int(db, "PRAGMA user_version", &version, err)) != LCM_OK)
        return rc;
    if ((uint32_t)app != LCM_APPLICATION_ID && (objects > 0 || version != 0))
        return lcm_err_set(err, LCM_NOTDB, "not an lcmon database: '%s'", db->path);
    if (version > LCM_SCHEMA_VERSION)
        return lcm_err_set(err, LCM_TOONEW,
                           "database '%s' has schema version %d, this lcmon knows up to %d: "
                           "use a newer lcmon",
                           db->path, version, LCM_SCHEMA_VERSION);
    db->opened_version = version;
    return LCM_OK;
}

/* Apply migrations up to target, each step in its own transaction. The version is
 * re-read inside the transaction so two processes opening one old file at once do not
 * both migrate it. */
lcm_status lcm__db_migrate(lcm_db *db, int target, lcm_err *err) {
    int now = 0; /* up to date: no write lock taken (a reader must not wait for an import) */
    if (pragma_int(db, "PRAGMA user_version", &now, NULL) == LCM_OK && now >= target)
        return LCM_OK;
    for (;;) {
        lcm_status rc = lcm_db_begin(db, err);
        if (rc != LCM_OK)
            return rc;
        int version = 0;
        if ((rc = pragma_int(db, "PRAGMA user_version", &version, err)) != LCM_OK)
            goto fail;
        if (version >= target) {
            lcm_db_rollback(db);
            return LCM_OK;
        }
        const char *sql = lcm__schema_migration(version + 1);
        char pragmas[128];
        snprintf(pragmas, sizeof pragmas, "PRAGMA user_version = %d; PRAGMA application_id = %d;",
                 version + 1, (int)LCM_APPLICATION_ID);
        if (!sql) {
            rc = lcm_err_set(err, LCM_INTERNAL, "no migration to schema version %d", version + 1);
            goto fail;
        }
        if ((rc = lcm_db_exec(db, sql, err)) != LCM_OK ||
            (rc = lcm_db_exec(db, pragmas, err)) != LCM_OK ||
            (rc = lcm_db_commit(db, err)) != LCM_OK)
            goto fail;
        continue;
    fail:
        lcm_db_rollback(db);
        return rc;
    }
}

/* lcm_db_open with the schema version to migrate to (tests open at older versions). */
lcm_status lcm__db_open_at(const char *path, int flags, int target, lcm_db **out, lcm_err *err) {
    lcm_db *db = NULL;
    int exists = 0;
    lcm_status rc;
    *out = NULL;
    if ((rc = check_file(path, flags, &exists, err)) != LCM_OK)
        return rc;
    db = calloc(1, sizeof *db);
    if (!db || !(db->path = strdup(path))) {
        rc = lcm_err_set(err, LCM_NOMEM, "out of memory opening '%s'", path);
        goto cleanup;
    }
    /* NOMUTEX: a connection is used by one thread only (lcmon has no others), so SQLite
     * need not take a mutex on every call, a few percent of an import. */
    /* A new database holds personal data (interviewers, household numbers, contacts):
     * create it 0600 before SQLite opens it; SQLite gives its -wal, -shm and -journal
     * the database file's mode. */
    if (!exists && (flags & LCM_OPEN_CREATE) && !(flags & LCM_OPEN_READONLY) &&
        strcmp(path, ":memory:") != 0 && strncmp(path, "file:", 5) != 0) {
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0 && errno != EEXIST) {
            rc = lcm_err_set(err, LCM_IO, "cannot create database '%s': %s", path, strerror(errno));
            goto cleanup;
        }
        if (fd >= 0)
            close(fd);
    }
    int oflags = SQLITE_OPEN_NOMUTEX |
                 ((flags & LCM_OPEN_READONLY) ? SQLITE_OPEN_READONLY
                                              : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (sqlite3_open_v2(path, &db->sql, oflags, NULL) != SQLITE_OK) {
        rc = lcm_err_set(err, LCM_DB, "cannot open database '%s': %s", path,
                         db->sql ? sqlite3_errmsg(db->sql) : "out of memory");
        goto cleanup;
    }
    track(db, 1);
    sqlite3_extended_result_codes(db->sql, 1);
    sqlite3_busy_handler(db->sql, busy_wait, db);
    if ((rc = check_schema(db, err)) != LCM_OK)
        goto cleanup;
    if ((rc = lcm_db_exec(db, "PRAGMA foreign_keys = ON", err)) != LCM_OK)
        goto cleanup;
    if (!(flags & LCM_OPEN_READONLY)) {
        if ((rc = lcm_db_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL", err)) !=
                LCM_OK ||
            (rc = lcm__db_migrate(db, target, err)) != LCM_OK)
            goto cleanup;
    } else if (db->opened_version < target) {
        /* Opening an older database migrates it, whatever the command means to do with it:
         * migrate through a writable connection, then open read-only again. */
        lcm_db *rw = NULL;
        int version = db->opened_version;
        lcm_db_close(db);
        db = NULL;
        if ((rc = lcm__db_open_at(path, flags & ~LCM_OPEN_READONLY, target, &rw, err)) != LCM_OK)
            return rc;
        lcm_db_close(rw);
        if ((rc = lcm__db_open_at(path, flags, target, &db, err)) == LCM_OK)
            db->opened_version = version;
        *out = db;
        return rc;
    }
    *out = db;
    return LCM_OK;
cleanup:
    lcm_db_close(db);
    return rc;
}

lcm_status lcm_db_open(const char *path, int flags, lcm_db **out, lcm_err *err) {
    return lcm__db_open_at(path, flags, LCM_SCHEMA_VERSION, out, err);
}

void lcm_db_close(lcm_db *db) {
    if (!db)
        return;
    for (int i = 0; i < STMT_CACHE; i++) {
        sqlite3_finalize(db->cache[i].st);
        free(db->cache[i].text);
    }
    track(db, 0);
    sqlite3_close(db->sql);
    free(db->memo);
    free(db->path);
    free(db);
}
