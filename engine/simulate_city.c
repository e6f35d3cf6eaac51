/*
 * simulate_city.c - city-level inputs of the simulation: statistics for every
 * quantitative point, reviewer ratings for qualitative points, yes/no and count points,
 * and facilities in real county and township units (coverage points 2.2.1 and 2.2.3).
 *
 * Every value follows the city's latent quality through a normal CDF, so the same city
 * tends to do well across points and improves over the waves, with noise.
 */
#include "simulate_int.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Plausible ranges of the quantitative points, in the framework's units. */
typedef struct stat_range {
    const char *code;
    double lo, hi;
    int integer; /* head counts and person-times are whole numbers */
} stat_range;

static const stat_range ranges[] = {
    {"1.1.1", 40000, 200000, 1}, {"1.1.2", 45, 92, 0},         {"1.1.3", 0.5, 1.3, 0},
    {"1.1.4", 11, 25, 0},        {"1.1.5", 8, 150, 0},         {"1.1.6", 85, 99.5, 0},
    {"1.1.7", 40, 75, 0},        {"1.1.8", 9.8, 12.8, 0},      {"1.1.9", 15000, 45000, 1},
    {"2.1.1", 20000, 600000, 1}, {"2.2.2", 50000, 3000000, 1}, {"2.4.1", 20, 70, 0},
    {"2.4.2", 1, 60, 0},         {"2.6.1", 1, 6, 0},           {"2.9.2", 0.5, 25, 0},
    {"3.3.2", 0.6, 3.4, 0},      {"3.4.1", 200, 5000, 1},      {"3.4.2", 100, 3000, 1},
};

static const stat_range *range_of(const char *code) {
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
        if (strcmp(ranges[i].code, code) == 0)
            return &ranges[i];
    return NULL;
}

typedef struct city_stmts {
    sqlite3_stmt *points, *value, *rating, *units, *facility;
} city_stmts;

static void finalize_all(city_stmts *s) {
    sqlite3_finalize(s->points), sqlite3_finalize(s->value), sqlite3_finalize(s->rating);
    sqlite3_finalize(s->units), sqlite3_finalize(s->facility);
}

static lcm_status prepare_all(lcm_db *db, city_stmts *s, lcm_err *err) {
    lcm_status rc;
    if ((rc = lcm_db_prepare(db,
                             "SELECT code, kind FROM indicators WHERE level = 3 AND kind IN"
                             " ('quantitative','rating','yesno','count') ORDER BY ord",
                             &s->points, err)) != LCM_OK ||
        (rc = lcm_db_prepare(db,
                             "INSERT OR REPLACE INTO indicator_values(city_code, year, "
                             "indicator_code, value, source) VALUES (?1, ?2, ?3, ?4, "
                             "'lcmon simulate')",
                             &s->value, err)) != LCM_OK ||
        (rc = lcm_db_prepare(db,
                             "INSERT OR REPLACE INTO ratings(city_code, year, indicator_code,"
                             " reviewer, score, comment) VALUES (?1, ?2, ?3, ?4, ?5, NULL)",
                             &s->rating, err)) != LCM_OK ||
        (rc = lcm_db_prepare(db,
                             "SELECT code, level, residents_committees + village_committees"
                             " FROM admin_units WHERE city_code = ?1 ORDER BY code",
                             &s->units, err)) != LCM_OK ||
        (rc = lcm_db_prepare(db,
                             "INSERT OR IGNORE INTO facilities(city_code, unit_code, level, "
                             "village, kind, name, year_opened) VALUES (?1, ?2, ?3, ?4, ?5, "
                             "?6, ?7)",
                             &s->facility, err)) != LCM_OK)
        return rc;
    return LCM_OK;
}

static lcm_status step_done(lcm_db *db, sqlite3_stmt *st, lcm_err *err) {
    int r = sqlite3_step(st);
    sqlite3_reset(st);
    return r == SQLITE_DONE ? LCM_OK : lcm_db_fail(db, err, "simulating city inputs");
}

