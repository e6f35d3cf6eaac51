/*
 * score_store.c - a score run materialised: one `runs` row of kind 'score' with the
 * parameters that made it (JSON), and the scores, ranks with their Monte Carlo intervals and
 * effective weights that point at it, all in one transaction so a report never reads half a
 * run.
 */
#include "score.h"
#include "strbuf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Every real parameter is written with %.17g, which reads back (strtod) as the very same
 * double: a run re-made from its stored parameters is the same run, bit for bit. */
char *lcm__score_params(const lcm_score_opts *o) {
    static const char *const weights[] = {"equal", "file", "pca"};
    lcm_strbuf sb = LCM_STRBUF_INIT;
    lcm_strbuf_addf(&sb,
                    "{\"year\":%d,\"normalise\":\"%s\",\"aggregate\":\"%s\","
                    "\"threshold\":%.17g,\"treat\":%d,\"with_context\":%d,\"impute\":\"%s\","
                    "\"weights\":\"%s\"",
                    o->year, lcm_ci_norm_name(o->norm), lcm_ci_agg_name(o->agg), o->threshold,
                    o->treat, o->with_context,
                    o->impute < 0                       ? "none"
                    : o->impute == LCM_CI_IMPUTE_MEDIAN ? "median"
                                                        : "mean",
                    weights[o->weights]);
    if (o->weights == LCM_WEIGHTS_FILE) {
        lcm_strbuf_adds(&sb, ",\"weights_file\":");
        lcm_strbuf_add_json(&sb, o->weights_file);
    }
    lcm_strbuf_addf(&sb, ",\"mc\":%zu,\"seed\":%lu,\"mc_spread\":%.17g,\"disagree\":%.17g", o->mc,
                    o->seed, o->mc_spread, o->disagree);
    lcm_strbuf_addf(&sb, ",\"band\":\"%s\",\"cities\":\"%s\"}",
                    o->band_distance ? "distance" : "compliance",
                    o->all_cities ? "all" : "members");
    if (o->adjust_severity) /* only when set: older runs' parameters read the same */
        sb.buf[--sb.len] = '\0', lcm_strbuf_adds(&sb, ",\"adjust_severity\":1}");
    /* which approval state of the inputs the run used: any (every stored input) or accepted
     * (an official run, docs/approval.md); runs stored before read as any */
    if (lcm_strbuf_ok(&sb) && sb.len) {
        sb.buf[--sb.len] = '\0';
        lcm_strbuf_addf(&sb, ",\"data\":\"%s\"}", o->official ? "accepted" : "any");
    }
    char *s = lcm_strbuf_detach(&sb);
    return s;
}

static int step_reset(sqlite3_stmt *st) {
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE;
}

static lcm_status store_scores(lcm_db *db, const lcm_score_result *r, lcm_err *err) {
    static const char sql[] =
        "INSERT INTO score_results(run_id, city_code, indicator_code, raw,"
        " score, imputed, basis, self_value, self_used) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
        " ?8, ?9)";
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db, sql, &st, err);
    const lcm_score_inputs *in = &r->in;
    sqlite3_bind_int64(st, 1, r->run_id);
    for (size_t j = 0; rc == LCM_OK && j < in->nnode; j++) {
        if (!in->node[j].included && !in->node[j].context)
            continue;
        for (size_t c = 0; rc == LCM_OK && c < in->ncity; c++) {
            size_t cell = j * in->ncity + c;
            sqlite3_bind_text(st, 2, in->city[c].code, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, in->node[j].code, -1, SQLITE_STATIC);
            /* raw: the value as imported (a per-10,000 point's count); basis: what was
             * scored when that is not the raw value */
            int per = !isnan(in->count[cell]);
            lcm_db_bind_real_or_null(st, 4,
                                     !in->node[j].kind ? NAN
                                     : per             ? in->count[cell]
                                                       : in->raw[cell]);
            lcm_db_bind_real_or_null(st, 7, per ? in->raw[cell] : NAN);
            lcm_db_bind_real_or_null(st, 8, in->node[j].kind ? in->self[cell] : NAN);
            sqlite3_bind_int(st, 9, in->node[j].kind ? in->self_used[cell] : 0);
            lcm_db_bind_real_or_null(st, 5, in->node[j].included ? r->score[cell] : NAN);
            sqlite3_bind_int(st, 6, in->imputed[cell]);
            if (!step_reset(st))
                rc = lcm_db_fail(db, err, "cannot store the scores");
        }
    }
    sqlite3_finalize(st);
    return rc;
}

