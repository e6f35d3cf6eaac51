/*
 * test_import_dataset.c - `lcmon import dataset` (engine/dataset.c): inferred types,
 * column names from headers, re-import as a no-op, --replace, and refusals.
 */
#include "dataset.h"
#include "testing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* name, below lcmt_tmp, holding text. */
static const char *write_csv(const char *name, const char *text) {
    return lcmt_write(lcmt_tmp(name), text, strlen(text));
}

static lcm_db *open_db(const char *name) {
    lcm_db *db = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(lcmt_tmp(name), LCM_OPEN_CREATE, &db, NULL), LCM_OK);
    return db;
}

static const char households[] = "city,年龄 (岁),weight,code,score,note,2nd try,Weight\n"
                                 "1100,34,1.5,0101,3,\"a, b\",1,x\n"
                                 "1200,45,2,0202,4.5,,2,y\n"
                                 "1200,,2.25,0303,,x,-3,z\n";

static void dataset__types_and_names_are_inferred_and_reported(void) {
    lcm_db *db = open_db("ds.db");
    lcm_dataset_report rep;
    lcm_import_result res;
    char path[4096];
    snprintf(path, sizeof path, "%s", write_csv("hh.csv", households));
    CU_ASSERT_EQUAL(lcm_dataset_import(db, path, "hh", NULL, &rep, &res, NULL), LCM_OK);
    static const struct {
        const char *name, *type;
        long missing;
    } want[] = {{"city", "integer", 0},       {"v2", "integer", 1},   {"weight", "real", 0},
                {"code", "text", 0},          {"score", "real", 1},   {"note", "text", 1},
                {"v7_2nd_try", "integer", 0}, {"Weight_2", "text", 0}};
    CU_ASSERT_EQUAL_FATAL(rep.ncols, 8);
    for (size_t i = 0; i < 8; i++) {
        CU_ASSERT_STRING_EQUAL(rep.cols[i].name, want[i].name);
        CU_ASSERT_STRING_EQUAL(lcm_col_type_name(rep.cols[i].type), want[i].type);
        CU_ASSERT_EQUAL(rep.cols[i].missing, want[i].missing);
    }
    CU_ASSERT_STRING_EQUAL(rep.cols[1].label, "年龄 (岁)");
    CU_ASSERT_EQUAL(res.rows, 3);
    CU_ASSERT_EQUAL(res.inserted, 3);
    lcm_dataset_report_free(&rep);
    /* Stored in their types: the code keeps its leading zero, the weight is a REAL. */
    sqlite3_stmt *st = NULL;
    CU_ASSERT_EQUAL(lcm_db_prepare(db,
                                   "SELECT typeof(city), typeof(weight), code, v2 IS NULL"
                                   " FROM ds_hh WHERE rowid = 3",
                                   &st, NULL),
                    LCM_OK);
    CU_ASSERT_EQUAL(sqlite3_step(st), SQLITE_ROW);
    CU_ASSERT_STRING_EQUAL((const char *)sqlite3_column_text(st, 0), "integer");
    CU_ASSERT_STRING_EQUAL((const char *)sqlite3_column_text(st, 1), "real");
    CU_ASSERT_STRING_EQUAL((const char *)sqlite3_column_text(st, 2), "0303");
    CU_ASSERT_EQUAL(sqlite3_column_int(st, 3), 1);
    sqlite3_finalize(st);
    lcm_db_close(db);
}

