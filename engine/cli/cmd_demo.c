/*
 * cmd_demo.c - `lcmon demo`: the README's first command. The whole monitoring pipeline on
 * synthetic data, as a ministry analyst would run it: a fresh database with the reference
 * data and framework; the household questionnaire; 36 real cities simulated over three
 * waves (households, statistics, ratings, facilities); the survey design declared; each
 * wave raked to population margins; survey measures estimated per city; scores and ranks
 * with Monte Carlo intervals per year; then a summary of the latest year.
 */
#include "auth.h"
#include "cli.h"
#include "outfile.h"
#include "feedback.h"
#include "rating.h"
#include "form.h"
#include "measures.h"
#include "score.h"
#include "simulate.h"
#include "strbuf.h"
#include "weight.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const char *const cmd_demo_usage[] = {
    "lcmon demo [--out DIR] [--cities N] [--households H] [--seed S] [--mc N]",
    "",
    "Run the whole pipeline on synthetic data into DIR (default ./lcmon-demo): a new",
    "DIR/demo.db with the reference data and framework, the household questionnaire",
    "(version 2026.1 for the older waves, 2027.1 for the newest),",
    "N cities (default 36) over the waves 2023-2025 with H households per city and wave",
    "(default 200), the survey design, raking to population margins, survey measures,",
    "indicator scores with N Monte Carlo draws (default 1000) for every year, and a",
    "summary of the latest year. One account per role of `lcmon serve` is made with a",
    "random password (admin, analyst, a province officer, a city coordinator and an",
    "interviewer of the first demo city, a reviewer); the logins and passwords are printed",
    "and written to DIR/accounts.txt (mode 0600).",
    NULL,
};

typedef struct demo_opts {
    const char *out;
    int ncities, households;
    unsigned long seed;
    long mc;
} demo_opts;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Seconds since the previous call, for the progress lines. */
static double lap(void) {
    static double last;
    double t = now(), d = last ? t - last : 0;
    last = t;
    return d;
}

static int fresh_db(const char *path, lcm_db **db) {
    const char *suffixes[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        char p[4200];
        snprintf(p, sizeof p, "%s%s", path, suffixes[i]);
        if (unlink(p) != 0 && errno != ENOENT)
            return cli_error("cannot remove '%s': %s", p, strerror(errno));
    }
    int code;
    *db = cli_open_db(path, LCM_OPEN_CREATE, &code);
    return code;
}

/* The household questionnaire of version dir (surveys/DIR), read and stored. */
static lcm_status household_version(lcm_db *db, const char *dir, lcm_form **out, lcm_err *err) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", lcm_datadir(), dir);
    lcm_status rc = lcm_form_read_dir(path, out, err);
    if (rc == LCM_OK && (rc = lcm_form_store(db, *out, NULL, err)) != LCM_OK) {
        lcm_form_free(*out);
        *out = NULL;
    }
    return rc;
}

/* Rake every wave to its margins file and compute its survey measures, each wave in the
 * response table of the form version it was answered on. */
