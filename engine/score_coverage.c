/*
 * score_coverage.c - coverage of learning facilities (points 2.2.1 and 2.2.3): units with a
 * facility over all units, at county (县/区), township (乡镇/街道) and village (村/社区) level
 * and the three together. Every level of aggregation sums numerators and denominators first
 * (docs/methods.md §5): a province's rate is Σ covered / Σ units of its cities, never the mean of
 * the cities' percentages, which would let a city of 3 villages weigh as much as one of 3000.
 */
#include "score.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ?1 kind, ?2 year, ?3 scope (0 city, 1 province, 2 region, 3 nation). A village counts once
 * however many teaching points it has, and never more than the township's village count. */
double lcm_coverage_level_mean(const lcm_coverage_row *row) {
    double sum = 0;
    int n = 0;
    for (int l = 0; l < 3; l++)
        if (!isnan(row->rate[l]))
            sum += row->rate[l], n++;
    return n ? sum / n : NAN;
}

static const char coverage_sql[] =
    "WITH f AS (SELECT f.*, a.city_code AS ucity FROM facilities f"
    "   JOIN admin_units a ON a.code = f.unit_code"
    "   WHERE f.kind = ?1 AND (f.year_opened IS NULL OR f.year_opened <= ?2)),"
    " rep AS (SELECT DISTINCT ucity AS city_code FROM f WHERE ucity IS NOT NULL),"
    " u AS (SELECT city_code, sum(level = 'county') AS nc, sum(level = 'township') AS nt,"
    "   sum(CASE WHEN level = 'township' THEN residents_committees + village_committees"
    "     + other_villages ELSE 0 END) AS nv FROM admin_units GROUP BY city_code),"
    " cc AS (SELECT f.ucity AS city_code, count(DISTINCT f.unit_code) AS c FROM f"
    "   JOIN admin_units a ON a.code = f.unit_code AND a.level = 'county'"
    "   WHERE f.level = 'county' GROUP BY f.ucity),"
    " ct AS (SELECT f.ucity AS city_code, count(DISTINCT f.unit_code) AS c FROM f"
    "   JOIN admin_units a ON a.code = f.unit_code AND a.level = 'township'"
    "   WHERE f.level = 'township' GROUP BY f.ucity),"
    " cv AS (SELECT city_code, sum(min(k, cap)) AS c FROM (SELECT f.ucity AS city_code,"
    "   count(DISTINCT f.village) AS k, a.residents_committees + a.village_committees"
    "   + a.other_villages AS cap FROM f JOIN admin_units a ON a.code = f.unit_code"
    "   AND a.level = 'township' WHERE f.level = 'village' AND f.village IS NOT NULL"
    "   GROUP BY f.unit_code) GROUP BY city_code)"
    " SELECT CASE ?3 WHEN 0 THEN c.code WHEN 1 THEN c.province_code WHEN 2 THEN p.region3"
    "   ELSE 'nation' END AS k,"
    "  coalesce(sum(cc.c), 0), coalesce(sum(ct.c), 0), coalesce(sum(cv.c), 0),"
    "  coalesce(sum(u.nc), 0), coalesce(sum(u.nt), 0), coalesce(sum(u.nv), 0)"
    " FROM rep JOIN cities c ON c.code = rep.city_code"
    " JOIN provinces p ON p.code = c.province_code"
    " LEFT JOIN u ON u.city_code = c.code LEFT JOIN cc ON cc.city_code = c.code"
    " LEFT JOIN ct ON ct.city_code = c.code LEFT JOIN cv ON cv.city_code = c.code"
    " GROUP BY k ORDER BY k";

static void fill_rates(lcm_coverage_row *row) {
    long cov = 0, units = 0;
    for (int l = 0; l < 3; l++) {
        row->rate[l] =
            row->units[l] ? 100.0 * (double)row->covered[l] / (double)row->units[l] : NAN;
        cov += row->covered[l], units += row->units[l];
    }
    row->rate[3] = units ? 100.0 * (double)cov / (double)units : NAN;
}

lcm_status lcm_coverage(lcm_db *db, const char *kind, int year, lcm_cov_scope scope,
                        lcm_coverage_row **rows, size_t *nrows, lcm_err *err) {
    sqlite3_stmt *st = NULL;
    lcm_coverage_row *out = NULL;
    size_t n = 0, cap = 0;
    *rows = NULL, *nrows = 0;
    lcm_status rc = lcm_db_prepare(db, coverage_sql, &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, year);
    sqlite3_bind_int(st, 3, (int)scope);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            lcm_coverage_row *grown = realloc(out, cap * sizeof *out);
            if (!grown) {
                rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
                goto cleanup;
            }
            out = grown;
        }
        lcm_coverage_row *r = &out[n++];
        memset(r, 0, sizeof *r);
        const char *k = (const char *)sqlite3_column_text(st, 0);
        strncpy(r->key, k ? k : "", sizeof r->key - 1);
        for (int l = 0; l < 3; l++) {
            r->covered[l] = (long)sqlite3_column_int64(st, 1 + l);
            r->units[l] = (long)sqlite3_column_int64(st, 4 + l);
        }
        fill_rates(r);
    }
    if (step != SQLITE_DONE)
        rc = lcm_db_fail(db, err, "cannot compute coverage");
cleanup:
    sqlite3_finalize(st);
    if (rc != LCM_OK) {
        free(out);
        return rc;
    }
    *rows = out, *nrows = n;
    return LCM_OK;
}
