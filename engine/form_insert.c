/*
 * form_insert.c - writing an instance: the reference codes checked against the reference
 * tables (so a wrong county is refused with a message, not stored), then the main row and
 * the roster rows inside a savepoint of the caller's transaction, so a failure leaves
 * nothing of the instance behind while the caller decides about the rest. Saving replaces
 * a stored draft (an interview saves after every answer); a complete instance is final.
 */
#include "form_inst.h"
#include "strbuf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static lcm_status lookup(lcm_db *db, int level, const char *sql, const char *code, char **parent,
                         int *found, lcm_err *err) {
    sqlite3_stmt *st = NULL;
    const char *known = NULL;
    *found = 0;
    *parent = NULL;
    if (lcm_db_memo_get(db, level, code, &known, found)) /* an import asked already */
        return known && !(*parent = strdup(known)) ? lcm_err_set(err, LCM_NOMEM, "out of memory")
                                                   : LCM_OK;
    lcm_status rc = lcm_db_prepare_cached(db, sql, &st, err);
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
    if (rc == LCM_OK)
        lcm_db_memo_put(db, level, code, *parent, *found);
    sqlite3_reset(st);
    return rc;
}

/* The answer of the field with reference kind k, or NULL. */
static const char *ref_value(const lcm_instance *in, lcm_ref_kind k) {
    for (size_t i = 0; i < in->f->nfields; i++)
        if (in->f->fields[i].reference == k)
            return *lcm_instance_get(in, (int)i, 0) ? lcm_instance_get(in, (int)i, 0) : NULL;
    return NULL;
}

static const char *const level_sql[] = {
    "SELECT code FROM cities WHERE code = ?1",
    "SELECT city_code FROM admin_units WHERE code = ?1 AND level = 'county'",
    "SELECT parent_code FROM admin_units WHERE code = ?1 AND level = 'township'",
};
static const char *const level_name[] = {"city", "county", "township"};

/* Code of level k (0 city, 1 county, 2 township) exists and, when above is given, belongs
 * to it. */
static lcm_status check_level(lcm_db *db, int k, const char *code, const char *above,
                              lcm_err *err) {
    char *parent = NULL;
    int found;
    lcm_status rc = lookup(db, k, level_sql[k], code, &parent, &found, err);
    if (rc == LCM_OK && !found)
        rc = lcm_err_set(err, LCM_CONSTRAINT, "%s code '%s' is not in the reference data",
                         level_name[k], code);
    else if (rc == LCM_OK && k > 0 && above && (!parent || strcmp(parent, above) != 0))
        rc = lcm_err_set(err, LCM_CONSTRAINT, "%s '%s' does not belong to %s '%s' (it is in '%s')",
                         level_name[k], code, level_name[k - 1], above, parent ? parent : "none");
    free(parent);
    return rc;
}

/* The codes of the three levels: the city column, the county and township answers. */
static void level_codes(const lcm_instance *in, const char *code[3]) {
    code[0] = in->meta[LCM__STD_CITY];
    code[1] = ref_value(in, LCM_REF_COUNTY);
    code[2] = ref_value(in, LCM_REF_TOWNSHIP);
}

/* The city column, and the county and township codes, against the reference tables;
 * nested: each level inside the one above (only existence when nested is 0). */
static lcm_status check_references(lcm_db *db, const lcm_instance *in, int nested, lcm_err *err) {
    const char *code[3];
    level_codes(in, code);
    const char *city = ref_value(in, LCM_REF_CITY);
    if (city && code[0] && strcmp(city, code[0]) != 0)
        return lcm_err_set(err, LCM_CONFLICT, "city code '%s' differs from the city column '%s'",
                           city, code[0]);
    for (int k = 0; k < 3; k++) {
        lcm_status rc =
            code[k] ? check_level(db, k, code[k], nested && k ? code[k - 1] : NULL, err) : LCM_OK;
        if (rc != LCM_OK)
            return rc;
    }
    return LCM_OK;
}

lcm_status lcm_instance_check_reference(lcm_db *db, const lcm_instance *in, int field,
                                        lcm_err *err) {
    if (field < 0 || (size_t)field >= in->f->nfields)
        return lcm_err_set(err, LCM_INVAL, "no field number %d", field);
    const lcm_field *fd = &in->f->fields[field];
    const char *v = lcm_instance_get(in, field, 0), *code[3];
    int k = fd->reference == LCM_REF_COUNTY                                                    ? 1
            : fd->reference == LCM_REF_TOWNSHIP                                                ? 2
            : fd->reference == LCM_REF_CITY || (fd->column && strcmp(fd->column, "city") == 0) ? 0
                                                                                               : -1;
    if (k < 0 || fd->repeat >= 0 || !*v)
        return LCM_OK;
    level_codes(in, code);
    if (k == 0 && !code[0]) /* the city column is filled when the instance is saved */
        code[0] = v;
    return check_level(db, k, v, k ? code[k - 1] : NULL, err);
}

