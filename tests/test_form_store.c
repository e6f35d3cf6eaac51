/*
 * test_form_store.c - forms in a database: load, read back, refuse a changed form under
 * the same version; instances of the household questionnaire finished, checked and
 * inserted (main row, roster rows, 0/1 choice columns, standard columns), and refused
 * instances that leave nothing behind.
 */
#include "form_inst.h"
#include "testing.h"

#include "form.h"

#include <stdlib.h>
#include <string.h>

/* One database with the reference data and the household form, made once per run. */
static const char *household_db(void) {
    static char path[4096];
    if (path[0])
        return path;
    snprintf(path, sizeof path, "%s", lcmt_tmp("forms.db"));
    lcm_db *db = NULL;
    lcm_form *f = NULL;
    lcm_err err = {0};
    int ok = lcm_db_open(path, LCM_OPEN_CREATE, &db, &err) == LCM_OK &&
             lcm_reference_load(db, lcmt_path("surveys"), NULL, &err) == LCM_OK &&
             lcm_form_read_dir(lcmt_path("surveys/household"), &f, &err) == LCM_OK &&
             lcm_form_store(db, f, NULL, &err) == LCM_OK;
    if (!ok)
        fprintf(stderr, "\n  household_db: %s\n", err.msg);
    lcm_form_free(f);
    lcm_db_close(db);
    return path;
}

/* The shared database and its household form. */
static void open_household(lcm_db **db, lcm_form **f) {
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(household_db(), 0, db, &err), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_form_get(*db, "household", NULL, f, &err), LCM_OK);
}

/* Insert a finished instance in a transaction of its own. */
static void store(lcm_db *db, const lcm_instance *in) {
    lcm_err err = {0};
    CU_ASSERT_EQUAL(lcm_db_begin(db, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_instance_insert(db, in, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_db_commit(db, &err), LCM_OK);
}

static void form_store__load_get_and_conflict(void) {
    lcm_db *db = NULL;
    lcm_form *f = NULL, *g = NULL;
    lcm_err err = {0};
    int created = 1;
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(household_db(), 0, &db, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_form_read_dir(lcmt_path("surveys/household"), &f, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_form_store(db, f, &created, &err), LCM_OK);
    CU_ASSERT_EQUAL(created, 0); /* same content: nothing to do */
    CU_ASSERT_EQUAL(lcm_form_get(db, "household", NULL, &g, &err), LCM_OK);
    CU_ASSERT_STRING_EQUAL(lcm_form_digest(g), lcm_form_digest(f));
    CU_ASSERT_EQUAL(lcm_form_nfields(g), lcm_form_nfields(f));
    lcm_form_free(g);
    CU_ASSERT_EQUAL(lcm_form_get(db, "household", "1999", &g, &err), LCM_NOTFOUND);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "no form 'household' version '1999'"));
    /* The same version with other content is refused, and the database is unchanged. */
    lcm_form *changed = NULL;
    CU_ASSERT_EQUAL(lcm_form_read_texts("type,name,label\ninteger,a,A\n", NULL,
                                        "form_id,version\nhousehold,2026.1\n", &changed, &err),
                    LCM_OK);
    long before = lcmt_count(db, "SELECT count(*) FROM sqlite_master");
    CU_ASSERT_EQUAL(lcm_form_store(db, changed, NULL, &err), LCM_CONFLICT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "already loaded with different content"));
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM sqlite_master"), before);
    lcm_form_free(changed);
    lcm_form_free(f);
    lcm_db_close(db);
}

/* Answers of one household in Guangzhou, 天河区 五山街道: two members; the respondent knows
 * three services and uses two of them. */