/* One point of one city and year. */
static lcm_status point_value(lcm_db *db, city_stmts *s, const lcm__sim_city *c, int year,
                              double level, const char *code, const char *kind, gsl_rng *rng,
                              lcm_sim_summary *sum, lcm_err *err) {
    double u = gsl_cdf_ugaussian_P(level + gsl_ran_gaussian(rng, 0.5));
    if (strcmp(kind, "rating") == 0) {
        /* A pool of five reviewers of different severity (points added to what the city's
         * level earns); each point has a panel of three of them, rotating with the point, who
         * rate every city (docs/ratings.md). */
        static const char *const reviewers[] = {"专家甲", "专家乙", "专家丙", "专家丁", "专家戊"};
        static const double severity[] = {0, -8, 6, -3, 4};
        unsigned h = 0;
        for (const char *q = code; *q; q++)
            h = h * 31u + (unsigned char)*q;
        for (int k = 0; k < 3; k++) {
            int r = (int)((h + (unsigned)k) % 5u);
            double score = fmin(98, fmax(20, 45 + 45 * u + severity[r] + gsl_ran_gaussian(rng, 6)));
            sqlite3_bind_text(s->rating, 1, c->code, -1, SQLITE_STATIC);
            sqlite3_bind_int(s->rating, 2, year);
            sqlite3_bind_text(s->rating, 3, code, -1, SQLITE_STATIC);
            sqlite3_bind_text(s->rating, 4, reviewers[r], -1, SQLITE_STATIC);
            sqlite3_bind_double(s->rating, 5, round(score));
            lcm_status rc = step_done(db, s->rating, err);
            if (rc != LCM_OK)
                return rc;
            sum->ratings++;
        }
        return LCM_OK;
    }
    double v;
    if (strcmp(kind, "yesno") == 0)
        v = u > 0.25;
    else if (strcmp(kind, "count") == 0)
        v = gsl_ran_poisson(rng, 1 + 5 * u);
    else {
        const stat_range *r = range_of(code);
        if (!r)
            return LCM_OK; /* coverage points come from facilities */
        v = r->lo + (r->hi - r->lo) * u;
        v = r->integer ? round(v) : round(v * 100) / 100;
    }
    sqlite3_bind_text(s->value, 1, c->code, -1, SQLITE_STATIC);
    sqlite3_bind_int(s->value, 2, year);
    sqlite3_bind_text(s->value, 3, code, -1, SQLITE_STATIC);
    sqlite3_bind_double(s->value, 4, v);
    sum->values++;
    return step_done(db, s->value, err);
}

