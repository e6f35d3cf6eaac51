/*
 * cmd_dashboard.c - `lcmon dashboard`: the supervisor's dashboard of fieldwork (dashboard.h)
 * for a city, a province or the nation, as tables in Chinese and, with --csv, one CSV file
 * per table.
 */
#include "cli.h"
#include "dashboard.h"
#include "outfile.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const cmd_dashboard_usage[] = {
    "lcmon dashboard DB (--city C | --province P | --national) [--csv DIR] [--personal] "
    "[--force]",
    "",
    "Fieldwork progress of the campaigns of city C (4-digit code), of province P (2-digit",
    "code) or of every city: completed / assigned households by area, stratum and PSU (the",
    "community), AAPOR response rate RR1 and refusal rate REF1, interviews per interviewer",
    "per day (Beijing time), the median duration from the paradata, and quality flags with",
    "the interviews behind them: speeders (under a third of the campaign's median duration),",
    "straight-lining on the satisfaction grid (sat_* questions), identical answers, and",
    "interviewer interviews submitted before 08:00 or after 21:00 Beijing time.",
    "",
    "    --csv DIR     also write summary.csv, areas.csv, strata.csv, psus.csv, days.csv and",
    "                  flags.csv into DIR (created when missing)",
    "    --personal    include interviewer names and household numbers (personal data);",
    "                  CSV files are then created mode 0600",
    "    --force       replace existing CSV files",
    NULL,
};

static int print_table(const lcm_dash_table *t) {
    printf("\n%s\n", t->title);
    const char *head[12];
    for (int k = 0; k < t->ncol; k++)
        head[k] = t->head[k];
    cli_rows *rows = cli_rows_new(t->ncol, head, t->numeric);
    if (!rows)
        return cli_error("out of memory"), LCM_EXIT_INTERNAL;
    for (size_t i = 0; i < t->nrow; i++)
        if (cli_rows_add(rows, (const char *const *)&t->cell[i * (size_t)t->ncol]) != 0) {
            cli_rows_free(rows);
            return cli_error("out of memory"), LCM_EXIT_INTERNAL;
        }
    if (t->nrow == 0)
        printf("（无）\n");
    int code =
        t->nrow == 0 || cli_rows_print(rows, CLI_TABLE, stdout) == 0 ? LCM_EXIT_OK : LCM_EXIT_DATA;
    cli_rows_free(rows);
    return code;
}

static int write_csv(const char *dir, const lcm_dash_table *t, int flags) {
    char path[4200];
    snprintf(path, sizeof path, "%s/%s.csv", dir, t->name);
    lcm_strbuf sb = LCM_STRBUF_INIT;
    lcm_dash_table_csv(t, &sb);
    lcm_out o;
    lcm_err err = {0};
    lcm_status st = lcm_strbuf_ok(&sb) ? lcm_out_open(&o, path, flags, &err)
                                       : lcm_err_set(&err, LCM_NOMEM, "out of memory");
    if (st == LCM_OK) {
        if (fwrite(sb.buf, 1, sb.len, o.fp) != sb.len) {
            lcm_out_abort(&o);
            st = lcm_err_set(&err, LCM_IO, "cannot write '%s'", path);
        } else
            st = lcm_out_commit(&o, &err);
    }
    lcm_strbuf_release(&sb);
    return st == LCM_OK ? LCM_EXIT_OK : cli_fail(&err);
}

int cmd_dashboard(int argc, char **argv) {
    static const struct option opts[] = {
        {"city", required_argument, NULL, 'c'}, {"province", required_argument, NULL, 'p'},
        {"national", no_argument, NULL, 'n'},   {"csv", required_argument, NULL, 'o'},
        {"personal", no_argument, NULL, 'P'},   {"force", no_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},       {NULL, 0, NULL, 0},
    };
    const char *place = NULL, *csv = NULL;
    int scope = -1, nscope = 0, personal = 0, force = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            scope = LCM_DASH_CITY, place = optarg, nscope++;
            break;
        case 'p':
            scope = LCM_DASH_PROVINCE, place = optarg, nscope++;
            break;
        case 'n':
            scope = LCM_DASH_NATION, place = NULL, nscope++;
            break;
        case 'o':
            csv = optarg;
            break;
        case 'P':
            personal = 1;
            break;
        case 'f':
            force = 1;
            break;
        case 'h':
            cli_print_usage(cmd_dashboard_usage, stdout);
            return LCM_EXIT_OK;
        case ':':
            return cli_usage_error(cmd_dashboard_usage, "option '--%s' needs a value",
                                   cli_option_name(opts, optopt));
        default:
            return cli_usage_error(cmd_dashboard_usage, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind + 1 != argc)
        return cli_usage_error(cmd_dashboard_usage, "expected one database");
    if (nscope != 1)
        return cli_usage_error(cmd_dashboard_usage,
                               "give exactly one of --city, --province, --national");
    int code = 0;
    lcm_db *db = cli_open_db(argv[optind], LCM_OPEN_READONLY, &code);
    if (!db)
        return code;
    lcm_dash d;
    lcm_err err = {0};
    if (lcm_dash_build(db, (lcm_dash_scope)scope, place, &d, &err) != LCM_OK) {
        code = cli_fail(&err);
        goto done;
    }
    int flags = (force ? LCM_OUT_FORCE : 0) | (personal ? LCM_OUT_PRIVATE : 0);
    if (csv && lcm_out_dir(csv, flags & LCM_OUT_PRIVATE, &err) != LCM_OK) {
        code = cli_fail(&err);
        goto done;
    }
    printf("学习型城市监测调查：督导看板（%s）\n", d.place_name);
    for (int t = 0; t < LCM_DASH_NTABLE && code == LCM_EXIT_OK; t++) {
        if (scope == LCM_DASH_CITY && t == LCM_DASH_T_AREAS)
            continue; /* one row: the summary says it */
        lcm_dash_table tab;
        if (lcm_dash_table_get(&d, (lcm_dash_table_id)t, personal, -1, &tab, &err) != LCM_OK) {
            code = cli_fail(&err);
            break;
        }
        code = print_table(&tab);
        if (code == LCM_EXIT_OK && csv)
            code = write_csv(csv, &tab, flags);
        lcm_dash_table_free(&tab);
    }
    if (code == LCM_EXIT_OK)
        printf("\n注：应答率RR1＝完成÷（完成＋部分完成＋拒访或中断＋未接触＋其他未访＋资格未知），"
               "拒访率REF1的分子为拒访或中断（AAPOR标准定义，2023）；未处理户计入资格未知，"
               "不合格户不计入分母。\n");
done:
    lcm_dash_free(&d);
    lcm_db_close(db);
    return code;
}
