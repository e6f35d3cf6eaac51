/*
 * crosswalk.c - harmonised estimates across form versions (see crosswalk.h).
 *
 * crosswalk.csv: measure,version,column[,recode][,note]; one row per measure and version.
 * The recode is "from=to;from=to" between numbers (answers not listed, and the don't-know
 * and refusal codes, become empty). Names are checked against the XLSForm/SQL name rule
 * and against the version's table before they are quoted into the view; numbers are
 * parsed and printed again, so no text of the file reaches SQL as it stands.
 */
#include "crosswalk.h"
#include "csvin.h"
#include "form.h"
#include "strbuf.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ROWS 512
#define MAX_RECODE 32

typedef struct xrow {
    char measure[64], version[40], column[64];
    int nrec;
    double from[MAX_RECODE], to[MAX_RECODE];
    long line;
} xrow;

typedef struct xfile {
    xrow *rows;
    size_t n;
    int c_measure, c_version, c_column, c_recode;
} xfile;

static lcm_status parse_recode(const char *s, xrow *r, long line, int col, lcm_err *err) {
    r->nrec = 0;
    while (*s) {
        char *end;
        errno = 0;
        double a = strtod(s, &end);
        if (end == s || *end != '=' || errno)
            return lcm_err_set(err, LCM_PARSE,
                               "crosswalk.csv:%ld:%d (recode): expected 'from=to;from=to' with "
                               "numbers, at '%s'",
                               line, col, s);
        s = end + 1;
        double b = strtod(s, &end);
        if (end == s || (*end && *end != ';') || errno || !isfinite(a) || !isfinite(b))
            return lcm_err_set(err, LCM_PARSE,
                               "crosswalk.csv:%ld:%d (recode): expected 'from=to;from=to' with "
                               "numbers, at '%s'",
                               line, col, s);
        if (r->nrec == MAX_RECODE)
            return lcm_err_set(err, LCM_PARSE, "crosswalk.csv:%ld:%d (recode): more than %d pairs",
                               line, col, MAX_RECODE);
        r->from[r->nrec] = a, r->to[r->nrec++] = b;
        s = *end ? end + 1 : end;
    }
    return LCM_OK;
}

