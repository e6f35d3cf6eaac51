/*
 * csvin.c - libcsv driven in bounded chunks, so each row knows the line it started on and
 * no input can make us buffer more than a field cap.
 *
 * libcsv reports fields and row ends through callbacks but not positions; feeding it the
 * file one physical line (or one 64 KiB piece of a longer line) per csv_parse() call lets
 * us note the line on which each row began (quoted fields may span lines: libcsv keeps
 * that state between calls). Between calls we look at how much libcsv has buffered for
 * the field in progress, so a 2 GB field is refused after its first few megabytes.
 * A row's fields live in one reused buffer: no allocation per field once it has grown.
 */
#include "csvin.h"
#include "strbuf.h"

#include <csv.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (64u << 10)

typedef struct reader {
    lcm_csv_row_fn fn;
    void *ud;
    lcm_err *err;
    lcm_status status; /* first failure, stops everything */
    const char *name;
    size_t max_field;
    int utf8_checked; /* lcm_csv_opts */
    long line;        /* physical line being fed */
    long row_line;    /* line where the current row started, 0 = no content seen yet */
    long row_index;
    lcm_strbuf data; /* the current row's fields, each NUL-terminated */
    size_t *off, *len;
    char **field;
    size_t n, cap;
    lcm_strbuf header; /* the first row's fields, each NUL-terminated: names in messages */
    size_t *hoff, nheader;
} reader;

static int grow(reader *r) {
    size_t cap = r->cap ? r->cap * 2 : 64;
    size_t *o = realloc(r->off, cap * sizeof *o);
    if (o)
        r->off = o;
    size_t *l = realloc(r->len, cap * sizeof *l);
    if (l)
        r->len = l;
    char **f = realloc(r->field, cap * sizeof *f);
    if (f)
        r->field = f;
    if (!o || !l || !f)
        return -1;
    r->cap = cap;
    return 0;
}

/* " (name)" of field i (0-based) from the header row, or "" in the header itself. */
static void field_name(const reader *r, size_t i, char *out, size_t cap) {
    if (r->row_index > 0 && i < r->nheader)
        snprintf(out, cap, " (%s)", r->header.buf + r->hoff[i]);
    else
        out[0] = '\0';
}

/* A NUL byte would end the field's text where it stands ("8<NUL>7.5" read as 8): refused.
 * Every other byte NUL is UTF-16 text without a byte-order mark. */
static void nul_error(reader *r, long line, const char *data, size_t n) {
    char name[96];
    size_t nuls = 0;
    for (size_t i = 0; i < n; i++)
        nuls += data[i] == '\0';
    field_name(r, r->n - 1, name, sizeof name);
    if (n >= 4 && nuls * 2 + 1 >= n)
        r->status = lcm_err_set(r->err, LCM_PARSE,
                                "%s:%ld:%zu%s: NUL bytes between the characters: this is UTF-16 "
                                "text, which lcmon does not read; save it as 'CSV UTF-8'",
                                r->name, line, r->n, name);
    else
        r->status = lcm_err_set(
            r->err, LCM_PARSE,
            "%s:%ld:%zu%s: NUL byte at byte %zu of the field (a damaged or binary file)", r->name,
            line, r->n, name, (size_t)((const char *)memchr(data, '\0', n) - data) + 1);
}

static void utf8_error(reader *r, long line, const unsigned char *p, size_t n) {
    char name[96];
    size_t i = 0, k = 1;
    while (i < n) { /* the first byte that starts no valid character */
        for (k = 1; k <= 4 && !(i + k <= n && lcm_utf8_valid((const char *)p + i, k)); k++)
            ;
        if (k > 4)
            break;
        i += k;
    }
    field_name(r, r->n - 1, name, sizeof name);
    r->status = lcm_err_set(r->err, LCM_PARSE, "%s:%ld:%zu%s: invalid UTF-8 in field (byte 0x%02X)",
                            r->name, line, r->n, name, i < n ? p[i] : 0);
}

