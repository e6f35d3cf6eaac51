/*
 * cmd_approval.c - `lcmon approval`: data approval of a city's monitoring inputs for a year
 * (DHIS2-style, city -> province -> ministry; engine/approval.h, docs/approval.md). status
 * prints the states (and a city-year's history); submit, accept, return and reopen act.
 */
#include "approval.h"
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const cmd_approval_usage[] = {
    "lcmon approval <subcommand> DB [<options>]",
    "",
    "Data approval of a city's monitoring inputs for a year (statistics, 常住人口,",
    "self-assessments, honours, facilities), city -> province -> ministry: the city submits",
    "(已上报), the province accepts (省级已审核) or returns them with a comment (已退回),",
    "the ministry accepts (部级已确认) or returns them. Submitted and accepted inputs are",
    "locked: imports and edits of them are refused until they are returned, or, once",
    "accepted, until the ministry reopens them. Only accepted inputs enter an official score",
    "run (lcmon score --official). Every action is kept with who, when and the comment, and",
    "written to the audit trail (lcmon audit).",
    "",
    "    status DB [--city C] [--province P] [--year Y] [--format F]",
    "                      the state of every city-year with inputs; with --city and --year",
    "                      also its history",
    "    submit DB --city C --year Y [--comment T] [--as LOGIN]",
    "                      the city submits its inputs (from 填报中 or 已退回)",
    "    accept DB --city C --year Y [--comment T] [--as LOGIN]",
    "                      the province accepts submitted inputs, the ministry accepts",
    "                      inputs the province accepted",
    "    return DB --city C --year Y --comment T [--as LOGIN]",
    "                      the province or the ministry returns them to the city",
    "    reopen DB --city C --year Y [--comment T] [--as LOGIN]",
    "                      the ministry reopens accepted inputs (back to 填报中)",
    "",
    "    --city C         4- or 6-digit city code",
    "    --year Y         monitoring year",
    "    --comment T      the reason (required to return)",
    "    --as LOGIN       the account that acts (lcmon user add): its role decides the level",
    "                     (城市协调员 city, 省级联络员 province, 部级管理员 ministry) and its",
    "                     place which cities it may act on; without it the actor is 命令行",
    "    --level L        who acts from the command line: city, province or ministry",
    "                     (default: the level the state waits for); refused when the state",
    "                     waits for another level",
    "    --province P     status: only the cities of this two-digit province code",
    "    --format F       status: table (default), csv or json",
    NULL,
};

typedef struct approval_args {
    const char *sub, *db, *city, *province, *comment, *level, *as;
    int year;
    cli_format fmt;
} approval_args;

static int print_rows(cli_rows *rows, cli_format fmt) {
    int code = rows && cli_rows_print(rows, fmt, stdout) == 0 ? LCM_EXIT_OK
                                                              : cli_error("cannot write output");
    cli_rows_free(rows);
    return code;
}

static int show_history(lcm_db *db, const approval_args *a) {
    static const char *const names[] = {"时间",   "操作者", "级别", "操作",
                                        "原状态", "新状态", "意见"};
    lcm_approval_event *ev = NULL;
    size_t n = 0;
    lcm_err err = {0};
    if (lcm_approval_history(db, a->city, a->year, &ev, &n, &err) != LCM_OK)
        return cli_fail(&err);
    cli_rows *rows = cli_rows_new(7, names, NULL);
    for (size_t i = 0; rows && i < n; i++) {
        const char *v[] = {ev[i].at,
                           ev[i].who,
                           lcm_approval_level_label(ev[i].level),
                           lcm_approval_action_label(ev[i].action),
                           lcm_approval_state_label(ev[i].from),
                           lcm_approval_state_label(ev[i].to),
                           ev[i].comment};
        cli_rows_add(rows, v);
    }
    free(ev);
    if (a->fmt == CLI_TABLE)
        printf(n ? "\n历史:\n" : "\n历史: 无\n");
    return n ? print_rows(rows, a->fmt) : (cli_rows_free(rows), LCM_EXIT_OK);
}

