/*
 * dataset.c - `lcmon import dataset`: a plain CSV stored as a typed table.
 *
 * Two passes over the file keep memory flat: the first infers each column's type and a
 * digest of the rows, the second (only when something is to be written) creates the
 * table and inserts with values bound in their inferred types. The digest makes a
 * re-import of the same data a no-op, and catches a file that changed between passes.
 */
#include "dataset.h"
#include "import_int.h"
#include "strbuf.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

typedef struct ds_state {
    lcm_dataset_report *rep;
    const char *name;
    char table[LCM_DATASET_MAX_NAME + 4]; /* ds_NAME */
    int pass;                             /* 1: infer types, 2: write */
    uint64_t digest, digest1;             /* this pass, and pass 1's */
    long rows1;                           /* rows seen by pass 1 */
    unsigned char *can_int, *can_real;    /* per column, pass 1 */
    sqlite3_stmt *ins;
    int replace_existing;
} ds_state;

const char *lcm_col_type_name(lcm_col_type t) {
    return t == LCM_COL_INTEGER ? "integer" : t == LCM_COL_REAL ? "real" : "text";
}

void lcm_dataset_report_free(lcm_dataset_report *rep) {
    if (!rep)
        return;
    for (size_t i = 0; i < rep->ncols; i++)
        free(rep->cols[i].label);
    free(rep->cols);
    rep->cols = NULL;
    rep->ncols = 0;
}

int lcm_dataset_name_ok(const char *name) {
    size_t n = strlen(name);
    if (n == 0 || n > LCM_DATASET_MAX_NAME || !isalpha((unsigned char)name[0]))
        return 0;
    for (size_t i = 1; i < n; i++)
        if (!(isalnum((unsigned char)name[i]) || name[i] == '_'))
            return 0;
    return 1;
}

void lcm_column_name(const char *header, size_t position, char out[LCM_COLUMN_MAX_NAME + 1]) {
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)header; *p && n < LCM_COLUMN_MAX_NAME;
         p++) {
        int keep = *p < 0x80 && (isalnum(*p) || *p == '_');
        if (keep)
            out[n++] = (char)*p;
        else if (n > 0 && out[n - 1] != '_')
            out[n++] = '_';
    }
    while (n > 0 && out[n - 1] == '_')
        n--;
    out[n] = '\0';
    if (n == 0 || isdigit((unsigned char)out[0])) {
        char kept[LCM_COLUMN_MAX_NAME + 1];
        memcpy(kept, out, n + 1);
        snprintf(out, LCM_COLUMN_MAX_NAME + 1, "v%zu%s%.*s", position, n ? "_" : "",
                 (int)(LCM_COLUMN_MAX_NAME - 8), kept);
    }
}

/* ---- type inference ---- */

/* A whole number that survives integer storage: no leading zero, at most 18 digits. */
static int is_integer(const char *s) {
    const char *d = s + (*s == '-');
    size_t n = strlen(d);
    return n > 0 && n <= 18 && strspn(d, "0123456789") == n && !(d[0] == '0' && n > 1);
}

static int is_real(const char *s) {
    double v;
    const char *d = s + (*s == '-' || *s == '+');
    if (isspace((unsigned char)s[0]) || isspace((unsigned char)s[strlen(s) - 1]))
        return 0;
    if (d[0] == '0' && isdigit((unsigned char)d[1]))
        return 0; /* 0101: a code, not a number */
    return lcm__imp_real(s, &v) == 0;
}

static void digest_row(ds_state *s, const lcm_csv_row *row) {
    uint64_t h = s->digest;
    for (size_t i = 0; i < row->n; i++) {
        for (size_t k = 0; k < row->len[i]; k++)
            h = (h ^ (unsigned char)row->field[i][k]) * FNV_PRIME;
        h = (h ^ (i + 1 < row->n ? 0x1f : 0x1e)) * FNV_PRIME; /* field, row separators */
    }
    s->digest = h;
}

static lcm_status infer_row(lcm__imp *im, void *state, lcm_err *err) {
    ds_state *s = state;
    (void)err;
    digest_row(s, im->row);
    for (size_t i = 0; i < im->row->n; i++) {
        const char *v = im->row->field[i];
        if (!*v) {
            s->rep->cols[i].missing++;
            continue;
        }
        if (s->can_int[i] && !is_integer(v))
            s->can_int[i] = 0;
        if (s->can_real[i] && !s->can_int[i] && !is_real(v))
            s->can_real[i] = 0;
    }
    return LCM_OK;
}

/* Pass 1 header: one column per header cell, names made unique (SQLite compares
 * column names without case). */
