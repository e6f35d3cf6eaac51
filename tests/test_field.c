/*
 * test_field.c - fieldwork store (engine/field.h): SHA-256, tokens, campaigns, respondent
 * tokens that answer once, interviewer tokens, sample lists and their errors, AAPOR
 * dispositions and RR1, places chosen by name.
 */
#include "testing.h"

#include "field.h"
#include "form.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One database with the reference data and the household form, made once per run. */
static const char *field_db(void) {
    static char path[4096];
    if (path[0])
        return path;
    snprintf(path, sizeof path, "%s", lcmt_tmp("field.db"));
    lcm_db *db = NULL;
    lcm_form *f = NULL;
    lcm_err err = {0};
    int ok = lcm_db_open(path, LCM_OPEN_CREATE, &db, &err) == LCM_OK &&
             lcm_reference_load(db, lcmt_path("surveys"), NULL, &err) == LCM_OK &&
             lcm_form_read_dir(lcmt_path("surveys/household"), &f, &err) == LCM_OK &&
             lcm_form_store(db, f, NULL, &err) == LCM_OK;
    if (!ok)
        fprintf(stderr, "\n  field_db: %s\n", err.msg);
    lcm_form_free(f);
    lcm_db_close(db);
    return path;
}

static lcm_db *open_db(void) {
    lcm_db *db = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(field_db(), 0, &db, &err), LCM_OK);
    return db;
}

/* A campaign for the household form in city, wave (made once per city and wave). */
static long long campaign(lcm_db *db, const char *city, int wave) {
    lcm_field_campaign c;
    lcm_err err = {0};
    char slug[64];
    snprintf(slug, sizeof slug, "household-%s-%d", city, wave);
    if (lcm_field_campaign_get(db, slug, &c, NULL) == LCM_OK)
        return c.id;
    CU_ASSERT_EQUAL_FATAL(
        lcm_field_campaign_add(db, "household", NULL, city, wave, LCM_FIELD_TOKEN, NULL, &c, &err),
        LCM_OK);
    return c.id;
}

