/*
 * score_cli.h - what the score, rank, trend and profile commands share: bilingual column
 * headers (Chinese for people by default, English with --lang en, stable English keys in CSV
 * and JSON for scripts), number cells, and the year/city arguments.
 */
#ifndef LCM_SCORE_CLI_H
#define LCM_SCORE_CLI_H

#include "cli.h"
#include "score.h"

typedef struct score_col {
    const char *key; /* CSV/JSON name */
    const char *zh;  /* table header, Chinese */
    const char *en;  /* table header with --lang en */
    int numeric;
} score_col;

/* Rows with the headers the format and language call for; NULL on out of memory. */
cli_rows *score_rows_new(const score_col *cols, int n, cli_format fmt, int en);

/* v with prec decimals into buf, or "" for NaN; returns buf. */
const char *score_num(char *buf, size_t size, double v, int prec);

/* v for the format: tables round to prec decimals, CSV and JSON carry full precision (%.17g,
 * which strtod reads back as the same double); "" for NaN and, in CSV/JSON, for infinities
 * (a t of a perfect line), which JSON cannot hold. Returns buf. */
const char *score_val(char *buf, size_t size, double v, int prec, cli_format fmt);

/* An integer into buf, or "" for 0 (an absent rank); returns buf. */
const char *score_int(char *buf, size_t size, long v);

/* Parse "zh" or "en" into *en; 0 on success, -1 otherwise. */
int score_parse_lang(const char *s, int *en);

/* Print a section title (tables only), in the chosen language. */
void score_section(cli_format fmt, int en, const char *zh_title, const char *en_title);

/* The trend table of a city (cmd_trend.c), and its survey changes between waves. */
int trend_print(const lcm_trend_set *t, cli_format fmt, int en);
int trend_print_waves(lcm_db *db, const char *city, cli_format fmt, int en);

#endif