static lcm_status store_ranks(lcm_db *db, const lcm_score_result *r, lcm_err *err) {
    static const char sql[] = "INSERT INTO score_ranks(run_id, city_code, scope, rank, median,"
                              " p05, p95) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
    static const char *const scopes[] = {"overall", "region", "tier"};
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db, sql, &st, err);
    sqlite3_bind_int64(st, 1, r->run_id);
    for (size_t c = 0; rc == LCM_OK && c < r->in.ncity; c++) {
        const lcm_score_city *city = &r->in.city[c];
        if (!city->rank)
            continue;
        const int rank[] = {city->rank, city->rank_region, city->rank_tier};
        const lcm_ci_interval *iv[] = {&city->mc, &city->mc_region, &city->mc_tier};
        for (int s = 0; rc == LCM_OK && s < 3; s++) {
            sqlite3_bind_text(st, 2, city->code, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, scopes[s], -1, SQLITE_STATIC);
            sqlite3_bind_int(st, 4, rank[s]);
            const int v[] = {iv[s]->median, iv[s]->p05, iv[s]->p95};
            for (int k = 0; k < 3; k++)
                if (v[k])
                    sqlite3_bind_int(st, 5 + k, v[k]);
                else
                    sqlite3_bind_null(st, 5 + k);
            if (!step_reset(st))
                rc = lcm_db_fail(db, err, "cannot store the ranks");
        }
    }
    sqlite3_finalize(st);
    return rc;
}

static lcm_status store_weights(lcm_db *db, const lcm_score_result *r, lcm_err *err) {
    static const char sql[] = "INSERT INTO score_weights(run_id, indicator_code, weight, method)"
                              " VALUES (?1, ?2, ?3, ?4)";
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db, sql, &st, err);
    sqlite3_bind_int64(st, 1, r->run_id);
    for (size_t j = 1; rc == LCM_OK && j < r->in.nnode; j++) {
        if (!r->in.node[j].included)
            continue;
        sqlite3_bind_text(st, 2, r->in.node[j].code, -1, SQLITE_STATIC);
        sqlite3_bind_double(st, 3, r->in.node[j].weight);
        sqlite3_bind_text(st, 4, r->in.node[j].weight_method, -1, SQLITE_STATIC);
        if (!step_reset(st))
            rc = lcm_db_fail(db, err, "cannot store the weights");
    }
    sqlite3_finalize(st);
    return rc;
}

