/*
 * cmd_review.c - `lcmon review ...`: the interviews `lcmon serve` collected, with their
 * paradata and review state, and a reviewer's decision on one (engine/review.h,
 * docs/review.md). The web has the same at /review for city coordinators.
 */
#include "auth.h"
#include "cli.h"
#include "review.h"

#include <getopt.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const cmd_review_usage[] = {
    "lcmon review list DB [--city C] [--state S] [--format table|csv|json]",
    "lcmon review set DB INSTANCE --state approved|has_issues|rejected|received "
    "[--comment T]",
    "lcmon review history DB INSTANCE [--format table|csv|json]",
    "",
    "Review of the interviews collected by 'lcmon serve'. Each starts received (待审核); a",
    "city coordinator marks it approved (已通过), has_issues (需修改, with a comment the",
    "interviewer sees on the web and answers by editing and resubmitting: resubmitted,",
    "已重新提交) or rejected (已拒绝). Approved and rejected are final; --state received",
    "reopens one (an administrator's act). Estimates count the approved ones only unless",
    "'lcmon estimate --unreviewed include'; imported interviews count as before.",
    "",
    "    list      the interviews of a city (every city without --city), oldest first, with",
    "              their paradata: time on the pages, pages shown, times a page was left",
    "              backwards, and an earlier interview with the same answers",
    "    set       move one interview to a state, recorded with its comment in the history",
    "              and the audit trail",
    "    history   every review action on one interview",
    "    --state S   received, approved, has_issues, rejected, resubmitted (or 待审核 ...)",
    "    --comment T required for has_issues: what the interviewer should change",
    "    --format F  table (default), csv or json",
    NULL,
};

typedef struct rv_args {
    const char *db, *instance, *city, *state, *comment;
    cli_format fmt;
} rv_args;

static int parse(int argc, char **argv, rv_args *a, int want_instance) {
    static const struct option opts[] = {{"city", required_argument, NULL, 'c'},
                                         {"state", required_argument, NULL, 's'},
                                         {"comment", required_argument, NULL, 'm'},
                                         {"format", required_argument, NULL, 'f'},
                                         {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            a->city = optarg;
            break;
        case 's':
            a->state = optarg;
            break;
        case 'm':
            a->comment = optarg;
            break;
        case 'f':
            if (cli_parse_format(optarg, &a->fmt))
                return cli_usage_error(cmd_review_usage, "bad value for --format: '%s'", optarg);
            break;
        default:
            return cli_usage_error(cmd_review_usage, "bad option");
        }
    }
    if (argc - optind != 1 + want_instance)
        return cli_usage_error(cmd_review_usage, want_instance
                                                     ? "expected a database and an instance id"
                                                     : "expected one database path");
    a->db = argv[optind];
    a->instance = want_instance ? argv[optind + 1] : NULL;
    return 0;
}

static int print_rows(cli_rows *rows, cli_format fmt) {
    if (!rows)
        return cli_error("out of memory"), LCM_EXIT_INTERNAL;
    int code = cli_rows_print(rows, fmt, stdout) ? cli_error("cannot write output") : 0;
    cli_rows_free(rows);
    return code;
}

static int do_list(const rv_args *a, lcm_db *db) {
    lcm_review_query q = {.city = a->city, .state = -1};
    lcm_review_state s;
    if (a->state) {
        if (!lcm_review_state_parse(a->state, &s))
            return cli_usage_error(cmd_review_usage, "bad value for --state: '%s'", a->state);
        q.state = (int)s;
    }
    lcm_review *v = NULL;
    size_t n = 0;
    lcm_err err = {0};
    if (lcm_review_list(db, &q, &v, &n, &err) != LCM_OK)
        return cli_fail(&err);
    static const char *const names[] = {"instance",  "city",         "state",      "interviewer",
                                        "household", "submitted_at", "duration_s", "pages",
                                        "backs",     "duplicate_of", "comment",    "by",
                                        "at"};
    static const char *const names_zh[] = {"问卷编号", "城市",   "状态",    "访问员", "住户",
                                           "提交时间", "用时秒", "页数",    "回退",   "答案重复于",
                                           "意见",     "审核人", "审核时间"};
    static const int numeric[] = {0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0};
    cli_rows *rows = cli_rows_new(13, a->fmt == CLI_TABLE ? names_zh : names, numeric);
    for (size_t i = 0; rows && i < n; i++) {
        char dur[32], pages[24], backs[24];
        snprintf(dur, sizeof dur, "%.1f", (double)v[i].duration_ms / 1000.0);
        snprintf(pages, sizeof pages, "%ld", v[i].pages);
        snprintf(backs, sizeof backs, "%ld", v[i].backs);
        const char *row[13] = {v[i].instance_id,
                               v[i].city,
                               a->fmt == CLI_TABLE ? lcm_review_state_label(v[i].state)
                                                   : lcm_review_state_code(v[i].state),
                               v[i].interviewer,
                               v[i].household_id,
                               v[i].submitted_at,
                               dur,
                               pages,
                               backs,
                               v[i].duplicate_of,
                               v[i].comment,
                               v[i].who,
                               v[i].at};
        if (cli_rows_add(rows, row)) {
            cli_rows_free(rows);
            rows = NULL;
        }
    }
    lcm_review_free(v, n);
    return print_rows(rows, a->fmt);
}

