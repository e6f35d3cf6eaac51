/*
 * model.c - from a model request to a fitted svyglm (see model.h, docs/model.md).
 *
 * The rows and the design come from lcm_estimate_prepare, so a model sees exactly the design
 * `lcmon estimate` uses (calibration, replicate weights). Numeric covariates and the outcome
 * are loaded as numbers; factors (and an outcome given as COL=LEVEL) as codes with their
 * labels. The model matrix is built here; analysis/svy_glm fits it.
 */
#include "model.h"
#include "estimate.h"
#include "form.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TERMS 32

typedef struct term {
    const char *name;
    const lcm_field *fd; /* the form's field, or NULL */
    int factor;
    size_t idx;        /* index among the loaded vars (numeric) or by-columns (factor) */
    size_t nlev;       /* factor: levels present in the model's rows */
    int64_t *lev;      /* their codes in data->by_labels, in level order */
    size_t ref;        /* index in lev of the reference level */
    size_t col0, ncol; /* its columns in the model matrix */
} term;

void lcm_model_result_free(lcm_model_result *r) {
    if (!r)
        return;
    lcm_glm_fit_free(&r->fit);
    free(r->coef);
    free(r->test);
    for (size_t i = 0; i < r->nstrings; i++)
        free(r->strings[i]);
    free(r->strings);
    free(r);
}

/* A copy of s owned by r (NULL stays NULL; NULL also when out of memory). */
static const char *keep(lcm_model_result *r, const char *s) {
    if (!s)
        return NULL;
    char **a = realloc(r->strings, (r->nstrings + 1) * sizeof *a);
    if (!a)
        return NULL;
    r->strings = a;
    return (a[r->nstrings] = strdup(s)) ? a[r->nstrings++] : NULL;
}

/* 1 when the source's column holds a non-empty text value somewhere (a factor such as
 * age_band '16-29'); names were checked by lcm_sql_name_ok. */
static int holds_text(lcm_db *db, const lcm_source *src, const char *col) {
    char sql[512];
    sqlite3_stmt *st = NULL;
    if (!lcm_sql_name_ok(col))
        return 0;
    snprintf(sql, sizeof sql,
             "SELECT 1 FROM \"%s\" WHERE typeof(\"%s\") = 'text' AND \"%s\" <> '' LIMIT 1",
             src->table, col, col);
    if (lcm_db_prepare(db, sql, &st, NULL) != LCM_OK)
        return 0;
    int text = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return text;
}

static const lcm_field *field_of(const lcm_form *f, const char *name) {
    int i = f ? lcm_form_find(f, name) : -1;
    return i >= 0 ? lcm_form_field(f, (size_t)i) : NULL;
}

/* The label of a level (its code's choice label), else the code. */
static const char *level_label(const lcm_form *f, const lcm_field *fd, size_t li,
                               const char *code) {
    int c = fd && fd->list ? lcm_form_choice(fd->list, code) : -1;
    const char *s = c >= 0 ? lcm_form_text(f, fd->list->items[c].label, li) : "";
    return s && *s ? s : code;
}

static const char *term_label(const lcm_form *f, const lcm_field *fd, size_t li, const char *name) {
    const char *s = fd ? lcm_form_text(f, fd->label, li) : "";
    return s && *s ? s : name;
}

/* Order of two levels: the form's choice order, else numbers by value, else bytes. */
static const lcm_field *sort_fd;
static const lcm_intern *sort_labels;
static int level_cmp(const void *pa, const void *pb) {
    const char *a = lcm_intern_label(sort_labels, *(const int64_t *)pa);
    const char *b = lcm_intern_label(sort_labels, *(const int64_t *)pb);
    if (sort_fd && sort_fd->list) {
        int ia = lcm_form_choice(sort_fd->list, a), ib = lcm_form_choice(sort_fd->list, b);
        if (ia >= 0 && ib >= 0)
            return (ia > ib) - (ia < ib);
        if ((ia >= 0) != (ib >= 0))
            return ia >= 0 ? -1 : 1;
    }
    char *ea, *eb;
    double da = strtod(a, &ea), db = strtod(b, &eb);
    if (!*ea && !*eb && *a && *b && da != db)
        return (da > db) - (da < db);
    return strcmp(a, b);
}