static const char *const answers[][2] = {
    {"city", "4401"},
    {"county", "440106"},
    {"township", "440106001"},
    {"community", "440106001001"},
    {"community_type", "rc"},
    {"household_no", "H-017"},
    {"interviewer", "王五"},
    {"consent", "1"},
    {"sex", "2"},
    {"age", "67"},
    {"edu", "4"},
    {"work", "2"},
    {"disability", "0"},
    {"hh_size", "2"},
    {"aware", "cc eu rd"},
    {"use_cc", "0"},
    {"use_eu", "1"},
    {"freq_eu", "1"},
    {"sat_eu", "5"},
    {"use_rd", "1"},
    {"freq_rd", "3"},
    {"sat_rd", "3"},
    {"sat_overall", "4"},
    {"barriers", "health other"},
    {"barriers_other", "照顾孙辈"},
    {"learn_hours", "120"},
};

static lcm_instance *household(const lcm_form *f) {
    lcm_instance *in = NULL;
    lcm_err err = {0};
    long pos;
    int rep = lcm_form_find(f, "members");
    CU_ASSERT_EQUAL_FATAL(lcm_instance_new(f, &in, &err), LCM_OK);
    for (size_t i = 0; i < sizeof answers / sizeof answers[0]; i++)
        CU_ASSERT_EQUAL(
            lcm_instance_set(in, lcm_form_find(f, answers[i][0]), 0, answers[i][1], &err), LCM_OK);
    static const char *const member[2][7] = {{"1", "2", "67", "4", "2", "0", "1"},
                                             {"2", "1", "70", "3", "2", "1", "0"}};
    static const char *const cols[7] = {"m_rel",  "m_sex",        "m_age",    "m_edu",
                                        "m_work", "m_disability", "m_learned"};
    for (int m = 0; m < 2; m++) {
        CU_ASSERT_EQUAL(lcm_instance_add_row(in, rep, &pos, &err), LCM_OK);
        for (int c = 0; c < 7; c++)
            CU_ASSERT_EQUAL(
                lcm_instance_set(in, lcm_form_find(f, cols[c]), pos, member[m][c], &err), LCM_OK);
    }
    lcm_instance_set_meta(in, "wave", "2026", &err);
    return in;
}

static void form_store__household_instance_inserts(void) {
    lcm_db *db = NULL;
    lcm_form *f = NULL;
    lcm_err err = {0};
    open_household(&db, &f);
    lcm_instance *in = household(f);
    /* Non-relevant answers are dropped: no satisfaction with a service not used, no
     * frequency for it either. */
    lcm_instance_set(in, lcm_form_find(f, "sat_cc"), 0, "2", &err);
    lcm_instance_set(in, lcm_form_find(f, "freq_cc"), 0, "4", &err);
    if (lcm_instance_finish(in, 1, &err) != LCM_OK)
        fprintf(stderr, "\n  finish: %s\n", err.msg);
    CU_ASSERT_STRING_EQUAL(lcm_instance_get(in, lcm_form_find(f, "sat_cc"), 0), "");
    CU_ASSERT_STRING_EQUAL(lcm_instance_get(in, lcm_form_find(f, "freq_cc"), 0), "");
    CU_ASSERT_STRING_EQUAL(lcm_instance_meta(in, "stratum"), "4401-urban");
    CU_ASSERT_STRING_EQUAL(lcm_instance_meta(in, "psu"), "440106001001");
    CU_ASSERT_STRING_EQUAL(lcm_instance_meta(in, "interviewer"), "王五");
    CU_ASSERT_STRING_EQUAL(lcm_instance_meta(in, "status"), "complete");
    store(db, in);
    CU_ASSERT_EQUAL(lcm_db_begin(db, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_instance_insert(db, in, &err), LCM_EXISTS);
    lcm_db_rollback(db);
    /* sat_index: ((5 - 1) + (3 - 1)) / 4 * 100 / 2 services = 75. */
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM resp_household_2026_1 WHERE city = '4401' "
                                   "AND wave = 2026 AND household_id = 'H-017' AND aware_cc = 1 "
                                   "AND aware_pc = 0 AND aware_none = 0 AND use_eu = '1' AND "
                                   "use_cc = '0' AND freq_cc IS NULL AND sat_cc IS NULL AND "
                                   "aware_n = 3 AND aware_share = 0.375 AND used_n = 2 AND "
                                   "participated = 1 AND sat_index = 75 AND sat_top2 = 1 AND "
                                   "age_band = '60+' AND sat_overall = 4.0 AND consent = '1' AND "
                                   "barriers_health = 1 AND barriers_time = 0 AND "
                                   "barriers_other = '照顾孙辈' AND interviewer = '王五' AND "
                                   "status = 'complete'"),
                    1);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM resp_household_2026_1__members WHERE "
                                   "m_age IN (67, 70) AND typeof(m_age) = 'integer' AND "
                                   "m_learned IS NOT NULL AND m_disability IS NOT NULL"),
                    2);
    lcm_instance_free(in);
    lcm_form_free(f);
    lcm_db_close(db);
}

