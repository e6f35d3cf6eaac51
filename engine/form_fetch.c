/*
 * form_fetch.c - a stored instance read back into memory, so that an interrupted interview
 * can go on (`lcmon interview --resume ID`): the standard columns, the answers of the main
 * row (a field that fills a standard column takes that column's value) and the roster
 * rows, which must be numbered 1..n.
 *
 * Values come back as the text an interviewer would have typed: integers without a
 * decimal point, reals in the shortest form that reads back the same ("4", "12.5").
 * Table names come from the checked form (or, when looking for the version, from the
 * forms table, validated again); they are quoted all the same, values are bound.
 */
#include "form_inst.h"
#include "strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Column c of the current row as text into buf; NULL when the cell is NULL. */
static const char *column_text(sqlite3_stmt *st, int c, char *buf, size_t size) {
    switch (sqlite3_column_type(st, c)) {
    case SQLITE_NULL:
        return NULL;
    case SQLITE_INTEGER:
        snprintf(buf, size, "%lld", (long long)sqlite3_column_int64(st, c));
        return buf;
    case SQLITE_FLOAT: {
        lcm_value v = {LCM_VAL_NUM, sqlite3_column_double(st, c), NULL, 0};
        char *s = lcm_value_string(&v);
        snprintf(buf, size, "%s", s ? s : "");
        free(s);
        return buf;
    }
    default:
        return (const char *)sqlite3_column_text(st, c);
    }
}

/* is_main 1: the main table; 0: a roster; 2: a repeat inside a repeat (parent_position
 * follows position). */
static lcm_status prepare_select(lcm_db *db, const lcm_form *f, const char *table, int is_main,
                                 sqlite3_stmt **st, lcm_err *err) {
    /* the SELECT worked out with the form (form_plan.c), from the connection's cache: a
     * server reads an instance back for every page */
    for (size_t t = 0; t < f->nplans; t++)
        if (is_main == 1 ? f->plans[t].repeat < 0
                         : f->plans[t].repeat >= 0 &&
                               strcmp(f->fields[f->plans[t].repeat].table, table) == 0)
            return lcm_db_prepare_cached(db, f->plans[t].select_sql, st, err);
    return lcm_err_set(err, LCM_INTERNAL, "form '%s' has no table '%s'", f->form_id, table);
}

/* Answers of the current row of st, from column `first` on, into row `row` of the table. */
static lcm_status read_answers(lcm_instance *in, const char *table, long row, sqlite3_stmt *st,
                               int first, lcm_err *err) {
    char buf[64];
    int c = first;
    lcm_status rc = LCM_OK;
    for (size_t i = 0; i < in->f->nfields && rc == LCM_OK; i++)
        if (lcm__field_in_table(&in->f->fields[i], table))
            rc = lcm_instance_set(in, (int)i, row, column_text(st, c++, buf, sizeof buf), err);
    return rc;
}

/* Standard columns, and the fields that fill them (lcmon_column, start, end). */
static lcm_status read_meta(lcm_instance *in, sqlite3_stmt *st, lcm_err *err) {
    char buf[64];
    lcm_status rc = LCM_OK;
    for (size_t c = 0; c < lcm__n_std_cols && rc == LCM_OK; c++)
        rc = lcm_instance_set_meta(in, lcm__std_cols[c].name,
                                   column_text(st, (int)c, buf, sizeof buf), err);
    for (size_t i = 0; i < in->f->nfields && rc == LCM_OK; i++) {
        const lcm_field *fd = &in->f->fields[i];
        const char *v = fd->column && fd->repeat < 0 ? lcm_instance_meta(in, fd->column) : NULL;
        if (v && fd->type != LCM_FT_CALCULATE)
            rc = lcm_instance_set(in, (int)i, 0, v, err);
    }
    return rc;
}