static int status(lcm_db *db, const approval_args *a) {
    static const char *const names[] = {"代码", "城市", "年份",     "状态",   "state", "指标值",
                                        "人口", "自评", "更新时间", "更新者", "意见"};
    static const int numeric[] = {0, 0, 1, 0, 0, 1, 1, 1, 0, 0, 0};
    lcm_approval *rows = NULL;
    size_t n = 0;
    lcm_err err = {0};
    if (a->city && a->year) { /* one city-year: shown even without inputs */
        rows = malloc(sizeof *rows);
        if (!rows)
            return cli_error("out of memory"), LCM_EXIT_INTERNAL;
        if (lcm_approval_get(db, a->city, a->year, rows, &err) != LCM_OK) {
            free(rows);
            return cli_fail(&err);
        }
        n = 1;
    } else if (lcm_approval_list(db, a->city, a->province, a->year, &rows, &n, &err) != LCM_OK)
        return cli_fail(&err);
    /* the state's code is for scripts (csv, json): a Chinese table shows its label only */
    int table = a->fmt == CLI_TABLE;
    static const char *const names_zh[] = {"代码", "城市", "年份",     "状态",   "指标值",
                                           "人口", "自评", "更新时间", "更新者", "意见"};
    static const int numeric_zh[] = {0, 0, 1, 0, 1, 1, 1, 0, 0, 0};
    cli_rows *out =
        table ? cli_rows_new(10, names_zh, numeric_zh) : cli_rows_new(11, names, numeric);
    char b[4][24];
    for (size_t i = 0; out && i < n; i++) {
        const lcm_approval *r = &rows[i];
        snprintf(b[0], sizeof b[0], "%d", r->year);
        snprintf(b[1], sizeof b[1], "%ld", r->values);
        snprintf(b[2], sizeof b[2], "%ld", r->stats);
        snprintf(b[3], sizeof b[3], "%ld", r->selfs);
        const char *v[] = {r->city,
                           r->city_name,
                           b[0],
                           lcm_approval_state_label(r->state),
                           lcm_approval_state_code(r->state),
                           b[1],
                           b[2],
                           b[3],
                           r->updated_at,
                           r->updated_by,
                           r->comment};
        if (table)
            memmove(&v[4], &v[5], 6 * sizeof v[0]);
        cli_rows_add(out, v);
    }
    free(rows);
    if (n == 0 && a->fmt == CLI_TABLE) {
        cli_rows_free(out);
        printf("没有城市填报的数据\n");
        return LCM_EXIT_OK;
    }
    int code = print_rows(out, a->fmt);
    if (code == LCM_EXIT_OK && a->city && a->year && a->fmt == CLI_TABLE)
        code = show_history(db, a);
    return code;
}

static int act(lcm_db *db, const approval_args *a, lcm_approval_action action) {
    lcm_err err = {0};
    lcm_approval cur, after;
    lcm_user user;
    if (lcm_approval_get(db, a->city, a->year, &cur, &err) != LCM_OK ||
        (a->as && lcm_user_get(db, a->as, &user, &err) != LCM_OK))
        return cli_fail(&err);
    int level = -1;
    if (a->level) {
        lcm_approval_level l;
        lcm_approval_level_parse(a->level, &l); /* checked when parsed */
        level = (int)l;
    }
    if (lcm_approval_act_as(db, a->as ? &user : NULL, level, a->city, a->year, action, a->comment,
                            &after, &err) != LCM_OK)
        return cli_fail(&err);
    lcm_approval_event *ev = NULL;
    size_t n = 0;
    if (lcm_approval_history(db, a->city, a->year, &ev, &n, &err) != LCM_OK || !n) {
        free(ev);
        return cli_fail(&err);
    }
    printf("%s %s %d: %s → %s (%s → %s), %s%s\n", after.city, after.city_name, after.year,
           lcm_approval_state_label(cur.state), lcm_approval_state_label(after.state),
           lcm_approval_state_code(cur.state), lcm_approval_state_code(after.state),
           lcm_approval_level_label(ev[n - 1].level), lcm_approval_action_label(action));
    free(ev);
    return LCM_EXIT_OK;
}

