/*
 * test_dash_fixture.c - the dashboard fixture (test_dash_fixture.h) and what it must give,
 * worked out by hand here once; test_dashboard.c and test_serve_dash.c assert these numbers.
 *
 * Form: surveys/household (2026.1); its satisfaction grid is sat_cc sat_eu sat_pc sat_rd
 * sat_ol sat_vt sat_cb sat_st sat_overall (9 questions named sat_*).
 *
 * Campaign household-4401-2026 (广州市, province 44), interviewers 王芳 and 李强:
 *   hh   community     stratum  interviewer  disposition        AAPOR  instance
 *   G01  440103002001  城区     王芳         1.1 complete       I      g01
 *   G02  440103002001  城区     王芳         1.1                I      g02
 *   G03  440103002002  城区     王芳         1.1                I      g03
 *   G04  440103002002  城区     王芳         2.11 refusal       R
 *   G05  440103002003  城区     王芳         2.24 not at home   NC
 *   G06  440103003001  近郊     李强         1.1                I      g06
 *   G07  440103003001  近郊     李强         1.1                I      g07
 *   G08  440103003001  近郊     李强         2.12 break-off     R
 *   G09  440103003002  近郊     李强         3.18 no address    UH
 *   G10  440103003002  近郊     李强         4.60 vacant        NE
 *   G11  440103003002  近郊     李强         (pending)          UO
 *   G12  440103003003  近郊     李强         2.33 language      O
 *   G13  440103003003  近郊     李强         1.2 partial        P
 * Campaign household-4403-2026 (深圳市, 44), interviewer 赵敏: S01 440303001001 (stratum
 * none) 1.1 → s01; S02 440303001001 2.11. And w01, a self-completion through the open link.
 * Campaign household-1100-2026 (北京市, 11): B01 110101001001 pending.
 *
 * RR1 = I / ((I+P) + (R+NC+O) + (UH+UO)), REF1 = R / (same) (AAPOR Standard Definitions
 * 2023), by hand:
 *   广州 (city 4401): I 5, P 1, R 2, NC 1, O 1, UH 1, UO 1, NE 1 (13 assigned);
 *     denominator 6 + 4 + 2 = 12: RR1 = 5/12 = 41.7 %, REF1 = 2/12 = 16.7 %
 *   stratum 城区: I 3, R 1, NC 1 → 5: RR1 3/5 = 60.0 %, REF1 1/5 = 20.0 %
 *   stratum 近郊: I 2, P 1, R 1, O 1, UH 1, UO 1 (NE 1 out) → 7: RR1 2/7 = 28.6 %,
 *     REF1 1/7 = 14.3 %
 *   PSU 440103002001: 2 assigned, 2 complete: RR1 100 %; 440103003002: UH, NE, UO → RR1 0/2
 *   深圳 (4403): I 1, R 1 → RR1 1/2 = 50 %, REF1 50 %
 *   province 44: I 6, P 1, R 3, NC 1, O 1, UH 1, UO 1, NE 1 (15) → 14: RR1 6/14 = 42.9 %,
 *     REF1 3/14 = 21.4 %
 *   北京 (province 11): UO 1 → RR1 0/1 = 0.0 %, REF1 0.0 %
 *   nation: 16 assigned, denominator 15: RR1 6/15 = 40.0 %, REF1 3/15 = 20.0 %
 *
 * Interviews (paradata: two pages each, durations in seconds; submission time UTC → Beijing):
 *   g01  300+300 = 600  2026-05-10T13:00:00Z → 21:00:00  sat: 4 5 4 3 4 5 (6 answered)
 *   g02  330+330 = 660  2026-05-10T15:00:00Z → 23:00:00  sat: 5 5 (2 answered)
 *   g03   75+75  = 150  2026-05-11T02:00:00Z → 10:00:00  sat: 3 4 3 4 2
 *   g06  270+270 = 540  2026-05-11T00:00:00Z → 08:00:00  sat: 4 4 4 4 4 4 (6 answered)
 *   g07  360+360 = 720  2026-05-11T03:00:00Z → 11:00:00  sat: 1 2 3 4 5 1 2 3 4; its answers
 *                                                        duplicate g01's (duplicate_of)
 *   s01  200+200 = 400  2026-05-11T04:00:00Z → 12:00:00  sat: 3 3 3 3 4
 *   w01  190+190 = 380  2026-05-10T15:30:00Z → 23:30:00  self-completion, no sat answers
 * Medians: campaign 4401 {150 540 600 660 720} → 600 s, a third is 200: g03 (150) is the
 * only speeder; campaign 4403 {380 400} → 390, a third 130: none. City 4401 median 600 s =
 * 10.0 min; province 44 {150 380 400 540 600 660 720} → 540 s = 9.0 min; 深圳 390 s = 6.5 min.
 * Flags: speeder g03; straight-lining g06 (6 answered, all 4; g02's two equal answers are
 * fewer than LCM_DASH_GRID_MIN = 5, s01 differs once); duplicate g07; outside working hours
 * g02 (23:00; g01 at 21:00:00 and g06 at 08:00:00 are on the boundaries and inside, w01 at
 * 23:30 is a self-completion). Nothing else.
 * Interviews per interviewer per day (Beijing): 王芳 2026-05-10: 2 (g01, g02), 2026-05-11: 1
 * (g03); 李强 2026-05-11: 2; 赵敏 2026-05-11: 1.
 */