typedef struct ctx {
    lcm_db *db;
    const lcm_model_request *req;
    lcm_form *form;
    size_t li;
    term t[MAX_TERMS];
    size_t nt;
    char ycol[128];
    const char *ylevel; /* "COL=LEVEL" outcome: the level, else NULL */
    const char *vars[MAX_TERMS + 1], *by[MAX_TERMS + 2];
    size_t nvar, nby;
    int city_by, y_by; /* by indices of the city and the outcome level, -1 = none */
    lcm_survey_data data;
    lcm_svy_design *design;
    int32_t *dom;
    double *y;
    int *complete;
} ctx;

static lcm_status plan(ctx *c, lcm_err *err) {
    const lcm_model_request *req = c->req;
    if (req->nx == 0 || req->nx > MAX_TERMS)
        return lcm_err_set(err, LCM_INVAL, "a model needs 1 to %d covariates, got %zu", MAX_TERMS,
                           req->nx);
    const char *eq = strchr(req->y, '=');
    snprintf(c->ycol, sizeof c->ycol, "%.*s", eq ? (int)(eq - req->y) : (int)strlen(req->y),
             req->y);
    c->ylevel = eq ? eq + 1 : NULL;
    if (c->ylevel && !*c->ylevel)
        return lcm_err_set(err, LCM_INVAL, "outcome '%s': no level after '='", req->y);
    c->city_by = c->y_by = -1;
    if (!c->ylevel)
        c->vars[c->nvar++] = c->ycol;
    if (req->city)
        c->city_by = (int)c->nby, c->by[c->nby++] = "city";
    for (size_t i = 0; i < req->nx; i++) {
        term *t = &c->t[c->nt++];
        t->name = req->x[i];
        for (size_t j = 0; j < i; j++)
            if (!strcmp(req->x[j], t->name))
                return lcm_err_set(err, LCM_INVAL, "covariate '%s' is given twice", t->name);
        if (!strcmp(t->name, c->ycol))
            return lcm_err_set(err, LCM_INVAL, "'%s' is the outcome and a covariate", t->name);
        if (!lcm_sql_name_ok(t->name) ||
            !lcm_table_has_column(c->db, c->req->source.table, t->name))
            return lcm_err_set(err, LCM_NOTFOUND, "covariate '%s': no such column in %s '%s'",
                               t->name, lcm_source_kind_name(req->source.kind), req->source.name);
        t->fd = field_of(c->form, t->name);
        t->factor =
            (t->fd && t->fd->type == LCM_FT_SELECT_ONE) || holds_text(c->db, &req->source, t->name);
        if (t->factor)
            t->idx = c->nby, c->by[c->nby++] = t->name;
        else
            t->idx = c->nvar, c->vars[c->nvar++] = t->name;
    }
    if (c->ylevel)
        c->y_by = (int)c->nby, c->by[c->nby++] = c->ycol;
    for (size_t i = 0; i < req->nref; i++) {
        const char *r = req->ref[i], *e = strchr(r, '=');
        size_t j = 0;
        for (; e && j < c->nt; j++)
            if (strlen(c->t[j].name) == (size_t)(e - r) && !strncmp(c->t[j].name, r, e - r))
                break;
        if (!e || !e[1])
            return lcm_err_set(err, LCM_INVAL, "--ref '%s': expected VAR=LEVEL", r);
        if (j == c->nt)
            return lcm_err_set(err, LCM_INVAL, "--ref '%s': '%.*s' is not a covariate of the model",
                               r, (int)(e - r), r);
        if (!c->t[j].factor)
            return lcm_err_set(err, LCM_INVAL,
                               "--ref '%s': '%s' is numeric, only a factor has a reference level",
                               r, c->t[j].name);
    }
    return LCM_OK;
}