static void form_store__refusal_completes_empty(void) {
    lcm_db *db = NULL;
    lcm_form *f = NULL;
    lcm_err err = {0};
    open_household(&db, &f);
    lcm_instance *in = household(f);
    lcm_instance_set(in, lcm_form_find(f, "household_no"), 0, "H-018", &err);
    lcm_instance_set(in, lcm_form_find(f, "consent"), 0, "0", &err);
    CU_ASSERT_EQUAL(lcm_instance_finish(in, 1, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_instance_rows(in, lcm_form_find(f, "members")), 0);
    store(db, in);
    CU_ASSERT_EQUAL(lcmt_count(db,
                               "SELECT count(*) FROM resp_household_2026_1 WHERE household_id = "
                               "'H-018' AND consent = '0' AND status = 'complete' AND age IS NULL "
                               "AND aware IS NULL AND aware_n IS NULL AND participated IS NULL "
                               "AND used_n IS NULL AND sat_index IS NULL AND stratum = "
                               "'4401-urban'"),
                    1);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM resp_household_2026_1__members m JOIN "
                                   "resp_household_2026_1 r USING (instance_id) WHERE "
                                   "r.household_id = 'H-018'"),
                    0);
    lcm_instance_free(in);
    lcm_form_free(f);
    lcm_db_close(db);
}

/* The indicators estimation reads, from answers (source: the definitions given with the
 * questionnaire: sat_index = mean over rated services of (sat - 1) / 4 * 100). */
static const struct {
    const char *aware, *use, *sat, *overall; /* use/sat: one character per service, '.' none */
    const char *aware_n, *aware_share, *used_n, *participated, *sat_index, *sat_top2;
} indicators[] = {
    {"", "........", "........", "", "0", "0", "0", "0", "", ""},
    {"none", "........", "........", "", "0", "0", "0", "0", "", ""},
    {"cc pc ol", "1.1.0...", "5.2.....", "3", "3", "0.375", "2", "1", "62.5", "0"},
    {"cc eu pc rd ol vt cb st", "11111111", "12345543", "5", "8", "1", "8", "1", "59.375", "1"},
    {"cc", "1.......", "........", "4", "1", "0.125", "1", "1", "", "1"}, /* not rated yet */
    {"vt st", ".....0.0", "........", "", "2", "0.25", "0", "0", "", ""},
};

