/*
 * form_insert.c - writing a finished instance: the reference codes checked against the
 * reference tables (so a wrong county is refused with a message, not stored), then the
 * main row and the roster rows inside a savepoint of the caller's transaction, so a
 * failure leaves nothing of the instance behind while the caller decides about the rest.
 */
#include "form_inst.h"
#include "strbuf.h"

#include <stdlib.h>
#include <string.h>

static lcm_status lookup(lcm_db *db, const char *sql, const char *code, char **parent, int *found,
                         lcm_err *err) {
    sqlite3_stmt *st = NULL;
    *found = 0;
    *parent = NULL;
    lcm_status rc = lcm_db_prepare(db, sql, &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        const unsigned char *p = sqlite3_column_text(st, 0);
        *found = 1;
        if (p && !(*parent = strdup((const char *)p)))
            rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
    } else if (step != SQLITE_DONE)
        rc = lcm_db_fail(db, err, "reading the reference data");
    sqlite3_finalize(st);
    return rc;
}

/* The answer of the field with reference kind k, or NULL. */
static const char *ref_value(const lcm_instance *in, lcm_ref_kind k) {
    for (size_t i = 0; i < in->f->nfields; i++)
        if (in->f->fields[i].reference == k)
            return *lcm_instance_get(in, (int)i, 0) ? lcm_instance_get(in, (int)i, 0) : NULL;
    return NULL;
}

/* The city column, and the county and township codes, against the reference tables. */
static lcm_status check_references(lcm_db *db, const lcm_instance *in, lcm_err *err) {
    static const char *const sql[] = {
        "SELECT code FROM cities WHERE code = ?1",
        "SELECT city_code FROM admin_units WHERE code = ?1 AND level = 'county'",
        "SELECT parent_code FROM admin_units WHERE code = ?1 AND level = 'township'",
    };
    static const char *const what[] = {"city", "county", "township"};
    const char *code[3] = {in->meta[lcm__std_col_find("city")], ref_value(in, LCM_REF_COUNTY),
                           ref_value(in, LCM_REF_TOWNSHIP)};
    const char *city = ref_value(in, LCM_REF_CITY);
    if (city && code[0] && strcmp(city, code[0]) != 0)
        return lcm_err_set(err, LCM_CONFLICT, "city code '%s' differs from the city column '%s'",
                           city, code[0]);
    for (int k = 0; k < 3; k++) {
        char *parent = NULL;
        int found;
        if (!code[k])
            continue;
        lcm_status rc = lookup(db, sql[k], code[k], &parent, &found, err);
        const char *above = k ? code[k - 1] : NULL;
        if (rc == LCM_OK && !found)
            rc = lcm_err_set(err, LCM_CONSTRAINT, "%s code '%s' is not in the reference data",
                             what[k], code[k]);
        else if (rc == LCM_OK && above && (!parent || strcmp(parent, above) != 0))
            rc = lcm_err_set(err, LCM_CONSTRAINT,
                             "%s '%s' does not belong to %s '%s' (it is in '%s')", what[k], code[k],
                             what[k - 1], above, parent ? parent : "none");
        free(parent);
        if (rc != LCM_OK)
            return rc;
    }
    return LCM_OK;
}

/* Bind text as the column's type wants it: NULL when empty. */
static void bind_value(sqlite3_stmt *st, int at, lcm_field_type t, const char *v) {
    if (!v || !*v)
        sqlite3_bind_null(st, at);
    else if (t == LCM_FT_INTEGER)
        sqlite3_bind_int64(st, at, strtoll(v, NULL, 10));
    else if (t == LCM_FT_DECIMAL || t == LCM_FT_RANGE)
        sqlite3_bind_double(st, at, strtod(v, NULL));
    else
        sqlite3_bind_text(st, at, v, -1, SQLITE_TRANSIENT);
}

static int selected(const char *list, const char *name) {
    size_t n = strlen(name);
    for (const char *p = list; (p = strstr(p, name)) != NULL; p += n)
        if ((p == list || p[-1] == ' ' || p[-1] == '\t') &&
            (p[n] == '\0' || p[n] == ' ' || p[n] == '\t'))
            return 1;
    return 0;
}

/* Column list (sql != NULL) or bindings (st != NULL) of the fields stored in table, walked
 * the same way both times; *at counts the columns. */
