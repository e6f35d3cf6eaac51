/*
 * comparison.c - from a comparison request to analysis/compare.h: the rows and design are
 * loaded exactly as `lcmon estimate` loads them (lcm_estimate_load: declared design,
 * calibration, replicates), the by column's labels become domain ids in label order, and the
 * analysis does the rest. Contrast text is parsed here, never pasted anywhere: a domain
 * name is looked up among the labels, or among the cities' names with a bound parameter.
 */
#include "comparison.h"
#include "estimate.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

struct lcm_cmp_domains {
    lcm_survey_data data;
    lcm_svy_design *design;
    lcm_svy_lin *lin;
    lcm_svy_est *est;
    const char **labels; /* ndom, borrowed from data */
    size_t ndom;
    int32_t *dom;
    char by[64];
};

size_t lcm_cmp_ndom(const lcm_cmp_domains *D) {
    return D->ndom;
}

const char *lcm_cmp_label(const lcm_cmp_domains *D, size_t i) {
    return i < D->ndom ? D->labels[i] : NULL;
}

const lcm_svy_est *lcm_cmp_est(const lcm_cmp_domains *D, size_t i) {
    return i < D->ndom ? &D->est[i] : NULL;
}

void lcm_cmp_domains_free(lcm_cmp_domains *D) {
    if (!D)
        return;
    lcm_svy_lin_free(D->lin);
    lcm_svy_design_free(D->design);
    lcm_survey_data_free(&D->data);
    free(D->est), free(D->labels), free(D->dom);
    free(D);
}

/* Labels compared as numbers when both are, else as text (lcmon estimate's order). */
static int label_cmp(const char *a, const char *b) {
    char *ea, *eb;
    double x = strtod(a, &ea), y = strtod(b, &eb);
    if (*a && *b && !*ea && !*eb && x != y)
        return x < y ? -1 : 1;
    return strcmp(a, b);
}

/* The rows and design of req; categorical loads var as categories. The where column, if
 * any, is loaded as a second by column. */
static lcm_status load(lcm_db *db, const lcm_cmp_request *req, int categorical,
                       lcm_survey_data *data, lcm_svy_design **design, char *wcol,
                       const char **wval, lcm_err *err) {
    const char *by[2] = {req->by, NULL};
    size_t nby = 1;
    *wval = NULL;
    if (req->where) {
        const char *eq = strchr(req->where, '=');
        size_t len = eq ? (size_t)(eq - req->where) : 0;
        if (!eq || len == 0 || len >= 64)
            return lcm_err_set(err, LCM_INVAL, "--where wants COLUMN=VALUE: '%s'", req->where);
        memcpy(wcol, req->where, len);
        wcol[len] = '\0';
        by[1] = wcol, *wval = eq + 1, nby = 2;
    }
    lcm_est_request er = {.source = req->source,
                          .wave = req->wave,
                          .vars = &req->var,
                          .nvar = 1,
                          .by = by,
                          .nby = nby,
                          .kind = categorical ? LCM_EST_PROP : LCM_EST_MEAN,
                          .level = req->level};
    return lcm_estimate_load(db, &er, data, design, err);
}

/* Domain ids by label rank for by column j of data (rows failing the where filter -1);
 * *labels gets the sorted labels. */
static lcm_status domain_ids(const lcm_survey_data *d, size_t j, const char *wval, int32_t **ids,
                             const char ***labels, size_t *k, lcm_err *err) {
    const lcm_intern *in = d->by_labels[j];
    size_t m = lcm_intern_count(in);
    const char **lab = malloc((m ? m : 1) * sizeof *lab);
    int32_t *rank = malloc((m ? m : 1) * sizeof *rank),
            *id = malloc((d->n ? d->n : 1) * sizeof *id);
    int64_t wcode = wval ? lcm_intern_find(d->by_labels[1], wval) : -1;
    if (!lab || !rank || !id) {
        free(lab), free(rank), free(id);
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < m; i++)
        lab[i] = lcm_intern_label(in, (int64_t)i);
    for (size_t i = 1; i < m; i++) /* insertion sort: few domains */
        for (size_t a = i; a > 0 && label_cmp(lab[a - 1], lab[a]) > 0; a--) {
            const char *t = lab[a];
            lab[a] = lab[a - 1], lab[a - 1] = t;
        }
    for (size_t i = 0; i < m; i++)
        rank[lcm_intern_find(in, lab[i])] = (int32_t)i;
    for (size_t r = 0; r < d->n; r++) {
        int64_t c = d->by_codes[j][r];
        id[r] = c < 0 ? -1 : rank[c];
        if (wval && d->by_codes[1][r] != wcode)
            id[r] = -1;
    }
    free(rank);
    *ids = id, *labels = lab, *k = m;
    return LCM_OK;
}

