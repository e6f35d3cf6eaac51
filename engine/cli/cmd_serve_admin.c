/*
 * cmd_serve_admin.c - `lcmon serve campaign|tokens|assign|outcomes`: the fieldwork around
 * the server (engine/field.h): campaigns with their public link and QR code, one-time
 * tokens with a printable sheet of invitations, interviewers' sample lists, outcomes.
 *
 * Tokens and sign-in links are secrets and are shown once: the token CSV and the sheet are
 * written 0600, the database keeps only their SHA-256. Household numbers and addresses are
 * personal data: nothing here prints them.
 */
#include "cli.h"
#include "serve.h"
#include "field.h"
#include "outfile.h"
#include "qr.h"
#include "serve_admin.h"
#include "strbuf.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const usage[] = {
    "lcmon serve campaign|tokens|assign|outcomes DB ...",
    LCM_SERVE_ADMIN_SYNOPSIS,
    "",
    LCM_SERVE_ADMIN_HELP,
    NULL,
};

#define DEFAULT_BASE "http://127.0.0.1:8080"

int lcm_cli_serve_admin_word(const char *word) {
    return word && (strcmp(word, "campaign") == 0 || strcmp(word, "tokens") == 0 ||
                    strcmp(word, "assign") == 0 || strcmp(word, "outcomes") == 0);
}

typedef struct admin_opts {
    const char *form, *version, *city, *slug, *base, *qr, *out, *campaign, *interviewer;
    int wave, count, force, new_token;
    lcm_field_mode mode;
} admin_opts;

/* Parse the options of a subcommand (argv[0] is its name); positional arguments are left at
 * argv[optind..]. Returns -1 after a usage error was printed. */
static int parse(int argc, char **argv, admin_opts *o) {
    static const struct option opts[] = {{"form", required_argument, NULL, 'F'},
                                         {"version", required_argument, NULL, 'V'},
                                         {"city", required_argument, NULL, 'c'},
                                         {"wave", required_argument, NULL, 'w'},
                                         {"mode", required_argument, NULL, 'm'},
                                         {"slug", required_argument, NULL, 's'},
                                         {"base-url", required_argument, NULL, 'b'},
                                         {"qr", required_argument, NULL, 'q'},
                                         {"out", required_argument, NULL, 'o'},
                                         {"campaign", required_argument, NULL, 'C'},
                                         {"count", required_argument, NULL, 'n'},
                                         {"interviewer", required_argument, NULL, 'i'},
                                         {"force", no_argument, NULL, 'f'},
                                         {"new-token", no_argument, NULL, 't'},
                                         {0, 0, 0, 0}};
    memset(o, 0, sizeof *o);
    o->base = DEFAULT_BASE;
    optind = 0; /* glibc: start over, the caller's getopt may have run */
    int ch;
    char *end;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'F':
            o->form = optarg;
            break;
        case 'V':
            o->version = optarg;
            break;
        case 'c':
            o->city = optarg;
            break;
        case 'w':
            if (cli_parse_year(optarg, &o->wave) != 0)
                return cli_usage_error(usage, "--wave is a year from 2000 to 2100: '%s'", optarg),
                       -1;
            break;
        case 'm':
            if (strcmp(optarg, "open") == 0)
                o->mode = LCM_FIELD_OPEN;
            else if (strcmp(optarg, "token") == 0)
                o->mode = LCM_FIELD_TOKEN;
            else
                return cli_usage_error(usage, "--mode is open or token: '%s'", optarg), -1;
            break;
        case 's':
            o->slug = optarg;
            break;
        case 'b':
            if (strncmp(optarg, "http://", 7) != 0 && strncmp(optarg, "https://", 8) != 0)
                return cli_usage_error(
                           usage, "--base-url must start with http:// or https://: '%s'", optarg),
                       -1;
            o->base = optarg;
            break;
        case 'q':
            o->qr = optarg;
            break;
        case 'o':
            o->out = optarg;
            break;
        case 'C':
            o->campaign = optarg;
            break;
        case 'n': {
            long v = strtol(optarg, &end, 10);
            if (*end || end == optarg || v < 1 || v > 100000)
                return cli_usage_error(usage, "--count is 1 to 100000: '%s'", optarg), -1;
            o->count = (int)v;
            break;
        }
        case 'i':
            o->interviewer = optarg;
            break;
        case 'f':
            o->force = 1;
            break;
        case 't':
            o->new_token = 1;
            break;
        default:
            return cli_usage_error(usage, "bad option"), -1;
        }
    }
    return 0;
}

