/*
 * survey.c - resolving survey sources, storing design declarations, and loading the
 * columns estimation needs into arrays.
 *
 * Column and table names come from users, so they are checked against a strict pattern
 * and against the table's real columns before they are quoted into a SELECT; values are
 * always bound or read, never pasted.
 */
#include "survey.h"
#include "review.h"
#include "crosswalk.h"
#include "strbuf.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int lcm_sql_name_ok(const char *s) {
    size_t n = strlen(s);
    if (n == 0 || n > 63 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
        return 0;
    for (size_t i = 1; i < n; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
            return 0;
    return 1;
}

static const char *const lonely_names[] = {"fail", "remove", "certainty", "adjust", "average"};

int lcm_lonely_parse(const char *s, lcm_svy_lonely *out) {
    for (int i = 0; i < 5; i++)
        if (strcmp(s, lonely_names[i]) == 0) {
            *out = (lcm_svy_lonely)i;
            return 0;
        }
    return -1;
}

const char *lcm_lonely_name(lcm_svy_lonely p) {
    return (unsigned)p < 5 ? lonely_names[p] : "fail";
}

const char *lcm_source_kind_name(lcm_source_kind k) {
    return k == LCM_SOURCE_FORM ? "form" : "dataset";
}

/* Run a one-row, one-text-column query with one text parameter; copy the value to out. */
static int lookup_text(lcm_db *db, const char *sql, const char *param, char *out, size_t cap) {
    sqlite3_stmt *st = NULL;
    int found = 0;
    if (sqlite3_prepare_v2(lcm_db_sqlite(db), sql, -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, param, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
            snprintf(out, cap, "%s", (const char *)sqlite3_column_text(st, 0));
            found = 1;
        }
    }
    sqlite3_finalize(st);
    return found;
}

lcm_status lcm_source_resolve(lcm_db *db, lcm_source_kind kind, const char *name, lcm_source *out,
                              lcm_err *err) {
    memset(out, 0, sizeof *out);
    out->kind = kind;
    snprintf(out->name, sizeof out->name, "%s", name);
    const char *sql = kind == LCM_SOURCE_FORM ? "SELECT table_name FROM forms WHERE form_id = ?1"
                                                " ORDER BY loaded_at DESC, rowid DESC LIMIT 1"
                                              : "SELECT table_name FROM datasets WHERE name = ?1";
    if (!lookup_text(db, sql, name, out->table, sizeof out->table))
        return lcm_err_set(err, LCM_NOTFOUND, "unknown %s: '%s'", lcm_source_kind_name(kind), name);
    if (!lcm_sql_name_ok(out->table))
        return lcm_err_set(err, LCM_INTERNAL, "stored table name is not valid: '%s'", out->table);
    return LCM_OK;
}

static long long count_rows(lcm_db *db, const char *where_sql, int wave);

int lcm_source_harmonised(const lcm_source *src) {
    return strncmp(src->table, LCM_XWALK_PREFIX, strlen(LCM_XWALK_PREFIX)) == 0;
}

lcm_status lcm_source_resolve_wave(lcm_db *db, lcm_source_kind kind, const char *name, int wave,
                                   lcm_source *out, char *note, size_t cap, lcm_err *err) {
    if (note && cap)
        *note = '\0';
    lcm_status rc = lcm_source_resolve(db, kind, name, out, err);
    if (rc != LCM_OK || kind != LCM_SOURCE_FORM)
        return rc;
    lcm_xwalk_version v[16];
    size_t n = 0;
    sqlite3_stmt *st = NULL;
    if ((rc = lcm_db_prepare(db,
                             "SELECT version, table_name FROM forms WHERE form_id = ?1"
                             " ORDER BY loaded_at DESC, rowid DESC",
                             &st, err)) != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW && n < 16) {
        const char *ver = (const char *)sqlite3_column_text(st, 0),
                   *t = (const char *)sqlite3_column_text(st, 1);
        if (!ver || !t || !lcm_sql_name_ok(t) || !lcm_table_has_column(db, t, "wave"))
            continue;
        char sql[300];
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM (SELECT 1 FROM \"%s\" WHERE ?1 = 0 OR "
                 "wave = ?1 LIMIT 1)",
                 t);
        if (count_rows(db, sql, wave) > 0) {
            snprintf(v[n].version, sizeof v[n].version, "%s", ver);
            snprintf(v[n++].table, sizeof v[n - 1].table, "%s", t);
        }
    }
    sqlite3_finalize(st);
    if (n == 1)
        snprintf(out->table, sizeof out->table, "%s", v[0].table);
    else if (n > 1)
        rc = lcm_xwalk_view(db, name, v, n, out, note, cap, err);
    return rc;
}

int lcm_survey_nonresponse(const char *answer) {
    return strcmp(answer, "dk") == 0 || strcmp(answer, "rf") == 0;
}

int lcm_table_has_column(lcm_db *db, const char *table, const char *col) {
    sqlite3_stmt *st = NULL;
    int found = 0;
    /* kept by the connection: a submission asks each time (review.c) */
    if (lcm_db_prepare_cached(db, "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2", &st,
                              NULL) == LCM_OK) {
        sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, col, -1, SQLITE_STATIC);
        found = sqlite3_step(st) == SQLITE_ROW;
        sqlite3_reset(st);
    }
    return found;
}

static lcm_status check_column(lcm_db *db, const lcm_source *src, const char *what, const char *col,
                               lcm_err *err) {
    if (!lcm_sql_name_ok(col))
        return lcm_err_set(err, LCM_INVAL, "not a valid column name for %s: '%s'", what, col);
    if (!lcm_table_has_column(db, src->table, col))
        return lcm_err_set(err, LCM_NOTFOUND, "%s '%s' has no column '%s' (%s)",
                           lcm_source_kind_name(src->kind), src->name, col, what);
    return LCM_OK;
}

static const char *const decl_roles[] = {"strata", "psu", "ssu", "fpc1", "fpc2", "weight"};

