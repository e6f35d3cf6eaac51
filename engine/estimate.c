/*
 * estimate.c - from a request to stored, labelled estimates.
 *
 * The data are loaded once; the design is built as declared, calibrated when a calibration
 * is declared, or given its replicate weights (built from it, or imported from columns).
 * By-columns are crossed into one domain id per row, a categorical variable becomes one 0/1
 * column per category (NaN where unanswered), and analysis/svy estimates everything for
 * every domain in one pass (quantiles: one pass per variable). Results go into the
 * estimates table under a run that records the request, so a report can say how each
 * number was made. Comparing two waves runs the request once per wave, each with its own
 * design, and matches the results.
 */
#include "estimate.h"
#include "review.h"
#include "strbuf.h"
#include "weight.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lcm_est_result {
    lcm_est_row *rows;
    size_t nrows;
    char **strings; /* every label the rows point at */
    size_t nstrings, scap;
    const char **by_labels; /* nrows * nby */
    long long run_id;
    int calibrated;             /* 0, or 1 + lcm_calib_method */
    lcm_svy_calib_report calib; /* how the calibration ended */
};

size_t lcm_est_result_count(const lcm_est_result *r) {
    return r->nrows;
}

const lcm_est_row *lcm_est_result_row(const lcm_est_result *r, size_t i) {
    return i < r->nrows ? &r->rows[i] : NULL;
}

long long lcm_est_result_run(const lcm_est_result *r) {
    return r->run_id;
}

void lcm_est_result_free(lcm_est_result *r) {
    if (!r)
        return;
    for (size_t i = 0; i < r->nstrings; i++)
        free(r->strings[i]);
    free(r->strings);
    free(r->rows);
    free(r->by_labels);
    free(r);
}

/* Keep a copy of s in the result; returns the copy or NULL. */
static const char *keep(lcm_est_result *r, const char *s) {
    if (!s)
        return NULL;
    if (r->nstrings == r->scap) {
        size_t cap = r->scap ? r->scap * 2 : 64;
        char **p = realloc(r->strings, cap * sizeof *p);
        if (!p)
            return NULL;
        r->strings = p, r->scap = cap;
    }
    char *c = strdup(s);
    if (c)
        r->strings[r->nstrings++] = c;
    return c;
}

static lcm_svy_ci_kind ci_kind(lcm_ci_kind k) {
    return k == LCM_CI_LOGIT  ? LCM_SVY_CI_LOGIT
           : k == LCM_CI_BETA ? LCM_SVY_CI_BETA
                              : LCM_SVY_CI_WALD;
}

/* Compare labels numerically when both are numbers, else as text (UTF-8 byte order). */
static int label_cmp(const char *a, const char *b) {
    char *ea, *eb;
    double x = strtod(a, &ea), y = strtod(b, &eb);
    if (*a && *b && !*ea && !*eb && x != y)
        return x < y ? -1 : 1;
    return strcmp(a, b);
}

/* Domains: the crossing of the by-columns, one dense id per distinct combination. */
typedef struct domains {
    int32_t *id;    /* per row, -1 when any by-value is missing */
    size_t n;       /* number of domains */
    int64_t *combo; /* n * nby codes, the by-values of each domain */
    size_t *rows;   /* rows in each domain, answered or not */
    size_t *order;  /* domain ids in label order */
} domains;

static const lcm_survey_data *sort_data;
static const domains *sort_dom;
static size_t sort_k;

static int domain_cmp(const void *pa, const void *pb) {
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb, k = sort_k;
    for (size_t j = 0; j < k; j++) {
        int c = label_cmp(lcm_intern_label(sort_data->by_labels[j], sort_dom->combo[a * k + j]),
                          lcm_intern_label(sort_data->by_labels[j], sort_dom->combo[b * k + j]));
        if (c)
            return c;
    }
    return 0;
}

