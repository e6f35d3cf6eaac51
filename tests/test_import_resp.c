/*
 * test_import_resp.c - `lcmon import responses` with the household questionnaire
 * (surveys/household): lcmon's own columns with roster members as members[N]/field, a
 * KoboToolbox export (group paths, uuid: ids, 0/1 choice columns, tool columns), a
 * 问卷星 export in GB18030 with a map file, and the bad inputs with their messages.
 * responses_ok.csv holds the first three households of `lcmon simulate --cities 2
 * --households 3 --waves 2024` (default seed), the roster widened to members[N]/field.
 */
#define _XOPEN_SOURCE 700 /* posix_openpt, for the progress bar on a terminal */
#include "testing.h"

#include "import_resp_int.h"
#include "strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* A database with the reference data and the household form, copied for each use. */
static const char *form_db(const char *name) {
    static char tmpl[4096], path[4096];
    if (!tmpl[0]) {
        snprintf(tmpl, sizeof tmpl, "%s", lcmt_tmp("resp_template.db"));
        CU_ASSERT_EQUAL_FATAL(lcmt_run((const char *[]){"init", tmpl, NULL}, NULL, NULL, NULL), 0);
        CU_ASSERT_EQUAL_FATAL(
            lcmt_run((const char *[]){"form", "load", tmpl, lcmt_path("surveys/household"), NULL},
                     NULL, NULL, NULL),
            0);
    }
    snprintf(path, sizeof path, "%s", lcmt_tmp(name));
    FILE *in = fopen(tmpl, "rb"), *out = fopen(path, "wb");
    char buf[65536];
    size_t n;
    while (in && out && (n = fread(buf, 1, sizeof buf, in)) > 0)
        fwrite(buf, 1, n, out);
    if (in)
        fclose(in);
    if (out)
        fclose(out);
    return path;
}

static int import(const char *db, const char *fixture, const char *const *extra, char **out,
                  char **err) {
    char file[4096];
    const char *args[16] = {"import", "responses", db, file, "--form", "household"};
    size_t n = 6;
    snprintf(file, sizeof file, "%s", lcmt_path(fixture));
    for (; extra && *extra && n < 15; extra++)
        args[n++] = *extra;
    args[n] = NULL;
    return lcmt_run(args, NULL, out, err);
}

static void responses__native_kobo_and_wjx_import_once(void) {
    static const struct {
        const char *fixture;
        const char *extra[5];
        const char *first, *again;
    } cases[] = {
        {"tests/fixtures/import/responses_ok.csv",
         {NULL},
         "(utf-8): 3 rows, 3 new",
         "3 rows, 0 new, 3 unchanged"},
        /* The same households from Kobo: same ids, so nothing new. */
        {"tests/fixtures/import/responses_kobo.csv",
         {"--format", "kobo", NULL},
         "3 rows, 0 new, 3 unchanged",
         "3 rows, 0 new, 3 unchanged"},
        /* 问卷星 has no ids: each row gets one from its hash, stable across imports. */
        {"tests/fixtures/import/responses_wjx.csv",
         {"--format", "wjx", "--map", NULL, NULL},
         "(gb18030): 3 rows, 3 new",
         "3 rows, 0 new, 3 unchanged"},
    };
    char db[4096], map[4096];
    snprintf(db, sizeof db, "%s", form_db("resp.db"));
    snprintf(map, sizeof map, "%s", lcmt_path("tests/fixtures/import/responses_wjx_map.csv"));
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *extra[5];
        memcpy(extra, cases[i].extra, sizeof extra);
        if (extra[1] && strcmp(extra[1], "wjx") == 0)
            extra[3] = map;
        char *out = NULL;
        CU_ASSERT_EQUAL(import(db, cases[i].fixture, extra, &out, NULL), 0);
        CU_ASSERT(lcmt_has(out, cases[i].first));
        free(out);
        CU_ASSERT_EQUAL(import(db, cases[i].fixture, extra, &out, NULL), 0);
        CU_ASSERT(lcmt_has(out, cases[i].again));
        free(out);
    }
}

