/*
 * test_import_reliability.c - imports that are killed or run side by side.
 *
 * SIGKILL at 20 random moments of a 200,000-row dataset import: every time the database
 * passes PRAGMA integrity_check and holds either none or all of the rows; re-running the
 * import then completes it exactly once. Four processes importing four files into one
 * database at once all succeed and lose no row.
 */
#include "testing.h"

#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BIG_ROWS 200000L
#define KILLS 20

static void write_rows(const char *path, long rows, int salt) {
    FILE *fp = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    fputs("id,city,weight,answer,comment\n", fp);
    for (long i = 0; i < rows; i++)
        fprintf(fp, "%ld,%04ld,%.3f,%ld,\"household %d-%ld, 学习\"\n", i, 1100 + i % 300,
                1.0 + (double)(i % 97) / 7, i % 5, salt, i);
    fclose(fp);
}

static pid_t spawn(const char *const *args) {
    pid_t pid = fork();
    if (pid == 0) {
        freopen("/dev/null", "w", stdout);
        freopen("/dev/null", "w", stderr);
        execv(LCMT_LCMON, (char *const *)args);
        _exit(127);
    }
    return pid;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* integrity_check result and the rows of dataset name (-1 when not registered). */
static void inspect(const char *db, const char *name, char *check, size_t cap, long *rows) {
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    char sql[256];
    *rows = -1;
    snprintf(check, cap, "?");
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
        goto done;
    if (sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        snprintf(check, cap, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    snprintf(sql, sizeof sql,
             "SELECT (SELECT count(*) FROM datasets WHERE name = '%s'),"
             " (SELECT count(*) FROM sqlite_schema WHERE name = 'ds_%s')",
             name, name);
    if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
        sqlite3_column_int(st, 0) + sqlite3_column_int(st, 1) > 0) {
        sqlite3_finalize(st);
        snprintf(sql, sizeof sql, "SELECT count(*) FROM ds_%s", name);
        if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            *rows = (long)sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
done:
    sqlite3_close(h);
}

static void drop_dataset(const char *db, const char *name) {
    sqlite3 *h = NULL;
    char sql[256];
    snprintf(sql, sizeof sql,
             "DROP TABLE ds_%s; DELETE FROM dataset_columns WHERE dataset = '%s';"
             " DELETE FROM datasets WHERE name = '%s'",
             name, name, name);
    CU_ASSERT_EQUAL(sqlite3_open(db, &h), SQLITE_OK);
    CU_ASSERT_EQUAL(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
}

static void reliability__sigkill_leaves_none_or_all(void) {
    char db[4096], csv[4096], check[256];
    snprintf(db, sizeof db, "%s", lcmt_tmp("kill.db"));
    snprintf(csv, sizeof csv, "%s", lcmt_tmp("big.csv"));
    write_rows(csv, BIG_ROWS, 0);
    CU_ASSERT_EQUAL_FATAL(lcmt_run((const char *[]){"init", db, NULL}, NULL, NULL, NULL), 0);
    const char *args[] = {LCMT_LCMON, "import", "dataset", db, csv, "--name", "big", NULL};
    /* How long one whole import takes, on a scratch copy, to spread the kills over it. */
    char scratch[4096];
    snprintf(scratch, sizeof scratch, "%s", lcmt_tmp("scratch.db"));
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"init", scratch, NULL}, NULL, NULL, NULL), 0);
    double t0 = now();
    int status = 0;
    pid_t pid = spawn(
        (const char *[]){LCMT_LCMON, "import", "dataset", scratch, csv, "--name", "big", NULL});
    waitpid(pid, &status, 0);
    double full = now() - t0;
    CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    srand(20240501); /* fixed seed: the same kill moments every run */
    int none = 0, all = 0;
    for (int k = 0; k < KILLS; k++) {
        long rows;
        pid = spawn(args);
        double wait = full * (double)rand() / RAND_MAX;
        struct timespec ts = {(time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9)};
        nanosleep(&ts, NULL); /* usleep is not POSIX 2008, which the build asks for */
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        inspect(db, "big", check, sizeof check, &rows);
        CU_ASSERT_STRING_EQUAL(check, "ok");
        CU_ASSERT(rows == -1 || rows == BIG_ROWS);
        none += rows == -1, all += rows == BIG_ROWS;
        if (rows == BIG_ROWS) /* finished before the kill: start again from nothing */
            drop_dataset(db, "big");
    }
    fprintf(stderr, "\n  %d kills: %d left no rows, %d came after the commit (%.2fs per import) ",
            KILLS, none, all, full);
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"import", "dataset", db, csv, "--name", "big", NULL},
                             NULL, NULL, NULL),
                    0);
    long rows;
    inspect(db, "big", check, sizeof check, &rows);
    CU_ASSERT_EQUAL(rows, BIG_ROWS);
    char *out = NULL; /* once more: exactly once, nothing added */
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"import", "dataset", db, csv, "--name", "big", NULL},
                             NULL, &out, NULL),
                    0);
    CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "unchanged (already imported)"));
    free(out);
}

static void reliability__four_importers_at_once_lose_nothing(void) {
    char db[4096], csv[4][4096], name[4][8];
    pid_t pid[4];
    snprintf(db, sizeof db, "%s", lcmt_tmp("four.db"));
    CU_ASSERT_EQUAL_FATAL(lcmt_run((const char *[]){"init", db, NULL}, NULL, NULL, NULL), 0);
    for (int i = 0; i < 4; i++) {
        char file[32];
        snprintf(file, sizeof file, "part%d.csv", i);
        snprintf(csv[i], sizeof csv[i], "%s", lcmt_tmp(file));
        snprintf(name[i], sizeof name[i], "part%d", i);
        write_rows(csv[i], 50000, i);
    }
    for (int i = 0; i < 4; i++)
        pid[i] = spawn(
            (const char *[]){LCMT_LCMON, "import", "dataset", db, csv[i], "--name", name[i], NULL});
    for (int i = 0; i < 4; i++) {
        int status = 0;
        waitpid(pid[i], &status, 0);
        CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    for (int i = 0; i < 4; i++) {
        char check[256];
        long rows;
        inspect(db, name[i], check, sizeof check, &rows);
        CU_ASSERT_STRING_EQUAL(check, "ok");
        CU_ASSERT_EQUAL(rows, 50000);
    }
}

const lcmt_case lcmt_import_reliability_cases[] = {
    {"reliability__sigkill_leaves_none_or_all", reliability__sigkill_leaves_none_or_all},
    {"reliability__four_importers_at_once_lose_nothing",
     reliability__four_importers_at_once_lose_nothing},
    {NULL, NULL},
};
