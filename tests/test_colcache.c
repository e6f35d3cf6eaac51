/*
 * test_colcache.c - the columnar copy lcm_survey_load keeps of the columns it read
 * (engine/survey.c, issue 19): a load from the copy gives the same rows, values, codes and
 * labels as the load from the row store that wrote it; any write to the table, a dropped
 * and recreated table, or renamed columns make the next load read the row store again;
 * and a design value missing in the copy is still refused with its row.
 *
 * The data are generated here (row i: stratum i % 7, PSU i % 40, weight 1 + (i % 5) / 4,
 * y = i / 4 with every 97th row NULL, by-columns of negative and large integers, of REALs
 * and of text): each value's expected form is computed from i below.
 */
#include "strbuf.h"
#include "survey.h"
#include "testing.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NROWS 24000 /* above the copy's 20,000-row threshold */

static lcm_db *open_filled(const char *name, lcm_source *src) {
    lcm_db *db = NULL;
    lcm_err err = {0};
    const char *path = lcmt_tmp(name);
    remove(path);
    CU_ASSERT_FATAL(lcm_db_open(path, LCM_OPEN_CREATE, &db, &err) == LCM_OK);
    CU_ASSERT_FATAL(lcm_db_exec(db,
                                "CREATE TABLE ds_cc(s INTEGER, p INTEGER, w REAL, y REAL,"
                                " big INTEGER, half REAL, g TEXT);"
                                "BEGIN",
                                &err) == LCM_OK);
    sqlite3_stmt *st = NULL;
    CU_ASSERT_FATAL(lcm_db_prepare(db, "INSERT INTO ds_cc VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", &st,
                                   &err) == LCM_OK);
    for (int i = 0; i < NROWS; i++) {
        sqlite3_reset(st);
        sqlite3_bind_int(st, 1, i % 7);
        sqlite3_bind_int(st, 2, i % 40);
        sqlite3_bind_double(st, 3, 1 + (i % 5) / 4.0);
        if (i % 97)
            sqlite3_bind_double(st, 4, i / 4.0);
        else
            sqlite3_bind_null(st, 4);
        sqlite3_bind_int64(st, 5, i % 3 ? -9000000000LL : 4611686018427387904LL);
        sqlite3_bind_double(st, 6, (i % 4) / 2.0);
        sqlite3_bind_text(st, 7, i % 2 ? "甲" : "b", -1, SQLITE_STATIC);
        CU_ASSERT_FATAL(sqlite3_step(st) == SQLITE_DONE);
    }
    sqlite3_finalize(st);
    CU_ASSERT_FATAL(lcm_db_exec(db, "COMMIT", &err) == LCM_OK);
    *src = (lcm_source){.kind = LCM_SOURCE_DATASET, .name = "cc", .table = "ds_cc"};
    return db;
}

static const char *const by_cols[] = {"big", "half", "g"};

static lcm_status load_as(lcm_db *db, const lcm_source *src, const char *strata, const char *psu,
                          const char *weight, const char *var, lcm_survey_data *d, lcm_err *err) {
    lcm_design_decl decl = {0};
    snprintf(decl.strata, sizeof decl.strata, "%s", strata);
    snprintf(decl.psu, sizeof decl.psu, "%s", psu);
    snprintf(decl.weight, sizeof decl.weight, "%s", weight);
    const char *vars[] = {var};
    return lcm_survey_load(db, src, 0, &decl, vars, 1, 0, by_cols, 3, d, err);
}

static lcm_status load(lcm_db *db, const lcm_source *src, const char *weight, const char *var,
                       lcm_survey_data *d, lcm_err *err) {
    return load_as(db, src, "s", "p", weight, var, d, err);
}

static void same_labels(const lcm_intern *a, const lcm_intern *b) {
    CU_ASSERT_EQUAL_FATAL(lcm_intern_count(a), lcm_intern_count(b));
    for (size_t i = 0; i < lcm_intern_count(a); i++)
        CU_ASSERT_STRING_EQUAL(lcm_intern_label(a, (int64_t)i), lcm_intern_label(b, (int64_t)i));
}

