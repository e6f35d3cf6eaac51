/*
 * cmd_network.c - `lcmon network`: the register of the national learning-city network.
 *
 * One command with subcommands, like `git remote`: template, check, apply, recommend,
 * admit change or prepare the register; list, history, summary and coverage print it
 * (cmd_network_report.c). All subcommands share one option table, and each says which
 * options it takes, so `--year` means the same wherever it is accepted.
 */
#include "auth.h"
#include "network_cli.h"
#include "strbuf.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *const cmd_network_usage[] = {
    "lcmon network <subcommand> [<options>]",
    "",
    "The register of the national learning-city network: applications (附件2), provincial",
    "recommendations (附件3), admissions, and coverage of the 2025 targets.",
    "Status order: applied -> recommended -> admitted; a city already in UNESCO's Global",
    "Network of Learning Cities or the former national alliance may be admitted straight",
    "from applied. A province may return an application for revision (returned); the city",
    "corrects and resubmits it (applied again). The ministry admits or declines (declined).",
    "Every change is kept with who made it and when.",
    "",
    "    template                     print an empty application (CSV field,value,note)",
    "    check FILE [--db DB]         check a filled application, list every problem",
    "    apply DB FILE                check and store an application (status applied)",
    "    attach DB --city C [--kind evidence|photo] FILE...",
    "                                 store evidence files (PDF; photos JPEG or PNG; at most",
    "                                 10 MB each) and print the names to put in the form",
    "    resubmit DB FILE             check and store a corrected application of a returned",
    "                                 city (status applied again)",
    "    recommend DB --province P --cities C,... --opinion TEXT",
    "                                 the province recommends its applied cities",
    "    return DB --province P --cities C,... --comment TEXT",
    "                                 the province returns applications for revision",
    "    admit DB --cities C,... [--year Y]",
    "                                 admit recommended (or directly joining) cities in Y",
    "    decline DB --cities C,... --comment TEXT",
    "                                 the ministry declines recommended cities, with the reason",
    "    show DB --city C [--format F]  the application of C as stored, field by field",
    "    list DB [--status S] [--province P] [--format F] [--output FILE [--force]]",
    "    history DB [--city C] [--format F] [--output FILE [--force]]",
    "                                 every status change",
    "    summary DB --province P [--round Y] [--format table|csv|json|xlsx]",
    "            [--output FILE [--force]] [--unit TEXT --contact NAME --phone TEL]",
    "                                 the province's summary table (附件3): the cities it",
    "                                 recommended (in year Y with --round), a 合计 row;",
    "                                 the .xlsx is the printable form with 填报单位, 联系人,",
    "                                 联系电话 and 填报日期 (the recommendation date)",
    "    coverage DB [--year Y] [--output CHART.png [--force]]",
    "                                 admitted prefecture-level cities against the targets;",
    "                                 --output also draws the chart (regions, the three years",
    "                                 up to Y, dashed targets)",
    "",
    "    --cities C,...   city codes or names, separated by commas (also ， or 、); repeatable",
    "    --province P     two-digit province code or name (广东省)",
    "    --year Y         admit: the year of admission (default this year);",
    "                     coverage: count cities admitted up to Y (default all)",
    "    --comment TEXT   return: what to correct; decline: the reason",
    "    --kind K         attach: evidence (PDF) or photo (JPEG, PNG); default by content",
    "    --by NAME        who makes the change (default $USER, else unknown)",
    "    --format F       table (default), csv or json; xlsx for summary (needs --output)",
    "    --output FILE    write to FILE instead of standard output (never over the database",
    "                     or a non-regular file; written whole, then renamed into place)",
    "    --force          replace an existing --output file (and, for coverage, NAME.dat)",
    "    --lang L         zh (default) or en, for messages, headers and labels",
    "",
    "The application format is described in surveys/application/README.md; coverage and",
    "its denominators in docs/network.md.",
    NULL,
};

typedef struct subcmd {
    const char *name;
    int (*fn)(const net_opts *);
    const char *takes; /* the option letters it accepts (see opts[] in cmd_network) */
    int npos;          /* positional arguments it needs; -1: DB and one or more files */
} subcmd;

static int net_template(const net_opts *o);
static int net_check(const net_opts *o);
static int net_apply(const net_opts *o);
static int net_recommend(const net_opts *o);
static int net_admit(const net_opts *o);
static int net_return(const net_opts *o);
static int net_decline(const net_opts *o);
static int net_attach(const net_opts *o);
static int net_show(const net_opts *o);