/* Bad inputs of issue 4 and the message each must give, after responses_ok is stored. */
static const struct {
    const char *fixture, *msg;
} bad[] = {
    {"responses_bad_cells.csv", ":2:11 (sex): '9' is not a choice of list 'sex', value '9'"},
    {"responses_bad_cells.csv", ":3:12 (age): 'forty' is not a whole number, value 'forty'"},
    {"responses_bad_cells.csv", ":4:12 (age): '12' breaks the constraint . >= 16 and . <= 100"},
    {"responses_bad_cells.csv", ":4:13 (edu): '3.5' is not a choice of list 'edu', value '3.5'"},
    {"responses_duplicate_id.csv",
     ":4: instance_id 7ac0bc48-955e-4d4a-9669-b536d6510d1f also on line 2"},
    {"responses_unknown_header.csv",
     ":1:82 (favourite_colour): names no field of form 'household'"},
    {"responses_conflict.csv", ":2: instance 7ac0bc48-955e-4d4a-9669-b536d6510d1f is stored "
                               "with other answers (age: stored '49', here '50'; a conflict: it "
                               "was left out)"},
};

static void responses__bad_files_change_nothing(void) {
    char db[4096];
    snprintf(db, sizeof db, "%s", form_db("resp_bad.db"));
    CU_ASSERT_EQUAL(import(db, "tests/fixtures/import/responses_ok.csv", NULL, NULL, NULL), 0);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char fixture[256], *err = NULL, *out = NULL;
        snprintf(fixture, sizeof fixture, "tests/fixtures/import/%s", bad[i].fixture);
        CU_ASSERT_EQUAL(import(db, fixture, NULL, NULL, &err), 1);
        CU_ASSERT(lcmt_has(err, bad[i].msg));
        CU_ASSERT(lcmt_has(err, "nothing imported"));
        free(err);
        /* Still exactly the three households of responses_ok. */
        CU_ASSERT_EQUAL(import(db, "tests/fixtures/import/responses_ok.csv", NULL, &out, NULL), 0);
        CU_ASSERT(lcmt_has(out, "3 rows, 0 new, 3 unchanged"));
        free(out);
    }
    char *err = NULL;
    const char *args[] = {
        "import", "responses", db,  lcmt_path("tests/fixtures/import/responses_ok.csv"),
        "--form", "nosuch",    NULL};
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, NULL, &err), 1);
    CU_ASSERT(lcmt_has(err, "lcmon: unknown form: 'nosuch' (load it with 'lcmon form load')"));
    free(err);
}

/* --skip-invalid: good rows in, bad ones to FILE.rejected.csv with their problems. */
static void responses__skip_invalid_writes_rejects(void) {
    char db[4096], csv[4096], *out = NULL;
    snprintf(db, sizeof db, "%s", form_db("resp_skip.db"));
    snprintf(csv, sizeof csv, "%s", lcmt_tmp("mixed.csv"));
    FILE *in = fopen(lcmt_path("tests/fixtures/import/responses_ok.csv"), "r");
    FILE *badf = fopen(lcmt_path("tests/fixtures/import/responses_bad_cells.csv"), "r");
    FILE *fp = fopen(csv, "w");
    char line[65536];
    while (fgets(line, sizeof line, in)) /* header + three good rows */
        fputs(line, fp);
    /* skip the header, then one bad row: sex 9 (with the id of good row 1) */
    CU_ASSERT_PTR_NOT_NULL(fgets(line, sizeof line, badf));
    CU_ASSERT_PTR_NOT_NULL(fgets(line, sizeof line, badf));
    fputs(line, fp);
    fclose(in), fclose(badf), fclose(fp);
    const char *args[] = {"import",    "responses",      db,  csv, "--form",
                          "household", "--skip-invalid", NULL};
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, &out, NULL), 0);
    CU_ASSERT(lcmt_has(out, "4 rows, 3 new"));
    CU_ASSERT(lcmt_has(out, "1 row rejected"));
    free(out);
    FILE *rej = fopen(lcmt_tmp("mixed.rejected.csv"), "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(rej);
    char all[65536] = "";
    size_t n = fread(all, 1, sizeof all - 1, rej);
    all[n] = '\0';
    fclose(rej);
    CU_ASSERT(lcmt_has(all, ",lcmon_problems\r\n"));
    CU_ASSERT(lcmt_has(all, ":5:11 (sex): '9' is not a choice of list 'sex'"));
}