/* Cross the first k by-columns (the rest, if any, are calibration margins). */
static lcm_status make_domains(const lcm_survey_data *d, size_t k, domains *dom, lcm_err *err) {
    lcm_intern *combos = lcm_intern_new();
    dom->id = malloc(d->n * sizeof *dom->id);
    if (!combos || !dom->id)
        goto oom;
    /* few possible combinations (the product of the label counts): a dense table from the
     * combination to its id, given in first-seen order as the interner below would */
    size_t cells = 1;
    for (size_t j = 0; j < k && cells <= d->n + 1024; j++)
        cells *= lcm_intern_count(d->by_labels[j]) ? lcm_intern_count(d->by_labels[j]) : 1;
    int32_t *cell = k && k <= 8 && cells <= d->n + 1024 ? malloc(cells * sizeof *cell) : NULL;
    int dense = cell != NULL;
    if (dense) {
        size_t next = 0;
        memset(cell, 0xff, cells * sizeof *cell);
        for (size_t i = 0; i < d->n; i++) {
            size_t at = 0;
            int missing = 0;
            for (size_t j = 0; j < k; j++) {
                int64_t c = d->by_codes[j][i];
                missing |= c < 0;
                at = at * lcm_intern_count(d->by_labels[j]) + (size_t)(c < 0 ? 0 : c);
            }
            if (!missing && cell[at] < 0)
                cell[at] = (int32_t)next++;
            dom->id[i] = missing ? -1 : cell[at];
        }
        free(cell);
        dom->n = next;
    }
    for (size_t i = 0; !dense && i < d->n; i++) {
        /* the key: each code in base 64 from '0', then ','; no NUL, no printf per row */
        char key[12 * 8];
        size_t len = 0;
        int missing = 0;
        for (size_t j = 0; j < k && j < 8; j++) {
            int64_t c = d->by_codes[j][i];
            missing |= c < 0;
            for (uint64_t v = (uint64_t)c; v; v >>= 6)
                key[len++] = (char)('0' + (v & 63));
            key[len++] = ',';
        }
        int64_t id = missing ? -1 : lcm_intern_id(combos, key, len);
        if (!missing && id < 0)
            goto oom;
        dom->id[i] = (int32_t)id;
    }
    if (!dense)
        dom->n = k ? lcm_intern_count(combos) : 1;
    dom->combo = calloc(dom->n * (k ? k : 1), sizeof *dom->combo);
    dom->order = malloc(dom->n * sizeof *dom->order);
    dom->rows = calloc(dom->n, sizeof *dom->rows);
    if (!dom->combo || !dom->order || !dom->rows)
        goto oom;
    for (size_t i = 0; i < d->n; i++)
        if (!k || dom->id[i] >= 0)
            dom->rows[k ? (size_t)dom->id[i] : 0]++;
    for (size_t i = 0; i < d->n; i++)
        for (size_t j = 0; j < k && dom->id[i] >= 0; j++)
            dom->combo[(size_t)dom->id[i] * k + j] = d->by_codes[j][i];
    for (size_t i = 0; i < dom->n; i++)
        dom->order[i] = i;
    sort_data = d, sort_dom = dom, sort_k = k;
    if (k)
        qsort(dom->order, dom->n, sizeof *dom->order, domain_cmp);
    lcm_intern_free(combos);
    return LCM_OK;
oom:
    lcm_intern_free(combos);
    return lcm_err_set(err, LCM_NOMEM, "out of memory building domains");
}

/* The variables as analysis/svy sees them: numeric columns, or one 0/1 column per
 * category of each categorical variable (categories in label order). */
typedef struct est_vars {
    lcm_svy_var *v;
    size_t n;
    double **owned; /* indicator columns we allocated */
    size_t *src;    /* which request variable each comes from */
    int64_t *cat;   /* category code, -1 for numeric */
    double *p;      /* quantile probability, NaN otherwise */
} est_vars;

static int64_t *sorted_categories(const lcm_intern *labels, size_t *k) {
    *k = lcm_intern_count(labels);
    int64_t *ids = malloc((*k ? *k : 1) * sizeof *ids);
    if (!ids)
        return NULL;
    for (size_t i = 0; i < *k; i++)
        ids[i] = (int64_t)i;
    for (size_t i = 1; i < *k; i++) /* insertion sort: category lists are short */
        for (size_t j = i; j > 0 && label_cmp(lcm_intern_label(labels, ids[j - 1]),
                                              lcm_intern_label(labels, ids[j])) > 0;
             j--) {
            int64_t t = ids[j];
            ids[j] = ids[j - 1], ids[j - 1] = t;
        }
    return ids;
}

/* Room for total variables. */
static lcm_status alloc_vars(est_vars *ev, size_t total, lcm_err *err) {
    size_t m = total ? total : 1;
    ev->v = calloc(m, sizeof *ev->v);
    ev->owned = calloc(m, sizeof *ev->owned);
    ev->src = calloc(m, sizeof *ev->src);
    ev->cat = calloc(m, sizeof *ev->cat);
    ev->p = calloc(m, sizeof *ev->p);
    if (!ev->v || !ev->owned || !ev->src || !ev->cat || !ev->p)
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    return LCM_OK;
}

/* Quantiles: one result per (variable, probability), in that order as lcm_svy_quantile lays
 * them out. */
static lcm_status quantile_vars(const lcm_survey_data *d, const lcm_est_request *req, est_vars *ev,
                                lcm_err *err) {
    lcm_status rc = alloc_vars(ev, d->nvar * req->nq, err);
    for (size_t i = 0; rc == LCM_OK && i < d->nvar; i++)
        for (size_t q = 0; q < req->nq; q++) {
            ev->v[ev->n] = (lcm_svy_var){LCM_SVY_MEAN, d->var[i], NULL};
            ev->src[ev->n] = i, ev->cat[ev->n] = -1, ev->p[ev->n++] = req->quantiles[q];
        }
    return rc;
}

