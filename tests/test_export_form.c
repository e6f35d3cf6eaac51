/*
 * test_export_form.c - `lcmon export --form`: the household questionnaire's main table and
 * members roster in every format, the personal-data rule, labels, and the R script.
 * The responses are tests/fixtures/import/responses_ok.csv (three households, seven
 * members, see test_import_resp.c), imported into a fresh database.
 */
#include "form.h"
#include "testing.h"

#include <readstat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *db_path(void) {
    static char path[4096];
    if (!path[0]) {
        snprintf(path, sizeof path, "%s", lcmt_tmp("export_form.db"));
        CU_ASSERT_EQUAL_FATAL(lcmt_run((const char *[]){"init", path, NULL}, NULL, NULL, NULL), 0);
        CU_ASSERT_EQUAL_FATAL(
            lcmt_run((const char *[]){"form", "load", path, lcmt_path("surveys/household"), NULL},
                     NULL, NULL, NULL),
            0);
        char csv[4096];
        snprintf(csv, sizeof csv, "%s", lcmt_path("tests/fixtures/import/responses_ok.csv"));
        CU_ASSERT_EQUAL_FATAL(lcmt_run((const char *[]){"import", "responses", path, csv, "--form",
                                                        "household", NULL},
                                       NULL, NULL, NULL),
                              0);
    }
    return path;
}

/* 1 when the n bytes at hay hold the string needle. */
static int holds(const char *hay, size_t n, const char *needle) {
    size_t k = strlen(needle);
    for (size_t i = 0; hay && i + k <= n; i++)
        if (memcmp(hay + i, needle, k) == 0)
            return 1;
    return 0;
}

static int starts(const char *s, const char *prefix) {
    int ok = s && strncmp(s, prefix, strlen(prefix)) == 0;
    if (!ok)
        fprintf(stderr, "\n  wanted '%s' at the start of:\n%.400s", prefix, s ? s : "(null)");
    return ok;
}

/* Run export with args after "export DB --form household". */
static int run_export(const char *const *extra, char **out, char **err) {
    /* the imported households are drafts: exported only when asked for */
    const char *args[24] = {"export", db_path(), "--form", "household", "--include-drafts"};
    size_t n = 5;
    for (; *extra && n < 23; extra++)
        args[n++] = *extra;
    args[n] = NULL;
    return lcmt_run(args, NULL, out, err);
}

static void export_form__csv_one_file_per_table_without_pii(void) {
    char out_path[4096], *out = NULL;
    snprintf(out_path, sizeof out_path, "%s", lcmt_tmp("hh.csv"));
    CU_ASSERT_EQUAL(
        run_export((const char *[]){"--format", "csv", "--out", out_path, NULL}, &out, NULL), 0);
    CU_ASSERT(lcmt_has(out, "wrote 3 rows x 75 columns of 'household' to '"));
    CU_ASSERT(lcmt_has(out, "wrote 7 rows x 9 columns of 'members' to '"));
    CU_ASSERT(lcmt_has(out, "hh__members.csv'"));
    CU_ASSERT(lcmt_has(out, "left out 2 columns of personal data (household_id, interviewer)"));
    char *main_csv = lcmt_slurp(out_path, NULL),
         *members = lcmt_slurp(lcmt_tmp("hh__members.csv"), NULL);
    /* BOM by default; the standard columns the PII fields fill are gone */
    CU_ASSERT(starts(main_csv, "\xEF\xBB\xBF"
                               "instance_id,city,wave,stratum,psu,design_weight,final_weight,"
                               "started_at,ended_at,status,source,today,county,"));
    CU_ASSERT(main_csv && !strstr(main_csv, "访员4413A") && !strstr(main_csv, "001-01"));
    CU_ASSERT(lcmt_has(main_csv, ",aware,aware_cc,aware_eu,"));
    CU_ASSERT(members &&
              strcmp(members, "\xEF\xBB\xBF"
                              "instance_id,position,m_rel,m_sex,m_age,m_edu,m_work,m_disability,"
                              "m_learned\r\n"
                              "7ac0bc48-955e-4d4a-9669-b536d6510d1f,1,1,2,49,3,4,0,0\r\n"
                              "7ac0bc48-955e-4d4a-9669-b536d6510d1f,2,2,1,49,3,1,0,0\r\n"
                              "7ac0bc48-955e-4d4a-9669-b536d6510d1f,3,3,2,21,5,3,0,0\r\n"
                              "a7c9da0c-bef1-4a88-9b22-ec11e66865f6,1,1,1,56,4,1,0,1\r\n"
                              "a7c9da0c-bef1-4a88-9b22-ec11e66865f6,2,2,2,56,3,1,0,1\r\n"
                              "a7c9da0c-bef1-4a88-9b22-ec11e66865f6,3,3,2,20,6,3,0,1\r\n"
                              "8afae23f-46cf-4b54-b036-63f8da4045f9,1,1,2,56,3,1,0,1\r\n") == 0);
    free(out), free(main_csv), free(members);
    /* --include-pii and --no-bom: the household number and interviewer are back (--force:
     * over the files of the first export) */
    CU_ASSERT_EQUAL(run_export((const char *[]){"--format", "csv", "--out", out_path,
                                                "--include-pii", "--no-bom", "--force", NULL},
                               &out, NULL),
                    0);
    main_csv = lcmt_slurp(out_path, NULL);
    CU_ASSERT(starts(main_csv, "instance_id,city,wave,stratum,psu,household_id,"));
    CU_ASSERT(lcmt_has(main_csv, ",001-01,,,访员4413A,"));
    CU_ASSERT(out && !strstr(out, "personal data"));
    free(out), free(main_csv);
}