static int do_set(const rv_args *a, lcm_db *db) {
    lcm_review_state to;
    if (!a->state)
        return cli_usage_error(cmd_review_usage, "missing --state");
    if (!lcm_review_state_parse(a->state, &to) || to == LCM_REVIEW_RESUBMITTED)
        return cli_usage_error(cmd_review_usage, "bad value for --state: '%s'", a->state);
    /* the command line is the database's owner: it may reopen, in any city */
    lcm_review_by by = {.who = "命令行", .admin = 1};
    lcm_err err = {0};
    lcm_review v = {0};
    lcm_status rc = lcm_db_begin(db, &err);
    if (rc == LCM_OK && (rc = lcm_review_set(db, a->instance, to, a->comment, &by, &err)) == LCM_OK)
        rc = lcm_review_get(db, a->instance, NULL, &v, &err);
    if (rc == LCM_OK) { /* the audit trail names the command line (auth.h), as the web its user */
        char detail[LCM_REVIEW_COMMENT_MAX + 32];
        snprintf(detail, sizeof detail, "%s%s%s", lcm_review_state_code(to),
                 v.comment[0] ? ": " : "", v.comment);
        rc = lcm_audit(db, NULL, "review.set", a->instance, v.city, detail, &err);
    }
    if (rc == LCM_OK)
        rc = lcm_db_commit(db, &err);
    if (rc != LCM_OK) {
        lcm_db_rollback(db);
        free(v.comment);
        return cli_fail(&err);
    }
    printf("%s: %s (%s)%s%s\n", a->instance, lcm_review_state_code(v.state),
           lcm_review_state_label(v.state), v.comment[0] ? ": " : "", v.comment);
    free(v.comment);
    return 0;
}

static int do_history(const rv_args *a, lcm_db *db) {
    sqlite3_stmt *st = NULL;
    lcm_err err = {0};
    lcm_review v;
    if (lcm_review_get(db, a->instance, NULL, &v, &err) != LCM_OK)
        return cli_fail(&err);
    free(v.comment);
    if (lcm_db_prepare(db,
                       "SELECT at, coalesce(from_state, ''), to_state, comment, who,"
                       " coalesce(user_id, '') FROM submission_review_history"
                       " WHERE instance_id = ?1 ORDER BY id",
                       &st, &err) != LCM_OK)
        return cli_fail(&err);
    sqlite3_bind_text(st, 1, a->instance, -1, SQLITE_STATIC);
    static const char *const names[] = {"at", "from", "to", "comment", "by", "user_id"};
    static const char *const names_zh[] = {"时间", "原状态", "新状态", "意见", "审核人", "账号"};
    static const int numeric[] = {0, 0, 0, 0, 0, 1};
    cli_rows *rows = cli_rows_new(6, a->fmt == CLI_TABLE ? names_zh : names, numeric);
    while (rows && sqlite3_step(st) == SQLITE_ROW) {
        const char *row[6];
        lcm_review_state s;
        for (int k = 0; k < 6; k++) {
            row[k] = (const char *)sqlite3_column_text(st, k);
            if (a->fmt == CLI_TABLE && (k == 1 || k == 2) && lcm_review_state_parse(row[k], &s))
                row[k] = lcm_review_state_label(s);
        }
        if (cli_rows_add(rows, row)) {
            cli_rows_free(rows);
            rows = NULL;
        }
    }
    sqlite3_finalize(st);
    return print_rows(rows, a->fmt);
}

int cmd_review(int argc, char **argv) {
    static const struct {
        const char *name;
        int (*fn)(const rv_args *, lcm_db *);
        int readonly, instance;
    } subs[] = {{"list", do_list, 1, 0}, {"set", do_set, 0, 1}, {"history", do_history, 1, 1}};
    if (argc < 2)
        return cli_usage_error(cmd_review_usage, "review needs a subcommand");
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
        if (strcmp(argv[1], subs[i].name) != 0)
            continue;
        rv_args a = {.fmt = CLI_TABLE};
        int code = parse(argc - 1, argv + 1, &a, subs[i].instance);
        if (code)
            return code;
        lcm_db *db = cli_open_db(a.db, subs[i].readonly ? LCM_OPEN_READONLY : 0, &code);
        if (!db)
            return code;
        code = subs[i].fn(&a, db);
        lcm_db_close(db);
        return code;
    }
    return cli_usage_error(cmd_review_usage, "unknown subcommand: '%s'", argv[1]);
}
