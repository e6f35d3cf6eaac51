/*
 * testing.h - the conventions every CUnit suite of lcmon follows.
 *
 * A suite is a file tests/test_NAME.c that defines
 *     const lcmt_case lcmt_NAME_cases[] = { {"behaviour_name", fn}, ..., {NULL, NULL} };
 * CMake finds the file and registers the suite; nothing else needs editing.
 * Reference numbers in tests name their source next to them.
 */
#ifndef LCMT_TESTING_H
#define LCMT_TESTING_H

#include "lcmon.h"

#include <CUnit/CUnit.h>
#include <stddef.h>

typedef struct lcmt_case {
    const char *name;
    CU_TestFunc fn;
} lcmt_case;

/* Path of a file below the source tree: lcmt_path("tests/fixtures/x.csv").
 * Returns a static buffer overwritten by the next call. */
const char *lcmt_path(const char *rel);

/* A fresh temporary directory for this process (created once, removed at exit);
 * lcmt_tmp("x.db") gives a path inside it, in a static buffer like lcmt_path. */
const char *lcmt_tmp(const char *name);

/* Run the lcmon binary with argv (NULL-terminated, argv[0] not included), feeding
 * stdin_text (may be NULL). Captures stdout and stderr into malloc'd strings the caller
 * frees (either out pointer may be NULL). Returns the exit status, or -1. */
int lcmt_run(const char *const *args, const char *stdin_text, char **out, char **err);

/* The first column of the first row of sql as a number, -1 when it fails
 * (SELECT count(*) … in assertions about what a database holds). */
long lcmt_count(lcm_db *db, const char *sql);
/* The same on the database at path, opened read-only for the one query; -1 when it cannot be
 * opened. */
long lcmt_count_at(const char *path, const char *sql);
/* Run sql (statements separated by ';') on the database at path, opened read-write; 0, or -1
 * after printing SQLite's message (for a test's set-up: assert it is 0). */
int lcmt_exec(const char *path, const char *sql);

/* The whole file at path as a malloc'd, NUL-terminated string the caller frees, of any
 * size; *len (when len is not NULL) gets its length in bytes. NULL when unreadable. */
char *lcmt_slurp(const char *path, size_t *len);

/* Write the n bytes at data to path, replacing the file, as a fatal assertion (the test
 * stops when it cannot be written whole). Returns path. */
const char *lcmt_write(const char *path, const void *data, size_t n);

/* 1 when hay (may be NULL) contains needle; otherwise 0, after printing the needle and
 * the first 3000 bytes of hay to stderr so a failing assertion shows what was there. */
int lcmt_has(const char *hay, const char *needle);
/* The member `name` of the zip archive z (n bytes; an .xlsx, .docx), inflated and
 * NUL-terminated, the caller's to free; NULL when absent or damaged. */
char *lcmt_zip_member(const unsigned char *z, size_t n, const char *name);
#define LCMT_ASSERT_HAS(h, n) CU_ASSERT(lcmt_has((h), (n)))

/* 1 when text (may be NULL: 0) holds a UTC time in the stored ISO 8601 form, such as
 * 2026-12-05T21:04:24Z (seconds and their fraction optional), after printing it to stderr;
 * otherwise 0. Staff pages show Beijing time instead (engine/serve_time.c). */
int lcmt_has_utc_iso(const char *text);

/* How many '\n' text holds (0 when text is NULL): the lines of a CSV or report output. */
long lcmt_count_lines(const char *text);

/* Relative comparison used for reference values: |a-b| <= rel*max(|a|,|b|,tiny). */
#define LCMT_ASSERT_REL(a, b, rel) CU_ASSERT(lcmt_close((a), (b), (rel)))
int lcmt_close(double a, double b, double rel);
/* Record |got - want| / max(|got|, |want|) for the current test: with LCMT_MAXREL set, each
 * test's largest is printed (lcmt_close and the R-reference comparisons call it). */
void lcmt_note_rel(double got, double want);
/* A new database `name` in the test directory made by `init`, `simulate --cities 2 --waves
 * 2025 --households 20 --seed 7` and `design set` (stratum, psu, design_weight), as the R
 * scripts' fixtures were made from; its path, malloc'd (callers make it once and keep it). */
char *lcmt_household_db(const char *name);

#endif
