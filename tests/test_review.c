/*
 * test_review.c - review of the interviews lcmon serve collected (engine/review.h): the
 * state machine, the history, the paradata listed, the migration of older submissions, and
 * the rule estimates count by (only approved serve interviews, unless the run says so).
 */
#include "estimate.h"
#include "review.h"
#include "schema.h"
#include "survey.h"
#include "testing.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void sql(lcm_db *db, const char *s) {
    lcm_err err = {0};
    if (lcm_db_exec(db, s, &err) != LCM_OK)
        fprintf(stderr, "\nsql: %s\n", err.msg);
    CU_ASSERT_EQUAL_FATAL(err.status, LCM_OK);
}

static lcm_db *open_db(const char *path) {
    lcm_db *db = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(path, 0, &db, &err), LCM_OK);
    return db;
}

/* The household table and its instance ids in row order (n of them, the caller frees). */
static char **instances(lcm_db *db, char table[192], size_t *n) {
    sqlite3_stmt *st = NULL;
    CU_ASSERT_FATAL(sqlite3_prepare_v2(lcm_db_sqlite(db),
                                       "SELECT table_name FROM forms WHERE form_id = 'household'",
                                       -1, &st, NULL) == SQLITE_OK);
    CU_ASSERT_FATAL(sqlite3_step(st) == SQLITE_ROW);
    snprintf(table, 192, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    char *q = sqlite3_mprintf("SELECT instance_id FROM \"%w\" ORDER BY rowid", table);
    CU_ASSERT_FATAL(sqlite3_prepare_v2(lcm_db_sqlite(db), q, -1, &st, NULL) == SQLITE_OK);
    sqlite3_free(q);
    char **ids = calloc(1000, sizeof *ids);
    *n = 0;
    while (sqlite3_step(st) == SQLITE_ROW && *n < 1000)
        ids[(*n)++] = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return ids;
}

static void free_ids(char **ids, size_t n) {
    for (size_t i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
}

/* What each row of the fixture becomes, by its position modulo 6. */
enum { IMPORTED, APPROVED, REJECTED, RECEIVED, ISSUES, RESUBMITTED };

static void mark(lcm_db *db, const char *id, int kind) {
    lcm_err err = {0};
    lcm_review_by by = {.who = "测试"};
    if (kind == IMPORTED)
        return;
    CU_ASSERT_EQUAL_FATAL(lcm_review_submitted(db, "household", "x", id, "", &by, &err), LCM_OK);
    if (kind == APPROVED || kind == REJECTED || kind == ISSUES || kind == RESUBMITTED)
        CU_ASSERT_EQUAL_FATAL(lcm_review_set(db, id,
                                             kind == APPROVED   ? LCM_REVIEW_APPROVED
                                             : kind == REJECTED ? LCM_REVIEW_REJECTED
                                                                : LCM_REVIEW_HAS_ISSUES,
                                             "看看", &by, &err),
                              LCM_OK);
    if (kind == RESUBMITTED)
        CU_ASSERT_EQUAL_FATAL(lcm_review_submitted(db, "household", "x", id, "", &by, &err),
                              LCM_OK);
}

/* Mean age (answered by all) by city on db under the rule unreviewed, stored as a run. */
static lcm_est_result *estimate(lcm_db *db, int unreviewed) {
    static const char *const vars[] = {"age"}, *const by[] = {"city"};
    lcm_est_request req = {0};
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_source_resolve(db, LCM_SOURCE_FORM, "household", &req.source, &err),
                          LCM_OK);
    req.source.unreviewed = unreviewed;
    req.vars = vars, req.nvar = 1, req.by = by, req.nby = 1, req.kind = LCM_EST_MEAN;
    req.ci = LCM_CI_LOGIT, req.level = 0.95, req.min_n = 1, req.store = 1;
    lcm_est_result *r = NULL;
    if (lcm_estimate_run(db, &req, &r, &err) != LCM_OK)
        fprintf(stderr, "\nestimate: %s\n", err.msg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    return r;
}

static void same_estimates(const lcm_est_result *a, const lcm_est_result *b) {
    CU_ASSERT_EQUAL_FATAL(lcm_est_result_count(a), lcm_est_result_count(b));
    for (size_t i = 0; i < lcm_est_result_count(a); i++) {
        const lcm_est_row *x = lcm_est_result_row(a, i), *y = lcm_est_result_row(b, i);
        CU_ASSERT_STRING_EQUAL(x->by[0], y->by[0]);
        CU_ASSERT_EQUAL(x->est.nrows, y->est.nrows);
        LCMT_ASSERT_REL(x->est.estimate, y->est.estimate, 1e-12);
        LCMT_ASSERT_REL(x->est.se, y->est.se, 1e-12);
    }
}

/* The fixture: 80 simulated households of 2 cities, imported; of them, by position, some
 * collected by lcmon serve and approved, rejected, received, returned with issues or
 * resubmitted. Its twin holds only the rows a rule counts; both estimate alike. */
static void review__estimates_count_only_what_the_rule_says(void) {
    char *a_path = lcmt_household_db("review_a.db");
    const char *design[] = {"design",        "set",          a_path,   "--form", "household",
                            "--strata",      "stratum",      "--psu",  "psu",    "--weight",
                            "design_weight", "--lonely-psu", "adjust", NULL};
    CU_ASSERT_EQUAL_FATAL(lcmt_run(design, NULL, NULL, NULL), 0);
    lcm_db *a = open_db(a_path);
    char table[192];
    size_t n = 0;
    char **ids = instances(a, table, &n);
    CU_ASSERT_FATAL(n == 80);
    /* twins holding only the rows each rule counts, copied before any review */
    char twin_x[4096], twin_i[4096];
    snprintf(twin_x, sizeof twin_x, "%s", lcmt_tmp("review_exclude.db"));
    snprintf(twin_i, sizeof twin_i, "%s", lcmt_tmp("review_include.db"));
    char *q = sqlite3_mprintf("VACUUM INTO %Q; VACUUM INTO %Q;", twin_x, twin_i);
    remove(twin_x), remove(twin_i);
    sql(a, q);
    sqlite3_free(q);
    for (size_t i = 0; i < n; i++)
        mark(a, ids[i], (int)(i % 6));
    /* one older submission without a review row counts as received */
    q = sqlite3_mprintf("DELETE FROM submission_reviews WHERE instance_id = %Q;"
                        "INSERT INTO serve_submissions(instance_id, campaign, fingerprint,"
                        " submitted_at) VALUES (%Q, 'old', '0', '2026-01-01T00:00:00Z')",
                        ids[3], ids[3]);
    sql(a, q);
    sqlite3_free(q);
    lcm_db *x = open_db(twin_x), *in = open_db(twin_i);
    for (size_t i = 0; i < n; i++) {
        int k = (int)(i % 6);
        q = sqlite3_mprintf("DELETE FROM \"%w\" WHERE instance_id = %Q", table, ids[i]);
        if (k != IMPORTED && k != APPROVED)
            sql(x, q);
        if (k == REJECTED || k == ISSUES)
            sql(in, q);
        sqlite3_free(q);
    }
    /* 80 rows: 14 imported (0, 6, ..., 78) and 14 approved count by default; received and
     * resubmitted (13 + 13) too when included */
    q = sqlite3_mprintf("SELECT count(*) FROM \"%w\"", table);
    CU_ASSERT_EQUAL(lcmt_count(x, q), 28);
    CU_ASSERT_EQUAL(lcmt_count(in, q), 54);
    sqlite3_free(q);
    lcm_est_result *ra = estimate(a, 0), *rx = estimate(x, 0);
    same_estimates(ra, rx);
    size_t rows = 0;
    for (size_t i = 0; i < lcm_est_result_count(ra); i++)
        rows += lcm_est_result_row(ra, i)->est.nrows;
    CU_ASSERT_EQUAL(rows, 28);
    lcm_est_result *rai = estimate(a, 1), *rin = estimate(in, 1);
    same_estimates(rai, rin);
    rows = 0;
    for (size_t i = 0; i < lcm_est_result_count(rai); i++)
        rows += lcm_est_result_row(rai, i)->est.nrows;
    CU_ASSERT_EQUAL(rows, 54);
    /* each run says which rule it used */
    char check[200];
    snprintf(check, sizeof check,
             "SELECT count(*) FROM runs WHERE id = %lld AND params LIKE"
             " '%%\"unreviewed\":\"exclude\"%%'",
             lcm_est_result_run(ra));
    CU_ASSERT_EQUAL(lcmt_count(a, check), 1);
    snprintf(check, sizeof check,
             "SELECT count(*) FROM runs WHERE id = %lld AND params LIKE"
             " '%%\"unreviewed\":\"include\"%%'",
             lcm_est_result_run(rai));
    CU_ASSERT_EQUAL(lcmt_count(a, check), 1);
    /* a review after a run changes the next run: one received approved is one row more */
    lcm_err err = {0};
    CU_ASSERT_EQUAL(lcm_review_set(a, ids[9], LCM_REVIEW_APPROVED, NULL, NULL, &err), LCM_OK);
    lcm_est_result *again = estimate(a, 0);
    rows = 0;
    for (size_t i = 0; i < lcm_est_result_count(again); i++)
        rows += lcm_est_result_row(again, i)->est.nrows;
    CU_ASSERT_EQUAL(rows, 29);
    lcm_est_result_free(again);
    lcm_est_result_free(ra), lcm_est_result_free(rx);
    lcm_est_result_free(rai), lcm_est_result_free(rin);
    lcm_db_close(a), lcm_db_close(x), lcm_db_close(in);
    /* the command line prints the rule above the table, and takes include */
    const char *est[] = {"estimate", a_path, "--form",     "household", "--var", "sat_overall",
                         "--by",     "city", "--no-store", NULL,        NULL,    NULL};
    char *out = NULL;
    CU_ASSERT_EQUAL(lcmt_run(est, NULL, &out, NULL), 0);
    CU_ASSERT(out && strncmp(out,
                             "interviews: imported ones, and of lcmon serve's the approved"
                             " only (--unreviewed exclude)\n",
                             strlen("interviews: imported ones, and of lcmon serve's the "
                                    "approved only (--unreviewed exclude)\n")) == 0);
    free(out);
    est[9] = "--unreviewed", est[10] = "include";
    CU_ASSERT_EQUAL(lcmt_run(est, NULL, &out, NULL), 0);
    LCMT_ASSERT_HAS(out, "(--unreviewed include)\n");
    free(out);
    est[10] = "some";
    CU_ASSERT_EQUAL(lcmt_run(est, NULL, NULL, NULL), 2);
    free_ids(ids, n);
    free(a_path);
}

/* The moves review.h allows, and nothing written by a refused one. */
static void review__state_machine_and_history(void) {
    const char *path = lcmt_tmp("review_sm.db");
    remove(path);
    lcm_db *db = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(path, LCM_OPEN_CREATE, &db, &err), LCM_OK);
    lcm_review_by coord = {.user_id = 7, .who = "广州协调员", .city = "4401"};
    lcm_review_by other = {.user_id = 8, .who = "深圳协调员", .city = "4403"};
    lcm_review_by admin = {.user_id = 1, .who = "管理员", .admin = 1};
    lcm_review_by iv = {.who = "王芳"};
    CU_ASSERT_EQUAL(lcm_review_submitted(db, "household", "2026.1", "uuid:a", "4401", &iv, &err),
                    LCM_OK);
    CU_ASSERT_EQUAL(lcm_review_submitted(db, "household", "2026.1", "uuid:b", "4401", &iv, &err),
                    LCM_OK);
    lcm_review v;
    CU_ASSERT_EQUAL_FATAL(lcm_review_get(db, "uuid:a", NULL, &v, &err), LCM_OK);
    CU_ASSERT_EQUAL(v.state, LCM_REVIEW_RECEIVED);
    CU_ASSERT_STRING_EQUAL(v.who, "王芳");
    CU_ASSERT_STRING_EQUAL(v.city, "4401");
    free(v.comment);
    /* another city's coordinator does not find it, and changes nothing */
    CU_ASSERT_EQUAL(lcm_review_set(db, "uuid:a", LCM_REVIEW_APPROVED, NULL, &other, &err),
                    LCM_NOTFOUND);
    CU_ASSERT_EQUAL(lcm_review_get(db, "uuid:a", &other, &v, &err), LCM_NOTFOUND);
    /* has issues needs a comment */
    CU_ASSERT_EQUAL(lcm_review_set(db, "uuid:a", LCM_REVIEW_HAS_ISSUES, " \n", &coord, &err),
                    LCM_INVAL);
    LCMT_ASSERT_HAS(err.msg, "comment is required");
    CU_ASSERT_EQUAL(lcm_review_set(db, "uuid:a", LCM_REVIEW_HAS_ISSUES, "a\x01", &coord, &err),
                    LCM_INVAL);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM submission_review_history"), 2);
    CU_ASSERT_EQUAL(
        lcm_review_set(db, "uuid:a", LCM_REVIEW_HAS_ISSUES, "年龄与出生年份不符", &coord, &err),
        LCM_OK);
    /* with issues, only the interviewer's resubmission moves it */
    CU_ASSERT_EQUAL(lcm_review_set(db, "uuid:a", LCM_REVIEW_APPROVED, NULL, &coord, &err),
                    LCM_CONFLICT);
    CU_ASSERT_EQUAL(lcm_review_set(db, "uuid:a", LCM_REVIEW_RESUBMITTED, NULL, &coord, &err),
                    LCM_CONFLICT);
    CU_ASSERT_EQUAL(lcm_review_set(db, "uuid:a", LCM_REVIEW_RECEIVED, NULL, &admin, &err),
                    LCM_CONFLICT); /* not even an administrator: it may be open for editing */
    CU_ASSERT_EQUAL(lcm_review_submitted(db, "household", "2026.1", "uuid:a", "4401", &iv, &err),
                    LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_review_get(db, "uuid:a", &coord, &v, &err), LCM_OK);
    CU_ASSERT_EQUAL(v.state, LCM_REVIEW_RESUBMITTED);
    free(v.comment);
    CU_ASSERT_EQUAL(lcm_review_set(db, "uuid:a", LCM_REVIEW_APPROVED, "好", &coord, &err), LCM_OK);
    /* approved is final: a second submission leaves it, a coordinator cannot reopen it */
    CU_ASSERT_EQUAL(lcm_review_submitted(db, "household", "2026.1", "uuid:a", "4401", &iv, &err),
                    LCM_OK);
    CU_ASSERT_EQUAL(lcm_review_set(db, "uuid:a", LCM_REVIEW_REJECTED, NULL, &coord, &err),
                    LCM_CONFLICT);
    CU_ASSERT_EQUAL(lcm_review_set(db, "uuid:a", LCM_REVIEW_RECEIVED, NULL, &coord, &err),
                    LCM_CONFLICT);
    CU_ASSERT_EQUAL(lcm_review_set(db, "uuid:a", LCM_REVIEW_RECEIVED, "重新审核", &admin, &err),
                    LCM_OK);
    CU_ASSERT_EQUAL(lcm_review_set(db, "uuid:b", LCM_REVIEW_REJECTED, NULL, &coord, &err), LCM_OK);
    /* the history, in order, with who and the user id */
    sqlite3_stmt *st = NULL;
    CU_ASSERT_FATAL(sqlite3_prepare_v2(lcm_db_sqlite(db),
                                       "SELECT group_concat(coalesce(from_state, '-') || '>' ||"
                                       " to_state || ':' || who || ':' || coalesce(user_id, '')"
                                       " || ':' || comment, '|') FROM (SELECT * FROM"
                                       " submission_review_history ORDER BY id)",
                                       -1, &st, NULL) == SQLITE_OK);
    CU_ASSERT_FATAL(sqlite3_step(st) == SQLITE_ROW);
    CU_ASSERT_STRING_EQUAL((const char *)sqlite3_column_text(st, 0),
                           "->received:王芳::|->received:王芳::|received>has_issues:广州协调员:7:"
                           "年龄与出生年份不符|has_issues>resubmitted:王芳::|resubmitted>approved:"
                           "广州协调员:7:好|approved>received:管理员:1:重新审核|received>rejected:"
                           "广州协调员:7:");
    sqlite3_finalize(st);
    /* append-only */
    CU_ASSERT_NOT_EQUAL(lcm_db_exec(db, "UPDATE submission_review_history SET who = 'x'", &err),
                        LCM_OK);
    CU_ASSERT_NOT_EQUAL(lcm_db_exec(db, "DELETE FROM submission_review_history", &err), LCM_OK);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM submission_review_history"), 7);
    lcm_db_close(db);
}

/* The list: a city's interviews with their paradata summed by hand below. */
static void review__list_shows_paradata_per_city(void) {
    const char *path = lcmt_tmp("review_list.db");
    remove(path);
    lcm_db *db = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(path, LCM_OPEN_CREATE, &db, &err), LCM_OK);
    lcm_review_by iv = {.who = "王芳"};
    sql(db, "INSERT INTO serve_submissions(instance_id, campaign, fingerprint, submitted_at,"
            " duplicate_of) VALUES ('uuid:1', 'c', 'f', '2026-05-01T10:00:00Z', NULL),"
            " ('uuid:2', 'c', 'f', '2026-05-01T09:00:00Z', 'uuid:1'),"
            " ('uuid:3', 'c', 'g', '2026-05-01T08:00:00Z', NULL);"
            "INSERT INTO serve_paradata(instance_id, page, time_ms, submits, back_count) VALUES"
            " ('uuid:1', 'a', 12000, 1, 0), ('uuid:1', 'b', 3500, 2, 1),"
            " ('uuid:1', 'c', 500, 1, 2), ('uuid:2', 'a', 800, 1, 0)");
    CU_ASSERT_EQUAL(lcm_review_submitted(db, "household", "1", "uuid:1", "4401", &iv, &err),
                    LCM_OK);
    CU_ASSERT_EQUAL(lcm_review_submitted(db, "household", "1", "uuid:2", "4401", &iv, &err),
                    LCM_OK);
    CU_ASSERT_EQUAL(lcm_review_submitted(db, "household", "1", "uuid:3", "4403", &iv, &err),
                    LCM_OK);
    CU_ASSERT_EQUAL(lcm_review_set(db, "uuid:2", LCM_REVIEW_REJECTED, "重复", NULL, &err), LCM_OK);
    lcm_review *v = NULL;
    size_t n = 0;
    lcm_review_query q = {.city = "4401", .state = -1};
    CU_ASSERT_EQUAL_FATAL(lcm_review_list(db, &q, &v, &n, &err), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    /* oldest submission first: uuid:2 (09:00), then uuid:1 */
    CU_ASSERT_STRING_EQUAL(v[0].instance_id, "uuid:2");
    CU_ASSERT_EQUAL(v[0].state, LCM_REVIEW_REJECTED);
    CU_ASSERT_STRING_EQUAL(v[0].comment, "重复");
    CU_ASSERT_STRING_EQUAL(v[0].duplicate_of, "uuid:1");
    CU_ASSERT_EQUAL(v[0].duration_ms, 800);
    CU_ASSERT_EQUAL(v[0].pages, 1);
    CU_ASSERT_STRING_EQUAL(v[1].instance_id, "uuid:1");
    CU_ASSERT_EQUAL(v[1].duration_ms, 16000); /* 12000 + 3500 + 500 */
    CU_ASSERT_EQUAL(v[1].pages, 3);
    CU_ASSERT_EQUAL(v[1].backs, 3); /* 0 + 1 + 2 */
    lcm_review_free(v, n);
    q.state = LCM_REVIEW_RECEIVED;
    CU_ASSERT_EQUAL_FATAL(lcm_review_list(db, &q, &v, &n, &err), LCM_OK);
    CU_ASSERT_EQUAL(n, 1);
    lcm_review_free(v, n);
    lcm_db_close(db);
    /* the command line prints the same numbers */
    const char *list[] = {"review", "list", path, "--city", "4401", "--format", "csv", NULL};
    char *out = NULL;
    CU_ASSERT_EQUAL(lcmt_run(list, NULL, &out, NULL), 0);
    LCMT_ASSERT_HAS(out, "instance,city,state,interviewer,household,submitted_at,duration_s,"
                         "pages,backs,duplicate_of,comment,by,at\n");
    LCMT_ASSERT_HAS(out, "uuid:2,4401,rejected,,,2026-05-01T09:00:00Z,0.8,1,0,uuid:1,重复,命令行,");
    LCMT_ASSERT_HAS(out, "uuid:1,4401,received,,,2026-05-01T10:00:00Z,16.0,3,3,,,王芳,");
    CU_ASSERT_EQUAL(lcmt_count_lines(out), 3);
    free(out);
    /* set: refused moves exit 1 and say why; unknown states are usage errors */
    const char *set[] = {"review", "set", path, "uuid:2", "--state", "approved", NULL};
    char *err_out = NULL;
    CU_ASSERT_EQUAL(lcmt_run(set, NULL, NULL, &err_out), 1);
    LCMT_ASSERT_HAS(err_out, "lcmon: interview 'uuid:2' is rejected: it cannot become approved");
    free(err_out);
    const char *issues[] = {"review", "set", path, "uuid:1", "--state", "has_issues", NULL};
    CU_ASSERT_EQUAL(lcmt_run(issues, NULL, NULL, &err_out), 1);
    LCMT_ASSERT_HAS(err_out, "comment is required");
    free(err_out);
    const char *bad[] = {"review", "set", path, "uuid:1", "--state", "fine", NULL};
    CU_ASSERT_EQUAL(lcmt_run(bad, NULL, NULL, NULL), 2);
    const char *none[] = {"review", "set", path, "uuid:9", "--state", "approved", NULL};
    CU_ASSERT_EQUAL(lcmt_run(none, NULL, NULL, &err_out), 1);
    LCMT_ASSERT_HAS(err_out, "no interview collected by lcmon serve: 'uuid:9'");
    free(err_out);
    const char *ok[] = {"review", "set", path, "uuid:1", "--state", "已通过", NULL};
    CU_ASSERT_EQUAL(lcmt_run(ok, NULL, &out, NULL), 0);
    CU_ASSERT_STRING_EQUAL(out ? out : "", "uuid:1: approved (已通过)\n");
    free(out);
    /* the audit trail has that decision, by the command line, and none of the refused */
    db = open_db(path);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM audit WHERE action = 'review.set' AND"
                                   " object = 'uuid:1' AND who = '命令行' AND place = '4401'"
                                   " AND detail = 'approved'"),
                    1);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM audit"), 1);
    lcm_db_close(db);
}