static const subcmd subcmds[] = {
    {"template", net_template, "L", 0},
    {"check", net_check, "Ld", 1},
    {"apply", net_apply, "Lb", 2},
    {"resubmit", net_apply, "Lb", 2},
    {"attach", net_attach, "Lbck", -1},
    {"recommend", net_recommend, "LbpCO", 1},
    {"return", net_return, "LbpCm", 1},
    {"decline", net_decline, "LbCm", 1},
    {"admit", net_admit, "LbCy", 1},
    {"show", net_show, "Lcf", 1},
    {"list", net_list, "LfspoF", 1},
    {"history", net_history, "LfcoF", 1},
    {"summary", net_summary, "LfpoFrunP", 1},
    {"coverage", net_coverage, "LfyoF", 1},
};

#define L(o, en, zh) ((o)->lang == LCM_NET_EN ? en : zh)

/* ---- reporting problems ---- */

/* Every problem on its own line, git-style: file:line: what: 'subject'. */
static int print_problems(const lcm_net_problems *p, const char *file) {
    for (size_t i = 0; i < p->n; i++) {
        const lcm_net_problem *it = &p->items[i];
        if (file && it->line > 0)
            cli_error("%s:%ld: %s: '%s'", file, it->line, it->what, it->subject);
        else if (file)
            cli_error("%s: %s: '%s'", file, it->what, it->subject);
        else
            cli_error("%s: '%s'", it->what, it->subject);
    }
    return LCM_EXIT_DATA;
}

/* ---- the audit trail: a change from the command line is audited like one from the web ---- */

/* One audit row per city of the change (who: the command line; detail: --by and the
 * note), inside the change's transaction. */
static lcm_status audit_cities(lcm_db *db, const char *action, const net_opts *o, const char *note,
                               lcm_err *err) {
    char detail[2048];
    snprintf(detail, sizeof detail, "%s%s%s", o->by, note && *note ? ": " : "", note ? note : "");
    lcm_status rc = LCM_OK;
    for (size_t i = 0; rc == LCM_OK && i < o->ncities; i++) {
        char code[LCM_NET_CITY_CODE];
        if (lcm_net_city_code(db, o->cities[i], code, NULL) != LCM_OK)
            snprintf(code, sizeof code, "%s", "");
        rc = lcm_audit(db, NULL, action, code[0] ? code : o->cities[i], code, detail, err);
    }
    return rc;
}

/* Commit when rc is LCM_OK, else roll back; rc (or the commit's failure). */
static lcm_status finish(lcm_db *db, lcm_status rc, lcm_err *err) {
    if (rc == LCM_OK)
        return lcm_db_commit(db, err);
    lcm_db_rollback(db);
    return rc;
}

/* ---- template, check, apply ---- */

static int add_template_row(cli_rows *rows, const char *name, const char *note) {
    const char *v[] = {name, NULL, note};
    return cli_rows_add(rows, v);
}

/* The rows of one repeat group: each child for items 1..min(max_items, 5); a long list
 * (evidence, photos) goes on with the same numbering. The group's wording (with its
 * limits) heads the first row only. */
static int template_group(cli_rows *rows, const lcm_net_form *form, size_t g, const net_opts *o) {
    const lcm_net_field *gf = &form->fields[g];
    int items = gf->max_items < 5 ? gf->max_items : 5;
    for (int item = 1; item <= items; item++)
        for (size_t k = g + 1; k < form->n && form->fields[k].group == (int)g; k++) {
            const lcm_net_field *f = &form->fields[k];
            char name[300], note[2048];
            snprintf(name, sizeof name, "%s.%d%s", gf->name, item, f->name + strlen(gf->name));
            int head = item == 1 && k == g + 1;
            snprintf(note, sizeof note, L(o, "%s%sitem %d: %s", "%s%s第%d项：%s"),
                     head ? L(o, gf->label_en, gf->label_zh) : "", head ? L(o, " - ", " ") : "",
                     item, L(o, f->label_en, f->label_zh));
            if (add_template_row(rows, name, note) != 0)
                return -1;
        }
    return 0;
}