/* The choices named in a select_multiple answer (separated by spaces or tabs), as bits
 * by index in the list; lists longer than 64 are looked up one name at a time. */
static uint64_t chosen_bits(const lcm_field *fd, const char *list) {
    uint64_t bits = 0;
    for (const char *p = list; *p;) {
        while (*p == ' ' || *p == '\t')
            p++;
        size_t n = 0;
        while (p[n] && p[n] != ' ' && p[n] != '\t')
            n++;
        int k = n ? lcm__form_choice_n(fd->list, p, n) : -1; /* names are unique */
        if (k >= 0 && k < 64)
            bits |= (uint64_t)1 << k;
        p += n;
    }
    return bits;
}

static int selected(const char *list, const char *name) {
    size_t n = strlen(name);
    for (const char *p = list; (p = strstr(p, name)) != NULL; p += n)
        if ((p == list || p[-1] == ' ' || p[-1] == '\t') &&
            (p[n] == '\0' || p[n] == ' ' || p[n] == '\t'))
            return 1;
    return 0;
}

/* Whole numbers of up to 15 digits, read without strtoll/strtod (exact either way). */
static int small_int(const char *v, long long *out) {
    const char *p = v + (*v == '-');
    long long k = 0;
    int n = 0;
    for (; *p >= '0' && *p <= '9' && n < 16; p++, n++)
        k = k * 10 + (*p - '0');
    *out = *v == '-' ? -k : k;
    return n > 0 && n < 16 && *p == '\0';
}

/* Text bound with its length: given -1, SQLite counts the bytes one at a time (4% of an
 * import of responses). */
static void bind_text(sqlite3_stmt *st, int at, const char *v) {
    sqlite3_bind_text(st, at, v, (int)strlen(v), SQLITE_STATIC);
}

static void bind_meta(const lcm_instance *in, sqlite3_stmt *st) {
    for (size_t i = 0; i < lcm__n_std_cols; i++) {
        const char *v = in->meta[i];
        if (!v)
            sqlite3_bind_null(st, (int)i + 1);
        else if (i == LCM__STD_WAVE)
            sqlite3_bind_int64(st, (int)i + 1, strtoll(v, NULL, 10));
        else if (i == LCM__STD_DESIGN_WEIGHT || i == LCM__STD_FINAL_WEIGHT)
            sqlite3_bind_double(st, (int)i + 1, strtod(v, NULL));
        else
            bind_text(st, (int)i + 1, v);
    }
}

/* Bind one row of a table (form_plan.c) from parameter base + 1: the standard columns (main)
 * or instance_id and position (roster), then the answers. Text is bound without a copy: the
 * instance outlives the statement's step. */
static void bind_row(sqlite3_stmt *st, const lcm_instance *in, const lcm__table_plan *p, long row,
                     int base) {
    if (p->repeat < 0)
        bind_meta(in, st);
    else {
        bind_text(st, base + 1, in->meta[LCM__STD_ID]);
        sqlite3_bind_int64(st, base + 2, row);
        if (p->nfixed == 3) /* a repeat inside a repeat: the row it belongs to */
            sqlite3_bind_int64(st, base + 3, in->rep[p->repeat].parent[row - 1]);
    }
    /* The row's answers, by field index (form_inst.h). */
    char *const *cells = p->repeat < 0 ? in->main : in->rep[p->repeat].row[row - 1];
    int bits_of = -1; /* the select_multiple whose choices are in bits */
    uint64_t bits = 0;
    for (size_t c = 0; c < p->ncols; c++) {
        const lcm_field *fd = &in->f->fields[p->cols[c].field];
        const char *v = cells[p->cols[c].field];
        int at = base + p->nfixed + (int)c + 1;
        long long k;
        if (!v || !*v)
            sqlite3_bind_null(st, at);
        else if (p->cols[c].choice >= 64)
            sqlite3_bind_int(st, at, selected(v, fd->list->items[p->cols[c].choice].name));
        else if (p->cols[c].choice >= 0) {
            if (bits_of != p->cols[c].field)
                bits = chosen_bits(fd, v), bits_of = p->cols[c].field;
            sqlite3_bind_int(st, at, (int)(bits >> p->cols[c].choice & 1));
        } else if (fd->type == LCM_FT_INTEGER)
            sqlite3_bind_int64(st, at, small_int(v, &k) ? k : strtoll(v, NULL, 10));
        else if (fd->type == LCM_FT_DECIMAL || fd->type == LCM_FT_RANGE)
            sqlite3_bind_double(st, at, small_int(v, &k) ? (double)k : strtod(v, NULL));
        else if (fd->type == LCM_FT_CALCULATE && small_int(v, &k)) /* NUMERIC would make it so */
            sqlite3_bind_int64(st, at, k);
        else
            bind_text(st, at, v);
    }
}