/* The values expected from the generator, and the copy equal to the row store. */
static void check_loaded(const lcm_survey_data *d, double shift) {
    CU_ASSERT_EQUAL_FATAL(d->n, NROWS);
    int bad = 0;
    for (size_t i = 0; i < d->n; i++) {
        double y = d->var[0][i];
        bad += d->rowid[i] != (int64_t)i + 1;
        bad += i % 97 ? y != i / 4.0 + (i == 5 ? shift : 0) : !isnan(y);
        bad += d->weight[i] != 1 + (i % 5) / 4.0;
        bad += strcmp(lcm_intern_label(d->strata_labels, d->strata[i]),
                      (char[]){(char)('0' + i % 7), 0}) != 0;
        bad += strcmp(lcm_intern_label(d->by_labels[0], d->by_codes[0][i]),
                      i % 3 ? "-9000000000" : "4611686018427387904") != 0;
        bad += strcmp(lcm_intern_label(d->by_labels[1], d->by_codes[1][i]),
                      (const char *[]){"0.0", "0.5", "1.0", "1.5"}[i % 4]) != 0;
        bad += strcmp(lcm_intern_label(d->by_labels[2], d->by_codes[2][i]), i % 2 ? "甲" : "b");
    }
    CU_ASSERT_EQUAL(bad, 0);
}

static void same_data(const lcm_survey_data *a, const lcm_survey_data *b) {
    CU_ASSERT_EQUAL_FATAL(a->n, b->n);
    size_t n = a->n;
    CU_ASSERT(memcmp(a->rowid, b->rowid, n * sizeof *a->rowid) == 0);
    CU_ASSERT(memcmp(a->strata, b->strata, n * sizeof *a->strata) == 0);
    CU_ASSERT(memcmp(a->psu, b->psu, n * sizeof *a->psu) == 0);
    CU_ASSERT(memcmp(a->weight, b->weight, n * sizeof *a->weight) == 0);
    CU_ASSERT(memcmp(a->var[0], b->var[0], n * sizeof *a->var[0]) == 0); /* NaN bits too */
    same_labels(a->strata_labels, b->strata_labels);
    same_labels(a->psu_labels, b->psu_labels);
    for (size_t j = 0; j < 3; j++) {
        CU_ASSERT(memcmp(a->by_codes[j], b->by_codes[j], n * sizeof *a->by_codes[j]) == 0);
        same_labels(a->by_labels[j], b->by_labels[j]);
    }
}

static long cached(lcm_db *db) {
    return lcmt_count(db, "SELECT count(*) FROM column_cache WHERE source = 'ds_cc'");
}

static void colcache__copy_loads_as_row_store(void) {
    lcm_source src;
    lcm_db *db = open_filled("colcache_same.db", &src);
    lcm_survey_data a, b;
    lcm_err err = {0};
    CU_ASSERT_FATAL(load(db, &src, "w", "y", &a, &err) == LCM_OK);
    /* the row ids, 3 design columns, y, 3 by-columns */
    CU_ASSERT_EQUAL(cached(db), 8);
    CU_ASSERT_FATAL(load(db, &src, "w", "y", &b, &err) == LCM_OK);
    check_loaded(&a, 0);
    same_data(&a, &b);
    lcm_survey_data_free(&a);
    lcm_survey_data_free(&b);
    lcm_db_close(db);
}

static void colcache__writes_renames_and_new_tables_are_seen(void) {
    lcm_source src;
    lcm_db *db = open_filled("colcache_writes.db", &src);
    lcm_survey_data d;
    lcm_err err = {0};
    CU_ASSERT_FATAL(load(db, &src, "w", "y", &d, &err) == LCM_OK);
    lcm_survey_data_free(&d);
    /* an UPDATE empties the copy; the next load reads it and writes it again */
    CU_ASSERT_FATAL(lcm_db_exec(db, "UPDATE ds_cc SET y = y + 1 WHERE rowid = 6", &err) == LCM_OK);
    CU_ASSERT_EQUAL(cached(db), 0);
    CU_ASSERT_FATAL(load(db, &src, "w", "y", &d, &err) == LCM_OK);
    check_loaded(&d, 1);
    lcm_survey_data_free(&d);
    CU_ASSERT_EQUAL(cached(db), 8);
    /* dropped and made again by the same statement: no triggers, so the copy is not used */
    CU_ASSERT_FATAL(
        lcm_db_exec(db,
                    "CREATE TABLE keep AS SELECT * FROM ds_cc; DROP TABLE ds_cc;"
                    "CREATE TABLE ds_cc(s INTEGER, p INTEGER, w REAL, y REAL,"
                    " big INTEGER, half REAL, g TEXT);"
                    "INSERT INTO ds_cc SELECT s, p, w,"
                    " CASE WHEN rowid = 6 THEN y + 2 ELSE y END, big, half, g FROM keep",
                    &err) == LCM_OK);
    CU_ASSERT_FATAL(load(db, &src, "w", "y", &d, &err) == LCM_OK);
    check_loaded(&d, 3);
    lcm_survey_data_free(&d);
    /* s and p swapped by renames (no row written, no trigger fired): the copy of "s" is not
     * what s holds now */
    CU_ASSERT_FATAL(lcm_db_exec(db,
                                "ALTER TABLE ds_cc RENAME COLUMN s TO t;"
                                "ALTER TABLE ds_cc RENAME COLUMN p TO s;"
                                "ALTER TABLE ds_cc RENAME COLUMN t TO p;",
                                &err) == LCM_OK);
    CU_ASSERT_EQUAL_FATAL(load_as(db, &src, "p", "s", "w", "y", &d, &err), LCM_OK);
    check_loaded(&d, 3);
    lcm_survey_data_free(&d);
    lcm_db_close(db);
}