static lcm_status make_vars(const lcm_survey_data *d, const lcm_est_request *req, est_vars *ev,
                            lcm_err *err) {
    lcm_est_kind kind = req->kind;
    if (kind == LCM_EST_QUANTILE)
        return quantile_vars(d, req, ev, err);
    size_t total = 0;
    for (size_t i = 0; i < d->nvar; i++)
        total += kind == LCM_EST_PROP ? lcm_intern_count(d->var_labels[i]) : 1;
    lcm_status rc = alloc_vars(ev, total, err);
    if (rc != LCM_OK)
        return rc;
    for (size_t i = 0; i < d->nvar; i++) {
        if (kind != LCM_EST_PROP) {
            ev->v[ev->n] = (lcm_svy_var){kind == LCM_EST_TOTAL ? LCM_SVY_TOTAL : LCM_SVY_MEAN,
                                         d->var[i], NULL};
            ev->src[ev->n] = i, ev->cat[ev->n] = -1, ev->p[ev->n++] = NAN;
            continue;
        }
        size_t k;
        int64_t *cats = sorted_categories(d->var_labels[i], &k);
        if (!cats)
            return lcm_err_set(err, LCM_NOMEM, "out of memory");
        for (size_t c = 0; c < k; c++) {
            double *col = malloc(d->n * sizeof *col);
            if (!col) {
                free(cats);
                return lcm_err_set(err, LCM_NOMEM, "out of memory");
            }
            for (size_t r = 0; r < d->n; r++)
                col[r] = d->var_codes[i][r] < 0 ? NAN : d->var_codes[i][r] == cats[c];
            ev->owned[ev->n] = col;
            ev->v[ev->n] = (lcm_svy_var){LCM_SVY_MEAN, col, NULL};
            ev->src[ev->n] = i, ev->cat[ev->n] = cats[c], ev->p[ev->n++] = NAN;
        }
        free(cats);
    }
    return LCM_OK;
}

static void free_vars(est_vars *ev) {
    for (size_t i = 0; i < ev->n; i++)
        free(ev->owned[i]);
    free(ev->owned), free(ev->v), free(ev->src), free(ev->cat), free(ev->p);
}

/* The labels of an interner as an array by code (NULL when there are none). */
static const char **labels_of(const lcm_intern *in, size_t *n) {
    *n = in ? lcm_intern_count(in) : 0;
    const char **a = *n ? malloc(*n * sizeof *a) : NULL;
    for (size_t i = 0; a && i < *n; i++)
        a[i] = lcm_intern_label(in, (int64_t)i);
    return a;
}

lcm_status lcm_survey_design_build(const lcm_survey_data *d, const lcm_design_decl *decl,
                                   lcm_svy_design **out, lcm_err *err) {
    lcm_svy_spec spec = {d->n,    d->strata, d->psu, d->ssu,      d->fpc1,
                         d->fpc2, d->weight, NULL,   decl->lonely};
    lcm_svy_names names = {0};
    const char **sn = labels_of(d->strata_labels, &names.nstrata);
    const char **pn = labels_of(d->psu_labels, &names.npsu);
    names.strata = sn, names.psu = pn;
    char msg[512] = "";
    lcm_status rc = lcm_svy_design_new_named(&spec, &names, out, msg, sizeof msg);
    free(sn), free(pn);
    if (rc != LCM_OK)
        return lcm_err_set(err, rc, "survey design: %s", msg[0] ? msg : lcm_strerror(rc));
    return LCM_OK;
}

static const char *stat_name(lcm_est_kind k) {
    return k == LCM_EST_PROP       ? "prop"
           : k == LCM_EST_TOTAL    ? "total"
           : k == LCM_EST_QUANTILE ? "quantile"
                                   : "mean";
}

/* Turn svy results into labelled rows, domains in label order, then variables. */
static lcm_status collect_rows(const lcm_est_request *req, const lcm_survey_data *d,
                               const domains *dom, const est_vars *ev, const lcm_svy_est *est,
                               const double *qci, lcm_est_result *r, lcm_err *err) {
    size_t nby = req->nby;
    r->rows = calloc(dom->n * ev->n, sizeof *r->rows);
    r->by_labels = calloc(dom->n * (nby ? nby : 1), sizeof *r->by_labels);
    if (!r->rows || !r->by_labels)
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    for (size_t oi = 0; oi < dom->n; oi++) {
        size_t di = dom->order[oi];
        const char **labels = r->by_labels + oi * nby;
        for (size_t j = 0; j < nby; j++)
            labels[j] = keep(r, lcm_intern_label(d->by_labels[j], dom->combo[di * nby + j]));
        for (size_t v = 0; v < ev->n; v++) {
            const lcm_svy_est *e = &est[di * ev->n + v];
            if (e->nrows == 0)
                continue; /* a category never seen in this domain */
            lcm_est_row *row = &r->rows[r->nrows++];
            row->variable = keep(r, d->var_names[ev->src[v]]);
            row->category = ev->cat[v] < 0
                                ? NULL
                                : keep(r, lcm_intern_label(d->var_labels[ev->src[v]], ev->cat[v]));
            row->by = labels;
            row->est = *e;
            row->small = (long)e->nrows < req->min_n;
            row->p = ev->p[v];
            if (qci) { /* a quantile's Woodruff interval comes with it */
                row->ci_low = qci[2 * (di * ev->n + v)];
                row->ci_high = qci[2 * (di * ev->n + v) + 1];
                continue;
            }
            /* R subsets an uncalibrated design before svyciprop, so its nrow() is the
             * domain's row count; a calibrated one keeps every row */
            lcm_svy_ci(ci_kind(req->ci), req->kind == LCM_EST_PROP, e, req->level,
                       r->calibrated ? d->n : dom->rows[di], &row->ci_low, &row->ci_high);
        }
    }
    return LCM_OK;
}

