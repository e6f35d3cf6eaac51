/*
 * simulate.c - picking cities, drawing their latent levels, and running the parts of the
 * simulation in one transaction (see simulate.h).
 *
 * Cities are picked round-robin over the three regions, alternating leading cities
 * (municipalities, capitals, separately planned) with ordinary prefecture-level ones, so
 * even a small demo has every kind of city the analysts compare.
 */
#include "simulate_int.h"

#include <gsl/gsl_randist.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct city_pool {
    lcm__sim_city *c;
    size_t n, cap;
} city_pool;

static lcm_status load_pool(lcm_db *db, const char *region, int leading, city_pool *pool,
                            lcm_err *err) {
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(
        db,
        "SELECT c.code, c.province_code, p.region3, c.tier, "
        " (SELECT sum(residents_committees) * 1.0 / max(1, sum(residents_committees + "
        "  village_committees)) FROM admin_units u WHERE u.city_code = c.code)"
        " FROM cities c JOIN provinces p ON p.code = c.province_code"
        " WHERE p.region3 = ?1 AND (c.tier <> 'prefecture') = ?2 ORDER BY c.code",
        &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, region, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, leading);
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (pool->n == pool->cap) {
            size_t cap = pool->cap ? pool->cap * 2 : 64;
            lcm__sim_city *p = realloc(pool->c, cap * sizeof *p);
            if (!p) {
                rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
                break;
            }
            pool->c = p, pool->cap = cap;
        }
        lcm__sim_city *c = &pool->c[pool->n++];
        memset(c, 0, sizeof *c);
        snprintf(c->code, sizeof c->code, "%s", sqlite3_column_text(st, 0));
        snprintf(c->province, sizeof c->province, "%s", sqlite3_column_text(st, 1));
        snprintf(c->region, sizeof c->region, "%s", sqlite3_column_text(st, 2));
        snprintf(c->tier, sizeof c->tier, "%s", sqlite3_column_text(st, 3));
        c->urban_share = sqlite3_column_double(st, 4);
    }
    sqlite3_finalize(st);
    return rc;
}

/* Latent levels: leading cities and the east start higher, the west lower. */
static void draw_levels(lcm__sim_city *c, gsl_rng *rng) {
    double base = gsl_ran_gaussian(rng, 0.6);
    base += strcmp(c->tier, "prefecture") != 0 ? 0.35 : 0;
    base += strcmp(c->region, "east") == 0 ? 0.25 : strcmp(c->region, "west") == 0 ? -0.25 : 0;
    c->quality = base;
    c->aware = 0.3 + 0.6 * base + gsl_ran_gaussian(rng, 0.3);
    c->part = -1.6 + 0.5 * base + gsl_ran_gaussian(rng, 0.3);
    c->sat = 0.4 * base + gsl_ran_gaussian(rng, 0.3);
}

/* Pick n cities: for each region in turn, alternately a leading and an ordinary city,
 * each pool shuffled by the seed. */
static lcm_status pick_cities(lcm_db *db, int n, gsl_rng *rng, lcm__sim_city *out, int *got,
                              lcm_err *err) {
    static const char *const regions[] = {"east", "central", "west"};
    city_pool pools[3][2] = {{{0}}};
    size_t next[3][2] = {{0}};
    lcm_status rc = LCM_OK;
    for (int r = 0; r < 3 && rc == LCM_OK; r++)
        for (int l = 0; l < 2 && rc == LCM_OK; l++)
            if ((rc = load_pool(db, regions[r], l, &pools[r][l], err)) == LCM_OK &&
                pools[r][l].n > 1)
                gsl_ran_shuffle(rng, pools[r][l].c, pools[r][l].n, sizeof(lcm__sim_city));
    *got = 0;
    for (int turn = 0; rc == LCM_OK && *got < n; turn++) {
        int added = 0;
        for (int r = 0; r < 3 && *got < n; r++) {
            int l = (turn / 3 + r) % 2 ? 1 : 0;
            if (next[r][l] >= pools[r][l].n)
                l = !l;
            if (next[r][l] < pools[r][l].n) {
                out[*got] = pools[r][l].c[next[r][l]++];
                draw_levels(&out[(*got)++], rng);
                added = 1;
            }
        }
        if (!added)
            break;
    }
    for (int r = 0; r < 3; r++)
        for (int l = 0; l < 2; l++)
            free(pools[r][l].c);
    return rc;
}