/* base without a trailing '/', then path. */
static void link_to(char *buf, size_t cap, const char *base, const char *kind, const char *key) {
    size_t n = strlen(base);
    while (n > 0 && base[n - 1] == '/')
        n--;
    snprintf(buf, cap, "%.*s/%s/%s", (int)n, base, kind, key);
}

static int campaign_add(int argc, char **argv) {
    admin_opts o;
    if (parse(argc, argv, &o) != 0)
        return LCM_EXIT_USAGE;
    if (argc - optind != 1)
        return cli_usage_error(usage,
                               optind == argc ? "missing database" : "unexpected argument: '%s'",
                               argv[argc - 1]);
    if (!o.form || !o.city || !o.wave)
        return cli_usage_error(usage, "campaign add needs --form, --city and --wave");
    int code;
    lcm_db *db = cli_open_db(argv[optind], 0, &code);
    if (!db)
        return code;
    lcm_err err = {0};
    lcm_field_campaign c;
    lcm_status st =
        lcm_field_campaign_add(db, o.form, o.version, o.city, o.wave, o.mode, o.slug, &c, &err);
    lcm_db_close(db);
    if (st != LCM_OK)
        return cli_fail(&err);
    char link[1024], svg[1024], png[1024];
    link_to(link, sizeof link, o.base, "c", c.slug);
    if (o.qr) {
        snprintf(svg, sizeof svg, "%s.svg", o.qr);
        snprintf(png, sizeof png, "%s.png", o.qr);
    } else {
        snprintf(svg, sizeof svg, "%s-qr.svg", c.slug);
        snprintf(png, sizeof png, "%s-qr.png", c.slug);
    }
    printf("campaign %s: form %s %s, %s (%s), wave %d, %s\n", c.slug, c.form_id, c.form_version,
           c.city_name, c.city, c.wave,
           c.mode == LCM_FIELD_TOKEN ? "one-time tokens only" : "open link");
    printf("link: %s\n", link);
    if (lcm_qr_write(link, svg, png, o.force ? LCM_OUT_FORCE : 0, &err) != LCM_OK)
        return cli_fail(&err);
    printf("QR code: %s, %s\n", svg, png);
    return LCM_EXIT_OK;
}

static int campaign_list(int argc, char **argv) {
    admin_opts o;
    if (parse(argc, argv, &o) != 0)
        return LCM_EXIT_USAGE;
    if (argc - optind != 1)
        return cli_usage_error(usage, "campaign list takes one database");
    int code;
    lcm_db *db = cli_open_db(argv[optind], LCM_OPEN_READONLY, &code);
    if (!db)
        return code;
    lcm_err err = {0};
    lcm_field_campaign *c = NULL;
    size_t n = 0;
    if (lcm_field_campaigns(db, &c, &n, &err) != LCM_OK) {
        lcm_db_close(db);
        return cli_fail(&err);
    }
    static const char *const cols[] = {"slug", "form",   "version",  "city",       "wave",
                                       "mode", "tokens", "answered", "households", "closed"};
    static const int num[] = {0, 0, 0, 0, 1, 0, 1, 1, 1, 1};
    cli_rows *rows = cli_rows_new(10, cols, num);
    for (size_t i = 0; rows && i < n; i++) {
        char wave[16], tok[32], sub[32], hh[32], closed[4];
        snprintf(wave, sizeof wave, "%d", c[i].wave);
        snprintf(tok, sizeof tok, "%ld", c[i].tokens);
        snprintf(sub, sizeof sub, "%ld", c[i].submitted);
        snprintf(hh, sizeof hh, "%ld", c[i].assignments);
        snprintf(closed, sizeof closed, "%d", c[i].closed);
        const char *v[] = {c[i].slug,
                           c[i].form_id,
                           c[i].form_version,
                           c[i].city_name,
                           wave,
                           c[i].mode == LCM_FIELD_TOKEN ? "token" : "open",
                           tok,
                           sub,
                           hh,
                           closed};
        cli_rows_add(rows, v);
    }
    code = rows && cli_rows_print(rows, CLI_TABLE, stdout) == 0 ? LCM_EXIT_OK : LCM_EXIT_INTERNAL;
    cli_rows_free(rows);
    free(c);
    lcm_db_close(db);
    return code;
}

