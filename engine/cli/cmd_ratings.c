/*
 * cmd_ratings.c - `lcmon ratings ...`: the rubric of the rating points, assigning reviewers,
 * a reviewer's blind rating (level, score in the level's band, evidence), agreement and
 * severity, discordant ratings and their adjudication (engine/rating.h, docs/ratings.md).
 */
#include "cli.h"
#include "rating.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const cmd_ratings_usage[] = {
    "lcmon ratings rubric [--db DB] [--point P] [--format table|csv|json]",
    "lcmon ratings assign DB --city C --year Y --point P --reviewers A,B,C",
    "lcmon ratings rate DB --reviewer R --city C --year Y --point P --level L [--score S] "
    "--evidence REF [--comment T]",
    "lcmon ratings show DB --reviewer R --city C --year Y --point P",
    "lcmon ratings reliability DB --year Y [--format F]",
    "lcmon ratings discordant DB --year Y [--format F]",
    "lcmon ratings adjudicate DB --city C --year Y --point P --level L [--score S] --by NAME "
    "[--note T]",
    "",
    "Expert ratings of the 18 rating points. A rating is a rubric level (优秀 良好 合格 基本合格",
    "不合格, or 1-5), optionally a score within the level's band (90-100, 80-89, 70-79, 60-69,",
    "0-59; without one the level counts as 95, 85, 75, 65, 55), and the evidence it rests on.",
    "A city's point counts once at least three reviewers have rated it and every assigned",
    "reviewer has; until then a reviewer sees only their own rating. See docs/ratings.md.",
    "",
    "    rubric        check the shipped rubric (surveys/rubric.csv) against the seed text and",
    "                  the framework, and print it",
    "    assign        assign reviewers to a city's point (before anyone rates it)",
    "    rate          store a reviewer's rating (replaces their earlier one)",
    "    show          what the reviewer may see: their own rating, everyone's once complete",
    "    reliability   ICC(2,1), ICC(2,k) and ordinal Krippendorff's alpha with 95% intervals",
    "                  per point and overall, and each reviewer's severity; stored as a run",
    "    discordant    complete cells whose levels are more than one apart, for adjudication",
    "    adjudicate    keep an adjudicated level beside the original ratings; scores use it",
    "    --evidence REF  application:FIELD (a field of the city's stored application) or",
    "                  stat:CODE (a statistic stored for the city and year)",
    "    --format F    table (default), csv or json",
    NULL,
};

typedef struct rt_args {
    const char *db, *city, *point, *reviewer, *reviewers, *evidence, *comment, *by, *level;
    int year, has_score;
    double score;
    cli_format fmt;
} rt_args;

static int parse(int argc, char **argv, rt_args *a, int need_db) {
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'D'},       {"city", required_argument, NULL, 'c'},
        {"year", required_argument, NULL, 'y'},     {"point", required_argument, NULL, 'p'},
        {"reviewer", required_argument, NULL, 'r'}, {"reviewers", required_argument, NULL, 'R'},
        {"level", required_argument, NULL, 'L'},    {"score", required_argument, NULL, 's'},
        {"evidence", required_argument, NULL, 'e'}, {"comment", required_argument, NULL, 'm'},
        {"note", required_argument, NULL, 'm'},     {"by", required_argument, NULL, 'b'},
        {"format", required_argument, NULL, 'f'},   {0, 0, 0, 0}};
    int c;
    char *end;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'D':
            a->db = optarg;
            break;
        case 'c':
            a->city = optarg;
            break;
        case 'p':
            a->point = optarg;
            break;
        case 'r':
            a->reviewer = optarg;
            break;
        case 'R':
            a->reviewers = optarg;
            break;
        case 'L':
            a->level = optarg;
            break;
        case 'e':
            a->evidence = optarg;
            break;
        case 'm':
            a->comment = optarg;
            break;
        case 'b':
            a->by = optarg;
            break;
        case 'y':
            if (cli_parse_year(optarg, &a->year) != 0)
                return cli_usage_error(cmd_ratings_usage, "bad year: '%s'", optarg);
            break;
        case 's':
            a->score = strtod(optarg, &end);
            if (!*optarg || *end || !(a->score >= 0 && a->score <= 100))
                return cli_usage_error(cmd_ratings_usage, "--score must be 0-100: '%s'", optarg);
            a->has_score = 1;
            break;
        case 'f':
            if (cli_parse_format(optarg, &a->fmt) != 0)
                return cli_usage_error(cmd_ratings_usage, "unknown format: '%s'", optarg);
            break;
        default:
            return cli_usage_error(cmd_ratings_usage, "bad option");
        }
    }
    if (need_db && optind != argc - 1)
        return cli_usage_error(cmd_ratings_usage,
                               optind < argc - 1 ? "unexpected argument: '%s'"
                                                 : "missing database%s",
                               optind < argc - 1 ? argv[argc - 1] : "");
    if (!need_db && optind != argc)
        return cli_usage_error(cmd_ratings_usage, "unexpected argument: '%s'", argv[optind]);
    if (need_db)
        a->db = argv[optind];
    return 0;
}

