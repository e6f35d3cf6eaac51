/*
 * network_coverage.c - how far the network covers the seed's 2025 targets.
 *
 * The seed: "2025年以地市级城市为主，提质扩面，覆盖东中部地区50%左右、西部地区30%的地市级
 * 城市", after "2024年以直辖市、省会城市及计划单列市为引领". Denominators are the
 * prefecture-level cities (地市级: every tier but municipality; 333 = east 99, central 104,
 * west 130). The four municipalities are provincial-level units, not 地市级 cities, so they
 * count only in the tier rows of the 2024 roll-out. Every level sums its numerators and
 * denominators (docs/methods.md §5); a region's share is never a mean of provinces' shares.
 */
#include "network.h"

#include <stdlib.h>
#include <string.h>

/* Region rows: key, names, which region3 values they sum, 2025 target in percent. */
static const struct {
    const char *key, *zh, *en, *a, *b;
    int target;
} regions[] = {
    {"east", "东部", "east", "east", NULL, 50},
    {"central", "中部", "central", "central", NULL, 50},
    {"west", "西部", "west", "west", NULL, 30},
    {"east_central", "东中部", "east and central", "east", "central", 50},
};

static const struct {
    const char *key, *zh, *en;
} tiers[] = {
    {"municipality", "直辖市", "municipalities"},
    {"provincial_capital", "省会城市", "provincial capitals"},
    {"separately_planned", "计划单列市", "separately planned cities"},
    {"leaders_2024", "2024年引领城市合计", "2024 leaders together"},
    {"prefecture", "其他地级市", "other prefecture-level cities"},
};
#define NTIERS (sizeof tiers / sizeof tiers[0])

static lcm_status add_row(lcm_coverage *c, lcm_cov_level level, const char *key, const char *zh,
                          const char *en, const char *region, long cities, long admitted,
                          int target, lcm_err *err) {
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        lcm_cov_row *rows = realloc(c->rows, cap * sizeof *rows);
        if (!rows)
            return lcm_err_set(err, LCM_NOMEM, "out of memory computing coverage");
        c->rows = rows, c->cap = cap;
    }
    lcm_cov_row *r = &c->rows[c->n];
    *r = (lcm_cov_row){level,  strdup(key), strdup(zh), strdup(en), region ? strdup(region) : NULL,
                       cities, admitted,    target};
    c->n++; /* owned from here: release frees what was copied */
    if (!r->key || !r->name_zh || !r->name_en || (region && !r->region))
        return lcm_err_set(err, LCM_NOMEM, "out of memory computing coverage");
    return LCM_OK;
}

static int region_target(const char *region3) {
    for (size_t i = 0; i < 3; i++)
        if (strcmp(regions[i].key, region3) == 0)
            return regions[i].target;
    return 0;
}

static lcm_status province_rows(lcm_db *db, lcm_coverage *c, lcm_err *err) {
    static const char sql[] =
        "SELECT p.code, p.name, p.region3, count(*), count(m.city_code)"
        " FROM provinces p JOIN cities ci ON ci.province_code = p.code"
        "  AND ci.tier <> 'municipality'"
        " LEFT JOIN network_members m ON m.city_code = ci.code AND m.status = 'admitted'"
        "  AND (?1 = 0 OR m.admitted_year <= ?1)"
        " GROUP BY p.code ORDER BY p.code";
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db, sql, &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_int(st, 1, c->year);
    int step = SQLITE_DONE;
    while (rc == LCM_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 1);
        const char *region = (const char *)sqlite3_column_text(st, 2);
        rc = add_row(c, LCM_COV_PROVINCE, (const char *)sqlite3_column_text(st, 0), name, name,
                     region, sqlite3_column_int(st, 3), sqlite3_column_int(st, 4),
                     region_target(region), err);
    }
    if (rc == LCM_OK && step != SQLITE_DONE)
        rc = lcm_db_fail(db, err, "computing coverage by province");
    sqlite3_finalize(st);
    return rc;
}

/* Regions and the nation, summed from the province rows already in c. */
static lcm_status region_rows(lcm_coverage *c, lcm_err *err) {
    size_t nprov = c->n;
    long all_cities = 0, all_admitted = 0;
    lcm_status rc = LCM_OK;
    for (size_t i = 0; rc == LCM_OK && i < sizeof regions / sizeof regions[0]; i++) {
        long cities = 0, admitted = 0;
        for (size_t k = 0; k < nprov; k++) {
            const lcm_cov_row *p = &c->rows[k];
            if (strcmp(p->region, regions[i].a) == 0 ||
                (regions[i].b && strcmp(p->region, regions[i].b) == 0))
                cities += p->cities, admitted += p->admitted;
        }
        if (!regions[i].b && i < 3)
            all_cities += cities, all_admitted += admitted;
        rc = add_row(c, LCM_COV_REGION, regions[i].key, regions[i].zh, regions[i].en, NULL, cities,
                     admitted, regions[i].target, err);
    }
    if (rc == LCM_OK)
        rc = add_row(c, LCM_COV_NATION, "all", "全国", "all", NULL, all_cities, all_admitted, 0,
                     err);
    return rc;
}

