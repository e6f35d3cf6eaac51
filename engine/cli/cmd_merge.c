/*
 * cmd_merge.c - `lcmon merge DB OTHER.db...`: responses from field teams' databases into
 * DB, in one transaction, with a report per file (see merge.h).
 */
#include "cli.h"
#include "merge.h"

#include <getopt.h>
#include <stdlib.h>

const char *const cmd_merge_usage[] = {
    "lcmon merge DB OTHER.db...",
    "",
    "Bring the responses of other lcmon databases (field teams') into DB. Every form",
    "version with responses there must be loaded in DB as the very same questionnaire",
    "(same digest). New interviews are added with their rosters; ones DB already holds",
    "unchanged are skipped; ones with the same instance_id but other answers are",
    "conflicts: listed, and left out. Drafts (interviews not finished) are left out and",
    "counted: finish them where they were started, then merge again. All files go in",
    "one transaction: on an error nothing is merged. Merging the same files again",
    "changes nothing.",
    NULL,
};

static void print_report(const lcm_merge_report *r) {
    if (!r->nforms)
        printf("'%s': no responses\n", r->path);
    for (size_t i = 0; i < r->nforms; i++) {
        const lcm_merge_form *f = &r->forms[i];
        printf("'%s': %s %s: %ld new, %ld already here, %ld conflict%s%s", r->path, f->form_id,
               f->version, f->added, f->identical, f->conflicts, f->conflicts == 1 ? "" : "s",
               f->conflicts ? " (left out)" : "");
        if (f->drafts)
            printf(", %ld draft%s left out (not finished)", f->drafts, f->drafts == 1 ? "" : "s");
        printf("\n");
    }
    for (size_t i = 0; i < r->nconflicts; i++)
        printf("  conflict: %s\n", r->conflicts[i]);
    long total = 0;
    for (size_t i = 0; i < r->nforms; i++)
        total += r->forms[i].conflicts;
    if ((size_t)total > r->nconflicts)
        printf("  ... and %ld more conflicts\n", total - (long)r->nconflicts);
}

int cmd_merge(int argc, char **argv) {
    static const struct option opts[] = {{0, 0, 0, 0}};
    int c, code;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1)
        if (c == '?')
            return cli_usage_error(cmd_merge_usage, "bad option");
    if (argc - optind < 2)
        return cli_usage_error(cmd_merge_usage, "expected: merge DB OTHER.db...");
    lcm_db *db = cli_open_db(argv[optind], 0, &code);
    if (!db)
        return code;
    size_t n = (size_t)(argc - optind - 1);
    lcm_merge_report *reps = calloc(n, sizeof *reps);
    lcm_err err = {0};
    lcm_status st = reps ? lcm_merge(db, (const char *const *)argv + optind + 1, n, reps, &err)
                         : lcm_err_set(&err, LCM_NOMEM, "out of memory");
    lcm_db_close(db);
    for (size_t i = 0; st == LCM_OK && i < n; i++)
        print_report(&reps[i]);
    for (size_t i = 0; reps && i < n; i++)
        lcm_merge_report_free(&reps[i]);
    free(reps);
    return st == LCM_OK ? LCM_EXIT_OK : cli_fail(&err);
}