#include "test_dash_fixture.h"
#include "testing.h"

#include "field.h"
#include "form.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fx_hh {
    const char *hh, *community, *stratum;
    int iv; /* index into the campaign's interviewers */
    const char *disp, *inst;
} fx_hh;

typedef struct fx_iv {
    const char *inst, *campaign;
    int ms_per_page; /* two pages */
    const char *at;
    const char *sat[9]; /* NULL = unanswered */
    const char *dup;
} fx_iv;

static const fx_iv interviews[] = {
    {"g01",
     "household-4401-2026",
     300000,
     "2026-05-10T13:00:00Z",
     {"4", "5", "4", "3", "4", "5"},
     NULL},
    {"g02", "household-4401-2026", 330000, "2026-05-10T15:00:00Z", {"5", "5"}, NULL},
    {"g03", "household-4401-2026", 75000, "2026-05-11T02:00:00Z", {"3", "4", "3", "4", "2"}, NULL},
    {"g06",
     "household-4401-2026",
     270000,
     "2026-05-11T00:00:00Z",
     {"4", "4", "4", "4", "4", "4"},
     NULL},
    {"g07",
     "household-4401-2026",
     360000,
     "2026-05-11T03:00:00Z",
     {"1", "2", "3", "4", "5", "1", "2", "3", "4"},
     "g01"},
    {"s01", "household-4403-2026", 200000, "2026-05-11T04:00:00Z", {"3", "3", "3", "3", "4"}, NULL},
    {"w01", "household-4403-2026", 190000, "2026-05-10T15:30:00Z", {NULL}, NULL},
};

static const char *const sat_cols[9] = {"sat_cc", "sat_eu", "sat_pc", "sat_rd",     "sat_ol",
                                        "sat_vt", "sat_cb", "sat_st", "sat_overall"};

static int campaign(lcm_db *db, const char *city, lcm_field_mode mode, long long *id,
                    lcm_err *err) {
    lcm_field_campaign c;
    if (lcm_field_campaign_add(db, "household", NULL, city, 2026, mode, NULL, &c, err) != LCM_OK)
        return 0;
    *id = c.id;
    return 1;
}

