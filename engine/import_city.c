/*
 * import_city.c - city-level inputs: statistics (indicator_values), reviewer ratings and
 * facilities, each checked against the reference data and the indicator framework.
 *
 * A re-import must add nothing and a changed row must not slip in silently, so every row
 * is first looked up by its key with a statement that takes the same parameters as the
 * upsert and answers "stored and identical?": identical rows are counted as unchanged,
 * different ones are conflicts unless --replace was asked for.
 */
#include "approval.h"
#include "import_int.h"
#include "rating.h"
#include "strbuf.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

typedef struct city_stmts {
    sqlite3_stmt *city, *indicator, *unit; /* lookups */
    sqlite3_stmt *get, *put;               /* "stored identically?" and the upsert */
    sqlite3_stmt *sget, *sput;             /* the same for city_stats (population) */
    sqlite3_stmt *aget, *aput;             /* the same for self_assessments (城市自评) */
} city_stmts;

/* 常住人口 (resident population) is not a monitoring point but a statistic of the city and
 * year, imported with the points under the indicator name `population` or 常住人口, in 万人;
 * the count points marked per_10k are compared per 10,000 residents with it. */
#define POPULATION_LO 1.0
#define POPULATION_HI 5000.0

static int is_population(const char *code) {
    return strcmp(code, "population") == 0 || strcmp(code, "常住人口") == 0;
}

static void bind_text(city_stmts *s, int i, const char *v) {
    sqlite3_stmt *both[] = {s->get, s->put};
    for (int k = 0; k < 2; k++) {
        if (v && *v)
            sqlite3_bind_text(both[k], i, v, -1, SQLITE_TRANSIENT);
        else
            sqlite3_bind_null(both[k], i);
    }
}

static void bind_int(city_stmts *s, int i, long long v) {
    sqlite3_bind_int64(s->get, i, v);
    sqlite3_bind_int64(s->put, i, v);
}

static void bind_real(city_stmts *s, int i, double v) {
    sqlite3_bind_double(s->get, i, v);
    sqlite3_bind_double(s->put, i, v);
}

/* Write the bound row unless it is stored already; a different stored row is a conflict
 * reported on column slot `at`, or replaced when the options say so. */
static lcm_status store(lcm__imp *im, city_stmts *s, int at, lcm_err *err) {
    lcm_status st = LCM_OK;
    int step = sqlite3_step(s->get), replace = 0;
    if (step == SQLITE_ROW && sqlite3_column_int(s->get, 0)) {
        im->res->unchanged++;
        goto cleanup;
    }
    if (step == SQLITE_ROW && !im->opts->replace) {
        lcm__imp_issue(im, at, "conflicts with the stored %s (use --replace to overwrite)",
                       (const char *)sqlite3_column_text(s->get, 1));
        goto cleanup;
    }
    if (step != SQLITE_ROW && step != SQLITE_DONE) {
        st = lcm_db_fail(im->db, err, "cannot look up a stored row");
        goto cleanup;
    }
    replace = step == SQLITE_ROW;
    if (sqlite3_step(s->put) != SQLITE_DONE)
        st = lcm_db_fail(im->db, err, "cannot store a row");
    else if (replace)
        im->res->replaced++;
    else
        im->res->inserted++;
cleanup:
    sqlite3_reset(s->get);
    sqlite3_reset(s->put);
    return st;
}

/* A required cell: empty is a problem. */
static int need(lcm__imp *im, int i) {
    if (*lcm__imp_cell(im, i))
        return 1;
    lcm__imp_issue(im, i, "missing");
    return 0;
}

/* Step a one-row lookup bound with the cell of slot i; 1 when found (row left current). */
static int lookup(sqlite3_stmt *q, const char *v) {
    sqlite3_reset(q);
    sqlite3_bind_text(q, 1, v, -1, SQLITE_STATIC);
    return sqlite3_step(q) == SQLITE_ROW;
}

static int check_city(lcm__imp *im, city_stmts *s, int i) {
    if (!need(im, i))
        return 0;
    if (lookup(s->city, lcm__imp_cell(im, i)))
        return 1;
    lcm__imp_issue(im, i,
                   "unknown city code (4 digits, see 'lcmon cities'; a county-level city "
                   "has 6 once its application is in the register)");
    return 0;
}