/* INSERT of one row of a table: the main row, or a roster row. */
static lcm_status insert_row(lcm_db *db, const lcm_instance *in, const lcm__table_plan *p, long row,
                             lcm_err *err) {
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare_rebind(db, p->sql, &st, err); /* every column bound below */
    if (rc != LCM_OK)
        return rc;
    bind_row(st, in, p, row, 0);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = sqlite3_extended_errcode(lcm_db_sqlite(db)) == SQLITE_CONSTRAINT_PRIMARYKEY &&
                     p->repeat < 0
                 ? lcm_err_set(err, LCM_EXISTS, "instance '%s' is already stored",
                               in->meta[LCM__STD_ID])
                 : lcm_db_fail(db, err, "storing the instance");
    sqlite3_reset(st);
    return rc;
}

/* The upsert of one row (form_plan.c): the main row, or a roster row. For the main row,
 * LCM_CONFLICT when the stored row is complete (the upsert leaves it alone). */
static lcm_status upsert_row(lcm_db *db, const lcm_instance *in, const lcm__table_plan *p, long row,
                             lcm_err *err) {
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare_rebind(db, p->upsert_sql, &st, err);
    if (rc != LCM_OK)
        return rc;
    bind_row(st, in, p, row, 0);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = lcm_db_fail(db, err, "storing the instance");
    else if (p->repeat < 0 && sqlite3_changes(lcm_db_sqlite(db)) == 0)
        rc = lcm_err_set(err, LCM_CONFLICT,
                         "instance '%s' is already stored complete: it is not replaced",
                         in->meta[LCM__STD_ID]);
    sqlite3_reset(st);
    return rc;
}

/* Roster rows first..first+n-1 (n > 1) in one INSERT of n rows: one statement run instead of
 * n (each run opens the table's and the index's cursors, finds the last rowid, and closes
 * them: a tenth of an import of households with 2.3 members each). At most MULTI_ROWS rows,
 * so that the statement cache (db.c) holds the few shapes an import uses. 1 when done (rc
 * set), 0 when the statement would be too long (the caller inserts row by row). */
#define MULTI_ROWS 8
static int insert_multi(lcm_db *db, const lcm_instance *in, const lcm__table_plan *p, long first,
                        long n, int upsert, lcm_status *rc, lcm_err *err) {
    char sql[4096];
    size_t len = strlen(p->sql), width = (size_t)p->nfixed + p->ncols;
    const char *values = strstr(p->sql, ") VALUES (");
    const char *tail = upsert ? p->upsert_sql + len : ""; /* " ON CONFLICT …" */
    size_t ntail = strlen(tail);
    if (!values || n > MULTI_ROWS || len + (size_t)(n - 1) * (3 * width + 3) + ntail >= sizeof sql)
        return 0;
    memcpy(sql, p->sql, len);
    for (long r = 1; r < n; r++) { /* ", (?, ?, …)" */
        memcpy(sql + len, ", (", 3), len += 3;
        for (size_t c = 0; c < width; c++)
            memcpy(sql + len, c ? ", ?" : "?", c ? 3 : 1), len += c ? 3 : 1;
        sql[len++] = ')';
    }
    memcpy(sql + len, tail, ntail + 1);
    sqlite3_stmt *st = NULL;
    if ((*rc = lcm_db_prepare_rebind(db, sql, &st, err)) != LCM_OK)
        return 1;
    for (long r = 0; r < n; r++)
        bind_row(st, in, p, first + r, (int)((size_t)r * width));
    if (sqlite3_step(st) != SQLITE_DONE)
        *rc = lcm_db_fail(db, err, "storing the instance");
    sqlite3_reset(st);
    return 1;
}

/* The roster rows, after the main row; upsert: written over the rows stored at the same
 * positions, and the stored rows after the last one deleted. */
