/*
 * rating_stats.c - agreement and severity of a year's counted ratings (view ratings_counted):
 * per rating point the cities x reviewers matrix (ICC on its complete rows, ordinal alpha on
 * the levels); overall, alpha over the (city, point) x reviewers matrix and the ICC pooled
 * over the points' ANOVAs; reviewer effects fitted over all
 * points at once, a target being one city's point; the per-cell means raw, adjusted and
 * adjudicated; stored under a run of kind 'ratings' for the reports.
 */
#include "rating.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct obs {
    size_t city, point, rev;
    int level;
    double score;
} obs;

typedef struct names {
    char **s;
    size_t n, cap;
} names;

/* Index of s in v, added when absent (linear: tens of reviewers, hundreds of cities read in
 * order so the last one is checked first); (size_t)-1 on OOM. */
static size_t intern(names *v, const char *s) {
    if (v->n && strcmp(v->s[v->n - 1], s) == 0)
        return v->n - 1;
    for (size_t i = 0; i < v->n; i++)
        if (strcmp(v->s[i], s) == 0)
            return i;
    if (v->n == v->cap) {
        size_t cap = v->cap ? 2 * v->cap : 64;
        char **g = realloc(v->s, cap * sizeof *g);
        if (!g)
            return (size_t)-1;
        v->s = g, v->cap = cap;
    }
    if (!(v->s[v->n] = strdup(s)))
        return (size_t)-1;
    return v->n++;
}

static void names_free(names *v) {
    for (size_t i = 0; i < v->n; i++)
        free(v->s[i]);
    free(v->s);
}

/* Agreement over units (row of each observation given by unit_of) and reviewers. */
static lcm_status agreement(const obs *o, size_t nobs, const size_t *unit_of, size_t nunit,
                            size_t nrev, size_t boot, lcm_rating_rel *rel) {
    /* reviewers present among these observations, renumbered */
    size_t *col = malloc((nrev + 1) * sizeof *col), k = 0;
    if (!col)
        return LCM_NOMEM;
    for (size_t r = 0; r < nrev; r++)
        col[r] = (size_t)-1;
    for (size_t i = 0; i < nobs; i++)
        if (col[o[i].rev] == (size_t)-1)
            col[o[i].rev] = k++;
    rel->ncity = nunit, rel->nreviewer = k;
    rel->alpha = rel->alpha_lo = rel->alpha_hi = NAN;
    double *x = malloc((nunit * k + 1) * sizeof *x);
    int *v = calloc(nunit * k + 1, sizeof *v);
    if (!x || !v) {
        free(col), free(x), free(v);
        return LCM_NOMEM;
    }
    for (size_t i = 0; i < nunit * k; i++)
        x[i] = NAN;
    for (size_t i = 0; i < nobs; i++) {
        size_t u = unit_of[i], c = col[o[i].rev];
        x[c * nunit + u] = o[i].score;
        v[u * k + c] = o[i].level;
    }
    lcm_raters_icc(x, nunit, k, 0.95, &rel->icc); /* NaN when not computable */
    if (lcm_raters_kalpha(v, nunit, k, LCM_RATING_NLEVEL, &rel->alpha) == LCM_OK && boot)
        lcm_raters_kalpha_ci(v, nunit, k, LCM_RATING_NLEVEL, boot, LCM_RATING_BOOT_SEED, 0.95,
                             &rel->alpha_lo, &rel->alpha_hi);
    free(col), free(x), free(v);
    return LCM_OK;
}

/* The overall ICC: each point's two-way ANOVA (its own cities and panel), sums of squares and
 * degrees of freedom pooled over the points, then the ICC formulas with n and k the mean
 * numbers of cities and reviewers per point. No interval: the F-based one assumes a single
 * crossed design (docs/ratings.md). */
