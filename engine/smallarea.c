/*
 * smallarea.c - district estimates of a city: direct estimates by domain estimation (the
 * estimator of estimate.c, by city and district in one pass with the declared design,
 * calibration or replicates), covariates from the reference or a CSV file, and the
 * Fay-Herriot model of analysis/sae.h (docs/smallarea.md).
 *
 * Which districts enter the fit: those whose direct estimate has a usable design variance,
 * i.e. rows in at least 2 PSUs and a variance > 0. A district mean inside one PSU has a
 * linearised variance of exactly 0 in R's survey package (the PSU's residuals sum to 0), which
 * the model would read as "known without error" (gamma 1); such districts, and districts
 * without respondents, get the synthetic estimate x' beta with MSE A + x' cov(beta) x.
 */
#include "smallarea.h"
#include "csvin.h"
#include "estimate.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lcm_sa_covariates_free(lcm_sa_covariates *c) {
    if (!c)
        return;
    free(c->code);
    free(c->x);
    c->code = NULL, c->x = NULL, c->nrows = 0;
}

typedef struct cov_reader {
    lcm_sa_covariates *c;
    size_t cap;
} cov_reader;

static lcm_status cov_header(lcm_sa_covariates *c, const lcm_csv_row *row, lcm_err *err) {
    if (row->n < 2 || strcmp(row->field[0], "code") != 0)
        return lcm_err_set(err, LCM_PARSE,
                           "%s:%ld:1: the header must be code,NAME[,NAME...] (a division code "
                           "column, then one column per covariate), got '%s'",
                           row->file, row->line, row->field[0]);
    if (row->n - 1 > LCM_SA_MAXCOV)
        return lcm_err_set(err, LCM_PARSE, "%s:%ld:%d: more than %d covariates", row->file,
                           row->line, LCM_SA_MAXCOV + 2, LCM_SA_MAXCOV);
    for (size_t j = 1; j < row->n; j++) {
        const char *s = row->field[j];
        size_t len = strlen(s);
        int ok = len > 0 && len < sizeof c->names[0];
        for (size_t k = 0; ok && k < len; k++)
            ok = (s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z') || s[k] == '_' ||
                 (k > 0 && s[k] >= '0' && s[k] <= '9');
        if (!ok)
            return lcm_err_set(err, LCM_PARSE,
                               "%s:%ld:%zu: not a covariate name (letters, digits, _): '%s'",
                               row->file, row->line, j + 1, s);
        snprintf(c->names[j - 1], sizeof c->names[0], "%s", s);
    }
    c->ncov = row->n - 1;
    return LCM_OK;
}

static lcm_status cov_row(void *ud, const lcm_csv_row *row, lcm_err *err) {
    cov_reader *r = ud;
    lcm_sa_covariates *c = r->c;
    if (row->index == 0)
        return cov_header(c, row, err);
    if (row->n == 1 && row->len[0] == 0)
        return LCM_OK; /* a blank line */
    if (row->n != c->ncov + 1)
        return lcm_err_set(err, LCM_PARSE, "%s:%ld:%zu: %zu fields where the header has %zu",
                           row->file, row->line, row->n < c->ncov + 1 ? row->n : c->ncov + 2,
                           row->n, c->ncov + 1);
    const char *code = row->field[0];
    size_t len = strlen(code);
    int ok = len > 0 && len < sizeof c->code[0];
    for (size_t k = 0; ok && k < len; k++)
        ok = code[k] >= '0' && code[k] <= '9';
    if (!ok)
        return lcm_err_set(err, LCM_PARSE,
                           "%s:%ld:1 (code): not a division code (digits), value '%s'", row->file,
                           row->line, code);
    for (size_t i = 0; i < c->nrows; i++)
        if (!strcmp(c->code[i], code))
            return lcm_err_set(err, LCM_PARSE, "%s:%ld:1 (code): code given twice, value '%s'",
                               row->file, row->line, code);
    if (c->nrows == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 64;
        char(*pc)[32] = realloc(c->code, cap * sizeof *pc);
        if (pc)
            c->code = pc;
        double *px = pc ? realloc(c->x, cap * c->ncov * sizeof *px) : NULL;
        if (!px)
            return lcm_err_set(err, LCM_NOMEM, "out of memory reading '%s'", row->file);
        c->x = px, r->cap = cap;
    }
    for (size_t j = 1; j < row->n; j++) {
        const char *s = row->field[j];
        char *end = NULL;
        errno = 0;
        double v = strtod(s, &end);
        const char *why = !*s                               ? "empty cell"
                          : *end || end == s || s[0] == ' ' ? "not a number"
                          : !isfinite(v) || errno == ERANGE ? "not a finite number"
                                                            : NULL;
        if (why)
            return lcm_err_set(err, LCM_PARSE, "%s:%ld:%zu (%s): %s, value '%s'", row->file,
                               row->line, j + 1, c->names[j - 1], why, s);
        c->x[c->nrows * c->ncov + j - 1] = v;
    }
    snprintf(c->code[c->nrows++], sizeof c->code[0], "%s", code);
    return LCM_OK;
}

lcm_status lcm_sa_covariates_read(const char *path, lcm_sa_covariates *out, lcm_err *err) {
    memset(out, 0, sizeof *out);
    cov_reader r = {out, 0};
    lcm_status rc = lcm_csv_read(path, cov_row, &r, err);
    if (rc == LCM_OK && out->ncov == 0)
        rc = lcm_err_set(err, LCM_PARSE, "%s: empty file: expected a header code,NAME[,...]", path);
    return rc;
}

void lcm_sa_result_free(lcm_sa_result *r) {
    if (!r)
        return;
    free(r->rows);
    free(r);
}

static int row_cmp(const void *a, const void *b) {
    return strcmp(((const lcm_sa_row *)a)->code, ((const lcm_sa_row *)b)->code);
}

static lcm_sa_row *find_row(lcm_sa_result *r, const char *code) {
    for (size_t i = 0; i < r->nrows; i++)
        if (!strcmp(r->rows[i].code, code))
            return &r->rows[i];
    return NULL;
}

static lcm_sa_row *add_row(lcm_sa_result *r, size_t *cap, const char *code, lcm_err *err) {
    if (r->nrows == *cap) {
        size_t c = *cap ? *cap * 2 : 32;
        lcm_sa_row *p = realloc(r->rows, c * sizeof *p);
        if (!p) {
            lcm_err_set(err, LCM_NOMEM, "out of memory");
            return NULL;
        }
        r->rows = p, *cap = c;
    }
    lcm_sa_row *row = &r->rows[r->nrows++];
    memset(row, 0, sizeof *row);
    snprintf(row->code, sizeof row->code, "%s", code);
    snprintf(row->name, sizeof row->name, "%s", code);
    row->role = LCM_SA_UNSAMPLED;
    row->direct = row->se = row->df = NAN;
    row->g1 = row->g2 = row->g3 = NAN;
    return row;
}

/* The counties of the city in the reference, with their urban share: residents'
 * committees over all village-level units of their townships. */
static lcm_status reference_districts(lcm_db *db, const char *city, int want_share,
                                      lcm_sa_result *r, size_t *cap, lcm_err *err) {
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(
        db,
        "SELECT c.code, c.name, SUM(t.residents_committees), SUM(t.residents_committees + "
        "t.village_committees + t.other_villages) FROM admin_units c LEFT JOIN admin_units t "
        "ON t.parent_code = c.code AND t.level = 'township' WHERE c.level = 'county' AND "
        "c.city_code = ?1 GROUP BY c.code ORDER BY c.code",
        &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, city, -1, SQLITE_STATIC);
    while (rc == LCM_OK && sqlite3_step(st) == SQLITE_ROW) {
        lcm_sa_row *row = add_row(r, cap, (const char *)sqlite3_column_text(st, 0), err);
        if (!row) {
            rc = LCM_NOMEM;
            break;
        }
        snprintf(row->name, sizeof row->name, "%s", (const char *)sqlite3_column_text(st, 1));
        double all = sqlite3_column_double(st, 3);
        row->x[0] = want_share && all > 0 ? sqlite3_column_double(st, 2) / all : NAN;
    }
    sqlite3_finalize(st);
    if (rc == LCM_OK && r->nrows == 0 && want_share)
        rc = lcm_err_set(err, LCM_NOTFOUND,
                         "city '%s' has no county-level units in the reference data", city);
    if (rc == LCM_OK && want_share) {
        r->ncov = 1;
        snprintf(r->cov_names[0], sizeof r->cov_names[0], "urban_share");
    }
    return rc;
}

/* Covariates from the user's file: every reference district of the city and every sampled
 * district must have a row; rows of other codes are ignored. */
static lcm_status file_covariates(const lcm_sa_covariates *c, lcm_sa_result *r, const char *path,
                                  lcm_err *err) {
    r->ncov = c->ncov;
    for (size_t j = 0; j < c->ncov; j++)
        snprintf(r->cov_names[j], sizeof r->cov_names[j], "%s", c->names[j]);
    for (size_t i = 0; i < r->nrows; i++) {
        lcm_sa_row *row = &r->rows[i];
        size_t k = 0;
        while (k < c->nrows && strcmp(c->code[k], row->code))
            k++;
        if (k == c->nrows) {
            if (row->role == LCM_SA_UNSAMPLED) { /* no respondent, no covariates: drop it */
                memmove(row, row + 1, (r->nrows - i - 1) * sizeof *row);
                r->nrows--, i--;
                continue;
            }
            return lcm_err_set(err, LCM_NOTFOUND, "%s: no row for district '%s' (%s)", path,
                               row->code, row->name);
        }
        memcpy(row->x, c->x + k * c->ncov, c->ncov * sizeof *row->x);
    }
    return LCM_OK;
}

/* Direct estimates per (city, district) in one pass; the rows of req->city go into r. */
static lcm_status direct_estimates(lcm_db *db, const lcm_sa_request *req, lcm_sa_result *r,
                                   size_t *cap, lcm_err *err) {
    const char *by[2] = {req->city_col ? req->city_col : "city",
                         req->district_col ? req->district_col : "county"};
    const char *vars[1] = {req->var};
    lcm_est_request er = {0};
    er.source = req->source, er.wave = req->wave, er.vars = vars, er.nvar = 1;
    er.by = by, er.nby = 2, er.kind = LCM_EST_MEAN, er.ci = LCM_CI_WALD, er.level = 0.95;
    lcm_est_result *est = NULL;
    lcm_status rc = lcm_estimate_run(db, &er, &est, err);
    for (size_t i = 0; rc == LCM_OK && i < lcm_est_result_count(est); i++) {
        const lcm_est_row *e = lcm_est_result_row(est, i);
        if (strcmp(e->by[0], req->city) != 0 || e->est.nrows == 0)
            continue;
        lcm_sa_row *row = find_row(r, e->by[1]);
        if (!row && !req->covariates) {
            rc = lcm_err_set(err, LCM_NOTFOUND,
                             "district '%s' of the sample is not a county of city '%s' in the "
                             "reference data (give its covariates with --covariates)",
                             e->by[1], req->city);
            break;
        }
        if (!row && !(row = add_row(r, cap, e->by[1], err))) {
            rc = LCM_NOMEM;
            break;
        }
        row->direct = e->est.estimate, row->se = e->est.se, row->df = e->est.df;
        row->n = e->est.nrows, row->npsu = e->est.npsu;
        row->role = row->npsu < 2                               ? LCM_SA_ONE_PSU
                    : !(isfinite(e->est.var) && e->est.var > 0) ? LCM_SA_NO_VAR
                                                                : LCM_SA_FITTED;
    }
    lcm_est_result_free(est);
    return rc;
}

static lcm_status fit_model(const lcm_sa_request *req, lcm_sa_result *r, lcm_err *err) {
    size_t p = r->ncov + 1, m = 0;
    for (size_t i = 0; i < r->nrows; i++) { /* an unsampled district without covariates */
        int known = 1;
        for (size_t j = 0; j < r->ncov; j++)
            known &= isfinite(r->rows[i].x[j]) != 0;
        if (!known && r->rows[i].role == LCM_SA_UNSAMPLED) {
            memmove(r->rows + i, r->rows + i + 1, (r->nrows - i - 1) * sizeof *r->rows);
            r->nrows--, i--;
        }
    }
    size_t sampled = 0;
    for (size_t i = 0; i < r->nrows; i++) {
        m += r->rows[i].role == LCM_SA_FITTED;
        sampled += r->rows[i].role != LCM_SA_UNSAMPLED;
    }
    r->nfit = m;
    if (sampled == 0)
        return lcm_err_set(err, LCM_NOTFOUND, "no respondent of city '%s' answered '%s' in wave %d",
                           req->city, req->var, req->wave);
    if (m <= p)
        return lcm_err_set(err, LCM_DESIGN,
                           "%zu district%s of city '%s' %s a usable direct estimate (respondents "
                           "in 2 or more PSUs): the model with %zu coefficient%s needs at least "
                           "%zu",
                           m, m == 1 ? "" : "s", req->city, m == 1 ? "has" : "have", p,
                           p == 1 ? "" : "s", p + 1);
    double *y = malloc((m + 1) * sizeof *y), *psi = malloc((m + 1) * sizeof *psi);
    double *X = malloc((m + 1) * p * sizeof *X);
    lcm_sae_area *areas = malloc((m + 1) * sizeof *areas);
    lcm_status rc = y && psi && X && areas ? LCM_OK : lcm_err_set(err, LCM_NOMEM, "out of memory");
    for (size_t i = 0, k = 0; rc == LCM_OK && i < r->nrows; i++) {
        const lcm_sa_row *row = &r->rows[i];
        for (size_t j = 0; j < r->ncov; j++)
            if (!isfinite(row->x[j]))
                rc = lcm_err_set(err, LCM_NOTFOUND,
                                 "district '%s' (%s) has no value of covariate '%s' in the "
                                 "reference data (give covariates with --covariates)",
                                 row->code, row->name, r->cov_names[j]);
        if (row->role != LCM_SA_FITTED)
            continue;
        y[k] = row->direct, psi[k] = row->se * row->se;
        X[k * p] = 1;
        memcpy(X + k * p + 1, row->x, r->ncov * sizeof *X);
        k++;
    }
    r->fit.beta = r->beta, r->fit.cov = r->cov;
    lcm_sae_opts o = {req->method, 0, 0};
    char msg[512] = "";
    if (rc == LCM_OK &&
        (rc = lcm_sae_fh_fit(m, p, y, psi, X, &o, &r->fit, areas, msg, sizeof msg)) != LCM_OK)
        lcm_err_set(err, rc, "Fay-Herriot model of '%s' over the districts of city '%s': %s",
                    req->var, req->city, msg);
    for (size_t i = 0, k = 0; rc == LCM_OK && i < r->nrows; i++) {
        lcm_sa_row *row = &r->rows[i];
        if (row->role == LCM_SA_FITTED) {
            const lcm_sae_area *a = &areas[k++];
            row->estimate = a->eblup, row->rmse = sqrt(a->mse), row->gamma = a->gamma;
            row->synthetic = a->synthetic, row->g1 = a->g1, row->g2 = a->g2, row->g3 = a->g3;
            continue;
        }
        double x[LCM_SA_MAXCOV + 1] = {1}, mse;
        memcpy(x + 1, row->x, r->ncov * sizeof *x);
        lcm_sae_fh_synthetic(&r->fit, p, x, &row->estimate, &mse);
        row->synthetic = row->estimate, row->rmse = sqrt(mse), row->gamma = 0;
    }
    free(y), free(psi), free(X), free(areas);
    return rc;
}

lcm_status lcm_smallarea_run(lcm_db *db, const lcm_sa_request *req, lcm_sa_result **out,
                             lcm_err *err) {
    lcm_sa_result *r = calloc(1, sizeof *r);
    lcm_sa_covariates cov = {0};
    size_t cap = 0;
    *out = NULL;
    if (!r)
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    r->method = req->method;
    lcm_status rc = LCM_OK;
    if (req->wave <= 0)
        rc = lcm_err_set(err, LCM_INVAL, "district estimates are for one wave: give --wave");
    if (rc == LCM_OK && req->covariates)
        rc = lcm_sa_covariates_read(req->covariates, &cov, err);
    if (rc == LCM_OK)
        rc = reference_districts(db, req->city, !req->covariates, r, &cap, err);
    if (rc == LCM_OK)
        rc = direct_estimates(db, req, r, &cap, err);
    if (rc == LCM_OK && req->covariates)
        rc = file_covariates(&cov, r, req->covariates, err);
    if (rc == LCM_OK) {
        qsort(r->rows, r->nrows, sizeof *r->rows, row_cmp);
        rc = fit_model(req, r, err);
    }
    lcm_sa_covariates_free(&cov);
    if (rc != LCM_OK) {
        lcm_sa_result_free(r);
        return rc;
    }
    *out = r;
    return LCM_OK;
}
