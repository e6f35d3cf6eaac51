/*
 * import.c - the run loop shared by every importer: input, transaction, header mapping,
 * problem reports and the in-file duplicate check.
 *
 * Keys seen in the file go to a TEMP table rather than a hash in memory, so a file of any
 * size is checked for duplicates with memory bounded by SQLite's page cache (the temp
 * store spills to disk). The responses importer asks it only for rows it does not write
 * (import_resp.c): the rows it writes are found through the response table itself. The write
 * transaction is opened before the first row (BEGIN IMMEDIATE), so concurrent importers queue on
 * the busy handler (db.c) instead of failing half way, and a killed import leaves the database as
 * it was.
 *
 * A bulk import (responses) into a database no other connection has open runs with a rollback
 * journal instead of the WAL: in WAL mode every page is written twice, to the WAL and again by
 * the checkpoint at commit (a fifth of the CPU time of an import of 1M households, most of it
 * the kernel's copies); with a rollback journal, pages new to the file are written once and
 * only the few pages the file had before are copied to the journal. The transaction stays one:
 * a killed import leaves a hot journal that SQLite rolls back at the next open, and
 * synchronous = FULL makes the journal durable before the file is written over. SQLite refuses
 * to leave WAL mode while another connection has the database open, and then the import runs in
 * WAL mode as before. Processes that open the database during the import wait for its end (the
 * busy handler says so) instead of reading the state before it. The WAL comes back at the end.
 */
#include "export.h"
#include "import_int.h"
#include "strbuf.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PROGRESS_EVERY 8192 /* rows between progress calls */
#define SHOW_CHARS 60       /* characters of a bad value shown in a message */

void lcm_import_result_free(lcm_import_result *res) {
    if (!res)
        return;
    for (size_t i = 0; i < res->nmsgs; i++)
        free(res->msgs[i]);
    free(res->msgs);
    res->msgs = NULL;
    res->nmsgs = 0;
}

const char *lcm__imp_cell(const lcm__imp *im, int i) {
    int at = im->slot[i];
    return at >= 0 && (size_t)at < im->row->n ? im->row->field[at] : "";
}

/* Keep a message when under the cap; count it always. Takes sb's memory. */
static void keep(lcm__imp *im, lcm_strbuf *sb) {
    lcm_import_result *res = im->res;
    size_t cap = im->opts->max_issues > 0 ? (size_t)im->opts->max_issues : LCM_IMPORT_MAX_ISSUES;
    res->issues++;
    if (!im->skip_invalid)
        im->writing = 0;
    if (im->reasons)
        lcm_strbuf_addf(im->reasons, "%s%s", im->reasons->len ? "\n" : "", sb->buf);
    char **m = res->nmsgs < cap ? realloc(res->msgs, (res->nmsgs + 1) * sizeof *m) : NULL;
    char *text = m ? lcm_strbuf_detach(sb) : NULL;
    if (m)
        res->msgs = m;
    if (text)
        res->msgs[res->nmsgs++] = text;
    lcm_strbuf_release(sb);
}

/* A value as shown in a message: one line, at most SHOW_CHARS characters. */
static void show_value(lcm_strbuf *sb, const char *s) {
    int chars = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p & 0xC0) != 0x80 && chars++ == SHOW_CHARS) {
            lcm_strbuf_adds(sb, "…");
            return;
        }
        if (*p < 0x20)
            lcm_strbuf_addf(sb, "\\x%02X", *p);
        else
            lcm_strbuf_addc(sb, (char)*p);
    }
}

void lcm__imp_issue(lcm__imp *im, int i, const char *fmt, ...) {
    lcm_strbuf sb = LCM_STRBUF_INIT;
    va_list ap;
    lcm_strbuf_addf(&sb, "%s:%ld:%d (%s): ", im->file, im->row->line, im->slot[i] + 1,
                    im->kind->cols[i]);
    va_start(ap, fmt);
    lcm_strbuf_vaddf(&sb, fmt, ap);
    va_end(ap);
    lcm_strbuf_adds(&sb, ", value '");
    show_value(&sb, lcm__imp_cell(im, i));
    lcm_strbuf_addc(&sb, '\'');
    keep(im, &sb);
}

/* The one formatter of problems: "file:line: …", with col (from 1; 0 = none)
 * "file:line:col: …" or "file:line:col (name): …", and ", value 'x'" when value is given. */
static void vissue_in(lcm__imp *im, const char *file, long line, size_t col, const char *name,
                      const char *value, const char *fmt, va_list ap)
    __attribute__((format(printf, 7, 0)));
