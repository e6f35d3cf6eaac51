/*
 * merge.c - responses of other lcmon databases into this one (merge.h).
 *
 * The other database is opened read-only on its own connection and read row by row;
 * rows are written through statements prepared once per table, with every value bound
 * as it was read (sqlite3_bind_value), so types survive exactly. Table and column names
 * come from the `forms` table and PRAGMA table_info of this database, are checked, and
 * quoted.
 */
#include "merge.h"
#include "strbuf.h"
#include "survey.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* One response table as both databases hold it: the columns of this one. */
typedef struct mtab {
    char table[192];
    char **cols;
    size_t ncols;
    int is_main;
    sqlite3_stmt *ins;    /* INSERT into this database */
    sqlite3_stmt *mine;   /* this database's rows of one instance */
    sqlite3_stmt *theirs; /* the other's rows of one instance */
} mtab;

typedef struct mctx {
    lcm_db *db, *other;
    const char *path;
    lcm_merge_report *rep;
    lcm_merge_form *form;
    mtab *tabs;
    size_t ntabs;
} mctx;

static lcm_status oom(lcm_err *err) {
    return lcm_err_set(err, LCM_NOMEM, "out of memory merging");
}

static void tabs_free(mctx *m) {
    for (size_t i = 0; i < m->ntabs; i++) {
        for (size_t c = 0; c < m->tabs[i].ncols; c++)
            free(m->tabs[i].cols[c]);
        free(m->tabs[i].cols);
        sqlite3_finalize(m->tabs[i].ins);
        sqlite3_finalize(m->tabs[i].mine);
        sqlite3_finalize(m->tabs[i].theirs);
    }
    free(m->tabs);
    m->tabs = NULL, m->ntabs = 0;
}

/* The columns of table t in this database. */
static lcm_status columns(mctx *m, mtab *t, lcm_err *err) {
    sqlite3_stmt *st = NULL;
    lcm_status rc =
        lcm_db_prepare(m->db, "SELECT name FROM pragma_table_info(?1) ORDER BY cid", &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, t->table, -1, SQLITE_STATIC);
    while (rc == LCM_OK && sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        char **c = realloc(t->cols, (t->ncols + 1) * sizeof *c);
        if (!c || !(c[t->ncols] = strdup(name)))
            rc = oom(err);
        if (c)
            t->cols = c;
        if (rc == LCM_OK && !lcm_sql_name_ok(t->cols[t->ncols++]))
            rc = lcm_err_set(err, LCM_INTERNAL, "column name of '%s' is not valid: '%s'", t->table,
                             name);
    }
    sqlite3_finalize(st);
    if (rc == LCM_OK && t->ncols == 0)
        rc = lcm_err_set(err, LCM_INTERNAL, "response table '%s' is missing", t->table);
    return rc;
}

/* INSERT and the two per-instance SELECTs of table t. */
static lcm_status statements(mctx *m, mtab *t, lcm_err *err) {
    lcm_strbuf ins = LCM_STRBUF_INIT, sel = LCM_STRBUF_INIT;
    lcm_strbuf_addf(&ins, "INSERT INTO \"%s\"(", t->table);
    lcm_strbuf_adds(&sel, "SELECT ");
    for (size_t c = 0; c < t->ncols; c++) {
        lcm_strbuf_addf(&ins, "%s\"%s\"", c ? ", " : "", t->cols[c]);
        lcm_strbuf_addf(&sel, "%s\"%s\"", c ? ", " : "", t->cols[c]);
    }
    lcm_strbuf_adds(&ins, ") VALUES (");
    for (size_t c = 0; c < t->ncols; c++)
        lcm_strbuf_addf(&ins, "%s?%zu", c ? ", " : "", c + 1);
    lcm_strbuf_adds(&ins, ")");
    lcm_strbuf_addf(&sel, " FROM \"%s\" WHERE \"instance_id\" = ?1%s", t->table,
                    t->is_main ? "" : " ORDER BY \"position\"");
    lcm_status rc = lcm_strbuf_ok(&ins) && lcm_strbuf_ok(&sel) ? LCM_OK : oom(err);
    if (rc == LCM_OK && (rc = lcm_db_prepare(m->db, ins.buf, &t->ins, err)) == LCM_OK &&
        (rc = lcm_db_prepare(m->db, sel.buf, &t->mine, err)) == LCM_OK &&
        lcm_db_prepare(m->other, sel.buf, &t->theirs, NULL) != LCM_OK)
        rc = lcm_err_set(err, LCM_CONFLICT,
                         "'%s': table '%s' does not have the columns of the same form here: %s",
                         m->path, t->table, sqlite3_errmsg(lcm_db_sqlite(m->other)));
    lcm_strbuf_release(&ins);
    lcm_strbuf_release(&sel);
    return rc;
}

