/*
 * test_serve_admin.c - `lcmon serve campaign|tokens|assign|outcomes` run as a user runs them:
 * the link printed, the QR code equal to the engine's, tokens written 0600 and stored only
 * hashed, the printable invitations, a sign-in link shown once, outcomes and RR1.
 */
#include "testing.h"

#include "field.h"
#include "qr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A database with the reference data and the household form, made once by the binary. */
static const char *admin_db(void) {
    static char path[4096];
    if (path[0])
        return path;
    snprintf(path, sizeof path, "%s", lcmt_tmp("admin.db"));
    const char *init[] = {"init", path, NULL};
    const char *load[] = {"form", "load", path, lcmt_path("surveys/household"), NULL};
    CU_ASSERT_EQUAL(lcmt_run(init, NULL, NULL, NULL), 0);
    CU_ASSERT_EQUAL(lcmt_run(load, NULL, NULL, NULL), 0);
    return path;
}

static void serve_admin__campaign_add_prints_link_and_writes_qr(void) {
    const char *db = admin_db();
    char qr[4096];
    snprintf(qr, sizeof qr, "%s", lcmt_tmp("poster"));
    const char *args[] = {"serve",  "campaign",  "add",        db,
                          "--form", "household", "--city",     "4403",
                          "--wave", "2026",      "--base-url", "https://survey.example.cn/",
                          "--qr",   qr,          NULL};
    char *out = NULL, *err = NULL;
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, &out, &err), 0);
    LCMT_ASSERT_HAS(out, "campaign household-4403-2026: form household 2026.1, 深圳市 (4403), "
                         "wave 2026, open link\n");
    LCMT_ASSERT_HAS(out, "link: https://survey.example.cn/c/household-4403-2026\n");
    free(out), free(err);
    /* the PNG written is the engine's QR code of the printed link, byte for byte */
    char png_path[4200];
    snprintf(png_path, sizeof png_path, "%s.png", qr);
    size_t n = 0;
    char *png = lcmt_slurp(png_path, &n);
    unsigned char *want = NULL;
    size_t wn = 0;
    CU_ASSERT_EQUAL_FATAL(
        lcm_qr_png("https://survey.example.cn/c/household-4403-2026", 0, &want, &wn, NULL), LCM_OK);
    CU_ASSERT_EQUAL(n, wn);
    CU_ASSERT(png && n == wn && memcmp(png, want, n) == 0);
    free(png), free(want);
    /* the same campaign again: refused, exit 1, nothing overwritten */
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, NULL, &err), 1);
    LCMT_ASSERT_HAS(err, "lcmon: form 'household' version '2026.1' already has a campaign in "
                         "city 4403, wave 2026");
    free(err);
    const char *bad[] = {"serve", "campaign", "add", db, "--form", "household", NULL};
    CU_ASSERT_EQUAL(lcmt_run(bad, NULL, NULL, NULL), 2);
}

static void serve_admin__tokens_written_private_and_stored_hashed(void) {
    const char *db = admin_db();
    const char *add[] = {"serve",  "campaign",     "add",    db,     "--form", "household",
                         "--city", "1100",         "--wave", "2026", "--mode", "token",
                         "--qr",   lcmt_tmp("bj"), NULL};
    CU_ASSERT_EQUAL_FATAL(lcmt_run(add, NULL, NULL, NULL), 0);
    char prefix[4096];
    snprintf(prefix, sizeof prefix, "%s", lcmt_tmp("inv"));
    const char *args[] = {"serve",   "tokens", db,      "--campaign", "household-1100-2026",
                          "--count", "4",      "--out", prefix,       NULL};
    char *out = NULL;
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, &out, NULL), 0);
    LCMT_ASSERT_HAS(out, "4 tokens for campaign household-1100-2026 (serials 1-4)");
    free(out);
    char csv_path[4200], html_path[4200];
    snprintf(csv_path, sizeof csv_path, "%s.csv", prefix);
    snprintf(html_path, sizeof html_path, "%s.html", prefix);
    struct stat sc, sh;
    CU_ASSERT_EQUAL_FATAL(stat(csv_path, &sc), 0);
    CU_ASSERT_EQUAL_FATAL(stat(html_path, &sh), 0);
    CU_ASSERT_EQUAL(sc.st_mode & 0777, 0600);
    CU_ASSERT_EQUAL(sh.st_mode & 0777, 0600);
    char *csv = lcmt_slurp(csv_path, NULL), *html = lcmt_slurp(html_path, NULL);
    CU_ASSERT_EQUAL(lcmt_count_lines(csv), 5);
    CU_ASSERT_EQUAL(strncmp(csv, "serial,token,link\n1,", 20), 0);
    /* every token of the CSV is in the database as its SHA-256, fresh, and on the sheet */
    lcm_db *h = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(db, LCM_OPEN_READONLY, &h, NULL), LCM_OK);
    int seen = 0;
    for (char *line = strchr(csv, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
        char tok[LCM_FIELD_TOKEN_LEN + 1];
        const char *comma = strchr(line + 1, ',');
        CU_ASSERT_FATAL(comma != NULL);
        memcpy(tok, comma + 1, LCM_FIELD_TOKEN_LEN);
        tok[LCM_FIELD_TOKEN_LEN] = '\0';
        lcm_field_token t;
        CU_ASSERT_EQUAL(lcm_field_token_find(h, tok, &t, NULL), LCM_OK);
        CU_ASSERT_EQUAL(t.state, LCM_FIELD_TOKEN_FRESH);
        CU_ASSERT_EQUAL(t.serial, seen + 1);
        char link[128];
        snprintf(link, sizeof link, "http://127.0.0.1:8080/t/%s", tok);
        LCMT_ASSERT_HAS(html, link);
        seen++;
    }
    CU_ASSERT_EQUAL(seen, 4);
    CU_ASSERT_EQUAL(lcmt_count(h, "SELECT count(*) FROM field_tokens WHERE length(hash) = 64"), 4);
    lcm_db_close(h);
    LCMT_ASSERT_HAS(html, "<div class=\"card\" id=\"inv-4\">");
    LCMT_ASSERT_HAS(html, "您家被抽中参加北京市2026年");
    free(csv), free(html);
    /* the files exist: a second run refuses before issuing anything */
    char *err = NULL;
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, NULL, &err), 1);
    LCMT_ASSERT_HAS(err, "exists");
    free(err);
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(db, LCM_OPEN_READONLY, &h, NULL), LCM_OK);
    CU_ASSERT_EQUAL(lcmt_count(h, "SELECT count(*) FROM field_tokens"), 4);
    lcm_db_close(h);
}