/* The outcome, the model's subset (city) and which of its rows are complete. */
static lcm_status rows(ctx *c, lcm_err *err) {
    const lcm_survey_data *d = &c->data;
    size_t n = d->n;
    c->dom = malloc(n * sizeof *c->dom);
    c->y = malloc(n * sizeof *c->y);
    c->complete = malloc(n * sizeof *c->complete);
    if (!c->dom || !c->y || !c->complete)
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    int64_t city = -1, ylev = -1;
    if (c->city_by >= 0 && (city = lcm_intern_find(d->by_labels[c->city_by], c->req->city)) < 0)
        return lcm_err_set(err, LCM_NOTFOUND, "no respondents of city '%s'%s", c->req->city,
                           c->req->wave ? " in that wave" : "");
    if (c->y_by >= 0) {
        ylev = lcm_intern_find(d->by_labels[c->y_by], c->ylevel);
        if (ylev < 0)
            return lcm_err_set(err, LCM_NOTFOUND, "outcome '%s': no respondent answered '%s'",
                               c->req->y, c->ylevel);
    }
    size_t m = 0;
    for (size_t k = 0; k < n; k++) {
        c->dom[k] = c->city_by < 0 || d->by_codes[c->city_by][k] == city ? 0 : -1;
        if (c->y_by >= 0) {
            int64_t code = d->by_codes[c->y_by][k];
            c->y[k] = code < 0 ? NAN : code == ylev ? 1.0 : 0.0;
        } else {
            c->y[k] = d->var[0][k];
        }
        int ok = c->dom[k] == 0 && !isnan(c->y[k]);
        for (size_t j = 0; ok && j < c->nt; j++)
            ok = c->t[j].factor ? d->by_codes[c->t[j].idx][k] >= 0 : !isnan(d->var[c->t[j].idx][k]);
        c->complete[k] = ok;
        m += ok;
    }
    if (m == 0)
        return lcm_err_set(err, LCM_NOTFOUND, "no respondent%s answered '%s' and every covariate",
                           c->req->city ? " of that city" : "", c->ycol);
    return LCM_OK;
}

/* Levels of every factor present in the complete rows, in order, with the reference. */
static lcm_status levels(ctx *c, lcm_err *err) {
    const lcm_survey_data *d = &c->data;
    for (size_t j = 0; j < c->nt; j++) {
        term *t = &c->t[j];
        if (!t->factor)
            continue;
        const lcm_intern *lab = d->by_labels[t->idx];
        size_t K = lcm_intern_count(lab);
        unsigned char *seen = calloc(K ? K : 1, 1);
        t->lev = malloc((K ? K : 1) * sizeof *t->lev);
        if (!seen || !t->lev) {
            free(seen);
            return lcm_err_set(err, LCM_NOMEM, "out of memory");
        }
        for (size_t k = 0; k < d->n; k++)
            if (c->complete[k])
                seen[d->by_codes[t->idx][k]] = 1;
        for (size_t v = 0; v < K; v++)
            if (seen[v])
                t->lev[t->nlev++] = (int64_t)v;
        free(seen);
        sort_fd = t->fd, sort_labels = lab;
        qsort(t->lev, t->nlev, sizeof *t->lev, level_cmp);
        t->ref = 0;
        for (size_t i = 0; i < c->req->nref; i++) {
            const char *r = c->req->ref[i], *e = strchr(r, '=');
            if (strlen(t->name) != (size_t)(e - r) || strncmp(t->name, r, e - r))
                continue;
            size_t l = 0;
            for (; l < t->nlev; l++) {
                const char *code = lcm_intern_label(lab, t->lev[l]);
                if (!strcmp(code, e + 1) ||
                    !strcmp(level_label(c->form, t->fd, c->li, code), e + 1) ||
                    (c->form &&
                     !strcmp(level_label(c->form, t->fd, lcm_form_lang_index(c->form, "zh"), code),
                             e + 1)) ||
                    (c->form &&
                     !strcmp(level_label(c->form, t->fd, lcm_form_lang_index(c->form, "en"), code),
                             e + 1)))
                    break;
            }
            if (l == t->nlev)
                return lcm_err_set(err, LCM_NOTFOUND,
                                   "--ref '%s': no respondent in the model has %s = '%s'", r,
                                   t->name, e + 1);
            t->ref = l;
        }
        if (t->nlev < 2)
            return lcm_err_set(
                err, LCM_INVAL,
                "covariate '%s' has one level only among the model's "
                "respondents ('%s'): drop it",
                t->name,
                t->nlev ? level_label(c->form, t->fd, c->li, lcm_intern_label(lab, t->lev[0]))
                        : "");
    }
    return LCM_OK;
}