static void vissue_in(lcm__imp *im, const char *file, long line, size_t col, const char *name,
                      const char *value, const char *fmt, va_list ap) {
    lcm_strbuf sb = LCM_STRBUF_INIT;
    lcm_strbuf_addf(&sb, "%s:%ld:", file, line);
    if (col && name)
        lcm_strbuf_addf(&sb, "%zu (%s):", col, name);
    else if (col)
        lcm_strbuf_addf(&sb, "%zu:", col);
    lcm_strbuf_addc(&sb, ' ');
    lcm_strbuf_vaddf(&sb, fmt, ap);
    if (value) {
        lcm_strbuf_adds(&sb, ", value '");
        show_value(&sb, value);
        lcm_strbuf_addc(&sb, '\'');
    }
    keep(im, &sb);
}

static void vissue(lcm__imp *im, long line, size_t col, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));
static void vissue(lcm__imp *im, long line, size_t col, const char *fmt, va_list ap) {
    vissue_in(im, im->file, line, col, NULL, NULL, fmt, ap);
}

void lcm__imp_cell_issue(lcm__imp *im, size_t col, const char *name, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vissue_in(im, im->file, im->row->line, col + 1, name,
              col < im->row->n ? im->row->field[col] : "", fmt, ap);
    va_end(ap);
}

void lcm__imp_issue_in(lcm__imp *im, const char *file, long line, size_t col, const char *name,
                       const char *value, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vissue_in(im, file, line, col, name, value, fmt, ap);
    va_end(ap);
}

void lcm__imp_row_issue(lcm__imp *im, long line, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vissue(im, line, 0, fmt, ap);
    va_end(ap);
}