static lcm_status weigh_and_measure(lcm_db *db, const lcm_sim_opts *so, lcm_err *err) {
    lcm_source src;
    /* at a few hundred cities the simulator gives some small city's rural stratum a single
     * sampled community: 'adjust' (R's survey.lonely.psu = "adjust") centres it at the grand
     * mean, conservatively, where 'fail' stopped the whole demo */
    lcm_design_decl decl = {.lonely = LCM_SVY_LONELY_ADJUST};
    strcpy(decl.strata, "stratum");
    strcpy(decl.psu, "psu");
    strcpy(decl.weight, "design_weight");
    lcm_status rc = lcm_source_resolve(db, LCM_SOURCE_FORM, "household", &src, err);
    if (rc == LCM_OK)
        rc = lcm_design_set(db, &src, 0, &decl, err);
    for (int w = 0; w < so->nwaves && rc == LCM_OK; w++) {
        if ((rc = lcm_source_resolve_wave(db, LCM_SOURCE_FORM, "household", so->waves[w], &src,
                                          NULL, 0, err)) != LCM_OK)
            break;
        char path[4200], *text = NULL;
        snprintf(path, sizeof path, "%s_%d.csv", so->margins_prefix, so->waves[w]);
        lcm_weight_report wr;
        lcm_measures_report mr;
        if ((rc = lcm_margins_load(path, &text, err)) != LCM_OK)
            return rc;
        lcm_calib_decl c = {LCM_CALIB_RAKE, 20, 1, -INFINITY, INFINITY, text};
        rc = lcm_weight_run(db, &src, so->waves[w], &c, &wr, err);
        if (rc == LCM_OK)
            rc = lcm_measures_compute(db, "household", so->waves[w], &mr, err);
        if (rc == LCM_OK)
            printf("  %d (%s): raked in %d sweeps (Kish n %.0f of %zu), measures for %ld cities "
                   "(%.1f s)\n",
                   so->waves[w], src.table, wr.calib.iterations, wr.after.kish_n, wr.n, mr.cities,
                   lap());
        free(text);
    }
    return rc;
}

/* Agreement of the year's reviewers and their severity, stored for the reports. */
static lcm_status rate_agreement(lcm_db *db, int year, lcm_err *err) {
    lcm_rating_stats s;
    long long run = 0;
    lcm_status rc = lcm_rating_stats_compute(db, year, LCM_RATING_BOOT, &s, err);
    if (rc != LCM_OK)
        return rc;
    if (s.nmean > 0 && (rc = lcm_rating_stats_store(db, &s, &run, err)) == LCM_OK) {
        const lcm_rating_rel *all = &s.rel[s.nrel - 1];
        printf("  %d: ratings agree with ICC(2,1) %.2f, Krippendorff's alpha %.2f; %zu reviewers' "
               "severity stored, run %lld (%.1f s)\n",
               year, all->icc.icc1, all->alpha, s.nsev, run, lap());
    }
    lcm_rating_stats_free(&s);
    return rc;
}

static lcm_status score_years(lcm_db *db, const lcm_sim_opts *so, long mc, lcm_err *err) {
    lcm_status rc = LCM_OK;
    for (int w = 0; w < so->nwaves && rc == LCM_OK; w++) {
        lcm_score_opts o;
        lcm_score_result *r = NULL;
        lcm_score_opts_default(&o, so->waves[w]);
        o.mc = (size_t)mc;
        if ((rc = rate_agreement(db, so->waves[w], err)) != LCM_OK)
            break;
        if ((rc = lcm_score_compute(db, &o, &r, err)) == LCM_OK &&
            (rc = lcm_score_store(db, r, err)) == LCM_OK)
            printf("  %d: %zu cities scored with %ld Monte Carlo draws, run %lld (%.1f s)\n",
                   so->waves[w], r->in.ncity, mc, r->run_id, lap());
        lcm_score_result_free(r);
    }
    return rc;
}

/* The national report and every city's report of the latest year, into DIR/reports, their
 * charts drawn by two gnuplot processes (this machine's two cores). */
static int write_reports(lcm_db *db, const char *out, const lcm_sim_summary *sum, int year) {
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/reports", out);
    lcm_err err = {0};
    if (lcm_out_dir(dir, 0, &err) != LCM_OK)
        return cli_fail(&err);
    lcm_feedback_opts o = {NULL, year, dir, LCM_LANG_ZH, 30, NULL, 0, NULL}; /* PNG only: speed */
    lcm_feedback_done done;
    lcm_feedback_batch *bt = NULL;
    lcm_status rc = lcm_feedback_batch_new(&bt);
    if (rc == LCM_OK)
        rc = lcm_feedback_batch_national(bt, db, &o, &err);
    for (int i = 0; i < sum->ncities && rc == LCM_OK; i++) {
        o.city = sum->cities[i];
        rc = lcm_feedback_batch_city(bt, db, &o, &err);
    }
    double models = lap(); /* reading the store into every report's model */
    if (rc == LCM_OK)
        rc = lcm_feedback_batch_finish(bt, NULL, 2, &done, &err);
    lcm_feedback_batch_free(bt);
    if (rc != LCM_OK)
        return rc == LCM_NOMEM && !err.msg[0] ? cli_error("out of memory") : cli_fail(&err);
    double drawn = lap();
    printf("  reports: %s/national_%d.html and %d city reports (%d charts, %.1f s: models "
           "%.1f s, charts and HTML %.1f s)\n",
           dir, year, sum->ncities, done.charts, models + drawn, models, drawn);
    if (!done.gnuplot_ok)
        cli_error("charts not drawn: %s", done.note);
    return LCM_EXIT_OK;
}

