/*
 * network_report.c - the register as tables: the list of members, the history of changes
 * and the provincial summary of the seed's 附件3.
 *
 * Each report is one query whose rows land in an lcm_net_table, in the language asked
 * for, so the CLI prints every report the same way (table, CSV, JSON) and the xlsx writer
 * takes the same rows as the CSV.
 */
#include "network.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A column of a report: key for csv/json, headers in both languages, how to show it. */
typedef struct report_col {
    const char *key, *zh, *en;
    int numeric;
    int labelled; /* values are keys shown through lcm_net_label */
} report_col;

void lcm_net_table_release(lcm_net_table *t) {
    for (size_t i = 0; i < t->nrows * (size_t)t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t->keys);
    free(t->headers);
    free((void *)t->numeric);
    memset(t, 0, sizeof *t);
}

const char *lcm_net_table_cell(const lcm_net_table *t, size_t row, int col) {
    const char *c = t->cells[row * (size_t)t->ncols + (size_t)col];
    return c ? c : "";
}

static lcm_status table_init(lcm_net_table *t, const report_col *cols, int ncols, lcm_net_lang lang,
                             lcm_err *err) {
    memset(t, 0, sizeof *t);
    int *numeric = calloc((size_t)ncols, sizeof *numeric);
    t->keys = calloc((size_t)ncols, sizeof *t->keys);
    t->headers = calloc((size_t)ncols, sizeof *t->headers);
    t->numeric = numeric;
    if (!numeric || !t->keys || !t->headers) {
        lcm_net_table_release(t);
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    }
    t->ncols = ncols;
    for (int i = 0; i < ncols; i++) {
        t->keys[i] = cols[i].key;
        t->headers[i] = lang == LCM_NET_EN ? cols[i].en : cols[i].zh;
        numeric[i] = cols[i].numeric;
    }
    return LCM_OK;
}

/* A column value as text: reals without trailing zeros, keys through the label table. */
static char *cell_text(sqlite3_stmt *st, int i, const report_col *col, lcm_net_lang lang) {
    char num[64];
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_NULL:
        return NULL;
    case SQLITE_FLOAT:
        snprintf(num, sizeof num, "%.15g", sqlite3_column_double(st, i));
        return strdup(num);
    default: {
        const char *s = (const char *)sqlite3_column_text(st, i);
        return strdup(col->labelled ? lcm_net_label(s, lang) : s);
    }
    }
}

static lcm_status table_add_row(lcm_net_table *t, sqlite3_stmt *st, const report_col *cols,
                                lcm_net_lang lang, lcm_err *err) {
    if (t->nrows == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 32;
        char **cells = realloc(t->cells, cap * (size_t)t->ncols * sizeof *cells);
        if (!cells)
            return lcm_err_set(err, LCM_NOMEM, "out of memory");
        t->cells = cells, t->cap = cap;
    }
    char **row = t->cells + t->nrows * (size_t)t->ncols;
    int oom = 0;
    for (int i = 0; i < t->ncols; i++) {
        row[i] = cell_text(st, i, &cols[i], lang);
        oom |= sqlite3_column_type(st, i) != SQLITE_NULL && !row[i];
    }
    t->nrows++; /* owned from here: release frees whatever was copied */
    return oom ? lcm_err_set(err, LCM_NOMEM, "out of memory") : LCM_OK;
}

/* Run sql with text parameters (NULL binds NULL) and collect its rows into t. */
static lcm_status run_report(lcm_db *db, const char *sql, const char *const *params, int nparams,
                             const report_col *cols, int ncols, lcm_net_lang lang, lcm_net_table *t,
                             lcm_err *err) {
    sqlite3_stmt *st = NULL;
    lcm_status rc = table_init(t, cols, ncols, lang, err);
    if (rc == LCM_OK)
        rc = lcm_db_prepare(db, sql, &st, err);
    for (int i = 0; rc == LCM_OK && i < nparams; i++)
        sqlite3_bind_text(st, i + 1, params[i], -1, SQLITE_STATIC);
    int step = SQLITE_DONE;
    while (rc == LCM_OK && (step = sqlite3_step(st)) == SQLITE_ROW)
        rc = table_add_row(t, st, cols, lang, err);
    if (rc == LCM_OK && step != SQLITE_DONE)
        rc = lcm_db_fail(db, err, "reading the register");
    sqlite3_finalize(st);
    if (rc != LCM_OK)
        lcm_net_table_release(t);
    return rc;
}