static int need(const char *what, const void *v) {
    return v ? 0 : cli_usage_error(cmd_ratings_usage, "missing --%s", what);
}

static int need_cell(const rt_args *a) {
    int code = need("city", a->city);
    if (!code)
        code = need("point", a->point);
    if (!code && !a->year)
        code = cli_usage_error(cmd_ratings_usage, "missing --year");
    return code;
}

static int parse_level(const rt_args *a, int *level) {
    if (need("level", a->level))
        return LCM_EXIT_USAGE;
    if (!(*level = lcm_rating_level_parse(a->level)))
        return cli_usage_error(cmd_ratings_usage,
                               "--level must be 优秀, 良好, 合格, 基本合格, 不合格 or 1-5: '%s'",
                               a->level);
    return 0;
}

static const char *num(char *b, size_t n, double v, int dec) {
    if (isnan(v))
        return NULL;
    snprintf(b, n, "%.*f", dec, v);
    return b;
}

static int print_rows(cli_rows *rows, cli_format fmt) {
    int code =
        rows && cli_rows_print(rows, fmt, stdout) == 0 ? 0 : cli_error("cannot write output");
    cli_rows_free(rows);
    return code;
}

static int do_rubric(const rt_args *a) {
    int code;
    lcm_db *db = cli_open_reference(a->db, 1, &code);
    if (!db)
        return code;
    lcm_rubric r;
    lcm_err err = {0};
    if (lcm_rubric_load_shipped(db, &r, &err) != LCM_OK) {
        lcm_db_close(db);
        return cli_fail(&err);
    }
    static const char *const names[] = {"code",         "level",         "level_zh",
                                        "band",         "default_score", "descriptor",
                                        "seed_section", "seed_quote"};
    static const int numeric[] = {0, 1, 0, 0, 1, 0, 0, 0};
    cli_rows *rows = cli_rows_new(8, names, numeric);
    for (size_t i = 0; rows && i < r.n; i++) {
        const lcm_rubric_row *w = &r.row[i];
        if (a->point && strcmp(a->point, w->code) != 0)
            continue;
        const lcm_rating_level *L = &lcm_rating_levels[w->level - 1];
        char lv[8], band[32], d[16];
        snprintf(lv, sizeof lv, "%d", w->level);
        snprintf(band, sizeof band, w->level == 1 ? "%g-%g" : "%g-<%g", L->lo, L->hi);
        snprintf(d, sizeof d, "%g", L->dflt);
        const char *v[8] = {w->code, lv, L->zh, band, d, w->descriptor, w->section, w->quote};
        cli_rows_add(rows, v);
    }
    lcm_rubric_free(&r);
    lcm_db_close(db);
    return print_rows(rows, a->fmt);
}

static lcm_rating_cell cell_of(const rt_args *a) {
    return (lcm_rating_cell){a->city, a->year, a->point};
}

static int do_assign(const rt_args *a, lcm_db *db) {
    int code = need_cell(a);
    if (code || (code = need("reviewers", a->reviewers)))
        return code;
    char *buf = strdup(a->reviewers), *items[64];
    int n = buf ? cli_split_list(buf, items, 64) : -1;
    if (n < 0) {
        free(buf);
        return cli_usage_error(cmd_ratings_usage, "bad --reviewers list: '%s'", a->reviewers);
    }
    if (n < LCM_RATING_MIN_REVIEWERS) {
        free(buf);
        return cli_usage_error(cmd_ratings_usage, "at least %d reviewers per city and point: '%s'",
                               LCM_RATING_MIN_REVIEWERS, a->reviewers);
    }
    lcm_rating_cell c = cell_of(a);
    lcm_err err = {0};
    if (lcm_rating_assign(db, &c, (const char *const *)items, (size_t)n, &err) != LCM_OK)
        code = cli_fail(&err);
    else
        printf("assigned %d reviewers to %s %s %d\n", n, a->city, a->point, a->year);
    free(buf);
    return code;
}