/* A table made again holds no triggers, so writes to it are not seen: the first load after
 * it must forget every copy of the table, not only the columns it reads itself. Before the
 * fix the copy of "half" written before the table was made again was served after "y" had
 * made the triggers again. */
static void colcache__made_again_forgets_every_copy(void) {
    lcm_source src;
    lcm_db *db = open_filled("colcache_again.db", &src);
    lcm_survey_data d;
    lcm_err err = {0};
    CU_ASSERT_FATAL(load(db, &src, "w", "y", &d, &err) == LCM_OK);
    lcm_survey_data_free(&d);
    CU_ASSERT_FATAL(load(db, &src, "w", "half", &d, &err) == LCM_OK);
    lcm_survey_data_free(&d);
    CU_ASSERT_EQUAL(cached(db), 9); /* row ids, s, p, w, y, half, big, g */
    /* what `import dataset --replace` does: the same CREATE statement, other values */
    CU_ASSERT_FATAL(lcm_db_exec(db,
                                "CREATE TABLE keep AS SELECT * FROM ds_cc; DROP TABLE ds_cc;"
                                "CREATE TABLE ds_cc(s INTEGER, p INTEGER, w REAL, y REAL,"
                                " big INTEGER, half REAL, g TEXT);"
                                "INSERT INTO ds_cc SELECT s, p, w, y, big, half + 10, g FROM keep",
                                &err) == LCM_OK);
    CU_ASSERT_FATAL(load(db, &src, "w", "y", &d, &err) == LCM_OK);
    lcm_survey_data_free(&d);
    CU_ASSERT_FATAL(load(db, &src, "w", "half", &d, &err) == LCM_OK);
    int bad = 0;
    for (size_t i = 0; i < d.n; i++)
        bad += d.var[0][i] != 10 + (double)(i % 4) / 2.0;
    CU_ASSERT_EQUAL(bad, 0);
    lcm_survey_data_free(&d);
    lcm_db_close(db);
}

/* Writers by row id (lcmon weight) read the row store: the copy's row ids could be stale
 * after a VACUUM renumbered the rows (no trigger fires). Simulated by changing the copy's
 * row ids behind the triggers' back: lcm_survey_load serves them, lcm_survey_load_rows
 * does not. */