lcm_status lcm_score_store(lcm_db *db, lcm_score_result *r, lcm_err *err) {
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_begin(db, err);
    if (rc != LCM_OK)
        return rc;
    rc = lcm_db_prepare(
        db, "INSERT INTO runs(kind, params, lcmon_version) VALUES ('score', ?1, ?2)", &st, err);
    if (rc == LCM_OK) {
        sqlite3_bind_text(st, 1, r->params, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, LCM_VERSION, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = lcm_db_fail(db, err, "cannot record the run");
        r->run_id = sqlite3_last_insert_rowid(lcm_db_sqlite(db));
    }
    sqlite3_finalize(st);
    if (rc == LCM_OK)
        rc = store_scores(db, r, err);
    if (rc == LCM_OK)
        rc = store_ranks(db, r, err);
    if (rc == LCM_OK)
        rc = store_weights(db, r, err);
    if (rc == LCM_OK)
        rc = lcm_db_commit(db, err);
    if (rc != LCM_OK) {
        lcm_db_rollback(db);
        r->run_id = 0;
    }
    return rc;
}

lcm_status lcm_score_latest_run(lcm_db *db, int year, long long *run_id, lcm_err *err) {
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(
        db, "SELECT max(id) FROM runs WHERE kind = 'score' AND json_extract(params, '$.year') = ?1",
        &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_int(st, 1, year);
    *run_id = 0;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        *run_id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (!*run_id)
        return lcm_err_set(err, LCM_NOTFOUND,
                           "no score run for %d: run 'lcmon score DB --year %d' first", year, year);
    return LCM_OK;
}

/* A stored number as the exact text the run wrote (the -> operator keeps the JSON text), read
 * back with strtod; NaN when absent or not a number. */
static double exact_number(sqlite3_stmt *st, int col) {
    const char *t = (const char *)sqlite3_column_text(st, col);
    char *end = NULL;
    double v = t ? strtod(t, &end) : NAN;
    return t && end != t && *end == '\0' ? v : NAN;
}

static int name_index(const char *s, const char *const *names, int n) {
    for (int i = 0; s && i < n; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

lcm_status lcm_score_params_load(lcm_db *db, long long run, lcm_score_opts *o, char **weights_file,
                                 lcm_err *err) {
    static const char sql[] =
        "SELECT params ->> '$.year', params ->> '$.normalise', params ->> '$.aggregate',"
        " params -> '$.threshold', params ->> '$.treat', params ->> '$.with_context',"
        " params ->> '$.impute', params ->> '$.weights', params ->> '$.weights_file',"
        " params ->> '$.mc', params ->> '$.seed', params -> '$.mc_spread',"
        " params -> '$.disagree', params ->> '$.band', params ->> '$.cities',"
        " params ->> '$.adjust_severity', params ->> '$.data' FROM runs WHERE id = ?1"
        " AND kind = 'score'";
    static const char *const weights[] = {"equal", "file", "pca"};
    static const char *const impute[] = {"mean", "median"};
    sqlite3_stmt *st = NULL;
    *weights_file = NULL;
    lcm_status rc = lcm_db_prepare(db, sql, &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_int64(st, 1, run);
    int step = sqlite3_step(st);
    if (step != SQLITE_ROW) {
        sqlite3_finalize(st);
        return step == SQLITE_DONE
                   ? lcm_err_set(err, LCM_NOTFOUND, "no score run with id %lld", run)
                   : lcm_db_fail(db, err, "cannot read the run's parameters");
    }
    lcm_score_opts_default(o, sqlite3_column_int(st, 0));
    const char *txt[15];
    for (int i = 0; i < 15; i++)
        txt[i] = (const char *)sqlite3_column_text(st, i);
    int norm = txt[1] ? lcm_ci_norm_parse(txt[1]) : -1;
    int agg = txt[2] ? lcm_ci_agg_parse(txt[2]) : -1;
    int how = name_index(txt[7], weights, 3);
    int imp = txt[6] && strcmp(txt[6], "none") == 0 ? -1 : name_index(txt[6], impute, 2);
    o->threshold = exact_number(st, 3), o->mc_spread = exact_number(st, 11);
    o->disagree = exact_number(st, 12);
    if (norm < 0 || agg < 0 || how < 0 || (imp < 0 && (!txt[6] || strcmp(txt[6], "none"))) ||
        isnan(o->threshold) || isnan(o->mc_spread) || isnan(o->disagree) || !txt[9] || !txt[10] ||
        (how == LCM_WEIGHTS_FILE && !txt[8])) {
        sqlite3_finalize(st);
        return lcm_err_set(err, LCM_PARSE, "run %lld: its stored parameters are incomplete", run);
    }
    o->norm = (lcm_ci_norm)norm, o->agg = (lcm_ci_agg)agg, o->weights = (lcm_weights_how)how;
    o->treat = sqlite3_column_int(st, 4), o->with_context = sqlite3_column_int(st, 5);
    o->impute = imp;
    /* runs stored before issue 16 have neither: they read the band as a distance and scored
     * every city with inputs */
    o->band_distance = !txt[13] || strcmp(txt[13], "distance") == 0;
    o->all_cities = !txt[14] || strcmp(txt[14], "all") == 0;
    o->mc = (size_t)sqlite3_column_int64(st, 9);
    o->seed = (unsigned long)sqlite3_column_int64(st, 10);
    o->adjust_severity = sqlite3_column_int(st, 15);
    const char *data = (const char *)sqlite3_column_text(st, 16);
    o->official = data && strcmp(data, "accepted") == 0;
    if (how == LCM_WEIGHTS_FILE && !(*weights_file = strdup(txt[8])))
        rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
    o->weights_file = *weights_file;
    sqlite3_finalize(st);
    return rc;
}