static lcm_status add_facility(lcm_db *db, city_stmts *s, const lcm__sim_city *c, const char *unit,
                               const char *level, const char *village, const char *kind,
                               const char *name, int year, lcm_sim_summary *sum, lcm_err *err) {
    sqlite3_bind_text(s->facility, 1, c->code, -1, SQLITE_STATIC);
    sqlite3_bind_text(s->facility, 2, unit, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s->facility, 3, level, -1, SQLITE_STATIC);
    if (village)
        sqlite3_bind_text(s->facility, 4, village, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s->facility, 4);
    sqlite3_bind_text(s->facility, 5, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(s->facility, 6, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(s->facility, 7, year);
    sum->facilities++;
    return step_done(db, s->facility, err);
}

/* Community-education and elderly-education sites: a county college, township schools and
 * village teaching points, each present with a probability that rises with quality; the
 * year opened spreads over the waves so coverage grows. */
static lcm_status facilities(lcm_db *db, city_stmts *s, const lcm__sim_city *c,
                             const lcm_sim_opts *o, gsl_rng *rng, lcm_sim_summary *sum,
                             lcm_err *err) {
    static const struct {
        const char *kind, *site[3];
        double shift;
    } kinds[] = {{"community_education", {"社区教育学院", "社区学校", "教学点"}, 0.4},
                 {"elderly_education", {"老年大学", "老年学校", "老年学习点"}, -0.2}};
    lcm_status rc = LCM_OK;
    sqlite3_bind_text(s->units, 1, c->code, -1, SQLITE_STATIC);
    while (rc == LCM_OK && sqlite3_step(s->units) == SQLITE_ROW) {
        char unit[24];
        snprintf(unit, sizeof unit, "%s", sqlite3_column_text(s->units, 0));
        int county = strcmp((const char *)sqlite3_column_text(s->units, 1), "county") == 0;
        int villages = sqlite3_column_int(s->units, 2);
        for (int k = 0; k < 2 && rc == LCM_OK; k++) {
            double p = gsl_cdf_ugaussian_P(c->quality + kinds[k].shift + (county ? 0.8 : 0));
            int year =
                o->waves[0] - 2 + (int)gsl_rng_uniform_int(rng, (unsigned long)o->nwaves + 2);
            char name[112];
            snprintf(name, sizeof name, "%s%s", unit, kinds[k].site[county ? 0 : 1]);
            if (gsl_rng_uniform(rng) < p)
                rc = add_facility(db, s, c, unit, county ? "county" : "township", NULL,
                                  kinds[k].kind, name, year, sum, err);
            for (int v = 1; !county && v <= villages && rc == LCM_OK; v++) {
                if (gsl_rng_uniform(rng) >= p - 0.25)
                    continue;
                char village[48];
                snprintf(village, sizeof village, "%s%03d", unit, v);
                snprintf(name, sizeof name, "%s%s", village, kinds[k].site[2]);
                year =
                    o->waves[0] - 2 + (int)gsl_rng_uniform_int(rng, (unsigned long)o->nwaves + 2);
                rc = add_facility(db, s, c, unit, "village", village, kinds[k].kind, name, year,
                                  sum, err);
            }
        }
    }
    sqlite3_reset(s->units);
    return rc;
}

/* 常住人口 of each wave (city_stats, 万人), by which the count points are compared per
 * 10,000 residents: about 3,000 residents per urban community and 900 per village, growing
 * 0.5% a year (as the survey margins), at least 1 万人. Drawn from no random number, so the
 * rest of the simulation is what it was before population was simulated. */
static lcm_status population(lcm_db *db, const lcm__sim_city *c, const lcm_sim_opts *o,
                             lcm_err *err) {
    sqlite3_stmt *units = NULL, *put = NULL;
    lcm_status rc = lcm_db_prepare(db,
                                   "SELECT coalesce(sum(residents_committees), 0),"
                                   " coalesce(sum(village_committees + other_villages), 0)"
                                   " FROM admin_units WHERE city_code = ?1 AND level = 'township'",
                                   &units, err);
    if (rc == LCM_OK)
        rc = lcm_db_prepare(db,
                            "INSERT OR REPLACE INTO city_stats(city_code, year, stat, value,"
                            " source) VALUES (?1, ?2, 'population', ?3, 'lcmon simulate')",
                            &put, err);
    double base = 0;
    if (rc == LCM_OK) {
        sqlite3_bind_text(units, 1, c->code, -1, SQLITE_STATIC);
        if (sqlite3_step(units) == SQLITE_ROW)
            base = (3000.0 * sqlite3_column_double(units, 0) +
                    900.0 * sqlite3_column_double(units, 1)) /
                   1e4;
    }
    for (int w = 0; w < o->nwaves && rc == LCM_OK; w++) {
        double pop = fmax(1, round(base * pow(1.005, o->waves[w] - 2020) * 100) / 100);
        sqlite3_bind_text(put, 1, c->code, -1, SQLITE_STATIC);
        sqlite3_bind_int(put, 2, o->waves[w]);
        sqlite3_bind_double(put, 3, pop);
        rc = step_done(db, put, err);
    }
    sqlite3_finalize(units);
    sqlite3_finalize(put);
    return rc;
}

lcm_status lcm__sim_city_inputs(lcm_db *db, const lcm__sim_city *c, const lcm_sim_opts *o,
                                gsl_rng *rng, lcm_sim_summary *sum, lcm_err *err) {
    city_stmts s = {0};
    lcm_status rc = prepare_all(db, &s, err);
    if (rc == LCM_OK)
        rc = population(db, c, o, err);
    for (int w = 0; w < o->nwaves && rc == LCM_OK; w++) {
        double level = c->quality + LCM__SIM_GROWTH * (o->waves[w] - o->waves[0]);
        while (rc == LCM_OK && sqlite3_step(s.points) == SQLITE_ROW) {
            char code[16], kind[16];
            snprintf(code, sizeof code, "%s", sqlite3_column_text(s.points, 0));
            snprintf(kind, sizeof kind, "%s", sqlite3_column_text(s.points, 1));
            rc = point_value(db, &s, c, o->waves[w], level, code, kind, rng, sum, err);
        }
        sqlite3_reset(s.points);
    }
    if (rc == LCM_OK)
        rc = facilities(db, &s, c, o, rng, sum, err);
    finalize_all(&s);
    return rc;
}
