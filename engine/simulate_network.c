/*
 * simulate_network.c - a network register for the simulation, following the seed's
 * roll-out: 2023 the cities already in UNESCO's global network, 2024 municipalities,
 * provincial capitals and separately planned cities, 2025 prefecture-level cities up to
 * about half in the east and centre and under a third in the west. The monitored cities
 * are always members.
 */
#include "simulate_int.h"

#include <gsl/gsl_randist.h>
#include <stdio.h>
#include <string.h>

typedef struct net_stmts {
    sqlite3_stmt *cities, *member, *history;
} net_stmts;

static int admission_year(gsl_rng *rng, const char *tier, const char *region, int monitored) {
    int leading = strcmp(tier, "prefecture") != 0;
    double u = gsl_rng_uniform(rng);
    if (leading)
        return u < 0.25 ? 2023 : (u < 0.92 || monitored) ? 2024 : 0;
    double p = strcmp(region, "west") == 0 ? 0.27 : 0.46;
    if (u < 0.04)
        return 2024;
    return u < p || monitored ? 2025 : 0;
}

static lcm_status member(lcm_db *db, net_stmts *s, const char *city, int year, double units,
                         gsl_rng *rng, lcm_err *err) {
    sqlite3_stmt *m = s->member;
    char applied[16];
    snprintf(applied, sizeof applied, "%d-09-20", year - 1);
    sqlite3_reset(m);
    sqlite3_bind_text(m, 1, city, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(m, 2, year == 2023 ? "gnlc" : "no", -1, SQLITE_STATIC);
    sqlite3_bind_text(m, 3, applied, -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(m, 4, (int)(units * 0.18 + gsl_rng_uniform(rng) * 80)); /* 万人 */
    sqlite3_bind_double(m, 5, 2000 + (int)gsl_rng_uniform_int(rng, 18000));     /* km² */
    sqlite3_bind_double(m, 6, 40000 + (int)gsl_rng_uniform_int(rng, 160000));   /* 元 */
    sqlite3_bind_double(m, 7, 9.5 + (int)gsl_rng_uniform_int(rng, 30) / 10.0);  /* 年 */
    sqlite3_bind_int(m, 8, year - 1);
    sqlite3_bind_int(m, 9, year);
    if (sqlite3_step(m) != SQLITE_DONE)
        return lcm_db_fail(db, err, "simulating the network register");
    static const char *const steps[3][2] = {
        {NULL, "applied"}, {"applied", "recommended"}, {"recommended", "admitted"}};
    for (int i = 0; i < 3; i++) {
        sqlite3_reset(s->history);
        sqlite3_bind_text(s->history, 1, city, -1, SQLITE_TRANSIENT);
        if (steps[i][0])
            sqlite3_bind_text(s->history, 2, steps[i][0], -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(s->history, 2);
        sqlite3_bind_text(s->history, 3, steps[i][1], -1, SQLITE_STATIC);
        if (sqlite3_step(s->history) != SQLITE_DONE)
            return lcm_db_fail(db, err, "simulating the network history");
    }
    return LCM_OK;
}

lcm_status lcm__sim_network(lcm_db *db, const lcm__sim_city *picked, int npicked, gsl_rng *rng,
                            lcm_err *err) {
    net_stmts s = {0};
    lcm_status rc;
    if ((rc = lcm_db_prepare(db,
                             "SELECT c.code, c.tier, p.region3, (SELECT coalesce(sum("
                             "residents_committees + village_committees), 0) FROM admin_units u "
                             "WHERE u.city_code = c.code) FROM cities c JOIN provinces p ON "
                             "p.code = c.province_code ORDER BY c.code",
                             &s.cities, err)) != LCM_OK ||
        (rc = lcm_db_prepare(db,
                             "INSERT OR REPLACE INTO network_members(city_code, status, "
                             "direct_join, applied_on, population, population_year, area, "
                             "area_year, gdp_per_capita, gdp_per_capita_year, education_years, "
                             "education_years_year, opinion, recommended_on, admitted_year, "
                             "source) VALUES (?1, 'admitted', ?2, ?3, ?4, ?8, ?5, ?8, ?6, ?8, "
                             "?7, ?8, '同意推荐', ?3, ?9, 'lcmon simulate')",
                             &s.member, err)) != LCM_OK ||
        (rc = lcm_db_prepare(db,
                             "INSERT INTO network_history(city_code, from_status, to_status, "
                             "actor, note) VALUES (?1, ?2, ?3, 'lcmon simulate', NULL)",
                             &s.history, err)) != LCM_OK)
        goto cleanup;
    while (rc == LCM_OK && sqlite3_step(s.cities) == SQLITE_ROW) {
        char code[8], tier[24], region[12];
        snprintf(code, sizeof code, "%s", sqlite3_column_text(s.cities, 0));
        snprintf(tier, sizeof tier, "%s", sqlite3_column_text(s.cities, 1));
        snprintf(region, sizeof region, "%s", sqlite3_column_text(s.cities, 2));
        int monitored = 0;
        for (int i = 0; i < npicked; i++)
            monitored |= strcmp(picked[i].code, code) == 0;
        int year = admission_year(rng, tier, region, monitored);
        if (monitored && year) /* only members are monitored: those scored are members from */
            year = 2023;       /* the network's first year, so every wave scores them */
        if (year)
            rc = member(db, &s, code, year, sqlite3_column_double(s.cities, 3), rng, err);
    }
cleanup:
    sqlite3_finalize(s.cities);
    sqlite3_finalize(s.member);
    sqlite3_finalize(s.history);
    return rc;
}