static lcm_status check_opts(const lcm_form *f, const lcm_sim_opts *o, lcm_err *err) {
    if (o->ncities < 1 || o->ncities > 400)
        return lcm_err_set(err, LCM_INVAL, "number of cities must be 1 to 337, got %d", o->ncities);
    if (o->nwaves < 1 || o->nwaves > LCM_SIM_MAX_WAVES)
        return lcm_err_set(err, LCM_INVAL, "give 1 to %d waves", LCM_SIM_MAX_WAVES);
    for (int i = 0; i < o->nwaves; i++)
        if (o->waves[i] < 2000 || o->waves[i] > 2100 || (i && o->waves[i] <= o->waves[i - 1]))
            return lcm_err_set(err, LCM_INVAL, "waves must be increasing years, got %d",
                               o->waves[i]);
    if (o->households < 0 || o->households > 100000)
        return lcm_err_set(err, LCM_INVAL, "households per city and wave: 0 to 100000");
    if (o->households > 0 && !f)
        return lcm_err_set(err, LCM_INVAL, "simulating households needs the household form");
    for (int w = 0; w < o->nwaves && o->margins_prefix; w++) { /* refused before, not after */
        char path[4096];
        snprintf(path, sizeof path, "%s_%d.csv", o->margins_prefix, o->waves[w]);
        lcm_status st = lcm_out_check(path, o->force ? LCM_OUT_FORCE : 0, err);
        if (st != LCM_OK)
            return st;
    }
    return LCM_OK;
}

lcm_status lcm_simulate(lcm_db *db, const lcm_form *household, const lcm_sim_opts *o,
                        lcm_sim_summary *sum, lcm_err *err) {
    lcm__sim_city *cities = NULL;
    gsl_rng *rng = NULL;
    int n = 0;
    memset(sum, 0, sizeof *sum);
    lcm_status rc = check_opts(household, o, err);
    if (rc != LCM_OK)
        return rc;
    cities = calloc((size_t)o->ncities, sizeof *cities);
    rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!cities || !rng) {
        rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
        goto cleanup;
    }
    gsl_rng_set(rng, o->seed);
    if ((rc = lcm_db_begin(db, err)) != LCM_OK)
        goto cleanup;
    if ((rc = pick_cities(db, o->ncities, rng, cities, &n, err)) != LCM_OK)
        goto fail;
    for (int i = 0; i < n; i++) {
        snprintf(sum->cities[i], sizeof sum->cities[i], "%s", cities[i].code);
        if ((rc = lcm__sim_city_inputs(db, &cities[i], o, rng, sum, err)) != LCM_OK)
            goto fail;
        for (int w = 0; w < o->nwaves && o->households > 0; w++) {
            double growth = LCM__SIM_GROWTH * (o->waves[w] - o->waves[0]);
            const lcm_form *hf =
                o->household_new && o->waves[w] >= o->new_from ? o->household_new : household;
            if ((rc = lcm__sim_households(db, hf, &cities[i], o->waves[w], growth, o, rng, sum,
                                          err)) != LCM_OK)
                goto fail;
        }
    }
    if ((rc = lcm__sim_network(db, cities, n, rng, err)) != LCM_OK)
        goto fail;
    for (int w = 0; w < o->nwaves && o->margins_prefix; w++) {
        char path[4096];
        snprintf(path, sizeof path, "%s_%d.csv", o->margins_prefix, o->waves[w]);
        if ((rc = lcm__sim_margins(db, cities, n, o->waves[w], path, o->force, err)) != LCM_OK)
            goto fail;
    }
    sum->ncities = n;
    if ((rc = lcm_db_commit(db, err)) == LCM_OK)
        goto cleanup;
fail:
    lcm_db_rollback(db);
cleanup:
    gsl_rng_free(rng);
    free(cities);
    return rc;
}