static lcm_status on_row(void *ud, const lcm_csv_row *row, lcm_err *err) {
    xfile *x = ud;
    if (row->index == 0) {
        x->c_measure = x->c_version = x->c_column = x->c_recode = -1;
        for (size_t i = 0; i < row->n; i++) {
            const char *h = row->field[i];
            if (!strcmp(h, "measure"))
                x->c_measure = (int)i;
            else if (!strcmp(h, "version"))
                x->c_version = (int)i;
            else if (!strcmp(h, "column"))
                x->c_column = (int)i;
            else if (!strcmp(h, "recode"))
                x->c_recode = (int)i;
        }
        if (x->c_measure < 0 || x->c_version < 0 || x->c_column < 0)
            return lcm_err_set(err, LCM_PARSE,
                               "crosswalk.csv:%ld: the header needs the columns measure, version "
                               "and column (recode and note may follow)",
                               row->line);
        return LCM_OK;
    }
    if (x->n == MAX_ROWS)
        return lcm_err_set(err, LCM_PARSE, "crosswalk.csv:%ld: more than %d rows", row->line,
                           MAX_ROWS);
    xrow *r = &x->rows[x->n];
    memset(r, 0, sizeof *r);
    r->line = row->line;
    const struct {
        int col;
        const char *what;
        char *dst;
        size_t cap;
    } cells[] = {{x->c_measure, "measure", r->measure, sizeof r->measure},
                 {x->c_version, "version", r->version, sizeof r->version},
                 {x->c_column, "column", r->column, sizeof r->column}};
    for (int k = 0; k < 3; k++) {
        const char *v = (size_t)cells[k].col < row->n ? row->field[cells[k].col] : "";
        if (strlen(v) >= cells[k].cap || !*v ||
            (k != 1
                 ? !lcm_sql_name_ok(v)
                 : strspn(v, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_.-") !=
                       strlen(v)))
            return lcm_err_set(err, LCM_PARSE, "crosswalk.csv:%ld:%d (%s): not a valid %s: '%s'",
                               row->line, cells[k].col + 1, cells[k].what, cells[k].what, v);
        memcpy(cells[k].dst, v, strlen(v) + 1);
    }
    for (size_t i = 0; i < x->n; i++)
        if (!strcmp(x->rows[i].measure, r->measure) && !strcmp(x->rows[i].version, r->version))
            return lcm_err_set(err, LCM_PARSE,
                               "crosswalk.csv:%ld:%d (measure): measure '%s' of version '%s' "
                               "given twice (also line %ld)",
                               row->line, x->c_measure + 1, r->measure, r->version,
                               x->rows[i].line);
    const char *rec =
        x->c_recode >= 0 && (size_t)x->c_recode < row->n ? row->field[x->c_recode] : "";
    lcm_status st = parse_recode(rec, r, row->line, x->c_recode + 1, err);
    if (st == LCM_OK)
        x->n++;
    return st;
}

static lcm_status read_file(const char *text, xfile *x, lcm_err *err) {
    memset(x, 0, sizeof *x);
    if (!(x->rows = calloc(MAX_ROWS, sizeof *x->rows)))
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    size_t len = strlen(text);
    FILE *fp = len ? fmemopen((void *)text, len, "r") : NULL;
    if (!fp)
        return lcm_err_set(err, len ? LCM_NOMEM : LCM_PARSE, "crosswalk.csv:1: %s",
                           len ? "out of memory" : "empty file (no header row)");
    lcm_status st = lcm_csv_read_stream(fp, "crosswalk.csv", on_row, x, err);
    fclose(fp);
    return st;
}

lcm_status lcm_xwalk_check(const char *text, lcm_err *err) {
    xfile x;
    lcm_status st = read_file(text, &x, err);
    free(x.rows);
    return st;
}

static const xrow *find(const xfile *x, const char *measure, const char *version) {
    for (size_t i = 0; i < x->n; i++)
        if (!strcmp(x->rows[i].measure, measure) && !strcmp(x->rows[i].version, version))
            return &x->rows[i];
    return NULL;
}

/* The crosswalk of the newest version that has one; *from gets that version. */
static lcm_status find_crosswalk(lcm_db *db, const char *form_id, const lcm_xwalk_version *v,
                                 size_t n, char **text, size_t *from, lcm_err *err) {
    *text = NULL;
    for (size_t i = 0; i < n; i++) {
        lcm_form *f = NULL;
        lcm_status st = lcm_form_get(db, form_id, v[i].version, &f, err);
        if (st != LCM_OK)
            return st;
        const char *t = lcm_form_external(f, "crosswalk.csv");
        if (t && !(*text = strdup(t))) {
            lcm_form_free(f);
            return lcm_err_set(err, LCM_NOMEM, "out of memory");
        }
        lcm_form_free(f);
        if (*text) {
            *from = i;
            return LCM_OK;
        }
    }
    return lcm_err_set(err, LCM_NOTFOUND,
                       "form '%s' has the waves asked for on %zu versions (%s and %s) and none "
                       "of them has a crosswalk.csv: estimate one wave at a time, or load a "
                       "version with a crosswalk (docs/forms.md)",
                       form_id, n, v[n - 1].version, v[0].version);
}

/* The columns of table t, in order (each a valid name), into a malloc'd array. */
static lcm_status columns(lcm_db *db, const char *t, char (**out)[64], size_t *n, lcm_err *err) {
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    *out = NULL, *n = 0;
    lcm_status rc =
        lcm_db_prepare(db, "SELECT name FROM pragma_table_info(?1) ORDER BY cid", &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, t, -1, SQLITE_STATIC);
    while (rc == LCM_OK && sqlite3_step(st) == SQLITE_ROW) {
        const char *c = (const char *)sqlite3_column_text(st, 0);
        if (!c || !lcm_sql_name_ok(c) || !strcmp(c, "form_version"))
            continue;
        if (*n == cap) {
            cap = cap ? 2 * cap : 256;
            char(*g)[64] = realloc(*out, cap * sizeof *g);
            if (!g) {
                rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
                break;
            }
            *out = g;
        }
        snprintf((*out)[(*n)++], 64, "%s", c);
    }
    sqlite3_finalize(st);
    return rc;
}

static int has(char (*cols)[64], size_t n, const char *name) {
    for (size_t i = 0; i < n; i++)
        if (!strcmp(cols[i], name))
            return 1;
    return 0;
}

/* The SELECT of version i: common columns, then the measures, then the version. */
static void select_of(lcm_strbuf *sb, const xfile *x, char (*common)[64], size_t ncommon,
                      char (*measures)[64], size_t nm, const lcm_xwalk_version *v, size_t i) {
    lcm_strbuf_addf(sb, "%sSELECT rowid + %zu * 1099511627776 AS rowid", i ? " UNION ALL " : "", i);
    for (size_t c = 0; c < ncommon; c++)
        lcm_strbuf_addf(sb, ", \"%s\"", common[c]);
    for (size_t m = 0; m < nm; m++) {
        const xrow *r = find(x, measures[m], v[i].version);
        if (!r->nrec) {
            lcm_strbuf_addf(sb, ", \"%s\" AS \"%s\"", r->column, measures[m]);
            continue;
        }
        lcm_strbuf_addf(sb,
                        ", CASE CASE WHEN typeof(\"%s\") IN ('integer', 'real') OR trim(\"%s\") "
                        "GLOB '[0-9-]*' THEN CAST(\"%s\" AS REAL) END",
                        r->column, r->column, r->column);
        for (int k = 0; k < r->nrec; k++)
            lcm_strbuf_addf(sb, " WHEN %.17g THEN %.17g", r->from[k], r->to[k]);
        lcm_strbuf_addf(sb, " END AS \"%s\"", measures[m]);
    }
    char *q = sqlite3_mprintf(", %Q AS form_version FROM \"%s\"", v[i].version, v[i].table);
    lcm_strbuf_adds(sb, q ? q : "");
    sqlite3_free(q);
}

lcm_status lcm_xwalk_view(lcm_db *db, const char *form_id, const lcm_xwalk_version *v, size_t n,
                          lcm_source *out, char *note, size_t cap, lcm_err *err) {
    char *text = NULL;
    size_t from = 0, ncommon = 0, nm = 0, *ncol = calloc(n, sizeof *ncol);
    char(**cols)[64] = calloc(n, sizeof *cols), (*common)[64] = NULL, (*measures)[64] = NULL;
    xfile x = {0};
    lcm_strbuf sb = LCM_STRBUF_INIT;
    lcm_status rc = ncol && cols ? find_crosswalk(db, form_id, v, n, &text, &from, err)
                                 : lcm_err_set(err, LCM_NOMEM, "out of memory");
    if (rc == LCM_OK)
        rc = read_file(text, &x, err);
    for (size_t i = 0; i < n && rc == LCM_OK; i++)
        rc = columns(db, v[i].table, &cols[i], &ncol[i], err);
    if (rc == LCM_OK && !(measures = calloc(x.n + 1, sizeof *measures)))
        rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
    /* the measures: every one with a row for a version in use, each needing all of them */
    for (size_t r = 0; r < x.n && rc == LCM_OK; r++) {
        int used = 0;
        for (size_t i = 0; i < n; i++)
            used |= !strcmp(x.rows[r].version, v[i].version);
        if (!used || has(measures, nm, x.rows[r].measure))
            continue;
        snprintf(measures[nm++], 64, "%s", x.rows[r].measure);
        for (size_t i = 0; i < n && rc == LCM_OK; i++) {
            const xrow *w = find(&x, x.rows[r].measure, v[i].version);
            if (!w)
                rc = lcm_err_set(err, LCM_NOTFOUND,
                                 "crosswalk.csv (form '%s' version %s):%ld: measure '%s' has no "
                                 "row for version '%s', whose answers are among the waves asked "
                                 "for",
                                 form_id, v[from].version, x.rows[r].line, x.rows[r].measure,
                                 v[i].version);
            else if (!has(cols[i], ncol[i], w->column))
                rc = lcm_err_set(err, LCM_NOTFOUND,
                                 "crosswalk.csv (form '%s' version %s):%ld: version '%s' has no "
                                 "column '%s' (table %s) for measure '%s'",
                                 form_id, v[from].version, w->line, v[i].version, w->column,
                                 v[i].table, w->measure);
        }
    }
    if (rc == LCM_OK && !(common = calloc(ncol[0] + 1, sizeof *common)))
        rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
    for (size_t c = 0; rc == LCM_OK && c < ncol[0]; c++) {
        int all = !has(measures, nm, cols[0][c]) && strcmp(cols[0][c], "rowid") != 0;
        for (size_t i = 1; i < n && all; i++)
            all = has(cols[i], ncol[i], cols[0][c]);
        if (all)
            snprintf(common[ncommon++], 64, "%s", cols[0][c]);
    }
    snprintf(out->table, sizeof out->table, "%s", LCM_XWALK_PREFIX);
    for (const char *p = form_id; *p && strlen(out->table) + 1 < 60; p++) {
        size_t l = strlen(out->table);
        out->table[l] = (*p == '.' || *p == '-') ? '_' : *p, out->table[l + 1] = '\0';
    }
    if (rc == LCM_OK) {
        lcm_strbuf_addf(&sb, "DROP VIEW IF EXISTS temp.\"%s\"; CREATE TEMP VIEW \"%s\" AS ",
                        out->table, out->table);
        for (size_t i = 0; i < n; i++)
            select_of(&sb, &x, common, ncommon, measures, nm, v, i);
        rc = lcm_strbuf_ok(&sb) ? lcm_db_exec(db, sb.buf, err)
                                : lcm_err_set(err, LCM_NOMEM, "out of memory");
    }
    if (rc == LCM_OK) {
        out->kind = LCM_SOURCE_FORM;
        snprintf(out->name, sizeof out->name, "%s", form_id);
        int len = note && cap ? snprintf(note, cap, "versions") : -1;
        for (size_t i = n; i-- > 0 && len > 0 && (size_t)len < cap;)
            len += snprintf(note + len, cap - (size_t)len, " %s%s", v[i].version, i ? "," : "");
        if (len > 0 && (size_t)len < cap)
            snprintf(note + len, cap - (size_t)len,
                     " harmonised through crosswalk.csv of version %s (%zu measures mapped)",
                     v[from].version, nm);
    }
    for (size_t i = 0; cols && i < n; i++)
        free(cols[i]);
    free(cols), free(ncol), free(common), free(measures), free(x.rows), free(text);
    lcm_strbuf_release(&sb);
    return rc;
}
