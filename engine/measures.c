/*
 * measures.c - survey measures of point 4.2.1 per city and wave (see measures.h).
 *
 * Rates and indices are design-based means (lcm_estimate_run: calibrated weights, SEs
 * from the design); importance is the unweighted correlation of each service's
 * satisfaction with overall satisfaction, as importance-performance analysis derives it.
 */
#include "measures.h"
#include "estimate.h"
#include "reliability.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NITEMS 8
static const char *const items[NITEMS] = {"cc", "eu", "pc", "rd", "ol", "vt", "cb", "st"};
static const char *const item_vars[NITEMS] = {"sat_cc", "sat_eu", "sat_pc", "sat_rd",
                                              "sat_ol", "sat_vt", "sat_cb", "sat_st"};

typedef struct measure_map {
    const char *var, *measure, *item;
    double scale, shift; /* stored = (estimate + shift) * scale */
} measure_map;

static const measure_map overall[] = {
    {"aware_share", "awareness", "", 1, 0},
    {"participated", "participation", "", 1, 0},
    {"sat_index", "satisfaction_index", "", 1, 0},
    {"sat_top2", "satisfaction_top2", "", 1, 0},
};

static lcm_status put(sqlite3_stmt *ins, lcm_db *db, const char *city, int wave,
                      const char *measure, const char *item, double est, double se, long n,
                      long long run, lcm_err *err) {
    if (isnan(est))
        return LCM_OK;
    sqlite3_reset(ins);
    sqlite3_bind_text(ins, 1, city, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(ins, 2, wave);
    sqlite3_bind_text(ins, 3, measure, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 4, item, -1, SQLITE_STATIC);
    sqlite3_bind_double(ins, 5, est);
    lcm_db_bind_real_or_null(ins, 6, se);
    sqlite3_bind_int64(ins, 7, n);
    if (run)
        sqlite3_bind_int64(ins, 8, run);
    else
        sqlite3_bind_null(ins, 8);
    return sqlite3_step(ins) == SQLITE_DONE ? LCM_OK
                                            : lcm_db_fail(db, err, "storing survey measures");
}

/* The design-based part: one estimate run (stored) for every variable by city. */
static lcm_status estimate_rates(lcm_db *db, const lcm_source *src, int wave, lcm_est_result **r,
                                 lcm_err *err) {
    const char *vars[4 + NITEMS], *by[] = {"city"};
    for (int i = 0; i < 4; i++)
        vars[i] = overall[i].var;
    for (int i = 0; i < NITEMS; i++)
        vars[4 + i] = item_vars[i];
    lcm_est_request req = {.source = *src,
                           .wave = wave,
                           .vars = vars,
                           .nvar = 4 + NITEMS,
                           .by = by,
                           .nby = 1,
                           .kind = LCM_EST_MEAN,
                           .ci = LCM_CI_WALD,
                           .level = 0.95,
                           .min_n = 30,
                           .store = 1};
    return lcm_estimate_run(db, &req, r, err);
}

static lcm_status rates(lcm_db *db, const lcm_est_result *r, int wave, sqlite3_stmt *ins,
                        lcm_measures_report *rep, lcm_err *err) {
    lcm_status rc = LCM_OK;
    rep->run_id = lcm_est_result_run(r);
    for (size_t i = 0; i < lcm_est_result_count(r) && rc == LCM_OK; i++) {
        const lcm_est_row *row = lcm_est_result_row(r, i);
        const lcm_svy_est *e = &row->est;
        for (int k = 0; k < 4 && rc == LCM_OK; k++)
            if (strcmp(row->variable, overall[k].var) == 0)
                rc = put(ins, db, row->by[0], wave, overall[k].measure, "", e->estimate, e->se,
                         (long)e->nrows, rep->run_id, err),
                rep->rows++;
        for (int k = 0; k < NITEMS && rc == LCM_OK; k++)
            if (strcmp(row->variable, item_vars[k]) == 0) /* 1-5 mean to the 0-100 index */
                rc = put(ins, db, row->by[0], wave, "satisfaction_index", items[k],
                         (e->estimate - 1) * 25, e->se * 25, (long)e->nrows, rep->run_id, err),
                rep->rows++;
    }
    return rc;
}

/* Cronbach's alpha needs complete rows, and residents rate only the services they used:
 * take the three services rated most often in the city and the residents who rated all
 * three (at least 10 of them), else no alpha. */
static double city_alpha(const double *x, size_t n) {
    size_t count[NITEMS] = {0}, order[NITEMS];
    for (int k = 0; k < NITEMS; k++) {
        order[k] = (size_t)k;
        for (size_t i = 0; i < n; i++)
            count[k] += !isnan(x[(size_t)k * n + i]);
    }
    for (int k = 1; k < NITEMS; k++) /* most rated first */
        for (int j = k; j > 0 && count[order[j]] > count[order[j - 1]]; j--) {
            size_t t = order[j];
            order[j] = order[j - 1], order[j - 1] = t;
        }
    const size_t *best = order;
    double *sub = malloc(3 * n * sizeof *sub), alpha = NAN;
    size_t m = 0;
    for (size_t i = 0; sub && i < n; i++) {
        int complete = 1;
        for (int b = 0; b < 3; b++)
            complete &= !isnan(x[best[b] * n + i]);
        if (complete)
            m++;
    }
    if (sub && m >= 10) {
        size_t r = 0;
        for (size_t i = 0; i < n; i++) {
            int complete = 1;
            for (int b = 0; b < 3; b++)
                complete &= !isnan(x[best[b] * n + i]);
            for (int b = 0; complete && b < 3; b++)
                sub[(size_t)b * m + r] = x[best[b] * n + i];
            r += complete;
        }
        if (lcm_rel_alpha(sub, m, 3, &alpha) != LCM_OK)
            alpha = NAN;
    }
    free(sub);
    return alpha;
}

/* Importance and alpha per city from the respondents' answers. */
static lcm_status per_city(lcm_db *db, const lcm_source *src, int wave, sqlite3_stmt *ins,
                           lcm_measures_report *rep, lcm_err *err) {
    lcm_design_decl decl;
    lcm_survey_data d = {0};
    const char *vars[NITEMS + 1], *by[] = {"city"};
    for (int k = 0; k < NITEMS; k++)
        vars[k] = item_vars[k];
    vars[NITEMS] = "sat_overall";
    lcm_status rc = lcm_design_get(db, src, wave, &decl, err);
    if (rc == LCM_OK)
        rc = lcm_survey_load(db, src, wave, &decl, vars, NITEMS + 1, 0, by, 1, &d, err);
    size_t ncity = rc == LCM_OK ? lcm_intern_count(d.by_labels[0]) : 0;
    double *x = rc == LCM_OK ? malloc((NITEMS + 1) * d.n * sizeof *x) : NULL;
    size_t *order = rc == LCM_OK ? malloc(d.n * sizeof *order) : NULL;
    size_t *start = rc == LCM_OK ? calloc(ncity + 1, sizeof *start) : NULL;
    if (rc == LCM_OK && (!x || !order || !start))
        rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
    /* rows grouped by city in one pass (a counting sort), not one scan per city */
    for (size_t i = 0; rc == LCM_OK && i < d.n; i++)
        if (d.by_codes[0][i] >= 0)
            start[d.by_codes[0][i] + 1]++;
    for (size_t c = 0; rc == LCM_OK && c < ncity; c++)
        start[c + 1] += start[c];
    for (size_t i = 0, *fill = start; rc == LCM_OK && i < d.n; i++)
        if (d.by_codes[0][i] >= 0)
            order[fill[d.by_codes[0][i]]++] = i;
    for (size_t c = ncity; rc == LCM_OK && c > 0; c--) /* fill moved each start one city on */
        start[c] = start[c - 1];
    if (rc == LCM_OK)
        start[0] = 0;
    for (size_t c = 0; rc == LCM_OK && c < ncity; c++) {
        size_t n = 0;
        for (size_t r = start[c]; r < start[c + 1]; r++, n++)
            for (int k = 0; k <= NITEMS; k++)
                x[(size_t)k * d.n + n] = d.var[k][order[r]];
        /* compact the columns to stride n */
        for (int k = 1; k <= NITEMS; k++)
            memmove(x + (size_t)k * n, x + (size_t)k * d.n, n * sizeof *x);
        double imp[NITEMS];
        lcm_rel_derived_importance(x, x + (size_t)NITEMS * n, n, NITEMS, imp);
        const char *city = lcm_intern_label(d.by_labels[0], (int64_t)c);
        for (int k = 0; k < NITEMS && rc == LCM_OK; k++)
            if (!isnan(imp[k]))
                rc = put(ins, db, city, wave, "importance", items[k], imp[k], NAN, (long)n,
                         rep->run_id, err),
                rep->rows++;
        double alpha = city_alpha(x, n);
        if (rc == LCM_OK && !isnan(alpha))
            rc = put(ins, db, city, wave, "alpha", "", alpha, NAN, (long)n, rep->run_id, err),
            rep->rows++;
        rep->cities++;
    }
    free(x);
    free(order);
    free(start);
    lcm_survey_data_free(&d);
    return rc;
}

lcm_status lcm_measures_compute(lcm_db *db, const char *form_id, int wave, lcm_measures_report *rep,
                                lcm_err *err) {
    lcm_source src;
    sqlite3_stmt *ins = NULL;
    memset(rep, 0, sizeof *rep);
    lcm_est_result *r = NULL;
    lcm_status rc = lcm_source_resolve(db, LCM_SOURCE_FORM, form_id, &src, err);
    if (rc == LCM_OK)
        rc = estimate_rates(db, &src, wave, &r, err);
    if (rc != LCM_OK || (rc = lcm_db_begin(db, err)) != LCM_OK) {
        lcm_est_result_free(r);
        return rc;
    }
    if ((rc = lcm_db_prepare(db,
                             "INSERT OR REPLACE INTO survey_measures(city_code, year, "
                             "measure, item, estimate, se, n, run_id) VALUES (?1, ?2, ?3, "
                             "?4, ?5, ?6, ?7, ?8)",
                             &ins, err)) == LCM_OK &&
        (rc = rates(db, r, wave, ins, rep, err)) == LCM_OK &&
        (rc = per_city(db, &src, wave, ins, rep, err)) == LCM_OK)
        rc = lcm_db_commit(db, err);
    sqlite3_finalize(ins);
    lcm_est_result_free(r);
    if (rc != LCM_OK)
        lcm_db_rollback(db);
    return rc;
}