static void bind_double(sqlite3_stmt *st, int i, double v) {
    if (isnan(v) || isinf(v))
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_double(st, i, v);
}

static void params_json(const lcm_est_request *req, const lcm_design_decl *decl, lcm_strbuf *sb) {
    lcm_strbuf_adds(sb, "{\"source\":");
    lcm_strbuf_add_json(sb, req->source.name);
    lcm_strbuf_addf(sb,
                    ",\"kind\":\"%s\",\"wave\":%d,\"stat\":\"%s\",\"ci\":\"%s\","
                    "\"level\":%.17g,\"min_n\":%ld,",
                    lcm_source_kind_name(req->source.kind), req->wave, stat_name(req->kind),
                    req->ci == LCM_CI_LOGIT  ? "logit"
                    : req->ci == LCM_CI_BETA ? "beta"
                                             : "wald",
                    req->level, req->min_n);
    /* which interviews of lcmon serve counted (engine/review.h) */
    if (req->source.kind == LCM_SOURCE_FORM)
        lcm_strbuf_addf(sb, "\"unreviewed\":\"%s\",\"vars\":[",
                        lcm_review_unreviewed_name(req->source.unreviewed));
    else
        lcm_strbuf_adds(sb, "\"vars\":[");
    for (size_t i = 0; i < req->nvar; i++) {
        lcm_strbuf_adds(sb, i ? "," : "");
        lcm_strbuf_add_json(sb, req->vars[i]);
    }
    lcm_strbuf_adds(sb, "],\"by\":[");
    for (size_t i = 0; i < req->nby; i++) {
        lcm_strbuf_adds(sb, i ? "," : "");
        lcm_strbuf_add_json(sb, req->by[i]);
    }
    lcm_strbuf_adds(sb, "],\"design\":{\"strata\":");
    lcm_strbuf_add_json(sb, decl->strata);
    lcm_strbuf_adds(sb, ",\"psu\":");
    lcm_strbuf_add_json(sb, decl->psu);
    lcm_strbuf_adds(sb, ",\"ssu\":");
    lcm_strbuf_add_json(sb, decl->ssu);
    lcm_strbuf_adds(sb, ",\"fpc1\":");
    lcm_strbuf_add_json(sb, decl->fpc1);
    lcm_strbuf_adds(sb, ",\"fpc2\":");
    lcm_strbuf_add_json(sb, decl->fpc2);
    lcm_strbuf_adds(sb, ",\"weight\":");
    lcm_strbuf_add_json(sb, decl->weight);
    lcm_strbuf_addf(sb, ",\"lonely\":\"%s\"", lcm_lonely_name(decl->lonely));
    const lcm_rep_decl *r = &decl->rep;
    if (r->type[0]) {
        lcm_strbuf_addf(sb, ",\"replicates\":{\"type\":\"%s\",\"import\":%d", r->type, r->import);
        if (r->import) {
            lcm_strbuf_adds(sb, ",\"columns\":");
            lcm_strbuf_add_json(sb, r->columns);
            lcm_strbuf_addf(sb, ",\"multipliers\":%d", r->multipliers);
            if (!isnan(r->scale))
                lcm_strbuf_addf(sb, ",\"scale\":%.17g", r->scale);
            if (!isnan(r->rho))
                lcm_strbuf_addf(sb, ",\"rho\":%.17g", r->rho);
        } else if (!strcmp(r->type, "bootstrap")) {
            lcm_strbuf_addf(sb, ",\"nrep\":%ld,\"seed\":%lu", r->nrep, r->seed);
        }
        lcm_strbuf_addf(sb, ",\"mse\":%d}", r->mse);
    }
    lcm_strbuf_adds(sb, "}");
    if (req->kind == LCM_EST_QUANTILE) {
        lcm_strbuf_adds(sb, ",\"quantiles\":[");
        for (size_t q = 0; q < req->nq; q++)
            lcm_strbuf_addf(sb, "%s%.17g", q ? "," : "", req->quantiles[q]);
        lcm_strbuf_adds(sb, "]");
    }
    lcm_strbuf_adds(sb, "}");
}