/* A logistic model with a factor level whose respondents all give the same answer has no
 * finite estimate (quasi-complete separation): say which level, before fitting. */
static lcm_status separation(const ctx *c, lcm_err *err) {
    const lcm_survey_data *d = &c->data;
    for (size_t j = 0; j < c->nt; j++) {
        const term *t = &c->t[j];
        for (size_t l = 0; t->factor && l < t->nlev; l++) {
            size_t n = 0, ones = 0, binary = 1;
            for (size_t k = 0; k < d->n; k++)
                if (c->complete[k] && d->by_codes[t->idx][k] == t->lev[l]) {
                    n++, ones += c->y[k] == 1.0;
                    binary &= c->y[k] == 0.0 || c->y[k] == 1.0;
                }
            if (n && binary && (ones == 0 || ones == n)) {
                const char *code = lcm_intern_label(d->by_labels[t->idx], t->lev[l]);
                return lcm_err_set(
                    err, LCM_NUMERIC,
                    "separation: all %zu respondents with %s = '%s' have %s = %d, so the "
                    "logistic model has no finite estimate; merge that level with another or "
                    "drop '%s'",
                    n, t->name, level_label(c->form, t->fd, c->li, code), c->req->y, ones ? 1 : 0,
                    t->name);
            }
        }
    }
    return LCM_OK;
}

static lcm_status fit(ctx *c, lcm_model_result *r, lcm_err *err) {
    const lcm_survey_data *d = &c->data;
    size_t n = d->n, p = 1;
    for (size_t j = 0; j < c->nt; j++) {
        c->t[j].col0 = p;
        c->t[j].ncol = c->t[j].factor ? c->t[j].nlev - 1 : 1;
        p += c->t[j].ncol;
    }
    double *xm = malloc(p * n * sizeof *xm);
    const double **cols = malloc(p * sizeof *cols);
    const char **names = malloc(p * sizeof *names);
    size_t *idx = malloc(p * sizeof *idx); /* a term's columns, for its Wald test */
    lcm_status rc = LCM_OK;
    r->coef = calloc(p, sizeof *r->coef);
    r->test = calloc(c->nt, sizeof *r->test);
    if (!xm || !cols || !names || !idx || !r->coef || !r->test) {
        rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t k = 0; k < n; k++)
        xm[k] = 1.0;
    names[0] = "(Intercept)";
    r->coef[0] = (lcm_model_coef){
        "(Intercept)", c->req->lang_en ? "(Intercept)" : "截距", NULL, NULL, 0, 0, 0, 0};
    for (size_t j = 0; j < c->nt; j++) {
        const term *t = &c->t[j];
        const char *tl = keep(r, term_label(c->form, t->fd, c->li, t->name));
        for (size_t a = 0; a < t->ncol; a++) {
            double *col = xm + (t->col0 + a) * n;
            lcm_model_coef *co = &r->coef[t->col0 + a];
            co->term = t->name, co->term_label = tl;
            if (!t->factor) {
                memcpy(col, d->var[t->idx], n * sizeof *col);
                names[t->col0 + a] = t->name;
                continue;
            }
            size_t l = a < t->ref ? a : a + 1;
            const char *code = lcm_intern_label(d->by_labels[t->idx], t->lev[l]);
            for (size_t k = 0; k < n; k++) {
                int64_t v = d->by_codes[t->idx][k];
                col[k] = v < 0 ? NAN : v == t->lev[l] ? 1.0 : 0.0;
            }
            co->level = keep(r, code);
            co->level_label = keep(r, level_label(c->form, t->fd, c->li, code));
            char nm[160];
            snprintf(nm, sizeof nm, "%s = %s", t->name, co->level_label);
            names[t->col0 + a] = keep(r, nm);
        }
    }
    for (size_t i = 0; i < p; i++)
        cols[i] = xm + i * n;
    lcm_glm_spec spec = {c->req->family, p, cols, c->y, c->dom, names, 0, 0};
    char msg[512] = "";
    if ((rc = lcm_svy_glm(c->design, &spec, &r->fit, msg, sizeof msg)) != LCM_OK) {
        rc = lcm_err_set(err, rc, "model: %s", msg[0] ? msg : lcm_strerror(rc));
        goto cleanup;
    }
    for (size_t i = 0; i < p; i++) {
        r->coef[i].beta = r->fit.beta[i], r->coef[i].se = r->fit.se[i];
        r->coef[i].t = r->fit.t[i], r->coef[i].p = r->fit.pval[i];
    }
    for (size_t j = 0; j < c->nt; j++) {
        const term *t = &c->t[j];
        lcm_model_test *mt = &r->test[r->ntest++];
        mt->term = t->name, mt->term_label = r->coef[t->col0].term_label;
        if (t->factor) {
            const char *code = lcm_intern_label(d->by_labels[t->idx], t->lev[t->ref]);
            mt->ref_level = keep(r, code);
            mt->ref_label = keep(r, level_label(c->form, t->fd, c->li, code));
        }
        for (size_t a = 0; a < t->ncol; a++)
            idx[a] = t->col0 + a;
        if (lcm_glm_wald_test(&r->fit, idx, t->ncol, &mt->wald, msg, sizeof msg) != LCM_OK)
            mt->wald = (lcm_glm_wald){NAN, NAN, (double)t->ncol, r->fit.df_resid, NAN, NAN};
    }
cleanup:
    free(xm);
    free(cols);
    free(names);
    free(idx);
    return rc;
}