static void field_columns(const lcm_instance *in, const char *table, long row, lcm_strbuf *sql,
                          sqlite3_stmt *st, int *at) {
    const lcm_form *f = in->f;
    for (size_t i = 0; i < f->nfields; i++) {
        const lcm_field *fd = &f->fields[i];
        if (!fd->column || fd->type == LCM_FT_BEGIN_REPEAT || strcmp(fd->table, table) != 0 ||
            lcm__std_col_find(fd->column) >= 0)
            continue;
        const char *v = lcm_instance_get(in, (int)i, row);
        ++*at;
        if (sql)
            lcm_strbuf_addf(sql, ", \"%s\"", fd->column);
        else
            bind_value(st, *at, fd->type, v);
        for (size_t k = 0; fd->type == LCM_FT_SELECT_MULTIPLE && k < fd->list->n; k++) {
            if (!lcm_field_choice_column(fd, k))
                continue;
            ++*at;
            if (st) {
                if (*v)
                    sqlite3_bind_int(st, *at, selected(v, fd->list->items[k].name));
                else
                    sqlite3_bind_null(st, *at);
                continue;
            }
            char *mc = lcm__multi_column(fd, &fd->list->items[k]);
            if (!mc)
                sql->oom = 1;
            else
                lcm_strbuf_addf(sql, ", \"%s\"", mc);
            free(mc);
        }
    }
}

static void bind_meta(const lcm_instance *in, sqlite3_stmt *st) {
    for (size_t i = 0; i < lcm__n_std_cols; i++) {
        const char *v = in->meta[i], *name = lcm__std_cols[i].name;
        if (v && strcmp(name, "wave") == 0)
            sqlite3_bind_int64(st, (int)i + 1, strtoll(v, NULL, 10));
        else if (v && strstr(name, "_weight"))
            sqlite3_bind_double(st, (int)i + 1, strtod(v, NULL));
        else if (v)
            sqlite3_bind_text(st, (int)i + 1, v, -1, SQLITE_STATIC);
    }
}

/* INSERT of one row of table: standard columns (main) or instance_id/position (roster). */
static lcm_status insert_row(lcm_db *db, const lcm_instance *in, const char *table, long row,
                             lcm_err *err) {
    int is_main = strcmp(table, in->f->table) == 0, n = 0;
    lcm_strbuf sql = LCM_STRBUF_INIT;
    sqlite3_stmt *st = NULL;
    lcm_strbuf_addf(&sql, "INSERT INTO \"%s\" (", table);
    for (size_t i = 0; is_main && i < lcm__n_std_cols; i++, n++)
        lcm_strbuf_addf(&sql, "%s%s", i ? ", " : "", lcm__std_cols[i].name);
    if (!is_main) {
        lcm_strbuf_adds(&sql, "instance_id, position");
        n = 2;
    }
    int fixed = n;
    field_columns(in, table, row, &sql, NULL, &n);
    lcm_strbuf_adds(&sql, ") VALUES (");
    for (int i = 0; i < n; i++)
        lcm_strbuf_adds(&sql, i ? ", ?" : "?");
    lcm_strbuf_adds(&sql, ")");
    lcm_status rc = lcm_strbuf_ok(&sql) ? lcm_db_prepare(db, sql.buf, &st, err)
                                        : lcm_err_set(err, LCM_NOMEM, "out of memory");
    lcm_strbuf_release(&sql);
    if (rc != LCM_OK)
        return rc;
    if (is_main)
        bind_meta(in, st);
    else {
        sqlite3_bind_text(st, 1, in->meta[0], -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, row);
    }
    field_columns(in, table, row, NULL, st, &fixed);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = sqlite3_extended_errcode(lcm_db_sqlite(db)) == SQLITE_CONSTRAINT_PRIMARYKEY && is_main
                 ? lcm_err_set(err, LCM_EXISTS, "instance '%s' is already stored", in->meta[0])
                 : lcm_db_fail(db, err, "storing the instance");
    sqlite3_finalize(st);
    return rc;
}

static lcm_status insert_all(lcm_db *db, const lcm_instance *in, lcm_err *err) {
    lcm_status rc = insert_row(db, in, in->f->table, 0, err);
    for (size_t i = 0; i < in->f->nfields && rc == LCM_OK; i++) {
        if (in->f->fields[i].type != LCM_FT_BEGIN_REPEAT)
            continue;
        for (long row = 1; row <= in->rep[i].n && rc == LCM_OK; row++)
            rc = insert_row(db, in, in->f->fields[i].table, row, err);
    }
    return rc;
}

lcm_status lcm_instance_insert(lcm_db *db, const lcm_instance *in, lcm_err *err) {
    if (sqlite3_get_autocommit(lcm_db_sqlite(db)))
        return lcm_err_set(err, LCM_INVAL, "lcm_instance_insert needs an open transaction");
    lcm_status rc = check_references(db, in, err);
    if (rc != LCM_OK)
        return rc;
    if ((rc = lcm_db_exec(db, "SAVEPOINT lcm_instance", err)) != LCM_OK)
        return rc;
    rc = insert_all(db, in, err);
    if (rc != LCM_OK)
        sqlite3_exec(lcm_db_sqlite(db), "ROLLBACK TO lcm_instance", NULL, NULL, NULL);
    sqlite3_exec(lcm_db_sqlite(db), "RELEASE lcm_instance", NULL, NULL, NULL);
    return rc;
}