static int net_template(const net_opts *o) {
    lcm_net_form form;
    lcm_err err = {0};
    if (lcm_net_form_load(lcm_datadir(), &form, &err) != LCM_OK)
        return cli_fail(&err);
    static const char *const cols[] = {"field", "value", "note"};
    cli_rows *rows = cli_rows_new(3, cols, NULL);
    int code = rows ? LCM_EXIT_OK : LCM_EXIT_INTERNAL;
    for (size_t i = 0; code == LCM_EXIT_OK && i < form.n; i++) {
        const lcm_net_field *f = &form.fields[i];
        int bad = f->type == LCM_NET_REPEAT ? template_group(rows, &form, i, o)
                  : f->group < 0 ? add_template_row(rows, f->name, L(o, f->label_en, f->label_zh))
                                 : 0;
        if (bad)
            code = LCM_EXIT_INTERNAL;
    }
    if (code == LCM_EXIT_INTERNAL)
        cli_error("out of memory");
    else if (cli_rows_print(rows, CLI_CSV, stdout) != 0)
        code = cli_error("cannot write output");
    cli_rows_free(rows);
    lcm_net_form_release(&form);
    return code;
}

/* Check FILE against the form; on success *app holds it. Prints the problems. */
static int check_file(lcm_db *db, const char *file, const net_opts *o, lcm_net_application *app) {
    lcm_net_form form;
    lcm_net_problems pr;
    lcm_err err = {0};
    lcm_net_problems_init(&pr, o->lang);
    if (lcm_net_form_load(lcm_datadir(), &form, &err) != LCM_OK)
        return cli_fail(&err);
    lcm_status rc = lcm_net_check(db, &form, file, app, &pr, &err);
    int code = LCM_EXIT_OK;
    if (rc == LCM_CONSTRAINT) {
        print_problems(&pr, file);
        code = cli_error(
            L(o, "application refused, %zu problems: '%s'", "申请表未通过检查，共%zu处问题：'%s'"),
            pr.n, file);
    } else if (rc != LCM_OK) {
        code = cli_fail(&err);
    }
    lcm_net_problems_release(&pr);
    lcm_net_form_release(&form);
    return code;
}

static int net_check(const net_opts *o) {
    int code;
    lcm_err err = {0};
    lcm_db *db = o->db ? cli_open_db(o->db, LCM_OPEN_READONLY, &code)
                       : cli_open_db(":memory:", LCM_OPEN_CREATE, &code);
    if (!db)
        return code;
    /* Without --db, check against a fresh copy of the shipped reference data. */
    if (!o->db && lcm_reference_load(db, lcm_datadir(), NULL, &err) != LCM_OK) {
        lcm_db_close(db);
        return cli_fail(&err);
    }
    lcm_net_application app;
    code = check_file(db, o->pos[0], o, &app);
    if (code == LCM_EXIT_OK)
        printf(L(o, "%s: the application is complete and valid (%zu fields)\n",
                 "%s：申请表填写完整，符合要求（共%zu项）\n"),
               o->pos[0], app.n);
    lcm_net_application_release(&app);
    lcm_db_close(db);
    return code;
}

/* apply and resubmit: the same checks, then a new application or a corrected one. */
static int net_apply(const net_opts *o) {
    int code, again = o->resubmit;
    lcm_db *db = cli_open_db(o->pos[0], 0, &code);
    if (!db)
        return code;
    lcm_net_application app;
    lcm_net_problems pr;
    lcm_err err = {0};
    lcm_net_problems_init(&pr, o->lang);
    code = check_file(db, o->pos[1], o, &app);
    if (code == LCM_EXIT_OK) {
        lcm_status rc = lcm_db_begin(db, &err);
        if (rc == LCM_OK)
            rc = again ? lcm_net_resubmit(db, &app, o->by, &pr, &err)
                       : lcm_net_apply(db, &app, o->by, &pr, &err);
        if (rc == LCM_OK)
            rc = lcm_audit(db, NULL, again ? "network.resubmit" : "network.apply",
                           lcm_net_app_get(&app, "city.code"), lcm_net_app_get(&app, "city.code"),
                           o->by, &err);
        rc = finish(db, rc, &err);
        if (rc == LCM_CONSTRAINT)
            code = print_problems(&pr, o->pos[1]);
        else if (rc != LCM_OK)
            code = cli_fail(&err);
        else if (again)
            printf(L(o, "%s %s: resubmitted, status applied\n",
                     "%s %s：已重新提交申请，状态为已申请\n"),
                   lcm_net_app_get(&app, "city.code"), lcm_net_app_get(&app, "city.name"));
        else
            printf(L(o, "%s %s: applied\n", "%s %s：已登记申请，状态为已申请\n"),
                   lcm_net_app_get(&app, "city.code"), lcm_net_app_get(&app, "city.name"));
    }
    lcm_net_problems_release(&pr);
    lcm_net_application_release(&app);
    lcm_db_close(db);
    return code;
}