static int check_year(lcm__imp *im, int i, long long *year) {
    if (!need(im, i))
        return 0;
    if (lcm__imp_int(lcm__imp_cell(im, i), 2000, 2100, year) == 0)
        return 1;
    lcm__imp_issue(im, i, "not a year from 2000 to 2100");
    return 0;
}

/* The indicator of slot i must be a monitoring point of the wanted kinds; its unit is
 * copied to unit. rating: 1 for reviewer ratings, 0 for statistics. */
static int check_indicator(lcm__imp *im, city_stmts *s, int i, int rating, char *unit, size_t cap,
                           double range[2]) {
    if (!need(im, i))
        return 0;
    const char *code = lcm__imp_cell(im, i);
    if (!rating && is_population(code)) {
        snprintf(unit, cap, "万人");
        range[0] = POPULATION_LO, range[1] = POPULATION_HI;
        return 1;
    }
    if (!lookup(s->indicator, code)) {
        lcm__imp_issue(im, i, "unknown indicator (see 'lcmon framework show')");
        return 0;
    }
    const char *kind = (const char *)sqlite3_column_text(s->indicator, 0);
    if (sqlite3_column_int(s->indicator, 2) != 3 || !kind) {
        lcm__imp_issue(im, i, "not a monitoring point (a level-3 indicator)");
        return 0;
    }
    int is_rating = strcmp(kind, "rating") == 0;
    const char *use = strcmp(kind, "survey") == 0 ? "it comes from the household survey"
                      : is_rating                 ? "import it with 'lcmon import ratings'"
                                                  : "import it with 'lcmon import stats'";
    if (rating != is_rating || strcmp(kind, "survey") == 0) {
        lcm__imp_issue(im, i, "indicator %s is of kind %s: %s", code, kind, use);
        return 0;
    }
    snprintf(unit, cap, "%s", (const char *)sqlite3_column_text(s->indicator, 1));
    for (int k = 0; k < 2; k++)
        range[k] = sqlite3_column_type(s->indicator, 3 + k) == SQLITE_NULL
                       ? NAN
                       : sqlite3_column_double(s->indicator, 3 + k);
    return 1;
}

/* The likely slip behind a value outside its plausible range [lo, hi], as text for the
 * message: a factor that brings it into the range and the unit mix-up it stands for (‰ for
 * %, a proportion for %, 人 for 万人 and back), when the value is also more than twice the
 * top of the range (or below half its bottom); "" when none does. */
static const char *likely_slip(double v, const char *unit, double lo, double hi, double *fixed) {
    int pct = strcmp(unit, "%") == 0, wan = strncmp(unit, "万", strlen("万")) == 0;
    struct {
        int when;
        double factor;
        const char *what;
    } const slips[] = {
        {pct, 0.1, "given in ‰ where the seed asks % (‰ ÷ 10 = %)"},
        {pct && v <= 1, 100, "given as a proportion (0–1) where the seed asks % (× 100)"},
        {wan, 1e-4, "given in single units where the seed asks 万 (÷ 10,000)"},
        {!pct && !wan, 1e4, "given in 万 where the seed asks single units (× 10,000)"},
    };
    for (size_t k = 0; k < sizeof slips / sizeof slips[0]; k++) {
        double x = v * slips[k].factor;
        /* a slip is a factor of 10 or more: a value just past the range is not one */
        if (slips[k].when && x >= lo && x <= hi && (v > 2 * hi || v < lo / 2))
            return *fixed = x, slips[k].what;
    }
    return "";
}

/* 1 when code is a rating point (a self-assessment may score it, 0-100). */
static int is_rating_point(city_stmts *s, const char *code) {
    if (!lookup(s->indicator, code))
        return 0;
    const char *kind = (const char *)sqlite3_column_text(s->indicator, 0);
    return kind && strcmp(kind, "rating") == 0 && sqlite3_column_int(s->indicator, 2) == 3;
}

/* A statistic in its unit: yes/no points take 1/0 (yes/no, 是/否), percentages 0-100,
 * everything else (counts, amounts, years) is never negative. */