static void dataset__reimport_is_a_noop_and_changes_need_replace(void) {
    lcm_db *db = open_db("ds2.db");
    lcm_dataset_report rep;
    lcm_import_result res;
    lcm_err err = {0};
    lcm_import_opts replace = {.replace = 1};
    char path[4096];
    snprintf(path, sizeof path, "%s", write_csv("a.csv", "x,y\n1,2\n3,4\n"));
    CU_ASSERT_EQUAL(lcm_dataset_import(db, path, "a", NULL, &rep, &res, NULL), LCM_OK);
    lcm_dataset_report_free(&rep);
    CU_ASSERT_EQUAL(lcm_dataset_import(db, path, "a", NULL, &rep, &res, NULL), LCM_OK);
    CU_ASSERT_EQUAL(rep.unchanged, 1);
    CU_ASSERT_EQUAL(res.inserted, 0);
    lcm_dataset_report_free(&rep);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM ds_a"), 2);
    write_csv("a.csv", "x,y\n1,2\n3,4\n5,6.5\n");
    CU_ASSERT_EQUAL(lcm_dataset_import(db, path, "a", NULL, &rep, &res, &err), LCM_EXISTS);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "dataset 'a' exists with other data"));
    lcm_dataset_report_free(&rep);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM ds_a"), 2);
    CU_ASSERT_EQUAL(lcm_dataset_import(db, path, "a", &replace, &rep, &res, NULL), LCM_OK);
    lcm_dataset_report_free(&rep);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM ds_a"), 3);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM dataset_columns WHERE dataset = 'a'"), 2);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM dataset_columns WHERE dataset = 'a'"
                                   " AND name = 'y' AND type = 'real'"),
                    1);
    lcm_db_close(db);
}

static void dataset__bad_names_and_rows_are_refused(void) {
    lcm_db *db = open_db("ds3.db");
    lcm_dataset_report rep;
    lcm_import_result res;
    lcm_err err = {0};
    char path[4096];
    snprintf(path, sizeof path, "%s", write_csv("b.csv", "x,y\n1,2\n3\n"));
    static const char *const bad_names[] = {"", "1abc", "a;drop table cities", "a b",
                                            "abcdefghijabcdefghijabcdefghijabcdefghijX"};
    for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
        CU_ASSERT_EQUAL(lcm_dataset_import(db, path, bad_names[i], NULL, &rep, &res, &err),
                        LCM_INVAL);
        CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "not a valid dataset name"));
    }
    CU_ASSERT_EQUAL(lcm_dataset_import(db, path, "b", NULL, &rep, &res, &err), LCM_CONSTRAINT);
    CU_ASSERT_EQUAL_FATAL(res.nmsgs, 1);
    char want[4200];
    snprintf(want, sizeof want, "%s:3: 1 fields, the header has 2", path);
    CU_ASSERT_STRING_EQUAL(res.msgs[0], want);
    lcm_import_result_free(&res);
    lcm_dataset_report_free(&rep);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM datasets"), 0);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'ds_b'"), 0);
    lcm_db_close(db);
}

static void dataset__column_names_from_headers(void) {
    static const struct {
        const char *header, *want;
        size_t pos;
    } cases[] = {
        {"weight", "weight", 1},
        {"年龄", "v2", 2},
        {"Q1.年龄/岁", "Q1", 3},
        {"group/field", "group_field", 4},
        {"1st", "v5_1st", 5},
        {"  a  b  ", "a_b", 6},
        {"abcdefghijabcdefghijabcdefghijabcdef", "abcdefghijabcdefghijabcdefghijab", 7},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[LCM_COLUMN_MAX_NAME + 1];
        lcm_column_name(cases[i].header, cases[i].pos, out);
        CU_ASSERT_STRING_EQUAL(out, cases[i].want);
    }
}

const lcmt_case lcmt_import_dataset_cases[] = {
    {"dataset__types_and_names_are_inferred_and_reported",
     dataset__types_and_names_are_inferred_and_reported},
    {"dataset__reimport_is_a_noop_and_changes_need_replace",
     dataset__reimport_is_a_noop_and_changes_need_replace},
    {"dataset__bad_names_and_rows_are_refused", dataset__bad_names_and_rows_are_refused},
    {"dataset__column_names_from_headers", dataset__column_names_from_headers},
    {NULL, NULL},
};
