/*
 * measures.c - survey measures of point 4.2.1 per city and wave (see measures.h).
 *
 * Rates and indices are design-based estimates (lcm_estimate_run: calibrated weights, SEs
 * from the design); importance is the unweighted correlation of each service's
 * satisfaction with overall satisfaction, as importance-performance analysis derives it.
 */
#include "measures.h"
#include "estimate.h"
#include "reliability.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NITEMS 8
static const char *const items[NITEMS] = {"cc", "eu", "pc", "rd", "ol", "vt", "cb", "st"};
static const char *const item_vars[NITEMS] = {"sat_cc", "sat_eu", "sat_pc", "sat_rd",
                                              "sat_ol", "sat_vt", "sat_cb", "sat_st"};

/* The estimate runs of a wave, stored once for every city so that scores and reports read
 * them instead of estimating again: means (t intervals on the design df) and proportions
 * (logit intervals, as `lcmon estimate --stat prop`), by city and by city crossed with sex
 * and with age band. Each run is what `lcmon estimate --form F --wave W --var VARS --by BY
 * [--stat prop]` prints for the same variables. */
#define NRUNS 8
static const char *const mean_vars[] = {"aware_share", "sat_index", "sat_cc", "sat_eu", "sat_pc",
                                        "sat_rd",      "sat_ol",    "sat_vt", "sat_cb", "sat_st"};
static const char *const prop_vars[] = {"participated", "sat_top2"};
static const char *const aware_vars[] = {"aware_cc", "aware_eu", "aware_pc", "aware_rd",
                                         "aware_ol", "aware_vt", "aware_cb", "aware_st"};
static const char *const use_vars[] = {"use_cc", "use_eu", "use_pc", "use_rd",
                                       "use_ol", "use_vt", "use_cb", "use_st"};
static const char *const by_city[] = {"city"}, *const by_sex[] = {"city", "sex"},
                         *const by_age[] = {"city", "age_band"};
/* Run 0 and 1 give survey_measures; the services' proportions are two runs, not one, to
 * keep the calibrated variance's per-domain sums (domains x variables x cells) small. */
static const struct {
    const char *const *by;
    size_t nby;
    lcm_est_kind kind;
    const char *const *vars;
    size_t nvar;
} runs[NRUNS] = {
    {by_city, 1, LCM_EST_MEAN, mean_vars, 10}, {by_city, 1, LCM_EST_PROP, prop_vars, 2},
    {by_city, 1, LCM_EST_PROP, aware_vars, 8}, {by_city, 1, LCM_EST_PROP, use_vars, 8},
    {by_sex, 2, LCM_EST_MEAN, mean_vars, 2},   {by_sex, 2, LCM_EST_PROP, prop_vars, 1},
    {by_age, 2, LCM_EST_MEAN, mean_vars, 2},   {by_age, 2, LCM_EST_PROP, prop_vars, 1}};

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

static lcm_status estimate_runs(lcm_db *db, const lcm_source *src, int wave,
                                lcm_est_result *r[NRUNS], lcm_err *err) {
    lcm_status rc = LCM_OK;
    for (int k = 0; k < NRUNS && rc == LCM_OK; k++) {
        lcm_est_request req = {.source = *src,
                               .wave = wave,
                               .vars = runs[k].vars,
                               .nvar = runs[k].nvar,
                               .by = runs[k].by,
                               .nby = runs[k].nby,
                               .kind = runs[k].kind,
                               .ci = LCM_CI_LOGIT,
                               .level = 0.95,
                               .min_n = 30,
                               .store = 1};
        rc = lcm_estimate_run(db, &req, &r[k], err);
    }
    return rc;
}

/* Share of a 0/1 variable: its category "1", or 0 when the domain only answered 0. */
static int share_one(const lcm_est_row *row, double *est, double *se) {
    if (row->category && strcmp(row->category, "1") == 0)
        *est = row->est.estimate, *se = row->est.se;
    else if (row->category && strcmp(row->category, "0") == 0 && row->est.estimate == 1)
        *est = 0, *se = row->est.se;
    else
        return 0;
    return 1;
}

/* survey_measures from the by-city runs: awareness and the satisfaction index (items
 * rescaled from the 1-5 mean to 0-100) from the means, participation and top-2 share from
 * the proportions. */
