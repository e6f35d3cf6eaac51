/*
 * score_trend.c - how one city's points move across the monitoring years: each year's inputs
 * are read exactly as a score run reads them (score_inputs.c), so a trend and a score never
 * disagree about a value; the statistics are analysis/trend.c. Survey measures change between
 * waves with the SE of two independent samples.
 */
#include "score.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static lcm_status city_years(lcm_db *db, const char *city, lcm_trend_set *t, lcm_err *err) {
    static const char sql[] =
        "SELECT year FROM indicator_values WHERE city_code = ?1 UNION SELECT year FROM ratings"
        " WHERE city_code = ?1 UNION SELECT year FROM survey_measures WHERE city_code = ?1"
        " ORDER BY 1";
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db, sql, &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, city, -1, SQLITE_STATIC);
    size_t cap = 0;
    while (rc == LCM_OK && sqlite3_step(st) == SQLITE_ROW) {
        if (t->nyear == cap) {
            cap = cap ? 2 * cap : 8;
            int *grown = realloc(t->years, cap * sizeof *grown);
            if (!grown)
                rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
            else
                t->years = grown;
        }
        if (rc == LCM_OK)
            t->years[t->nyear++] = sqlite3_column_int(st, 0);
    }
    sqlite3_finalize(st);
    if (rc == LCM_OK && t->nyear == 0)
        rc = lcm_err_set(err, LCM_NOTFOUND, "no inputs for city '%s'", city);
    return rc;
}

/* values[j * nyear + y]: point j of the city in year y. */
static lcm_status city_values(lcm_db *db, const char *city, lcm_trend_set *t, double **values,
                              lcm_err *err) {
    lcm_status rc = LCM_OK;
    for (size_t y = 0; rc == LCM_OK && y < t->nyear; y++) {
        lcm_score_inputs in;
        rc = lcm_score_inputs_load(db, t->years[y], LCM_RATING_DISAGREE, &in, err);
        if (rc != LCM_OK)
            break;
        if (!*values && (*values = malloc((in.nnode * t->nyear + 1) * sizeof **values)))
            for (size_t k = 0; k < in.nnode * t->nyear; k++)
                (*values)[k] = NAN;
        int c = lcm_score_city_index(&in, city);
        for (size_t j = 0; *values && c >= 0 && j < in.nnode; j++)
            (*values)[j * t->nyear + y] = in.raw[j * in.ncity + (size_t)c];
        if (y == 0)
            t->frame = in; /* keep the first year's framework for names and units */
        else
            lcm_score_inputs_release(&in);
        if (!*values)
            rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
    }
    return rc;
}

static void trend_of(lcm_trend_set *t, size_t j, const double *v, lcm_trend_row *row) {
    double *yr = malloc((t->nyear + 1) * sizeof *yr);
    memset(row, 0, sizeof *row);
    row->node = (int)j;
    row->yoy = row->yoy_rel = row->cagr = NAN;
    for (size_t y = 0; yr && y < t->nyear; y++) {
        yr[y] = t->years[y];
        if (isnan(v[y]))
            continue;
        if (row->n == 0)
            row->first = t->years[y], row->first_value = v[y];
        else if (t->years[y] == row->last + 1) /* only a real year-over-year change */
            lcm_trend_yoy(row->last_value, v[y], &row->yoy, &row->yoy_rel);
        else
            row->yoy = row->yoy_rel = NAN;
        row->last = t->years[y], row->last_value = v[y], row->n++;
    }
    const char *unit = t->frame.node[j].unit;
    row->points = unit && strcmp(unit, "%") == 0;
    if (yr) {
        row->cagr = lcm_trend_cagr(yr, v, t->nyear);
        row->has_ols = lcm_trend_ols_fit(yr, v, t->nyear, &row->ols) == LCM_OK;
        row->has_mk = lcm_trend_mann_kendall(yr, v, t->nyear, &row->mk) == LCM_OK;
    }
    free(yr);
}

lcm_status lcm_score_trends(lcm_db *db, const char *city, const char *indicator, lcm_trend_set *t,
                            lcm_err *err) {
    double *values = NULL;
    memset(t, 0, sizeof *t);
    lcm_status rc = city_years(db, city, t, err);
    if (rc == LCM_OK)
        rc = city_values(db, city, t, &values, err);
    int only = -1;
    if (rc == LCM_OK && indicator && (only = lcm_score_node_index(&t->frame, indicator)) < 0)
        rc = lcm_err_set(err, LCM_NOTFOUND, "unknown indicator '%s'", indicator);
    if (rc == LCM_OK && !(t->row = calloc(t->frame.nnode + 1, sizeof *t->row)))
        rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
    for (size_t j = 1; rc == LCM_OK && j < t->frame.nnode; j++) {
        if (!t->frame.node[j].kind || (only >= 0 && (int)j != only))
            continue;
        lcm_trend_row row;
        trend_of(t, j, values + j * t->nyear, &row);
        if (row.n >= 2)
            t->row[t->nrow++] = row;
    }
    free(values);
    if (rc != LCM_OK)
        lcm_trend_set_release(t);
    return rc;
}

void lcm_trend_set_release(lcm_trend_set *t) {
    lcm_score_inputs_release(&t->frame);
    free(t->row);
    free(t->years);
    memset(t, 0, sizeof *t);
}

lcm_status lcm_score_wave_changes(lcm_db *db, const char *city, lcm_wave_row **rows, size_t *n,
                                  lcm_err *err) {
    static const char sql[] =
        "SELECT measure, item, year, estimate, coalesce(se, 0) FROM survey_measures"
        " WHERE city_code = ?1 AND measure <> 'alpha' ORDER BY measure, item, year";
    sqlite3_stmt *st = NULL;
    lcm_wave_row *out = NULL, prev = {0};
    size_t k = 0, cap = 0;
    double prev_se = 0;
    lcm_status rc = lcm_db_prepare(db, sql, &st, err);
    if (rc == LCM_OK)
        sqlite3_bind_text(st, 1, city, -1, SQLITE_STATIC);
    while (rc == LCM_OK && sqlite3_step(st) == SQLITE_ROW) {
        lcm_wave_row cur = {0};
        snprintf(cur.measure, sizeof cur.measure, "%s", sqlite3_column_text(st, 0));
        snprintf(cur.item, sizeof cur.item, "%s", sqlite3_column_text(st, 1));
        /* rates are stored as proportions: changes are reported in percentage points */
        double scale =
            strcmp(cur.measure, "satisfaction_index") == 0 || strcmp(cur.measure, "importance") == 0
                ? 1
                : 100;
        cur.y2 = sqlite3_column_int(st, 2), cur.e2 = sqlite3_column_double(st, 3) * scale;
        double se = sqlite3_column_double(st, 4) * scale;
        if (prev.y2 && strcmp(prev.measure, cur.measure) == 0 && strcmp(prev.item, cur.item) == 0) {
            if (k == cap) {
                cap = cap ? 2 * cap : 8;
                lcm_wave_row *grown = realloc(out, cap * sizeof *grown);
                if (!grown) {
                    rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
                    break;
                }
                out = grown;
            }
            lcm_wave_row w = cur;
            w.y1 = prev.y2, w.e1 = prev.e2;
            lcm_trend_wave_change(w.e1, prev_se, w.e2, se, &w.change);
            out[k++] = w;
        }
        prev = cur, prev_se = se;
    }
    sqlite3_finalize(st);
    if (rc != LCM_OK) {
        free(out);
        return rc;
    }
    *rows = out, *n = k;
    return LCM_OK;
}
