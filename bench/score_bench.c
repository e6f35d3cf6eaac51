/*
 * score_bench.c - the speed goal of issue 5: 333 cities x 43 points x 5 years, a score run
 * with 10,000 Monte Carlo draws in under 5 s. Builds a store of synthetic inputs (statistics,
 * three reviewers per rating point, survey measures with SEs, each city's population for the
 * per-10,000-residents points), then times the inputs, the score run with its draws (every
 * city with inputs: the synthetic ones are not network members), the store, and one city's
 * trends, in wall and CPU time (user + system of the process, the fair measure on a shared
 * machine). Run through bench/score and bench/compare.
 *
 *   score_bench DB [draws]
 */
#include "lcmon.h"
#include "score.h"

#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU time of the process (user + system): on a shared machine the fair measure. */
static double cpu(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Deterministic synthetic inputs: every value a function of city, point and year, spread
 * enough that ranks are not all ties; random() seeded once so runs are comparable. */
static const char fill_sql[] =
    "CREATE TEMP TABLE bc AS SELECT code, row_number() OVER (ORDER BY code) AS k FROM cities"
    " WHERE tier <> 'municipality' ORDER BY code LIMIT 333;"
    "CREATE TEMP TABLE yrs(y); INSERT INTO yrs VALUES (2020),(2021),(2022),(2023),(2024);"
    "INSERT INTO indicator_values(city_code, year, indicator_code, value, source)"
    " SELECT bc.code, y, i.code, CASE WHEN i.kind = 'yesno' THEN (bc.k + i.ord) % 3 > 0"
    "  WHEN i.code = '3.3.2' THEN 1 + ((bc.k * 7 + y) % 20) / 10.0"
    "  WHEN i.unit = '%' THEN 20 + (bc.k * 37 + i.ord * 11 + y) % 70"
    "  ELSE (bc.k * 13 + i.ord * 29) % 500 + (y - 2020) * 3 END, 'bench'"
    " FROM bc, yrs, indicators i WHERE i.kind IN ('quantitative','yesno','count');"
    "INSERT INTO ratings(city_code, year, indicator_code, reviewer, score)"
    " SELECT bc.code, y, i.code, 'r' || r.n, 40 + (bc.k * 17 + i.ord * 5 + r.n * 9 + y) % 60"
    " FROM bc, yrs, indicators i, (SELECT 1 AS n UNION SELECT 2 UNION SELECT 3) r"
    " WHERE i.kind = 'rating';"
    "INSERT INTO survey_measures(city_code, year, measure, estimate, se, n)"
    " SELECT bc.code, y, m.name, CASE m.name WHEN 'satisfaction_index' THEN 50 + (bc.k * 3 + y) % "
    "40"
    "  ELSE 0.2 + ((bc.k * 11 + y) % 60) / 100.0 END,"
    "  CASE m.name WHEN 'satisfaction_index' THEN 1.5 ELSE 0.02 END, 800"
    " FROM bc, yrs, (SELECT 'awareness' AS name UNION SELECT 'participation'"
    "  UNION SELECT 'satisfaction_index') m;"
    /* the per-10,000-residents points need each city's 常住人口 (万人) of the year */
    "INSERT INTO city_stats(city_code, year, stat, value, source)"
    " SELECT bc.code, y, 'population', 80 + (bc.k * 7 + y) % 900, 'bench' FROM bc, yrs;";

int main(int argc, char **argv) {
    gsl_set_error_handler_off();
    if (argc < 2) {
        fprintf(stderr, "usage: score_bench DB [draws]\n");
        return 2;
    }
    size_t draws = argc > 2 ? strtoul(argv[2], NULL, 10) : 10000;
    lcm_db *db = NULL;
    lcm_err err = {0};
    remove(argv[1]);
    double t0 = now(), c0 = cpu();
    if (lcm_db_open(argv[1], LCM_OPEN_CREATE, &db, &err) != LCM_OK ||
        lcm_reference_load(db, lcm_datadir(), NULL, &err) != LCM_OK ||
        lcm_db_begin(db, &err) != LCM_OK || lcm_db_exec(db, fill_sql, &err) != LCM_OK ||
        lcm_db_commit(db, &err) != LCM_OK) {
        fprintf(stderr, "score_bench: %s\n", err.msg);
        return 1;
    }
    double t1 = now(), c1 = cpu();
    lcm_score_opts o;
    lcm_score_opts_default(&o, 2024);
    o.mc = draws;
    o.all_cities = 1; /* the synthetic cities need not be network members */
    lcm_score_result *r = NULL;
    if (lcm_score_compute(db, &o, &r, &err) != LCM_OK) {
        fprintf(stderr, "score_bench: %s\n", err.msg);
        return 1;
    }
    double t2 = now(), c2 = cpu();
    if (lcm_score_store(db, r, &err) != LCM_OK) {
        fprintf(stderr, "score_bench: %s\n", err.msg);
        return 1;
    }
    double t3 = now(), c3 = cpu();
    lcm_trend_set t;
    if (lcm_score_trends(db, r->in.city[0].code, NULL, &t, &err) != LCM_OK) {
        fprintf(stderr, "score_bench: %s\n", err.msg);
        return 1;
    }
    double t4 = now(), c4 = cpu();
    printf("cities %zu, nodes %zu, draws %zu, trend rows %zu\n", r->in.ncity, r->in.nnode, draws,
           t.nrow);
    printf("build store (reference + 5 years of inputs): %.2f s (CPU %.2f s)\n", t1 - t0, c1 - c0);
    printf("score run (inputs, scores, %zu draws, audit): %.2f s (CPU %.2f s)\n", draws, t2 - t1,
           c2 - c1);
    printf("store run:                                  %.2f s (CPU %.2f s)\n", t3 - t2, c3 - c2);
    printf("trends of one city over 5 years:            %.2f s (CPU %.2f s)\n", t4 - t3, c4 - c3);
    printf("score + store total:                        %.2f s (CPU %.2f s)\n", t3 - t1, c3 - c1);
    lcm_trend_set_release(&t);
    lcm_score_result_free(r);
    lcm_db_close(db);
    return 0;
}