static lcm_status rates(lcm_db *db, lcm_est_result *r[NRUNS], int wave, sqlite3_stmt *ins,
                        lcm_measures_report *rep, lcm_err *err) {
    lcm_status rc = LCM_OK;
    rep->run_id = lcm_est_result_run(r[0]);
    for (size_t i = 0; i < lcm_est_result_count(r[0]) && rc == LCM_OK; i++) {
        const lcm_est_row *row = lcm_est_result_row(r[0], i);
        const lcm_svy_est *e = &row->est;
        if (strcmp(row->variable, "aware_share") == 0 || strcmp(row->variable, "sat_index") == 0)
            rc = put(ins, db, row->by[0], wave,
                     row->variable[0] == 'a' ? "awareness" : "satisfaction_index", "", e->estimate,
                     e->se, (long)e->nrows, rep->run_id, err),
            rep->rows++;
        for (int k = 0; k < NITEMS && rc == LCM_OK; k++)
            if (strcmp(row->variable, item_vars[k]) == 0) /* 1-5 mean to the 0-100 index */
                rc = put(ins, db, row->by[0], wave, "satisfaction_index", items[k],
                         (e->estimate - 1) * 25, e->se * 25, (long)e->nrows, rep->run_id, err),
                rep->rows++;
    }
    for (size_t i = 0; i < lcm_est_result_count(r[1]) && rc == LCM_OK; i++) {
        const lcm_est_row *row = lcm_est_result_row(r[1], i);
        double est, se;
        int part = strcmp(row->variable, "participated") == 0;
        if ((part || strcmp(row->variable, "sat_top2") == 0) && share_one(row, &est, &se))
            rc = put(ins, db, row->by[0], wave, part ? "participation" : "satisfaction_top2", "",
                     est, se, (long)row->est.nrows, lcm_est_result_run(r[1]), err),
            rep->rows++;
    }
    return rc;
}