/* Field k (from 0) of a CSV line without quotes replaced by text (written as it is). */
static void put_field(FILE *fp, const char *line, int k, const char *text) {
    int at = 0;
    for (const char *p = line; *p && *p != '\n'; p++) {
        if (at == k && *p != ',') {
            if (text) {
                fputs(text, fp);
                text = NULL;
            }
            continue;
        }
        if (at == k && text) /* an empty field */
            fputs(text, fp), text = NULL;
        fputc(*p, fp);
        at += *p == ',';
    }
    if (text)
        fputs(text, fp);
    fputc('\n', fp);
}

/* An answer that passed its field's checks is not checked again for that field in the same
 * import (import_resp.c): 110 passes for a member's age (0-120), and is still refused as the
 * respondent's age (16-100) after it, each time it comes. */
static void responses__passed_answers_are_the_fields_own(void) {
    char db[4096], csv[4096], line[65536], *out = NULL;
    snprintf(db, sizeof db, "%s", form_db("resp_passed.db"));
    snprintf(csv, sizeof csv, "%s", lcmt_tmp("passed.csv"));
    FILE *in = fopen(lcmt_path("tests/fixtures/import/responses_ok.csv"), "r");
    FILE *fp = fopen(csv, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(in);
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    for (int k = 0; fgets(line, sizeof line, in); k++)
        if (k == 0)
            fputs(line, fp);
        else if (k == 1)
            put_field(fp, line, 48, "110"); /* members[1]/m_age */
        else
            put_field(fp, line, 11, "110"); /* age */
    fclose(in), fclose(fp);
    const char *args[] = {"import",    "responses",      db,  csv, "--form",
                          "household", "--skip-invalid", NULL};
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, &out, NULL), 0);
    CU_ASSERT(lcmt_has(out, "3 rows, 1 new"));
    CU_ASSERT(lcmt_has(out, "2 rows rejected"));
    free(out);
    char *all = lcmt_slurp(lcmt_tmp("passed.rejected.csv"), NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(all);
    CU_ASSERT(lcmt_has(all, ":3:12 (age)"));
    CU_ASSERT(lcmt_has(all, ":4:12 (age)"));
    free(all);
}

/* A repeated instance_id names the line of its first copy: rows of the same file that
 * were written (found through the main table and the lines of this import's rows, with
 * a rejected row and a cell over two lines in between), as well as rows of a file
 * imported again (stored before, so found through the ids the import keeps apart). */