lcm_status lcm_cmp_domains_run(lcm_db *db, const lcm_cmp_request *req, lcm_cmp_domains **out,
                               lcm_err *err) {
    lcm_cmp_domains *D = calloc(1, sizeof *D);
    char wcol[64], msg[512] = "";
    const char *wval;
    *out = NULL;
    if (!D)
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    snprintf(D->by, sizeof D->by, "%s", req->by);
    lcm_status rc = load(db, req, 0, &D->data, &D->design, wcol, &wval, err);
    if (rc == LCM_OK)
        rc = domain_ids(&D->data, 0, wval, &D->dom, &D->labels, &D->ndom, err);
    if (rc == LCM_OK && D->ndom == 0)
        rc = lcm_err_set(err, LCM_INVAL, "column '%s' has no value to compare", req->by);
    if (rc == LCM_OK && !(D->est = calloc(D->ndom, sizeof *D->est)))
        rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
    if (rc == LCM_OK) {
        lcm_svy_var v = {LCM_SVY_MEAN, D->data.var[0], NULL};
        lcm_svy_by by = {D->dom, D->ndom};
        rc = lcm_svy_lin_new(D->design, &v, 1, &by, D->est, &D->lin, msg, sizeof msg);
        if (rc != LCM_OK)
            rc = lcm_err_set(err, rc, "estimation: %s", msg[0] ? msg : lcm_strerror(rc));
    }
    if (rc != LCM_OK) {
        lcm_cmp_domains_free(D);
        return rc;
    }
    *out = D;
    return LCM_OK;
}

lcm_cmp_domains *lcm__cmp_domains_labels(const char *const *labels, size_t n, const char *by) {
    lcm_cmp_domains *D = calloc(1, sizeof *D);
    if (!D || !(D->labels = malloc((n ? n : 1) * sizeof *D->labels))) {
        free(D);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        D->labels[i] = labels[i]; /* borrowed: the caller keeps them */
    D->ndom = n;
    snprintf(D->by, sizeof D->by, "%s", by);
    return D;
}

lcm_status lcm_cmp_cov(const lcm_cmp_domains *D, double *cov, lcm_err *err) {
    char msg[512] = "";
    lcm_status rc = lcm_svy_lin_cov(D->lin, cov, msg, sizeof msg);
    return rc == LCM_OK ? LCM_OK : lcm_err_set(err, rc, "covariance: %s", msg);
}

lcm_status lcm_cmp_contrast(const lcm_cmp_domains *D, const double *coef, double level,
                            lcm_cmp_result *out, lcm_err *err) {
    char msg[512] = "";
    lcm_status rc = lcm_svy_lin_contrast(D->lin, coef, &out->c, msg, sizeof msg);
    if (rc != LCM_OK)
        return lcm_err_set(err, rc, "contrast: %s", msg);
    out->ci_low = out->ci_high = NAN;
    if (out->c.df > 0 && !isnan(out->c.se)) {
        double q = gsl_cdf_tdist_Qinv((1 - level) / 2, out->c.df);
        out->ci_low = out->c.estimate - q * out->c.se;
        out->ci_high = out->c.estimate + q * out->c.se;
    }
    return LCM_OK;
}

/* Domain named s (len bytes): a label, else a city's name when the domains are cities. */
static long find_domain(lcm_db *db, const lcm_cmp_domains *D, const char *s, size_t len) {
    char name[256];
    if (len >= sizeof name)
        return -1;
    memcpy(name, s, len);
    name[len] = '\0';
    for (size_t i = 0; i < D->ndom; i++)
        if (!strcmp(D->labels[i], name))
            return (long)i;
    if (!db || strcmp(D->by, "city"))
        return -1;
    sqlite3_stmt *st = NULL;
    long hit = -1;
    if (lcm_db_prepare(db, "SELECT code FROM cities WHERE name = ?1 OR name = ?1 || '市'", &st,
                       NULL) != LCM_OK)
        return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *code = (const char *)sqlite3_column_text(st, 0);
        for (size_t i = 0; code && i < D->ndom; i++)
            if (!strcmp(D->labels[i], code))
                hit = (long)i;
    }
    sqlite3_finalize(st);
    return hit;
}