static void colcache__load_rows_ignores_the_copy(void) {
    lcm_source src;
    lcm_db *db = open_filled("colcache_rows.db", &src);
    lcm_survey_data d;
    lcm_err err = {0};
    CU_ASSERT_FATAL(load(db, &src, "w", "y", &d, &err) == LCM_OK);
    lcm_survey_data_free(&d);
    /* row ids + 1000 in the copy (the blob rewritten as 8-byte little-endian integers) */
    sqlite3_stmt *st = NULL;
    CU_ASSERT_FATAL(lcm_db_prepare(db, "UPDATE column_cache SET data = ?1 WHERE kind = 2", &st,
                                   &err) == LCM_OK);
    int64_t *ids = malloc(NROWS * sizeof *ids);
    CU_ASSERT_FATAL(ids != NULL);
    for (int i = 0; i < NROWS; i++)
        ids[i] = i + 1001;
    sqlite3_bind_blob(st, 1, ids, NROWS * (int)sizeof *ids, SQLITE_STATIC);
    CU_ASSERT_FATAL(sqlite3_step(st) == SQLITE_DONE);
    sqlite3_finalize(st);
    free(ids);
    CU_ASSERT_FATAL(load(db, &src, "w", "y", &d, &err) == LCM_OK);
    CU_ASSERT_EQUAL(d.rowid[0], 1001); /* the copy was used */
    lcm_survey_data_free(&d);
    lcm_design_decl decl = {0};
    snprintf(decl.strata, sizeof decl.strata, "s");
    snprintf(decl.psu, sizeof decl.psu, "p");
    snprintf(decl.weight, sizeof decl.weight, "w");
    const char *vars[] = {"y"};
    CU_ASSERT_FATAL(lcm_survey_load_rows(db, &src, 0, &decl, vars, 1, 0, by_cols, 3, &d, &err) ==
                    LCM_OK);
    check_loaded(&d, 0);
    lcm_survey_data_free(&d);
    lcm_db_close(db);
}

static void colcache__missing_design_value_still_named(void) {
    lcm_source src;
    lcm_db *db = open_filled("colcache_missing.db", &src);
    lcm_survey_data d;
    lcm_err err = {0};
    /* y (NULL in row 1, i = 0) is copied as a variable, then asked for as the weight */
    CU_ASSERT_FATAL(load(db, &src, "w", "y", &d, &err) == LCM_OK);
    lcm_survey_data_free(&d);
    CU_ASSERT_EQUAL(load(db, &src, "y", "w", &d, &err), LCM_CONSTRAINT);
    CU_ASSERT_STRING_EQUAL(err.msg, "table 'ds_cc' row 1: weight column 'y' is empty");
    lcm_db_close(db);
}

/* Through the commands: a dataset estimated (its copy written and used), replaced with
 * other values by `import dataset --replace`, and weighted by `lcmon weight` (a column
 * added, every row updated), gives after each step the output of a database that never had
 * a copy, byte for byte. */
static const char *write_csv(const char *name, int shift) {
    lcm_strbuf sb = LCM_STRBUF_INIT;
    lcm_strbuf_adds(&sb, "city,psu,w,y,z\n");
    for (int i = 0; i < NROWS; i++)
        lcm_strbuf_addf(&sb, "%d,%d,%d,%d,%d\n", i % 6, i % 60, 1 + i % 3, (i + shift) % 10,
                        (i * 7 + shift) % 5);
    CU_ASSERT_FATAL(lcm_strbuf_ok(&sb));
    const char *path = lcmt_write(lcmt_tmp(name), sb.buf, sb.len);
    lcm_strbuf_release(&sb);
    return path;
}

static char *estimate(const char *db, const char *var) {
    const char *args[] = {"estimate", db,     "--dataset", "hh",  "--var",      var,
                          "--by",     "city", "--format",  "csv", "--no-store", NULL};
    char *out = NULL;
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, &out, NULL), 0);
    return out ? out : strdup("");
}

static void new_db(const char *db, const char *csv) {
    remove(db);
    const char *init[] = {"init", db, NULL};
    const char *imp[] = {"import", "dataset", db, csv, "--name", "hh", NULL};
    const char *design[] = {"design", "set",   db,    "--dataset", "hh", "--strata",
                            "city",   "--psu", "psu", "--weight",  "w",  NULL};
    CU_ASSERT_FATAL(lcmt_run(init, NULL, NULL, NULL) == 0);
    CU_ASSERT_FATAL(lcmt_run(imp, NULL, NULL, NULL) == 0);
    CU_ASSERT_FATAL(lcmt_run(design, NULL, NULL, NULL) == 0);
}

static void same_output(char *got, char *want) {
    CU_ASSERT_PTR_NOT_NULL(strstr(want, "\n0,"));
    CU_ASSERT_STRING_EQUAL(got, want);
    free(got), free(want);
}

static long copies(const char *path) {
    lcm_db *db = NULL;
    lcm_err err = {0};
    CU_ASSERT_FATAL(lcm_db_open(path, 0, &db, &err) == LCM_OK);
    long n = lcmt_count(db, "SELECT count(*) FROM column_cache");
    lcm_db_close(db);
    return n;
}

