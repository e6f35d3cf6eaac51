/*
 * score_inputs.c - what one year of monitoring looks like to the scorer: the framework as a
 * tree, the cities with any input that year, and each point's raw value from its source
 * (statistics, reviewers' ratings, facility coverage, survey measures), plus the goalposts
 * that make goalpost normalisation comparable across years.
 */
#include "score.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static char *dup_col(sqlite3_stmt *st, int col) {
    const char *t = (const char *)sqlite3_column_text(st, col);
    return t ? strdup(t) : NULL;
}

int lcm_score_node_index(const lcm_score_inputs *in, const char *code) {
    for (size_t i = 0; i < in->nnode; i++)
        if (strcmp(in->node[i].code, code) == 0)
            return (int)i;
    return -1;
}

int lcm_score_city_index(const lcm_score_inputs *in, const char *code) {
    size_t lo = 0, hi = in->ncity; /* cities are loaded in code order */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(in->city[mid].code, code);
        if (c == 0)
            return (int)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* Natural scales: a rating is 0-100, yes/no 0-1, a survey point or a coverage rate 0-100. */
static int natural_bounds(const lcm_score_node *nd, double *lo, double *hi) {
    const char *k = nd->kind ? nd->kind : "";
    if (strcmp(k, "rating") == 0 || strcmp(k, "survey") == 0 || strcmp(nd->code, "2.2.1") == 0 ||
        strcmp(nd->code, "2.2.3") == 0)
        return *lo = 0, *hi = 100, 1;
    if (strcmp(k, "yesno") == 0)
        return *lo = 0, *hi = 1, 1;
    return 0;
}

static lcm_status load_nodes(lcm_db *db, lcm_score_inputs *in, lcm_err *err) {
    static const char sql[] =
        "SELECT code, level, parent, kind, unit, direction, name_zh, name_en, target_low,"
        " target_high, (SELECT count(*) FROM indicators), per_10k FROM indicators ORDER BY ord";
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db, sql, &st, err);
    if (rc != LCM_OK)
        return rc;
    int step = sqlite3_step(st);
    size_t total = step == SQLITE_ROW ? (size_t)sqlite3_column_int64(st, 10) + 1 : 1;
    in->node = calloc(total, sizeof *in->node);
    if (!in->node) {
        sqlite3_finalize(st);
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    }
    in->node[0] = (lcm_score_node){.code = strdup("overall"),
                                   .name_zh = strdup("总指数"),
                                   .name_en = strdup("overall index"),
                                   .parent = -1,
                                   .corr = NAN, /* no parent to correlate with: n/a */
                                   .alpha = NAN};
    in->nnode = 1;
    for (; step == SQLITE_ROW && in->nnode < total; step = sqlite3_step(st)) {
        lcm_score_node *nd = &in->node[in->nnode++];
        nd->code = dup_col(st, 0), nd->level = sqlite3_column_int(st, 1);
        const char *parent = (const char *)sqlite3_column_text(st, 2);
        nd->parent = parent ? lcm_score_node_index(in, parent) : 0;
        nd->kind = dup_col(st, 3), nd->unit = dup_col(st, 4);
        const char *dir = (const char *)sqlite3_column_text(st, 5);
        dir = dir ? dir : "";
        nd->context = strcmp(dir, "context") == 0;
        nd->band = strcmp(dir, "target_band") == 0;
        nd->lower_better = nd->band || strcmp(dir, "lower_better") == 0;
        nd->band_lo = sqlite3_column_double(st, 8), nd->band_hi = sqlite3_column_double(st, 9);
        nd->name_zh = dup_col(st, 6), nd->name_en = dup_col(st, 7);
        nd->per_10k = sqlite3_column_int(st, 11);
        nd->lo = nd->hi = NAN, nd->corr = nd->alpha = NAN;
        if (nd->parent < 0)
            step = SQLITE_ERROR; /* parent listed after its child: refuse the framework */
    }
    sqlite3_finalize(st);
    if (step != SQLITE_DONE)
        return lcm_err_set(err, LCM_DB, "cannot read the indicator framework");
    if (in->nnode == 1)
        return lcm_err_set(err, LCM_NOTFOUND, "no indicator framework in the database");
    return LCM_OK;
}

