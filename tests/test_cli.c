/*
 * test_cli.c - the real lcmon binary: exit codes, messages, and the foundation's
 * acceptance commands (init twice, framework rows, cities by region, refused files).
 */
#include "testing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void cli__help_version_and_usage_errors(void) {
    char *out = NULL, *err = NULL;
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"--help", NULL}, NULL, &out, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "framework"));
    free(out), free(err);
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"--version", NULL}, NULL, &out, &err), 0);
    CU_ASSERT_EQUAL(strncmp(out, "lcmon ", 6), 0);
    free(out), free(err);
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"help", "init", NULL}, NULL, &out, &err), 0);
    CU_ASSERT_EQUAL(strncmp(out, "usage: lcmon init", 17), 0);
    free(out), free(err);
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"frobnicate", NULL}, NULL, &out, &err), 2);
    CU_ASSERT_STRING_EQUAL(err, "lcmon: unknown command: 'frobnicate' (see 'lcmon --help')\n");
    free(out), free(err);
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"init", NULL}, NULL, &out, &err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "usage: lcmon init"));
    free(out), free(err);
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"cities", "--region", "north", NULL}, NULL, &out, &err), 2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown region: 'north'"));
    free(out), free(err);
}

static void cli__init_twice_is_safe(void) {
    char db[4096], *out = NULL, *err = NULL;
    snprintf(db, sizeof db, "%s", lcmt_tmp("cli.db"));
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"init", db, NULL}, NULL, &out, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "created"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "337 cities"));
    free(out), free(err);
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"init", db, NULL}, NULL, &out, &err), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "up to date"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "337 cities"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "43 monitoring points"));
    free(out), free(err);
    /* The database copy of the framework prints the same rows as the shipped one. */
    char *a = NULL, *b = NULL;
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"framework", "show", "--db", db, "--format", "csv", NULL}, NULL,
                 &a, NULL),
        0);
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"framework", "show", "--format", "csv", NULL}, NULL, &b, NULL),
        0);
    CU_ASSERT_STRING_EQUAL(a, b);
    free(a), free(b);
}

static void cli__framework_show_formats(void) {
    char *out = NULL;
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"framework", "show", "--format", "csv", NULL}, NULL, &out, NULL),
        0);
    CU_ASSERT_EQUAL(lcmt_count_lines(out), 44); /* header + 43 monitoring points (seed 附件1) */
    CU_ASSERT_EQUAL(strncmp(out, "code,level,parent,", 18), 0);
    free(out);
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"framework", "show", "--level", "2", "--format", "csv", NULL},
                 NULL, &out, NULL),
        0);
    CU_ASSERT_EQUAL(lcmt_count_lines(out), 18); /* header + 17 second-level indicators */
    free(out);
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"framework", "show", "--all", "--format", "json", NULL}, NULL,
                 &out, NULL),
        0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"code\": \"3.3.2\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"target_low\": 1.5"));
    free(out);
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"framework", "show", "--level", "1", NULL}, NULL, &out, NULL), 0);
    CU_ASSERT_EQUAL(lcmt_count_lines(out), 5); /* header + 4 first-level indicators */
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "特色与成效"));
    free(out);
}

static void cli__cities_filters(void) {
    char *out = NULL;
    /* surveys/reference/README.md: 131 western prefecture-level units less the grouping 6590
     * = 130, plus the municipality 重庆 = 131 cities. */
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"cities", "--region", "west", NULL}, NULL, &out, NULL), 0);
    CU_ASSERT_EQUAL(lcmt_count_lines(out), 131);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "5000 重庆市"));
    free(out);
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"cities", "--region", "west", "--tier", "prefecture_level", NULL},
                 NULL, &out, NULL),
        0);
    CU_ASSERT_EQUAL(lcmt_count_lines(out), 130);
    free(out);
    /* city_tiers.csv: 27 provincial capitals, 5 separately planned cities. */
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"cities", "--tier", "provincial_capital", NULL}, NULL,
                             &out, NULL),
                    0);
    CU_ASSERT_EQUAL(lcmt_count_lines(out), 27);
    free(out);
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"cities", "--province", "广东省", "--format", "csv", NULL}, NULL,
                 &out, NULL),
        0);
    CU_ASSERT_EQUAL(lcmt_count_lines(out), 22); /* header + 21 prefecture-level cities of 广东 */
    free(out);
}

static void cli__bad_database_file_exit_1_untouched(void) {
    const char *path = lcmt_tmp("garbage.db");
    char p[4096];
    snprintf(p, sizeof p, "%s", path);
    FILE *fp = fopen(p, "wb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    static const char zip[] = "PK\003\004 a zip file, say\n";
    fputs(zip, fp);
    fclose(fp);
    char *out = NULL, *err = NULL;
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"init", p, NULL}, NULL, &out, &err), 1);
    char want[4200];
    snprintf(want, sizeof want, "lcmon: not an SQLite database: '%s'\n", p);
    CU_ASSERT_STRING_EQUAL(err, want);
    free(out), free(err);
    fp = fopen(p, "rb");
    char buf[64] = {0};
    size_t n = fread(buf, 1, sizeof buf, fp);
    fclose(fp);
    CU_ASSERT_EQUAL(n, sizeof zip - 1);
    CU_ASSERT_EQUAL(memcmp(buf, zip, sizeof zip - 1), 0);
}

const lcmt_case lcmt_cli_cases[] = {
    {"cli__help_version_and_usage_errors", cli__help_version_and_usage_errors},
    {"cli__init_twice_is_safe", cli__init_twice_is_safe},
    {"cli__framework_show_formats", cli__framework_show_formats},
    {"cli__cities_filters", cli__cities_filters},
    {"cli__bad_database_file_exit_1_untouched", cli__bad_database_file_exit_1_untouched},
    {NULL, NULL},
};