static lcm_status infer_header(lcm__imp *im, void *state, lcm_err *err) {
    ds_state *s = state;
    const lcm_csv_row *h = im->row;
    if (h->n > LCM_DATASET_MAX_COLS) {
        lcm__imp_row_issue(im, h->line, "%zu columns, at most %d", h->n, LCM_DATASET_MAX_COLS);
        return LCM_OK;
    }
    s->rep->cols = calloc(h->n, sizeof *s->rep->cols);
    s->can_int = malloc(h->n);
    s->can_real = malloc(h->n);
    if (!s->rep->cols || !s->can_int || !s->can_real)
        return lcm_err_set(err, LCM_NOMEM, "out of memory reading '%s'", im->file);
    memset(s->can_int, 1, h->n);
    memset(s->can_real, 1, h->n);
    for (size_t i = 0; i < h->n; i++) {
        lcm_dataset_column *c = &s->rep->cols[i];
        s->rep->ncols++;
        if (!(c->label = strdup(h->field[i])))
            return lcm_err_set(err, LCM_NOMEM, "out of memory reading '%s'", im->file);
        lcm_column_name(h->field[i], i + 1, c->name);
        for (size_t k = 0, n = 2; k < i; k++)
            if (strcasecmp(s->rep->cols[k].name, c->name) == 0) {
                char base[LCM_COLUMN_MAX_NAME + 1];
                lcm_column_name(h->field[i], i + 1, base);
                snprintf(c->name, sizeof c->name, "%.*s_%zu", LCM_COLUMN_MAX_NAME - 6, base, n++);
                k = (size_t)-1; /* check the new name against all earlier ones again */
            }
    }
    return LCM_OK;
}

/* ---- writing ---- */

static lcm_status exec_bound(lcm__imp *im, const char *sql, const char *a, lcm_err *err) {
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(im->db, sql, &st, err);
    if (rc == LCM_OK) {
        sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = lcm_db_fail(im->db, err, "cannot replace the dataset");
    }
    sqlite3_finalize(st);
    return rc;
}

/* CREATE TABLE and the INSERT for it. Names were made from [A-Za-z0-9_] only, so the
 * quoting below cannot be escaped from. */
static lcm_status create_table(lcm__imp *im, ds_state *s, lcm_err *err) {
    lcm_strbuf create = LCM_STRBUF_INIT, insert = LCM_STRBUF_INIT;
    static const char *const sqltype[] = {"INTEGER", "REAL", "TEXT"};
    lcm_status st = LCM_OK;
    if (s->replace_existing)
        lcm_strbuf_addf(&create, "DROP TABLE IF EXISTS \"%s\";", s->table);
    lcm_strbuf_addf(&create, "CREATE TABLE \"%s\" (", s->table);
    lcm_strbuf_addf(&insert, "INSERT INTO \"%s\" VALUES (", s->table);
    for (size_t i = 0; i < s->rep->ncols; i++) {
        lcm_strbuf_addf(&create, "%s\"%s\" %s", i ? ", " : "", s->rep->cols[i].name,
                        sqltype[s->rep->cols[i].type]);
        lcm_strbuf_addf(&insert, "%s?%zu", i ? ", " : "", i + 1);
    }
    lcm_strbuf_adds(&create, ")");
    lcm_strbuf_adds(&insert, ")");
    if (!lcm_strbuf_ok(&create) || !lcm_strbuf_ok(&insert))
        st = lcm_err_set(err, LCM_NOMEM, "out of memory");
    else if ((st = lcm_db_exec(im->db, create.buf, err)) == LCM_OK)
        st = lcm_db_prepare(im->db, insert.buf, &s->ins, err);
    lcm_strbuf_release(&create);
    lcm_strbuf_release(&insert);
    return st;
}

static lcm_status register_columns(lcm__imp *im, ds_state *s, lcm_err *err) {
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(im->db,
                                   "INSERT INTO dataset_columns(dataset, position, name, label,"
                                   " type, missing) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                   &st, err);
    for (size_t i = 0; rc == LCM_OK && i < s->rep->ncols; i++) {
        const lcm_dataset_column *c = &s->rep->cols[i];
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, s->name, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)i + 1);
        sqlite3_bind_text(st, 3, c->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, c->label, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, lcm_col_type_name(c->type), -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 6, c->missing);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = lcm_db_fail(im->db, err, "cannot register the dataset");
    }
    sqlite3_finalize(st);
    return rc;
}