static int check_value(lcm__imp *im, int i, const char *unit, const double range[2], double *out) {
    static const char *const yes[] = {"1", "yes", "y", "是"}, *const no[] = {"0", "no", "n", "否"};
    const char *v = lcm__imp_cell(im, i);
    if (!need(im, i))
        return 0;
    if (strcmp(unit, "yes/no") == 0) {
        for (size_t k = 0; k < sizeof yes / sizeof yes[0]; k++) {
            if (strcasecmp(v, yes[k]) == 0)
                return *out = 1, 1;
            if (strcasecmp(v, no[k]) == 0)
                return *out = 0, 1;
        }
        lcm__imp_issue(im, i, "a yes/no point takes 1 or 0 (yes/no, 是/否)");
        return 0;
    }
    if (lcm__imp_real(v, out) != 0) {
        lcm__imp_issue(im, i, "not a number (plain digits, '.' for decimals, no separators)");
        return 0;
    }
    if (!isnan(range[0]) && !(*out >= range[0] && *out <= range[1])) {
        double fixed = NAN;
        const char *slip = likely_slip(*out, unit, range[0], range[1], &fixed);
        if (*slip)
            lcm__imp_issue(im, i, "outside the plausible range %g to %g (unit %s): %s? that is %g",
                           range[0], range[1], unit, slip, fixed);
        else
            lcm__imp_issue(im, i, "outside the plausible range %g to %g (unit %s)", range[0],
                           range[1], unit);
        return 0;
    }
    if (isnan(range[0]) && strcmp(unit, "%") == 0 && (*out < 0 || *out > 100)) {
        lcm__imp_issue(im, i, "a percentage must be from 0 to 100");
        return 0;
    }
    if (*out < 0) {
        lcm__imp_issue(im, i, "cannot be negative (unit %s)", unit);
        return 0;
    }
    return 1;
}

/* A row of a city-year the data approval has locked (submitted or accepted, engine/approval.h)
 * is refused, naming city and year; from_year_on for rows that count in every year from
 * theirs on (an honour, a facility; year 0: a facility without a year). 1 when free. */
static int check_unlocked(lcm__imp *im, int at, const char *city, long long year, int from_year_on,
                          lcm_err *err, lcm_status *st) {
    int locked_year = 0;
    lcm_approval_state state = LCM_APPROVAL_OPEN;
    int r = lcm_approval_locked(im->db, city, (int)year, from_year_on, &locked_year, &state);
    if (r == 0)
        return 1;
    if (r < 0) {
        *st = lcm_db_fail(im->db, err, "cannot read the data approval");
        return 0;
    }
    char msg[512];
    lcm_approval_lock_message(msg, sizeof msg, city, locked_year, state);
    if (from_year_on)
        lcm__imp_issue(im, at, "counts in %d: %s", locked_year, msg);
    else
        lcm__imp_issue(im, at, "%s", msg);
    return 0;
}

/* Report a key already seen on an earlier line of this file; 1 when new. */
static int check_unique(lcm__imp *im, int at, const char *key, const char *what, lcm_err *err,
                        lcm_status *st) {
    long first = lcm__imp_seen(im, key, err);
    if (first < 0)
        *st = LCM_DB;
    else if (first > 0)
        lcm__imp_issue(im, at, "duplicate of line %ld (same %s)", first, what);
    return first == 0;
}

/* ---- statistics ---- */

enum { S_CITY, S_YEAR, S_INDICATOR, S_VALUE, S_SOURCE, S_IMPUTED, S_NOTE, S_BASIS };

/* The basis column: 1 for a self-assessment (城市自评), 0 for a verified value (核实, the
 * default), -1 for anything else. */
static int self_basis(const char *v) {
    if (!*v || strcmp(v, "verified") == 0 || strcmp(v, "核实") == 0)
        return 0;
    if (strcmp(v, "self") == 0 || strcmp(v, "自评") == 0)
        return 1;
    return -1;
}