/* Submissions made before the review tables existed start received, in their campaign's
 * city. */
static void review__migration_receives_older_submissions(void) {
    const char *path = lcmt_tmp("review_older.db");
    remove(path);
    lcm_db *db = NULL;
    lcm_err err = {0};
    /* the schema just before the migration that makes the review tables (whichever number
     * it has once branches are merged) */
    int before = 0;
    for (int v = 1; v <= lcm__schema_count() && !before; v++)
        if (strstr(lcm__schema_migration(v), "CREATE TABLE submission_reviews"))
            before = v - 1;
    CU_ASSERT_FATAL(before > 0);
    CU_ASSERT_EQUAL_FATAL(lcm__db_open_at(path, LCM_OPEN_CREATE, before, &db, &err), LCM_OK);
    sql(db, "INSERT INTO provinces(code, name, region3, region4) VALUES ('44','P','east','east');"
            "INSERT INTO cities(code, name, province_code, tier) VALUES ('4401','A','44',"
            "'prefecture');"
            "INSERT INTO forms(form_id, version, digest, table_name, definition) VALUES"
            " ('household', '2026.1', 'd', 't', '');"
            "INSERT INTO field_campaigns(slug, form_id, form_version, city_code, wave, mode)"
            " VALUES ('hh-4401', 'household', '2026.1', '4401', 2026, 'open');"
            "INSERT INTO serve_submissions(instance_id, campaign, fingerprint, submitted_at)"
            " VALUES ('uuid:old', 'hh-4401', 'f', '2026-04-01T08:00:00Z')");
    lcm_db_close(db);
    db = open_db(path);
    lcm_review v;
    CU_ASSERT_EQUAL_FATAL(lcm_review_get(db, "uuid:old", NULL, &v, &err), LCM_OK);
    CU_ASSERT_EQUAL(v.state, LCM_REVIEW_RECEIVED);
    CU_ASSERT_STRING_EQUAL(v.city, "4401");
    CU_ASSERT_STRING_EQUAL(v.form_version, "2026.1");
    CU_ASSERT_STRING_EQUAL(v.at, "2026-04-01T08:00:00Z");
    free(v.comment);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM submission_review_history WHERE"
                                   " instance_id = 'uuid:old' AND to_state = 'received'"),
                    1);
    lcm_db_close(db);
}

const lcmt_case lcmt_review_cases[] = {
    {"review__estimates_count_only_what_the_rule_says",
     review__estimates_count_only_what_the_rule_says},
    {"review__state_machine_and_history", review__state_machine_and_history},
    {"review__list_shows_paradata_per_city", review__list_shows_paradata_per_city},
    {"review__migration_receives_older_submissions", review__migration_receives_older_submissions},
    {NULL, NULL},
};