static void form_store__household_indicators(void) {
    static const char *const services[] = {"cc", "eu", "pc", "rd", "ol", "vt", "cb", "st"};
    lcm_form *f = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_form_read_dir(lcmt_path("surveys/household"), &f, &err), LCM_OK);
    for (size_t i = 0; i < sizeof indicators / sizeof indicators[0]; i++) {
        lcm_instance *in = NULL;
        char name[32], v[2] = {0, 0};
        CU_ASSERT_EQUAL_FATAL(lcm_instance_new(f, &in, &err), LCM_OK);
        lcm_instance_set(in, lcm_form_find(f, "consent"), 0, "1", &err);
        lcm_instance_set(in, lcm_form_find(f, "aware"), 0, indicators[i].aware, &err);
        for (int s = 0; s < 8; s++) {
            v[0] = indicators[i].use[s] == '.' ? 0 : indicators[i].use[s];
            snprintf(name, sizeof name, "use_%s", services[s]);
            lcm_instance_set(in, lcm_form_find(f, name), 0, v, &err);
            v[0] = indicators[i].sat[s] == '.' ? 0 : indicators[i].sat[s];
            snprintf(name, sizeof name, "sat_%s", services[s]);
            lcm_instance_set(in, lcm_form_find(f, name), 0, v, &err);
        }
        lcm_instance_set(in, lcm_form_find(f, "sat_overall"), 0, indicators[i].overall, &err);
        CU_ASSERT_EQUAL(lcm_instance_finish(in, 0, &err), LCM_OK);
        const char *want[6] = {indicators[i].aware_n,   indicators[i].aware_share,
                               indicators[i].used_n,    indicators[i].participated,
                               indicators[i].sat_index, indicators[i].sat_top2};
        static const char *const calc[6] = {"aware_n",      "aware_share", "used_n",
                                            "participated", "sat_index",   "sat_top2"};
        for (int k = 0; k < 6; k++) {
            const char *got = lcm_instance_get(in, lcm_form_find(f, calc[k]), 0);
            if (strcmp(got, want[k]) != 0)
                fprintf(stderr, "\n  case %zu: %s = '%s', want '%s'\n", i, calc[k], got, want[k]);
            CU_ASSERT_STRING_EQUAL(got, want[k]);
        }
        lcm_instance_free(in);
    }
    /* age bands, with their edges */
    static const char *const ages[][2] = {{"16", "16-29"}, {"29", "16-29"}, {"30", "30-44"},
                                          {"44", "30-44"}, {"45", "45-59"}, {"59", "45-59"},
                                          {"60", "60+"},   {"100", "60+"},  {"", ""}};
    for (size_t i = 0; i < sizeof ages / sizeof ages[0]; i++) {
        lcm_instance *in = NULL;
        CU_ASSERT_EQUAL_FATAL(lcm_instance_new(f, &in, &err), LCM_OK);
        lcm_instance_set(in, lcm_form_find(f, "consent"), 0, "1", &err);
        lcm_instance_set(in, lcm_form_find(f, "age"), 0, ages[i][0], &err);
        CU_ASSERT_EQUAL(lcm_instance_update(in, &err), LCM_OK);
        CU_ASSERT_STRING_EQUAL(lcm_instance_get(in, lcm_form_find(f, "age_band"), 0), ages[i][1]);
        lcm_instance_free(in);
    }
    lcm_form_free(f);
}

/* Each change to a good household and the message finish or insert must give. */
static const struct {
    const char *field;
    long row;
    const char *value, *error;
} refused[] = {
    {"sex", 0, NULL, "field 'sex' is required but has no answer"},
    {"consent", 0, NULL, "field 'consent' is required but has no answer"},
    {"sat_eu", 0, NULL, "field 'sat_eu' is required but has no answer"},
    {"freq_rd", 0, NULL, "field 'freq_rd' is required but has no answer"},
    {"use_eu", 0, NULL, "field 'use_eu' is required but has no answer"},
    {"age", 0, "15", "field 'age': '15' breaks the constraint"},
    {"m_age", 2, "130", "field 'm_age' (row 2 of 'members'): '130' breaks the constraint"},
    {"m_learned", 1, NULL, "field 'm_learned' (row 1 of 'members') is required"},
    {"hh_size", 0, "3", "repeat 'members' has 2 rows but repeat_count (${hh_size}) says 3"},
    {"township", 0, "440105001", "field 'township': '440105001' breaks the constraint"},
    {"aware", 0, "cc none", "field 'aware': 'cc none' breaks the constraint"},
    {"learn_hours", 0, "2001", "field 'learn_hours': '2001' breaks the constraint"},
    {"county", 0, "440999", "county code '440999' is not in the reference data"},
    {"county", 0, "110101", "county '110101' does not belong to city '4401'"},
    {"city", 0, "9999", "city code '9999' is not in the reference data"},
};