static void responses__duplicate_ids_name_their_first_line(void) {
    char db[4096], csv[4096], *out = NULL, *err = NULL;
    char rows[4][65536];
    snprintf(db, sizeof db, "%s", form_db("resp_dup.db"));
    snprintf(csv, sizeof csv, "%s", lcmt_tmp("dup.csv"));
    FILE *in = fopen(lcmt_path("tests/fixtures/import/responses_ok.csv"), "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(in);
    for (int i = 0; i < 4; i++)
        CU_ASSERT_PTR_NOT_NULL_FATAL(fgets(rows[i], sizeof rows[i], in));
    fclose(in);
    int suggestion = 0; /* column of 'suggestion' in the header */
    for (const char *p = rows[0]; strncmp(p, "suggestion,", 11) != 0; p++)
        suggestion += *p == ',';
    static const char d_id[] = "11111111-1111-4111-8111-111111111111";
    FILE *fp = fopen(csv, "w");
    fputs(rows[0], fp);                               /* 1 */
    fputs(rows[1], fp);                               /* 2: A */
    fputs(rows[2], fp);                               /* 3: B */
    put_field(fp, rows[3], 0, "not-a-uuid");          /* 4: refused */
    put_field(fp, rows[3], suggestion, "\"多\n行\""); /* 5-6: C */
    put_field(fp, rows[1], 0, d_id);                  /* 7: D */
    fputs(rows[3], fp);                               /* 8: C again */
    put_field(fp, rows[1], 0, d_id);                  /* 9: D again */
    fputs(rows[1], fp);                               /* 10: A again */
    fclose(fp);
    char a[40], c[40];
    snprintf(a, sizeof a, "%.36s", rows[1]);
    snprintf(c, sizeof c, "%.36s", rows[3]);
    char want[3][200];
    snprintf(want[0], sizeof want[0], ":8: instance_id %s also on line 5", c);
    snprintf(want[1], sizeof want[1], ":9: instance_id %s also on line 7", d_id);
    snprintf(want[2], sizeof want[2], ":10: instance_id %s also on line 2", a);
    const char *args[] = {"import", "responses", db, csv, "--form", "household", NULL, NULL};
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, &out, &err), 1);
    CU_ASSERT(lcmt_has(err, ":4:1 (instance_id): instance_id 'not-a-uuid' is not a UUID"));
    for (int i = 0; i < 3; i++)
        CU_ASSERT(lcmt_has(err, want[i]));
    CU_ASSERT(lcmt_has(err, "4 problems in"));
    CU_ASSERT(lcmt_has(err, "nothing imported"));
    free(out), free(err), out = err = NULL;
    /* --skip-invalid: the four households go in, the four other rows are rejected. */
    args[6] = "--skip-invalid";
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, &out, &err), 0);
    CU_ASSERT(lcmt_has(out, "8 rows, 4 new")); /* rows, not lines */
    CU_ASSERT(lcmt_has(out, "4 rows rejected"));
    free(out), free(err), out = err = NULL;
    /* Again (--force: over the first run's rejects file): all stored before now, and the
     * copies still name their first line. */
    const char *again[] = {"import",    "responses",      db,        csv, "--form",
                           "household", "--skip-invalid", "--force", NULL};
    CU_ASSERT_EQUAL(lcmt_run(again, NULL, &out, &err), 0);
    CU_ASSERT(lcmt_has(out, "8 rows, 0 new, 4 unchanged"));
    FILE *rej = fopen(lcmt_tmp("dup.rejected.csv"), "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(rej);
    char all[1 << 18] = "";
    all[fread(all, 1, sizeof all - 1, rej)] = '\0';
    fclose(rej);
    for (int i = 0; i < 3; i++)
        CU_ASSERT(lcmt_has(all, want[i]));
    free(out), free(err);
}

/* The lines of an import's rows are kept as runs of consecutive lines: a rowid taken
 * back (its instance refused after its main row) and written again by a later line
 * maps to that line. */