static lcm_status insert_rosters(lcm_db *db, const lcm_instance *in, int upsert, lcm_err *err) {
    const lcm_form *f = in->f;
    lcm_status rc = LCM_OK;
    for (size_t t = 1; t < f->nplans && rc == LCM_OK; t++) {
        const lcm__table_plan *p = &f->plans[t];
        long rows = in->rep[p->repeat].n;
        for (long row = 1; row <= rows && rc == LCM_OK;) {
            long n = rows - row + 1 < MULTI_ROWS ? rows - row + 1 : MULTI_ROWS;
            if (n > 1 && insert_multi(db, in, p, row, n, upsert, &rc, err))
                row += n;
            else
                rc = upsert ? upsert_row(db, in, p, row++, err) : insert_row(db, in, p, row++, err);
        }
        if (rc == LCM_OK && upsert) {
            sqlite3_stmt *st = NULL;
            if ((rc = lcm_db_prepare_cached(db, p->trim_sql, &st, err)) != LCM_OK)
                break;
            sqlite3_bind_text(st, 1, in->meta[LCM__STD_ID], -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 2, rows);
            if (sqlite3_step(st) != SQLITE_DONE)
                rc = lcm_db_fail(db, err, "storing the instance");
            sqlite3_reset(st);
        }
    }
    return rc;
}

/* Delete the rows of the instance, roster rows first (the foreign keys might be off). */
static lcm_status delete_rows(lcm_db *db, const lcm_instance *in, const char *doing, lcm_err *err) {
    lcm_status rc = LCM_OK;
    for (size_t t = in->f->nplans; t-- > 0 && rc == LCM_OK;) {
        sqlite3_stmt *st = NULL;
        if ((rc = lcm_db_prepare_cached(db, in->f->plans[t].delete_sql, &st, err)) != LCM_OK)
            break;
        sqlite3_bind_text(st, 1, in->meta[LCM__STD_ID], -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = lcm_db_fail(db, err, doing);
        sqlite3_reset(st);
    }
    return rc;
}

/* Write the instance in the caller's transaction; replace: write over the stored copy (a
 * complete one is refused), inside a savepoint. */
static lcm_status write_instance(lcm_db *db, const lcm_instance *in, int replace, long long *rowid,
                                 lcm_err *err) {
    if (sqlite3_get_autocommit(lcm_db_sqlite(db)))
        return lcm_err_set(err, LCM_INVAL, "storing an instance needs an open transaction");
    if (!in->f->plans)
        return lcm_err_set(err, LCM_INTERNAL, "form '%s' was not read to the end", in->f->form_id);
    const char *status = in->meta[LCM__STD_STATUS];
    int complete = status && strcmp(status, "complete") == 0;
    lcm_status rc = check_references(db, in, !replace || complete, err);
    if (rc != LCM_OK)
        return rc;
    if (!replace) {
        /* A new instance needs no savepoint (which would copy every page it touches to
         * a statement journal). A refused main row wrote nothing (LCM_EXISTS: the id is
         * stored); if a roster row is refused, the rows written so far are all this
         * instance's, and deleting them leaves the database as it was. */
        lcm_err first, why; /* not = {0}: that clears 1 KB, per row */
        lcm_err_clear(&first), lcm_err_clear(&why);
        if ((rc = insert_row(db, in, &in->f->plans[0], 0, err)) != LCM_OK)
            return rc;
        if (rowid)
            *rowid = (long long)sqlite3_last_insert_rowid(lcm_db_sqlite(db));
        if ((rc = insert_rosters(db, in, 0, &first)) == LCM_OK)
            return LCM_OK;
        if (delete_rows(db, in, "taking back a refused instance", &why) != LCM_OK)
            return lcm_err_set(err, LCM_DB, "%s (after: %s)", why.msg, first.msg);
        return lcm_err_set(err, rc, "%s", first.msg);
    }
    if ((rc = lcm_db_run_cached(db, "SAVEPOINT lcm_instance", err)) != LCM_OK)
        return rc;
    /* Written again in place: the main row and the roster rows upserted, the rows after
     * the last one deleted (a delete and an insert would move the row to the table's end
     * and write twice the pages). */
    if ((rc = upsert_row(db, in, &in->f->plans[0], 0, err)) == LCM_OK)
        rc = insert_rosters(db, in, 1, err);
    if (rc != LCM_OK)
        sqlite3_exec(lcm_db_sqlite(db), "ROLLBACK TO lcm_instance", NULL, NULL, NULL);
    lcm_status rel = lcm_db_run_cached(db, "RELEASE lcm_instance", err);
    return rc != LCM_OK ? rc : rel;
}

lcm_status lcm_instance_insert(lcm_db *db, const lcm_instance *in, lcm_err *err) {
    return write_instance(db, in, 0, NULL, err);
}

lcm_status lcm_instance_insert_rowid(lcm_db *db, const lcm_instance *in, long long *rowid,
                                     lcm_err *err) {
    return write_instance(db, in, 0, rowid, err);
}

lcm_status lcm_instance_save(lcm_db *db, const lcm_instance *in, lcm_err *err) {
    return write_instance(db, in, 1, NULL, err);
}