static void pool_icc(const lcm_rating_rel *rel, size_t np, lcm_icc *out) {
    double ssb = 0, ssj = 0, sse = 0, dfb = 0, dfj = 0, dfe = 0, n = 0, k = 0, m = 0, rows = 0;
    for (size_t p = 0; p < np; p++) {
        const lcm_icc *c = &rel[p].icc;
        if (isnan(c->icc1))
            continue;
        double dn = (double)c->n, dk = (double)c->k;
        ssb += c->msb * (dn - 1), dfb += dn - 1;
        ssj += c->msj * (dk - 1), dfj += dk - 1;
        sse += c->mse * (dn - 1) * (dk - 1), dfe += (dn - 1) * (dk - 1);
        n += dn, k += dk, m++, rows += dn;
    }
    memset(out, 0, sizeof *out);
    out->icc1 = out->lo1 = out->hi1 = out->icck = out->lok = out->hik = NAN;
    if (m == 0 || !(dfe > 0))
        return;
    n /= m, k /= m;
    double msb = ssb / dfb, msj = ssj / dfj, mse = sse / dfe;
    out->n = (size_t)rows, out->k = (size_t)lround(k);
    out->msb = msb, out->msj = msj, out->mse = mse, out->f = msb / mse;
    out->df1 = dfb, out->df2 = dfe;
    out->icc1 = (msb - mse) / (msb + (k - 1) * mse + k * (msj - mse) / n);
    out->icck = (msb - mse) / (msb + (msj - mse) / n);
}

static lcm_status read_obs(lcm_db *db, int year, names *cities, names *points, names *revs,
                           obs **out, size_t *n, lcm_err *err) {
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(
        db, "SELECT code FROM indicators WHERE kind = 'rating' ORDER BY ord", &st, err);
    while (rc == LCM_OK && sqlite3_step(st) == SQLITE_ROW)
        if (intern(points, (const char *)sqlite3_column_text(st, 0)) == (size_t)-1)
            rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
    sqlite3_finalize(st);
    st = NULL;
    if (rc == LCM_OK)
        rc = lcm_db_prepare(db,
                            "SELECT city_code, indicator_code, reviewer, level, score FROM"
                            " ratings_counted WHERE year = ?1 ORDER BY city_code,"
                            " indicator_code, reviewer",
                            &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_int(st, 1, year);
    size_t cap = 0;
    int step;
    while (rc == LCM_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        size_t np = points->n, p = intern(points, (const char *)sqlite3_column_text(st, 1));
        if (p >= np) { /* not a rating point of the framework (cannot happen: a foreign key) */
            if (p != (size_t)-1)
                free(points->s[--points->n]);
            continue;
        }
        if (*n == cap) {
            cap = cap ? 2 * cap : 1024;
            obs *g = realloc(*out, cap * sizeof *g);
            if (!g) {
                rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
                break;
            }
            *out = g;
        }
        obs *o = &(*out)[*n];
        o->city = intern(cities, (const char *)sqlite3_column_text(st, 0));
        o->point = p;
        o->rev = intern(revs, (const char *)sqlite3_column_text(st, 2));
        o->level = sqlite3_column_int(st, 3), o->score = sqlite3_column_double(st, 4);
        if (o->city == (size_t)-1 || o->rev == (size_t)-1)
            rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
        (*n)++;
    }
    if (rc == LCM_OK && step != SQLITE_DONE)
        rc = lcm_db_fail(db, err, "reading the ratings");
    sqlite3_finalize(st);
    return rc;
}

/* Per-cell means: observations are sorted by city then point. */
static lcm_status cell_means(lcm_db *db, const obs *o, size_t nobs, const names *cities,
                             const names *points, const double *b, lcm_rating_stats *s,
                             lcm_err *err) {
    s->mean = calloc(nobs + 1, sizeof *s->mean);
    if (!s->mean)
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db,
                                   "SELECT score FROM rating_adjudications WHERE city_code = ?1"
                                   " AND year = ?2 AND indicator_code = ?3",
                                   &st, err);
    for (size_t i = 0; rc == LCM_OK && i < nobs;) {
        size_t j = i;
        double raw = 0, adj = 0;
        for (; j < nobs && o[j].city == o[i].city && o[j].point == o[i].point; j++)
            raw += o[j].score, adj += o[j].score - (isnan(b[o[j].rev]) ? 0 : b[o[j].rev]);
        lcm_rating_mean *m = &s->mean[s->nmean++];
        m->city = strdup(cities->s[o[i].city]), m->point = strdup(points->s[o[i].point]);
        m->nrated = (int)(j - i);
        m->raw = raw / (double)(j - i), m->adjusted = adj / (double)(j - i);
        m->adjudicated = NAN;
        if (!m->city || !m->point)
            rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, cities->s[o[i].city], -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, s->year);
        sqlite3_bind_text(st, 3, points->s[o[i].point], -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            m->adjudicated = sqlite3_column_double(st, 0);
        i = j;
    }
    sqlite3_finalize(st);
    return rc;
}