static lcm_status store_rows(lcm_db *db, const lcm_est_request *req, const lcm_design_decl *decl,
                             lcm_est_result *r, lcm_err *err) {
    lcm_strbuf params = LCM_STRBUF_INIT, byv = LCM_STRBUF_INIT, dom = LCM_STRBUF_INIT;
    sqlite3_stmt *run = NULL, *ins = NULL;
    lcm_status rc = lcm_db_begin(db, err);
    if (rc != LCM_OK)
        return rc;
    params_json(req, decl, &params);
    for (size_t j = 0; j < req->nby; j++)
        lcm_strbuf_addf(&byv, "%s%s", j ? "," : "", req->by[j]);
    if ((rc = lcm_db_prepare(db,
                             "INSERT INTO runs(kind, params, lcmon_version) VALUES "
                             "('estimate', ?1, ?2)",
                             &run, err)) != LCM_OK ||
        (rc = lcm_db_prepare(db,
                             "INSERT INTO estimates(run_id, source, wave, variable, category,"
                             " stat, by_vars, domain, estimate, se, ci_low, ci_high, df, deff,"
                             " n, npsu, small) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
                             "?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
                             &ins, err)) != LCM_OK)
        goto fail;
    sqlite3_bind_text(run, 1, params.buf, -1, SQLITE_STATIC);
    sqlite3_bind_text(run, 2, LCM_VERSION, -1, SQLITE_STATIC);
    if (sqlite3_step(run) != SQLITE_DONE) {
        rc = lcm_db_fail(db, err, "storing the run");
        goto fail;
    }
    r->run_id = sqlite3_last_insert_rowid(lcm_db_sqlite(db));
    for (size_t i = 0; i < r->nrows; i++) {
        const lcm_est_row *row = &r->rows[i];
        lcm_strbuf_clear(&dom);
        for (size_t j = 0; j < req->nby; j++)
            lcm_strbuf_addf(&dom, "%s%s", j ? "\x1f" : "", row->by[j]);
        sqlite3_reset(ins);
        sqlite3_bind_int64(ins, 1, r->run_id);
        sqlite3_bind_text(ins, 2, req->source.name, -1, SQLITE_STATIC);
        sqlite3_bind_int(ins, 3, req->wave);
        sqlite3_bind_text(ins, 4, row->variable, -1, SQLITE_STATIC);
        char pbuf[32];
        if (!isnan(row->p)) { /* a quantile's category is its probability */
            snprintf(pbuf, sizeof pbuf, "%.15g", row->p);
            sqlite3_bind_text(ins, 5, pbuf, -1, SQLITE_TRANSIENT);
        } else {
            sqlite3_bind_text(ins, 5, row->category, -1, SQLITE_STATIC);
        }
        sqlite3_bind_text(ins, 6, stat_name(req->kind), -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 7, byv.buf, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 8, dom.buf, -1, SQLITE_STATIC);
        const double v[] = {row->est.estimate, row->est.se, row->ci_low,
                            row->ci_high,      row->est.df, row->est.deff};
        for (int k = 0; k < 6; k++)
            bind_double(ins, 9 + k, v[k]);
        sqlite3_bind_int64(ins, 15, (sqlite3_int64)row->est.nrows);
        sqlite3_bind_int64(ins, 16, (sqlite3_int64)row->est.npsu);
        sqlite3_bind_int(ins, 17, row->small);
        if (sqlite3_step(ins) != SQLITE_DONE) {
            rc = lcm_db_fail(db, err, "storing estimates");
            goto fail;
        }
    }
    rc = lcm_db_commit(db, err);
    if (rc == LCM_OK)
        goto cleanup;
fail:
    lcm_db_rollback(db);
    r->run_id = 0;
cleanup:
    sqlite3_finalize(run);
    sqlite3_finalize(ins);
    lcm_strbuf_release(&params);
    lcm_strbuf_release(&byv);
    lcm_strbuf_release(&dom);
    return rc;
}

/* Load the rows and build the design, calibrated when a calibration is declared for the
 * source: its margin columns are loaded after the request's by-columns. */
static lcm_status load_calibrated(lcm_db *db, const lcm_est_request *req,
                                  const lcm_design_decl *decl, lcm_survey_data *data,
                                  lcm_svy_design **design, lcm_est_result *r, lcm_err *err) {
    lcm_calib_decl cal = {0};
    lcm_margin_set ms = {0};
    const char *by[8 + 16];
    size_t nby = req->nby;
    int found = 0;
    lcm_svy_design *calibrated = NULL;
    lcm_status rc = lcm_calib_get(db, &req->source, req->wave, &cal, &found, err);
    if (rc == LCM_OK && found)
        rc = lcm_margins_parse(cal.margins_text, "stored margins", &ms, err);
    if (req->nby) /* by may be NULL without columns */
        memcpy(by, req->by, req->nby * sizeof *by);
    if (found && rc == LCM_OK)
        nby += lcm_margin_columns(&ms, by + req->nby, 16);
    if (rc == LCM_OK)
        rc = lcm_survey_load(db, &req->source, req->wave, decl, req->vars, req->nvar,
                             req->kind == LCM_EST_PROP, by, nby, data, err);
    if (rc == LCM_OK)
        rc = lcm_survey_design_build(data, decl, design, err);
    if (rc == LCM_OK && found) {
        rc = lcm_calib_apply(*design, data, req->nby, &cal, &ms, &calibrated, &r->calib, err);
        lcm_svy_design_free(*design);
        *design = calibrated;
        r->calibrated = rc == LCM_OK ? cal.method + 1 : 0;
    }
    lcm_margins_free(&ms);
    free(cal.margins_text);
    return rc;
}