static lcm_status stats_row(lcm__imp *im, void *state, lcm_err *err) {
    city_stmts *s = state;
    long long year = 0, imputed = 0;
    double value = 0, range[2] = {NAN, NAN};
    char unit[64] = "";
    lcm_status st = LCM_OK;
    int ok = check_city(im, s, S_CITY);
    int self = self_basis(lcm__imp_cell(im, S_BASIS));
    ok &= check_year(im, S_YEAR, &year);
    if (self < 0)
        ok = 0, lcm__imp_issue(im, S_BASIS, "basis is 核实 (verified, the default) or 自评 (self)");
    if (self > 0 && is_rating_point(s, lcm__imp_cell(im, S_INDICATOR))) {
        /* a city's self-assessed score of a rating point, 0-100 */
        if (!need(im, S_VALUE) || lcm__imp_real(lcm__imp_cell(im, S_VALUE), &value) || value < 0 ||
            value > 100)
            ok = 0, lcm__imp_issue(im, S_VALUE, "a self-assessed score is from 0 to 100");
    } else if (check_indicator(im, s, S_INDICATOR, 0, unit, sizeof unit, range))
        ok &= check_value(im, S_VALUE, unit, range, &value);
    else
        ok = 0;
    ok &= need(im, S_SOURCE);
    if (*lcm__imp_cell(im, S_IMPUTED) && lcm__imp_int(lcm__imp_cell(im, S_IMPUTED), 0, 1, &imputed))
        ok = 0, lcm__imp_issue(im, S_IMPUTED, "takes 1 (imputed) or 0");
    if (!ok)
        return LCM_OK;
    int pop = is_population(lcm__imp_cell(im, S_INDICATOR));
    if (pop && imputed)
        return lcm__imp_issue(im, S_IMPUTED, "常住人口 (population) cannot be imputed"), LCM_OK;
    if (pop && self > 0)
        return lcm__imp_issue(im, S_BASIS, "常住人口 (population) is a statistic, not assessed"),
               LCM_OK;
    lcm_strbuf key = LCM_STRBUF_INIT;
    lcm_strbuf_addf(&key, "%s\x1f%lld\x1f%s\x1f%d", lcm__imp_cell(im, S_CITY), year,
                    pop ? "population" : lcm__imp_cell(im, S_INDICATOR), self);
    ok = check_unique(im, S_CITY, key.buf, "city, year and indicator", err, &st);
    lcm_strbuf_release(&key);
    ok = ok && check_unlocked(im, S_YEAR, lcm__imp_cell(im, S_CITY), year, 0, err, &st);
    if (!ok || !im->writing)
        return st;
    if (pop || self) { /* city_stats or self_assessments: ?1 city, ?2 year, ?3 indicator,
                        * ?4 value, ?5 source, ?7 note */
        city_stmts p = *s;
        p.get = pop ? s->sget : s->aget, p.put = pop ? s->sput : s->aput;
        bind_text(&p, 3, lcm__imp_cell(im, S_INDICATOR));
        bind_text(&p, 1, lcm__imp_cell(im, S_CITY));
        bind_int(&p, 2, year);
        bind_real(&p, 4, value);
        bind_text(&p, 5, lcm__imp_cell(im, S_SOURCE));
        bind_text(&p, 7, lcm__imp_cell(im, S_NOTE));
        return store(im, &p, S_VALUE, err);
    }
    bind_text(s, 1, lcm__imp_cell(im, S_CITY));
    bind_int(s, 2, year);
    bind_text(s, 3, lcm__imp_cell(im, S_INDICATOR));
    bind_real(s, 4, value);
    bind_text(s, 5, lcm__imp_cell(im, S_SOURCE));
    bind_int(s, 6, imputed);
    bind_text(s, 7, lcm__imp_cell(im, S_NOTE));
    return store(im, s, S_VALUE, err);
}

static const lcm__imp_kind stats_kind = {
    "stats",
    {"city", "year", "indicator", "value", "source", "imputed", "note", "basis", NULL},
    1u << S_CITY | 1u << S_YEAR | 1u << S_INDICATOR | 1u << S_VALUE | 1u << S_SOURCE,
    0,
    stats_row,
    NULL,
    NULL,
    0,
    0,
};

/* ---- ratings ---- */

enum { R_CITY, R_YEAR, R_INDICATOR, R_REVIEWER, R_SCORE, R_COMMENT, R_LEVEL, R_EVIDENCE };

