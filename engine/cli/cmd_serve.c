/*
 * cmd_serve.c - `lcmon serve`: the questionnaires of a database answered in a browser, by
 * respondents on their phones (a campaign's link or QR code) and by interviewers on
 * tablets (docs/serve.md). The server itself is engine/serve*.c.
 */
#include "cli.h"
#include "serve.h"
#include "serve_admin.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const cmd_serve_usage[] = {
    "lcmon serve DB [--listen HOST:PORT] [--base-url URL] [--threads N] [--rate-limit N]",
    "            [--max-upload BYTES] [--checkpoint-pages N]",
    LCM_SERVE_ADMIN_SYNOPSIS,
    "",
    "Serve the questionnaires of DB to browsers: one page per group, the household roster",
    "a page per member, every answer checked on the server by the same engine as imports",
    "and saved as a draft before the page is acknowledged; a review page, then submit stores",
    "the instance complete (read-only). Respondents open a campaign's link /c/<slug>,",
    "interviewers sign in at /i. Put it behind a reverse proxy for TLS (docs/serve.md).",
    "SIGTERM or Ctrl-C lets requests in flight finish, then stops.",
    "",
    "    --listen HOST:PORT  address to listen on (default 127.0.0.1:8080; port 0: any free)",
    "    --base-url URL      the address people use, e.g. https://survey.example.cn",
    "                        (https: cookies are marked Secure)",
    "    --threads N         worker threads, each with its own database connection",
    "                        (default: the number of processors)",
    "    --rate-limit N      new answers per IP address per minute on open links",
    "                        (default 30; 0: no limit)",
    "    --max-upload BYTES  largest file one photo, audio, video or file question takes",
    "                        (default 10485760, 10 MB); files are kept in the database",
    "    --checkpoint-pages N  copy the write-ahead log back into the database each time",
    "                        N pages (4 KB) more were written (default 8000; 1 to 1000000)",
    "",
    LCM_SERVE_ADMIN_HELP,
    NULL,
};

int cmd_serve(int argc, char **argv) {
    if (argc > 1 && lcm_cli_serve_admin_word(argv[1]))
        return lcm_cli_serve_admin(argc, argv);
    static const struct option opts[] = {{"listen", required_argument, NULL, 'l'},
                                         {"base-url", required_argument, NULL, 'b'},
                                         {"threads", required_argument, NULL, 't'},
                                         {"rate-limit", required_argument, NULL, 'r'},
                                         {"max-upload", required_argument, NULL, 'm'},
                                         {"checkpoint-pages", required_argument, NULL, 'c'},
                                         {0, 0, 0, 0}};
    lcm_serve_opts o = {NULL, "127.0.0.1:8080", NULL, 0, 30, 0, 0};
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        char *end = NULL;
        long v = 0;
        if (c == 't' || c == 'r') {
            v = strtol(optarg, &end, 10);
            if (*end || end == optarg || v < (c == 't' ? 1 : 0) || v > 10000)
                return cli_usage_error(cmd_serve_usage, "bad --%s: '%s'",
                                       c == 't' ? "threads" : "rate-limit", optarg);
        }
        if (c == 'l')
            o.listen = optarg;
        else if (c == 'b') {
            if (strncmp(optarg, "http://", 7) != 0 && strncmp(optarg, "https://", 8) != 0)
                return cli_usage_error(cmd_serve_usage,
                                       "--base-url must start with http:// or https://: '%s'",
                                       optarg);
            o.base_url = optarg;
        } else if (c == 't')
            o.threads = (unsigned)v;
        else if (c == 'r')
            o.rate_limit = (int)v;
        else if (c == 'm') {
            unsigned long long m = strtoull(optarg, &end, 10);
            if (*end || end == optarg || *optarg == '-' || m < 1 || m > 256ull * 1024 * 1024)
                return cli_usage_error(cmd_serve_usage,
                                       "bad --max-upload: '%s' (bytes, 1 to 268435456)", optarg);
            o.max_upload = (size_t)m;
        } else if (c == 'c') {
            long n = strtol(optarg, &end, 10);
            if (*end || end == optarg || n < 1 || n > 1000000)
                return cli_usage_error(cmd_serve_usage,
                                       "bad --checkpoint-pages: '%s' (1 to 1000000)", optarg);
            o.checkpoint_pages = (unsigned)n;
        } else
            return cli_usage_error(cmd_serve_usage, "bad option");
    }
    if (optind + 1 != argc)
        return cli_usage_error(cmd_serve_usage,
                               optind == argc ? "missing database" : "unexpected argument: '%s'",
                               argv[optind + 1 < argc ? optind + 1 : optind]);
    o.db_path = argv[optind];
    int code;
    lcm_db *db = cli_open_db(o.db_path, 0, &code); /* migrate and check it once, up front */
    if (!db)
        return code;
    lcm_db_close(db);
    lcm_err err = {0};
    lcm_status st = lcm_serve_run(&o, &err);
    return st == LCM_OK ? LCM_EXIT_OK : cli_fail(&err);
}