static void export_form__labels_in_the_chosen_language(void) {
    char path[4096];
    snprintf(path, sizeof path, "%s", lcmt_tmp("lab.csv"));
    CU_ASSERT_EQUAL(run_export((const char *[]){"--format", "csv", "--out", path, "--labels",
                                                "--lang", "en", NULL},
                               NULL, NULL),
                    0);
    char *csv = lcmt_slurp(path, NULL), *members = lcmt_slurp(lcmt_tmp("lab__members.csv"), NULL);
    /* first household: community_type rc, consent 1, sex 2, age 49, edu 3 */
    CU_ASSERT(lcmt_has(csv, ",Residents' committee (urban community),Yes,Female,49,45-59,Junior "
                            "secondary,"));
    CU_ASSERT(
        lcmt_has(members, "7ac0bc48-955e-4d4a-9669-b536d6510d1f,1,The respondent,Female,49,"));
    free(csv), free(members);
    char *err = NULL;
    CU_ASSERT_EQUAL(
        run_export((const char *[]){"--format", "csv", "--out", path, "--lang", "fr", NULL}, NULL,
                   &err),
        2);
    CU_ASSERT(lcmt_has(err, "--lang must be zh or en, not 'fr'"));
    free(err);
}

/* What readstat reads back: variable labels and value labels of a few variables, and
 * the cells of one variable. */
typedef struct readback {
    char text[8192];
    int want_col;
    char sex_set[64], aware_set[64]; /* label set names (sav names them labels0, ...) */
} readback;

/* Append the strings a, b, c to the readback. */
static void add(readback *r, const char *a, const char *b, const char *c) {
    size_t n = strlen(r->text);
    snprintf(r->text + n, sizeof r->text - n, "%s%s%s", a, b, c);
}

static int on_variable(int index, readstat_variable_t *v, const char *labels, void *ctx) {
    readback *r = ctx;
    const char *name = readstat_variable_get_name(v), *label = readstat_variable_get_label(v);
    if (strcmp(name, "sex") == 0 || strcmp(name, "aware_cc") == 0 || strcmp(name, "city") == 0) {
        add(r, name, "=", label ? label : "");
        add(r, ";", "", "");
        if (strcmp(name, "sex") == 0)
            r->want_col = index;
        if (strcmp(name, "city") != 0)
            snprintf(strcmp(name, "sex") == 0 ? r->sex_set : r->aware_set, sizeof r->sex_set, "%s",
                     labels ? labels : "");
    }
    return READSTAT_HANDLER_OK;
}

static int on_value_label(const char *set, readstat_value_t value, const char *label, void *ctx) {
    readback *r = ctx;
    char v[32];
    snprintf(v, sizeof v, "%g",
             readstat_value_type(value) == READSTAT_TYPE_STRING ? -1.0
                                                                : readstat_double_value(value));
    add(r, "[", set, " ");
    add(r, v, "=", label);
    add(r, "]", "", "");
    return READSTAT_HANDLER_OK;
}