static void form_store__bad_instances_leave_nothing(void) {
    lcm_db *db = NULL;
    lcm_form *f = NULL;
    lcm_err err = {0};
    open_household(&db, &f);
    long rows = lcmt_count(db, "SELECT count(*) FROM resp_household_2026_1");
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        lcm_instance *in = household(f);
        lcm_instance_set(in, lcm_form_find(f, refused[i].field), refused[i].row, refused[i].value,
                         &err);
        if (strcmp(refused[i].field, "county") == 0) { /* keep the codes below consistent */
            char code[32];
            snprintf(code, sizeof code, "%s001", refused[i].value);
            lcm_instance_set(in, lcm_form_find(f, "township"), 0, code, &err);
            snprintf(code, sizeof code, "%s001001", refused[i].value);
            lcm_instance_set(in, lcm_form_find(f, "community"), 0, code, &err);
        }
        lcm_status st = lcm_instance_finish(in, 1, &err);
        if (st == LCM_OK && lcm_db_begin(db, &err) == LCM_OK) {
            st = lcm_instance_insert(db, in, &err);
            lcm_db_rollback(db);
        }
        CU_ASSERT_NOT_EQUAL(st, LCM_OK);
        if (!strstr(err.msg, refused[i].error))
            fprintf(stderr, "\n  case %zu: got '%s'\n  want '%s'\n", i, err.msg, refused[i].error);
        CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, refused[i].error));
        lcm_instance_free(in);
    }
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM resp_household_2026_1"), rows);
    lcm_form_free(f);
    lcm_db_close(db);
}

/* A roster row the database refuses (here a trigger standing in for a full disk or a
 * check) takes back the main row and the members written before it, inside the same
 * transaction, so an import that goes on past it (--skip-invalid) keeps nothing of it. */