/* ---- recommend, admit ---- */

/* Run a status change and report it: every refused city, or what moved. */
static int report_change(lcm_status rc, const lcm_net_problems *pr, const lcm_err *err,
                         const net_opts *o, const char *done_en, const char *done_zh) {
    if (rc == LCM_CONSTRAINT) {
        print_problems(pr, NULL);
        return cli_error(L(o, "nothing changed: %zu problems", "未作任何更改：共%zu处问题"), pr->n);
    }
    if (rc != LCM_OK)
        return cli_fail(err);
    fputs(L(o, done_en, done_zh), stdout);
    for (size_t i = 0; i < o->ncities; i++)
        printf("%s%s", i ? " " : "", o->cities[i]);
    putchar('\n');
    return LCM_EXIT_OK;
}

/* The status changes of recommend, admit, return and decline share one course: open, run
 * the engine's change and its audit rows in one transaction, report every refused city or
 * what moved. */
typedef enum { CH_RECOMMEND, CH_ADMIT, CH_RETURN, CH_DECLINE } change_kind;

static int status_change(const net_opts *o, change_kind kind, int year) {
    static const struct {
        const char *action, *done_en, *done_zh;
    } what[] = {
        [CH_RECOMMEND] = {"network.recommend", "recommended: ", "已推荐："},
        [CH_ADMIT] = {"network.admit", NULL, NULL},
        [CH_RETURN] = {"network.return", "returned for revision: ", "已退回修改："},
        [CH_DECLINE] = {"network.decline", "declined: ", "未通过："},
    };
    int code;
    lcm_db *db = cli_open_db(o->pos[0], 0, &code);
    if (!db)
        return code;
    lcm_net_problems pr;
    lcm_err err = {0};
    lcm_net_problems_init(&pr, o->lang);
    const char *const *cities = (const char *const *)o->cities;
    char done_en[64], done_zh[64], note[16];
    snprintf(note, sizeof note, "%d", year);
    snprintf(done_en, sizeof done_en, "admitted in %d: ", year);
    snprintf(done_zh, sizeof done_zh, "%d年确定加入：", year);
    lcm_status rc = lcm_db_begin(db, &err);
    if (rc == LCM_OK)
        switch (kind) {
        case CH_RECOMMEND:
            rc = lcm_net_recommend(db, o->province, cities, o->ncities, o->opinion, o->by, &pr,
                                   &err);
            break;
        case CH_ADMIT:
            rc = lcm_net_admit(db, cities, o->ncities, year, o->by, &pr, &err);
            break;
        case CH_RETURN:
            rc = lcm_net_return(db, o->province, cities, o->ncities, o->comment, o->by, &pr, &err);
            break;
        case CH_DECLINE:
            rc = lcm_net_decline(db, cities, o->ncities, o->comment, o->by, &pr, &err);
            break;
        }
    if (rc == LCM_OK)
        rc = audit_cities(db, what[kind].action, o,
                          kind == CH_RECOMMEND ? o->opinion
                          : kind == CH_ADMIT   ? note
                                               : o->comment,
                          &err);
    rc = finish(db, rc, &err);
    code = report_change(rc, &pr, &err, o, what[kind].done_en ? what[kind].done_en : done_en,
                         what[kind].done_zh ? what[kind].done_zh : done_zh);
    lcm_net_problems_release(&pr);
    lcm_db_close(db);
    return code;
}

static int net_recommend(const net_opts *o) {
    if (!o->province || !o->ncities || !o->opinion || !*o->opinion)
        return cli_usage_error(cmd_network_usage,
                               "recommend needs --province, --cities and --opinion");
    return status_change(o, CH_RECOMMEND, 0);
}

