/*
 * test_export.c - `lcmon export --dataset` in every format. CSV and JSON are compared
 * byte for byte; .sav and .dta are read back with libreadstat's own parser (names,
 * labels, values, missing cells); .xlsx is checked as a zip holding the sheet.
 */
#include "dataset.h"
#include "export.h"
#include "testing.h"

#include <readstat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char data[] = "city,年龄 (岁),weight,note\n"
                           "1100,34,1.5,\"a, b\"\n"
                           "1200,,0.1,北京\n";

static lcm_db *db_with_dataset(void) {
    static char path[4096];
    lcm_db *db = NULL;
    lcm_dataset_report rep;
    lcm_import_result res;
    snprintf(path, sizeof path, "%s", lcmt_tmp("export.csv"));
    FILE *fp = fopen(path, "w");
    fputs(data, fp);
    fclose(fp);
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(lcmt_tmp("export.db"), LCM_OPEN_CREATE, &db, NULL), LCM_OK);
    CU_ASSERT_EQUAL(lcm_dataset_import(db, path, "hh", NULL, &rep, &res, NULL), LCM_OK);
    lcm_dataset_report_free(&rep);
    return db;
}

static char *export_text(lcm_db *db, lcm_export_format f, int bom) {
    char *buf = NULL;
    size_t n = 0;
    FILE *fp = open_memstream(&buf, &n);
    lcm_export_opts o = {f, NULL, fp, bom, 0};
    long rows = 0;
    CU_ASSERT_EQUAL(lcm_export_dataset(db, "hh", &o, &rows, NULL), LCM_OK);
    CU_ASSERT_EQUAL(rows, 2);
    fclose(fp);
    return buf;
}

static void export__csv_and_json_exact(void) {
    lcm_db *db = db_with_dataset();
    char *csv = export_text(db, LCM_EXPORT_CSV, 1);
    CU_ASSERT_STRING_EQUAL(csv,
                           "\xEF\xBB\xBF"
                           "city,v2,weight,note\r\n1100,34,1.5,\"a, b\"\r\n1200,,0.1,北京\r\n");
    char *json = export_text(db, LCM_EXPORT_JSON, 0);
    CU_ASSERT_STRING_EQUAL(json,
                           "[\n {\"city\": 1100, \"v2\": 34, \"weight\": 1.5, \"note\": \"a, b\"},"
                           "\n {\"city\": 1200, \"v2\": null, \"weight\": 0.1, \"note\": "
                           "\"北京\"}\n]\n");
    free(csv), free(json);
    lcm_err err = {0};
    lcm_export_opts o = {LCM_EXPORT_CSV, NULL, stdout, 0, 0};
    CU_ASSERT_EQUAL(lcm_export_dataset(db, "nope", &o, NULL, &err), LCM_NOTFOUND);
    CU_ASSERT_STRING_EQUAL(err.msg, "unknown dataset: 'nope' (import one with 'lcmon import "
                                    "dataset')");
    lcm_db_close(db);
}

/* What readstat reads back: "name=label" per variable, then the cells row by row. */
typedef struct readback {
    char text[2048];
} readback;

static int on_variable(int index, readstat_variable_t *v, const char *labels, void *ctx) {
    readback *r = ctx;
    const char *label = readstat_variable_get_label(v);
    (void)index, (void)labels;
    size_t n = strlen(r->text);
    snprintf(r->text + n, sizeof r->text - n, "%s=%s;", readstat_variable_get_name(v),
             label ? label : "");
    return READSTAT_HANDLER_OK;
}

static int on_value(int obs, readstat_variable_t *v, readstat_value_t value, void *ctx) {
    readback *r = ctx;
    size_t n = strlen(r->text);
    int col = readstat_variable_get_index(v);
    const char *sep = col == 0 ? (obs == 0 ? "|" : "\n") : ",";
    if (readstat_value_is_system_missing(value))
        snprintf(r->text + n, sizeof r->text - n, "%s.", sep);
    else if (readstat_value_type(value) == READSTAT_TYPE_STRING)
        snprintf(r->text + n, sizeof r->text - n, "%s%s", sep, readstat_string_value(value));
    else
        snprintf(r->text + n, sizeof r->text - n, "%s%g", sep, readstat_double_value(value));
    return READSTAT_HANDLER_OK;
}