static lcm_status read_rows(lcm_db *db, lcm_instance *in, int repeat, lcm_err *err) {
    const char *table = in->f->fields[repeat].table;
    int inner = in->f->fields[repeat].repeat >= 0; /* rows carry their parent row */
    sqlite3_stmt *st = NULL;
    lcm_status rc = prepare_select(db, in->f, table, inner ? 2 : 0, &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, in->meta[0], -1, SQLITE_STATIC);
    int step = SQLITE_DONE;
    while (rc == LCM_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        long pos, want = lcm_instance_rows(in, repeat) + 1;
        if (sqlite3_column_int64(st, 0) != want)
            rc = lcm_err_set(err, LCM_PARSE,
                             "stored instance '%s': rows of '%s' are not numbered 1, 2, … (row "
                             "%lld where %ld belongs)",
                             in->meta[0], in->f->fields[repeat].name,
                             (long long)sqlite3_column_int64(st, 0), want);
        else if ((rc = lcm_instance_add_row_in(in, repeat,
                                               inner ? (long)sqlite3_column_int64(st, 1) : 0, &pos,
                                               err)) == LCM_OK)
            rc = read_answers(in, table, pos, st, inner ? 2 : 1, err);
    }
    if (rc == LCM_OK && step != SQLITE_DONE)
        rc = lcm_db_fail(db, err, "reading the instance");
    sqlite3_reset(st);
    return rc;
}

lcm_status lcm_instance_load(lcm_db *db, const lcm_form *f, const char *instance_id,
                             lcm_instance **out, lcm_err *err) {
    lcm_instance *in = NULL;
    sqlite3_stmt *st = NULL;
    *out = NULL;
    lcm_status rc = lcm_instance_new(f, &in, err);
    if (rc == LCM_OK)
        rc = lcm_instance_set_meta(in, "instance_id", instance_id, err);
    if (rc == LCM_OK)
        rc = prepare_select(db, f, f->table, 1, &st, err);
    if (rc != LCM_OK)
        goto cleanup;
    sqlite3_bind_text(st, 1, instance_id, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    if (step == SQLITE_DONE)
        rc =
            lcm_err_set(err, LCM_NOTFOUND, "no instance '%s' in table '%s'", instance_id, f->table);
    else if (step != SQLITE_ROW)
        rc = lcm_db_fail(db, err, "reading the instance");
    if (rc == LCM_OK && (rc = read_meta(in, st, err)) == LCM_OK)
        rc = read_answers(in, f->table, 0, st, (int)lcm__n_std_cols, err);
    sqlite3_reset(st); /* done with it (the answers are copied) before the rows' statements */
    st = NULL;
    for (size_t i = 0; i < f->nfields && rc == LCM_OK; i++)
        if (f->fields[i].type == LCM_FT_BEGIN_REPEAT)
            rc = read_rows(db, in, (int)i, err);
cleanup:
    sqlite3_reset(st);
    if (rc != LCM_OK) {
        lcm_instance_free(in);
        return rc;
    }
    *out = in;
    return LCM_OK;
}

/* 1 when table (a name from the forms table) holds instance_id. */
static lcm_status holds(lcm_db *db, const char *table, const char *instance_id, int *found,
                        lcm_err *err) {
    char sql[256];
    sqlite3_stmt *st = NULL;
    *found = 0;
    if (strlen(table) > 200 ||
        strspn(table, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") !=
            strlen(table))
        return lcm_err_set(err, LCM_PARSE, "forms table names a response table '%.60s'", table);
    snprintf(sql, sizeof sql, "SELECT 1 FROM \"%s\" WHERE instance_id = ?1", table);
    lcm_status rc = lcm_db_prepare(db, sql, &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, instance_id, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    *found = step == SQLITE_ROW;
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = lcm_db_fail(db, err, "looking for the instance");
    sqlite3_finalize(st);
    return rc;
}

lcm_status lcm_form_get_for_instance(lcm_db *db, const char *form_id, const char *instance_id,
                                     lcm_form **out, lcm_err *err) {
    sqlite3_stmt *st = NULL;
    char *version = NULL;
    int found = 0;
    *out = NULL;
    lcm_status rc = lcm_db_prepare(db,
                                   "SELECT version, table_name FROM forms WHERE form_id = ?1 "
                                   "ORDER BY loaded_at DESC, rowid DESC",
                                   &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, form_id, -1, SQLITE_STATIC);
    while (rc == LCM_OK && !found && sqlite3_step(st) == SQLITE_ROW) {
        rc = holds(db, (const char *)sqlite3_column_text(st, 1), instance_id, &found, err);
        if (rc == LCM_OK && found && !(version = strdup((const char *)sqlite3_column_text(st, 0))))
            rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
    }
    sqlite3_finalize(st);
    if (rc == LCM_OK && !found)
        rc = lcm_err_set(err, LCM_NOTFOUND, "no instance '%s' of form '%s' in '%s'", instance_id,
                         form_id, lcm_db_path(db));
    if (rc == LCM_OK)
        rc = lcm_form_get(db, form_id, version, out, err);
    free(version);
    return rc;
}