static lcm_status register_dataset(lcm__imp *im, ds_state *s, lcm_err *err) {
    sqlite3_stmt *st = NULL;
    char digest[17];
    snprintf(digest, sizeof digest, "%016llx", (unsigned long long)s->digest1);
    lcm_status rc = lcm_db_prepare(im->db,
                                   "INSERT INTO datasets(name, table_name, source_file, encoding,"
                                   " digest, rows) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                   &st, err);
    if (rc == LCM_OK) {
        sqlite3_bind_text(st, 1, s->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, s->table, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, im->file, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, lcm_encoding_name(im->res->encoding), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, digest, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 6, s->rows1);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = lcm_db_fail(im->db, err, "cannot register the dataset");
    }
    sqlite3_finalize(st);
    return rc == LCM_OK ? register_columns(im, s, err) : rc;
}

static lcm_status write_header(lcm__imp *im, void *state, lcm_err *err) {
    ds_state *s = state;
    lcm_status st = LCM_OK;
    if (im->row->n != s->rep->ncols)
        return lcm_err_set(err, LCM_CONFLICT, "'%s' changed while it was imported", im->file);
    if (s->replace_existing &&
        ((st = exec_bound(im, "DELETE FROM dataset_columns WHERE dataset = ?1", s->name, err)) !=
             LCM_OK ||
         (st = exec_bound(im, "DELETE FROM datasets WHERE name = ?1", s->name, err)) != LCM_OK))
        return st;
    if ((st = create_table(im, s, err)) != LCM_OK)
        return st;
    return register_dataset(im, s, err);
}

static lcm_status write_row(lcm__imp *im, void *state, lcm_err *err) {
    ds_state *s = state;
    digest_row(s, im->row);
    sqlite3_reset(s->ins);
    for (size_t i = 0; i < im->row->n; i++) {
        const char *v = im->row->field[i];
        double d;
        int at = (int)i + 1;
        if (!*v)
            sqlite3_bind_null(s->ins, at);
        else if (s->rep->cols[i].type == LCM_COL_INTEGER && is_integer(v))
            sqlite3_bind_int64(s->ins, at, strtoll(v, NULL, 10));
        else if (s->rep->cols[i].type == LCM_COL_REAL && lcm__imp_real(v, &d) == 0)
            sqlite3_bind_double(s->ins, at, d);
        else /* text, or a file changed since pass 1: the digest check will refuse it */
            sqlite3_bind_text(s->ins, at, v, (int)im->row->len[i], SQLITE_STATIC);
    }
    if (sqlite3_step(s->ins) != SQLITE_DONE)
        return lcm_db_fail(im->db, err, "cannot store a dataset row");
    im->res->inserted++;
    return LCM_OK;
}

static lcm_status write_done(lcm__imp *im, void *state, lcm_err *err) {
    ds_state *s = state;
    if (s->digest != s->digest1 || im->res->rows != s->rows1)
        return lcm_err_set(err, LCM_CONFLICT,
                           "'%s' changed while it was imported, nothing imported", im->file);
    return LCM_OK;
}

/* ---- entry point ---- */

static void settle_types(ds_state *s, long rows) {
    for (size_t i = 0; i < s->rep->ncols; i++) {
        lcm_dataset_column *c = &s->rep->cols[i];
        c->type = c->missing == rows ? LCM_COL_TEXT
                  : s->can_int[i]    ? LCM_COL_INTEGER
                  : s->can_real[i]   ? LCM_COL_REAL
                                     : LCM_COL_TEXT;
    }
}

/* Is the name taken, and by these very rows? */
static lcm_status check_existing(lcm_db *db, ds_state *s, const lcm_import_opts *opts,
                                 lcm_err *err) {
    sqlite3_stmt *st = NULL;
    char digest[17];
    snprintf(digest, sizeof digest, "%016llx", (unsigned long long)s->digest1);
    lcm_status rc =
        lcm_db_prepare(db, "SELECT digest, source_file FROM datasets WHERE name = ?1", &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, s->name, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        if (strcmp((const char *)sqlite3_column_text(st, 0), digest) == 0)
            s->rep->unchanged = 1;
        else if (opts && opts->replace)
            s->replace_existing = 1;
        else
            rc = lcm_err_set(err, LCM_EXISTS,
                             "dataset '%s' exists with other data (from '%s'): use --replace",
                             s->name, (const char *)sqlite3_column_text(st, 1));
    }
    sqlite3_finalize(st);
    return rc;
}

lcm_status lcm_dataset_import(lcm_db *db, const char *path, const char *name,
                              const lcm_import_opts *opts, lcm_dataset_report *rep,
                              lcm_import_result *res, lcm_err *err) {
    static const lcm__imp_kind infer = {"dataset",    {NULL}, 0, 1, infer_row,
                                        infer_header, NULL,   0, 0};
    static const lcm__imp_kind write = {"dataset",    {NULL},     0, 1, write_row,
                                        write_header, write_done, 0, 0};
    ds_state s = {rep, name, "", 1, FNV_OFFSET, 0, 0, NULL, NULL, NULL, 0};
    lcm_import_result res2 = {0};
    memset(rep, 0, sizeof *rep);
    memset(res, 0, sizeof *res);
    if (!lcm_dataset_name_ok(name))
        return lcm_err_set(err, LCM_INVAL,
                           "not a valid dataset name: '%s' (a letter, then letters, digits or _)",
                           name);
    snprintf(s.table, sizeof s.table, "ds_%s", name);
    lcm_status st = lcm__imp_run(db, path, opts, &infer, &s, res, err);
    if (st != LCM_OK)
        goto cleanup;
    settle_types(&s, res->rows);
    s.digest1 = s.digest, s.rows1 = res->rows;
    if ((st = check_existing(db, &s, opts, err)) != LCM_OK || rep->unchanged)
        goto cleanup;
    s.pass = 2, s.digest = FNV_OFFSET;
    st = lcm__imp_run(db, path, opts, &write, &s, &res2, err);
    res->inserted = res2.inserted;
    res->replaced = s.replace_existing;
cleanup:
    lcm_import_result_free(&res2);
    sqlite3_finalize(s.ins);
    free(s.can_int);
    free(s.can_real);
    return st;
}