/* Prepare sql with the year bound to ?1. */
static lcm_status prepare_year(lcm_db *db, const char *sql, int year, sqlite3_stmt **st,
                               lcm_err *err) {
    lcm_status rc = lcm_db_prepare(db, sql, st, err);
    if (rc == LCM_OK)
        sqlite3_bind_int(*st, 1, year);
    return rc;
}

static lcm_status load_cities(lcm_db *db, lcm_score_inputs *in, int members_only, lcm_err *err) {
    static const char sql[] = "SELECT c.code, c.name, p.region3, c.tier FROM cities c"
                              " JOIN provinces p ON p.code = c.province_code WHERE c.code IN ("
                              "  SELECT city_code FROM indicator_values WHERE year = ?1"
                              "  UNION SELECT city_code FROM ratings WHERE year = ?1"
                              "  UNION SELECT city_code FROM survey_measures WHERE year = ?1)"
                              " AND (?2 = 0 OR c.code IN (SELECT city_code FROM network_members"
                              "  WHERE status = 'admitted' AND admitted_year <= ?1))"
                              " AND (?3 = 0 OR c.code IN (SELECT city_code FROM data_approvals"
                              "  WHERE year = ?1 AND state = 'accepted')) ORDER BY c.code";
    sqlite3_stmt *st = NULL;
    lcm_status rc = prepare_year(db, sql, in->year, &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_int(st, 2, members_only);
    sqlite3_bind_int(st, 3, in->official);
    size_t cap = 0;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (in->ncity == cap) {
            cap = cap ? cap * 2 : 64;
            lcm_score_city *grown = realloc(in->city, cap * sizeof *grown);
            if (!grown) {
                sqlite3_finalize(st);
                return lcm_err_set(err, LCM_NOMEM, "out of memory");
            }
            in->city = grown;
        }
        in->city[in->ncity++] = (lcm_score_city){.code = dup_col(st, 0),
                                                 .name = dup_col(st, 1),
                                                 .region = dup_col(st, 2),
                                                 .tier = dup_col(st, 3)};
    }
    sqlite3_finalize(st);
    if (step != SQLITE_DONE)
        return lcm_db_fail(db, err, "cannot read the cities");
    return LCM_OK;
}

static lcm_status alloc_matrices(lcm_score_inputs *in, lcm_err *err) {
    size_t cells = in->ncity * in->nnode + 1;
    in->raw = malloc(cells * sizeof *in->raw);
    in->spread = malloc(cells * sizeof *in->spread);
    in->imputed = calloc(cells, sizeof *in->imputed);
    in->disagree = calloc(cells, sizeof *in->disagree);
    in->nrating = calloc(cells, sizeof *in->nrating);
    in->count = malloc(cells * sizeof *in->count);
    in->self = malloc(cells * sizeof *in->self);
    in->self_used = calloc(cells, sizeof *in->self_used);
    in->population = malloc((in->ncity + 1) * sizeof *in->population);
    in->svy_est = malloc((3 * in->ncity + 1) * sizeof *in->svy_est);
    in->svy_se = malloc((3 * in->ncity + 1) * sizeof *in->svy_se);
    if (!in->raw || !in->spread || !in->imputed || !in->disagree || !in->nrating || !in->svy_est ||
        !in->svy_se || !in->count || !in->population || !in->self || !in->self_used)
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    for (size_t i = 0; i < cells; i++)
        in->raw[i] = in->spread[i] = in->count[i] = in->self[i] = NAN;
    for (size_t c = 0; c < in->ncity + 1; c++)
        in->population[c] = NAN;
    for (size_t i = 0; i < 3 * in->ncity + 1; i++)
        in->svy_est[i] = in->svy_se[i] = NAN;
    return LCM_OK;
}

/* Run sql (?1 = year) and hand every row with a known city and node to fn. */
typedef void (*row_fn)(lcm_score_inputs *in, size_t cell, sqlite3_stmt *st, double arg);