static lcm_status ratings_row(lcm__imp *im, void *state, lcm_err *err) {
    city_stmts *s = state;
    long long year = 0;
    double score = 0;
    char unit[64];
    lcm_status st = LCM_OK;
    int ok = check_city(im, s, R_CITY);
    ok &= check_year(im, R_YEAR, &year);
    double range[2];
    ok &= check_indicator(im, s, R_INDICATOR, 1, unit, sizeof unit, range);
    ok &= need(im, R_REVIEWER);
    /* A rating is a rubric level, a 0-100 score, or both (the score within the level's
     * band); a level alone counts as its default score (docs/ratings.md). */
    const char *lv_cell = lcm__imp_cell(im, R_LEVEL), *sc_cell = lcm__imp_cell(im, R_SCORE);
    int level = *lv_cell ? lcm_rating_level_parse(lv_cell) : 0;
    if (*lv_cell && !level)
        ok = 0, lcm__imp_issue(im, R_LEVEL, "a level is 优秀, 良好, 合格, 基本合格, 不合格 or 1-5");
    if (!*sc_cell && !*lv_cell)
        ok = 0, lcm__imp_issue(im, R_SCORE, "a rating needs a score (0-100) or a level");
    else if (*sc_cell && (lcm__imp_real(sc_cell, &score) || !(score >= 0 && score <= 100)))
        ok = 0, lcm__imp_issue(im, R_SCORE, "a score must be a number from 0 to 100");
    else if (!*sc_cell && level)
        score = lcm_rating_levels[level - 1].dflt;
    else if (level && lcm_rating_level_of(score) != level)
        ok = 0, lcm__imp_issue(im, R_SCORE, "the score is outside the band of %s (%g-%g)",
                               lcm_rating_levels[level - 1].zh, lcm_rating_levels[level - 1].lo,
                               lcm_rating_levels[level - 1].hi);
    const char *ev = lcm__imp_cell(im, R_EVIDENCE);
    if (ok && *ev) {
        lcm_rating_cell cell = {lcm__imp_cell(im, R_CITY), (int)year,
                                lcm__imp_cell(im, R_INDICATOR)};
        lcm_err why = {0};
        lcm_status e = lcm_rating_check_evidence(im->db, &cell, ev, &why);
        if (e == LCM_CONSTRAINT)
            ok = 0, lcm__imp_issue(im, R_EVIDENCE, "%s", why.msg);
        else if (e != LCM_OK)
            return lcm_err_set(err, e, "%s", why.msg);
    }
    if (!ok)
        return LCM_OK;
    lcm_strbuf key = LCM_STRBUF_INIT;
    lcm_strbuf_addf(&key, "%s\x1f%lld\x1f%s\x1f%s", lcm__imp_cell(im, R_CITY), year,
                    lcm__imp_cell(im, R_INDICATOR), lcm__imp_cell(im, R_REVIEWER));
    ok = check_unique(im, R_REVIEWER, key.buf, "city, year, indicator and reviewer", err, &st);
    lcm_strbuf_release(&key);
    if (!ok || !im->writing)
        return st;
    bind_text(s, 1, lcm__imp_cell(im, R_CITY));
    bind_int(s, 2, year);
    bind_text(s, 3, lcm__imp_cell(im, R_INDICATOR));
    bind_text(s, 4, lcm__imp_cell(im, R_REVIEWER));
    bind_real(s, 5, score);
    bind_text(s, 6, lcm__imp_cell(im, R_COMMENT));
    if (level)
        bind_int(s, 7, level);
    else { /* the level follows from the score (the ratings triggers) */
        sqlite3_bind_null(s->get, 7);
        sqlite3_bind_null(s->put, 7);
    }
    bind_text(s, 8, ev);
    return store(im, s, R_SCORE, err);
}

static const lcm__imp_kind ratings_kind = {
    "ratings",
    {"city", "year", "indicator", "reviewer", "score", "comment", "level", "evidence", NULL},
    1u << R_CITY | 1u << R_YEAR | 1u << R_INDICATOR | 1u << R_REVIEWER,
    0,
    ratings_row,
    NULL,
    NULL,
    0,
    0,
};

/* ---- facilities ---- */

enum { F_CITY, F_UNIT, F_LEVEL, F_KIND, F_NAME, F_VILLAGE, F_YEAR };

/* The kinds coverage is computed for (points 2.2.1 and 2.2.3), with their Chinese names. */
static const char *facility_kind(const char *v) {
    if (strcmp(v, "community_education") == 0 || strcmp(v, "社区教育") == 0)
        return "community_education";
    if (strcmp(v, "elderly_education") == 0 || strcmp(v, "老年教育") == 0)
        return "elderly_education";
    return NULL;
}

/* Level, unit and village must agree: county facilities sit in a county, township and
 * village ones in a township of the same city; only village ones name a village. */
