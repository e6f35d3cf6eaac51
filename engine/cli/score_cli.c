/*
 * score_cli.c - shared output helpers of the score, rank, trend and profile commands.
 */
#include "score_cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

cli_rows *score_rows_new(const score_col *cols, int n, cli_format fmt, int en) {
    const char *names[64];
    int num[64];
    if (n > 64)
        return NULL;
    for (int i = 0; i < n; i++) {
        names[i] = fmt != CLI_TABLE ? cols[i].key : en ? cols[i].en : cols[i].zh;
        num[i] = cols[i].numeric;
    }
    return cli_rows_new(n, names, num);
}

const char *score_num(char *buf, size_t size, double v, int prec) {
    if (isnan(v))
        buf[0] = '\0';
    else
        snprintf(buf, size, "%.*f", prec, v);
    return buf;
}

const char *score_val(char *buf, size_t size, double v, int prec, cli_format fmt) {
    if (fmt == CLI_TABLE)
        return score_num(buf, size, v, prec);
    if (!isfinite(v))
        buf[0] = '\0';
    else
        snprintf(buf, size, "%.17g", v);
    return buf;
}

const char *score_int(char *buf, size_t size, long v) {
    if (v == 0)
        buf[0] = '\0';
    else
        snprintf(buf, size, "%ld", v);
    return buf;
}

int score_parse_lang(const char *s, int *en) {
    if (strcmp(s, "zh") != 0 && strcmp(s, "en") != 0)
        return -1;
    *en = strcmp(s, "en") == 0;
    return 0;
}

void score_section(cli_format fmt, int en, const char *zh_title, const char *en_title) {
    if (fmt == CLI_TABLE)
        printf("\n== %s ==\n", en ? en_title : zh_title);
}