static char *decl_field(lcm_design_decl *d, int i) {
    char *f[] = {d->strata, d->psu, d->ssu, d->fpc1, d->fpc2, d->weight};
    return f[i];
}

static const char *const built_types[] = {"jk1", "jkn", "bootstrap"};
static const char *const import_types[] = {"bootstrap", "jk1", "brr", "fay", "sdr", "other"};

int lcm_rep_type_ok(const char *name, int built) {
    const char *const *t = built ? built_types : import_types;
    size_t n = built ? 3 : 6;
    for (size_t i = 0; i < n; i++)
        if (strcmp(name, t[i]) == 0)
            return 1;
    return 0;
}

#define MAX_REPLICATES 1000 /* bound on imported replicate columns */

/* The replicate weight columns named by spec (COL,COL,... where an item PREFIX* stands for
 * every column of the table starting with PREFIX, in table order), each checked to exist;
 * *names is malloc'd, its strings too. */
static lcm_status expand_columns(lcm_db *db, const lcm_source *src, const char *spec, char ***names,
                                 size_t *n, lcm_err *err) {
    lcm_status rc = LCM_OK;
    char *copy = strdup(spec), *save = NULL;
    sqlite3_stmt *st = NULL;
    *names = calloc(MAX_REPLICATES, sizeof **names);
    *n = 0;
    if (!copy || !*names) {
        rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
        goto cleanup;
    }
    for (char *item = strtok_r(copy, ",", &save); item && rc == LCM_OK;
         item = strtok_r(NULL, ",", &save)) {
        size_t len = strlen(item);
        if (len == 0 || item[len - 1] != '*') {
            if ((rc = check_column(db, src, "replicate weight", item, err)) == LCM_OK &&
                *n == MAX_REPLICATES)
                rc = lcm_err_set(err, LCM_INVAL, "more than %d replicate weight columns",
                                 MAX_REPLICATES);
            if (rc == LCM_OK && !((*names)[(*n)++] = strdup(item)))
                rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
            continue;
        }
        item[len - 1] = '\0';
        if (len == 1 || !lcm_sql_name_ok(item)) {
            rc = lcm_err_set(err, LCM_INVAL, "not a valid column pattern: '%s*'", item);
            break;
        }
        size_t before = *n;
        if ((rc = lcm_db_prepare(db, "SELECT name FROM pragma_table_info(?1) ORDER BY cid", &st,
                                 err)) != LCM_OK)
            break;
        sqlite3_bind_text(st, 1, src->table, -1, SQLITE_STATIC);
        while (rc == LCM_OK && sqlite3_step(st) == SQLITE_ROW) {
            const char *col = (const char *)sqlite3_column_text(st, 0);
            if (!col || strncmp(col, item, len - 1) != 0 || !lcm_sql_name_ok(col))
                continue;
            if (*n == MAX_REPLICATES)
                rc = lcm_err_set(err, LCM_INVAL, "more than %d replicate weight columns",
                                 MAX_REPLICATES);
            else if (!((*names)[(*n)++] = strdup(col)))
                rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
        }
        sqlite3_finalize(st);
        st = NULL;
        if (rc == LCM_OK && *n == before)
            rc = lcm_err_set(err, LCM_NOTFOUND, "%s '%s' has no column starting with '%s'",
                             lcm_source_kind_name(src->kind), src->name, item);
    }
    if (rc == LCM_OK && *n < 2)
        rc = lcm_err_set(err, LCM_INVAL, "replicate weights need at least 2 columns, got %zu", *n);
cleanup:
    free(copy);
    if (rc != LCM_OK) {
        for (size_t i = 0; *names && i < *n; i++)
            free((*names)[i]);
        free(*names);
        *names = NULL, *n = 0;
    }
    return rc;
}

static void free_names(char **names, size_t n) {
    for (size_t i = 0; names && i < n; i++)
        free(names[i]);
    free(names);
}

/* Replicate settings consistent with each other and with the design. */
static lcm_status check_rep(lcm_db *db, const lcm_source *src, const lcm_design_decl *d,
                            lcm_err *err) {
    const lcm_rep_decl *r = &d->rep;
    if (!r->type[0])
        return LCM_OK;
    if (!lcm_rep_type_ok(r->type, !r->import))
        return lcm_err_set(err, LCM_INVAL, "'%s' is not a replicate type lcmon %s", r->type,
                           r->import ? "imports (bootstrap, jk1, brr, fay, sdr, other)"
                                     : "builds (jk1, jkn, bootstrap)");
    if (!r->import) {
        if (!strcmp(r->type, "jk1") && d->strata[0])
            return lcm_err_set(err, LCM_INVAL,
                               "jk1 replicates need an unstratified design: "
                               "use jkn with --strata");
        if (!strcmp(r->type, "jkn") && !d->strata[0])
            return lcm_err_set(err, LCM_INVAL, "jkn replicates need --strata: use jk1");
        if (!strcmp(r->type, "bootstrap") && r->nrep < 2)
            return lcm_err_set(err, LCM_INVAL, "a bootstrap needs at least 2 replicates");
        return LCM_OK;
    }
    if (!strcmp(r->type, "fay") != !isnan(r->rho))
        return lcm_err_set(err, LCM_INVAL, "Fay's rho (--rho) goes with --rep-type fay only");
    if (!strcmp(r->type, "brr") && !isnan(r->scale))
        return lcm_err_set(err, LCM_INVAL, "brr fixes the scale at 1/R: no --rep-scale");
    if (!isnan(r->scale) && !(r->scale > 0))
        return lcm_err_set(err, LCM_INVAL, "the replicate scale must be positive");
    char **names = NULL;
    size_t n = 0;
    lcm_status rc = expand_columns(db, src, r->columns, &names, &n, err);
    free_names(names, n);
    return rc;
}