/* The main table and the roster tables of a form version (named from its main table). */
static lcm_status tables(mctx *m, const char *main_table, lcm_err *err) {
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(m->db,
                                   "SELECT name FROM sqlite_schema WHERE type = 'table' AND "
                                   "(name = ?1 OR substr(name, 1, length(?1) + 2) = ?1 || '__') "
                                   "ORDER BY name <> ?1, name",
                                   &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, main_table, -1, SQLITE_STATIC);
    while (rc == LCM_OK && sqlite3_step(st) == SQLITE_ROW) {
        mtab *t = realloc(m->tabs, (m->ntabs + 1) * sizeof *t);
        if (!t) {
            rc = oom(err);
            break;
        }
        m->tabs = t;
        t = &m->tabs[m->ntabs++];
        memset(t, 0, sizeof *t);
        snprintf(t->table, sizeof t->table, "%s", (const char *)sqlite3_column_text(st, 0));
        t->is_main = strcmp(t->table, main_table) == 0;
        if (!lcm_sql_name_ok(t->table))
            rc = lcm_err_set(err, LCM_INTERNAL, "table name is not valid: '%s'", t->table);
        else if ((rc = columns(m, t, err)) == LCM_OK)
            rc = statements(m, t, err);
    }
    sqlite3_finalize(st);
    return rc;
}

static int same_value(sqlite3_stmt *a, sqlite3_stmt *b, int i) {
    int ta = sqlite3_column_type(a, i), tb = sqlite3_column_type(b, i);
    if (ta != tb)
        return 0;
    if (ta == SQLITE_NULL)
        return 1;
    if (ta == SQLITE_INTEGER)
        return sqlite3_column_int64(a, i) == sqlite3_column_int64(b, i);
    if (ta == SQLITE_FLOAT)
        return sqlite3_column_double(a, i) == sqlite3_column_double(b, i);
    const void *pa = sqlite3_column_blob(a, i), *pb = sqlite3_column_blob(b, i);
    int na = sqlite3_column_bytes(a, i), nb = sqlite3_column_bytes(b, i);
    return na == nb && (na == 0 || memcmp(pa, pb, (size_t)na) == 0);
}

static void value_text(sqlite3_stmt *st, int i, char *buf, size_t cap) {
    if (sqlite3_column_type(st, i) == SQLITE_NULL)
        snprintf(buf, cap, "empty");
    else
        snprintf(buf, cap, "'%.60s'", (const char *)sqlite3_column_text(st, i));
}

static lcm_status note_conflict(mctx *m, const char *id, const char *what, lcm_err *err) {
    m->form->conflicts++;
    lcm_merge_report *r = m->rep;
    if (r->nconflicts >= LCM_MERGE_MAX_LISTED)
        return LCM_OK;
    char **c = realloc(r->conflicts, (r->nconflicts + 1) * sizeof *c);
    lcm_strbuf sb = LCM_STRBUF_INIT;
    if (!c)
        return oom(err);
    r->conflicts = c;
    lcm_strbuf_addf(&sb, "instance %s of %s %s: %s", id, m->form->form_id, m->form->version, what);
    if (!lcm_strbuf_ok(&sb))
        return lcm_strbuf_release(&sb), oom(err);
    r->conflicts[r->nconflicts++] = lcm_strbuf_detach(&sb);
    return LCM_OK;
}

/* Compare the rows of table t for one instance: "" when they are the same, else what
 * differs (into diff). *here: this database has rows of it. */