lcm_status lcm_cmp_parse(lcm_db *db, const lcm_cmp_domains *D, const char *expr, double *coef,
                         lcm_err *err) {
    const char *p = expr;
    int terms = 0;
    for (size_t i = 0; i < D->ndom; i++)
        coef[i] = 0;
    for (;;) {
        while (isspace((unsigned char)*p))
            p++;
        double sign = 1;
        if (*p == '+' || *p == '-') {
            sign = *p == '-' ? -1 : 1;
            p++;
            while (isspace((unsigned char)*p))
                p++;
        } else if (terms > 0) {
            return lcm_err_set(err, LCM_INVAL,
                               "contrast '%s', column %zu: expected + or - between terms", expr,
                               (size_t)(p - expr) + 1);
        }
        if (!*p)
            return lcm_err_set(err, LCM_INVAL, "contrast '%s', column %zu: expected a domain", expr,
                               (size_t)(p - expr) + 1);
        /* NUMBER '*' */
        double k = 1;
        char *end;
        double x = strtod(p, &end);
        const char *q = end;
        while (end != p && isspace((unsigned char)*q))
            q++;
        if (end != p && *q == '*') {
            if (!isfinite(x))
                return lcm_err_set(err, LCM_INVAL,
                                   "contrast '%s', column %zu: the coefficient is not finite", expr,
                                   (size_t)(p - expr) + 1);
            k = x, p = q + 1;
            while (isspace((unsigned char)*p))
                p++;
        }
        const char *s = p;
        size_t len;
        if (*p == '\'' || *p == '"') {
            const char *close = strchr(p + 1, *p);
            if (!close)
                return lcm_err_set(err, LCM_INVAL, "contrast '%s', column %zu: unclosed quote",
                                   expr, (size_t)(p - expr) + 1);
            s = p + 1, len = (size_t)(close - s), p = close + 1;
        } else {
            while (*p && !isspace((unsigned char)*p) && *p != '+' && *p != '*')
                p++;
            len = (size_t)(p - s);
        }
        long d = len ? find_domain(db, D, s, len) : -1;
        if (d < 0)
            return lcm_err_set(err, LCM_INVAL,
                               "contrast '%s', column %zu: '%.*s' is not a domain of '%s'", expr,
                               (size_t)(s - expr) + 1, (int)(len > 200 ? 200 : len), s, D->by);
        coef[d] += sign * k;
        if (!isfinite(coef[d]))
            return lcm_err_set(err, LCM_INVAL,
                               "contrast '%s', column %zu: the coefficient of '%.*s' is too large",
                               expr, (size_t)(s - expr) + 1, (int)(len > 200 ? 200 : len), s);
        terms++;
        while (isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
    }
    return LCM_OK;
}

lcm_status lcm_cmp_ttest_run(lcm_db *db, const lcm_cmp_request *req, const char *const groups[2],
                             lcm_svy_ttest *out, lcm_err *err) {
    lcm_survey_data data = {0};
    lcm_svy_design *design = NULL;
    char wcol[64], msg[512] = "";
    const char *wval;
    int32_t *grp = NULL;
    lcm_status rc = load(db, req, 0, &data, &design, wcol, &wval, err);
    if (rc != LCM_OK)
        goto cleanup;
    int64_t code[2] = {lcm_intern_find(data.by_labels[0], groups[0]),
                       groups[1] ? lcm_intern_find(data.by_labels[0], groups[1]) : -1};
    for (int g = 0; g < 2; g++)
        if (groups[g] && code[g] < 0) {
            rc = lcm_err_set(err, LCM_INVAL, "column '%s' has no value '%s'", req->by, groups[g]);
            goto cleanup;
        }
    int64_t wcode = wval ? lcm_intern_find(data.by_labels[1], wval) : -1;
    if (!(grp = malloc((data.n ? data.n : 1) * sizeof *grp))) {
        rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t r = 0; r < data.n; r++) {
        int64_t c = data.by_codes[0][r];
        grp[r] = c < 0               ? -1
                 : c == code[0]      ? (groups[1] ? 0 : 1)
                 : groups[1] == NULL ? 0
                 : c == code[1]      ? 1
                                     : -1;
        if (wval && data.by_codes[1][r] != wcode)
            grp[r] = -1;
    }
    rc = lcm_svy_ttest_run(design, data.var[0], grp, req->level, out, msg, sizeof msg);
    if (rc != LCM_OK)
        rc = lcm_err_set(err, rc, "t-test: %s", msg);
cleanup:
    free(grp);
    lcm_svy_design_free(design);
    lcm_survey_data_free(&data);
    return rc;
}

lcm_status lcm_cmp_chisq_run(lcm_db *db, const lcm_cmp_request *req, lcm_svy_chisq *out,
                             lcm_err *err) {
    lcm_survey_data data = {0};
    lcm_svy_design *design = NULL;
    char wcol[64], msg[512] = "";
    const char *wval;
    int32_t *a = NULL, *b = NULL;
    if (req->where)
        return lcm_err_set(err, LCM_UNSUPPORTED, "--where is not supported with --chisq");
    lcm_status rc = load(db, req, 1, &data, &design, wcol, &wval, err);
    if (rc == LCM_OK && (!(a = malloc((data.n ? data.n : 1) * sizeof *a)) ||
                         !(b = malloc((data.n ? data.n : 1) * sizeof *b))))
        rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
    if (rc == LCM_OK) {
        for (size_t r = 0; r < data.n; r++)
            a[r] = (int32_t)data.var_codes[0][r], b[r] = (int32_t)data.by_codes[0][r];
        rc = lcm_svy_chisq_run(design, a, lcm_intern_count(data.var_labels[0]), b,
                               lcm_intern_count(data.by_labels[0]), out, msg, sizeof msg);
        if (rc != LCM_OK)
            rc = lcm_err_set(err, rc, "chi-square: %s", msg);
    }
    free(a), free(b);
    lcm_svy_design_free(design);
    lcm_survey_data_free(&data);
    return rc;
}