/* The scale R's svrepdesign() gives imported replicates of this type when none is given. */
static double import_scale(const lcm_rep_decl *r, size_t nrep) {
    double R = (double)nrep;
    if (!isnan(r->scale))
        return r->scale;
    if (!strcmp(r->type, "bootstrap"))
        return 1.0 / (R - 1);
    if (!strcmp(r->type, "jk1"))
        return (R - 1) / R;
    if (!strcmp(r->type, "brr"))
        return 1.0 / R;
    if (!strcmp(r->type, "fay"))
        return 1.0 / (R * (1 - r->rho) * (1 - r->rho));
    if (!strcmp(r->type, "sdr"))
        return 4.0 / R;
    return 1.0; /* other */
}

/* Replace *design by one carrying the declared replicate weights (built from it as R's
 * as.svrepdesign, or imported as R's svrepdesign with the weight column as given). */
static lcm_status attach_replicates(lcm_db *db, const lcm_est_request *req,
                                    const lcm_design_decl *decl, const lcm_survey_data *data,
                                    lcm_svy_design **design, int calibrated, lcm_err *err) {
    const lcm_rep_decl *r = &decl->rep;
    lcm_svy_design *rep = NULL;
    double **rw = NULL;
    size_t nrep = 0;
    char msg[512] = "";
    lcm_status rc = LCM_OK;
    if (calibrated)
        return lcm_err_set(err, LCM_UNSUPPORTED,
                           "the design has both a calibration and replicate weights: lcmon does "
                           "not recalibrate each replicate yet (drop one of them)");
    if (!r->import) {
        lcm_svy_reptype t = !strcmp(r->type, "jk1")   ? LCM_SVY_REP_JK1
                            : !strcmp(r->type, "jkn") ? LCM_SVY_REP_JKN
                                                      : LCM_SVY_REP_BOOTSTRAP;
        rc = lcm_svy_replicates_make(*design, t, (size_t)r->nrep, r->seed, r->mse, &rep, msg,
                                     sizeof msg);
    } else if ((rc = lcm_survey_load_replicates(db, &req->source, req->wave, decl, data, &rw, &nrep,
                                                err)) == LCM_OK) {
        rc = lcm_svy_replicates_attach(*design, (const double *const *)rw, nrep, !r->multipliers,
                                       import_scale(r, nrep), NULL, r->mse, data->weight, &rep, msg,
                                       sizeof msg);
    } else {
        return rc;
    }
    for (size_t i = 0; i < nrep; i++)
        free(rw[i]);
    free(rw);
    if (rc != LCM_OK)
        return lcm_err_set(err, rc, "replicate weights: %s", msg[0] ? msg : lcm_strerror(rc));
    lcm_svy_design_free(*design);
    *design = rep;
    return LCM_OK;
}

/* Estimates of every (domain, variable) into est; quantiles also give their intervals in
 * qci (2 per result). */
static lcm_status run_estimates(const lcm_est_request *req, const lcm_svy_design *design,
                                const lcm_survey_data *data, const domains *dom, const est_vars *ev,
                                lcm_svy_est *est, double *qci, lcm_err *err) {
    lcm_svy_by by = {req->nby ? dom->id : NULL, dom->n};
    char msg[512] = "";
    lcm_status rc;
    if (req->kind != LCM_EST_QUANTILE) {
        rc = lcm_svy_estimate(design, ev->v, ev->n, &by, 1, est, msg, sizeof msg);
        return rc == LCM_OK
                   ? LCM_OK
                   : lcm_err_set(err, rc, "estimation: %s", msg[0] ? msg : lcm_strerror(rc));
    }
    size_t nres = lcm_svy_quantile_nresults(&by, 1, data->nvar, req->nq);
    lcm_svy_quant *q = malloc((nres ? nres : 1) * sizeof *q);
    if (!q)
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    rc = lcm_svy_quantile(design, (const double *const *)data->var, data->nvar, req->quantiles,
                          req->nq, req->level, &by, 1, q, msg, sizeof msg);
    for (size_t i = 0; rc == LCM_OK && i < nres; i++) {
        est[i] = (lcm_svy_est){q[i].estimate, q[i].se, q[i].se * q[i].se, q[i].df,
                               q[i].wsum,     NAN,     q[i].nrows,        q[i].npsu};
        qci[2 * i] = q[i].ci_low, qci[2 * i + 1] = q[i].ci_high;
    }
    free(q);
    return rc == LCM_OK ? LCM_OK
                        : lcm_err_set(err, rc, "quantiles: %s", msg[0] ? msg : lcm_strerror(rc));
}

static lcm_status check_request(const lcm_est_request *req, lcm_err *err) {
    if (req->nby > 8)
        return lcm_err_set(err, LCM_INVAL, "at most 8 by-columns, got %zu", req->nby);
    if (req->kind == LCM_EST_QUANTILE && (!req->quantiles || req->nq == 0))
        return lcm_err_set(err, LCM_INVAL, "quantiles need at least one probability");
    for (size_t q = 0; req->kind == LCM_EST_QUANTILE && q < req->nq; q++)
        if (!(req->quantiles[q] >= 0 && req->quantiles[q] <= 1))
            return lcm_err_set(err, LCM_INVAL, "quantile probability %g is not in [0, 1]",
                               req->quantiles[q]);
    return LCM_OK;
}