static int check_place(lcm__imp *im, city_stmts *s, const char **level) {
    const char *lv = lcm__imp_cell(im, F_LEVEL), *unit = lcm__imp_cell(im, F_UNIT);
    int county = strcmp(lv, "county") == 0, village_level = strcmp(lv, "village") == 0;
    if (!county && !village_level && strcmp(lv, "township") != 0) {
        lcm__imp_issue(im, F_LEVEL, "level is county, township or village");
        return 0;
    }
    *level = county ? "county" : village_level ? "village" : "township";
    if (!need(im, F_UNIT))
        return 0;
    if (!lookup(s->unit, unit)) {
        lcm__imp_issue(im, F_UNIT, "unknown administrative unit code");
        return 0;
    }
    const char *ulevel = (const char *)sqlite3_column_text(s->unit, 0);
    const char *ucity = (const char *)sqlite3_column_text(s->unit, 1);
    if (!ucity || strcmp(ucity, lcm__imp_cell(im, F_CITY)) != 0) {
        lcm__imp_issue(im, F_UNIT, "unit %s (%s) is not in city %s", unit,
                       (const char *)sqlite3_column_text(s->unit, 2), lcm__imp_cell(im, F_CITY));
        return 0;
    }
    if (strcmp(ulevel, county ? "county" : "township") != 0) {
        lcm__imp_issue(im, F_UNIT, "a %s-level facility is located by a %s code, this is a %s",
                       *level, county ? "county" : "township", ulevel);
        return 0;
    }
    if (village_level != (*lcm__imp_cell(im, F_VILLAGE) != '\0')) {
        lcm__imp_issue(im, F_VILLAGE,
                       village_level ? "a village-level facility names its village"
                                     : "only village-level facilities name a village");
        return 0;
    }
    return 1;
}

static lcm_status facilities_row(lcm__imp *im, void *state, lcm_err *err) {
    city_stmts *s = state;
    const char *level = NULL, *kind = facility_kind(lcm__imp_cell(im, F_KIND));
    long long year = 0;
    lcm_status st = LCM_OK;
    int ok = check_city(im, s, F_CITY) && check_place(im, s, &level);
    if (!kind)
        ok = 0, lcm__imp_issue(im, F_KIND,
                               "kind is community_education (社区教育) or elderly_education "
                               "(老年教育)");
    ok &= need(im, F_NAME);
    if (*lcm__imp_cell(im, F_YEAR) && lcm__imp_int(lcm__imp_cell(im, F_YEAR), 1900, 2100, &year))
        ok = 0, lcm__imp_issue(im, F_YEAR, "not a year from 1900 to 2100");
    if (!ok)
        return LCM_OK;
    lcm_strbuf key = LCM_STRBUF_INIT;
    lcm_strbuf_addf(&key, "%s\x1f%s\x1f%s\x1f%s", lcm__imp_cell(im, F_UNIT), level, kind,
                    lcm__imp_cell(im, F_NAME));
    ok = check_unique(im, F_NAME, key.buf, "unit, level, kind and name", err, &st);
    lcm_strbuf_release(&key);
    ok = ok && check_unlocked(im, *lcm__imp_cell(im, F_YEAR) ? F_YEAR : F_CITY,
                              lcm__imp_cell(im, F_CITY), year, 1, err, &st);
    if (!ok || !im->writing)
        return st;
    bind_text(s, 1, lcm__imp_cell(im, F_CITY));
    bind_text(s, 2, lcm__imp_cell(im, F_UNIT));
    bind_text(s, 3, level);
    bind_text(s, 4, kind);
    bind_text(s, 5, lcm__imp_cell(im, F_VILLAGE));
    bind_text(s, 6, lcm__imp_cell(im, F_NAME));
    if (*lcm__imp_cell(im, F_YEAR))
        bind_int(s, 7, year);
    else
        bind_text(s, 7, NULL);
    return store(im, s, F_NAME, err);
}

static const lcm__imp_kind facilities_kind = {
    "facilities",
    {"city", "unit", "level", "kind", "name", "village", "year_opened", NULL},
    1u << F_CITY | 1u << F_UNIT | 1u << F_LEVEL | 1u << F_KIND | 1u << F_NAME,
    0,
    facilities_row,
    NULL,
    NULL,
    0,
    0,
};

/* ---- honours (point 4.2.2) ---- */

enum { H_CITY, H_YEAR, H_NAME, H_LEVEL, H_SOURCE, H_NOTE };

/* The level of an honorary title as stored: 国际 / 国家 / 省部级 (or their English names). */
static const char *honour_level(const char *v) {
    if (strcmp(v, "international") == 0 || strcmp(v, "国际") == 0 || strcmp(v, "国际级") == 0)
        return "international";
    if (strcmp(v, "national") == 0 || strcmp(v, "国家") == 0 || strcmp(v, "国家级") == 0)
        return "national";
    if (strcmp(v, "provincial") == 0 || strcmp(v, "省部级") == 0 || strcmp(v, "省级") == 0)
        return "provincial";
    return NULL;
}

