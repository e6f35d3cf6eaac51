/*
 * output.c - printing result rows as an aligned table, CSV or JSON.
 *
 * Tables are aligned by display width, not bytes: a Chinese character takes two terminal
 * columns, so padding by strlen() would shear every table with city names in it.
 */
#include "cli.h"
#include "export.h"
#include "strbuf.h"

#include <stdlib.h>
#include <string.h>

struct cli_rows {
    int ncols;
    char **names;
    int *numeric;
    char **cells; /* nrows * ncols, NULL = empty */
    size_t nrows, cap;
};

cli_rows *cli_rows_new(int ncols, const char *const *names, const int *numeric) {
    cli_rows *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->ncols = ncols;
    r->names = calloc((size_t)ncols, sizeof *r->names);
    r->numeric = calloc((size_t)ncols, sizeof *r->numeric);
    if (!r->names || !r->numeric)
        goto fail;
    for (int i = 0; i < ncols; i++) {
        if (!(r->names[i] = strdup(names[i])))
            goto fail;
        r->numeric[i] = numeric ? numeric[i] : 0;
    }
    return r;
fail:
    cli_rows_free(r);
    return NULL;
}

int cli_rows_add(cli_rows *r, const char *const *values) {
    if (r->nrows == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 64;
        char **cells = realloc(r->cells, cap * (size_t)r->ncols * sizeof *cells);
        if (!cells)
            return -1;
        r->cells = cells;
        r->cap = cap;
    }
    char **row = r->cells + r->nrows * (size_t)r->ncols;
    for (int i = 0; i < r->ncols; i++) {
        row[i] = values[i] ? strdup(values[i]) : NULL;
        if (values[i] && !row[i]) {
            while (i-- > 0)
                free(row[i]);
            return -1;
        }
    }
    r->nrows++;
    return 0;
}

void cli_rows_free(cli_rows *r) {
    if (!r)
        return;
    for (size_t i = 0; i < r->nrows * (size_t)r->ncols; i++)
        free(r->cells[i]);
    for (int i = 0; r->names && i < r->ncols; i++)
        free(r->names[i]);
    free(r->cells);
    free(r->names);
    free(r->numeric);
    free(r);
}

/* Wide characters: the East Asian Wide/Fullwidth blocks lcmon's texts use. */
static int is_wide(unsigned cp) {
    return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0x303E) ||
           (cp >= 0x3041 && cp <= 0x33FF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF) ||
           (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
           (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

size_t cli_display_width(const char *s) {
    const unsigned char *p = (const unsigned char *)s;
    size_t w = 0;
    while (*p) {
        unsigned cp = *p;
        int extra = cp >= 0xF0 ? 3 : cp >= 0xE0 ? 2 : cp >= 0xC0 ? 1 : 0;
        if (extra)
            cp &= 0x3F >> extra;
        p++;
        for (int i = 0; i < extra && (*p & 0xC0) == 0x80; i++, p++)
            cp = (cp << 6) | (*p & 0x3F);
        w += is_wide(cp) ? 2 : 1;
    }
    return w;
}

static const char *cell(const cli_rows *r, size_t row, int col) {
    const char *c = r->cells[row * (size_t)r->ncols + (size_t)col];
    return c ? c : "";
}

static void print_table(const cli_rows *r, FILE *fp) {
    size_t *width = calloc((size_t)r->ncols, sizeof *width);
    if (!width)
        return;
    for (int c = 0; c < r->ncols; c++) {
        width[c] = cli_display_width(r->names[c]);
        for (size_t i = 0; i < r->nrows; i++) {
            size_t w = cli_display_width(cell(r, i, c));
            if (w > width[c])
                width[c] = w;
        }
    }
    for (size_t i = 0; i <= r->nrows; i++) {
        for (int c = 0; c < r->ncols; c++) {
            const char *t = i == 0 ? r->names[c] : cell(r, i - 1, c);
            size_t pad = width[c] - cli_display_width(t);
            int last = c == r->ncols - 1;
            if (r->numeric[c] && i > 0)
                fprintf(fp, "%*s%s", (int)pad, "", t);
            else
                fprintf(fp, "%s%*s", t, last ? 0 : (int)pad, "");
            fputs(last ? "\n" : "  ", fp);
        }
    }
    free(width);
}

/* Quoted when needed; a cell a spreadsheet would take for a formula gets a leading '
 * (export.h: lcm_csv_cell_guarded), like the export's. */
static void csv_field(const char *s, FILE *fp) {
    int guard = lcm_csv_cell_guarded(s);
    if (!strpbrk(s, ",\"\r\n")) {
        if (guard)
            fputc('\'', fp);
        fputs(s, fp);
        return;
    }
    fputc('"', fp);
    if (guard)
        fputc('\'', fp);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', fp);
        fputc(*s, fp);
    }
    fputc('"', fp);
}

static void json_string(const char *s, FILE *fp) {
    fputc('"', fp);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            fputs("\\\"", fp);
            break;
        case '\\':
            fputs("\\\\", fp);
            break;
        case '\n':
            fputs("\\n", fp);
            break;
        case '\r':
            fputs("\\r", fp);
            break;
        case '\t':
            fputs("\\t", fp);
            break;
        default:
            if (*p < 0x20)
                fprintf(fp, "\\u%04x", *p);
            else
                fputc(*p, fp);
        }
    }
    fputc('"', fp);
}

int cli_rows_print(const cli_rows *r, cli_format fmt, FILE *fp) {
    if (fmt == CLI_TABLE) {
        print_table(r, fp);
    } else if (fmt == CLI_CSV) {
        for (size_t i = 0; i <= r->nrows; i++)
            for (int c = 0; c < r->ncols; c++) {
                csv_field(i == 0 ? r->names[c] : cell(r, i - 1, c), fp);
                fputc(c == r->ncols - 1 ? '\n' : ',', fp);
            }
    } else {
        fputs("[", fp);
        for (size_t i = 0; i < r->nrows; i++) {
            fputs(i ? ",\n {" : "\n {", fp);
            for (int c = 0; c < r->ncols; c++) {
                const char *v = r->cells[i * (size_t)r->ncols + (size_t)c];
                if (c)
                    fputs(", ", fp);
                json_string(r->names[c], fp);
                fputs(": ", fp);
                if (!v || !*v)
                    fputs("null", fp);
                else if (r->numeric[c])
                    fputs(v, fp);
                else
                    json_string(v, fp);
            }
            fputs("}", fp);
        }
        fputs(r->nrows ? "\n]\n" : "]\n", fp);
    }
    return ferror(fp) ? -1 : 0;
}