/* Load the households of one interviewer and give them their dispositions. */
static int households(lcm_db *db, long long cid, const char *ivname, const fx_hh *h, size_t n,
                      lcm_err *err) {
    char tok[LCM_FIELD_TOKEN_LEN + 1];
    lcm_field_interviewer iv;
    if (lcm_field_interviewer_token(db, ivname, tok, NULL, err) != LCM_OK ||
        lcm_field_interviewer_get(db, ivname, &iv, err) != LCM_OK)
        return 0;
    char csv[4096] = "household_id,address,community,stratum\n";
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(csv);
        snprintf(csv + l, sizeof csv - l, "%s,某路%zu号,%s,%s\n", h[i].hh, i + 1, h[i].community,
                 h[i].stratum);
    }
    char name[64];
    snprintf(name, sizeof name, "dash-%lld-%lld.csv", cid, iv.id);
    const char *path = lcmt_write(lcmt_tmp(name), csv, strlen(csv));
    if (lcm_field_assign_csv(db, cid, iv.id, path, NULL, err) != LCM_OK)
        return 0;
    lcm_field_assignment *a = NULL;
    size_t na = 0;
    if (lcm_field_assignments(db, iv.id, cid, &a, &na, err) != LCM_OK || na != n) {
        free(a);
        return 0;
    }
    int ok = 1;
    for (size_t i = 0; ok && i < n; i++) {
        if (!h[i].disp)
            continue;
        if (strcmp(h[i].disp, "1.1") == 0)
            ok = lcm_field_assignment_open(db, a[i].id, iv.id, h[i].inst, err) == LCM_OK &&
                 lcm_field_assignment_complete(db, a[i].id, iv.id, h[i].inst, err) == LCM_OK;
        else
            ok = lcm_field_assignment_dispose(db, a[i].id, iv.id, h[i].disp, NULL, err) == LCM_OK;
    }
    free(a);
    return ok;
}

static int exec(lcm_db *db, const char *sql, lcm_err *err) {
    return lcm_db_exec(db, sql, err) == LCM_OK;
}