static void on_field(void *data, size_t n, void *p) {
    reader *r = p;
    if (r->status != LCM_OK)
        return;
    long line = r->row_line ? r->row_line : r->line;
    if (n > r->max_field) {
        r->status = lcm_err_set(r->err, LCM_PARSE, "%s:%ld:%zu: field longer than %zu bytes",
                                r->name, line, r->n + 1, r->max_field);
        return;
    }
    if (r->n >= LCM_CSV_MAX_FIELDS || r->data.len + n >= LCM_CSV_MAX_ROW) {
        r->status = lcm_err_set(r->err, LCM_PARSE, "%s:%ld: row larger than %u fields or %u bytes",
                                r->name, line, LCM_CSV_MAX_FIELDS, LCM_CSV_MAX_ROW);
        return;
    }
    if (r->n == r->cap && grow(r) != 0) {
        r->status = lcm_err_set(r->err, LCM_NOMEM, "out of memory reading '%s'", r->name);
        return;
    }
    r->off[r->n] = r->data.len;
    r->len[r->n] = n;
    if (r->data.alloc && r->data.len + n + 2 <= r->data.alloc) { /* room: most fields */
        memcpy(r->data.buf + r->data.len, data, n);
        r->data.buf[r->data.len + n] = '\0';
        r->data.len += n + 1;
        r->data.buf[r->data.len] = '\0';
    } else
        lcm_strbuf_add_z(&r->data, data, n);
    r->n++;
    if (!lcm_strbuf_ok(&r->data))
        r->status = lcm_err_set(r->err, LCM_NOMEM, "out of memory reading '%s'", r->name);
    else if (memchr(data, '\0', n))
        nul_error(r, line, data, n);
    else if (!r->utf8_checked && !lcm_utf8_valid(r->data.buf + r->off[r->n - 1], n))
        utf8_error(r, line, (const unsigned char *)data, n);
}

/* Keep the header's names (trimmed of spaces and tabs) for messages, and refuse a name given
 * twice: which of the two columns a reader would take (the last, usually) must not be left to
 * chance. Empty names are not compared; names that differ in case are different names here
 * (a dataset keeps both), and readers that match names without case check that themselves. */
static void keep_header(reader *r) {
    if (!(r->hoff = malloc((r->n ? r->n : 1) * sizeof *r->hoff))) {
        r->status = lcm_err_set(r->err, LCM_NOMEM, "out of memory reading '%s'", r->name);
        return;
    }
    for (size_t i = 0; i < r->n; i++) {
        const char *f = r->data.buf + r->off[i];
        size_t n = r->len[i];
        while (n > 0 && (*f == ' ' || *f == '\t'))
            f++, n--;
        while (n > 0 && (f[n - 1] == ' ' || f[n - 1] == '\t'))
            n--;
        r->hoff[i] = r->header.len;
        lcm_strbuf_add_z(&r->header, f, n);
    }
    r->nheader = r->n;
    if (!lcm_strbuf_ok(&r->header)) {
        r->status = lcm_err_set(r->err, LCM_NOMEM, "out of memory reading '%s'", r->name);
        return;
    }
    for (size_t i = 1; i < r->n; i++)
        for (size_t j = 0; j < i && *(r->header.buf + r->hoff[i]); j++)
            if (strcmp(r->header.buf + r->hoff[i], r->header.buf + r->hoff[j]) == 0) {
                r->status = lcm_err_set(r->err, LCM_PARSE,
                                        "%s:%ld:%zu: column '%s' given twice (also column %zu)",
                                        r->name, r->row_line ? r->row_line : r->line, i + 1,
                                        r->header.buf + r->hoff[i], j + 1);
                return;
            }
}

static void on_row(int c, void *p) {
    reader *r = p;
    (void)c;
    if (r->status == LCM_OK && r->n > 0 && r->row_index == 0)
        keep_header(r);
    /* A blank line gives a row with no fields: skip it, as spreadsheets do. */
    if (r->status == LCM_OK && r->n > 0) {
        for (size_t i = 0; i < r->n; i++)
            r->field[i] = r->data.buf + r->off[i];
        lcm_csv_row row = {r->field,     r->len, r->n, r->row_line ? r->row_line : r->line,
                           r->row_index, r->name};
        r->status = r->fn(r->ud, &row, r->err);
        r->row_index++;
    }
    lcm_strbuf_clear(&r->data);
    r->n = 0;
    r->row_line = 0;
}

/* 1 when a piece of a line holds anything but its line ending. */
static int has_content(const char *p, size_t n) {
    while (n > 0 && (p[n - 1] == '\n' || p[n - 1] == '\r'))
        n--;
    return n > 0;
}

