/*
 * form_sheet.c - an XLSForm sheet (a CSV file) read whole into memory through csvin.
 *
 * Forms are small and read several times over (types first, expressions after all names
 * are known), so unlike imports they are materialised; the size is capped first.
 */
#include "csvin.h"
#include "form_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Copy of s[0..n) without surrounding blanks; NULL when out of memory. */
static char *trimmed(const char *s, size_t n) {
    while (n && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    return strndup(s, n);
}

static void free_cells(char **cells, size_t n) {
    for (size_t i = 0; cells && i < n; i++)
        free(cells[i]);
    free(cells);
}

static lcm_status add_row(lcm__sheet *sh, const lcm_csv_row *row, lcm_err *err) {
    int blank = 1;
    for (size_t i = 0; i < row->n && blank; i++)
        blank = strspn(row->field[i], " \t\r\n") == row->len[i];
    if (blank)
        return LCM_OK; /* spreadsheet exports are full of empty rows */
    if (row->n > sh->ncols)
        for (size_t i = sh->ncols; i < row->n; i++)
            if (row->len[i])
                return lcm_err_set(err, LCM_PARSE, "%s:%ld:%zu: value in a column with no header",
                                   sh->file, row->line, i + 1);
    if (sh->nrows == sh->cap) {
        size_t cap = sh->cap ? sh->cap * 2 : 64;
        char ***rows = realloc(sh->rows, cap * sizeof *rows);
        long *lines = rows ? realloc(sh->lines, cap * sizeof *lines) : NULL;
        if (rows)
            sh->rows = rows;
        if (lines)
            sh->lines = lines;
        if (!rows || !lines)
            return lcm_err_set(err, LCM_NOMEM, "out of memory reading %s", sh->file);
        sh->cap = cap;
    }
    char **cells = calloc(sh->ncols, sizeof *cells);
    for (size_t i = 0; cells && i < sh->ncols; i++)
        if (!(cells[i] = i < row->n ? trimmed(row->field[i], row->len[i]) : strdup(""))) {
            free_cells(cells, i);
            cells = NULL;
        }
    if (!cells)
        return lcm_err_set(err, LCM_NOMEM, "out of memory reading %s", sh->file);
    sh->rows[sh->nrows] = cells;
    sh->lines[sh->nrows++] = row->line;
    return LCM_OK;
}

static lcm_status on_row(void *ud, const lcm_csv_row *row, lcm_err *err) {
    lcm__sheet *sh = ud;
    if (sh->head)
        return add_row(sh, row, err);
    if (!(sh->head = calloc(row->n ? row->n : 1, sizeof *sh->head)))
        return lcm_err_set(err, LCM_NOMEM, "out of memory reading %s", sh->file);
    for (size_t i = 0; i < row->n; i++) {
        if (!(sh->head[i] = trimmed(row->field[i], row->len[i])))
            return lcm_err_set(err, LCM_NOMEM, "out of memory reading %s", sh->file);
        sh->ncols = i + 1;
        for (size_t j = 0; j < i; j++)
            if (sh->head[i][0] && strcasecmp(sh->head[j], sh->head[i]) == 0)
                return lcm_err_set(err, LCM_PARSE, "%s:%ld:%zu: column '%s' appears twice",
                                   sh->file, row->line, i + 1, sh->head[i]);
    }
    return LCM_OK;
}

lcm_status lcm__sheet_read(const char *text, const char *file, lcm__sheet *sh, lcm_err *err) {
    memset(sh, 0, sizeof *sh);
    sh->file = file;
    size_t n = strlen(text);
    if (n > LCM__FORM_MAX_FILE)
        return lcm_err_set(err, LCM_PARSE, "%s: larger than %u bytes", file, LCM__FORM_MAX_FILE);
    /* fmemopen refuses a zero-length buffer on some libcs: an empty file has no header. */
    if (n == 0)
        return lcm_err_set(err, LCM_PARSE, "%s:1: empty file (no header row)", file);
    FILE *fp = fmemopen((void *)text, n, "r");
    if (!fp)
        return lcm_err_set(err, LCM_NOMEM, "out of memory reading %s", file);
    lcm_status st = lcm_csv_read_stream(fp, file, on_row, sh, err);
    fclose(fp);
    if (st == LCM_OK && !sh->head)
        st = lcm_err_set(err, LCM_PARSE, "%s:1: empty file (no header row)", file);
    if (st != LCM_OK)
        lcm__sheet_free(sh);
    return st;
}

void lcm__sheet_free(lcm__sheet *sh) {
    for (size_t i = 0; i < sh->nrows; i++)
        free_cells(sh->rows[i], sh->ncols);
    free_cells(sh->head, sh->ncols);
    free(sh->rows);
    free(sh->lines);
    memset(sh, 0, sizeof *sh);
}

/* Header names compare without case, and a space matches '_' ("list name", "read only"
 * as pyxform reads them). */
static int same_header(const char *h, const char *name) {
    for (; *h && *name; h++, name++) {
        char a = *h >= 'A' && *h <= 'Z' ? (char)(*h - 'A' + 'a') : *h;
        char b = *name >= 'A' && *name <= 'Z' ? (char)(*name - 'A' + 'a') : *name;
        if (a != b && !((a == ' ' || a == '_') && (b == ' ' || b == '_')))
            return 0;
    }
    return *h == *name;
}

int lcm__sheet_col(const lcm__sheet *sh, const char *name) {
    for (size_t i = 0; i < sh->ncols; i++)
        if (same_header(sh->head[i], name))
            return (int)i;
    return -1;
}
