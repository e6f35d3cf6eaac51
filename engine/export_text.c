/*
 * export_text.c - CSV (RFC 4180, UTF-8, optional BOM for Excel, formula cells guarded: see
 * export.h) and JSON (an array of objects, one per row) writers over an export source.
 */
#include "export_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void lcm__exp_number(double v, char *buf, size_t cap) {
    snprintf(buf, cap, "%.15g", v);
    if (strtod(buf, NULL) != v)
        snprintf(buf, cap, "%.17g", v);
}

/* A cell as text: integers exactly, reals round-trip, text as stored; NULL -> NULL. */
static const char *cell_text(sqlite3_stmt *st, int i, char *buf, size_t cap) {
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_NULL:
        return NULL;
    case SQLITE_INTEGER:
        snprintf(buf, cap, "%lld", (long long)sqlite3_column_int64(st, i));
        return buf;
    case SQLITE_FLOAT:
        lcm__exp_number(sqlite3_column_double(st, i), buf, cap);
        return buf;
    default:
        return (const char *)sqlite3_column_text(st, i);
    }
}

/* A plain decimal number: [+-] digits [. digits] [e [+-] digits], at least one digit. */
static int decimal(const char *s) {
    size_t digits = 0;
    s += *s == '+' || *s == '-';
    for (; *s >= '0' && *s <= '9'; s++)
        digits++;
    if (*s == '.')
        for (s++; *s >= '0' && *s <= '9'; s++)
            digits++;
    if (!digits)
        return 0;
    if (*s == 'e' || *s == 'E') {
        s++;
        s += *s == '+' || *s == '-';
        if (*s < '0' || *s > '9')
            return 0;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    return *s == '\0';
}

static int trigger(char c) {
    return c && strchr("=+-@\t\r", c) != NULL;
}

int lcm_csv_cell_guarded(const char *s) {
    const char *p = s;
    while (*p == '\'')
        p++;
    return trigger(*p) && !decimal(s);
}

size_t lcm_csv_cell_unguard(char *s, size_t n) {
    size_t q = 0;
    while (q < n && s[q] == '\'')
        q++;
    if (q == 0 || q == n || !trigger(s[q]))
        return n;
    memmove(s, s + 1, n); /* with the terminating NUL */
    return n - 1;
}

static void csv_field(FILE *fp, const char *s, int guard) {
    if (!strpbrk(s, ",\"\r\n") && s[0] != ' ' && (!*s || s[strlen(s) - 1] != ' ')) {
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

static lcm_status finish_stream(FILE *fp, int step, sqlite3_stmt *st, lcm_err *err) {
    if (step != SQLITE_DONE)
        return lcm_err_set(err, LCM_DB, "cannot read rows to export: %s",
                           sqlite3_errmsg(sqlite3_db_handle(st)));
    if (fflush(fp) != 0 || ferror(fp))
        return lcm_err_set(err, LCM_IO, "cannot write the export: %s", strerror(errno));
    return LCM_OK;
}

void lcm__exp_csv_field(FILE *fp, const char *s) {
    csv_field(fp, s, lcm_csv_cell_guarded(s));
}

lcm_status lcm__exp_csv(const lcm__exp_src *src, FILE *fp, int bom, lcm_err *err) {
    char buf[64];
    int step;
    if (bom)
        fputs("\xEF\xBB\xBF", fp);
    for (size_t i = 0; i < src->ncols; i++) {
        if (i)
            fputc(',', fp);
        lcm__exp_csv_field(fp, src->cols[i].name);
    }
    fputs("\r\n", fp);
    while ((step = sqlite3_step(src->rows)) == SQLITE_ROW) {
        for (size_t i = 0; i < src->ncols; i++) {
            const char *v = cell_text(src->rows, (int)i, buf, sizeof buf);
            if (i)
                fputc(',', fp);
            if (v)
                csv_field(fp, v, !src->unguarded && lcm_csv_cell_guarded(v));
        }
        fputs("\r\n", fp);
    }
    return finish_stream(fp, step, src->rows, err);
}

void lcm__exp_json_string(FILE *fp, const char *s) {
    fputc('"', fp);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(fp, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(fp, "\\u%04x", *p);
        else
            fputc(*p, fp);
    }
    fputc('"', fp);
}

lcm_status lcm__exp_json_rows(const lcm__exp_src *src, FILE *fp, const char *indent, lcm_err *err) {
    char buf[64];
    int step;
    long n = 0;
    fputc('[', fp);
    while ((step = sqlite3_step(src->rows)) == SQLITE_ROW) {
        fprintf(fp, "%s\n%s {", n++ ? "," : "", indent);
        for (size_t i = 0; i < src->ncols; i++) {
            const char *v = cell_text(src->rows, (int)i, buf, sizeof buf);
            fputs(i ? ", " : "", fp);
            lcm__exp_json_string(fp, src->cols[i].name);
            fputs(": ", fp);
            if (!v)
                fputs("null", fp);
            else if (sqlite3_column_type(src->rows, (int)i) == SQLITE_TEXT)
                lcm__exp_json_string(fp, v);
            else
                fputs(v, fp);
        }
        fputc('}', fp);
    }
    if (n)
        fprintf(fp, "\n%s", indent);
    fputc(']', fp);
    return finish_stream(fp, step, src->rows, err);
}

lcm_status lcm__exp_json(const lcm__exp_src *src, FILE *fp, lcm_err *err) {
    lcm_status st = lcm__exp_json_rows(src, fp, "", err);
    fputc('\n', fp);
    return st == LCM_OK ? finish_stream(fp, SQLITE_DONE, src->rows, err) : st;
}