static int do_rate(const rt_args *a, lcm_db *db) {
    int code = need_cell(a), level = 0;
    if (code || (code = need("reviewer", a->reviewer)) || (code = parse_level(a, &level)))
        return code;
    lcm_rating_cell c = cell_of(a);
    lcm_rating_entry e = {a->reviewer, level, a->has_score ? a->score : NAN, a->evidence,
                          a->comment};
    lcm_err err = {0};
    if (lcm_rating_record(db, &c, &e, &err) != LCM_OK)
        return cli_fail(&err);
    lcm_rating_view v;
    if (lcm_rating_view_as(db, &c, NULL, &v, &err) != LCM_OK)
        return cli_fail(&err);
    printf("rated %s %s %d as %s by %s (%zu of %zu%s ratings%s)\n", a->city, a->point, a->year,
           lcm_rating_levels[level - 1].zh, a->reviewer, v.rated,
           v.assigned ? v.assigned : (size_t)LCM_RATING_MIN_REVIEWERS,
           v.assigned ? " assigned" : " needed", v.complete ? ": complete" : "");
    lcm_rating_view_free(&v);
    return 0;
}

static int do_show(const rt_args *a, lcm_db *db) {
    int code = need_cell(a);
    if (code || (code = need("reviewer", a->reviewer)))
        return code;
    lcm_rating_cell c = cell_of(a);
    lcm_rating_view v;
    lcm_err err = {0};
    if (lcm_rating_view_as(db, &c, a->reviewer, &v, &err) != LCM_OK)
        return cli_fail(&err);
    if (!v.complete)
        fprintf(stderr,
                "lcmon: others' ratings stay hidden until every assigned reviewer has rated "
                "(%zu of %zu so far)\n",
                v.rated, v.assigned ? v.assigned : (size_t)LCM_RATING_MIN_REVIEWERS);
    static const char *const names[] = {"reviewer", "level", "score", "evidence", "comment"};
    static const int numeric[] = {0, 0, 1, 0, 0};
    cli_rows *rows = cli_rows_new(5, names, numeric);
    for (size_t i = 0; rows && i < v.n; i++) {
        char b[32];
        const char *row[5] = {v.row[i].reviewer, lcm_rating_levels[v.row[i].level - 1].zh,
                              num(b, sizeof b, v.row[i].score, 1), v.row[i].evidence,
                              v.row[i].comment};
        cli_rows_add(rows, row);
    }
    lcm_rating_view_free(&v);
    return print_rows(rows, a->fmt);
}