static lcm_status honours_row(lcm__imp *im, void *state, lcm_err *err) {
    city_stmts *s = state;
    long long year = 0;
    lcm_status st = LCM_OK;
    const char *level = honour_level(lcm__imp_cell(im, H_LEVEL));
    int ok = check_city(im, s, H_CITY);
    if (!need(im, H_YEAR))
        ok = 0;
    else if (lcm__imp_int(lcm__imp_cell(im, H_YEAR), 1950, 2100, &year))
        ok = 0, lcm__imp_issue(im, H_YEAR, "not a year from 1950 to 2100");
    ok &= need(im, H_NAME);
    if (!level)
        ok = 0, lcm__imp_issue(im, H_LEVEL,
                               "level is 国际 (international), 国家 (national) or 省部级 "
                               "(provincial)");
    ok &= need(im, H_SOURCE);
    if (!ok)
        return LCM_OK;
    lcm_strbuf key = LCM_STRBUF_INIT;
    lcm_strbuf_addf(&key, "%s\x1f%lld\x1f%s", lcm__imp_cell(im, H_CITY), year,
                    lcm__imp_cell(im, H_NAME));
    ok = check_unique(im, H_NAME, key.buf, "city, year and name", err, &st);
    lcm_strbuf_release(&key);
    ok = ok && check_unlocked(im, H_YEAR, lcm__imp_cell(im, H_CITY), year, 1, err, &st);
    if (!ok || !im->writing)
        return st;
    bind_text(s, 1, lcm__imp_cell(im, H_CITY));
    bind_int(s, 2, year);
    bind_text(s, 3, lcm__imp_cell(im, H_NAME));
    bind_text(s, 4, level);
    bind_text(s, 5, lcm__imp_cell(im, H_SOURCE));
    bind_text(s, 6, lcm__imp_cell(im, H_NOTE));
    return store(im, s, H_LEVEL, err);
}

static const lcm__imp_kind honours_kind = {
    "honours",
    {"city", "year", "name", "level", "source", "note", NULL},
    1u << H_CITY | 1u << H_YEAR | 1u << H_NAME | 1u << H_LEVEL | 1u << H_SOURCE,
    0,
    honours_row,
    NULL,
    NULL,
    0,
    0,
};

/* ---- entry points ---- */

static lcm_status run(lcm_db *db, const char *path, const lcm_import_opts *opts,
                      const lcm__imp_kind *kind, const char *get, const char *put,
                      lcm_import_result *res, lcm_err *err) {
    city_stmts s = {0};
    lcm_status st;
    memset(res, 0, sizeof *res);
    if ((st = lcm_db_prepare(db, "SELECT 1 FROM cities WHERE code = ?1", &s.city, err)) == LCM_OK &&
        (st = lcm_db_prepare(db,
                             "SELECT kind, unit, level, plausible_low, plausible_high"
                             " FROM indicators WHERE code = ?1",
                             &s.indicator, err)) == LCM_OK &&
        (st = lcm_db_prepare(db, "SELECT level, city_code, name FROM admin_units WHERE code = ?1",
                             &s.unit, err)) == LCM_OK &&
        (st = lcm_db_prepare(db, get, &s.get, err)) == LCM_OK &&
        (st = lcm_db_prepare(db, put, &s.put, err)) == LCM_OK &&
        (kind != &stats_kind ||
         ((st = lcm_db_prepare(db,
                               "SELECT value IS ?4 AND source IS ?5 AND note IS ?7,"
                               " printf('population %s (source %s)', value, source)"
                               " FROM city_stats WHERE city_code = ?1 AND year = ?2"
                               " AND stat = 'population'",
                               &s.sget, err)) == LCM_OK &&
          (st = lcm_db_prepare(db,
                               "INSERT INTO city_stats(city_code, year, stat, value, source, note)"
                               " VALUES (?1, ?2, 'population', ?4, ?5, ?7)"
                               " ON CONFLICT(city_code, year, stat) DO UPDATE SET"
                               " value = excluded.value, source = excluded.source,"
                               " note = excluded.note",
                               &s.sput, err)) == LCM_OK &&
          (st = lcm_db_prepare(db,
                               "SELECT value IS ?4 AND source IS ?5 AND note IS ?7,"
                               " printf('self-assessment %s (source %s)', value, source)"
                               " FROM self_assessments WHERE city_code = ?1 AND year = ?2"
                               " AND indicator_code = ?3",
                               &s.aget, err)) == LCM_OK &&
          (st = lcm_db_prepare(db,
                               "INSERT INTO self_assessments(city_code, year, indicator_code,"
                               " value, source, note) VALUES (?1, ?2, ?3, ?4, ?5, ?7)"
                               " ON CONFLICT(city_code, year, indicator_code) DO UPDATE SET"
                               " value = excluded.value, source = excluded.source,"
                               " note = excluded.note",
                               &s.aput, err)) == LCM_OK)))
        st = lcm__imp_run(db, path, opts, kind, &s, res, err);
    sqlite3_finalize(s.city);
    sqlite3_finalize(s.indicator);
    sqlite3_finalize(s.unit);
    sqlite3_finalize(s.get);
    sqlite3_finalize(s.put);
    sqlite3_finalize(s.sget);
    sqlite3_finalize(s.sput);
    sqlite3_finalize(s.aget);
    sqlite3_finalize(s.aput);
    return st;
}