static void export__sav_and_dta_read_back_with_labels(void) {
    lcm_db *db = db_with_dataset();
    static const char want[] = "city=city;v2=年龄 (岁);weight=weight;note=note;"
                               "|1100,34,1.5,a, b\n1200,.,0.1,北京";
    for (int dta = 0; dta < 2; dta++) {
        char path[4096];
        snprintf(path, sizeof path, "%s", lcmt_tmp(dta ? "ds_hh.dta" : "ds_hh.sav"));
        lcm_export_opts o = {dta ? LCM_EXPORT_DTA : LCM_EXPORT_SAV, path, NULL, 0, 0};
        CU_ASSERT_EQUAL(lcm_export_dataset(db, "hh", &o, NULL, NULL), LCM_OK);
        readback r = {""};
        readstat_parser_t *p = readstat_parser_init();
        readstat_set_variable_handler(p, on_variable);
        readstat_set_value_handler(p, on_value);
        CU_ASSERT_EQUAL(dta ? readstat_parse_dta(p, path, &r) : readstat_parse_sav(p, path, &r),
                        READSTAT_OK);
        readstat_parser_free(p);
        if (strcmp(r.text, want) != 0)
            fprintf(stderr, "\n  %s read back as '%s'", dta ? "dta" : "sav", r.text);
        CU_ASSERT_STRING_EQUAL(r.text, want);
    }
    lcm_db_close(db);
}

static void export__xlsx_is_a_workbook_and_files_are_whole(void) {
    lcm_db *db = db_with_dataset();
    char path[4096], head[4] = {0};
    snprintf(path, sizeof path, "%s", lcmt_tmp("ds_hh.xlsx"));
    lcm_export_opts o = {LCM_EXPORT_XLSX, path, NULL, 0, 0};
    CU_ASSERT_EQUAL(lcm_export_dataset(db, "hh", &o, NULL, NULL), LCM_OK);
    FILE *fp = fopen(path, "rb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    CU_ASSERT_EQUAL(fread(head, 1, 4, fp), 4);
    fclose(fp);
    CU_ASSERT_EQUAL(memcmp(head, "PK\x03\x04", 4), 0); /* a zip archive, as .xlsx is */
    /* A failed export leaves neither the target nor its temporary file behind. */
    snprintf(path, sizeof path, "%s", lcmt_tmp("nodir/hh.sav"));
    o.format = LCM_EXPORT_SAV;
    o.out = path;
    lcm_err err = {0};
    CU_ASSERT_EQUAL(lcm_export_dataset(db, "hh", &o, NULL, &err), LCM_IO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "No such file or directory"));
    lcm_db_close(db);
}

static void export__cli_needs_out_for_binary_formats(void) {
    char *err = NULL;
    const char *args[] = {"export", lcmt_tmp("export.db"), "--dataset", "hh", "--format", "sav",
                          NULL};
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, NULL, &err), 2);
    CU_ASSERT_PTR_NOT_NULL(err && strstr(err, "sav, dta and xlsx are written to a file"));
    free(err);
}

const lcmt_case lcmt_export_cases[] = {
    {"export__csv_and_json_exact", export__csv_and_json_exact},
    {"export__sav_and_dta_read_back_with_labels", export__sav_and_dta_read_back_with_labels},
    {"export__xlsx_is_a_workbook_and_files_are_whole",
     export__xlsx_is_a_workbook_and_files_are_whole},
    {"export__cli_needs_out_for_binary_formats", export__cli_needs_out_for_binary_formats},
    {NULL, NULL},
};