/* Write text to path 0600 (personal data or secrets) through outfile.h. */
static lcm_status write_private(const char *path, const char *text, size_t n, int force,
                                lcm_err *err) {
    lcm_out o;
    lcm_status st = lcm_out_open(&o, path, LCM_OUT_PRIVATE | (force ? LCM_OUT_FORCE : 0), err);
    if (st != LCM_OK)
        return st;
    if (fwrite(text, 1, n, o.fp) != n) {
        lcm_out_abort(&o);
        return lcm_err_set(err, LCM_IO, "cannot write '%s'", path);
    }
    return lcm_out_commit(&o, err);
}

/* The sheet of invitations: one card per token with the campaign, serial, link and QR code
 * (inline SVG, so the file stands alone and prints as is). */
static lcm_status invitations(lcm_strbuf *sb, const lcm_field_campaign *c, const char *title,
                              char (*tok)[LCM_FIELD_TOKEN_LEN + 1], const long *serial, int n,
                              const char *base, lcm_err *err) {
    lcm_strbuf_adds(sb, "<!DOCTYPE html>\n<html lang=\"zh\">\n<head>\n<meta charset=\"utf-8\">\n"
                        "<title>问卷邀请函 ");
    lcm_serve_html(sb, c->slug);
    lcm_strbuf_adds(
        sb, "</title>\n<style>\n"
            "@page { size: A4; margin: 12mm; }\n"
            "body { font-family: 'Noto Sans CJK SC', sans-serif; margin: 0; }\n"
            ".card { box-sizing: border-box; width: 48%; height: 88mm; display: inline-block;\n"
            "  vertical-align: top; border: 1px dashed #888; margin: 0 1% 4mm 0; padding: 4mm;\n"
            "  page-break-inside: avoid; }\n"
            ".card h2 { font-size: 13pt; margin: 0 0 2mm; }\n"
            ".card p { font-size: 9.5pt; margin: 1mm 0; }\n"
            ".card svg { width: 38mm; height: 38mm; float: right; }\n"
            ".link { font-family: monospace; font-size: 8pt; word-break: break-all; }\n"
            "</style>\n</head>\n<body>\n");
    for (int i = 0; i < n; i++) {
        char link[1024];
        link_to(link, sizeof link, base, "t", tok[i]);
        char *svg = NULL;
        lcm_status st = lcm_qr_svg(link, &svg, err);
        if (st != LCM_OK)
            return st;
        const char *body = strstr(svg, "<svg");
        lcm_strbuf_addf(sb, "<div class=\"card\" id=\"inv-%ld\">\n", serial[i]);
        lcm_strbuf_adds(sb, body ? body : svg);
        lcm_strbuf_adds(sb, "<h2>");
        lcm_serve_html(sb, title);
        lcm_strbuf_adds(sb, "</h2>\n<p>尊敬的住户：您好！您家被抽中参加");
        lcm_serve_html(sb, c->city_name);
        lcm_strbuf_addf(sb,
                        "%d年学习型城市建设市民问卷调查。请用手机微信或相机扫描右侧二维码，"
                        "或在浏览器中输入下方网址作答。本链接仅供您家使用一次，可中途保存后继续"
                        "填写。</p>\n",
                        c->wave);
        lcm_strbuf_addf(sb, "<p>邀请编号：%ld</p>\n<p class=\"link\">", serial[i]);
        lcm_serve_html(sb, link);
        lcm_strbuf_adds(sb, "</p>\n</div>\n");
        free(svg);
    }
    lcm_strbuf_adds(sb, "</body>\n</html>\n");
    return sb->oom ? lcm_err_set(err, LCM_NOMEM, "out of memory") : LCM_OK;
}