lcm_status lcm_model_run(lcm_db *db, const lcm_model_request *req, lcm_model_result **out,
                         lcm_err *err) {
    ctx c = {0};
    c.db = db, c.req = req;
    lcm_model_result *r = calloc(1, sizeof *r);
    lcm_status rc = LCM_OK;
    *out = NULL;
    if (!r)
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    if (!req->y || !*req->y) {
        rc = lcm_err_set(err, LCM_INVAL, "the model needs an outcome");
        goto cleanup;
    }
    if (req->source.kind == LCM_SOURCE_FORM) {
        rc = lcm_form_get(db, req->source.name, NULL, &c.form, err);
        if (rc != LCM_OK)
            goto cleanup;
        c.li = lcm_form_lang_index(c.form, req->lang_en ? "en" : "zh");
    }
    int reading =
        sqlite3_get_autocommit(lcm_db_sqlite(db)) && lcm_db_exec(db, "BEGIN", NULL) == LCM_OK;
    if ((rc = plan(&c, err)) == LCM_OK &&
        (rc = lcm_estimate_prepare(db, &req->source, req->wave, c.vars, c.nvar, c.by, c.nby,
                                   &c.data, &c.design, err)) == LCM_OK &&
        (rc = rows(&c, err)) == LCM_OK && (rc = levels(&c, err)) == LCM_OK &&
        (req->family != LCM_GLM_LOGIT || (rc = separation(&c, err)) == LCM_OK))
        rc = fit(&c, r, err);
    if (reading)
        lcm_db_rollback(db);
    if (rc == LCM_OK) {
        lcm_design_decl decl;
        r->variance = "linearisation";
        if (lcm_design_get(db, &req->source, req->wave, &decl, NULL) == LCM_OK && decl.rep.type[0])
            r->variance = keep(r, decl.rep.type);
        r->calibrated = c.data.nby > c.nby; /* the margins' columns were added */
        *out = r;
        r = NULL;
    }
cleanup:
    lcm_model_result_free(r);
    for (size_t j = 0; j < c.nt; j++)
        free(c.t[j].lev);
    free(c.dom);
    free(c.y);
    free(c.complete);
    lcm_svy_design_free(c.design);
    lcm_survey_data_free(&c.data);
    lcm_form_free(c.form);
    return rc;
}