static int net_admit(const net_opts *o) {
    if (!o->ncities)
        return cli_usage_error(cmd_network_usage, "admit needs --cities");
    int year = o->year;
    if (!year) {
        time_t now = time(NULL);
        struct tm tm;
        year = localtime_r(&now, &tm)->tm_year + 1900;
    }
    return status_change(o, CH_ADMIT, year);
}

static int net_return(const net_opts *o) {
    if (!o->province || !o->ncities || !o->comment || !*o->comment)
        return cli_usage_error(cmd_network_usage,
                               "return needs --province, --cities and --comment");
    return status_change(o, CH_RETURN, 0);
}

static int net_decline(const net_opts *o) {
    if (!o->ncities || !o->comment || !*o->comment)
        return cli_usage_error(cmd_network_usage, "decline needs --cities and --comment");
    return status_change(o, CH_DECLINE, 0);
}

/* The whole file at path, at most LCM_NET_ATTACH_MAX + 1 bytes (enough to tell it is too
 * large); NULL with a message when it cannot be read. */
static unsigned char *read_file(const char *path, size_t *n) {
    FILE *fp = fopen(path, "rb");
    unsigned char *buf = NULL;
    *n = 0;
    if (!fp) {
        cli_error("cannot open file: '%s'", path);
        return NULL;
    }
    size_t cap = (size_t)LCM_NET_ATTACH_MAX + 1;
    if ((buf = malloc(cap)) == NULL) {
        fclose(fp);
        cli_error("out of memory");
        return NULL;
    }
    *n = fread(buf, 1, cap, fp);
    if (ferror(fp)) {
        free(buf);
        buf = NULL;
        cli_error("cannot read file: '%s'", path);
    }
    fclose(fp);
    return buf;
}

/* Every file in one transaction: any refused file and none is stored. */
static int net_attach(const net_opts *o) {
    if (!o->city)
        return cli_usage_error(cmd_network_usage, "attach needs --city");
    if (o->kind && strcmp(o->kind, "evidence") != 0 && strcmp(o->kind, "photo") != 0)
        return cli_usage_error(cmd_network_usage, "--kind must be evidence or photo: '%s'",
                               o->kind);
    int code;
    lcm_db *db = cli_open_db(o->pos[0], 0, &code);
    if (!db)
        return code;
    lcm_net_problems pr;
    lcm_err err = {0};
    lcm_net_problems_init(&pr, o->lang);
    char(*names)[LCM_NET_ATTACH_NAME] = calloc((size_t)o->nfiles, sizeof *names);
    char city[LCM_NET_CITY_CODE];
    lcm_status rc = names ? lcm_net_city_code(db, o->city, city, &err)
                          : lcm_err_set(&err, LCM_NOMEM, "out of memory");
    if (rc == LCM_OK)
        rc = lcm_db_begin(db, &err);
    code = LCM_EXIT_OK;
    for (int i = 0; rc == LCM_OK && i < o->nfiles; i++) {
        size_t n;
        unsigned char *data = read_file(o->files[i], &n);
        if (!data) {
            code = LCM_EXIT_DATA;
            break;
        }
        rc = lcm_net_attach(db, o->city, o->kind, data, n, o->files[i], names[i], &pr, &err);
        if (rc == LCM_OK)
            rc = lcm_audit(db, NULL, "network.attach", names[i], city, o->by, &err);
        if (rc == LCM_CONSTRAINT) /* go on: list every refused file */
            rc = LCM_OK, code = LCM_EXIT_DATA;
        free(data);
    }
    if (rc == LCM_OK && code == LCM_EXIT_OK)
        rc = lcm_db_commit(db, &err);
    else
        lcm_db_rollback(db);
    if (rc != LCM_OK) {
        code = cli_fail(&err);
    } else if (pr.n > 0) {
        print_problems(&pr, NULL);
        code = cli_error(
            L(o, "nothing stored: %zu files refused", "未保存任何文件：%zu个文件未通过"), pr.n);
    } else if (code == LCM_EXIT_OK) {
        for (int i = 0; i < o->nfiles; i++)
            printf("%s\t%s\n", names[i], o->files[i]);
    }
    free(names);
    lcm_net_problems_release(&pr);
    lcm_db_close(db);
    return code;
}