static int on_value(int obs, readstat_variable_t *v, readstat_value_t value, void *ctx) {
    readback *r = ctx;
    char num[32];
    (void)obs;
    if (readstat_variable_get_index(v) != r->want_col)
        return READSTAT_HANDLER_OK;
    snprintf(num, sizeof num, "%g", readstat_double_value(value));
    add(r, " sex:", num, "");
    return READSTAT_HANDLER_OK;
}

static void export_form__sav_and_dta_carry_variable_and_value_labels(void) {
    static const char want[] =
        "city=城市代码;sex=受访者性别;aware_cc=您知道本市以下哪些终身学习资源和服务？（可多选）: "
        "社区教育学院/社区学校/教学点;";
    for (int dta = 0; dta < 2; dta++) {
        char path[4096];
        snprintf(path, sizeof path, "%s", lcmt_tmp(dta ? "hh.dta" : "hh.sav"));
        CU_ASSERT_EQUAL(
            run_export((const char *[]){"--format", dta ? "dta" : "sav", "--out", path, NULL}, NULL,
                       NULL),
            0);
        readback r = {"", -1, "", ""};
        readstat_parser_t *p = readstat_parser_init();
        readstat_set_variable_handler(p, on_variable);
        readstat_set_value_label_handler(p, on_value_label);
        readstat_set_value_handler(p, on_value);
        CU_ASSERT_EQUAL(dta ? readstat_parse_dta(p, path, &r) : readstat_parse_sav(p, path, &r),
                        READSTAT_OK);
        readstat_parser_free(p);
        char sex[256], aware[256];
        snprintf(sex, sizeof sex, "[%s 1=男][%s 2=女]", r.sex_set, r.sex_set);
        snprintf(aware, sizeof aware, "[%s 0=未选][%s 1=选中]", r.aware_set, r.aware_set);
        if (!strstr(r.text, want) || !strstr(r.text, sex) || !strstr(r.text, aware) ||
            !strstr(r.text, " sex:2 sex:1 sex:2"))
            fprintf(stderr, "\n  %s read back as '%s'", dta ? "dta" : "sav", r.text);
        CU_ASSERT(r.sex_set[0] && r.aware_set[0]);
        CU_ASSERT(strstr(r.text, want) != NULL);
        CU_ASSERT(strstr(r.text, sex) != NULL);
        CU_ASSERT(strstr(r.text, aware) != NULL);
        CU_ASSERT(strstr(r.text, " sex:2 sex:1 sex:2") != NULL); /* the three households */
        snprintf(path, sizeof path, "%s", lcmt_tmp(dta ? "hh__members.dta" : "hh__members.sav"));
        struct stat sb;
        CU_ASSERT_EQUAL(stat(path, &sb), 0);
    }
}

static void export_form__xlsx_sheets_and_json_arrays(void) {
    char path[4096], *out = NULL;
    snprintf(path, sizeof path, "%s", lcmt_tmp("hh.xlsx"));
    CU_ASSERT_EQUAL(
        run_export((const char *[]){"--format", "xlsx", "--out", path, NULL}, &out, NULL), 0);
    size_t slurped = 0;
    char *x = lcmt_slurp(path, &slurped);
    CU_ASSERT(x && memcmp(x, "PK\x03\x04", 4) == 0);
    /* zip member names are stored uncompressed: one worksheet per table, then the codebook
     * (test_export_syntax.c reads it) */
    CU_ASSERT(holds(x, slurped, "xl/worksheets/sheet3.xml"));
    CU_ASSERT(!holds(x, slurped, "xl/worksheets/sheet4.xml"));
    free(x), free(out);
    snprintf(path, sizeof path, "%s", lcmt_tmp("hh.json"));
    CU_ASSERT_EQUAL(
        run_export((const char *[]){"--format", "json", "--out", path, NULL}, NULL, NULL), 0);
    char *j = lcmt_slurp(path, NULL);
    CU_ASSERT(starts(j, "{\"form\": \"household\", \"version\": \"2026.1\", \"tables\": [\n "
                        "{\"name\": \"household\", \"table\": \"resp_household_2026_1\", "
                        "\"key\": [\"instance_id\"],\n  \"variables\": [{\"name\": "
                        "\"instance_id\", \"label\": \"实例编号\"},"));
    CU_ASSERT(lcmt_has(j, "{\"name\": \"members\", \"table\": \"resp_household_2026_1__members\", "
                          "\"key\": [\"instance_id\", \"position\"],"));
    CU_ASSERT(lcmt_has(j, "\n   {\"instance_id\": \"8afae23f-46cf-4b54-b036-63f8da4045f9\", "
                          "\"position\": 1, \"m_rel\": \"1\", \"m_sex\": \"2\", \"m_age\": 56,"));
    CU_ASSERT(j && !strstr(j, "household_id"));
    free(j);
}