static int do_reliability(const rt_args *a, lcm_db *db) {
    if (!a->year)
        return cli_usage_error(cmd_ratings_usage, "missing --year");
    lcm_rating_stats s;
    lcm_err err = {0};
    long long run = 0;
    if (lcm_rating_stats_compute(db, a->year, LCM_RATING_BOOT, &s, &err) != LCM_OK)
        return cli_fail(&err);
    if (s.nmean == 0) {
        lcm_rating_stats_free(&s);
        return cli_error("no counted ratings in %d (3 reviewers per city and point needed)",
                         a->year);
    }
    if (lcm_rating_stats_store(db, &s, &run, &err) != LCM_OK) {
        lcm_rating_stats_free(&s);
        return cli_fail(&err);
    }
    static const char *const names[] = {"point",   "cities",   "reviewers", "rows",    "icc1",
                                        "icc1_lo", "icc1_hi",  "icck",      "icck_lo", "icck_hi",
                                        "alpha",   "alpha_lo", "alpha_hi"};
    /* the table people read is in Chinese; csv and json keep the column keys */
    static const char *const names_zh[] = {"监测点", "城市数", "评审员数", "评分行数", "ICC(2,1)",
                                           "下限",   "上限",   "ICC(2,k)", "下限",     "上限",
                                           "α系数",  "下限",   "上限"};
    static const int numeric[] = {0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    cli_rows *rows = cli_rows_new(13, a->fmt == CLI_TABLE ? names_zh : names, numeric);
    for (size_t i = 0; rows && i < s.nrel; i++) {
        const lcm_rating_rel *r = &s.rel[i];
        char b[12][32];
        const double v[9] = {r->icc.icc1, r->icc.lo1, r->icc.hi1,  r->icc.icck, r->icc.lok,
                             r->icc.hik,  r->alpha,   r->alpha_lo, r->alpha_hi};
        const char *row[13];
        row[0] = r->code;
        snprintf(b[0], 32, "%zu", r->ncity), row[1] = b[0];
        snprintf(b[1], 32, "%zu", r->nreviewer), row[2] = b[1];
        snprintf(b[2], 32, "%zu", r->icc.n), row[3] = b[2];
        for (int k = 0; k < 9; k++)
            row[4 + k] = num(b[3 + k], 32, v[k], 3);
        cli_rows_add(rows, row);
    }
    int code = print_rows(rows, a->fmt);
    if (!code && a->fmt == CLI_TABLE) {
        printf("\n评审员宽严效应（0–100分制；正值偏宽，负值偏严）%s\n",
               s.severity_ok ? "" : "：评审设计不连通，无法估计");
        static const char *const sn[] = {"评审员", "效应", "评分数"};
        static const int snum[] = {0, 1, 1};
        cli_rows *sr = cli_rows_new(3, sn, snum);
        for (size_t i = 0; sr && i < s.nsev; i++) {
            char b[32], n[32];
            snprintf(n, sizeof n, "%ld", s.sev[i].n);
            const char *row[3] = {s.sev[i].reviewer, num(b, sizeof b, s.sev[i].effect, 2), n};
            cli_rows_add(sr, row);
        }
        code = print_rows(sr, CLI_TABLE);
        printf("已存为第%lld次运行\n", run);
    }
    lcm_rating_stats_free(&s);
    return code;
}

static int do_discordant(const rt_args *a, lcm_db *db) {
    if (!a->year)
        return cli_usage_error(cmd_ratings_usage, "missing --year");
    lcm_rating_discord *d = NULL;
    size_t n = 0;
    lcm_err err = {0};
    if (lcm_rating_discordant(db, a->year, &d, &n, &err) != LCM_OK)
        return cli_fail(&err);
    static const char *const names[] = {"city", "name", "point", "ratings", "adjudicated"};
    static const char *const names_zh[] = {"城市代码", "城市", "监测点", "各评审员评分", "裁定"};
    static const int numeric[] = {0, 0, 0, 0, 0};
    cli_rows *rows = cli_rows_new(5, a->fmt == CLI_TABLE ? names_zh : names, numeric);
    for (size_t i = 0; rows && i < n; i++) {
        char adj[64];
        if (d[i].adj_level)
            snprintf(adj, sizeof adj, "%s %g", lcm_rating_levels[d[i].adj_level - 1].zh,
                     d[i].adj_score);
        const char *row[5] = {d[i].city, d[i].city_name, d[i].point, d[i].ratings,
                              d[i].adj_level ? adj : NULL};
        cli_rows_add(rows, row);
    }
    lcm_rating_discord_free(d, n);
    return print_rows(rows, a->fmt);
}

static int do_adjudicate(const rt_args *a, lcm_db *db) {
    int code = need_cell(a), level = 0;
    if (code || (code = need("by", a->by)) || (code = parse_level(a, &level)))
        return code;
    lcm_rating_cell c = cell_of(a);
    lcm_err err = {0};
    if (lcm_rating_adjudicate(db, &c, level, a->has_score ? a->score : NAN, a->by, a->comment,
                              &err) != LCM_OK)
        return cli_fail(&err);
    printf("adjudicated %s %s %d as %s by %s\n", a->city, a->point, a->year,
           lcm_rating_levels[level - 1].zh, a->by);
    return 0;
}

int cmd_ratings(int argc, char **argv) {
    static const struct {
        const char *name;
        int (*fn)(const rt_args *, lcm_db *);
        int readonly;
    } subs[] = {{"assign", do_assign, 0},
                {"rate", do_rate, 0},
                {"show", do_show, 1},
                {"reliability", do_reliability, 0},
                {"discordant", do_discordant, 1},
                {"adjudicate", do_adjudicate, 0}};
    if (argc < 2)
        return cli_usage_error(cmd_ratings_usage, "ratings needs a subcommand");
    rt_args a = {.fmt = CLI_TABLE};
    if (strcmp(argv[1], "rubric") == 0) {
        int code = parse(argc - 1, argv + 1, &a, 0);
        return code ? code : do_rubric(&a);
    }
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
        if (strcmp(argv[1], subs[i].name) != 0)
            continue;
        int code = parse(argc - 1, argv + 1, &a, 1);
        if (code)
            return code;
        lcm_db *db = cli_open_db(a.db, subs[i].readonly ? LCM_OPEN_READONLY : 0, &code);
        if (!db)
            return code;
        code = subs[i].fn(&a, db);
        lcm_db_close(db);
        return code;
    }
    return cli_usage_error(cmd_ratings_usage, "unknown subcommand: '%s'", argv[1]);
}