/* The roll-out tiers, municipalities included, and the 2024 leaders as one group. */
static lcm_status tier_rows(lcm_db *db, lcm_coverage *c, lcm_err *err) {
    static const char sql[] =
        "SELECT count(*), count(m.city_code) FROM cities ci"
        " LEFT JOIN network_members m ON m.city_code = ci.code AND m.status = 'admitted'"
        "  AND (?1 = 0 OR m.admitted_year <= ?1)"
        " WHERE ci.tier = ?2 OR (?2 = 'leaders_2024' AND ci.tier IN ('municipality',"
        "  'provincial_capital', 'separately_planned'))";
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db, sql, &st, err);
    for (size_t i = 0; rc == LCM_OK && i < NTIERS; i++) {
        sqlite3_reset(st);
        sqlite3_bind_int(st, 1, c->year);
        sqlite3_bind_text(st, 2, tiers[i].key, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_ROW) {
            rc = lcm_db_fail(db, err, "computing coverage by tier");
            break;
        }
        rc = add_row(c, LCM_COV_TIER, tiers[i].key, tiers[i].zh, tiers[i].en, NULL,
                     sqlite3_column_int(st, 0), sqlite3_column_int(st, 1), 0, err);
    }
    sqlite3_finalize(st);
    return rc;
}

lcm_status lcm_net_coverage(lcm_db *db, int year, lcm_coverage *out, lcm_err *err) {
    memset(out, 0, sizeof *out);
    out->year = year;
    lcm_status rc = province_rows(db, out, err);
    if (rc == LCM_OK)
        rc = region_rows(out, err);
    if (rc == LCM_OK)
        rc = tier_rows(db, out, err);
    if (rc != LCM_OK)
        lcm_net_coverage_release(out);
    return rc;
}

void lcm_net_coverage_release(lcm_coverage *c) {
    for (size_t i = 0; i < c->n; i++) {
        free(c->rows[i].key);
        free(c->rows[i].name_zh);
        free(c->rows[i].name_en);
        free(c->rows[i].region);
    }
    free(c->rows);
    memset(c, 0, sizeof *c);
}

double lcm_cov_percent(const lcm_cov_row *r) {
    return r->cities > 0 ? 100.0 * (double)r->admitted / (double)r->cities : -1;
}

long lcm_cov_needed(const lcm_cov_row *r) {
    if (r->target <= 0)
        return 0;
    /* ceil(target% of cities) in integers: no rounding surprise at exactly 50% */
    long want = ((long)r->target * r->cities + 99) / 100;
    return want > r->admitted ? want - r->admitted : 0;
}

lcm_status lcm_net_coverage_series(lcm_db *db, const int *years, size_t nyears,
                                   lcm_net_cov_series *out, lcm_err *err) {
    memset(out, 0, sizeof *out);
    out->nregion = LCM_NET_NREGION;
    for (size_t r = 0; r < LCM_NET_NREGION; r++) {
        out->region_zh[r] = regions[r].zh;
        out->region_en[r] = regions[r].en;
        out->target[r] = regions[r].target;
    }
    if (nyears && !(out->value = calloc(nyears * LCM_NET_NREGION, sizeof *out->value)))
        return lcm_err_set(err, LCM_NOMEM, "out of memory computing coverage");
    for (size_t y = 0; y < nyears; y++) {
        lcm_coverage c;
        lcm_status rc = lcm_net_coverage(db, years[y], &c, err);
        if (rc != LCM_OK) {
            lcm_net_cov_series_release(out);
            return rc;
        }
        for (size_t i = 0; i < c.n; i++)
            for (size_t r = 0; c.rows[i].level == LCM_COV_REGION && r < LCM_NET_NREGION; r++)
                if (strcmp(c.rows[i].key, regions[r].key) == 0)
                    out->value[y * LCM_NET_NREGION + r] = lcm_cov_percent(&c.rows[i]);
        lcm_net_coverage_release(&c);
        out->nyear++;
    }
    return LCM_OK;
}

void lcm_net_cov_series_release(lcm_net_cov_series *s) {
    free(s->value);
    memset(s, 0, sizeof *s);
}