static void export_form__bad_requests_fail_cleanly(void) {
    char path[4096], *err = NULL;
    snprintf(path, sizeof path, "%s", lcmt_tmp("nodir/hh.csv"));
    CU_ASSERT_EQUAL(
        run_export((const char *[]){"--format", "csv", "--out", path, NULL}, NULL, &err), 1);
    CU_ASSERT(lcmt_has(err, "No such file or directory"));
    free(err);
    const char *args[] = {"export", db_path(),         "--form", "nosuch",
                          "--out",  lcmt_tmp("n.csv"), NULL};
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, NULL, &err), 1);
    CU_ASSERT(lcmt_has(err, "nosuch"));
    free(err);
    CU_ASSERT_EQUAL(run_export((const char *[]){"--format", "csv", NULL}, NULL, &err), 2);
    CU_ASSERT(lcmt_has(err, "a form is exported to files: --out PATH"));
    free(err);
    /* no design declared: the r format says what to do */
    CU_ASSERT_EQUAL(
        run_export((const char *[]){"--format", "r", "--out", lcmt_tmp("rnone"), NULL}, NULL, &err),
        1);
    CU_ASSERT(lcmt_has(err,
                       "no design declared for form 'household': declare it with 'lcmon design "
                       "set'"));
    free(err);
    struct stat sb;
    CU_ASSERT_NOT_EQUAL(stat(lcmt_tmp("rnone/household.csv"), &sb), 0);
}

static void export_form__pii_column_read_and_checked(void) {
    static const char settings[] = "form_title,form_id,version\nT,t,1\n";
    const char *survey = "type,name,label,lcmon_pii\ntext,name,Name,yes\ninteger,age,Age,\n";
    lcm_form *f = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_form_read_texts(survey, NULL, settings, &f, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_form_field(f, 0)->pii, 1);
    CU_ASSERT_EQUAL(lcm_form_field(f, 1)->pii, 0);
    lcm_form_free(f);
    f = NULL;
    survey = "type,name,label,lcmon_pii\ntext,name,Name,maybe\n";
    CU_ASSERT_NOT_EQUAL(lcm_form_read_texts(survey, NULL, settings, &f, &err), LCM_OK);
    CU_ASSERT_STRING_EQUAL(err.msg, "survey.csv:2:4: lcmon_pii must be yes or no, not 'maybe'");
    lcm_form_free(f);
    /* the shipped household form marks the household number and the interviewer */
    CU_ASSERT_EQUAL_FATAL(lcm_form_read_dir(lcmt_path("surveys/household"), &f, &err), LCM_OK);
    size_t n = 0;
    for (size_t i = 0; i < lcm_form_nfields(f); i++)
        if (lcm_form_field(f, i)->pii)
            n++;
    CU_ASSERT_EQUAL(n, 2);
    CU_ASSERT(lcm_form_field(f, (size_t)lcm_form_find(f, "household_no"))->pii);
    CU_ASSERT(lcm_form_field(f, (size_t)lcm_form_find(f, "interviewer"))->pii);
    lcm_form_free(f);
}

const lcmt_case lcmt_export_form_cases[] = {
    {"export_form__csv_one_file_per_table_without_pii",
     export_form__csv_one_file_per_table_without_pii},
    {"export_form__labels_in_the_chosen_language", export_form__labels_in_the_chosen_language},
    {"export_form__sav_and_dta_carry_variable_and_value_labels",
     export_form__sav_and_dta_carry_variable_and_value_labels},
    {"export_form__xlsx_sheets_and_json_arrays", export_form__xlsx_sheets_and_json_arrays},
    {"export_form__bad_requests_fail_cleanly", export_form__bad_requests_fail_cleanly},
    {"export_form__pii_column_read_and_checked", export_form__pii_column_read_and_checked},
    {NULL, NULL},
};