lcm_status lcm_net_list(lcm_db *db, const char *status, const char *province_code,
                        lcm_net_lang lang, lcm_net_table *out, lcm_err *err) {
    static const report_col cols[] = {
        {"city_code", "城市代码", "city_code", 0, 0},
        {"city", "城市", "city", 0, 0},
        {"province", "省份", "province", 0, 0},
        {"tier", "城市类型", "tier", 0, 1},
        {"status", "状态", "status", 0, 1},
        {"direct_join", "直接加入", "direct_join", 0, 1},
        {"applied_on", "申报时间", "applied_on", 0, 0},
        {"recommended_on", "推荐时间", "recommended_on", 0, 0},
        {"admitted_year", "加入年份", "admitted_year", 1, 0},
    };
    static const char sql[] =
        "SELECT m.city_code, c.name, p.name, c.tier, m.status, m.direct_join, m.applied_on,"
        " m.recommended_on, m.admitted_year"
        " FROM network_members m JOIN cities c ON c.code = m.city_code"
        " JOIN provinces p ON p.code = c.province_code"
        " WHERE (?1 IS NULL OR m.status = ?1) AND (?2 IS NULL OR p.code = ?2)"
        " ORDER BY m.city_code";
    const char *params[] = {status, province_code};
    return run_report(db, sql, params, 2, cols, 9, lang, out, err);
}

lcm_status lcm_net_history(lcm_db *db, const char *city_code, lcm_net_lang lang, lcm_net_table *out,
                           lcm_err *err) {
    static const report_col cols[] = {
        {"changed_at", "时间", "changed_at", 0, 0},
        {"city_code", "城市代码", "city_code", 0, 0},
        {"city", "城市", "city", 0, 0},
        {"from", "原状态", "from", 0, 1},
        {"to", "新状态", "to", 0, 1},
        {"by", "操作人", "by", 0, 0},
        {"note", "说明", "note", 0, 0},
    };
    static const char sql[] =
        "SELECT h.changed_at, h.city_code, c.name, h.from_status, h.to_status, h.actor, h.note"
        " FROM network_history h JOIN cities c ON c.code = h.city_code"
        " WHERE ?1 IS NULL OR h.city_code = ?1 ORDER BY h.id";
    const char *params[] = {city_code};
    return run_report(db, sql, params, 1, cols, 7, lang, out, err);
}

/* 附件3's columns are not printed in the seed; these are the ones the issue names: city,
 * tier, date of application, the basic data of part 2 each with its year, and the
 * province's opinion (part 6), plus how the city joins and where it stands. */
lcm_status lcm_net_summary(lcm_db *db, const char *province_code, int round, lcm_net_lang lang,
                           lcm_net_table *out, lcm_err *err) {
    static const report_col cols[] = {
        {"no", "序号", "no", 1, 0},
        {"city_code", "城市代码", "city_code", 0, 0},
        {"city", "城市", "city", 0, 0},
        {"tier", "城市类型", "tier", 0, 1},
        {"applied_on", "申报时间", "applied_on", 0, 0},
        {"population", "常住人口（万人）", "population_10k", 1, 0},
        {"population_year", "年份", "population_year", 1, 0},
        {"area", "总面积（平方公里）", "area_km2", 1, 0},
        {"area_year", "年份", "area_year", 1, 0},
        {"gdp_per_capita", "人均GDP（元）", "gdp_per_capita_yuan", 1, 0},
        {"gdp_per_capita_year", "年份", "gdp_per_capita_year", 1, 0},
        {"education_years", "16-59周岁人口平均受教育年限（年）", "education_years", 1, 0},
        {"education_years_year", "年份", "education_years_year", 1, 0},
        {"direct_join", "直接加入", "direct_join", 0, 1},
        {"status", "状态", "status", 0, 1},
        {"opinion", "省级相关部门意见", "province_opinion", 0, 0},
    };
    static const char sql[] =
        "SELECT row_number() OVER (ORDER BY m.city_code), m.city_code, c.name, c.tier,"
        " m.applied_on, m.population, m.population_year, m.area, m.area_year,"
        " m.gdp_per_capita, m.gdp_per_capita_year, m.education_years,"
        " m.education_years_year, m.direct_join, m.status, m.opinion"
        " FROM network_members m JOIN cities c ON c.code = m.city_code"
        " WHERE c.province_code = ?1 AND m.recommended_on IS NOT NULL"
        "  AND (?2 IS NULL OR substr(m.recommended_on, 1, 4) = ?2)"
        " ORDER BY m.city_code";
    char year[16];
    snprintf(year, sizeof year, "%d", round);
    const char *params[] = {province_code, round ? year : NULL};
    return run_report(db, sql, params, 2, cols, 16, lang, out, err);
}