/* The latest year's league table: score, rank with its 5-95% interval, survey measures. */
static int print_summary(lcm_db *db, int year, int limit) {
    static const char sql[] =
        "WITH run AS (SELECT max(id) id FROM runs WHERE kind = 'score' AND"
        "  json_extract(params, '$.year') = ?1)"
        " SELECT k.rank, c.name,"
        "  CASE p.region3 WHEN 'east' THEN '东部' WHEN 'central' THEN '中部' ELSE '西部' END,"
        "  CASE c.tier WHEN 'municipality' THEN '直辖市' WHEN 'provincial_capital' THEN '省会城市'"
        "   WHEN 'separately_planned' THEN '计划单列市' ELSE '地级市' END,"
        "  printf('%.1f', s.score),"
        "  printf('%d-%d', k.p05, k.p95),"
        "  (SELECT printf('%.1f', 100 * estimate) FROM survey_measures m WHERE m.city_code ="
        "   c.code AND m.year = ?1 AND m.measure = 'awareness' AND m.item = ''),"
        "  (SELECT printf('%.1f', 100 * estimate) FROM survey_measures m WHERE m.city_code ="
        "   c.code AND m.year = ?1 AND m.measure = 'participation' AND m.item = ''),"
        "  (SELECT printf('%.1f', estimate) FROM survey_measures m WHERE m.city_code ="
        "   c.code AND m.year = ?1 AND m.measure = 'satisfaction_index' AND m.item = '')"
        " FROM run JOIN score_ranks k ON k.run_id = run.id AND k.scope = 'overall'"
        " JOIN score_results s ON s.run_id = run.id AND s.city_code = k.city_code AND"
        "  s.indicator_code = 'overall'"
        " JOIN cities c ON c.code = k.city_code JOIN provinces p ON p.code = c.province_code"
        " ORDER BY k.rank LIMIT ?2";
    static const char *const cols[] = {"名次",    "城市",    "区域",
                                       "层级",    "总分",    "名次区间(5-95%)",
                                       "知晓度%", "参与率%", "满意度指数"};
    static const int num[] = {1, 0, 0, 0, 1, 1, 1, 1, 1};
    sqlite3_stmt *st = NULL;
    lcm_err err = {0};
    cli_rows *rows = cli_rows_new(9, cols, num);
    int code = LCM_EXIT_OK;
    if (!rows || lcm_db_prepare(db, sql, &st, &err) != LCM_OK) {
        cli_rows_free(rows);
        return rows ? cli_fail(&err) : LCM_EXIT_INTERNAL;
    }
    sqlite3_bind_int(st, 1, year);
    sqlite3_bind_int(st, 2, limit);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *v[9];
        for (int i = 0; i < 9; i++)
            v[i] = (const char *)sqlite3_column_text(st, i);
        if (cli_rows_add(rows, v) != 0)
            code = LCM_EXIT_INTERNAL;
    }
    printf("\n%d年综合得分前%d名（名次区间为蒙特卡洛模拟的5%%–95%%区间）:\n", year, limit);
    cli_rows_print(rows, CLI_TABLE, stdout);
    sqlite3_finalize(st);
    cli_rows_free(rows);
    return code;
}