/* The interviews: response rows, paradata, submission records. */
static int answers(lcm_db *db, lcm_err *err) {
    char table[128] = "";
    sqlite3_stmt *st = NULL;
    if (lcm_db_prepare(db, "SELECT table_name FROM forms WHERE form_id = 'household'", &st, err) !=
        LCM_OK)
        return 0;
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(table, sizeof table, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    int ok = table[0] != '\0';
    for (size_t i = 0; ok && i < sizeof interviews / sizeof interviews[0]; i++) {
        const fx_iv *v = &interviews[i];
        char sql[2048];
        const char *city = strstr(v->campaign, "4401") ? "4401" : "4403";
        int l = snprintf(sql, sizeof sql,
                         "INSERT INTO \"%s\" (instance_id, city, wave, status, source", table);
        for (int k = 0; k < 9 && v->sat[k]; k++)
            l += snprintf(sql + l, sizeof sql - (size_t)l, ", %s", sat_cols[k]);
        l += snprintf(sql + l, sizeof sql - (size_t)l,
                      ") VALUES ('%s', '%s', 2026, 'complete', 'web'", v->inst, city);
        for (int k = 0; k < 9 && v->sat[k]; k++)
            l += snprintf(sql + l, sizeof sql - (size_t)l, ", %s", v->sat[k]);
        snprintf(sql + l, sizeof sql - (size_t)l, ");");
        ok = exec(db, sql, err);
        for (int page = 1; ok && page <= 2; page++) {
            snprintf(sql, sizeof sql,
                     "INSERT INTO serve_paradata (instance_id, page, first_shown, submitted, "
                     "time_ms, submits) VALUES ('%s', 'p%d', '%s', '%s', %d, 1);",
                     v->inst, page, v->at, v->at, v->ms_per_page);
            ok = exec(db, sql, err);
        }
        if (ok) {
            snprintf(sql, sizeof sql,
                     "INSERT INTO serve_submissions (instance_id, campaign, fingerprint, "
                     "submitted_at, duplicate_of) VALUES ('%s', '%s', '%s', '%s', %s%s%s);",
                     v->inst, v->campaign, v->dup ? v->dup : v->inst, v->at, v->dup ? "'" : "",
                     v->dup ? v->dup : "NULL", v->dup ? "'" : "");
            ok = exec(db, sql, err);
        }
    }
    return ok;
}

const char *dasht_db(void) {
    static char path[4096];
    static int tried;
    if (tried)
        return path[0] ? path : NULL;
    tried = 1;
    char p[4096];
    /* LCMT_DASH_DB=PATH builds it there instead, to look at (an existing file is replaced) */
    const char *keep = getenv("LCMT_DASH_DB");
    snprintf(p, sizeof p, "%s", keep && *keep ? keep : lcmt_tmp("dash.db"));
    if (keep && *keep)
        remove(p);
    static const fx_hh wang[] = {
        {"G01", "440103002001", "城区", 0, "1.1", "g01"},
        {"G02", "440103002001", "城区", 0, "1.1", "g02"},
        {"G03", "440103002002", "城区", 0, "1.1", "g03"},
        {"G04", "440103002002", "城区", 0, "2.11", NULL},
        {"G05", "440103002003", "城区", 0, "2.24", NULL},
    };
    static const fx_hh li[] = {
        {"G06", "440103003001", "近郊", 0, "1.1", "g06"},
        {"G07", "440103003001", "近郊", 0, "1.1", "g07"},
        {"G08", "440103003001", "近郊", 0, "2.12", NULL},
        {"G09", "440103003002", "近郊", 0, "3.18", NULL},
        {"G10", "440103003002", "近郊", 0, "4.60", NULL},
        {"G11", "440103003002", "近郊", 0, NULL, NULL},
        {"G12", "440103003003", "近郊", 0, "2.33", NULL},
        {"G13", "440103003003", "近郊", 0, "1.2", NULL},
    };
    static const fx_hh zhao[] = {
        {"S01", "440303001001", "", 0, "1.1", "s01"},
        {"S02", "440303001001", "", 0, "2.11", NULL},
    };
    static const fx_hh bj[] = {{"B01", "110101001001", "", 0, NULL, NULL}};
    lcm_db *db = NULL;
    lcm_form *f = NULL;
    lcm_err err = {0};
    long long gz = 0, sz = 0, bjc = 0;
    int ok = lcm_db_open(p, LCM_OPEN_CREATE, &db, &err) == LCM_OK &&
             lcm_reference_load(db, lcmt_path("surveys"), NULL, &err) == LCM_OK &&
             lcm_form_read_dir(lcmt_path("surveys/household"), &f, &err) == LCM_OK &&
             lcm_form_store(db, f, NULL, &err) == LCM_OK &&
             campaign(db, "4401", LCM_FIELD_TOKEN, &gz, &err) &&
             campaign(db, "4403", LCM_FIELD_OPEN, &sz, &err) &&
             campaign(db, "1100", LCM_FIELD_TOKEN, &bjc, &err) &&
             households(db, gz, "王芳", wang, 5, &err) && households(db, gz, "李强", li, 8, &err) &&
             households(db, sz, "赵敏", zhao, 2, &err) &&
             households(db, bjc, "陈静", bj, 1, &err) && answers(db, &err);
    lcm_form_free(f);
    lcm_db_close(db);
    if (!ok) {
        fprintf(stderr, "\n  dasht_db: %s\n", err.msg);
        return NULL;
    }
    snprintf(path, sizeof path, "%s", p);
    return path;
}

/* The fixture is what the comment says: the store's own outcome counts (field.h) agree. */
static void dash_fixture__matches_the_table_above(void) {
    const char *path = dasht_db();
    CU_ASSERT_PTR_NOT_NULL_FATAL(path);
    lcm_db *db = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(path, 0, &db, NULL), LCM_OK);
    lcm_field_campaign c;
    lcm_field_outcomes o;
    CU_ASSERT_EQUAL_FATAL(lcm_field_campaign_get(db, "household-4401-2026", &c, NULL), LCM_OK);
    CU_ASSERT_EQUAL(lcm_field_outcomes_get(db, c.id, &o, NULL), LCM_OK);
    CU_ASSERT_EQUAL(o.complete, 5);
    CU_ASSERT_EQUAL(o.partial, 1);
    CU_ASSERT_EQUAL(o.refusal, 2);
    CU_ASSERT_EQUAL(o.noncontact, 1);
    CU_ASSERT_EQUAL(o.other, 1);
    CU_ASSERT_EQUAL(o.unknown, 1);
    CU_ASSERT_EQUAL(o.pending, 1);
    CU_ASSERT_EQUAL(o.ineligible, 1);
    CU_ASSERT_DOUBLE_EQUAL(o.rr1, 5.0 / 12.0, 1e-15);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM serve_submissions"), 7);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT sum(time_ms) FROM serve_paradata WHERE instance_id = "
                                   "'g03'"),
                    150000);
    lcm_db_close(db);
}

const lcmt_case lcmt_dash_fixture_cases[] = {
    {"matches_the_table_above", dash_fixture__matches_the_table_above},
    {NULL, NULL},
};