static lcm_status each_row(lcm_db *db, lcm_score_inputs *in, const char *sql, row_fn fn, double arg,
                           lcm_err *err) {
    sqlite3_stmt *st = NULL;
    lcm_status rc = prepare_year(db, sql, in->year, &st, err);
    if (rc != LCM_OK)
        return rc;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        int c = lcm_score_city_index(in, (const char *)sqlite3_column_text(st, 0));
        int j = lcm_score_node_index(in, (const char *)sqlite3_column_text(st, 1));
        if (c >= 0 && j >= 0)
            fn(in, (size_t)j * in->ncity + (size_t)c, st, arg);
    }
    sqlite3_finalize(st);
    return step == SQLITE_DONE ? LCM_OK : lcm_db_fail(db, err, "cannot read the inputs");
}

static void take_value(lcm_score_inputs *in, size_t cell, sqlite3_stmt *st, double arg) {
    (void)arg;
    if (sqlite3_column_type(st, 2) != SQLITE_NULL)
        in->raw[cell] = sqlite3_column_double(st, 2);
    in->imputed[cell] = sqlite3_column_int(st, 3);
}

/* Reviewers' mean replaces any imported value; the spread is their sample sd. */
static void take_rating(lcm_score_inputs *in, size_t cell, sqlite3_stmt *st, double disagree) {
    double k = sqlite3_column_double(st, 2), mean = sqlite3_column_double(st, 3);
    double ss = sqlite3_column_double(st, 6);
    in->raw[cell] = mean, in->imputed[cell] = 0;
    in->nrating[cell] = (int)k;
    in->spread[cell] = k > 1 ? sqrt(fmax(0, (ss - k * mean * mean) / (k - 1))) : 0;
    in->disagree[cell] =
        sqlite3_column_double(st, 5) - sqlite3_column_double(st, 4) > disagree + 1e-9;
}

/* levels: 1 for the mean of the three level rates (2.2.1), 0 for Σ/Σ (2.2.3). */
/* The city's self-assessment (城市自评) is kept beside the verified value, and scored only
 * where no verified value (statistic, reviewers, facilities, survey, honours) exists. */
static void take_self(lcm_score_inputs *in, size_t cell, sqlite3_stmt *st, double arg) {
    (void)arg;
    in->self[cell] = sqlite3_column_double(st, 2);
    if (isnan(in->raw[cell]))
        in->raw[cell] = in->self[cell], in->self_used[cell] = 1, in->imputed[cell] = 0;
}

static lcm_status load_coverage(lcm_db *db, lcm_score_inputs *in, const char *code,
                                const char *kind, int levels, lcm_err *err) {
    int j = lcm_score_node_index(in, code);
    lcm_coverage_row *rows = NULL;
    size_t n = 0;
    if (j < 0)
        return LCM_OK;
    lcm_status rc = lcm_coverage(db, kind, in->year, LCM_COV_CITY, &rows, &n, err);
    for (size_t r = 0; rc == LCM_OK && r < n; r++) {
        int c = lcm_score_city_index(in, rows[r].key);
        double v = levels ? lcm_coverage_level_mean(&rows[r]) : rows[r].rate[3];
        if (c >= 0 && !isnan(v)) {
            in->raw[(size_t)j * in->ncity + (size_t)c] = v;
            in->imputed[(size_t)j * in->ncity + (size_t)c] = 0;
        }
    }
    free(rows);
    return rc;
}

static lcm_status load_survey(lcm_db *db, lcm_score_inputs *in, lcm_err *err) {
    static const char sql[] =
        "SELECT city_code, measure, estimate, se FROM survey_measures WHERE year = ?1"
        " AND item = '' AND measure IN ('awareness','participation','satisfaction_index')";
    sqlite3_stmt *st = NULL;
    lcm_status rc = prepare_year(db, sql, in->year, &st, err);
    if (rc != LCM_OK)
        return rc;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        int c = lcm_score_city_index(in, (const char *)sqlite3_column_text(st, 0));
        const char *m = (const char *)sqlite3_column_text(st, 1);
        int comp = strcmp(m, "awareness") == 0 ? 0 : strcmp(m, "participation") == 0 ? 1 : 2;
        double scale = comp < 2 ? 100 : 1; /* rates are stored as proportions */
        if (c < 0)
            continue;
        in->svy_est[comp * in->ncity + (size_t)c] = sqlite3_column_double(st, 2) * scale;
        in->svy_se[comp * in->ncity + (size_t)c] =
            sqlite3_column_type(st, 3) == SQLITE_NULL ? 0 : sqlite3_column_double(st, 3) * scale;
    }
    sqlite3_finalize(st);
    if (step != SQLITE_DONE)
        return lcm_db_fail(db, err, "cannot read the survey measures");
    int j = lcm_score_node_index(in, "4.2.1");
    for (size_t c = 0; j >= 0 && c < in->ncity; c++) {
        const double *e = in->svy_est;
        double v = (e[c] + e[in->ncity + c] + e[2 * in->ncity + c]) / 3; /* NaN if any missing */
        if (!isnan(v))
            in->raw[(size_t)j * in->ncity + c] = v;
    }
    return LCM_OK;
}

