/*
 * csvin.c - libcsv driven line by line, so each row knows the line it started on.
 *
 * libcsv reports fields and row ends through callbacks but not positions; feeding it one
 * physical line per csv_parse() call lets us note the line on which each row began
 * (quoted fields may span lines: libcsv keeps that state between calls).
 */
#include "csvin.h"
#include "strbuf.h"

#include <csv.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct reader {
    lcm_csv_row_fn fn;
    void *ud;
    lcm_err *err;
    lcm_status status; /* first failure, stops everything */
    const char *name;
    long line;     /* physical line being fed */
    long row_line; /* line where the current row started, 0 = no field seen yet */
    long row_index;
    char **field;
    size_t *len;
    size_t n, cap;
} reader;

static void on_field(void *data, size_t n, void *p) {
    reader *r = p;
    if (r->status != LCM_OK)
        return;
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        char **f = realloc(r->field, cap * sizeof *f);
        if (f)
            r->field = f;
        size_t *l = realloc(r->len, cap * sizeof *l);
        if (l)
            r->len = l;
        if (!f || !l) {
            r->status = lcm_err_set(r->err, LCM_NOMEM, "out of memory reading '%s'", r->name);
            return;
        }
        r->cap = cap;
    }
    char *copy = malloc(n + 1);
    if (!copy) {
        r->status = lcm_err_set(r->err, LCM_NOMEM, "out of memory reading '%s'", r->name);
        return;
    }
    if (n)
        memcpy(copy, data, n);
    copy[n] = '\0';
    r->field[r->n] = copy;
    r->len[r->n] = n;
    r->n++;
    if (!lcm_utf8_valid(copy, n))
        r->status = lcm_err_set(r->err, LCM_PARSE, "%s:%ld:%zu: invalid UTF-8 in field", r->name,
                                r->row_line, r->n);
}

static void free_fields(reader *r) {
    for (size_t i = 0; i < r->n; i++)
        free(r->field[i]);
    r->n = 0;
}

static void on_row(int c, void *p) {
    reader *r = p;
    (void)c;
    if (r->status == LCM_OK) {
        lcm_csv_row row = {r->field,     r->len, r->n, r->row_line ? r->row_line : r->line,
                           r->row_index, r->name};
        /* A blank line gives a row with no fields: skip it, as spreadsheets do. */
        if (r->n > 0)
            r->status = r->fn(r->ud, &row, r->err);
        if (r->n > 0)
            r->row_index++;
    }
    free_fields(r);
    r->row_line = 0;
}

lcm_status lcm_csv_read_stream(FILE *fp, const char *name, lcm_csv_row_fn fn, void *ud,
                               lcm_err *err) {
    struct csv_parser parser;
    int parser_ready = 0;
    char *line = NULL;
    size_t line_cap = 0;
    reader r = {fn, ud, err, LCM_OK, name, 0, 0, 0, NULL, NULL, 0, 0};

    if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        r.status = lcm_err_set(err, LCM_NOMEM, "out of memory reading '%s'", name);
        goto cleanup;
    }
    parser_ready = 1;
    ssize_t got;
    while (r.status == LCM_OK && (got = getline(&line, &line_cap, fp)) >= 0) {
        r.line++;
        const char *p = line;
        size_t n = (size_t)got;
        if ((size_t)got > LCM_CSV_MAX_LINE) {
            r.status = lcm_err_set(err, LCM_PARSE, "%s:%ld: line longer than %u bytes", name,
                                   r.line, LCM_CSV_MAX_LINE);
            break;
        }
        if (r.line == 1 && n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
            p += 3, n -= 3;
        /* A row starts on the first non-blank line after the previous row ended. */
        if (!r.row_line && !(n == 1 && p[0] == '\n') && !(n == 2 && p[0] == '\r'))
            r.row_line = r.line;
        if (csv_parse(&parser, p, n, on_field, on_row, &r) != n && r.status == LCM_OK)
            r.status = lcm_err_set(err, LCM_PARSE, "%s:%ld: %s", name, r.line,
                                   csv_strerror(csv_error(&parser)));
    }
    if (r.status == LCM_OK && ferror(fp))
        r.status = lcm_err_set(err, LCM_IO, "cannot read '%s': %s", name, strerror(errno));
    if (r.status == LCM_OK && csv_fini(&parser, on_field, on_row, &r) != 0)
        r.status = lcm_err_set(err, LCM_PARSE, "%s:%ld: %s", name, r.line,
                               csv_strerror(csv_error(&parser)));
cleanup:
    free_fields(&r);
    free(r.field);
    free(r.len);
    free(line);
    if (parser_ready)
        csv_free(&parser);
    return r.status;
}

lcm_status lcm_csv_read(const char *path, lcm_csv_row_fn fn, void *ud, lcm_err *err) {
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return lcm_err_set(err, LCM_IO, "cannot open '%s': %s", path, strerror(errno));
    lcm_status st = lcm_csv_read_stream(fp, path, fn, ud, err);
    fclose(fp);
    return st;
}

int lcm_csv_find(const lcm_csv_row *header, const char *name) {
    for (size_t i = 0; i < header->n; i++)
        if (strcmp(header->field[i], name) == 0)
            return (int)i;
    return -1;
}