/* The stored application: what the city last submitted (web or file), field by field. */
static int net_show(const net_opts *o) {
    if (!o->city)
        return cli_usage_error(cmd_network_usage, "show needs --city");
    int code;
    lcm_db *db = cli_open_db(o->pos[0], LCM_OPEN_READONLY, &code);
    if (!db)
        return code;
    lcm_net_form form;
    lcm_net_application app = {0};
    lcm_err err = {0};
    char city[LCM_NET_CITY_CODE];
    lcm_status rc = lcm_net_city_code(db, o->city, city, &err);
    if (rc == LCM_OK && (rc = lcm_net_form_load(lcm_datadir(), &form, &err)) == LCM_OK) {
        rc = lcm_net_app_load(db, &form, city, &app, &err);
        lcm_net_form_release(&form);
    }
    static const char *const cols[] = {"field", "value"};
    cli_rows *rows = rc == LCM_OK ? cli_rows_new(2, cols, NULL) : NULL;
    if (rc != LCM_OK)
        code = cli_fail(&err);
    else if (!rows)
        code = cli_error("out of memory");
    else {
        code = LCM_EXIT_OK;
        for (size_t i = 0; code == LCM_EXIT_OK && i < app.n; i++) {
            const char *v[] = {app.values[i].name, app.values[i].value};
            if (cli_rows_add(rows, v) != 0)
                code = cli_error("out of memory");
        }
        if (code == LCM_EXIT_OK && cli_rows_print(rows, o->fmt, stdout) != 0)
            code = cli_error("cannot write output");
    }
    cli_rows_free(rows);
    lcm_net_application_release(&app);
    lcm_db_close(db);
    return code;
}

/* ---- options ---- */

/* Split the joined --cities texts on ASCII commas, '，', '、' and white space. */
static int split_cities(net_opts *o) {
    char *p = o->cities_buf;
    for (; *p; p++) /* each CJK separator is 3 bytes: make it a comma and two spaces */
        if (!strncmp(p, "，", 3) || !strncmp(p, "、", 3))
            memcpy(p, ",  ", 3);
    o->cities = calloc(strlen(o->cities_buf) / 2 + 1, sizeof *o->cities);
    if (!o->cities)
        return -1;
    char *save = NULL;
    for (char *tok = strtok_r(o->cities_buf, ", \t", &save); tok;
         tok = strtok_r(NULL, ", \t", &save))
        o->cities[o->ncities++] = tok;
    return 0;
}

static const struct option opts[] = {{"lang", required_argument, NULL, 'L'},
                                     {"by", required_argument, NULL, 'b'},
                                     {"format", required_argument, NULL, 'f'},
                                     {"output", required_argument, NULL, 'o'},
                                     {"year", required_argument, NULL, 'y'},
                                     {"province", required_argument, NULL, 'p'},
                                     {"cities", required_argument, NULL, 'C'},
                                     {"opinion", required_argument, NULL, 'O'},
                                     {"status", required_argument, NULL, 's'},
                                     {"city", required_argument, NULL, 'c'},
                                     {"db", required_argument, NULL, 'd'},
                                     {"force", no_argument, NULL, 'F'},
                                     {"round", required_argument, NULL, 'r'},
                                     {"unit", required_argument, NULL, 'u'},
                                     {"contact", required_argument, NULL, 'n'},
                                     {"phone", required_argument, NULL, 'P'},
                                     {"comment", required_argument, NULL, 'm'},
                                     {"kind", required_argument, NULL, 'k'},
                                     {0, 0, 0, 0}};