/* A count in person-times (人次) or persons (人) over 常住人口 in 万人 is per 10,000
 * residents; a count in 万人次 is 10,000 times that. */
static double per_10k_factor(const lcm_score_node *nd) {
    return nd->unit && strncmp(nd->unit, "万", strlen("万")) == 0 ? 1e4 : 1;
}

/* The per_10k points compared per 10,000 residents (docs/scores.md): the count moves to
 * in->count, in->raw becomes count × factor / population. A count without the city's
 * population that year stays unscored (NaN) and is remembered for lcm_score_compute. */
static lcm_status load_population(lcm_db *db, lcm_score_inputs *in, lcm_err *err) {
    static const char sql[] = "SELECT city_code, 'population', value FROM city_stats"
                              " WHERE year = ?1 AND stat = 'population'";
    sqlite3_stmt *st = NULL;
    lcm_status rc = prepare_year(db, sql, in->year, &st, err);
    if (rc != LCM_OK)
        return rc;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        int c = lcm_score_city_index(in, (const char *)sqlite3_column_text(st, 0));
        if (c >= 0)
            in->population[c] = sqlite3_column_double(st, 2);
    }
    sqlite3_finalize(st);
    if (step != SQLITE_DONE)
        return lcm_db_fail(db, err, "cannot read the population");
    in->nopop_city = in->nopop_node = -1;
    for (size_t j = 1; j < in->nnode; j++) {
        if (!in->node[j].per_10k)
            continue;
        for (size_t c = 0; c < in->ncity; c++) {
            double *v = &in->raw[j * in->ncity + c];
            if (isnan(*v))
                continue;
            in->count[j * in->ncity + c] = *v;
            if (isnan(in->population[c]) && in->nopop_city < 0)
                in->nopop_city = (int)c, in->nopop_node = (int)j;
            *v = *v * per_10k_factor(&in->node[j]) / in->population[c]; /* NaN without it */
        }
    }
    return LCM_OK;
}

/* SQL of one title's weight by level (h.level); the weights are bound from score.h. */
#define HONOUR_WEIGHT                                                                              \
    "CASE h.level WHEN 'international' THEN ?3 WHEN 'national' THEN ?4 ELSE ?5 END"

static void bind_honour_weights(sqlite3_stmt *st) {
    sqlite3_bind_double(st, 3, LCM_HONOUR_WEIGHT_INTERNATIONAL);
    sqlite3_bind_double(st, 4, LCM_HONOUR_WEIGHT_NATIONAL);
    sqlite3_bind_double(st, 5, LCM_HONOUR_WEIGHT_PROVINCIAL);
}

/* Point 4.2.2 from the titles in `honours`, for every city with a title awarded by the year
 * scored: the weighted number of those of the last LCM_HONOURS_YEARS years (raw), the plain
 * number in count. A city without any title on record keeps its imported statistic. The
 * goalposts are 0 and the largest weighted sum of any city over any five-year window. */