static void serve_admin__assign_shows_sign_in_once_and_outcomes(void) {
    const char *db = admin_db();
    const char *add[] = {"serve",     "campaign",       "add",  db,       "--form",
                         "household", "--city",         "1100", "--wave", "2027",
                         "--qr",      lcmt_tmp("bj27"), NULL};
    CU_ASSERT_EQUAL_FATAL(lcmt_run(add, NULL, NULL, NULL), 0);
    const char *list = lcmt_write(lcmt_tmp("sample.csv"),
                                  "household_id,address,community\n"
                                  "H1,东华门街道1号,110101001003\nH2,东华门街道2号,110101001004\n",
                                  strlen("household_id,address,community\n"
                                         "H1,东华门街道1号,110101001003\nH2,东华门街道2号,"
                                         "110101001004\n"));
    const char *args[] = {
        "serve", "assign", db, "--interviewer", "王芳", "--campaign", "household-1100-2027",
        list,    NULL};
    char *out = NULL, *err = NULL;
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, &out, NULL), 0);
    LCMT_ASSERT_HAS(out, "2 households assigned to interviewer");
    LCMT_ASSERT_HAS(out, "sign-in link (shown once, give it to the interviewer only): "
                         "http://127.0.0.1:8080/i/");
    /* the printed link signs the interviewer in */
    const char *tok = strstr(out, "/i/");
    lcm_db *h = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(db, LCM_OPEN_READONLY, &h, NULL), LCM_OK);
    char t[LCM_FIELD_TOKEN_LEN + 1] = "";
    if (tok)
        snprintf(t, sizeof t, "%.26s", tok + 3);
    lcm_field_interviewer iv;
    CU_ASSERT_EQUAL(lcm_field_interviewer_find(h, t, &iv, NULL), LCM_OK);
    CU_ASSERT_STRING_EQUAL(iv.name, "王芳");
    CU_ASSERT_EQUAL(iv.assigned, 2);
    lcm_db_close(h);
    free(out);
    /* the same list again: the household numbers are taken; no new link is shown */
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, &out, &err), 1);
    CU_ASSERT_PTR_NULL(strstr(out, "sign-in"));
    LCMT_ASSERT_HAS(err, "sample.csv:2:1 (household_id): household number 'H1' is already "
                         "assigned in this campaign");
    free(out), free(err);
    /* a new interviewer whose list is refused is not kept */
    const char *badlist = lcmt_write(lcmt_tmp("bad.csv"),
                                     "household_id,address,community\n"
                                     "H7,x,110101001099\n",
                                     strlen("household_id,address,community\nH7,x,"
                                            "110101001099\n"));
    const char *bad[] = {
        "serve", "assign", db, "--interviewer", "新人", "--campaign", "household-1100-2027",
        badlist, NULL};
    CU_ASSERT_EQUAL(lcmt_run(bad, NULL, NULL, &err), 1);
    LCMT_ASSERT_HAS(err, "bad.csv:2:3 (community): community '110101001099' is beyond");
    free(err);
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(db, LCM_OPEN_READONLY, &h, NULL), LCM_OK);
    CU_ASSERT_EQUAL(lcmt_count(h, "SELECT count(*) FROM field_interviewers WHERE name = '新人'"),
                    0);
    lcm_db_close(h);
    const char *oc[] = {"serve", "outcomes", db, "--campaign", "household-1100-2027", NULL};
    CU_ASSERT_EQUAL(lcmt_run(oc, NULL, &out, NULL), 0);
    LCMT_ASSERT_HAS(out, "campaign household-1100-2027: 2 households\n");
    LCMT_ASSERT_HAS(out, "pending 2\n");
    LCMT_ASSERT_HAS(out, "response rate RR1 (AAPOR): 0.0%");
    free(out);
}

const lcmt_case lcmt_serve_admin_cases[] = {
    {"campaign_add_prints_link_and_writes_qr", serve_admin__campaign_add_prints_link_and_writes_qr},
    {"tokens_written_private_and_stored_hashed",
     serve_admin__tokens_written_private_and_stored_hashed},
    {"assign_shows_sign_in_once_and_outcomes", serve_admin__assign_shows_sign_in_once_and_outcomes},
    {NULL, NULL},
};