static int parse(int argc, char **argv, approval_args *a) {
    static const struct option opts[] = {
        {"city", required_argument, NULL, 'c'},     {"year", required_argument, NULL, 'y'},
        {"comment", required_argument, NULL, 'm'},  {"level", required_argument, NULL, 'l'},
        {"province", required_argument, NULL, 'p'}, {"format", required_argument, NULL, 'f'},
        {"as", required_argument, NULL, 'a'},       {0, 0, 0, 0}};
    int c;
    lcm_approval_level lv;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            a->city = optarg;
            break;
        case 'y':
            if (cli_parse_year(optarg, &a->year) != 0)
                return cli_usage_error(cmd_approval_usage, "--year must be a year 2000-2100: '%s'",
                                       optarg);
            break;
        case 'm':
            a->comment = optarg;
            break;
        case 'a':
            a->as = optarg;
            break;
        case 'l':
            if (!lcm_approval_level_parse(optarg, &lv))
                return cli_usage_error(cmd_approval_usage,
                                       "--level must be city, province or ministry: '%s'", optarg);
            a->level = optarg;
            break;
        case 'p':
            if (strlen(optarg) != 2 || optarg[0] < '0' || optarg[0] > '9' || optarg[1] < '0' ||
                optarg[1] > '9')
                return cli_usage_error(cmd_approval_usage,
                                       "--province must be a two-digit code: '%s'", optarg);
            a->province = optarg;
            break;
        case 'f':
            if (cli_parse_format(optarg, &a->fmt) != 0)
                return cli_usage_error(cmd_approval_usage, "unknown format: '%s'", optarg);
            break;
        default:
            return cli_usage_error(cmd_approval_usage, "bad option or missing value: '%s'",
                                   argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return cli_usage_error(cmd_approval_usage,
                               optind < argc ? "unexpected argument: '%s'" : "missing database%s",
                               optind < argc ? argv[argc - 1] : "");
    a->db = argv[optind];
    int status = strcmp(a->sub, "status") == 0;
    if (status && (a->comment || a->level || a->as))
        return cli_usage_error(cmd_approval_usage, "status takes no --comment, --level or --as");
    if (!status && a->province)
        return cli_usage_error(cmd_approval_usage, "--province is for status");
    if (!status && a->fmt != CLI_TABLE)
        return cli_usage_error(cmd_approval_usage, "--format is for status");
    if (!status && (!a->city || !a->year))
        return cli_usage_error(cmd_approval_usage, "%s needs --city and --year", a->sub);
    return LCM_EXIT_OK;
}

int cmd_approval(int argc, char **argv) {
    if (argc < 2)
        return cli_usage_error(cmd_approval_usage, "approval needs a subcommand");
    lcm_approval_action action = LCM_APPROVAL_SUBMIT;
    approval_args a = {.sub = argv[1], .fmt = CLI_TABLE};
    if (strcmp(a.sub, "status") != 0 && !lcm_approval_action_parse(a.sub, &action))
        return cli_usage_error(cmd_approval_usage, "unknown subcommand: '%s'", a.sub);
    int code = parse(argc - 1, argv + 1, &a);
    if (code != LCM_EXIT_OK)
        return code;
    int st = strcmp(a.sub, "status") == 0;
    lcm_db *db = cli_open_db(a.db, st ? LCM_OPEN_READONLY : 0, &code);
    if (!db)
        return code;
    code = st ? status(db, &a) : act(db, &a, action);
    lcm_db_close(db);
    return code;
}
