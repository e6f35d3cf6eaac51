/*
 * export.c - choosing the writer, writing through outfile.h, and describing a
 * dataset as an export source (columns from dataset_columns, rows from its table).
 */
#include "export_int.h"
#include "strbuf.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int lcm_export_format_parse(const char *s, lcm_export_format *out) {
    static const char *const names[] = {"csv", "json", "sav", "dta", "xlsx", "r"};
    for (int i = 0; i < 6; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (lcm_export_format)i;
            return 0;
        }
    return -1;
}

lcm_status lcm__exp_write_out(const lcm__exp_src *src, lcm_export_format f, int bom, lcm_out *out,
                              lcm_err *err) {
    if (f == LCM_EXPORT_SAV || f == LCM_EXPORT_DTA || f == LCM_EXPORT_XLSX) {
        /* These libraries open the file by name: hand them the temporary one. */
        fclose(out->fp);
        out->fp = NULL;
        lcm_status st = f == LCM_EXPORT_XLSX
                            ? lcm__exp_xlsx(src, out->tmp, err)
                            : lcm__exp_readstat(src, out->tmp, f == LCM_EXPORT_DTA, err);
        return st == LCM_OK ? st : lcm_out_failed(out, st, err);
    }
    lcm_status st = f == LCM_EXPORT_JSON ? lcm__exp_json(src, out->fp, err)
                                         : lcm__exp_csv(src, out->fp, bom, err);
    return st == LCM_OK ? st : lcm_out_failed(out, st, err);
}

int lcm__exp_out_flags(const lcm_export_opts *o) {
    return LCM_OUT_PRIVATE | (o->force ? LCM_OUT_FORCE : 0);
}

lcm_status lcm__exp_write(const lcm__exp_src *src, const lcm_export_opts *o, lcm_err *err) {
    if (o->format == LCM_EXPORT_R)
        return lcm_err_set(err, LCM_INVAL, "the r format exports a form (--form), not a dataset");
    if (!o->out) {
        if (o->format == LCM_EXPORT_CSV)
            return lcm__exp_csv(src, o->stream, o->bom, err);
        if (o->format == LCM_EXPORT_JSON)
            return lcm__exp_json(src, o->stream, err);
        return lcm_err_set(err, LCM_INVAL, "sav, dta and xlsx are written to a file: give --out");
    }
    lcm_out out;
    lcm_status st = lcm_out_open(&out, o->out, lcm__exp_out_flags(o), err);
    if (st == LCM_OK)
        st = lcm__exp_write_out(src, o->format, o->bom, &out, err);
    if (st == LCM_OK)
        return lcm_out_commit(&out, err);
    lcm_out_abort(&out);
    return st;
}

/* ---- datasets ---- */

typedef struct ds_src {
    lcm__exp_src src;
    lcm__exp_col *cols;
    char **strings; /* names and labels, owned */
    size_t nstrings;
    char table[64];
} ds_src;

static void ds_free(ds_src *d) {
    for (size_t i = 0; i < d->nstrings; i++)
        free(d->strings[i]);
    free(d->strings);
    free(d->cols);
    sqlite3_finalize(d->src.rows);
}

/* Stored names are checked again before they go into SQL: the file could have been
 * edited by something other than lcmon. */
static int ident_ok(const char *s) {
    static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";
    size_t n = strlen(s);
    return n > 0 && n <= 64 && !isdigit((unsigned char)s[0]) && strspn(s, ok) == n;
}

static char *keep_string(ds_src *d, const char *s) {
    char **m = realloc(d->strings, (d->nstrings + 1) * sizeof *m);
    if (!m)
        return NULL;
    d->strings = m;
    return d->strings[d->nstrings++] = strdup(s ? s : "");
}