/* The value of one option into o; -1 (message printed) when it is malformed. */
static int set_option(net_opts *o, int c, lcm_strbuf *cities) {
    switch (c) {
    case 'L':
        if (strcmp(optarg, "zh") != 0 && strcmp(optarg, "en") != 0)
            return cli_usage_error(cmd_network_usage, "--lang must be zh or en: '%s'", optarg);
        o->lang = strcmp(optarg, "en") == 0 ? LCM_NET_EN : LCM_NET_ZH;
        return 0;
    case 'f':
        o->xlsx = strcmp(optarg, "xlsx") == 0;
        if (!o->xlsx && cli_parse_format(optarg, &o->fmt) != 0)
            return cli_usage_error(cmd_network_usage, "unknown format: '%s'", optarg);
        return 0;
    case 'y':
        if (cli_parse_year(optarg, &o->year) != 0)
            return cli_usage_error(cmd_network_usage, "--year must be a year 2000-2100: '%s'",
                                   optarg);
        return 0;
    case 's':
        if (strcmp(optarg, "applied") && strcmp(optarg, "recommended") &&
            strcmp(optarg, "admitted") && strcmp(optarg, "returned") && strcmp(optarg, "declined"))
            return cli_usage_error(
                cmd_network_usage,
                "--status must be applied, recommended, admitted, returned or declined: '%s'",
                optarg);
        o->status = optarg;
        return 0;
    case 'C':
        lcm_strbuf_adds(cities, optarg);
        lcm_strbuf_addc(cities, ',');
        return 0;
    case 'b':
        o->by = optarg;
        return 0;
    case 'o':
        o->output = optarg;
        return 0;
    case 'p':
        o->province = optarg;
        return 0;
    case 'O':
        o->opinion = optarg;
        return 0;
    case 'c':
        o->city = optarg;
        return 0;
    case 'F':
        o->force = 1;
        return 0;
    case 'r':
        if (cli_parse_year(optarg, &o->round) != 0)
            return cli_usage_error(cmd_network_usage, "--round must be a year 2000-2100: '%s'",
                                   optarg);
        return 0;
    case 'u':
        o->unit = optarg;
        return 0;
    case 'n':
        o->contact = optarg;
        return 0;
    case 'P':
        o->phone = optarg;
        return 0;
    case 'm':
        o->comment = optarg;
        return 0;
    case 'k':
        o->kind = optarg;
        return 0;
    default: /* 'd' */
        o->db = optarg;
        return 0;
    }
}

/* Options and positional arguments of subcommand sc; exit code, 0 when all is well. */
static int parse_options(const subcmd *sc, int argc, char **argv, net_opts *o) {
    lcm_strbuf cities = LCM_STRBUF_INIT;
    int c, code = 0;
    opterr = 0; /* our own message names the subcommand */
    while (!code && (c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == '?')
            code = cli_usage_error(cmd_network_usage, "bad option or missing value: '%s'",
                                   argv[optind - 1]);
        else if (!strchr(sc->takes, c))
            code = cli_usage_error(cmd_network_usage, "%s does not take option '%s'", sc->name,
                                   argv[optind - 1]);
        else
            code = set_option(o, c, &cities);
    }
    if (!code && sc->npos < 0 && argc - optind < 2)
        code = cli_usage_error(cmd_network_usage, "%s takes DB and one or more files", sc->name);
    else if (!code && sc->npos >= 0 && argc - optind != sc->npos)
        code = cli_usage_error(cmd_network_usage, "%s takes %d argument%s, not %d", sc->name,
                               sc->npos, sc->npos == 1 ? "" : "s", argc - optind);
    for (int i = 0; !code && i < (sc->npos < 0 ? 1 : sc->npos); i++)
        o->pos[o->npos++] = argv[optind + i];
    if (!code && sc->npos < 0)
        o->files = argv + optind + 1, o->nfiles = argc - optind - 1;
    o->resubmit = strcmp(sc->name, "resubmit") == 0;
    if (!code && o->xlsx && (strcmp(sc->name, "summary") != 0 || !o->output))
        code = cli_usage_error(cmd_network_usage, "--format xlsx is for summary, with --output");
    if (!code && !lcm_strbuf_ok(&cities))
        code = cli_error("out of memory");
    o->cities_buf = lcm_strbuf_detach(&cities);
    if (!code && (!o->cities_buf || split_cities(o) != 0))
        code = cli_error("out of memory");
    return code;
}

int cmd_network(int argc, char **argv) {
    if (argc < 2)
        return cli_usage_error(cmd_network_usage, "network needs a subcommand");
    const subcmd *sc = NULL;
    for (size_t i = 0; i < sizeof subcmds / sizeof subcmds[0]; i++)
        if (strcmp(argv[1], subcmds[i].name) == 0)
            sc = &subcmds[i];
    if (!sc)
        return cli_usage_error(cmd_network_usage, "unknown subcommand: '%s'", argv[1]);
    const char *user = getenv("USER");
    net_opts o = {.lang = LCM_NET_ZH, .fmt = CLI_TABLE, .by = user && *user ? user : "unknown"};
    int code = parse_options(sc, argc - 1, argv + 1, &o);
    if (!code)
        code = sc->fn(&o);
    free(o.cities);
    free(o.cities_buf);
    return code;
}