static void responses__row_lines_kept_as_runs(void) {
    resp_state s;
    memset(&s, 0, sizeof s);
    s.start = 100, s.started = 1;
    CU_ASSERT_EQUAL(lcm__resp_note_line(&s, 101, 2, NULL), LCM_OK);
    CU_ASSERT_EQUAL(lcm__resp_note_line(&s, 102, 3, NULL), LCM_OK);
    CU_ASSERT_EQUAL(s.nruns, 1);
    CU_ASSERT_EQUAL(lcm__resp_note_line(&s, 103, 6, NULL), LCM_OK); /* 4, 5 refused */
    CU_ASSERT_EQUAL(lcm__resp_note_line(&s, 103, 7, NULL), LCM_OK); /* 6 taken back */
    CU_ASSERT_EQUAL(lcm__resp_note_line(&s, 104, 8, NULL), LCM_OK);
    CU_ASSERT_EQUAL(s.nruns, 2);
    CU_ASSERT_EQUAL(lcm__resp_line_of(&s, 100), 0); /* stored before */
    CU_ASSERT_EQUAL(lcm__resp_line_of(&s, 101), 2);
    CU_ASSERT_EQUAL(lcm__resp_line_of(&s, 102), 3);
    CU_ASSERT_EQUAL(lcm__resp_line_of(&s, 103), 7);
    CU_ASSERT_EQUAL(lcm__resp_line_of(&s, 104), 8);
    CU_ASSERT_EQUAL(lcm__resp_note_line(&s, 102, 9, NULL), LCM_OK); /* 102..104 taken back */
    CU_ASSERT_EQUAL(lcm__resp_line_of(&s, 101), 2);
    CU_ASSERT_EQUAL(lcm__resp_line_of(&s, 102), 9);
    free(s.runs);
}

/* The importer checks references itself and turns SQLite's foreign-key look-ups off for
 * its transaction only: they are on again afterwards, whether it committed or rolled back,
 * the stored rows pass foreign_key_check, and an unknown city is still refused. */
static void responses__foreign_keys_back_on(void) {
    lcm_db *db = NULL;
    lcm_err err = {0};
    lcm_import_result res;
    lcm_resp_opts o;
    memset(&o, 0, sizeof o);
    o.form_id = "household";
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(form_db("resp_fk.db"), 0, &db, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_import_responses(db, lcmt_path("tests/fixtures/import/responses_ok.csv"),
                                         &o, &res, NULL, &err),
                    LCM_OK);
    lcm_import_result_free(&res);
    CU_ASSERT_EQUAL(lcmt_count(db, "PRAGMA foreign_keys"), 1);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM resp_household_2026_1__members"), 7);
    /* a city that is no city: refused by the importer's own check, nothing stored */
    char csv[4096], line[65536];
    snprintf(csv, sizeof csv, "%s", lcmt_tmp("nocity.csv"));
    FILE *in = fopen(lcmt_path("tests/fixtures/import/responses_ok.csv"), "r");
    FILE *out = fopen(csv, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fgets(line, sizeof line, in));
    fputs(line, out);
    CU_ASSERT_PTR_NOT_NULL_FATAL(fgets(line, sizeof line, in));
    CU_ASSERT_FATAL(strncmp(line + 36, ",4413,", 6) == 0); /* id, then the city */
    fprintf(out, "22222222-2222-4222-8222-222222222222,9413%s", line + 41);
    fclose(in), fclose(out);
    CU_ASSERT_EQUAL(lcm_import_responses(db, csv, &o, &res, NULL, &err), LCM_CONSTRAINT);
    CU_ASSERT(
        lcmt_has(res.nmsgs ? res.msgs[0] : NULL, "city code '9413' is not in the reference data"));
    lcm_import_result_free(&res);
    CU_ASSERT_EQUAL(lcmt_count(db, "PRAGMA foreign_keys"), 1);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM resp_household_2026_1"), 3);
    lcm_db_close(db);
}

/* n households: the three of responses_ok.csv over and over, each with its own id (as
 * bench/import_gen.awk makes them). */