static lcm_status compare(mctx *m, mtab *t, const char *id, int *here, char *diff, size_t cap,
                          lcm_err *err) {
    sqlite3_reset(t->mine), sqlite3_reset(t->theirs);
    sqlite3_bind_text(t->mine, 1, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(t->theirs, 1, id, -1, SQLITE_TRANSIENT);
    diff[0] = '\0';
    *here = 0;
    for (long row = 1;; row++) {
        int a = sqlite3_step(t->mine), b = sqlite3_step(t->theirs);
        if (a != SQLITE_ROW && a != SQLITE_DONE)
            return lcm_db_fail(m->db, err, "reading responses");
        if (b != SQLITE_ROW && b != SQLITE_DONE)
            return lcm_err_set(err, LCM_DB, "'%s': cannot read '%s': %s", m->path, t->table,
                               sqlite3_errmsg(lcm_db_sqlite(m->other)));
        *here |= a == SQLITE_ROW;
        if (a == SQLITE_DONE && b == SQLITE_DONE)
            return LCM_OK;
        if (a != b) {
            snprintf(diff, cap, "'%s' has %s row %ld here but %s there", t->table,
                     a == SQLITE_ROW ? "a" : "no", row, b == SQLITE_ROW ? "one" : "none");
            return LCM_OK;
        }
        for (size_t c = 0; c < t->ncols; c++) {
            if ((t->is_main &&
                 (strcmp(t->cols[c], "final_weight") == 0 || strcmp(t->cols[c], "source") == 0)) ||
                same_value(t->mine, t->theirs, (int)c))
                continue;
            char va[80], vb[80];
            value_text(t->mine, (int)c, va, sizeof va);
            value_text(t->theirs, (int)c, vb, sizeof vb);
            if (t->is_main)
                snprintf(diff, cap, "'%s' is %s here, %s there", t->cols[c], va, vb);
            else
                snprintf(diff, cap, "'%s' of roster row %ld is %s here, %s there", t->cols[c], row,
                         va, vb);
            return LCM_OK;
        }
    }
}

/* Insert the rows of table t for instance id from the other database. */
static lcm_status copy(mctx *m, mtab *t, const char *id, lcm_err *err) {
    sqlite3_reset(t->theirs);
    sqlite3_bind_text(t->theirs, 1, id, -1, SQLITE_TRANSIENT);
    int step;
    while ((step = sqlite3_step(t->theirs)) == SQLITE_ROW) {
        sqlite3_reset(t->ins);
        for (size_t c = 0; c < t->ncols; c++)
            sqlite3_bind_value(t->ins, (int)c + 1, sqlite3_column_value(t->theirs, (int)c));
        if (sqlite3_step(t->ins) != SQLITE_DONE)
            return lcm_err_set(err, LCM_CONSTRAINT, "'%s': instance %s cannot be stored (%s): %s",
                               m->path, id, t->table, sqlite3_errmsg(lcm_db_sqlite(m->db)));
    }
    return step == SQLITE_DONE ? LCM_OK
                               : lcm_err_set(err, LCM_DB, "'%s': cannot read '%s': %s", m->path,
                                             t->table, sqlite3_errmsg(lcm_db_sqlite(m->other)));
}

/* One instance: new, identical or a conflict. */
static lcm_status instance(mctx *m, const char *id, lcm_err *err) {
    char diff[512] = "";
    int here = 0, main_here = 0;
    lcm_status rc = LCM_OK;
    for (size_t i = 0; rc == LCM_OK && i < m->ntabs && !diff[0]; i++) {
        rc = compare(m, &m->tabs[i], id, &here, diff, sizeof diff, err);
        if (m->tabs[i].is_main)
            main_here = here;
        if (!main_here) /* not here at all: no need to look at its rosters */
            break;
    }
    if (rc != LCM_OK)
        return rc;
    if (!main_here) {
        for (size_t i = 0; rc == LCM_OK && i < m->ntabs; i++)
            rc = copy(m, &m->tabs[i], id, err);
        m->form->added += rc == LCM_OK;
        return rc;
    }
    if (!diff[0]) {
        m->form->identical++;
        return LCM_OK;
    }
    return note_conflict(m, id, diff, err);
}

/* The form version with other's table `table`: same digest here, then every instance. */
static lcm_status merge_form(mctx *m, sqlite3_stmt *f, lcm_err *err) {
    const char *id = (const char *)sqlite3_column_text(f, 0);
    const char *version = (const char *)sqlite3_column_text(f, 1);
    const char *digest = (const char *)sqlite3_column_text(f, 2);
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(m->db,
                                   "SELECT digest, table_name FROM forms WHERE form_id = ?1 AND "
                                   "version = ?2",
                                   &st, err);
    char table[192] = "";
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, version, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW)
        rc = lcm_err_set(err, LCM_NOTFOUND,
                         "'%s': form '%s' version '%s' is not loaded here: load the same "
                         "questionnaire first ('lcmon form load')",
                         m->path, id, version);
    else if (strcmp((const char *)sqlite3_column_text(st, 0), digest) != 0)
        rc = lcm_err_set(err, LCM_CONFLICT,
                         "'%s': form '%s' version '%s' is not the questionnaire loaded here "
                         "(digest %s there, %s here): the same version must be the same form",
                         m->path, id, version, digest, (const char *)sqlite3_column_text(st, 0));
    else
        snprintf(table, sizeof table, "%s", (const char *)sqlite3_column_text(st, 1));
    sqlite3_finalize(st);
    lcm_merge_form *mf = realloc(m->rep->forms, (m->rep->nforms + 1) * sizeof *mf);
    if (rc != LCM_OK || !mf)
        return rc != LCM_OK ? rc : oom(err);
    m->rep->forms = mf;
    m->form = &mf[m->rep->nforms++];
    memset(m->form, 0, sizeof *m->form);
    snprintf(m->form->form_id, sizeof m->form->form_id, "%s", id);
    snprintf(m->form->version, sizeof m->form->version, "%s", version);
    if ((rc = tables(m, table, err)) != LCM_OK)
        return rc;
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT \"instance_id\", \"status\" = 'draft' FROM \"%s\" ORDER BY rowid", table);
    if (lcm_db_prepare(m->other, sql, &st, NULL) != LCM_OK)
        return lcm_err_set(err, LCM_DB, "'%s': cannot read '%s': %s", m->path, table,
                           sqlite3_errmsg(lcm_db_sqlite(m->other)));
    int step;
    while (rc == LCM_OK && (step = sqlite3_step(st)) == SQLITE_ROW)
        if (sqlite3_column_int(st, 1))
            m->form->drafts++; /* not finished: never merged as if complete */
        else
            rc = instance(m, (const char *)sqlite3_column_text(st, 0), err);
    if (rc == LCM_OK && step != SQLITE_DONE)
        rc = lcm_err_set(err, LCM_DB, "'%s': cannot read '%s': %s", m->path, table,
                         sqlite3_errmsg(lcm_db_sqlite(m->other)));
    sqlite3_finalize(st);
    tabs_free(m);
    return rc;
}