static int tokens(int argc, char **argv) {
    admin_opts o;
    if (parse(argc, argv, &o) != 0)
        return LCM_EXIT_USAGE;
    if (argc - optind != 1)
        return cli_usage_error(usage,
                               optind == argc ? "missing database" : "unexpected argument: '%s'",
                               argv[argc - 1]);
    if (!o.campaign || !o.count)
        return cli_usage_error(usage, "tokens needs --campaign and --count");
    int code;
    lcm_db *db = cli_open_db(argv[optind], 0, &code);
    if (!db)
        return code;
    lcm_err err = {0};
    lcm_field_campaign c;
    char(*tok)[LCM_FIELD_TOKEN_LEN + 1] = NULL;
    long *serial = NULL;
    lcm_strbuf csv = LCM_STRBUF_INIT, html = LCM_STRBUF_INIT;
    char prefix[512], csv_path[600], html_path[600];
    char title[256] = "学习型城市建设市民问卷";
    lcm_status st = lcm_field_campaign_get(db, o.campaign, &c, &err);
    if (st != LCM_OK)
        goto done;
    snprintf(prefix, sizeof prefix, "%s", o.out ? o.out : c.slug);
    if (!o.out)
        snprintf(prefix, sizeof prefix, "%s-tokens", c.slug);
    snprintf(csv_path, sizeof csv_path, "%s.csv", prefix);
    snprintf(html_path, sizeof html_path, "%s.html", prefix);
    /* both files must be writable before any token is issued */
    int flags = LCM_OUT_PRIVATE | (o.force ? LCM_OUT_FORCE : 0);
    if ((st = lcm_out_check(csv_path, flags, &err)) != LCM_OK ||
        (st = lcm_out_check(html_path, flags, &err)) != LCM_OK)
        goto done;
    tok = calloc((size_t)o.count, sizeof *tok);
    serial = calloc((size_t)o.count, sizeof *serial);
    if (!tok || !serial) {
        st = lcm_err_set(&err, LCM_NOMEM, "out of memory");
        goto done;
    }
    sqlite3_stmt *ts = NULL;
    if (lcm_db_prepare(db, "SELECT title FROM forms WHERE form_id = ?1 AND version = ?2", &ts,
                       NULL) == LCM_OK) {
        sqlite3_bind_text(ts, 1, c.form_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(ts, 2, c.form_version, -1, SQLITE_STATIC);
        if (sqlite3_step(ts) == SQLITE_ROW && sqlite3_column_text(ts, 0))
            snprintf(title, sizeof title, "%s", (const char *)sqlite3_column_text(ts, 0));
        sqlite3_finalize(ts);
    }
    if ((st = lcm_field_tokens_issue(db, c.id, (size_t)o.count, tok, serial, &err)) != LCM_OK)
        goto done;
    lcm_strbuf_adds(&csv, "serial,token,link\n");
    for (int i = 0; i < o.count; i++) {
        char link[1024];
        link_to(link, sizeof link, o.base, "t", tok[i]);
        /* base is http(s)://… and tokens are [a-z2-7]: nothing to quote but a comma or quote
         * in the base URL, which is quoted here all the same */
        lcm_strbuf_addf(&csv, "%ld,%s,\"", serial[i], tok[i]);
        for (const char *p = link; *p; p++) {
            if (*p == '"')
                lcm_strbuf_addc(&csv, '"');
            lcm_strbuf_addc(&csv, *p);
        }
        lcm_strbuf_adds(&csv, "\"\n");
    }
    if ((st = invitations(&html, &c, title, tok, serial, o.count, o.base, &err)) != LCM_OK)
        goto done;
    if (csv.oom) {
        st = lcm_err_set(&err, LCM_NOMEM, "out of memory");
        goto done;
    }
    if ((st = write_private(csv_path, csv.buf, csv.len, o.force, &err)) != LCM_OK ||
        (st = write_private(html_path, html.buf, html.len, o.force, &err)) != LCM_OK)
        goto done;
    printf("%d tokens for campaign %s (serials %ld-%ld): %s, %s\n", o.count, c.slug, serial[0],
           serial[o.count - 1], csv_path, html_path);
    printf("the tokens are not stored and cannot be shown again: keep %s safe\n", csv_path);
done:
    if (tok)
        memset(tok, 0, (size_t)o.count * sizeof *tok);
    free(tok);
    free(serial);
    lcm_strbuf_release(&csv);
    lcm_strbuf_release(&html);
    lcm_db_close(db);
    return st == LCM_OK ? LCM_EXIT_OK : cli_fail(&err);
}

/* The campaign named by --campaign, or the only one there is. */
static lcm_status pick_campaign(lcm_db *db, const char *slug, lcm_field_campaign *c, lcm_err *err) {
    if (slug)
        return lcm_field_campaign_get(db, slug, c, err);
    lcm_field_campaign *all = NULL;
    size_t n = 0;
    lcm_status st = lcm_field_campaigns(db, &all, &n, err);
    if (st == LCM_OK && n != 1)
        st = lcm_err_set(err, LCM_INVAL,
                         n == 0 ? "no campaign yet: add one with 'lcmon serve campaign add'"
                                : "there are several campaigns: name one with --campaign");
    if (st == LCM_OK)
        *c = all[0];
    free(all);
    return st;
}

static int assign(int argc, char **argv) {
    admin_opts o;
    if (parse(argc, argv, &o) != 0)
        return LCM_EXIT_USAGE;
    if (argc - optind != 2)
        return cli_usage_error(usage, "assign takes a database and a sample list (CSV)");
    if (!o.interviewer)
        return cli_usage_error(usage, "assign needs --interviewer");
    int code;
    lcm_db *db = cli_open_db(argv[optind], 0, &code);
    if (!db)
        return code;
    lcm_err err = {0};
    lcm_field_campaign c;
    lcm_field_interviewer iv;
    char token[LCM_FIELD_TOKEN_LEN + 1] = "";
    int created = 0;
    long loaded = 0;
    lcm_status st = pick_campaign(db, o.campaign, &c, &err);
    if (st != LCM_OK)
        goto done;
    int known = lcm_field_interviewer_get(db, o.interviewer, &iv, NULL) == LCM_OK;
    if (!known || o.new_token) {
        if ((st = lcm_field_interviewer_token(db, o.interviewer, token, &created, &err)) != LCM_OK)
            goto done;
        if ((st = lcm_field_interviewer_get(db, o.interviewer, &iv, &err)) != LCM_OK)
            goto done;
    }
    if ((st = lcm_field_assign_csv(db, c.id, iv.id, argv[optind + 1], &loaded, &err)) != LCM_OK) {
        sqlite3_stmt *del = NULL; /* a new interviewer without households is not kept */
        if (created && lcm_db_prepare(db, "DELETE FROM field_interviewers WHERE id = ?1", &del,
                                      NULL) == LCM_OK) {
            sqlite3_bind_int64(del, 1, iv.id);
            sqlite3_step(del);
            sqlite3_finalize(del);
        }
        goto done;
    }
    printf("%ld households assigned to interviewer %ld in campaign %s\n", loaded, (long)iv.id,
           c.slug);
    if (*token) {
        char link[1024];
        link_to(link, sizeof link, o.base, "i", token);
        printf("sign-in link (shown once, give it to the interviewer only): %s\n", link);
    }
done:
    lcm_db_close(db);
    return st == LCM_OK ? LCM_EXIT_OK : cli_fail(&err);
}

static int outcomes(int argc, char **argv) {
    admin_opts o;
    if (parse(argc, argv, &o) != 0)
        return LCM_EXIT_USAGE;
    if (argc - optind != 1)
        return cli_usage_error(usage, "outcomes takes one database");
    int code;
    lcm_db *db = cli_open_db(argv[optind], LCM_OPEN_READONLY, &code);
    if (!db)
        return code;
    lcm_err err = {0};
    lcm_field_campaign c;
    lcm_field_outcomes out;
    lcm_status st = pick_campaign(db, o.campaign, &c, &err);
    if (st == LCM_OK)
        st = lcm_field_outcomes_get(db, c.id, &out, &err);
    lcm_db_close(db);
    if (st != LCM_OK)
        return cli_fail(&err);
    printf("campaign %s: %ld households\n", c.slug,
           out.complete + out.partial + out.refusal + out.noncontact + out.other + out.unknown +
               out.ineligible + out.pending);
    printf("  complete %ld, partial %ld, refusal %ld, non-contact %ld, other %ld, unknown %ld, "
           "not eligible %ld, pending %ld\n",
           out.complete, out.partial, out.refusal, out.noncontact, out.other, out.unknown,
           out.ineligible, out.pending);
    if (isnan(out.rr1))
        printf("  response rate RR1: none (no households)\n");
    else
        printf("  response rate RR1 (AAPOR): %.1f%%\n", 100 * out.rr1);
    return LCM_EXIT_OK;
}

int lcm_cli_serve_admin(int argc, char **argv) {
    if (argc < 2 || !lcm_cli_serve_admin_word(argv[1]))
        return cli_usage_error(usage, "expected campaign, tokens, assign or outcomes");
    const char *word = argv[1];
    argc--, argv++; /* argv[0] is now the subcommand */
    if (strcmp(word, "campaign") == 0) {
        if (argc < 2 || (strcmp(argv[1], "add") != 0 && strcmp(argv[1], "list") != 0))
            return cli_usage_error(usage, "expected 'campaign add' or 'campaign list'");
        int add = strcmp(argv[1], "add") == 0;
        argc--, argv++;
        return add ? campaign_add(argc, argv) : campaign_list(argc, argv);
    }
    if (strcmp(word, "tokens") == 0)
        return tokens(argc, argv);
    if (strcmp(word, "assign") == 0)
        return assign(argc, argv);
    return outcomes(argc, argv);
}