lcm_status lcm_design_set(lcm_db *db, const lcm_source *src, int wave, const lcm_design_decl *decl,
                          lcm_err *err) {
    lcm_design_decl d = *decl;
    lcm_status rc;
    for (int i = 0; i < 6; i++)
        if (*decl_field(&d, i) &&
            (rc = check_column(db, src, decl_roles[i], decl_field(&d, i), err)) != LCM_OK)
            return rc;
    if (d.ssu[0] && !d.psu[0])
        return lcm_err_set(err, LCM_INVAL, "a second stage (--ssu) needs --psu");
    if (d.fpc2[0] && (!d.fpc1[0] || !d.ssu[0]))
        return lcm_err_set(err, LCM_INVAL, "a stage-2 fpc needs --ssu and a stage-1 fpc");
    if ((rc = check_rep(db, src, &d, err)) != LCM_OK)
        return rc;
    sqlite3_stmt *st = NULL;
    if ((rc = lcm_db_prepare(db,
                             "INSERT OR REPLACE INTO designs(source_kind, source, wave, strata, "
                             "psu, ssu, fpc1, fpc2, weight, lonely, rep_type, rep_import, rep_n, "
                             "rep_seed, rep_columns, rep_scale, rep_rho, rep_mse, "
                             "rep_multipliers) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
                             "?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
                             &st, err)) != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, lcm_source_kind_name(src->kind), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, src->name, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, wave);
    for (int i = 0; i < 6; i++)
        if (*decl_field(&d, i))
            sqlite3_bind_text(st, 4 + i, decl_field(&d, i), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 10, lcm_lonely_name(d.lonely), -1, SQLITE_STATIC);
    const lcm_rep_decl *r = &d.rep;
    if (r->type[0]) {
        sqlite3_bind_text(st, 11, r->type, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(st, 12, r->import);
        if (!r->import && !strcmp(r->type, "bootstrap")) {
            sqlite3_bind_int64(st, 13, r->nrep);
            sqlite3_bind_int64(st, 14, (sqlite3_int64)r->seed);
        }
        if (r->import)
            sqlite3_bind_text(st, 15, r->columns, -1, SQLITE_TRANSIENT);
        lcm_db_bind_real_or_null(st, 16, r->scale);
        lcm_db_bind_real_or_null(st, 17, r->rho);
        sqlite3_bind_int(st, 18, r->mse);
        sqlite3_bind_int(st, 19, r->multipliers);
    } else {
        sqlite3_bind_int(st, 12, 0);
        sqlite3_bind_int(st, 18, 0);
        sqlite3_bind_int(st, 19, 0);
    }
    rc = sqlite3_step(st) == SQLITE_DONE ? LCM_OK : lcm_db_fail(db, err, "storing the design");
    sqlite3_finalize(st);
    return rc;
}

static double column_real(sqlite3_stmt *st, int i) {
    return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

static void read_rep(sqlite3_stmt *st, int i0, lcm_rep_decl *r) {
    const unsigned char *type = sqlite3_column_text(st, i0);
    const unsigned char *cols = sqlite3_column_text(st, i0 + 4);
    snprintf(r->type, sizeof r->type, "%s", type ? (const char *)type : "");
    r->import = sqlite3_column_int(st, i0 + 1);
    r->nrep = (long)sqlite3_column_int64(st, i0 + 2);
    r->seed = (unsigned long)sqlite3_column_int64(st, i0 + 3);
    snprintf(r->columns, sizeof r->columns, "%s", cols ? (const char *)cols : "");
    r->scale = column_real(st, i0 + 5);
    r->rho = column_real(st, i0 + 6);
    r->mse = sqlite3_column_int(st, i0 + 7);
    r->multipliers = sqlite3_column_int(st, i0 + 8);
}

lcm_status lcm_design_get(lcm_db *db, const lcm_source *src, int wave, lcm_design_decl *out,
                          lcm_err *err) {
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db,
                                   "SELECT strata, psu, ssu, fpc1, fpc2, weight, lonely, rep_type, "
                                   "rep_import, rep_n, rep_seed, rep_columns, rep_scale, rep_rho, "
                                   "rep_mse, rep_multipliers FROM designs WHERE source_kind = ?1 "
                                   "AND source = ?2 AND wave IN (?3, 0) ORDER BY wave DESC LIMIT 1",
                                   &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, lcm_source_kind_name(src->kind), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, src->name, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, wave);
    memset(out, 0, sizeof *out);
    if (sqlite3_step(st) == SQLITE_ROW) {
        for (int i = 0; i < 6; i++) {
            const unsigned char *t = sqlite3_column_text(st, i);
            snprintf(decl_field(out, i), 64, "%s", t ? (const char *)t : "");
        }
        lcm_lonely_parse((const char *)sqlite3_column_text(st, 6), &out->lonely);
        read_rep(st, 7, &out->rep);
    } else {
        rc = lcm_err_set(err, LCM_NOTFOUND,
                         "no design declared for %s '%s' (use 'lcmon design set')",
                         lcm_source_kind_name(src->kind), src->name);
    }
    sqlite3_finalize(st);
    return rc;
}

/* An INTEGER cell of a code column interned before: its value and code. */
typedef struct int_slot {
    int64_t value, id; /* id < 0: empty slot */
} int_slot;

#define INT_SLOTS 1024

/* One column to load: labels become codes, numbers become doubles. */
typedef struct load_col {
    const char *name;
    const char *role; /* for messages: "strata", "variable", "by" … */
    int numeric;
    int required; /* a NULL is an error (design columns) */
    int64_t *codes;
    double *vals;
    lcm_intern *labels;
    int_slot *ints; /* code columns: integer cells already interned, direct-mapped */
} load_col;

/* The code of an INTEGER cell: its label is the decimal text SQLite would give for it
 * ("%lld"), interned as any label; the slot cache spares the formatting and hashing for
 * values seen before (codes, PSUs, categories repeat). */
static int64_t int_code(load_col *c, int64_t v) {
    int_slot *s = &c->ints[((uint64_t)v * UINT64_C(0x9E3779B97F4A7C15)) >> 54];
    if (s->id >= 0 && s->value == v)
        return s->id;
    char buf[24];
    int len = snprintf(buf, sizeof buf, "%lld", (long long)v);
    int64_t id = lcm_intern_id(c->labels, buf, (size_t)len);
    if (id >= 0)
        *s = (int_slot){v, id};
    return id;
}

/* One cell, read in its stored type: numbers as numbers (asking SQLite for the text of a
 * REAL makes it format the number), text only when the cell is text. */
static lcm_status read_cell(sqlite3_stmt *st, int i, load_col *c, size_t row, const char *table,
                            lcm_err *err) {
    int type = sqlite3_column_type(st, i);
    if (c->numeric && (type == SQLITE_FLOAT || type == SQLITE_INTEGER)) {
        c->vals[row] = sqlite3_column_double(st, i);
        return LCM_OK;
    }
    if (!c->numeric && type == SQLITE_INTEGER) {
        int64_t id = int_code(c, sqlite3_column_int64(st, i));
        if (id < 0)
            return lcm_err_set(err, LCM_NOMEM, "out of memory loading '%s'", table);
        c->codes[row] = id;
        return LCM_OK;
    }
    const char *text = (const char *)sqlite3_column_text(st, i);
    if (type == SQLITE_NULL || (type == SQLITE_TEXT && text && !*text)) {
        if (c->required)
            return lcm_err_set(err, LCM_CONSTRAINT, "table '%s' row %lld: %s column '%s' is empty",
                               table, (long long)sqlite3_column_int64(st, 0), c->role, c->name);
        if (c->numeric)
            c->vals[row] = NAN;
        else
            c->codes[row] = -1;
        return LCM_OK;
    }
    if (!text)
        return lcm_err_set(err, LCM_NOMEM, "out of memory loading '%s'", table);
    if (!c->required && lcm_survey_nonresponse(text)) { /* stored as answered, not estimated */
        if (c->numeric)
            c->vals[row] = NAN;
        else
            c->codes[row] = -1;
        return LCM_OK;
    }
    if (!c->numeric) {
        int64_t id = lcm_intern_id(c->labels, text, (size_t)sqlite3_column_bytes(st, i));
        if (id < 0)
            return lcm_err_set(err, LCM_NOMEM, "out of memory loading '%s'", table);
        c->codes[row] = id;
        return LCM_OK;
    }
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    while (end && isspace((unsigned char)*end))
        end++;
    if (!end || *end || errno == ERANGE)
        return lcm_err_set(err, LCM_CONSTRAINT,
                           "table '%s' row %lld: %s column '%s' is not a number: '%s'", table,
                           (long long)sqlite3_column_int64(st, 0), c->role, c->name, text);
    c->vals[row] = v;
    return LCM_OK;
}

/* ---- columnar copy of analysed columns ----
 *
 * Reading a column back from the row store costs a step and a record decode per row for
 * every column of the table the row holds; for 300,000 rows that was most of an estimate.
 * After a load from the row store, each column read (as read: doubles, or codes and their
 * labels in code order) and the row ids are kept in column_cache as one BLOB per column,
 * keyed by the table, the FROM/WHERE text (wave, completeness) and the wave. Triggers on
 * the table delete its copies on any INSERT, UPDATE or DELETE; a copy is used only while
 * the three triggers exist (a dropped and recreated table has none) and the table's CREATE
 * statement is the one cached (a renamed column changes it). Writing the copy is best
 * effort: a read-only or busy database just reads the row store the next time too. */

#define CACHE_MIN_ROWS 20000 /* below this the row store is read in a few milliseconds */

static const char cache_schema[] =
    "CREATE TABLE IF NOT EXISTS column_cache(source TEXT NOT NULL, filter TEXT NOT NULL,"
    " wave INTEGER NOT NULL, col TEXT NOT NULL, kind INTEGER NOT NULL, schema TEXT NOT NULL,"
    " n INTEGER NOT NULL, labels BLOB, data BLOB NOT NULL," /* labels first: read without data */
    " PRIMARY KEY(source, filter, wave, col, kind))";

enum { CACHE_CODES = 0, CACHE_VALUES = 1, CACHE_ROWID = 2 };

/* The table's CREATE statement when all three invalidation triggers exist, else NULL. */
static char *cache_schema_of(lcm_db *db, const char *table) {
    sqlite3_stmt *st = NULL;
    char *sql = NULL;
    if (sqlite3_prepare_v2(
            lcm_db_sqlite(db),
            "SELECT (SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?1),"
            " (SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
            " AND tbl_name = ?1 AND name IN ('column_cache_' || ?1 || '_i',"
            " 'column_cache_' || ?1 || '_u', 'column_cache_' || ?1 || '_d'))",
            -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) &&
            sqlite3_column_int(st, 1) == 3)
            sql = strdup((const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    return sql;
}

/* One cached column into c (allocated here) or rowid; 1 when found with n rows. */
static int cache_read_col(sqlite3_stmt *st, const char *col, int kind, size_t *n, load_col *c,
                          int64_t **rowid) {
    sqlite3_reset(st);
    sqlite3_bind_text(st, 4, col, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, kind);
    if (sqlite3_step(st) != SQLITE_ROW)
        return 0;
    sqlite3_int64 rows = sqlite3_column_int64(st, 0);
    size_t bytes = (size_t)rows * 8;
    if (rows <= 0 || (*n && (size_t)rows != *n))
        return 0;
    *n = (size_t)rows;
    /* straight from the pages into our array: sqlite3_column_blob would copy it twice */
    sqlite3_blob *blob = NULL;
    void *copy = malloc(bytes);
    int ok = copy &&
             sqlite3_blob_open(sqlite3_db_handle(st), "main", "column_cache", "data",
                               sqlite3_column_int64(st, 1), 0, &blob) == SQLITE_OK &&
             (size_t)sqlite3_blob_bytes(blob) == bytes &&
             sqlite3_blob_read(blob, copy, (int)bytes, 0) == SQLITE_OK;
    sqlite3_blob_close(blob);
    if (!ok) {
        free(copy);
        return 0;
    }
    if (kind == CACHE_ROWID) {
        *rowid = copy;
        return 1;
    }
    if (kind == CACHE_VALUES) {
        c->vals = copy;
        return 1;
    }
    c->codes = copy;
    const char *lab = sqlite3_column_blob(st, 2);
    size_t lbytes = (size_t)sqlite3_column_bytes(st, 2);
    if (!(c->labels = lcm_intern_new()))
        return 0;
    for (size_t at = 0; lab && at < lbytes;) {
        size_t len = strnlen(lab + at, lbytes - at);
        if (lcm_intern_id(c->labels, lab + at, len) < 0)
            return 0;
        at += len + 1;
    }
    return 1;
}

/* Every column of cols and the row ids from the copy; 1 when all were there and agree. */
static int cache_get(lcm_db *db, const char *table, const char *from, int wave, load_col *cols,
                     size_t ncols, lcm_survey_data *out) {
    /* the copy is read through the OS page cache mapped, not copied page by page */
    sqlite3_exec(lcm_db_sqlite(db), "PRAGMA mmap_size = 1073741824", NULL, NULL, NULL);
    char *schema = cache_schema_of(db, table);
    sqlite3_stmt *st = NULL;
    int ok = schema != NULL;
    size_t n = 0;
    if (ok && sqlite3_prepare_v2(lcm_db_sqlite(db),
                                 "SELECT n, rowid, labels FROM column_cache WHERE source = ?1"
                                 " AND filter = ?2 AND wave = ?3 AND col = ?4 AND kind = ?5"
                                 " AND schema = ?6",
                                 -1, &st, NULL) != SQLITE_OK)
        ok = 0;
    if (ok) {
        sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, from, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 3, wave);
        sqlite3_bind_text(st, 6, schema, -1, SQLITE_STATIC);
        ok = cache_read_col(st, "", CACHE_ROWID, &n, NULL, &out->rowid);
    }
    for (size_t i = 0; ok && i < ncols; i++) {
        load_col *c = &cols[i];
        ok = cache_read_col(st, c->name, c->numeric ? CACHE_VALUES : CACHE_CODES, &n, c, NULL);
        /* a missing design value is an error the row store names with its row */
        for (size_t r = 0; ok && c->required && r < n; r++)
            ok = c->numeric ? !isnan(c->vals[r]) : c->codes[r] >= 0;
    }
    sqlite3_finalize(st);
    free(schema);
    /* unmapped again: the pages read stay out of the process while the design is built */
    sqlite3_exec(lcm_db_sqlite(db), "PRAGMA mmap_size = 0", NULL, NULL, NULL);
    if (ok)
        out->n = n;
    else {
        free(out->rowid);
        out->rowid = NULL;
        for (size_t i = 0; i < ncols; i++) {
            free(cols[i].codes), free(cols[i].vals), lcm_intern_free(cols[i].labels);
            cols[i].codes = NULL, cols[i].vals = NULL, cols[i].labels = NULL;
        }
    }
    return ok;
}

static int cache_put_col(sqlite3_stmt *st, const char *col, int kind, const void *data, size_t n,
                         const lcm_intern *labels) {
    lcm_strbuf lab = LCM_STRBUF_INIT;
    for (size_t id = 0; labels && id < lcm_intern_count(labels); id++) {
        const char *s = lcm_intern_label(labels, (int64_t)id);
        lcm_strbuf_add(&lab, s, strlen(s) + 1);
    }
    sqlite3_reset(st);
    sqlite3_bind_text(st, 4, col, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, kind);
    sqlite3_bind_int64(st, 7, (sqlite3_int64)n);
    sqlite3_bind_blob64(st, 8, data, (sqlite3_uint64)n * 8, SQLITE_STATIC);
    if (labels)
        sqlite3_bind_blob64(st, 9, lab.buf ? lab.buf : "", lab.len, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 9);
    int ok = lcm_strbuf_ok(&lab) && sqlite3_step(st) == SQLITE_DONE;
    lcm_strbuf_release(&lab);
    return ok;
}

/* Keep the columns just read from the row store; failures leave the database as it was. */
static void cache_put(lcm_db *db, const char *table, const char *from, int wave,
                      const load_col *cols, size_t ncols, const int64_t *rowid, size_t n) {
    sqlite3 *h = lcm_db_sqlite(db);
    if (n < CACHE_MIN_ROWS || sqlite3_db_readonly(h, "main") == 1 ||
        sqlite3_exec(h, "SAVEPOINT lcm_column_cache", NULL, NULL, NULL) != SQLITE_OK)
        return;
    sqlite3_stmt *st = NULL;
    char *schema = cache_schema_of(db, table);
    int ok = sqlite3_exec(h, cache_schema, NULL, NULL, NULL) == SQLITE_OK;
    /* no triggers: the table was made again (import --replace, a rebuilt form table) or its
     * triggers dropped, and writes since then were not seen; every copy of it goes before
     * the triggers are made, so none older than them can be served */
    if (ok && !schema) {
        char *sql = sqlite3_mprintf("DELETE FROM column_cache WHERE source = %Q", table);
        ok = sql && sqlite3_exec(h, sql, NULL, NULL, NULL) == SQLITE_OK;
        sqlite3_free(sql);
    }
    free(schema);
    schema = NULL;
    static const char *const trig[] = {"INSERT", "UPDATE", "DELETE"};
    for (int t = 0; ok && t < 3; t++) {
        char *sql = sqlite3_mprintf("CREATE TRIGGER IF NOT EXISTS \"column_cache_%w_%c\" AFTER %s"
                                    " ON \"%w\" BEGIN DELETE FROM column_cache WHERE source = %Q;"
                                    " END",
                                    table, "iud"[t], trig[t], table, table);
        ok = sql && sqlite3_exec(h, sql, NULL, NULL, NULL) == SQLITE_OK;
        sqlite3_free(sql);
    }
    if (ok)
        ok = (schema = cache_schema_of(db, table)) != NULL &&
             sqlite3_prepare_v2(
                 h,
                 "INSERT OR REPLACE INTO column_cache(source, filter, wave, col, kind, schema,"
                 " n, data, labels) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                 -1, &st, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, from, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 3, wave);
        sqlite3_bind_text(st, 6, schema, -1, SQLITE_STATIC);
        ok = cache_put_col(st, "", CACHE_ROWID, rowid, n, NULL);
    }
    for (size_t i = 0; ok && i < ncols; i++)
        ok = cols[i].numeric
                 ? cache_put_col(st, cols[i].name, CACHE_VALUES, cols[i].vals, n, NULL)
                 : cache_put_col(st, cols[i].name, CACHE_CODES, cols[i].codes, n, cols[i].labels);
    sqlite3_finalize(st);
    free(schema);
    if (!ok)
        sqlite3_exec(h, "ROLLBACK TO lcm_column_cache", NULL, NULL, NULL);
    sqlite3_exec(h, "RELEASE lcm_column_cache", NULL, NULL, NULL);
}

lcm_status lcm_survey_copy_forget(lcm_db *db, const char *table, lcm_err *err) {
    sqlite3_stmt *st = NULL;
    lcm_strbuf sql = LCM_STRBUF_INIT;
    /* every trigger of ours on the table, also those named after an older name of it */
    lcm_status rc = lcm_db_prepare(db,
                                   "SELECT name FROM sqlite_master WHERE type = 'trigger'"
                                   " AND tbl_name = ?1 AND name GLOB 'column_cache_*'",
                                   &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW) {
        char *q = sqlite3_mprintf("DROP TRIGGER \"%w\";", (const char *)sqlite3_column_text(st, 0));
        lcm_strbuf_adds(&sql, q ? q : "");
        sqlite3_free(q);
    }
    sqlite3_finalize(st);
    if (lcm_table_has_column(db, "column_cache", "source")) {
        char *q = sqlite3_mprintf("DELETE FROM column_cache WHERE source = %Q;", table);
        lcm_strbuf_adds(&sql, q ? q : "");
        sqlite3_free(q);
    }
    if (!lcm_strbuf_ok(&sql))
        rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
    else if (sql.len)
        rc = lcm_db_exec(db, sql.buf, err);
    lcm_strbuf_release(&sql);
    return rc;
}

static long long count_rows(lcm_db *db, const char *where_sql, int wave) {
    sqlite3_stmt *st = NULL;
    long long n = -1;
    if (sqlite3_prepare_v2(lcm_db_sqlite(db), where_sql, -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int(st, 1, wave);
        if (sqlite3_step(st) == SQLITE_ROW)
            n = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return n;
}

/* Build "FROM "t" WHERE …" with the wave and completeness filters the table supports. */
static lcm_status build_from(lcm_db *db, const lcm_source *src, int wave, lcm_strbuf *from,
                             lcm_err *err) {
    lcm_strbuf_addf(from, " FROM \"%s\" WHERE 1", src->table);
    if (wave > 0) {
        if (!lcm_table_has_column(db, src->table, "wave"))
            return lcm_err_set(err, LCM_NOTFOUND, "%s '%s' has no column 'wave'",
                               lcm_source_kind_name(src->kind), src->name);
        lcm_strbuf_adds(from, " AND \"wave\" = ?1");
    } else {
        lcm_strbuf_adds(from, " AND ?1 = ?1");
    }
    if (src->kind == LCM_SOURCE_FORM && lcm_table_has_column(db, src->table, "status"))
        lcm_strbuf_adds(from, " AND \"status\" = 'complete'");
    /* interviews of lcmon serve count once approved (or, asked for, while not yet reviewed);
     * this is the one place estimates, measures and models read that rule from */
    if (src->kind == LCM_SOURCE_FORM && lcm_table_has_column(db, src->table, "instance_id"))
        lcm_review_where(from, src->table, src->unreviewed);
    return LCM_OK;
}

static lcm_status plan_columns(lcm_db *db, const lcm_source *src, const lcm_design_decl *decl,
                               const char *const *vars, size_t nvar, int as_categories,
                               const char *const *by, size_t nby, load_col *cols, size_t *ncols,
                               lcm_err *err) {
    lcm_design_decl d = *decl;
    lcm_status rc;
    size_t k = 0;
    for (int i = 0; i < 6; i++)
        if (*decl_field(&d, i))
            cols[k++] = (load_col){decl_field((lcm_design_decl *)decl, i),
                                   decl_roles[i],
                                   i >= 3,
                                   1,
                                   NULL,
                                   NULL,
                                   NULL,
                                   NULL};
    for (size_t i = 0; i < nvar; i++)
        cols[k++] = (load_col){vars[i], "variable", !as_categories, 0, NULL, NULL, NULL, NULL};
    for (size_t i = 0; i < nby; i++)
        cols[k++] = (load_col){by[i], "by", 0, 0, NULL, NULL, NULL, NULL};
    for (size_t i = 0; i < k; i++)
        if ((rc = check_column(db, src, cols[i].role, cols[i].name, err)) != LCM_OK)
            return rc;
    *ncols = k;
    return LCM_OK;
}

static lcm_status alloc_columns(load_col *cols, size_t ncols, size_t n, lcm_err *err) {
    for (size_t i = 0; i < ncols; i++) {
        size_t m = n ? n : 1;
        if (cols[i].numeric)
            cols[i].vals = malloc(m * sizeof(double));
        else if ((cols[i].codes = malloc(m * sizeof(int64_t))) &&
                 (cols[i].ints = malloc(INT_SLOTS * sizeof *cols[i].ints))) {
            cols[i].labels = lcm_intern_new();
            for (size_t k = 0; k < INT_SLOTS; k++)
                cols[i].ints[k].id = -1;
        }
        if (!(cols[i].numeric ? (void *)cols[i].vals : (void *)cols[i].labels))
            return lcm_err_set(err, LCM_NOMEM, "out of memory loading %zu rows", n);
    }
    return LCM_OK;
}

static lcm_status fetch_rows(lcm_db *db, const lcm_source *src, int wave, const char *from,
                             load_col *cols, size_t ncols, size_t n, int64_t *rowid, lcm_err *err) {
    lcm_strbuf sql = LCM_STRBUF_INIT;
    lcm_strbuf_adds(&sql, "SELECT rowid");
    for (size_t i = 0; i < ncols; i++)
        lcm_strbuf_addf(&sql, ", \"%s\"", cols[i].name);
    lcm_strbuf_adds(&sql, from);
    lcm_strbuf_adds(&sql, " ORDER BY rowid");
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_strbuf_ok(&sql) ? lcm_db_prepare(db, sql.buf, &st, err)
                                        : lcm_err_set(err, LCM_NOMEM, "out of memory");
    size_t row = 0;
    if (rc == LCM_OK)
        sqlite3_bind_int(st, 1, wave);
    while (rc == LCM_OK && sqlite3_step(st) == SQLITE_ROW && row < n) {
        rowid[row] = sqlite3_column_int64(st, 0);
        for (size_t i = 0; i < ncols && rc == LCM_OK; i++)
            rc = read_cell(st, (int)i + 1, &cols[i], row, src->table, err);
        row++;
    }
    if (rc == LCM_OK && row != n)
        rc = lcm_err_set(err, LCM_DB, "table '%s' changed while it was read", src->table);
    sqlite3_finalize(st);
    lcm_strbuf_release(&sql);
    return rc;
}

/* Hand loaded columns over to the result struct, by role. */
static lcm_status distribute(load_col *cols, size_t ncols, size_t nvar, size_t nby,
                             lcm_survey_data *out, lcm_err *err) {
    size_t ndesign = ncols - nvar - nby;
    out->var_names = calloc(nvar ? nvar : 1, sizeof(char *));
    out->var = calloc(nvar ? nvar : 1, sizeof(double *));
    out->var_codes = calloc(nvar ? nvar : 1, sizeof(int64_t *));
    out->var_labels = calloc(nvar ? nvar : 1, sizeof(lcm_intern *));
    out->by_names = calloc(nby ? nby : 1, sizeof(char *));
    out->by_codes = calloc(nby ? nby : 1, sizeof(int64_t *));
    out->by_labels = calloc(nby ? nby : 1, sizeof(lcm_intern *));
    if (!out->var_names || !out->var || !out->var_codes || !out->var_labels || !out->by_names ||
        !out->by_codes || !out->by_labels)
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    for (size_t i = 0; i < ndesign; i++) {
        load_col *c = &cols[i];
        const char *r = c->role;
        int64_t **codes = !strcmp(r, "strata") ? &out->strata
                          : !strcmp(r, "psu")  ? &out->psu
                          : !strcmp(r, "ssu")  ? &out->ssu
                                               : NULL;
        double **vals = !strcmp(r, "fpc1")   ? &out->fpc1
                        : !strcmp(r, "fpc2") ? &out->fpc2
                                             : &out->weight;
        if (codes && !strcmp(r, "strata"))
            *codes = c->codes, out->strata_labels = c->labels;
        else if (codes && !strcmp(r, "psu"))
            *codes = c->codes, out->psu_labels = c->labels;
        else if (codes)
            *codes = c->codes, lcm_intern_free(c->labels);
        else
            *vals = c->vals;
        c->codes = NULL, c->vals = NULL, c->labels = NULL;
    }
    for (size_t i = 0; i < nvar; i++) {
        load_col *c = &cols[ndesign + i];
        out->var_names[i] = strdup(c->name);
        out->var[i] = c->vals, out->var_codes[i] = c->codes, out->var_labels[i] = c->labels;
        c->codes = NULL, c->vals = NULL, c->labels = NULL;
    }
    for (size_t i = 0; i < nby; i++) {
        load_col *c = &cols[ndesign + nvar + i];
        out->by_names[i] = strdup(c->name);
        out->by_codes[i] = c->codes, out->by_labels[i] = c->labels;
        c->codes = NULL, c->labels = NULL;
    }
    out->nvar = nvar, out->nby = nby;
    return LCM_OK;
}

static lcm_status load(lcm_db *db, const lcm_source *src, int wave, const lcm_design_decl *decl,
                       const char *const *vars, size_t nvar, int as_categories,
                       const char *const *by, size_t nby, int use_copy, lcm_survey_data *out,
                       lcm_err *err) {
    lcm_strbuf from = LCM_STRBUF_INIT, count_sql = LCM_STRBUF_INIT;
    load_col *cols = calloc(6 + nvar + nby, sizeof *cols);
    size_t ncols = 0;
    lcm_status rc = LCM_OK;
    memset(out, 0, sizeof *out);
    if (!cols) {
        rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
        goto cleanup;
    }
    if ((rc = plan_columns(db, src, decl, vars, nvar, as_categories, by, nby, cols, &ncols, err)) !=
            LCM_OK ||
        (rc = build_from(db, src, wave, &from, err)) != LCM_OK)
        goto cleanup;
    if (use_copy && cache_get(db, src->table, from.buf, wave, cols, ncols, out)) {
        rc = distribute(cols, ncols, nvar, nby, out, err);
        goto cleanup;
    }
    lcm_strbuf_addf(&count_sql, "SELECT count(*)%s", from.buf);
    long long n = count_rows(db, count_sql.buf, wave);
    if (n < 0) {
        rc = lcm_db_fail(db, err, "counting survey rows");
        goto cleanup;
    }
    if (n == 0) {
        rc = lcm_err_set(err, LCM_NOTFOUND, "no rows in %s '%s'%s", lcm_source_kind_name(src->kind),
                         src->name, wave > 0 ? " for that wave" : "");
        goto cleanup;
    }
    out->n = (size_t)n;
    if (!(out->rowid = malloc(out->n * sizeof *out->rowid))) {
        rc = lcm_err_set(err, LCM_NOMEM, "out of memory loading %zu rows", out->n);
        goto cleanup;
    }
    if ((rc = alloc_columns(cols, ncols, out->n, err)) != LCM_OK ||
        (rc = fetch_rows(db, src, wave, from.buf, cols, ncols, out->n, out->rowid, err)) != LCM_OK)
        goto cleanup;
    if (use_copy)
        cache_put(db, src->table, from.buf, wave, cols, ncols, out->rowid, out->n);
    if ((rc = distribute(cols, ncols, nvar, nby, out, err)) != LCM_OK)
        goto cleanup;
cleanup:
    for (size_t i = 0; cols && i < ncols; i++) {
        free(cols[i].codes);
        free(cols[i].vals);
        free(cols[i].ints);
        lcm_intern_free(cols[i].labels);
    }
    free(cols);
    lcm_strbuf_release(&from);
    lcm_strbuf_release(&count_sql);
    if (rc != LCM_OK)
        lcm_survey_data_free(out);
    return rc;
}

/* The load runs in one transaction (a savepoint: nested in the caller's when there is one),
 * so the rows read from the row store and the copy written of them are the same rows: a
 * write committed by another connection in between makes the copy's write fail (busy or
 * a stale snapshot), and the copy is then just not written. */
static lcm_status load_in_savepoint(lcm_db *db, const lcm_source *src, int wave,
                                    const lcm_design_decl *decl, const char *const *vars,
                                    size_t nvar, int as_categories, const char *const *by,
                                    size_t nby, int use_copy, lcm_survey_data *out, lcm_err *err) {
    sqlite3 *h = lcm_db_sqlite(db);
    int sp =
        use_copy && sqlite3_exec(h, "SAVEPOINT lcm_survey_load", NULL, NULL, NULL) == SQLITE_OK;
    lcm_status rc = load(db, src, wave, decl, vars, nvar, as_categories, by, nby, sp, out, err);
    if (sp)
        sqlite3_exec(h, "RELEASE lcm_survey_load", NULL, NULL, NULL);
    return rc;
}

lcm_status lcm_survey_load(lcm_db *db, const lcm_source *src, int wave, const lcm_design_decl *decl,
                           const char *const *vars, size_t nvar, int as_categories,
                           const char *const *by, size_t nby, lcm_survey_data *out, lcm_err *err) {
    /* imported replicate weights are matched to the rows by row id, read from the row store */
    int use_copy =
        !(decl->rep.import && decl->rep.type[0]) && !lcm_source_harmonised(src); /* a view */
    return load_in_savepoint(db, src, wave, decl, vars, nvar, as_categories, by, nby, use_copy, out,
                             err);
}

lcm_status lcm_survey_load_rows(lcm_db *db, const lcm_source *src, int wave,
                                const lcm_design_decl *decl, const char *const *vars, size_t nvar,
                                int as_categories, const char *const *by, size_t nby,
                                lcm_survey_data *out, lcm_err *err) {
    return load_in_savepoint(db, src, wave, decl, vars, nvar, as_categories, by, nby, 0, out, err);
}

void lcm_survey_data_free(lcm_survey_data *d) {
    free(d->rowid);
    free(d->strata), free(d->psu), free(d->ssu);
    lcm_intern_free(d->strata_labels), lcm_intern_free(d->psu_labels);
    free(d->fpc1), free(d->fpc2), free(d->weight);
    for (size_t i = 0; i < d->nvar; i++) {
        free(d->var_names ? d->var_names[i] : NULL);
        free(d->var ? d->var[i] : NULL);
        free(d->var_codes ? d->var_codes[i] : NULL);
        lcm_intern_free(d->var_labels ? d->var_labels[i] : NULL);
    }
    for (size_t i = 0; i < d->nby; i++) {
        free(d->by_names ? d->by_names[i] : NULL);
        free(d->by_codes ? d->by_codes[i] : NULL);
        lcm_intern_free(d->by_labels ? d->by_labels[i] : NULL);
    }
    free(d->var_names), free(d->var), free(d->var_codes), free(d->var_labels);
    free(d->by_names), free(d->by_codes), free(d->by_labels);
    memset(d, 0, sizeof *d);
}

lcm_status lcm_survey_load_replicates(lcm_db *db, const lcm_source *src, int wave,
                                      const lcm_design_decl *decl, const lcm_survey_data *d,
                                      double ***rw, size_t *nrep, lcm_err *err) {
    lcm_strbuf from = LCM_STRBUF_INIT;
    char **names = NULL;
    size_t n = 0;
    load_col *cols = NULL;
    int64_t *rowid = NULL;
    *rw = NULL, *nrep = 0;
    lcm_status rc = expand_columns(db, src, decl->rep.columns, &names, &n, err);
    if (rc == LCM_OK &&
        (!(cols = calloc(n, sizeof *cols)) || !(rowid = malloc((d->n ? d->n : 1) * sizeof *rowid))))
        rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
    for (size_t i = 0; rc == LCM_OK && i < n; i++)
        cols[i] = (load_col){names[i], "replicate weight", 1, 1, NULL, NULL, NULL, NULL};
    if (rc == LCM_OK && (rc = build_from(db, src, wave, &from, err)) == LCM_OK &&
        (rc = alloc_columns(cols, n, d->n, err)) == LCM_OK)
        rc = fetch_rows(db, src, wave, from.buf, cols, n, d->n, rowid, err);
    /* the rows must be the ones the design was built on, in the same order */
    if (rc == LCM_OK && memcmp(rowid, d->rowid, d->n * sizeof *rowid) != 0)
        rc = lcm_err_set(err, LCM_DB, "table '%s' changed while it was read", src->table);
    if (rc == LCM_OK && !(*rw = malloc(n * sizeof **rw)))
        rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
    for (size_t i = 0; rc == LCM_OK && i < n; i++)
        (*rw)[i] = cols[i].vals, cols[i].vals = NULL;
    if (rc == LCM_OK)
        *nrep = n;
    for (size_t i = 0; cols && i < n; i++)
        free(cols[i].vals);
    free(cols);
    free(rowid);
    free_names(names, n);
    lcm_strbuf_release(&from);
    return rc;
}
