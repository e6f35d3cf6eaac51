/*
 * test_import_reliability.c - imports that are killed or run side by side.
 *
 * SIGKILL at 20 random moments of a 200,000-row dataset import: every time the database
 * passes PRAGMA integrity_check and holds either none or all of the rows; re-running the
 * import then completes it exactly once. Four processes importing four files into one
 * database at once all succeed and lose no row.
 *
 * The same for `import responses` (households and their roster rows), which runs with a
 * rollback journal when no other connection has the database open (engine/import.c): each
 * kill leaves no households or all of them; the first kill waits for the journal to be there
 * (watching for it, not timed), so at least one kill always finds the journal in use; and
 * the database is back in WAL mode after the import. With another connection open, the import
 * stays in WAL mode and stores the same rows.
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

/* ---- import responses ---- */

#define HOUSEHOLDS 30000L /* a multiple of the fixture's 3 households */
#define RESP_KILLS 8

/* responses_ok.csv's three households repeated to n rows, each with a fresh instance_id and
 * household number (as bench/import_gen.awk makes them); *members: the roster rows they hold
 * (the non-empty members[k]/m_rel cells). */
static void write_households(const char *path, long n, long *members) {
    char *text = lcmt_slurp(lcmt_path("tests/fixtures/import/responses_ok.csv"), NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    char *line[4] = {NULL}, *save = NULL;
    int nl = 0;
    for (char *l = strtok_r(text, "\r\n", &save); l && nl < 4; l = strtok_r(NULL, "\r\n", &save))
        line[nl++] = l;
    CU_ASSERT_EQUAL_FATAL(nl, 4);
    int rel[64], nrel = 0, col = 0; /* the columns members[k]/m_rel */
    for (char *p = line[0]; p && nrel < 64; p = strchr(p, ','), p = p ? p + 1 : NULL, col++)
        if (strncmp(p, "members[", 8) == 0 && strncmp(strchr(p, ']'), "]/m_rel", 7) == 0)
            rel[nrel++] = col;
    CU_ASSERT_EQUAL_FATAL(nrel, 5);
    long per[3] = {0, 0, 0};
    for (int r = 0; r < 3; r++) {
        col = 0;
        for (char *p = line[r + 1]; p; p = strchr(p, ','), p = p ? p + 1 : NULL, col++)
            for (int k = 0; k < nrel; k++)
                per[r] += col == rel[k] && *p != ',' && *p != '\0';
    }
    FILE *fp = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    fprintf(fp, "%s\n", line[0]);
    *members = 0;
    for (long i = 0; i < n; i++) {
        const char *p = strchr(line[1 + i % 3], ','); /* after the instance_id */
        const char *hh = p;                           /* the household number is the fifth column */
        for (int k = 0; k < 4 && hh; k++)
            hh = strchr(hh + 1, ',');
        CU_ASSERT_PTR_NOT_NULL_FATAL(hh);
        const char *after = strchr(hh + 1, ',');
        fprintf(fp, "%08lx-0000-4000-8000-%012lx%.*s,%06ld-%02ld%s\n", i, i, (int)(hh - p), p,
                i / 100, i % 100, after ? after : "");
        *members += per[i % 3];
    }
    fclose(fp);
    free(text);
}

/* integrity_check, the households and roster rows of the household form's table (-1: no
 * such table), and the journal mode, read through a connection of our own (which rolls back
 * a hot journal left by a killed import, as any opening does). */
static void inspect_resp(const char *db, char *check, size_t cap, long *main_rows, long *roster,
                         char *mode, size_t mcap) {
    sqlite3 *h = NULL;
    sqlite3_stmt *st = NULL;
    char table[256] = "", sql[600];
    *main_rows = *roster = -1;
    snprintf(check, cap, "?");
    snprintf(mode, mcap, "?");
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
        goto done;
    if (sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        snprintf(check, cap, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (sqlite3_prepare_v2(h, "PRAGMA journal_mode", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        snprintf(mode, mcap, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (sqlite3_prepare_v2(h,
                           "SELECT name FROM sqlite_schema WHERE type = 'table' AND name GLOB "
                           "'resp_household_*' AND name NOT GLOB '*__*'",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        snprintf(table, sizeof table, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    snprintf(sql, sizeof sql,
             "SELECT (SELECT count(*) FROM \"%s\"), (SELECT count(*) FROM \"%s__members\")", table,
             table);
    if (table[0] && sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        *main_rows = (long)sqlite3_column_int64(st, 0), *roster = (long)sqlite3_column_int64(st, 1);
    sqlite3_finalize(st);
done:
    sqlite3_close(h);
}

static void copy_file(const char *from, const char *to) {
    size_t n = 0;
    char *bytes = lcmt_slurp(from, &n);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bytes);
    lcmt_write(to, bytes, n);
    free(bytes);
}

static int exists(const char *path) {
    FILE *fp = fopen(path, "rb");
    if (fp)
        fclose(fp);
    return fp != NULL;
}

static void reliability__responses_sigkill_leaves_none_or_all(void) {
    char tmpl[4096], db[4096], csv[4096], journal[4200], check[256], mode[32];
    long members = 0, rows, roster;
    snprintf(tmpl, sizeof tmpl, "%s", lcmt_tmp("resp_template.db"));
    snprintf(db, sizeof db, "%s", lcmt_tmp("resp_kill.db"));
    snprintf(journal, sizeof journal, "%s-journal", db);
    snprintf(csv, sizeof csv, "%s", lcmt_tmp("households.csv"));
    write_households(csv, HOUSEHOLDS, &members);
    CU_ASSERT_EQUAL_FATAL(lcmt_run((const char *[]){"init", tmpl, NULL}, NULL, NULL, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(
        lcmt_run((const char *[]){"form", "load", tmpl, lcmt_path("surveys/household"), NULL}, NULL,
                 NULL, NULL),
        0);
    const char *args[] = {LCMT_LCMON, "import", "responses", db, csv, "--form", "household", NULL};
    copy_file(tmpl, db);
    double t0 = now();
    int status = 0;
    pid_t pid = spawn(args);
    waitpid(pid, &status, 0);
    double full = now() - t0;
    CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    inspect_resp(db, check, sizeof check, &rows, &roster, mode, sizeof mode);
    CU_ASSERT_EQUAL(rows, HOUSEHOLDS);
    CU_ASSERT_EQUAL(roster, members);
    CU_ASSERT_STRING_EQUAL(mode, "wal");
    srand(20261205); /* fixed seed: the same kill moments every run */
    int none = 0, all = 0, journals = 0, watched = 0;
    /* The first kill lands while the rollback journal exists, whatever the machine's load:
     * the journal is watched for (every millisecond, while the import runs) and the import
     * killed as soon as it is there; an import that ends (or commits) before is run again.
     * The other kills come at random moments. */
    for (int tries = 0; tries < 20 && !watched; tries++) {
        copy_file(tmpl, db);
        pid = spawn(args);
        int seen = 0;
        while (!seen && waitpid(pid, &status, WNOHANG) == 0) {
            struct timespec ms = {0, 1000000};
            if (!(seen = exists(journal)))
                nanosleep(&ms, NULL);
        }
        if (seen) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            watched = exists(journal); /* still there: the kill came before the commit */
        }
        inspect_resp(db, check, sizeof check, &rows, &roster, mode, sizeof mode);
        CU_ASSERT_STRING_EQUAL(check, "ok");
        CU_ASSERT((rows == 0 && roster == 0) || (rows == HOUSEHOLDS && roster == members));
        if (watched)
            CU_ASSERT(rows == 0 && roster == 0); /* the journal rolled the import back */
    }
    CU_ASSERT(watched);
    journals = watched;
    for (int k = 0; k < RESP_KILLS; k++) {
        copy_file(tmpl, db);
        pid = spawn(args);
        double wait = full * (0.1 + 0.8 * (double)rand() / RAND_MAX);
        struct timespec ts = {(time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9)};
        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        journals += exists(journal); /* killed while writing through the rollback journal */
        inspect_resp(db, check, sizeof check, &rows, &roster, mode, sizeof mode);
        CU_ASSERT_STRING_EQUAL(check, "ok");
        CU_ASSERT((rows == 0 && roster == 0) || (rows == HOUSEHOLDS && roster == members));
        none += rows == 0, all += rows == HOUSEHOLDS;
    }
    fprintf(stderr,
            "\n  a kill watched for the journal, then %d at random: %d left no households, %d "
            "came after the commit, %d found the rollback journal (%.2fs per import) ",
            RESP_KILLS, none, all, journals, full);
    CU_ASSERT(journals > 0); /* the watched kill, whatever the random ones found */
    /* the last killed database, imported again: whole, once, and in WAL mode again */
    CU_ASSERT_EQUAL(lcmt_run(args + 1, NULL, NULL, NULL), 0);
    inspect_resp(db, check, sizeof check, &rows, &roster, mode, sizeof mode);
    CU_ASSERT_STRING_EQUAL(check, "ok");
    CU_ASSERT_EQUAL(rows, HOUSEHOLDS);
    CU_ASSERT_EQUAL(roster, members);
    CU_ASSERT_STRING_EQUAL(mode, "wal");
}

static void reliability__responses_with_another_connection_open(void) {
    char db[4096], csv[4096], check[256], mode[32];
    long members = 0, rows, roster;
    snprintf(db, sizeof db, "%s", lcmt_tmp("resp_shared.db"));
    snprintf(csv, sizeof csv, "%s", lcmt_tmp("households_small.csv"));
    write_households(csv, 3000, &members);
    CU_ASSERT_EQUAL_FATAL(lcmt_run((const char *[]){"init", db, NULL}, NULL, NULL, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(
        lcmt_run((const char *[]){"form", "load", db, lcmt_path("surveys/household"), NULL}, NULL,
                 NULL, NULL),
        0);
    sqlite3 *reader = NULL; /* open and reading: the import cannot leave WAL mode */
    sqlite3_stmt *st = NULL;
    CU_ASSERT_EQUAL_FATAL(sqlite3_open_v2(db, &reader, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    CU_ASSERT_EQUAL(sqlite3_prepare_v2(reader, "SELECT count(*) FROM cities", -1, &st, NULL),
                    SQLITE_OK);
    CU_ASSERT_EQUAL(sqlite3_step(st), SQLITE_ROW);
    sqlite3_finalize(st);
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"import", "responses", db, csv, "--form", "household", NULL},
                 NULL, NULL, NULL),
        0);
    sqlite3_close(reader);
    inspect_resp(db, check, sizeof check, &rows, &roster, mode, sizeof mode);
    CU_ASSERT_STRING_EQUAL(check, "ok");
    CU_ASSERT_EQUAL(rows, 3000);
    CU_ASSERT_EQUAL(roster, members);
    CU_ASSERT_EQUAL(members, 7000); /* 3 + 2 + 2 members in the fixture's households */
    CU_ASSERT_STRING_EQUAL(mode, "wal");
}

const lcmt_case lcmt_import_reliability_cases[] = {
    {"reliability__sigkill_leaves_none_or_all", reliability__sigkill_leaves_none_or_all},
    {"reliability__four_importers_at_once_lose_nothing",
     reliability__four_importers_at_once_lose_nothing},
    {"reliability__responses_sigkill_leaves_none_or_all",
     reliability__responses_sigkill_leaves_none_or_all},
    {"reliability__responses_with_another_connection_open",
     reliability__responses_with_another_connection_open},
    {NULL, NULL},
};