static void colcache__commands_never_see_a_stale_copy(void) {
    char a[512], b[512], db[512], ref[512];
    snprintf(a, sizeof a, "%s", write_csv("colcache_a.csv", 0));
    snprintf(b, sizeof b, "%s", write_csv("colcache_b.csv", 3));
    snprintf(db, sizeof db, "%s", lcmt_tmp("colcache_cli.db"));
    snprintf(ref, sizeof ref, "%s", lcmt_tmp("colcache_ref.db"));
    new_db(db, a);
    free(estimate(db, "y")), free(estimate(db, "z"));
    CU_ASSERT(copies(db) > 0);
    char *y = estimate(db, "y");
    new_db(ref, a);
    same_output(y, estimate(ref, "y"));
    /* replaced: same columns, other values */
    const char *imp[] = {"import", "dataset", db, b, "--name", "hh", "--replace", NULL};
    CU_ASSERT_FATAL(lcmt_run(imp, NULL, NULL, NULL) == 0);
    new_db(ref, b);
    y = estimate(db, "y");
    same_output(estimate(db, "z"), estimate(ref, "z"));
    same_output(y, estimate(ref, "y"));
    CU_ASSERT(copies(db) > 0);
    /* post-stratified: final_weight added and written by row id (the row store read, not
     * the copy); the design then weighs by it */
    const char *margins = lcmt_write(lcmt_tmp("colcache_margins.csv"),
                                     "margin,level,population\n"
                                     "city,0,100\ncity,1,200\ncity,2,300\n"
                                     "city,3,400\ncity,4,500\ncity,5,600\n",
                                     strlen("margin,level,population\n"
                                            "city,0,100\ncity,1,200\ncity,2,300\n"
                                            "city,3,400\ncity,4,500\ncity,5,600\n"));
    const char *dbs[] = {db, ref};
    for (int k = 0; k < 2; k++) {
        const char *wt[] = {"weight", "poststratify", dbs[k],  "--dataset",
                            "hh",     "--margins",    margins, NULL};
        const char *design[] = {"design", "set",   dbs[k], "--dataset", "hh",           "--strata",
                                "city",   "--psu", "psu",  "--weight",  "final_weight", NULL};
        CU_ASSERT_FATAL(lcmt_run(wt, NULL, NULL, NULL) == 0);
        CU_ASSERT_FATAL(lcmt_run(design, NULL, NULL, NULL) == 0);
    }
    free(estimate(db, "z"));
    same_output(estimate(db, "z"), estimate(ref, "z"));
    /* a row changed by hand with the sqlite3 shell's SQL, seen through the trigger */
    lcm_db *h = NULL;
    lcm_err e = {0};
    for (int k = 0; k < 2; k++) {
        CU_ASSERT_FATAL(lcm_db_open(dbs[k], 0, &h, &e) == LCM_OK);
        CU_ASSERT_FATAL(lcm_db_exec(h, "UPDATE ds_hh SET z = 40 WHERE rowid = 7", &e) == LCM_OK);
        lcm_db_close(h);
    }
    same_output(estimate(db, "z"), estimate(ref, "z"));
}

static long triggers(lcm_db *db) {
    return lcmt_count(db, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
                          " AND name GLOB 'column_cache_*'");
}

/* lcm_survey_copy_forget drops the copies and their triggers in the caller's transaction:
 * rolled back, both are there again; committed, the next load makes them again. */
static void colcache__forget_is_transactional(void) {
    lcm_source src;
    lcm_db *db = open_filled("colcache_forget.db", &src);
    lcm_survey_data d;
    lcm_err err = {0};
    CU_ASSERT_FATAL(load(db, &src, "w", "y", &d, &err) == LCM_OK);
    lcm_survey_data_free(&d);
    CU_ASSERT_EQUAL(triggers(db), 3);
    CU_ASSERT_FATAL(lcm_db_exec(db, "BEGIN", &err) == LCM_OK);
    CU_ASSERT_FATAL(lcm_survey_copy_forget(db, "ds_cc", &err) == LCM_OK);
    CU_ASSERT_EQUAL(triggers(db), 0);
    CU_ASSERT_EQUAL(cached(db), 0);
    lcm_db_rollback(db);
    CU_ASSERT_EQUAL(triggers(db), 3);
    CU_ASSERT_EQUAL(cached(db), 8);
    CU_ASSERT_FATAL(lcm_survey_copy_forget(db, "ds_cc", &err) == LCM_OK);
    CU_ASSERT_FATAL(lcm_db_exec(db, "UPDATE ds_cc SET y = y + 1 WHERE rowid = 6", &err) == LCM_OK);
    CU_ASSERT_FATAL(load(db, &src, "w", "y", &d, &err) == LCM_OK);
    check_loaded(&d, 1);
    lcm_survey_data_free(&d);
    CU_ASSERT_EQUAL(triggers(db), 3);
    CU_ASSERT_EQUAL(cached(db), 8);
    lcm_db_close(db);
}