static int parse(int argc, char **argv, demo_opts *o) {
    static const struct option opts[] = {
        {"out", required_argument, NULL, 'o'},        {"cities", required_argument, NULL, 'c'},
        {"households", required_argument, NULL, 'H'}, {"seed", required_argument, NULL, 's'},
        {"mc", required_argument, NULL, 'm'},         {0, 0, 0, 0}};
    int c;
    char *end;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case 'o':
            o->out = optarg;
            break;
        case 'c':
            o->ncities = (int)strtol(optarg, &end, 10), bad = *end || o->ncities < 2;
            break;
        case 'H':
            o->households = (int)strtol(optarg, &end, 10), bad = *end || o->households < 40;
            break;
        case 's':
            o->seed = strtoul(optarg, &end, 10), bad = *end;
            break;
        case 'm':
            o->mc = strtol(optarg, &end, 10), bad = *end || o->mc < 0;
            break;
        default:
            return cli_usage_error(cmd_demo_usage, "bad option");
        }
        if (bad)
            return cli_usage_error(cmd_demo_usage, "bad value for --%s: '%s'",
                                   cli_option_name(opts, c), optarg);
    }
    if (optind != argc)
        return cli_usage_error(cmd_demo_usage, "unexpected argument: '%s'", argv[optind]);
    return 0;
}

/* One account per role with a random password, printed and written to dir/accounts.txt
 * (0600): the city roles for 4405 when it was simulated, else the first city picked. */