lcm_status lcm_rating_stats_compute(lcm_db *db, int year, size_t boot, lcm_rating_stats *out,
                                    lcm_err *err) {
    memset(out, 0, sizeof *out);
    out->year = year;
    names cities = {0}, points = {0}, revs = {0};
    obs *o = NULL;
    size_t nobs = 0;
    lcm_status rc = read_obs(db, year, &cities, &points, &revs, &o, &nobs, err);
    size_t *unit = malloc((nobs + 1) * sizeof *unit), *tgt = malloc((nobs + 1) * sizeof *tgt);
    size_t *rv = malloc((nobs + 1) * sizeof *rv);
    double *y = malloc((nobs + 1) * sizeof *y), *b = malloc((revs.n + 1) * sizeof *b);
    out->rel = calloc(points.n + 1, sizeof *out->rel);
    out->sev = calloc(revs.n + 1, sizeof *out->sev);
    if (rc == LCM_OK && (!unit || !tgt || !rv || !y || !b || !out->rel || !out->sev))
        rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
    /* severity over every (city, point) target */
    for (size_t i = 0; rc == LCM_OK && i < nobs; i++)
        tgt[i] = o[i].city * points.n + o[i].point, rv[i] = o[i].rev, y[i] = o[i].score;
    if (rc == LCM_OK)
        out->severity_ok = nobs > 0 && lcm_raters_severity(tgt, rv, y, nobs, cities.n * points.n,
                                                           revs.n, b) == LCM_OK;
    for (size_t r = 0; rc == LCM_OK && r < revs.n; r++) {
        if (!out->severity_ok)
            b[r] = NAN;
        out->sev[r].reviewer = strdup(revs.s[r]);
        out->sev[r].effect = b[r];
        for (size_t i = 0; i < nobs; i++)
            out->sev[r].n += o[i].rev == r;
        out->nsev++;
        if (!out->sev[r].reviewer)
            rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
    }
    /* per point: the observations of that point, cities renumbered as units */
    obs *sub = malloc((nobs + 1) * sizeof *sub);
    size_t *city_unit = malloc((cities.n + 1) * sizeof *city_unit);
    if (rc == LCM_OK && (!sub || !city_unit))
        rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
    for (size_t p = 0; rc == LCM_OK && p < points.n; p++) {
        size_t ns = 0, nu = 0;
        for (size_t c = 0; c < cities.n; c++)
            city_unit[c] = (size_t)-1;
        for (size_t i = 0; i < nobs; i++)
            if (o[i].point == p) {
                if (city_unit[o[i].city] == (size_t)-1)
                    city_unit[o[i].city] = nu++;
                unit[ns] = city_unit[o[i].city];
                sub[ns++] = o[i];
            }
        lcm_rating_rel *rel = &out->rel[out->nrel++];
        if (!(rel->code = strdup(points.s[p])))
            rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
        else if (agreement(sub, ns, unit, nu, revs.n, boot, rel) != LCM_OK)
            rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
    }
    /* overall: units are the (city, point) cells, in the order read */
    if (rc == LCM_OK) {
        size_t nu = 0;
        for (size_t i = 0; i < nobs; i++) {
            if (i > 0 && (o[i].city != o[i - 1].city || o[i].point != o[i - 1].point))
                nu++;
            unit[i] = nu;
        }
        lcm_rating_rel *rel = &out->rel[out->nrel++];
        if (!(rel->code = strdup("overall")) ||
            agreement(o, nobs, unit, nobs ? nu + 1 : 0, revs.n, boot, rel) != LCM_OK)
            rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
        else
            pool_icc(out->rel, out->nrel - 1, &rel->icc);
    }
    if (rc == LCM_OK)
        rc = cell_means(db, o, nobs, &cities, &points, b, out, err);
    free(sub), free(city_unit), free(unit), free(tgt), free(rv), free(y), free(b), free(o);
    names_free(&cities), names_free(&points), names_free(&revs);
    if (rc != LCM_OK)
        lcm_rating_stats_free(out);
    return rc;
}