lcm_status lcm_import_stats(lcm_db *db, const char *path, const lcm_import_opts *opts,
                            lcm_import_result *res, lcm_err *err) {
    return run(db, path, opts, &stats_kind,
               "SELECT value IS ?4 AND source IS ?5 AND imputed IS ?6 AND note IS ?7,"
               " printf('value %s from ''%s''', value, source) FROM indicator_values"
               " WHERE city_code = ?1 AND year = ?2 AND indicator_code = ?3",
               "INSERT INTO indicator_values(city_code, year, indicator_code, value, source,"
               " imputed, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
               " ON CONFLICT(city_code, year, indicator_code) DO UPDATE SET value = excluded.value,"
               " source = excluded.source, imputed = excluded.imputed, note = excluded.note",
               res, err);
}

lcm_status lcm_import_ratings(lcm_db *db, const char *path, const lcm_import_opts *opts,
                              lcm_import_result *res, lcm_err *err) {
    return run(db, path, opts, &ratings_kind,
               "SELECT score IS ?5 AND comment IS ?6 AND evidence IS ?8 AND (?7 IS NULL OR"
               " level IS ?7), printf('score %s', score) FROM ratings"
               " WHERE city_code = ?1 AND year = ?2 AND indicator_code = ?3 AND reviewer = ?4",
               "INSERT INTO ratings(city_code, year, indicator_code, reviewer, score, comment,"
               " level, evidence) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
               " ON CONFLICT(city_code, year, indicator_code, reviewer) DO UPDATE SET"
               " score = excluded.score, comment = excluded.comment, level = excluded.level,"
               " evidence = excluded.evidence",
               res, err);
}

lcm_status lcm_import_honours(lcm_db *db, const char *path, const lcm_import_opts *opts,
                              lcm_import_result *res, lcm_err *err) {
    return run(db, path, opts, &honours_kind,
               "SELECT level IS ?4 AND source IS ?5 AND note IS ?6,"
               " printf('title of level %s (source %s)', level, source) FROM honours"
               " WHERE city_code = ?1 AND year = ?2 AND name = ?3",
               "INSERT INTO honours(city_code, year, name, level, source, note)"
               " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(city_code, year, name) DO UPDATE"
               " SET level = excluded.level, source = excluded.source, note = excluded.note",
               res, err);
}

lcm_status lcm_import_facilities(lcm_db *db, const char *path, const lcm_import_opts *opts,
                                 lcm_import_result *res, lcm_err *err) {
    return run(db, path, opts, &facilities_kind,
               "SELECT city_code IS ?1 AND village IS ?5 AND year_opened IS ?7,"
               " printf('facility in city %s, village ''%s'', opened %s', city_code,"
               " coalesce(village, ''), coalesce(year_opened, '?')) FROM facilities"
               " WHERE unit_code = ?2 AND level = ?3 AND kind = ?4 AND name = ?6",
               "INSERT INTO facilities(city_code, unit_code, level, kind, village, name,"
               " year_opened) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
               " ON CONFLICT(unit_code, level, kind, name) DO UPDATE SET"
               " city_code = excluded.city_code, village = excluded.village,"
               " year_opened = excluded.year_opened",
               res, err);
}