/* A run of kind 'measures' naming the estimate runs of the wave, which reports read. */
static lcm_status record(lcm_db *db, const char *form_id, int wave, lcm_est_result *r[NRUNS],
                         lcm_err *err) {
    char params[512];
    int len = snprintf(params, sizeof params, "{\"wave\":%d,\"estimate_runs\":[", wave);
    for (int k = 0; k < NRUNS && len > 0 && (size_t)len < sizeof params; k++)
        len += snprintf(params + len, sizeof params - (size_t)len, "%s%lld", k ? "," : "",
                        lcm_est_result_run(r[k]));
    if (len > 0 && (size_t)len < sizeof params)
        snprintf(params + len, sizeof params - (size_t)len, "]}");
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db,
                                   "INSERT INTO runs(kind, params, lcmon_version) VALUES "
                                   "('measures', json_set(?1, '$.form', ?2), ?3)",
                                   &st, err);
    if (rc == LCM_OK) {
        sqlite3_bind_text(st, 1, params, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, form_id, -1, SQLITE_STATIC); /* quoted by SQLite */
        sqlite3_bind_text(st, 3, LCM_VERSION, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = lcm_db_fail(db, err, "storing the measures run");
    }
    sqlite3_finalize(st);
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

/* ACSI (questionnaire 2027.1 on): the satisfaction index (0-100, the mean of its three 1-10
 * items rescaled, as the form computes acsi_index) per city as a design-based mean, and the
 * Cronbach's alpha of the three items over the city's residents who answered all three
 * (at least 10 of them), unweighted as psych::alpha computes it. */
#define NACSI 3
static const char *const acsi_items[NACSI] = {"acsi_sat_n", "acsi_confirm_n", "acsi_ideal_n"};

static lcm_status acsi(lcm_db *db, const lcm_source *src, int wave, lcm_est_result *index,
                       sqlite3_stmt *ins, lcm_measures_report *rep, lcm_err *err) {
    lcm_status rc = LCM_OK;
    for (size_t i = 0; i < lcm_est_result_count(index) && rc == LCM_OK; i++) {
        const lcm_est_row *row = lcm_est_result_row(index, i);
        rc = put(ins, db, row->by[0], wave, "satisfaction_index", "acsi", row->est.estimate,
                 row->est.se, (long)row->est.nrows, rep->run_id, err);
        rep->rows++;
    }
    lcm_design_decl decl;
    lcm_survey_data d = {0};
    const char *by[] = {"city"};
    if (rc == LCM_OK && (rc = lcm_design_get(db, src, wave, &decl, err)) == LCM_OK)
        rc = lcm_survey_load(db, src, wave, &decl, acsi_items, NACSI, 0, by, 1, &d, err);
    size_t ncity = rc == LCM_OK ? lcm_intern_count(d.by_labels[0]) : 0;
    double *x = rc == LCM_OK ? malloc(NACSI * (d.n ? d.n : 1) * sizeof *x) : NULL;
    if (rc == LCM_OK && !x)
        rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
    for (size_t c = 0; c < ncity && rc == LCM_OK; c++) {
        size_t m = 0;
        for (size_t i = 0; i < d.n; i++) {
            int complete = d.by_codes[0][i] == (int64_t)c;
            for (int k = 0; k < NACSI && complete; k++)
                complete = !isnan(d.var[k][i]);
            m += complete;
        }
        size_t r = 0; /* the complete rows, column-major with stride m */
        for (size_t i = 0; i < d.n && m; i++) {
            int complete = d.by_codes[0][i] == (int64_t)c;
            for (int k = 0; k < NACSI && complete; k++)
                complete = !isnan(d.var[k][i]);
            for (int k = 0; k < NACSI && complete; k++)
                x[(size_t)k * m + r] = d.var[k][i];
            r += complete;
        }
        double alpha = NAN;
        if (m >= 10 && lcm_rel_alpha(x, m, NACSI, &alpha) != LCM_OK)
            alpha = NAN;
        if (!isnan(alpha)) {
            rc = put(ins, db, lcm_intern_label(d.by_labels[0], (int64_t)c), wave, "alpha", "acsi",
                     alpha, NAN, (long)m, rep->run_id, err);
            rep->rows++;
        }
    }
    free(x);
    lcm_survey_data_free(&d);
    return rc;
}

lcm_status lcm_measures_compute(lcm_db *db, const char *form_id, int wave, lcm_measures_report *rep,
                                lcm_err *err) {
    lcm_source src;
    sqlite3_stmt *ins = NULL;
    memset(rep, 0, sizeof *rep);
    lcm_est_result *r[NRUNS] = {NULL};
    /* the wave's own version: measures are defined alike in each (docs/forms.md) */
    char note[256];
    lcm_status rc =
        lcm_source_resolve_wave(db, LCM_SOURCE_FORM, form_id, wave, &src, note, sizeof note, err);
    if (rc == LCM_OK && note[0])
        rc = lcm_err_set(err, LCM_INVAL,
                         "wave %d of form '%s' was answered on several versions (%s): measures "
                         "are per version",
                         wave, form_id, note);
    if (rc == LCM_OK)
        rc = estimate_runs(db, &src, wave, r, err);
    lcm_est_result *index = NULL;
    if (rc == LCM_OK && lcm_table_has_column(db, src.table, "acsi_index")) {
        static const char *const v[] = {"acsi_index"}, *const by[] = {"city"};
        lcm_est_request req = {.source = src,
                               .wave = wave,
                               .vars = v,
                               .nvar = 1,
                               .by = by,
                               .nby = 1,
                               .kind = LCM_EST_MEAN,
                               .ci = LCM_CI_LOGIT,
                               .level = 0.95,
                               .min_n = 30,
                               .store = 1};
        rc = lcm_estimate_run(db, &req, &index, err);
    }
    if (rc == LCM_OK && (rc = lcm_db_begin(db, err)) == LCM_OK) {
        if ((rc = lcm_db_prepare(db,
                                 "INSERT OR REPLACE INTO survey_measures(city_code, year, "
                                 "measure, item, estimate, se, n, run_id) VALUES (?1, ?2, ?3, "
                                 "?4, ?5, ?6, ?7, ?8)",
                                 &ins, err)) == LCM_OK &&
            (rc = rates(db, r, wave, ins, rep, err)) == LCM_OK &&
            (rc = per_city(db, &src, wave, ins, rep, err)) == LCM_OK &&
            (!index || (rc = acsi(db, &src, wave, index, ins, rep, err)) == LCM_OK) &&
            (rc = lcm__measures_gaps(db, &src, wave, err)) == LCM_OK &&
            (rc = record(db, form_id, wave, r, err)) == LCM_OK)
            rc = lcm_db_commit(db, err);
        sqlite3_finalize(ins);
        if (rc != LCM_OK)
            lcm_db_rollback(db);
    }
    for (int k = 0; k < NRUNS; k++)
        lcm_est_result_free(r[k]);
    lcm_est_result_free(index);
    return rc;
}