static lcm_status ds_columns(lcm_db *db, const char *name, ds_src *d, lcm_err *err) {
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db,
                                   "SELECT name, label, type FROM dataset_columns"
                                   " WHERE dataset = ?1 ORDER BY position",
                                   &st, err);
    size_t n = 0;
    while (rc == LCM_OK && (sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC), 1) &&
           sqlite3_step(st) == SQLITE_ROW) {
        lcm__exp_col *c = realloc(d->cols, (n + 1) * sizeof *c);
        if (!c)
            return sqlite3_finalize(st), lcm_err_set(err, LCM_NOMEM, "out of memory");
        d->cols = c;
        c = &d->cols[n++];
        memset(c, 0, sizeof *c);
        const char *type = (const char *)sqlite3_column_text(st, 2);
        c->type = strcmp(type, "integer") == 0 ? LCM_COL_INTEGER
                  : strcmp(type, "real") == 0  ? LCM_COL_REAL
                                               : LCM_COL_TEXT;
        c->name = keep_string(d, (const char *)sqlite3_column_text(st, 0));
        c->label = keep_string(d, (const char *)sqlite3_column_text(st, 1));
        if (!c->name || !c->label)
            rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
        else if (!ident_ok(c->name))
            rc = lcm_err_set(err, LCM_INTERNAL, "stored column name is not valid: '%s'", c->name);
    }
    sqlite3_finalize(st);
    d->src.cols = d->cols;
    d->src.ncols = n;
    return rc;
}

static lcm_status ds_find(lcm_db *db, const char *name, ds_src *d, lcm_err *err) {
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db, "SELECT table_name FROM datasets WHERE name = ?1", &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW)
        rc = lcm_err_set(err, LCM_NOTFOUND,
                         "unknown dataset: '%s' (import one with 'lcmon import dataset')", name);
    else if (!ident_ok((const char *)sqlite3_column_text(st, 0)))
        rc =
            lcm_err_set(err, LCM_INTERNAL, "stored table name is not valid for dataset '%s'", name);
    else
        snprintf(d->table, sizeof d->table, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return rc;
}

/* Row count and the longest text of each column, in one scan; then the row SELECT. */
static lcm_status ds_scan(lcm_db *db, ds_src *d, lcm_err *err) {
    lcm_strbuf q = LCM_STRBUF_INIT, rows = LCM_STRBUF_INIT;
    sqlite3_stmt *st = NULL;
    lcm_strbuf_adds(&q, "SELECT count(*)");
    lcm_strbuf_adds(&rows, "SELECT ");
    for (size_t i = 0; i < d->src.ncols; i++) {
        lcm_strbuf_addf(&q, ", coalesce(max(length(CAST(\"%s\" AS BLOB))), 0)", d->cols[i].name);
        lcm_strbuf_addf(&rows, "%s\"%s\"", i ? ", " : "", d->cols[i].name);
    }
    lcm_strbuf_addf(&q, " FROM \"%s\"", d->table);
    lcm_strbuf_addf(&rows, " FROM \"%s\" ORDER BY rowid", d->table);
    lcm_status rc = lcm_strbuf_ok(&q) && lcm_strbuf_ok(&rows)
                        ? lcm_db_prepare(db, q.buf, &st, err)
                        : lcm_err_set(err, LCM_NOMEM, "out of memory");
    if (rc == LCM_OK && sqlite3_step(st) != SQLITE_ROW)
        rc = lcm_db_fail(db, err, "cannot read the dataset");
    for (size_t i = 0; rc == LCM_OK && i < d->src.ncols; i++)
        d->cols[i].width = (size_t)sqlite3_column_int64(st, (int)i + 1);
    if (rc == LCM_OK) {
        d->src.nrows = (long)sqlite3_column_int64(st, 0);
        rc = lcm_db_prepare(db, rows.buf, &d->src.rows, err);
    }
    sqlite3_finalize(st);
    lcm_strbuf_release(&q);
    lcm_strbuf_release(&rows);
    return rc;
}

lcm_status lcm_export_dataset(lcm_db *db, const char *name, const lcm_export_opts *opts, long *rows,
                              lcm_err *err) {
    ds_src d;
    memset(&d, 0, sizeof d);
    d.src.title = name;
    lcm_status st;
    if ((st = ds_find(db, name, &d, err)) == LCM_OK &&
        (st = ds_columns(db, name, &d, err)) == LCM_OK && (st = ds_scan(db, &d, err)) == LCM_OK)
        st = lcm__exp_write(&d.src, opts, err);
    if (st == LCM_OK && rows)
        *rows = d.src.nrows;
    ds_free(&d);
    return st;
}