static void many_households(const char *path, long n) {
    char rows[4][65536];
    FILE *in = fopen(lcmt_path("tests/fixtures/import/responses_ok.csv"), "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(in);
    for (int i = 0; i < 4; i++)
        CU_ASSERT_PTR_NOT_NULL_FATAL(fgets(rows[i], sizeof rows[i], in));
    fclose(in);
    FILE *out = fopen(path, "w");
    fputs(rows[0], out);
    for (long i = 0; i < n; i++)
        fprintf(out, "%08lx-0000-4000-8000-%012lx%s", i, i, rows[1 + i % 3] + 36);
    fclose(out);
}

/* Run lcmon with stderr on a pseudo-terminal; what it wrote there, malloc'd. */
static char *stderr_on_terminal(const char *const *args, int *status) {
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    CU_ASSERT_FATAL(master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0);
    const char *name = ptsname(master);
    pid_t pid = fork();
    if (pid == 0) {
        int slave = open(name, O_RDWR), null = open("/dev/null", O_WRONLY);
        dup2(slave, STDERR_FILENO), dup2(null, STDOUT_FILENO);
        execv(LCMT_LCMON, (char *const *)args);
        _exit(127);
    }
    size_t len = 0, cap = 1 << 16;
    char *text = malloc(cap);
    for (ssize_t got; text && (got = read(master, text + len, cap - len - 1)) != 0;) {
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) /* EIO: the child closed the terminal */
            break;
        if ((len += (size_t)got) + 1 == cap)
            text = realloc(text, cap *= 2);
    }
    if (text)
        text[len] = '\0';
    waitpid(pid, status, 0);
    close(master);
    return text;
}

/* Files of 4 MB and more get a progress bar when stderr is a terminal, cleared at the
 * end; smaller files and stderr that is not a terminal get none. */
static void responses__progress_bar_on_a_terminal(void) {
    char db[4096], big[4096], small[4096];
    snprintf(db, sizeof db, "%s", form_db("resp_progress.db"));
    snprintf(big, sizeof big, "%s", lcmt_tmp("big.csv"));
    snprintf(small, sizeof small, "%s", lcmt_tmp("small.csv"));
    many_households(big, 20000); /* 4.6 MB */
    many_households(small, 100);
    int status = -1;
    const char *args[] = {LCMT_LCMON, "import", "responses", db, big, "--form", "household", NULL};
    char *bar = stderr_on_terminal(args, &status);
    CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    const char *first = bar ? strstr(bar, "\rimporting ") : NULL; /* it moves: twice at least */
    CU_ASSERT(lcmt_has(bar, "big.csv "));
    CU_ASSERT(first && strstr(first + 1, "\rimporting ") && strchr(first, '%'));
    CU_ASSERT(bar && strlen(bar) >= 4 && strcmp(bar + strlen(bar) - 4, "\r\033[K") == 0);
    free(bar);
    args[4] = small;
    bar = stderr_on_terminal(args, &status);
    CU_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    CU_ASSERT(bar && !strstr(bar, "importing"));
    free(bar);
    char *err = NULL; /* not a terminal: none even for the big file (already stored now) */
    CU_ASSERT_EQUAL(lcmt_run(args + 1, NULL, NULL, &err), 0);
    CU_ASSERT(err && !strstr(err, "importing"));
    free(err);
}

/* Households and their members exported by lcmon (two files) come back whole: every
 * column of both tables equal to the source's but `source`, from a simulated sample. */