static void parse_error(reader *r, struct csv_parser *parser, int at_end) {
    long line = r->row_line ? r->row_line : r->line;
    if (csv_error(parser) != CSV_EPARSE)
        r->status = lcm_err_set(r->err, LCM_PARSE, "%s:%ld: %s", r->name, r->line,
                                csv_strerror(csv_error(parser)));
    else if (at_end)
        r->status = lcm_err_set(r->err, LCM_PARSE,
                                "%s:%ld:%zu: file ends inside a quoted field (truncated file, or "
                                "an unbalanced quote)",
                                r->name, line, r->n + 1);
    else
        r->status = lcm_err_set(r->err, LCM_PARSE,
                                "%s:%ld:%zu: stray quote (a quote inside an unquoted field, or "
                                "text after a closing quote)",
                                r->name, r->line, r->n + 1);
}

/* Feed one piece of a physical line (ending with its '\n' when the line ends here). */
static void feed(reader *r, struct csv_parser *parser, const char *p, size_t n, int line_start) {
    if (line_start)
        r->line++;
    if (!r->row_line && has_content(p, n))
        r->row_line = r->line;
    if (csv_parse(parser, p, n, on_field, on_row, r) != n && r->status == LCM_OK)
        parse_error(r, parser, 0);
    /* libcsv grows its field buffer by blk_size bytes at a time (128): a long field would
     * cost a realloc per 128 bytes, quadratic where realloc copies. Growing by the current
     * size makes it geometric. */
    if (parser->entry_size > parser->blk_size)
        parser->blk_size = parser->entry_size;
    else if (r->status == LCM_OK && parser->entry_pos > r->max_field)
        r->status =
            lcm_err_set(r->err, LCM_PARSE, "%s:%ld:%zu: field longer than %zu bytes", r->name,
                        r->row_line ? r->row_line : r->line, r->n + 1, r->max_field);
}

static void feed_stream(reader *r, struct csv_parser *parser, FILE *fp, char *buf) {
    int line_start = 1, first = 1;
    size_t got;
    while (r->status == LCM_OK && (got = fread(buf, 1, CHUNK, fp)) > 0) {
        const char *p = buf;
        if (first && got >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
            p += 3, got -= 3;
        first = 0;
        while (got > 0 && r->status == LCM_OK) {
            const char *nl = memchr(p, '\n', got);
            size_t seg = nl ? (size_t)(nl - p) + 1 : got;
            feed(r, parser, p, seg, line_start);
            line_start = nl != NULL;
            p += seg, got -= seg;
        }
    }
}

lcm_status lcm_csv_read_opts(FILE *fp, const char *name, const lcm_csv_opts *opts,
                             lcm_csv_row_fn fn, void *ud, lcm_err *err) {
    struct csv_parser parser;
    int parser_ready = 0;
    char *buf = NULL;
    reader r = {fn,   ud,   err,  LCM_OK, name, LCM_CSV_MAX_FIELD, 0,    0, 0, 0, LCM_STRBUF_INIT,
                NULL, NULL, NULL, 0,      0,    LCM_STRBUF_INIT,   NULL, 0};
    if (opts && opts->max_field)
        r.max_field = opts->max_field;
    r.utf8_checked = opts && opts->utf8_checked;
    if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0 || !(buf = malloc(CHUNK))) {
        r.status = lcm_err_set(err, LCM_NOMEM, "out of memory reading '%s'", name);
        goto cleanup;
    }
    parser_ready = 1;
    if (opts && opts->delim)
        csv_set_delim(&parser, opts->delim);
    feed_stream(&r, &parser, fp, buf);
    if (r.status == LCM_OK && ferror(fp))
        r.status = lcm_err_set(err, LCM_IO, "cannot read '%s': %s", name, strerror(errno));
    if (r.status == LCM_OK && csv_fini(&parser, on_field, on_row, &r) != 0 && r.status == LCM_OK)
        parse_error(&r, &parser, 1);
cleanup:
    lcm_strbuf_release(&r.data);
    lcm_strbuf_release(&r.header);
    free(r.hoff);
    free(r.off);
    free(r.len);
    free(r.field);
    free(buf);
    if (parser_ready)
        csv_free(&parser);
    return r.status;
}

lcm_status lcm_csv_read_stream(FILE *fp, const char *name, lcm_csv_row_fn fn, void *ud,
                               lcm_err *err) {
    return lcm_csv_read_opts(fp, name, NULL, fn, ud, err);
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