static lcm_status merge_file(lcm_db *db, const char *path, lcm_merge_report *rep, lcm_err *err) {
    mctx m = {db, NULL, path, rep, NULL, NULL, 0};
    sqlite3_stmt *f = NULL;
    lcm_status rc = lcm_db_open(path, LCM_OPEN_READONLY, &m.other, err);
    if (rc != LCM_OK)
        return rc;
    struct stat a, b; /* the same file, whatever the path says */
    if (stat(lcm_db_path(db), &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
        a.st_ino == b.st_ino) {
        lcm_db_close(m.other);
        return lcm_err_set(err, LCM_INVAL, "'%s' is the database merged into", path);
    }
    rc = lcm_db_prepare(m.other,
                        "SELECT form_id, version, digest, table_name FROM forms "
                        "ORDER BY form_id, version",
                        &f, err);
    while (rc == LCM_OK && sqlite3_step(f) == SQLITE_ROW) {
        char sql[256], *table = (char *)sqlite3_column_text(f, 3);
        sqlite3_stmt *n = NULL;
        if (!lcm_sql_name_ok(table)) {
            rc = lcm_err_set(err, LCM_INVAL, "'%s': table name is not valid: '%s'", path, table);
            break;
        }
        snprintf(sql, sizeof sql, "SELECT 1 FROM \"%s\" LIMIT 1", table);
        int has_rows =
            lcm_db_prepare(m.other, sql, &n, NULL) == LCM_OK && sqlite3_step(n) == SQLITE_ROW;
        sqlite3_finalize(n);
        if (has_rows) /* forms without responses need not match */
            rc = merge_form(&m, f, err);
    }
    sqlite3_finalize(f);
    tabs_free(&m);
    lcm_db_close(m.other);
    return rc;
}

void lcm_merge_report_free(lcm_merge_report *rep) {
    if (!rep)
        return;
    for (size_t i = 0; i < rep->nconflicts; i++)
        free(rep->conflicts[i]);
    free(rep->conflicts);
    free(rep->forms);
    free(rep->path);
    memset(rep, 0, sizeof *rep);
}

lcm_status lcm_merge(lcm_db *db, const char *const *paths, size_t n, lcm_merge_report *reps,
                     lcm_err *err) {
    memset(reps, 0, n * sizeof *reps);
    lcm_status rc = lcm_db_begin(db, err);
    for (size_t i = 0; rc == LCM_OK && i < n; i++) {
        if (!(reps[i].path = strdup(paths[i])))
            rc = oom(err);
        else
            rc = merge_file(db, paths[i], &reps[i], err);
    }
    if (rc == LCM_OK)
        rc = lcm_db_commit(db, err);
    if (rc != LCM_OK)
        lcm_db_rollback(db);
    return rc;
}