static lcm_status load_honours(lcm_db *db, lcm_score_inputs *in, lcm_err *err) {
    static const char sql[] =
        "SELECT h.city_code, 'x', sum(h.year > ?1 - ?2), sum((h.year > ?1 - ?2) * " HONOUR_WEIGHT
        ") FROM honours h WHERE h.year <= ?1 GROUP BY h.city_code";
    /* ?6 official: only the titles that count in an accepted city-year (awarded in or before
     * an accepted year of their city) are on record */
    static const char max_sql[] =
        "WITH hh AS (SELECT * FROM honours x WHERE ?6 = 0 OR EXISTS (SELECT 1 FROM"
        "  data_approvals a WHERE a.city_code = x.city_code AND a.year >= x.year"
        "  AND a.state = 'accepted'))"
        " SELECT max(w) FROM (SELECT sum(" HONOUR_WEIGHT ") AS w FROM hh h JOIN (SELECT"
        " DISTINCT year AS y FROM hh) ON h.year <= y AND h.year > y - ?2"
        " GROUP BY h.city_code, y) WHERE ?1 IS NOT NULL";
    int j = lcm_score_node_index(in, LCM_HONOURS_CODE);
    if (j < 0)
        return LCM_OK;
    sqlite3_stmt *st = NULL;
    lcm_status rc = prepare_year(db, sql, in->year, &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_int(st, 2, LCM_HONOURS_YEARS);
    bind_honour_weights(st);
    int step, any = 0;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        int c = lcm_score_city_index(in, (const char *)sqlite3_column_text(st, 0));
        if (c < 0)
            continue;
        size_t cell = (size_t)j * in->ncity + (size_t)c;
        in->count[cell] = sqlite3_column_double(st, 2);
        in->raw[cell] = sqlite3_column_double(st, 3);
        in->imputed[cell] = 0, any = 1;
    }
    sqlite3_finalize(st);
    if (step != SQLITE_DONE)
        return lcm_db_fail(db, err, "cannot read the honours");
    if (!any)
        return LCM_OK;
    if ((rc = prepare_year(db, max_sql, in->year, &st, err)) != LCM_OK)
        return rc;
    sqlite3_bind_int(st, 2, LCM_HONOURS_YEARS);
    bind_honour_weights(st);
    sqlite3_bind_int(st, 6, in->official);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_double(st, 0) > 0)
        in->node[j].lo = 0, in->node[j].hi = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    return LCM_OK;
}

/* Goalposts of the statistics without a natural scale: min and max over every year in the
 * store, so that a score of the same value means the same in every year. A band point's
 * goalposts are on its distance to the band. */
static lcm_status load_goalposts(lcm_db *db, lcm_score_inputs *in, lcm_err *err) {
    /* ?4: 0 the value, else the per-10,000 factor (value × ?4 / population of that year) */
    static const char sql[] =
        "SELECT indicator_code, min(v), max(v), min(max(?1 - v, v - ?2, 0)),"
        " max(max(?1 - v, v - ?2, 0)) FROM (SELECT indicator_code, CASE WHEN ?4 = 0 THEN value"
        " ELSE value * ?4 / (SELECT s.value FROM city_stats s WHERE s.city_code = x.city_code"
        " AND s.year = x.year AND s.stat = 'population') END AS v FROM indicator_values x"
        " WHERE indicator_code = ?3 AND (?5 = 0 OR EXISTS (SELECT 1 FROM data_approvals a"
        "  WHERE a.city_code = x.city_code AND a.year = x.year AND a.state = 'accepted')))"
        " WHERE v IS NOT NULL";
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db, sql, &st, err);
    for (size_t j = 1; rc == LCM_OK && j < in->nnode; j++) {
        lcm_score_node *nd = &in->node[j];
        if (!nd->kind || natural_bounds(nd, &nd->lo, &nd->hi) || !isnan(nd->hi))
            continue; /* (4.2.2's are set from the honours) */
        sqlite3_reset(st);
        sqlite3_bind_double(st, 1, nd->band_lo);
        sqlite3_bind_double(st, 2, nd->band_hi);
        sqlite3_bind_text(st, 3, nd->code, -1, SQLITE_STATIC);
        sqlite3_bind_double(st, 4, nd->per_10k ? per_10k_factor(nd) : 0);
        sqlite3_bind_int(st, 5, in->official);
        if (sqlite3_step(st) != SQLITE_ROW)
            rc = lcm_db_fail(db, err, "cannot read the goalposts");
        else if (sqlite3_column_type(st, 1) != SQLITE_NULL) {
            nd->lo = sqlite3_column_double(st, nd->band ? 3 : 1);
            nd->hi = sqlite3_column_double(st, nd->band ? 4 : 2);
            if (nd->band)
                nd->lo = 0; /* inside the band is the best possible */
            if (!(nd->hi > nd->lo))
                nd->hi = nd->lo + 1; /* one value ever seen: any span gives it the same score */
        }
    }
    sqlite3_finalize(st);
    return rc;
}