static void field__sha256_matches_fips_vectors(void) {
    char hex[65];
    /* FIPS 180-2, appendix B.1, B.2, B.3 */
    lcm_field_sha256_hex("abc", 3, hex);
    CU_ASSERT_STRING_EQUAL(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    lcm_field_sha256_hex(two, strlen(two), hex);
    CU_ASSERT_STRING_EQUAL(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    char *million = malloc(1000000);
    CU_ASSERT_PTR_NOT_NULL_FATAL(million);
    memset(million, 'a', 1000000);
    lcm_field_sha256_hex(million, 1000000, hex);
    free(million);
    CU_ASSERT_STRING_EQUAL(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    /* the empty message (FIPS 180-4 examples, SHA256.pdf) */
    lcm_field_sha256_hex("", 0, hex);
    CU_ASSERT_STRING_EQUAL(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void field__tokens_are_26_base32_letters_and_differ(void) {
    char a[LCM_FIELD_TOKEN_LEN + 1], b[LCM_FIELD_TOKEN_LEN + 1];
    CU_ASSERT_EQUAL(lcm_field_token_new(a, NULL), LCM_OK);
    CU_ASSERT_EQUAL(lcm_field_token_new(b, NULL), LCM_OK);
    CU_ASSERT_EQUAL(strlen(a), 26);
    CU_ASSERT(lcm_field_token_ok(a));
    CU_ASSERT(strcmp(a, b) != 0);
    /* 128 bits in 26 letters: the last one carries 3 bits and 2 zero bits, so it is one of
     * the letters whose value is a multiple of 4 (a, e, i, m, q, u, y, 4) */
    CU_ASSERT_PTR_NOT_NULL(strchr("aeimquy4", a[25]));
    CU_ASSERT(!lcm_field_token_ok("ABCDEFGHIJKLMNOPQRSTUVWXYZ"));
    CU_ASSERT(!lcm_field_token_ok("abcdefghijklmnopqrstuvwxy"));
    CU_ASSERT(!lcm_field_token_ok("abcdefghijklmnopqrstuvwxy1"));
    CU_ASSERT(lcm_field_token_ok("abcdefghijklmnopqrstuvwxy2"));
}

static void field__campaign_add_makes_slug_and_refuses_bad_input(void) {
    lcm_db *db = open_db();
    lcm_field_campaign c;
    lcm_err err = {0};
    CU_ASSERT_EQUAL(
        lcm_field_campaign_add(db, "household", NULL, "1100", 2025, LCM_FIELD_OPEN, NULL, &c, &err),
        LCM_OK);
    CU_ASSERT_STRING_EQUAL(c.slug, "household-1100-2025");
    CU_ASSERT_STRING_EQUAL(c.form_version, "2026.1");
    CU_ASSERT_STRING_EQUAL(c.city_name, "北京市");
    CU_ASSERT_EQUAL(c.mode, LCM_FIELD_OPEN);
    CU_ASSERT_EQUAL(c.wave, 2025);
    /* the same form version, city and wave again */
    CU_ASSERT_EQUAL(lcm_field_campaign_add(db, "household", "2026.1", "1100", 2025, LCM_FIELD_OPEN,
                                           "other", NULL, &err),
                    LCM_EXISTS);
    LCMT_ASSERT_HAS(err.msg, "household-1100-2025");
    /* a slug already taken */
    CU_ASSERT_EQUAL(lcm_field_campaign_add(db, "household", NULL, "1200", 2025, LCM_FIELD_OPEN,
                                           "household-1100-2025", NULL, &err),
                    LCM_EXISTS);
    CU_ASSERT_EQUAL(lcm_field_campaign_add(db, "household", NULL, "9999", 2025, LCM_FIELD_OPEN,
                                           NULL, NULL, &err),
                    LCM_NOTFOUND);
    LCMT_ASSERT_HAS(err.msg, "'9999'");
    CU_ASSERT_EQUAL(lcm_field_campaign_add(db, "nosuchform", NULL, "1100", 2025, LCM_FIELD_OPEN,
                                           NULL, NULL, &err),
                    LCM_NOTFOUND);
    CU_ASSERT_EQUAL(lcm_field_campaign_add(db, "household", NULL, "1100", 1999, LCM_FIELD_OPEN,
                                           NULL, NULL, &err),
                    LCM_INVAL);
    CU_ASSERT_EQUAL(lcm_field_campaign_add(db, "household", NULL, "1100", 2024, LCM_FIELD_OPEN,
                                           "Bad Slug", NULL, &err),
                    LCM_INVAL);
    CU_ASSERT_EQUAL(lcm_field_campaign_get(db, "household-1100-2025", &c, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_field_campaign_get(db, "../etc", &c, &err), LCM_NOTFOUND);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM field_campaigns WHERE wave IN "
                                   "(1999, 2024) OR city_code = '1200'"),
                    0);
    CU_ASSERT_EQUAL(lcm_field_campaign_close(db, c.id, 1, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_field_campaign_by_id(db, c.id, &c, &err), LCM_OK);
    CU_ASSERT_EQUAL(c.closed, 1);
    lcm_db_close(db);
}

static void field__respondent_token_answers_once_and_is_stored_hashed(void) {
    lcm_db *db = open_db();
    lcm_err err = {0};
    long long id = campaign(db, "1100", 2026);
    char tok[3][LCM_FIELD_TOKEN_LEN + 1];
    long serial[3];
    CU_ASSERT_EQUAL_FATAL(lcm_field_tokens_issue(db, id, 3, tok, serial, &err), LCM_OK);
    CU_ASSERT_EQUAL(serial[0], 1);
    CU_ASSERT_EQUAL(serial[2], 3);
    /* no plain token in the database; its SHA-256 is */
    char sql[256], hex[65];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM field_tokens WHERE hash = '%s'", tok[0]);
    CU_ASSERT_EQUAL(lcmt_count(db, sql), 0);
    lcm_field_sha256_hex(tok[0], strlen(tok[0]), hex);
    snprintf(sql, sizeof sql, "SELECT serial FROM field_tokens WHERE hash = '%s'", hex);
    CU_ASSERT_EQUAL(lcmt_count(db, sql), 1);

    lcm_field_token t;
    CU_ASSERT_EQUAL(lcm_field_token_find(db, tok[0], &t, &err), LCM_OK);
    CU_ASSERT_EQUAL(t.state, LCM_FIELD_TOKEN_FRESH);
    CU_ASSERT_EQUAL(t.campaign_id, id);
    CU_ASSERT_STRING_EQUAL(t.instance_id, "");
    const char *uuid = "6f1c2a4e-0000-4000-8000-000000000001";
    CU_ASSERT_EQUAL(lcm_field_token_bind(db, tok[0], uuid, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_field_token_bind(db, tok[0], uuid, &err), LCM_OK); /* resume */
    CU_ASSERT_EQUAL(lcm_field_token_find(db, tok[0], &t, &err), LCM_OK);
    CU_ASSERT_EQUAL(t.state, LCM_FIELD_TOKEN_DRAFT);
    CU_ASSERT_STRING_EQUAL(t.instance_id, uuid);
    CU_ASSERT_EQUAL(lcm_field_token_bind(db, tok[0], "another", &err), LCM_CONFLICT);
    CU_ASSERT_EQUAL(lcm_field_token_submit(db, tok[0], "another", &err), LCM_CONFLICT);
    CU_ASSERT_EQUAL(lcm_field_token_submit(db, tok[0], uuid, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_field_token_find(db, tok[0], &t, &err), LCM_OK);
    CU_ASSERT_EQUAL(t.state, LCM_FIELD_TOKEN_SUBMITTED);
    /* answers once */
    CU_ASSERT_EQUAL(lcm_field_token_submit(db, tok[0], uuid, &err), LCM_CONFLICT);
    CU_ASSERT_EQUAL(lcm_field_token_bind(db, tok[0], uuid, &err), LCM_CONFLICT);
    /* a fresh token may be submitted straight away (a one-page form) */
    CU_ASSERT_EQUAL(lcm_field_token_submit(db, tok[1], "x-1", &err), LCM_OK);
    /* revoked */
    CU_ASSERT_EQUAL(lcm_field_token_revoke(db, id, serial[2], &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_field_token_find(db, tok[2], &t, &err), LCM_OK);
    CU_ASSERT_EQUAL(t.state, LCM_FIELD_TOKEN_REVOKED);
    CU_ASSERT_EQUAL(lcm_field_token_bind(db, tok[2], uuid, &err), LCM_CONFLICT);
    CU_ASSERT_EQUAL(lcm_field_token_revoke(db, id, serial[0], &err), LCM_NOTFOUND);
    /* unknown and malformed tokens get the same answer */
    char other[LCM_FIELD_TOKEN_LEN + 1];
    CU_ASSERT_EQUAL(lcm_field_token_new(other, NULL), LCM_OK);
    lcm_err e1 = {0}, e2 = {0};
    CU_ASSERT_EQUAL(lcm_field_token_find(db, other, &t, &e1), LCM_NOTFOUND);
    CU_ASSERT_EQUAL(lcm_field_token_find(db, "'; DROP TABLE x; --", &t, &e2), LCM_NOTFOUND);
    CU_ASSERT_STRING_EQUAL(e1.msg, e2.msg);
    lcm_field_campaign c;
    CU_ASSERT_EQUAL(lcm_field_campaign_by_id(db, id, &c, &err), LCM_OK);
    CU_ASSERT_EQUAL(c.tokens, 3);
    CU_ASSERT_EQUAL(c.submitted, 2);
    lcm_db_close(db);
}

static void field__interviewer_new_token_revokes_old(void) {
    lcm_db *db = open_db();
    lcm_err err = {0};
    char t1[LCM_FIELD_TOKEN_LEN + 1], t2[LCM_FIELD_TOKEN_LEN + 1];
    int created = -1;
    CU_ASSERT_EQUAL(lcm_field_interviewer_token(db, "王芳", t1, &created, &err), LCM_OK);
    CU_ASSERT_EQUAL(created, 1);
    lcm_field_interviewer iv;
    CU_ASSERT_EQUAL(lcm_field_interviewer_find(db, t1, &iv, &err), LCM_OK);
    CU_ASSERT_STRING_EQUAL(iv.name, "王芳");
    long long id = iv.id;
    CU_ASSERT_EQUAL(lcm_field_interviewer_token(db, "王芳", t2, &created, &err), LCM_OK);
    CU_ASSERT_EQUAL(created, 0);
    CU_ASSERT_EQUAL(lcm_field_interviewer_find(db, t1, &iv, &err), LCM_NOTFOUND);
    CU_ASSERT_EQUAL(lcm_field_interviewer_find(db, t2, &iv, &err), LCM_OK);
    CU_ASSERT_EQUAL(iv.id, id);
    CU_ASSERT_EQUAL(lcm_field_interviewer_token(db, "a\tb", t2, NULL, &err), LCM_INVAL);
    CU_ASSERT_EQUAL(lcm_field_interviewer_token(db, "", t2, NULL, &err), LCM_INVAL);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM field_interviewers"), 1);
    lcm_db_close(db);
}

static long long interviewer(lcm_db *db, const char *name) {
    lcm_field_interviewer iv;
    char t[LCM_FIELD_TOKEN_LEN + 1];
    if (lcm_field_interviewer_get(db, name, &iv, NULL) != LCM_OK)
        CU_ASSERT_EQUAL_FATAL(lcm_field_interviewer_token(db, name, t, NULL, NULL), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_field_interviewer_get(db, name, &iv, NULL), LCM_OK);
    return iv.id;
}

/* Load text as a sample list; returns the status, err filled. */
static lcm_status load(lcm_db *db, long long cid, long long iid, const char *name, const char *text,
                       long *n, lcm_err *err) {
    const char *path = lcmt_write(lcmt_tmp(name), text, strlen(text));
    return lcm_field_assign_csv(db, cid, iid, path, n, err);
}

static void field__sample_list_loads_and_derives_units(void) {
    lcm_db *db = open_db();
    lcm_err err = {0};
    long long cid = campaign(db, "1100", 2026), iid = interviewer(db, "李强");
    long n = 0;
    CU_ASSERT_EQUAL_FATAL(load(db, cid, iid, "s1.csv",
                               "household_id,address,community,design_weight\n"
                               "H001,东华门街道1号,110101001003,250.5\n"
                               "H002,东华门街道2号,110101001003,\n"
                               "H003,南磨房地区5号,110105021201,300\n",
                               &n, &err),
                          LCM_OK);
    CU_ASSERT_EQUAL(n, 3);
    lcm_field_assignment *a = NULL;
    size_t na = 0;
    CU_ASSERT_EQUAL_FATAL(lcm_field_assignments(db, iid, 0, &a, &na, &err), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(na, 3);
    CU_ASSERT_STRING_EQUAL(a[0].household_id, "H001");
    CU_ASSERT_STRING_EQUAL(a[0].county, "110101");
    CU_ASSERT_STRING_EQUAL(a[0].county_name, "东城区");
    CU_ASSERT_STRING_EQUAL(a[0].township, "110101001");
    CU_ASSERT_STRING_EQUAL(a[0].township_name, "东华门街道");
    CU_ASSERT_STRING_EQUAL(a[0].community_name, "居委会 003");
    CU_ASSERT_DOUBLE_EQUAL(a[0].design_weight, 250.5, 0);
    CU_ASSERT(isnan(a[1].design_weight));
    CU_ASSERT_STRING_EQUAL(a[2].community_name, "村委会 201");
    CU_ASSERT_STRING_EQUAL(a[2].disposition, "");
    free(a);
    lcm_db_close(db);
}

static void field__sample_list_errors_name_cell_and_keep_nothing(void) {
    lcm_db *db = open_db();
    long long cid = campaign(db, "1100", 2027), iid = interviewer(db, "赵敏");
    static const struct {
        const char *text, *msg;
    } bad[] = {
        {"household_id,address,community\nH1,a,110101001003\nH2,b,12010100100\n",
         "bad.csv:3:3 (community): a community is a 12-digit division code: '12010100100'"},
        {"household_id,address,community\nH1,a,120101001003\n",
         "bad.csv:2:3 (community): community '120101001003' is not in the campaign's city"},
        {"household_id,address,community\nH1,a,999999999003\n",
         "bad.csv:2:3 (community): no township 999999999 in the reference data"},
        {"household_id,address,community\nH1,a,110101001011\n",
         "bad.csv:2:3 (community): community '110101001011' is beyond the township's"},
        {"household_id,address,community\nH1,a,110101001201\n",
         "bad.csv:2:3 (community): community '110101001201' is beyond"},
        {"household_id,address,community\nH1,a,110101001001\nH1,b,110101001002\n",
         "bad.csv:3:1 (household_id): household number 'H1' is already assigned"},
        {"community,address,household_id\n110101001001,a,\n",
         "bad.csv:2:3 (household_id): a household number is 1 to 20 characters"},
        {"household_id,address,community,design_weight\nH1,a,110101001001,-2\n",
         "bad.csv:2:4 (design_weight): a design weight is a positive number: '-2'"},
        {"household_id,adress,community\n", "bad.csv:1:2: unknown column 'adress'"},
        {"household_id,community\n", "bad.csv:1: missing column 'address'"},
        {"household_id,address,community\n", "no households in the sample list"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        lcm_err err = {0};
        long n = -1;
        CU_ASSERT_NOT_EQUAL(load(db, cid, iid, "bad.csv", bad[i].text, &n, &err), LCM_OK);
        LCMT_ASSERT_HAS(err.msg, bad[i].msg);
        CU_ASSERT_EQUAL(n, 0);
    }
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM field_assignments a JOIN "
                                   "field_interviewers i ON i.id = a.interviewer_id WHERE "
                                   "i.name = '赵敏'"),
                    0);
    lcm_db_close(db);
}

static void field__dispositions_close_households_and_give_rr1(void) {
    lcm_db *db = open_db();
    lcm_err err = {0};
    long long cid = campaign(db, "1100", 2028), iid = interviewer(db, "孙丽"),
              other = interviewer(db, "周杰");
    long n = 0;
    CU_ASSERT_EQUAL_FATAL(load(db, cid, iid, "s2.csv",
                               "household_id,address,community\n"
                               "A1,x,110101001001\nA2,y,110101001002\nA3,z,110101001003\n"
                               "A4,w,110101001004\n",
                               &n, &err),
                          LCM_OK);
    lcm_field_assignment *a = NULL;
    size_t na = 0;
    CU_ASSERT_EQUAL_FATAL(lcm_field_assignments(db, iid, cid, &a, &na, &err), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(na, 4);
    long long a1 = a[0].id, a2 = a[1].id, a3 = a[2].id;
    free(a);
    /* another interviewer cannot touch them */
    CU_ASSERT_EQUAL(lcm_field_assignment_get(db, a1, other, NULL, &err), LCM_NOTFOUND);
    CU_ASSERT_EQUAL(lcm_field_assignment_dispose(db, a1, other, "2.11", NULL, &err), LCM_NOTFOUND);
    /* a1: opened, completed */
    CU_ASSERT_EQUAL(lcm_field_assignment_open(db, a1, iid, "inst-1", &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_field_assignment_open(db, a1, iid, "inst-2", &err), LCM_CONFLICT);
    CU_ASSERT_EQUAL(lcm_field_assignment_complete(db, a1, iid, "inst-1", &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_field_assignment_dispose(db, a1, iid, "2.11", NULL, &err), LCM_CONFLICT);
    /* a2: not at home (not final), then a refusal with a note: final */
    CU_ASSERT_EQUAL(lcm_field_assignment_dispose(db, a2, iid, "2.24", NULL, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_field_assignment_dispose(db, a2, iid, "2.11", "门口拒绝", &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_field_assignment_dispose(db, a2, iid, "2.24", NULL, &err), LCM_CONFLICT);
    lcm_field_assignment g;
    CU_ASSERT_EQUAL(lcm_field_assignment_get(db, a2, iid, &g, &err), LCM_OK);
    CU_ASSERT_STRING_EQUAL(g.disposition, "2.11");
    CU_ASSERT_STRING_EQUAL(g.note, "门口拒绝");
    /* a3: vacant (not eligible); codes an interviewer may not give */
    CU_ASSERT_EQUAL(lcm_field_assignment_dispose(db, a3, iid, "1.1", NULL, &err), LCM_INVAL);
    CU_ASSERT_EQUAL(lcm_field_assignment_dispose(db, a3, iid, "9.9", NULL, &err), LCM_INVAL);
    CU_ASSERT_EQUAL(lcm_field_assignment_dispose(db, a3, iid, "4.60", NULL, &err), LCM_OK);
    /* RR1 = I / (I + P + R + NC + O + UH + UO), AAPOR Standard Definitions (2023):
     * 1 complete, 1 refusal, 1 pending (unknown), the vacant one out: 1 / 3 */
    lcm_field_outcomes o;
    CU_ASSERT_EQUAL(lcm_field_outcomes_get(db, cid, &o, &err), LCM_OK);
    CU_ASSERT_EQUAL(o.complete, 1);
    CU_ASSERT_EQUAL(o.refusal, 1);
    CU_ASSERT_EQUAL(o.ineligible, 1);
    CU_ASSERT_EQUAL(o.pending, 1);
    CU_ASSERT_DOUBLE_EQUAL(o.rr1, 1.0 / 3.0, 1e-15);
    lcm_field_interviewer iv;
    CU_ASSERT_EQUAL(lcm_field_interviewer_get(db, "孙丽", &iv, &err), LCM_OK);
    CU_ASSERT_EQUAL(iv.assigned, 4);
    CU_ASSERT_EQUAL(iv.done, 3);
    size_t nd = 0;
    const lcm_field_disposition *d = lcm_field_dispositions(&nd);
    CU_ASSERT_EQUAL(nd, 13);
    CU_ASSERT_STRING_EQUAL(d[0].code, "1.1");
    CU_ASSERT_STRING_EQUAL(lcm_field_disposition_find("2.11")->zh, "拒访");
    lcm_db_close(db);
}

static void field__places_cascade_from_reference_data(void) {
    lcm_db *db = open_db();
    lcm_err err = {0};
    lcm_field_place *p = NULL;
    size_t n = 0;
    /* surveys/reference/cities.csv: 337 cities; counties.csv: 16 in Beijing (1100);
     * townships.csv: 17 in 东城区 (110101); 东华门街道 has 10 residents' committees */
    CU_ASSERT_EQUAL(lcm_field_places(db, LCM_PLACE_CITY, NULL, &p, &n, &err), LCM_OK);
    CU_ASSERT_EQUAL(n, 337);
    CU_ASSERT_STRING_EQUAL(p[0].name, "北京市");
    CU_ASSERT_STRING_EQUAL(p[0].name_en, "Beijing");
    free(p);
    CU_ASSERT_EQUAL(lcm_field_places(db, LCM_PLACE_COUNTY, "1100", &p, &n, &err), LCM_OK);
    CU_ASSERT_EQUAL(n, 16);
    CU_ASSERT_STRING_EQUAL(p[0].code, "110101");
    CU_ASSERT_STRING_EQUAL(p[0].name, "东城区");
    free(p);
    CU_ASSERT_EQUAL(lcm_field_places(db, LCM_PLACE_TOWNSHIP, "110101", &p, &n, &err), LCM_OK);
    CU_ASSERT_EQUAL(n, 17);
    CU_ASSERT_STRING_EQUAL(p[0].name, "东华门街道");
    free(p);
    CU_ASSERT_EQUAL(lcm_field_places(db, LCM_PLACE_COMMUNITY, "110101001", &p, &n, &err), LCM_OK);
    CU_ASSERT_EQUAL(n, 10);
    CU_ASSERT_STRING_EQUAL(p[9].code, "110101001010");
    CU_ASSERT_STRING_EQUAL(p[9].name, "居委会 010");
    free(p);
    /* 南磨房地区: 25 residents' and 2 village committees */
    CU_ASSERT_EQUAL(lcm_field_places(db, LCM_PLACE_COMMUNITY, "110105021", &p, &n, &err), LCM_OK);
    CU_ASSERT_EQUAL(n, 27);
    CU_ASSERT_STRING_EQUAL(p[25].code, "110105021201");
    CU_ASSERT_STRING_EQUAL(p[26].name_en, "Village committee 202");
    free(p);
    CU_ASSERT_EQUAL(lcm_field_places(db, LCM_PLACE_TOWNSHIP, "nope", &p, &n, &err), LCM_OK);
    CU_ASSERT_EQUAL(n, 0);
    free(p);
    lcm_db_close(db);
}

const lcmt_case lcmt_field_cases[] = {
    {"sha256_matches_fips_vectors", field__sha256_matches_fips_vectors},
    {"tokens_are_26_base32_letters_and_differ", field__tokens_are_26_base32_letters_and_differ},
    {"campaign_add_makes_slug_and_refuses_bad_input",
     field__campaign_add_makes_slug_and_refuses_bad_input},
    {"respondent_token_answers_once_and_is_stored_hashed",
     field__respondent_token_answers_once_and_is_stored_hashed},
    {"interviewer_new_token_revokes_old", field__interviewer_new_token_revokes_old},
    {"sample_list_loads_and_derives_units", field__sample_list_loads_and_derives_units},
    {"sample_list_errors_name_cell_and_keep_nothing",
     field__sample_list_errors_name_cell_and_keep_nothing},
    {"dispositions_close_households_and_give_rr1",
     field__dispositions_close_households_and_give_rr1},
    {"places_cascade_from_reference_data", field__places_cascade_from_reference_data},
    {NULL, NULL},
};