void lcm_rating_stats_free(lcm_rating_stats *s) {
    for (size_t i = 0; s->rel && i < s->nrel; i++)
        free(s->rel[i].code);
    for (size_t i = 0; s->sev && i < s->nsev; i++)
        free(s->sev[i].reviewer);
    for (size_t i = 0; s->mean && i < s->nmean; i++)
        free(s->mean[i].city), free(s->mean[i].point);
    free(s->rel), free(s->sev), free(s->mean);
    memset(s, 0, sizeof *s);
}

lcm_status lcm_rating_stats_store(lcm_db *db, const lcm_rating_stats *s, long long *run,
                                  lcm_err *err) {
    char params[128];
    snprintf(params, sizeof params, "{\"year\":%d,\"boot\":%d,\"seed\":%lu,\"conf\":0.95}", s->year,
             LCM_RATING_BOOT, LCM_RATING_BOOT_SEED);
    *run = 0;
    lcm_status rc = lcm_db_begin(db, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_stmt *st = NULL;
    rc = lcm_db_prepare(
        db, "INSERT INTO runs(kind, params, lcmon_version) VALUES ('ratings', ?1, ?2)", &st, err);
    if (rc == LCM_OK) {
        sqlite3_bind_text(st, 1, params, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, LCM_VERSION, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = lcm_db_fail(db, err, "cannot record the run");
        *run = sqlite3_last_insert_rowid(lcm_db_sqlite(db));
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc == LCM_OK)
        rc = lcm_db_prepare(db,
                            "INSERT INTO rating_reliability VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
                            " ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                            &st, err);
    for (size_t i = 0; rc == LCM_OK && i < s->nrel; i++) {
        const lcm_rating_rel *r = &s->rel[i];
        const double v[9] = {r->icc.icc1, r->icc.lo1, r->icc.hi1,  r->icc.icck, r->icc.lok,
                             r->icc.hik,  r->alpha,   r->alpha_lo, r->alpha_hi};
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, *run);
        sqlite3_bind_text(st, 2, r->code, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)r->ncity);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)r->nreviewer);
        sqlite3_bind_int64(st, 5, (sqlite3_int64)r->icc.n);
        for (int k = 0; k < 9; k++)
            lcm_db_bind_real_or_null(st, 6 + k, v[k]);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = lcm_db_fail(db, err, "storing the reliability");
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc == LCM_OK)
        rc = lcm_db_prepare(db, "INSERT INTO rating_severity VALUES (?1, ?2, ?3, ?4)", &st, err);
    for (size_t i = 0; rc == LCM_OK && s->severity_ok && i < s->nsev; i++) {
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, *run);
        sqlite3_bind_text(st, 2, s->sev[i].reviewer, -1, SQLITE_STATIC);
        sqlite3_bind_double(st, 3, s->sev[i].effect);
        sqlite3_bind_int64(st, 4, s->sev[i].n);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = lcm_db_fail(db, err, "storing the severity");
    }
    sqlite3_finalize(st);
    if (rc == LCM_OK)
        return lcm_db_commit(db, err);
    lcm_db_rollback(db);
    *run = 0;
    return rc;
}

lcm_status lcm_rating_latest_run(lcm_db *db, int year, long long *run, lcm_err *err) {
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(
        db,
        "SELECT max(id) FROM runs WHERE kind = 'ratings' AND json_extract(params, '$.year') = ?1",
        &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_int(st, 1, year);
    *run = 0;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        *run = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (!*run)
        return lcm_err_set(err, LCM_NOTFOUND,
                           "no ratings run for %d: run 'lcmon ratings reliability DB --year %d'",
                           year, year);
    return LCM_OK;
}

lcm_status lcm_rating_apply(lcm_db *db, lcm_score_inputs *in, int adjust, lcm_err *err) {
    lcm_rating_stats s;
    lcm_status rc = lcm_rating_stats_compute(db, in->year, 0, &s, err);
    for (size_t i = 0; rc == LCM_OK && i < s.nmean; i++) {
        const lcm_rating_mean *m = &s.mean[i];
        int c = lcm_score_city_index(in, m->city), j = lcm_score_node_index(in, m->point);
        if (c < 0 || j < 0)
            continue;
        double v = !isnan(m->adjudicated) ? m->adjudicated : adjust ? m->adjusted : m->raw;
        in->raw[(size_t)j * in->ncity + (size_t)c] = fmin(100, fmax(0, v));
    }
    if (rc == LCM_OK)
        lcm_rating_stats_free(&s);
    return rc;
}