lcm_status lcm_estimate_run(lcm_db *db, const lcm_est_request *req, lcm_est_result **out,
                            lcm_err *err) {
    lcm_design_decl decl;
    lcm_survey_data data = {0};
    domains dom = {0};
    est_vars ev = {0};
    lcm_svy_design *design = NULL;
    lcm_svy_est *est = NULL;
    double *qci = NULL;
    lcm_est_result *r = calloc(1, sizeof *r);
    lcm_status rc;
    *out = NULL;
    if (!r)
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    /* Read everything in one read transaction (one snapshot, no write lock: an import may
     * be writing meanwhile); only storing the run below takes the write lock. */
    int reading =
        sqlite3_get_autocommit(lcm_db_sqlite(db)) && lcm_db_exec(db, "BEGIN", NULL) == LCM_OK;
    if ((rc = check_request(req, err)) != LCM_OK ||
        (rc = lcm_design_get(db, &req->source, req->wave, &decl, err)) != LCM_OK ||
        (rc = load_calibrated(db, req, &decl, &data, &design, r, err)) != LCM_OK ||
        (decl.rep.type[0] &&
         (rc = attach_replicates(db, req, &decl, &data, &design, r->calibrated, err)) != LCM_OK))
        goto cleanup;
    /* the design holds what it needs of the design columns now: their arrays go before the
     * domains and variables are made (3M rows: 5 columns, 120 MB less at the peak) */
    free(data.rowid), free(data.strata), free(data.psu), free(data.ssu);
    free(data.fpc1), free(data.fpc2), free(data.weight);
    data.rowid = NULL, data.strata = data.psu = data.ssu = NULL;
    data.fpc1 = data.fpc2 = data.weight = NULL;
    if ((rc = make_domains(&data, req->nby, &dom, err)) != LCM_OK ||
        (rc = make_vars(&data, req, &ev, err)) != LCM_OK)
        goto cleanup;
    est = calloc(dom.n * ev.n + 1, sizeof *est);
    qci = req->kind == LCM_EST_QUANTILE ? malloc((2 * dom.n * ev.n + 1) * sizeof *qci) : NULL;
    if (!est || (req->kind == LCM_EST_QUANTILE && !qci)) {
        rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
        goto cleanup;
    }
    if ((rc = run_estimates(req, design, &data, &dom, &ev, est, qci, err)) != LCM_OK ||
        (rc = collect_rows(req, &data, &dom, &ev, est, qci, r, err)) != LCM_OK)
        goto cleanup;
    /* nothing was written but the columnar copy of the columns read, if it was (survey.c):
     * ends the read, keeping the copy */
    if (reading && lcm_db_commit(db, NULL) != LCM_OK)
        lcm_db_rollback(db);
    reading = 0;
    if (req->store && (rc = store_rows(db, req, &decl, r, err)) != LCM_OK)
        goto cleanup;
    *out = r;
    r = NULL;
cleanup:
    if (reading)
        lcm_db_rollback(db);
    lcm_est_result_free(r);
    free(est);
    free(qci);
    free_vars(&ev);
    free(dom.id), free(dom.combo), free(dom.order), free(dom.rows);
    lcm_svy_design_free(design);
    lcm_survey_data_free(&data);
    return rc;
}

struct lcm_est_comparison {
    lcm_est_result *wave[2];
    lcm_est_change_row *rows;
    size_t nrows;
};

size_t lcm_est_comparison_count(const lcm_est_comparison *c) {
    return c->nrows;
}

const lcm_est_change_row *lcm_est_comparison_row(const lcm_est_comparison *c, size_t i) {
    return i < c->nrows ? &c->rows[i] : NULL;
}

const lcm_est_result *lcm_est_comparison_wave(const lcm_est_comparison *c, int which) {
    return c->wave[which ? 1 : 0];
}

void lcm_est_comparison_free(lcm_est_comparison *c) {
    if (!c)
        return;
    lcm_est_result_free(c->wave[0]);
    lcm_est_result_free(c->wave[1]);
    free(c->rows);
    free(c);
}

/* What identifies a result across waves: variable, category or probability, domain. */
typedef struct row_key {
    char *key;
    const lcm_est_row *row;
} row_key;

static int cmp_row_key(const void *a, const void *b) {
    return strcmp(((const row_key *)a)->key, ((const row_key *)b)->key);
}

static lcm_status make_keys(const lcm_est_result *r, size_t nby, row_key **out, lcm_err *err) {
    lcm_strbuf sb = LCM_STRBUF_INIT;
    *out = calloc(r->nrows ? r->nrows : 1, sizeof **out);
    if (!*out)
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    for (size_t i = 0; i < r->nrows; i++) {
        const lcm_est_row *row = &r->rows[i];
        lcm_strbuf_clear(&sb);
        lcm_strbuf_addf(&sb, "%s\x1f%s\x1f%.17g", row->variable, row->category ? row->category : "",
                        row->p);
        for (size_t j = 0; j < nby; j++)
            lcm_strbuf_addf(&sb, "\x1f%s", row->by[j]);
        (*out)[i] = (row_key){lcm_strbuf_ok(&sb) ? strdup(sb.buf) : NULL, row};
        if (!(*out)[i].key) {
            lcm_strbuf_release(&sb);
            return lcm_err_set(err, LCM_NOMEM, "out of memory");
        }
    }
    lcm_strbuf_release(&sb);
    return LCM_OK;
}