static int demo_accounts(lcm_db *db, const char *dir, const lcm_sim_summary *sum) {
    const char *city = sum->cities[0];
    for (int i = 0; i < sum->ncities; i++)
        if (strcmp(sum->cities[i], "4405") == 0)
            city = sum->cities[i];
    char province[8] = "";
    sqlite3_stmt *st = NULL;
    lcm_err err = {0};
    if (lcm_db_prepare(db, "SELECT province_code FROM cities WHERE code = ?1", &st, &err) != LCM_OK)
        return cli_fail(&err);
    sqlite3_bind_text(st, 1, city, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(province, sizeof province, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    char l_prov[32], l_city[32], l_iv[32];
    snprintf(l_prov, sizeof l_prov, "province%s", province);
    snprintf(l_city, sizeof l_city, "city%s", city);
    snprintf(l_iv, sizeof l_iv, "interviewer%s", city);
    const struct {
        const char *login, *name;
        lcm_role role;
        const char *place;
    } acc[] = {
        {"admin", "演示部级管理员", LCM_ROLE_ADMIN, ""},
        {"analyst", "演示部级分析员", LCM_ROLE_ANALYST, ""},
        {l_prov, "演示省级联络员", LCM_ROLE_PROVINCE, province},
        {l_city, "演示城市协调员", LCM_ROLE_CITY, city},
        {l_iv, "演示访问员", LCM_ROLE_INTERVIEWER, city},
        {"reviewer", "演示评审专家", LCM_ROLE_REVIEWER, ""},
    };
    char path[4200];
    snprintf(path, sizeof path, "%s/accounts.txt", dir);
    lcm_out out;
    if (lcm_out_open(&out, path, LCM_OUT_FORCE | LCM_OUT_PRIVATE, &err) != LCM_OK)
        return cli_fail(&err);
    fprintf(out.fp, "# lcmon demo: accounts of lcmon serve (login, password, role, place)\n");
    lcm_strbuf shown = LCM_STRBUF_INIT;
    for (size_t i = 0; i < sizeof acc / sizeof acc[0]; i++) {
        char pw[LCM_PASSWORD_GEN_LEN + 1];
        if (lcm_password_generate(pw, &err) != LCM_OK ||
            lcm_user_add(db, acc[i].login, acc[i].name, acc[i].role, acc[i].place, pw, NULL, NULL,
                         &err) != LCM_OK) {
            lcm_out_abort(&out);
            lcm_strbuf_release(&shown);
            return cli_fail(&err);
        }
        fprintf(out.fp, "%s\t%s\t%s\t%s\n", acc[i].login, pw, lcm_role_label(acc[i].role),
                acc[i].place);
        lcm_strbuf_addf(&shown, "    %-16s %s  %s%s%s\n", acc[i].login, pw,
                        lcm_role_label(acc[i].role), acc[i].place[0] ? " " : "", acc[i].place);
    }
    if (lcm_out_commit(&out, &err) != LCM_OK) {
        lcm_strbuf_release(&shown);
        return cli_fail(&err);
    }
    printf("  accounts of lcmon serve, one per role (also in %s, mode 0600; %.1f s):\n%s", path,
           lap(), shown.buf ? shown.buf : "");
    lcm_strbuf_release(&shown);
    return 0;
}

int cmd_demo(int argc, char **argv) {
    demo_opts o = {"lcmon-demo", 36, 200, 2025, 1000};
    int code = parse(argc, argv, &o);
    if (code)
        return code;
    lcm_err derr = {0};
    if (lcm_out_dir(o.out, 0, &derr) != LCM_OK)
        return cli_fail(&derr);
    char path[4096], margins[4096];
    snprintf(path, sizeof path, "%s/demo.db", o.out);
    snprintf(margins, sizeof margins, "%s/margins", o.out);
    lcm_db *db = NULL;
    lcm_form *form = NULL, *form27 = NULL;
    lcm_err err = {0};
    lcm_load_counts n = {0};
    lcm_sim_summary *sum = calloc(1, sizeof *sum);
    /* force: the demo rebuilds its own directory (demo.db is removed first too) */
    /* the newest wave is answered on questionnaire 2027.1, the older ones on 2026.1 */
    lcm_sim_opts so = {o.ncities, {2023, 2024, 2025}, 3, o.households, o.seed, margins, 1, NULL,
                       2025};
    double t0 = now();
    lap();
    if (!sum)
        return cli_error("out of memory"), LCM_EXIT_INTERNAL;
    if ((code = fresh_db(path, &db)) != 0)
        goto cleanup;
    printf("lcmon demo: %s\n", path);
    if (lcm_reference_load(db, lcm_datadir(), &n, &err) != LCM_OK ||
        household_version(db, "household", &form, &err) != LCM_OK ||
        household_version(db, "household-2027", &form27, &err) != LCM_OK)
        goto fail;
    so.household_new = form27;
    printf("  reference: %ld cities, %ld county and %ld township units; framework: %ld points\n",
           n.cities, n.counties, n.townships, n.points);
    if (lcm_simulate(db, form, &so, sum, &err) != LCM_OK)
        goto fail;
    printf("  simulated %d cities x 3 waves (%d on questionnaire %s): %ld households (%ld "
           "persons), %ld statistics, "
           "%ld ratings, %ld facilities (%.1f s)\n",
           sum->ncities, so.waves[so.nwaves - 1], lcm_form_version(form27), sum->households,
           sum->persons, sum->values, sum->ratings, sum->facilities, lap());
    if ((code = demo_accounts(db, o.out, sum)) != 0)
        goto cleanup;
    if (weigh_and_measure(db, &so, &err) != LCM_OK || score_years(db, &so, o.mc, &err) != LCM_OK)
        goto fail;
    if ((code = write_reports(db, o.out, sum, so.waves[so.nwaves - 1])) != 0)
        goto cleanup;
    code = print_summary(db, so.waves[so.nwaves - 1], 12);
    printf("\ndone in %.1f s; database %s (try: lcmon profile %s --city %s --year %d)\n",
           now() - t0, path, path, sum->cities[0], so.waves[so.nwaves - 1]);
    goto cleanup;
fail:
    code = cli_fail(&err);
cleanup:
    lcm_form_free(form);
    lcm_form_free(form27);
    lcm_db_close(db);
    free(sum);
    return code;
}