static void responses__roster_file_round_trip(void) {
    char src[4096], dst[4096], csv[4096], members[4096];
    snprintf(src, sizeof src, "%s", lcmt_tmp("rt_src.db"));
    snprintf(csv, sizeof csv, "%s", lcmt_tmp("rt.csv"));
    snprintf(members, sizeof members, "%s", lcmt_tmp("rt__members.csv"));
    CU_ASSERT_EQUAL_FATAL(lcmt_run((const char *[]){"init", src, NULL}, NULL, NULL, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(lcmt_run((const char *[]){"simulate", src, "--cities", "2",
                                                    "--households", "4", "--waves", "2024", NULL},
                                   NULL, NULL, NULL),
                          0);
    CU_ASSERT_EQUAL_FATAL(
        lcmt_run((const char *[]){"export", src, "--form", "household", "--format", "csv",
                                  "--include-pii", "--out", csv, NULL},
                 NULL, NULL, NULL),
        0);
    snprintf(dst, sizeof dst, "%s", form_db("rt_dst.db"));
    char roster[4200], *out = NULL;
    snprintf(roster, sizeof roster, "members=%s", members);
    const char *args[] = {"import",    "responses", dst,    csv, "--form",
                          "household", "--roster",  roster, NULL};
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, &out, NULL), 0);
    CU_ASSERT(lcmt_has(out, "80 rows, 80 new"));
    free(out);
    lcm_db *db = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(dst, 0, &db, &err), LCM_OK);
    char attach[4300];
    snprintf(attach, sizeof attach, "ATTACH '%s' AS s", src);
    CU_ASSERT_EQUAL_FATAL(lcm_db_exec(db, attach, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM resp_household_2026_1__members"), 211);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM (SELECT * FROM "
                                   "s.resp_household_2026_1__members EXCEPT SELECT * FROM "
                                   "main.resp_household_2026_1__members)"),
                    0);
    /* every column of the main table but source, with its type */
    sqlite3_stmt *st = NULL;
    lcm_strbuf q = LCM_STRBUF_INIT;
    CU_ASSERT_EQUAL_FATAL(lcm_db_prepare(db,
                                         "SELECT name FROM pragma_table_info("
                                         "'resp_household_2026_1') WHERE name <> 'source'",
                                         &st, &err),
                          LCM_OK);
    lcm_strbuf_adds(&q, "SELECT count(*) FROM (SELECT ");
    for (int k = 0; sqlite3_step(st) == SQLITE_ROW; k++)
        lcm_strbuf_addf(&q, "%s\"%s\", typeof(\"%s\")", k ? ", " : "",
                        (const char *)sqlite3_column_text(st, 0),
                        (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    char *cols = strdup(q.buf + strlen("SELECT count(*) FROM (SELECT "));
    lcm_strbuf_addf(&q,
                    " FROM s.resp_household_2026_1 EXCEPT SELECT %s FROM "
                    "main.resp_household_2026_1)",
                    cols);
    CU_ASSERT_EQUAL(lcmt_count(db, q.buf), 0);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM resp_household_2026_1"), 80);
    free(cols);
    lcm_strbuf_release(&q);
    lcm_db_close(db);
}

/* A roster file's problems name its own file, line and column; members of households the
 * main file lacks, gaps in positions, a member given twice and roster columns in the main
 * file too are refused; ODK Central's layout (PARENT_KEY, KEY, no position) reads. */
static void responses__roster_file_problems(void) {
    char csv[4096], members[4096], badf[4096], db[4096], roster[4200], *out = NULL, *err = NULL;
    snprintf(csv, sizeof csv, "%s", lcmt_tmp("rt.csv")); /* from the round trip */
    snprintf(members, sizeof members, "%s", lcmt_tmp("rt__members.csv"));
    snprintf(badf, sizeof badf, "%s", lcmt_tmp("bad__members.csv"));
    char *text = lcmt_slurp(members, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    /* line 2 is member 1 of the first household: its age made 'x', and a stranger added */
    char *line2 = strchr(text, '\n') + 1, *line3 = strchr(line2, '\n') + 1;
    lcm_strbuf b = LCM_STRBUF_INIT;
    lcm_strbuf_add(&b, text, (size_t)(line2 - text));
    lcm_strbuf_add(&b, line2, 36);
    lcm_strbuf_adds(&b, ",1,1,2,x,3,4,0,0\n");
    lcm_strbuf_adds(&b, line3);
    lcm_strbuf_adds(&b, "99999999-9999-4999-8999-999999999999,1,1,2,30,3,4,0,0\n");
    lcm_strbuf_add(&b, line2, 36);
    lcm_strbuf_adds(&b, ",9,1,2,30,3,4,0,0\n"); /* a gap: member 9 */
    lcmt_write(badf, b.buf, b.len);
    lcm_strbuf_release(&b);
    snprintf(db, sizeof db, "%s", form_db("rt_bad.db"));
    snprintf(roster, sizeof roster, "members=%s", badf);
    const char *args[] = {"import",    "responses", db,     csv,  "--form",
                          "household", "--roster",  roster, NULL, NULL};
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, &out, &err), 1);
    CU_ASSERT(lcmt_has(err, "bad__members.csv:2:5 (m_age): 'x' is not a whole number, value 'x'"));
    CU_ASSERT(lcmt_has(err, "but no member"));
    CU_ASSERT(lcmt_has(err, "nothing imported"));
    free(out), free(err), out = err = NULL;
    /* only the stranger wrong: named as a member of a household the main file lacks */
    lcm_strbuf_adds(&b, text);
    lcm_strbuf_adds(&b, "99999999-9999-4999-8999-999999999999,1,1,2,30,3,4,0,0\n");
    lcmt_write(badf, b.buf, b.len);
    lcm_strbuf_release(&b);
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, &out, &err), 1);
    CU_ASSERT(lcmt_has(err, ": a member of household 99999999-9999-4999-8999-999999999999, which"));
    CU_ASSERT(lcmt_has(err, "1 roster row names no household of"));
    free(out), free(err), out = err = NULL;
    /* a member given twice */
    lcm_strbuf_adds(&b, text);
    lcm_strbuf_add(&b, line2, (size_t)(line3 - line2));
    lcmt_write(badf, b.buf, b.len);
    lcm_strbuf_release(&b);
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, &out, &err), 1);
    CU_ASSERT(lcmt_has(err, "is given twice"));
    free(out), free(err), out = err = NULL;
    /* ODK Central: PARENT_KEY uuid:…, KEY, no position (the order of a household's rows) */
    lcm_strbuf_adds(&b, "m_rel,m_sex,m_age,m_edu,m_work,m_disability,m_learned,PARENT_KEY,KEY\n");
    for (const char *p = line2; *p;) {
        const char *end = strchr(p, '\n'), *fields = strchr(strchr(p, ',') + 1, ',') + 1;
        lcm_strbuf_add(&b, fields, (size_t)(end - fields) - (end[-1] == '\r')); /* CRLF */
        lcm_strbuf_addf(&b, ",uuid:%.36s,uuid:%.36s/members\n", p, p);
        p = end + 1;
    }
    lcmt_write(badf, b.buf, b.len);
    lcm_strbuf_release(&b);
    snprintf(db, sizeof db, "%s", form_db("rt_odk.db"));
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, &out, &err), 0);
    CU_ASSERT(lcmt_has(out, "80 rows, 80 new"));
    free(out), free(err), out = err = NULL;
    /* the repeat must exist; its members cannot come from both places */
    snprintf(roster, sizeof roster, "people=%s", members);
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, &out, &err), 1);
    CU_ASSERT(lcmt_has(err, "form 'household' has no repeat 'people'"));
    free(out), free(err), out = err = NULL;
    snprintf(roster, sizeof roster, "members=%s", members);
    args[3] = lcmt_path("tests/fixtures/import/responses_ok.csv");
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, &out, &err), 1);
    CU_ASSERT(lcmt_has(err, "(members[1]/m_rel): roster 'members' comes from"));
    free(out), free(err);
    free(text);
}

const lcmt_case lcmt_import_resp_cases[] = {
    {"responses__passed_answers_are_the_fields_own", responses__passed_answers_are_the_fields_own},
    {"responses__roster_file_round_trip", responses__roster_file_round_trip},
    {"responses__roster_file_problems", responses__roster_file_problems},
    {"responses__progress_bar_on_a_terminal", responses__progress_bar_on_a_terminal},
    {"responses__foreign_keys_back_on", responses__foreign_keys_back_on},
    {"responses__row_lines_kept_as_runs", responses__row_lines_kept_as_runs},
    {"responses__duplicate_ids_name_their_first_line",
     responses__duplicate_ids_name_their_first_line},
    {"responses__native_kobo_and_wjx_import_once", responses__native_kobo_and_wjx_import_once},
    {"responses__bad_files_change_nothing", responses__bad_files_change_nothing},
    {"responses__skip_invalid_writes_rejects", responses__skip_invalid_writes_rejects},
    {NULL, NULL},
};