/* Weighted SD, sum w (x - mean)^2 / sum w, of x over the rows where use[k]. */
static double wsd(const double *x, const double *w, const int *use, size_t n) {
    double sw = 0, sx = 0, ss = 0;
    for (size_t k = 0; k < n; k++)
        if (use[k])
            sw += w[k], sx += w[k] * x[k];
    double mean = sx / sw;
    for (size_t k = 0; k < n; k++)
        if (use[k])
            ss += w[k] * (x[k] - mean) * (x[k] - mean);
    return sqrt(ss / sw);
}

static lcm_status drivers_fit(const lcm_survey_data *d, const lcm_svy_design *design, int64_t city,
                              long min_n, lcm_drivers *out, lcm_err *err) {
    size_t n = d->n, k = 0;
    const double *y = d->var[0], *w = lcm_svy_design_weights(design);
    int32_t *dom = malloc(n * sizeof *dom);
    int *use = malloc(n * sizeof *use), *rated = malloc(n * sizeof *rated);
    double *xm = NULL;
    const double **cols = NULL;
    const char **names = NULL;
    lcm_glm_fit fit = {0};
    lcm_status rc = LCM_OK;
    if (!dom || !use || !rated) {
        rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t r = 0; r < n; r++) {
        dom[r] = d->by_codes[0][r] == city ? 0 : -1;
        use[r] = dom[r] == 0 && !isnan(y[r]);
        out->nrows += use[r];
    }
    for (size_t i = 0; i < out->nitem; i++) {
        for (size_t r = 0; r < n; r++)
            out->item[i].raters += use[r] && !isnan(d->var[1 + i][r]);
        out->item[i].in_model = out->item[i].raters >= (size_t)(min_n > 0 ? min_n : 1);
        k += out->item[i].in_model;
    }
    out->p = 1 + 2 * k;
    if (k < 2) {
        out->rule = LCM_DRIVERS_FEW_ITEMS;
        goto cleanup;
    }
    if (out->nrows < 10 * out->p) {
        out->rule = LCM_DRIVERS_FEW_ROWS;
        goto cleanup;
    }
    size_t p = out->p;
    xm = malloc(p * n * sizeof *xm);
    cols = malloc(p * sizeof *cols);
    names = malloc(p * sizeof *names);
    if (!xm || !cols || !names) {
        rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
        goto cleanup;
    }
    for (size_t r = 0; r < n; r++)
        xm[r] = 1.0;
    names[0] = "(Intercept)";
    for (size_t i = 0, c = 1; i < out->nitem; i++) {
        if (!out->item[i].in_model)
            continue;
        const double *v = d->var[1 + i];
        for (size_t r = 0; r < n; r++) {
            xm[c * n + r] = isnan(v[r]) ? 0.0 : 1.0;
            xm[(c + 1) * n + r] = isnan(v[r]) ? 0.0 : v[r];
        }
        names[c] = "(rated)", names[c + 1] = out->item[i].var;
        c += 2;
    }
    for (size_t j = 0; j < p; j++)
        cols[j] = xm + j * n;
    lcm_glm_spec spec = {LCM_GLM_GAUSSIAN, p, cols, y, dom, names, 0, 0};
    char msg[256] = "";
    lcm_status st = lcm_svy_glm(design, &spec, &fit, msg, sizeof msg);
    if (st == LCM_NOMEM) {
        rc = lcm_err_set(err, st, "out of memory");
        goto cleanup;
    }
    if (st != LCM_OK) {
        snprintf(out->why, sizeof out->why, "%s", msg);
        out->rule = LCM_DRIVERS_FIT_FAILED;
        goto cleanup;
    }
    out->df_design = fit.df_design;
    out->sd_y = wsd(y, w, use, n);
    for (size_t i = 0, c = 1; i < out->nitem; i++) {
        lcm_driver *it = &out->item[i];
        if (!it->in_model)
            continue;
        for (size_t r = 0; r < n; r++)
            rated[r] = use[r] && !isnan(d->var[1 + i][r]);
        it->beta = fit.beta[c + 1], it->se = fit.se[c + 1], it->p = fit.pval[c + 1];
        it->sd = wsd(d->var[1 + i], w, rated, n);
        it->importance = it->beta * it->sd / out->sd_y;
        c += 2;
    }
    if (out->df_design < (double)p) {
        out->rule = LCM_DRIVERS_FEW_DF;
        goto cleanup;
    }
    out->fitted = 1;
cleanup:
    lcm_glm_fit_free(&fit);
    free(dom), free(use), free(rated), free(xm), free(cols), free(names);
    return rc;
}