static void form_store__refused_roster_row_takes_back_instance(void) {
    lcm_db *db = NULL;
    lcm_form *f = NULL;
    lcm_err err = {0};
    open_household(&db, &f);
    long rows = lcmt_count(db, "SELECT count(*) FROM resp_household_2026_1"),
         members = lcmt_count(db, "SELECT count(*) FROM resp_household_2026_1__members");
    CU_ASSERT_EQUAL_FATAL(lcm_db_exec(db,
                                      "CREATE TEMP TRIGGER refuse_second AFTER INSERT ON "
                                      "main.resp_household_2026_1__members WHEN new.position = 2 "
                                      "BEGIN SELECT RAISE(ABORT, 'member 2 refused'); END",
                                      &err),
                          LCM_OK);
    lcm_instance *in = household(f);
    CU_ASSERT_EQUAL_FATAL(lcm_instance_finish(in, 1, &err), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_db_begin(db, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_instance_insert(db, in, &err), LCM_DB);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "member 2 refused"));
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM resp_household_2026_1"), rows);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM resp_household_2026_1__members"), members);
    /* The same instance goes in once the trigger is gone, in the same transaction. */
    CU_ASSERT_EQUAL(lcm_db_exec(db, "DROP TRIGGER temp.refuse_second", &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_instance_insert(db, in, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM resp_household_2026_1"), rows + 1);
    lcm_db_rollback(db);
    lcm_instance_free(in);
    lcm_form_free(f);
    lcm_db_close(db);
}

/* The 0/1 columns of a select_multiple: from a bit set per answer for lists up to 64
 * choices, one name at a time beyond (here 70 choices, c1 .. c70). */
static void form_store__choice_columns_of_long_lists(void) {
    char choices[4096] = "list_name,name,label\n", survey[256];
    for (int k = 1; k <= 70; k++)
        snprintf(choices + strlen(choices), sizeof choices - strlen(choices), "l,c%d,C%d\n", k, k);
    snprintf(survey, sizeof survey, "type,name,label\nselect_multiple l,m,M\n");
    lcm_form *f = NULL;
    lcm_db *db = NULL;
    lcm_instance *in = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(
        lcm_form_read_texts(survey, choices, "form_id,version\nlong,1\n", &f, &err), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(lcmt_tmp("long.db"), LCM_OPEN_CREATE, &db, &err), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_form_store(db, f, NULL, &err), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_instance_new(f, &in, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_instance_set(in, lcm_form_find(f, "m"), 0, "c1\tc64  c65 c70 c7", &err),
                    LCM_OK);
    CU_ASSERT_EQUAL(lcm_instance_finish(in, 0, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_db_begin(db, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_instance_insert(db, in, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_db_commit(db, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcmt_count(db,
                               "SELECT count(*) FROM resp_long_1 WHERE m_c1 = 1 AND m_c7 = 1 AND "
                               "m_c64 = 1 AND m_c65 = 1 AND m_c70 = 1 AND m_c2 = 0 AND "
                               "m_c6 = 0 AND m_c66 = 0 AND m_c17 = 0"),
                    1);
    lcm_instance_free(in);
    lcm_db_close(db);
    lcm_form_free(f);
}

static void form_store__draft_keeps_partial_answers(void) {
    lcm_db *db = NULL;
    lcm_form *f = NULL;
    lcm_instance *in = NULL;
    lcm_err err = {0};
    open_household(&db, &f);
    CU_ASSERT_EQUAL(lcm_instance_new(f, &in, &err), LCM_OK);
    lcm_instance_set(in, lcm_form_find(f, "city"), 0, "1100", &err);
    CU_ASSERT_EQUAL(lcm_instance_finish(in, 0, &err), LCM_OK);
    CU_ASSERT_STRING_EQUAL(lcm_instance_meta(in, "status"), "draft");
    store(db, in);
    CU_ASSERT_EQUAL(lcmt_count(db,
                               "SELECT count(*) FROM resp_household_2026_1 WHERE status = 'draft'"
                               " AND city = '1100' AND age IS NULL"),
                    1);
    /* Standard columns set by hand are checked. */
    CU_ASSERT_EQUAL(lcm_instance_set_meta(in, "wave", "1999", &err), LCM_CONSTRAINT);
    CU_ASSERT_EQUAL(lcm_instance_set_meta(in, "instance_id", "x'); DROP", &err), LCM_CONSTRAINT);
    CU_ASSERT_EQUAL(lcm_instance_set_meta(in, "nosuch", "1", &err), LCM_INVAL);
    lcm_instance_free(in);
    lcm_form_free(f);
    lcm_db_close(db);
}

/* A draft saved, saved again over itself, read back, completed over itself; a complete
 * instance is never replaced. */
static void form_store__draft_saved_over_and_read_back(void) {
    lcm_db *db = NULL;
    lcm_form *f = NULL, *g = NULL;
    lcm_instance *back = NULL;
    lcm_err err = {0};
    open_household(&db, &f);
    lcm_instance *in = household(f);
    const char *id = lcm_instance_meta(in, "instance_id");
    char where[160];
    snprintf(where, sizeof where,
             "SELECT count(*) FROM resp_household_2026_1 WHERE instance_id = '%s'", id);
    lcm_instance_set(in, lcm_form_find(f, "household_no"), 0, "H-020", &err);
    lcm_instance_set(in, lcm_form_find(f, "sat_overall"), 0, NULL, &err);
    CU_ASSERT_EQUAL(lcm_instance_draft(in, &err), LCM_OK);
    for (int i = 0; i < 2; i++) { /* the second save replaces the first */
        CU_ASSERT_EQUAL(lcm_db_begin(db, &err), LCM_OK);
        CU_ASSERT_EQUAL(lcm_instance_save(db, in, &err), LCM_OK);
        CU_ASSERT_EQUAL(lcm_db_commit(db, &err), LCM_OK);
    }
    CU_ASSERT_EQUAL(lcmt_count(db, where), 1);
    CU_ASSERT_EQUAL(lcmt_count(db,
                               "SELECT count(*) FROM resp_household_2026_1__members m JOIN "
                               "resp_household_2026_1 r USING (instance_id) WHERE r.household_id "
                               "= 'H-020'"),
                    2);
    /* Read back: the version holding it, its answers, its roster, its standard columns. */
    CU_ASSERT_EQUAL_FATAL(lcm_form_get_for_instance(db, "household", id, &g, &err), LCM_OK);
    CU_ASSERT_STRING_EQUAL(lcm_form_version(g), "2026.1");
    CU_ASSERT_EQUAL_FATAL(lcm_instance_load(db, g, id, &back, &err), LCM_OK);
    CU_ASSERT_STRING_EQUAL(lcm_instance_meta(back, "status"), "draft");
    CU_ASSERT_STRING_EQUAL(lcm_instance_meta(back, "wave"), "2026");
    CU_ASSERT_STRING_EQUAL(lcm_instance_meta(back, "psu"), "440106001001");
    static const char *const same[] = {"city",  "community", "household_no", "age",
                                       "aware", "sat_eu",    "barriers",     "barriers_other"};
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
        CU_ASSERT_STRING_EQUAL(lcm_instance_get(back, lcm_form_find(g, same[i]), 0),
                               lcm_instance_get(in, lcm_form_find(f, same[i]), 0));
    CU_ASSERT_STRING_EQUAL(lcm_instance_get(back, lcm_form_find(g, "sat_eu"), 0), "5");
    CU_ASSERT_EQUAL(lcm_instance_rows(back, lcm_form_find(g, "members")), 2);
    CU_ASSERT_STRING_EQUAL(lcm_instance_get(back, lcm_form_find(g, "m_age"), 2), "70");
    /* Completed over the draft: still one row, now complete, and final. */
    lcm_instance_set(back, lcm_form_find(g, "sat_overall"), 0, "5", &err);
    CU_ASSERT_EQUAL(lcm_instance_finish(back, 1, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_db_begin(db, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_instance_save(db, back, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_db_commit(db, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcmt_count(db, where), 1);
    CU_ASSERT_EQUAL(lcmt_count(db,
                               "SELECT count(*) FROM resp_household_2026_1 WHERE household_id = "
                               "'H-020' AND status = 'complete' AND sat_top2 = 1"),
                    1);
    CU_ASSERT_EQUAL(lcm_db_begin(db, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_instance_save(db, in, &err), LCM_CONFLICT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "is already stored complete"));
    lcm_db_rollback(db);
    lcm_instance *none = NULL;
    CU_ASSERT_EQUAL(lcm_instance_load(db, g, "00000000-0000-4000-8000-000000000000", &none, &err),
                    LCM_NOTFOUND);
    CU_ASSERT_PTR_NULL(none);
    lcm_instance_free(back);
    lcm_instance_free(in);
    lcm_form_free(g);
    lcm_form_free(f);
    lcm_db_close(db);
}

/* A draft saved again is written over in place: the same row (rowid), its roster rows
 * written over at their positions, the rows past the last one deleted, one more added;
 * the refused save of a complete one leaves the stored rows as they were. */
static void form_store__saved_again_in_place(void) {
    lcm_db *db = NULL;
    lcm_form *f = NULL;
    lcm_err err = {0};
    open_household(&db, &f);
    lcm_instance *in = household(f);
    int rep = lcm_form_find(f, "members"), m_age = lcm_form_find(f, "m_age");
    char sql[300], members[300], ages[300], complete[300];
    const char *id = lcm_instance_meta(in, "instance_id");
    snprintf(members, sizeof members,
             "SELECT count(*) FROM resp_household_2026_1__members WHERE instance_id = '%s'", id);
    snprintf(ages, sizeof ages,
             "SELECT group_concat(m_age, '') FROM (SELECT m_age FROM "
             "resp_household_2026_1__members WHERE instance_id = '%s' ORDER BY position)",
             id);
    snprintf(complete, sizeof complete,
             "SELECT count(*) FROM resp_household_2026_1 WHERE status = 'complete' AND "
             "instance_id = '%s'",
             id);
    lcm_instance_set(in, lcm_form_find(f, "household_no"), 0, "H-021", &err);
    CU_ASSERT_EQUAL(lcm_instance_draft(in, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_db_begin(db, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_instance_save(db, in, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_db_commit(db, &err), LCM_OK);
    snprintf(sql, sizeof sql, "SELECT rowid FROM resp_household_2026_1 WHERE instance_id = '%s'",
             id);
    long long rowid = lcmt_count(db, sql);
    CU_ASSERT_EQUAL(lcmt_count(db, members), 2);
    /* one member left (the household() fixture has two: 67 and 70) */
    lcm__instance_truncate_rows(in, rep, 1);
    lcm_instance_set(in, m_age, 1, "36", &err);
    CU_ASSERT_EQUAL(lcm_db_begin(db, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_instance_save(db, in, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_db_commit(db, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcmt_count(db, sql), rowid);
    CU_ASSERT_EQUAL(lcmt_count(db, members), 1);
    CU_ASSERT_EQUAL(lcmt_count(db, ages), 36);
    /* three members */
    long pos = 0;
    for (int k = 0; k < 2; k++) {
        CU_ASSERT_EQUAL(lcm_instance_add_row(in, rep, &pos, &err), LCM_OK);
        lcm_instance_set(in, m_age, pos, k ? "12" : "40", &err);
    }
    CU_ASSERT_EQUAL(lcm_db_begin(db, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_instance_save(db, in, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_db_commit(db, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcmt_count(db, sql), rowid);
    CU_ASSERT_EQUAL(lcmt_count(db, ages), 364012);
    /* complete: saved in place; then a draft over it is refused and changes nothing */
    CU_ASSERT_EQUAL(lcm_instance_set_meta(in, "status", "complete", &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_db_begin(db, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_instance_save(db, in, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_db_commit(db, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcmt_count(db, sql), rowid);
    lcm__instance_truncate_rows(in, rep, 1);
    lcm_instance_set_meta(in, "status", "draft", &err);
    CU_ASSERT_EQUAL(lcm_db_begin(db, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_instance_save(db, in, &err), LCM_CONFLICT);
    lcm_db_rollback(db);
    CU_ASSERT_EQUAL(lcmt_count(db, members), 3);
    CU_ASSERT_EQUAL(lcmt_count(db, complete), 1);
    CU_ASSERT_EQUAL(lcmt_count(db, ages), 364012);
    lcm_instance_free(in);
    lcm_form_free(f);
    lcm_db_close(db);
}

const lcmt_case lcmt_form_store_cases[] = {
    {"saved_again_in_place", form_store__saved_again_in_place},
    {"form_store__load_get_and_conflict", form_store__load_get_and_conflict},
    {"form_store__household_instance_inserts", form_store__household_instance_inserts},
    {"form_store__refusal_completes_empty", form_store__refusal_completes_empty},
    {"form_store__household_indicators", form_store__household_indicators},
    {"form_store__bad_instances_leave_nothing", form_store__bad_instances_leave_nothing},
    {"form_store__refused_roster_row_takes_back_instance",
     form_store__refused_roster_row_takes_back_instance},
    {"form_store__choice_columns_of_long_lists", form_store__choice_columns_of_long_lists},
    {"form_store__draft_keeps_partial_answers", form_store__draft_keeps_partial_answers},
    {"form_store__draft_saved_over_and_read_back", form_store__draft_saved_over_and_read_back},
    {"form_store__saved_again_in_place", form_store__saved_again_in_place},
    {NULL, NULL},
};