lcm_status lcm_score_inputs_load(lcm_db *db, int year, double disagree, lcm_score_inputs *in,
                                 lcm_err *err) {
    return lcm_score_inputs_load_cities(db, year, disagree, 0, in, err);
}

lcm_status lcm_score_inputs_load_cities(lcm_db *db, int year, double disagree, int members_only,
                                        lcm_score_inputs *in, lcm_err *err) {
    return lcm_score_inputs_load_official(db, year, disagree, members_only, 0, in, err);
}

lcm_status lcm_score_inputs_load_official(lcm_db *db, int year, double disagree, int members_only,
                                          int official, lcm_score_inputs *in, lcm_err *err) {
    static const char values_sql[] =
        "SELECT city_code, indicator_code, value, imputed FROM indicator_values WHERE year = ?1";
    static const char self_sql[] = "SELECT city_code, indicator_code, value FROM"
                                   " self_assessments WHERE year = ?1";
    static const char ratings_sql[] =
        "SELECT city_code, indicator_code, count(*), avg(score), min(score), max(score),"
        " sum(score * score) FROM ratings_counted WHERE year = ?1 GROUP BY city_code, "
        "indicator_code";
    memset(in, 0, sizeof *in);
    in->year = year, in->official = official != 0;
    lcm_status rc = load_nodes(db, in, err);
    if (rc == LCM_OK)
        rc = load_cities(db, in, members_only, err);
    for (size_t i = 0; rc == LCM_OK && i < in->nnode; i++)
        if (!in->node[i].code || !in->node[i].name_zh || !in->node[i].name_en)
            rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
    for (size_t c = 0; rc == LCM_OK && c < in->ncity; c++)
        if (!in->city[c].code || !in->city[c].name || !in->city[c].region || !in->city[c].tier)
            rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
    if (rc == LCM_OK)
        rc = alloc_matrices(in, err);
    if (rc == LCM_OK)
        rc = each_row(db, in, values_sql, take_value, 0, err);
    if (rc == LCM_OK)
        rc = each_row(db, in, ratings_sql, take_rating, disagree, err);
    if (rc == LCM_OK)
        rc = load_coverage(db, in, "2.2.1", LCM_COVERAGE_KIND_COMMUNITY, 1, err);
    if (rc == LCM_OK)
        rc = load_coverage(db, in, "2.2.3", LCM_COVERAGE_KIND_ELDERLY, 0, err);
    if (rc == LCM_OK)
        rc = load_survey(db, in, err);
    if (rc == LCM_OK)
        rc = load_honours(db, in, err);
    if (rc == LCM_OK) /* after every verified source, before counts become per 10,000 */
        rc = each_row(db, in, self_sql, take_self, 0, err);
    if (rc == LCM_OK)
        rc = load_population(db, in, err);
    if (rc == LCM_OK)
        rc = load_goalposts(db, in, err);
    if (rc != LCM_OK)
        lcm_score_inputs_release(in);
    return rc;
}

void lcm_score_inputs_release(lcm_score_inputs *in) {
    for (size_t i = 0; in->node && i < in->nnode; i++) {
        lcm_score_node *nd = &in->node[i];
        free(nd->code), free(nd->name_zh), free(nd->name_en), free(nd->kind), free(nd->unit);
    }
    for (size_t i = 0; in->city && i < in->ncity; i++) {
        lcm_score_city *c = &in->city[i];
        free(c->code), free(c->name), free(c->region), free(c->tier);
    }
    free(in->node), free(in->city), free(in->raw), free(in->spread), free(in->imputed);
    free(in->disagree), free(in->nrating), free(in->svy_est), free(in->svy_se);
    free(in->count), free(in->population), free(in->self), free(in->self_used);
    memset(in, 0, sizeof *in);
}