lcm_status lcm_model_drivers(lcm_db *db, const lcm_source *src, int wave, const char *city,
                             const char *y, const char *const *items, size_t nitem, long min_n,
                             lcm_drivers *out, lcm_err *err) {
    const char *vars[LCM_DRIVERS_MAX + 1], *by[] = {"city"};
    lcm_survey_data d = {0};
    lcm_svy_design *design = NULL;
    memset(out, 0, sizeof *out);
    if (nitem < 1 || nitem > LCM_DRIVERS_MAX)
        return lcm_err_set(err, LCM_INVAL, "key drivers: 1 to %d items, got %zu", LCM_DRIVERS_MAX,
                           nitem);
    vars[0] = y;
    out->nitem = nitem, out->min_n = min_n;
    for (size_t i = 0; i < nitem; i++) {
        vars[1 + i] = items[i];
        out->item[i] = (lcm_driver){items[i], 0, 0, NAN, NAN, NAN, NAN, NAN};
        if (!strcmp(items[i], y))
            return lcm_err_set(err, LCM_INVAL, "'%s' is the outcome and an item", y);
    }
    out->df_design = out->sd_y = NAN;
    int reading =
        sqlite3_get_autocommit(lcm_db_sqlite(db)) && lcm_db_exec(db, "BEGIN", NULL) == LCM_OK;
    lcm_status rc = lcm_estimate_prepare(db, src, wave, vars, 1 + nitem, by, 1, &d, &design, err);
    if (reading)
        lcm_db_rollback(db);
    if (rc == LCM_OK) {
        int64_t code = lcm_intern_find(d.by_labels[0], city);
        if (code < 0)
            out->rule = LCM_DRIVERS_NO_CITY;
        else
            rc = drivers_fit(&d, design, code, min_n, out, err);
    }
    lcm_svy_design_free(design);
    lcm_survey_data_free(&d);
    return rc;
}

const char *lcm_drivers_why(const lcm_drivers *dr, int en, char *buf, size_t cap) {
    switch (dr->rule) {
    case LCM_DRIVERS_FITS:
        snprintf(buf, cap, "%s", en ? "the model's rule is met" : "满足模型条件");
        break;
    case LCM_DRIVERS_NO_CITY:
        snprintf(buf, cap, "%s", en ? "no respondents of the city" : "该市无受访者");
        break;
    case LCM_DRIVERS_FEW_ITEMS:
        snprintf(buf, cap,
                 en ? "fewer than two services have %ld raters" : "评价人数达%ld人的服务不足两项",
                 dr->min_n);
        break;
    case LCM_DRIVERS_FEW_ROWS:
        snprintf(buf, cap,
                 en ? "%zu respondents for %zu coefficients, fewer than 10 per coefficient"
                    : "受访者%zu人、系数%zu个，每个系数不足10人",
                 dr->nrows, dr->p);
        break;
    case LCM_DRIVERS_FEW_DF:
        snprintf(buf, cap,
                 en ? "the design has %g df for %zu coefficients" : "设计自由度%g小于系数个数%zu",
                 dr->df_design, dr->p);
        break;
    case LCM_DRIVERS_FIT_FAILED:
        if (en)
            snprintf(buf, cap, "the model cannot be fitted: %s", dr->why);
        else
            snprintf(buf, cap, "%s", "模型无法拟合（评分共线或缺乏变异）");
        break;
    }
    return buf;
}