static void free_keys(row_key *k, size_t n) {
    for (size_t i = 0; k && i < n; i++)
        free(k[i].key);
    free(k);
}

static void change_of(const lcm_est_row *a, const lcm_est_row *b, lcm_est_change_row *out) {
    out->a = a, out->b = b;
    lcm_svy_change_of(a ? a->est.estimate : NAN, a ? a->est.se : NAN, a ? a->est.df : NAN,
                      b ? b->est.estimate : NAN, b ? b->est.se : NAN, b ? b->est.df : NAN,
                      &out->change);
}

/* Rows of a in their order with their match in b, then the rows only b has. */
static lcm_status match_waves(lcm_est_comparison *c, size_t nby, lcm_err *err) {
    const lcm_est_result *a = c->wave[0], *b = c->wave[1];
    row_key *ka = NULL, *kb = NULL;
    char *used = calloc(b->nrows + 1, 1);
    c->rows = calloc(a->nrows + b->nrows + 1, sizeof *c->rows);
    lcm_status rc = !used || !c->rows ? lcm_err_set(err, LCM_NOMEM, "out of memory") : LCM_OK;
    if (rc == LCM_OK && (rc = make_keys(a, nby, &ka, err)) == LCM_OK)
        rc = make_keys(b, nby, &kb, err);
    if (rc == LCM_OK) {
        qsort(kb, b->nrows, sizeof *kb, cmp_row_key);
        for (size_t i = 0; i < a->nrows; i++) {
            row_key *hit = bsearch(&ka[i], kb, b->nrows, sizeof *kb, cmp_row_key);
            if (hit)
                used[hit - kb] = 1;
            change_of(ka[i].row, hit ? hit->row : NULL, &c->rows[c->nrows++]);
        }
        for (size_t i = 0; i < b->nrows; i++)
            if (!used[i])
                change_of(NULL, kb[i].row, &c->rows[c->nrows++]);
    }
    free(used);
    free_keys(ka, a->nrows);
    free_keys(kb, b->nrows);
    return rc;
}

lcm_status lcm_estimate_compare(lcm_db *db, const lcm_est_request *req, int wave_a, int wave_b,
                                lcm_est_comparison **out, lcm_err *err) {
    lcm_est_comparison *c = calloc(1, sizeof *c);
    lcm_est_request r = *req;
    lcm_status rc = c ? LCM_OK : lcm_err_set(err, LCM_NOMEM, "out of memory");
    *out = NULL;
    if (rc == LCM_OK && (wave_a <= 0 || wave_b <= 0 || wave_a == wave_b))
        rc = lcm_err_set(err, LCM_INVAL, "two different waves are needed, got %d and %d", wave_a,
                         wave_b);
    for (int w = 0; w < 2 && rc == LCM_OK; w++) {
        r.wave = w ? wave_b : wave_a;
        if ((rc = lcm_estimate_run(db, &r, &c->wave[w], err)) != LCM_OK && err) {
            char msg[sizeof err->msg];
            snprintf(msg, sizeof msg, "%s", err->msg);
            lcm_err_set(err, rc, "wave %d: %s", r.wave, msg);
        }
    }
    if (rc == LCM_OK && (rc = match_waves(c, req->nby, err)) == LCM_OK) {
        *out = c;
        c = NULL;
    }
    lcm_est_comparison_free(c);
    return rc;
}

lcm_status lcm_estimate_load(lcm_db *db, const lcm_est_request *req, lcm_survey_data *data,
                             lcm_svy_design **design, lcm_err *err) {
    lcm_design_decl decl;
    lcm_est_result r = {0};
    lcm_status rc;
    *design = NULL;
    if ((rc = check_request(req, err)) != LCM_OK ||
        (rc = lcm_design_get(db, &req->source, req->wave, &decl, err)) != LCM_OK ||
        (rc = load_calibrated(db, req, &decl, data, design, &r, err)) != LCM_OK ||
        (decl.rep.type[0] &&
         (rc = attach_replicates(db, req, &decl, data, design, r.calibrated, err)) != LCM_OK)) {
        lcm_svy_design_free(*design);
        *design = NULL;
    }
    return rc;
}

/* lcm_estimate_load for the means of vars by the by-columns (lcmon model), data freed on
 * failure too. */
lcm_status lcm_estimate_prepare(lcm_db *db, const lcm_source *src, int wave,
                                const char *const *vars, size_t nvar, const char *const *by,
                                size_t nby, lcm_survey_data *data, lcm_svy_design **design,
                                lcm_err *err) {
    lcm_est_request req = {0};
    req.source = *src, req.wave = wave, req.vars = vars, req.nvar = nvar, req.by = by;
    req.nby = nby, req.kind = LCM_EST_MEAN;
    lcm_status rc = lcm_estimate_load(db, &req, data, design, err);
    if (rc != LCM_OK)
        lcm_survey_data_free(data);
    return rc;
}