/* A problem of one header cell: "file:1:col: ...". */
static void header_issue(lcm__imp *im, size_t col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void header_issue(lcm__imp *im, size_t col, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vissue(im, im->row->line, col, fmt, ap);
    va_end(ap);
}

long lcm__imp_seen(lcm__imp *im, const char *key, lcm_err *err) {
    sqlite3_reset(im->seen);
    sqlite3_bind_text(im->seen, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(im->seen, 2, im->row->line);
    if (sqlite3_step(im->seen) != SQLITE_DONE)
        return lcm_db_fail(im->db, err, "cannot check duplicates"), -1;
    if (sqlite3_changes(lcm_db_sqlite(im->db)) > 0)
        return 0;
    sqlite3_reset(im->seen_get);
    sqlite3_bind_text(im->seen_get, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(im->seen_get) != SQLITE_ROW)
        return lcm_db_fail(im->db, err, "cannot check duplicates"), -1;
    return (long)sqlite3_column_int64(im->seen_get, 0);
}

static const char *trim(const char *s, char *buf, size_t cap) {
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n == 0 || n >= cap)
        return NULL;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return buf;
}

int lcm__imp_int(const char *s, long long lo, long long hi, long long *out) {
    char buf[64], *end;
    const char *t = trim(s, buf, sizeof buf);
    if (!t || !(isdigit((unsigned char)t[0]) || ((t[0] == '-' || t[0] == '+') && t[1])))
        return -1;
    errno = 0;
    long long v = strtoll(t, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int lcm__imp_real(const char *s, double *out) {
    char buf[64], *end;
    const char *t = trim(s, buf, sizeof buf);
    /* Only plain decimal notation: strtod would also take "nan", "inf" and hex floats. */
    if (!t || strspn(t, "0123456789+-.eE") != strlen(t) || !strpbrk(t, "0123456789"))
        return -1;
    errno = 0;
    double v = strtod(t, &end);
    if (errno || *end || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

/* ---- header ---- */

static int col_index(const lcm__imp_kind *k, const char *name) {
    for (int i = 0; k->cols[i]; i++)
        if (strcasecmp(k->cols[i], name) == 0)
            return i;
    return -1;
}

static void known_columns(const lcm__imp_kind *k, lcm_strbuf *sb) {
    for (int i = 0; k->cols[i]; i++)
        lcm_strbuf_addf(sb, "%s%s", i ? ", " : "", k->cols[i]);
}

/* The header names the columns: each must be known, given once; required ones present. */
static void map_header(lcm__imp *im) {
    const lcm_csv_row *h = im->row;
    const lcm__imp_kind *k = im->kind;
    char buf[256];
    im->width = h->n;
    if (k->any_columns)
        return;
    const char *sep = h->n == 1 ? strpbrk(h->field[0], ";\t|") : NULL;
    if (sep) {
        header_issue(im, 1,
                     "the header is one column '%s': is the file separated by '%s'? (use "
                     "--delimiter)",
                     h->field[0], *sep == '\t' ? "\\t" : (char[]){*sep, 0});
        return;
    }
    for (size_t j = 0; j < h->n; j++) {
        const char *name = trim(h->field[j], buf, sizeof buf);
        int c = name ? col_index(k, name) : -1;
        lcm_strbuf known = LCM_STRBUF_INIT;
        known_columns(k, &known);
        if (c < 0)
            header_issue(im, j + 1, "unknown column '%s' (known: %s)", h->field[j], known.buf);
        else if (im->slot[c] >= 0)
            header_issue(im, j + 1, "column '%s' given twice (also column %d)", k->cols[c],
                         im->slot[c] + 1);
        else
            im->slot[c] = (int)j;
        lcm_strbuf_release(&known);
    }
    for (int i = 0; k->cols[i]; i++)
        if ((k->required >> i & 1u) && im->slot[i] < 0)
            lcm__imp_row_issue(im, h->line, "missing column '%s'", k->cols[i]);
}

/* ---- the run ---- */

typedef struct run_ctx {
    lcm__imp *im;
    void *state;
    lcm_input *in;
    int saw_header, header_bad;
} run_ctx;

void lcm__imp_unguard(const lcm_csv_row *row) {
    for (size_t j = 0; j < row->n; j++)
        if (row->field[j][0] == '\'')
            row->len[j] = lcm_csv_cell_unguard(row->field[j], row->len[j]);
}

static lcm_status on_row(void *ud, const lcm_csv_row *row, lcm_err *err) {
    run_ctx *c = ud;
    lcm__imp *im = c->im;
    im->row = row;
    if (row->index > 0 && !im->opts->as_written)
        lcm__imp_unguard(row); /* lcmon's own CSV export reads back as it was stored */
    if (row->index == 0) {
        long before = im->res->issues;
        c->saw_header = 1;
        map_header(im);
        lcm_status st = LCM_OK;
        if (im->res->issues == before && im->kind->header)
            st = im->kind->header(im, c->state, err);
        c->header_bad = im->res->issues > before;
        return c->header_bad ? LCM_CONSTRAINT : st; /* rows cannot be read without it */
    }
    im->res->rows++;
    lcm_status st = LCM_OK;
    if (row->n != im->width)
        lcm__imp_row_issue(im, row->line, "%zu fields, the header has %zu%s", row->n, im->width,
                           row->n > im->width ? " (an unquoted comma?)" : "");
    else
        st = im->kind->row(im, c->state, err);
    if (im->opts->progress && im->res->rows % PROGRESS_EVERY == 0) {
        long long done, total;
        lcm_input_progress(c->in, &done, &total);
        im->opts->progress(im->opts->progress_ud, done, total);
    }
    return st;
}

/* PRAGMA foreign_keys of the connection (1 on, 0 off, -1 unknown). */
static int foreign_keys(lcm_db *db) {
    sqlite3_stmt *st = NULL;
    int on = -1;
    if (lcm_db_prepare(db, "PRAGMA foreign_keys", &st, NULL) == LCM_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        on = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return on;
}

/* The journal mode of the connection ("wal", "delete", ...) into mode; "" when unknown. */
static void journal_mode(lcm_db *db, const char *sql, char *mode, size_t cap) {
    sqlite3_stmt *st = NULL;
    mode[0] = '\0';
    if (lcm_db_prepare(db, sql, &st, NULL) == LCM_OK && sqlite3_step(st) == SQLITE_ROW &&
        sqlite3_column_text(st, 0))
        snprintf(mode, cap, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
}

/* A bulk import's rollback journal (see the top): 1 when the connection left WAL mode. */
static int rollback_journal(lcm_db *db) {
    char mode[16];
    journal_mode(db, "PRAGMA journal_mode", mode, sizeof mode);
    if (strcmp(mode, "wal") != 0)
        return 0;
    journal_mode(db, "PRAGMA journal_mode = DELETE", mode, sizeof mode); /* busy: stays WAL */
    if (strcmp(mode, "delete") != 0)
        return 0;
    if (lcm_db_exec(db, "PRAGMA synchronous = FULL", NULL) != LCM_OK) {
        journal_mode(db, "PRAGMA journal_mode = WAL", mode, sizeof mode);
        return 0;
    }
    return 1;
}

/* Back to WAL mode after the transaction. Should another process hold the database at that
 * moment, the busy handler waits for it; if that fails, the next lcmon to open the database
 * sets WAL mode (db.c). */
static void back_to_wal(lcm_db *db) {
    char mode[16];
    journal_mode(db, "PRAGMA journal_mode = WAL", mode, sizeof mode);
    lcm_db_exec(db, "PRAGMA synchronous = NORMAL", NULL);
}

static lcm_status seen_prepare(lcm__imp *im, lcm_err *err) {
    lcm_status st;
    if ((st = lcm_db_exec(im->db,
                          "CREATE TEMP TABLE IF NOT EXISTS lcm_import_seen ("
                          " key TEXT PRIMARY KEY, line INTEGER NOT NULL) WITHOUT ROWID;"
                          "DELETE FROM temp.lcm_import_seen",
                          err)) != LCM_OK ||
        (st = lcm_db_prepare(im->db,
                             "INSERT INTO temp.lcm_import_seen(key, line) VALUES (?1, ?2)"
                             " ON CONFLICT(key) DO NOTHING",
                             &im->seen, err)) != LCM_OK)
        return st;
    return lcm_db_prepare(im->db, "SELECT line FROM temp.lcm_import_seen WHERE key = ?1",
                          &im->seen_get, err);
}

static lcm_status finish(lcm__imp *im, run_ctx *c, lcm_status st, lcm_err *err) {
    if (st == LCM_CONSTRAINT && c->header_bad) /* the header's problems are in res */
        return lcm_err_set(err, LCM_CONSTRAINT, "%ld problem%s in '%s', nothing imported",
                           im->res->issues, im->res->issues == 1 ? "" : "s", im->file);
    if (st == LCM_OK && !c->saw_header)
        st = lcm_err_set(err, LCM_PARSE, "empty file, no header row: '%s'", im->file);
    if (st == LCM_OK && im->res->issues > 0 && !im->skip_invalid)
        st = lcm_err_set(err, LCM_CONSTRAINT, "%ld problem%s in '%s', nothing imported",
                         im->res->issues, im->res->issues == 1 ? "" : "s", im->file);
    if (st == LCM_OK && im->kind->done)
        st = im->kind->done(im, c->state, err);
    return st;
}

lcm_status lcm__imp_run(lcm_db *db, const char *path, const lcm_import_opts *opts,
                        const lcm__imp_kind *kind, void *state, lcm_import_result *res,
                        lcm_err *err) {
    return lcm__imp_run_ex(db, path, opts, kind, state, 0, NULL, res, err);
}

lcm_status lcm__imp_run_ex(lcm_db *db, const char *path, const lcm_import_opts *opts,
                           const lcm__imp_kind *kind, void *state, int skip_invalid,
                           lcm_strbuf *reasons, lcm_import_result *res, lcm_err *err) {
    static const lcm_import_opts defaults = {0};
    lcm__imp im;
    memset(&im, 0, sizeof im);
    memset(res, 0, sizeof *res);
    im.db = db, im.opts = opts ? opts : &defaults, im.res = res, im.kind = kind;
    im.file = path, im.writing = 1, im.skip_invalid = skip_invalid, im.reasons = reasons;
    for (int i = 0; i < LCM__IMP_MAX_COLS; i++)
        im.slot[i] = -1;
    run_ctx c = {&im, state, NULL, 0, 0};
    lcm_status st = lcm_input_open(path, im.opts->encoding, &c.in, err);
    if (st != LCM_OK)
        return st;
    res->encoding = lcm_input_encoding(c.in);
    /* Imports queue behind each other: db.c's busy handler waits (saying so) for the lock. */
    int fk = foreign_keys(db);
    if (kind->own_references && fk == 1) /* only outside a transaction, so before BEGIN */
        lcm_db_exec(db, "PRAGMA foreign_keys = OFF", NULL);
    int rollback = kind->bulk && rollback_journal(db); /* also only outside a transaction */
    if ((st = lcm_db_begin(db, err)) != LCM_OK || (st = seen_prepare(&im, err)) != LCM_OK ||
        (st = lcm_db_memo_start(db, err)) != LCM_OK) /* no importer writes reference data */
        goto cleanup;
    lcm_csv_opts co = {im.opts->delim, 0, 0};
    st = finish(&im, &c, lcm_input_read_csv(c.in, &co, on_row, &c, err), err);
    if (st == LCM_OK)
        st = lcm_db_commit(db, err);
cleanup:
    lcm_db_memo_stop(db);
    sqlite3_finalize(im.seen);
    sqlite3_finalize(im.seen_get);
    if (st != LCM_OK)
        lcm_db_rollback(db);
    if (kind->own_references && fk == 1)
        lcm_db_exec(db, "PRAGMA foreign_keys = ON", NULL);
    if (rollback)
        back_to_wal(db);
    lcm_input_close(c.in);
    return st;
}