/* `import responses` forgets the copies of its form's table before its rows (no trigger per
 * row); a copy and triggers are made by hand here, as lcm_survey_load makes them. */
static void colcache__import_responses_forgets_the_copy(void) {
    const char *db = lcmt_tmp("colcache_resp.db");
    remove(db);
    const char *init[] = {"init", db, NULL};
    const char *form[] = {"form", "load", db, lcmt_path("surveys/household"), NULL};
    CU_ASSERT_FATAL(lcmt_run(init, NULL, NULL, NULL) == 0);
    CU_ASSERT_FATAL(lcmt_run(form, NULL, NULL, NULL) == 0);
    lcm_db *h = NULL;
    lcm_err err = {0};
    CU_ASSERT_FATAL(lcm_db_open(db, 0, &h, &err) == LCM_OK);
    char table[128];
    sqlite3_stmt *st = NULL;
    CU_ASSERT_FATAL(lcm_db_prepare(h,
                                   "SELECT name FROM sqlite_master WHERE type = 'table' AND"
                                   " name GLOB 'resp_household_*' AND name NOT GLOB '*__*'",
                                   &st, &err) == LCM_OK);
    CU_ASSERT_FATAL(sqlite3_step(st) == SQLITE_ROW);
    snprintf(table, sizeof table, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    char *sql = sqlite3_mprintf(
        "CREATE TABLE column_cache(source TEXT NOT NULL, filter TEXT NOT NULL, wave INTEGER NOT"
        " NULL, col TEXT NOT NULL, kind INTEGER NOT NULL, schema TEXT NOT NULL, n INTEGER NOT"
        " NULL, labels BLOB, data BLOB NOT NULL, PRIMARY KEY(source, filter, wave, col, kind));"
        "INSERT INTO column_cache VALUES (%Q, '', 0, 'x', 1, '', 1, NULL, x'00');"
        "CREATE TRIGGER \"column_cache_%w_i\" AFTER INSERT ON \"%w\" BEGIN"
        " DELETE FROM column_cache WHERE source = %Q; END;",
        table, table, table, table);
    CU_ASSERT_FATAL(lcm_db_exec(h, sql, &err) == LCM_OK);
    sqlite3_free(sql);
    CU_ASSERT_EQUAL(triggers(h), 1);
    lcm_db_close(h);
    const char *imp[] = {
        "import", "responses", db,  lcmt_path("tests/fixtures/import/responses_ok.csv"),
        "--form", "household", NULL};
    CU_ASSERT_EQUAL(lcmt_run(imp, NULL, NULL, NULL), 0);
    CU_ASSERT_FATAL(lcm_db_open(db, 0, &h, &err) == LCM_OK);
    CU_ASSERT_EQUAL(triggers(h), 0);
    CU_ASSERT_EQUAL(lcmt_count(h, "SELECT count(*) FROM column_cache"), 0);
    lcm_db_close(h);
}

const lcmt_case lcmt_colcache_cases[] = {
    {"colcache__copy_loads_as_row_store", colcache__copy_loads_as_row_store},
    {"colcache__writes_renames_and_new_tables_are_seen",
     colcache__writes_renames_and_new_tables_are_seen},
    {"colcache__missing_design_value_still_named", colcache__missing_design_value_still_named},
    {"colcache__made_again_forgets_every_copy", colcache__made_again_forgets_every_copy},
    {"colcache__load_rows_ignores_the_copy", colcache__load_rows_ignores_the_copy},
    {"colcache__commands_never_see_a_stale_copy", colcache__commands_never_see_a_stale_copy},
    {"colcache__forget_is_transactional", colcache__forget_is_transactional},
    {"colcache__import_responses_forgets_the_copy", colcache__import_responses_forgets_the_copy},
    {NULL, NULL},
};
