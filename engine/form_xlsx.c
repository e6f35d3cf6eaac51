/*
 * form_xlsx.c - an XLSForm workbook (.xlsx) read directly: the zip through libzip, its XML
 * parts through expat (Debian packages no C xlsx reader). xl/workbook.xml and its
 * relationships find the sheets named survey, choices, settings and entities;
 * xl/sharedStrings.xml gives the shared strings (rich-text runs joined, phonetic runs left
 * out); each sheet's cells are placed by their reference ("C7"), so gaps stay gaps, and the
 * sheet is handed to the CSV reader of the form folder as a CSV text. Problems name
 * "FILE.xlsx:SHEET:ROW:COLUMN" (the row of the sheet, the column counted from 1).
 *
 * Bounds: each zip member at most 64 MiB uncompressed and 128 MiB in all (counted while
 * inflating, not trusted from the zip's directory), at most 1,000,000 cells, each sheet at
 * most LCM__FORM_MAX_FILE as CSV (counted as cells are read, since one shared string may be
 * named by every cell); a DOCTYPE (entity expansion) is refused.
 */
#include "form_int.h"
#include "strbuf.h"

#include <errno.h>
#include <stdarg.h>
#include <expat.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zip.h>

#define XLSX_MAX_MEMBER (64u << 20)
#define XLSX_MAX_TOTAL (128u << 20)
#define XLSX_MAX_CELLS 1000000u
#define XLSX_MAX_COL 16384L
#define XLSX_MAX_ROW 1048576L

/* The sheets a form has, in the order of lcm__form_check_full's texts. */
static const char *const sheet_names[4] = {"survey", "choices", "settings", "entities"};
static const char *const csv_names[4] = {"survey.csv", "choices.csv", "settings.csv",
                                         "entities.csv"};

typedef struct {
    long row, col;
    char *text;
} cell;

typedef struct {
    long phys, row; /* CSV line phys starts sheet row `row` */
} linemark;

typedef struct {
    const char *file; /* for messages */
    zip_t *zip;
    size_t total; /* bytes inflated so far */
    size_t ncells;
    size_t sheet_bytes; /* text of the sheet's cells so far */
    lcm_err *err;
    lcm_status st;
    XML_Parser parser;
    const char *member;
    /* workbook.xml and its rels */
    char *rid[4], *target[4];
    /* shared strings */
    char **shared;
    size_t nshared, capshared;
    /* the cell or string being read */
    lcm_strbuf text;
    int in_text, in_phonetic, in_value, in_inline;
    /* a sheet */
    const char *sheet;
    cell *cells;
    size_t n, cap;
    long row, col;
    char type[16];
} book;

static const char *local(const XML_Char *name) {
    const char *c = strrchr(name, ':');
    return c ? c + 1 : name;
}

static const char *attr(const XML_Char **atts, const char *name, int prefixed) {
    for (size_t i = 0; atts[i]; i += 2) {
        int has_prefix = strchr(atts[i], ':') != NULL;
        if (strcmp(local(atts[i]), name) == 0 && has_prefix == prefixed)
            return atts[i + 1];
    }
    return NULL;
}

static void stop(book *b, lcm_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void stop(book *b, lcm_status st, const char *fmt, ...) {
    if (b->st != LCM_OK)
        return;
    va_list ap;
    va_start(ap, fmt);
    b->err->status = st;
    vsnprintf(b->err->msg, sizeof b->err->msg, fmt, ap);
    va_end(ap);
    b->st = st;
    if (b->parser)
        XML_StopParser(b->parser, XML_FALSE);
}

static void XMLCALL no_doctype(void *ud, const XML_Char *name, const XML_Char *sys,
                               const XML_Char *pub, int internal) {
    (void)name, (void)sys, (void)pub, (void)internal;
    book *b = ud;
    stop(b, LCM_PARSE, "%s: %s has a DOCTYPE, which no workbook has (refused)", b->file, b->member);
}

static void XMLCALL on_chars(void *ud, const XML_Char *s, int len) {
    book *b = ud;
    if ((b->in_text && !b->in_phonetic) || b->in_value)
        lcm_strbuf_add(&b->text, s, (size_t)len);
}

/* The text collected, with OOXML's _xHHHH_ escapes decoded (as UTF-8); malloc'd. */
static char *take_text(book *b) {
    const char *s = b->text.buf;
    size_t n = b->text.len;
    lcm_strbuf out;
    lcm_strbuf_init(&out);
    for (size_t i = 0; i < n; i++) {
        unsigned v = 0;
        if (s[i] == '_' && i + 6 < n && s[i + 1] == 'x' && s[i + 6] == '_' &&
            sscanf(s + i + 2, "%4x", &v) == 1 && strspn(s + i + 2, "0123456789abcdefABCDEF") >= 4) {
            char u[4];
            size_t k = 0;
            if (v < 0x80)
                u[k++] = (char)v;
            else if (v < 0x800)
                u[k++] = (char)(0xc0 | v >> 6), u[k++] = (char)(0x80 | (v & 0x3f));
            else
                u[k++] = (char)(0xe0 | v >> 12), u[k++] = (char)(0x80 | ((v >> 6) & 0x3f)),
                u[k++] = (char)(0x80 | (v & 0x3f));
            if (v) /* a NUL would cut the text */
                lcm_strbuf_add(&out, u, k);
            i += 6;
        } else
            lcm_strbuf_addc(&out, s[i]);
    }
    lcm_strbuf_clear(&b->text);
    if (!lcm_strbuf_ok(&out)) {
        lcm_strbuf_release(&out);
        return NULL;
    }
    char *r = lcm_strbuf_detach(&out);
    return r ? r : strdup("");
}

/* ---- xl/workbook.xml and xl/_rels/workbook.xml.rels ------------------------------------ */

static void XMLCALL wb_start(void *ud, const XML_Char *name, const XML_Char **atts) {
    book *b = ud;
    if (strcmp(local(name), "sheet") != 0)
        return;
    const char *n = attr(atts, "name", 0), *id = attr(atts, "id", 1);
    for (int i = 0; i < 4 && n && id; i++)
        if (strcasecmp(n, sheet_names[i]) == 0 && !b->rid[i] && !(b->rid[i] = strdup(id)))
            stop(b, LCM_NOMEM, "out of memory reading %s", b->file);
}

static void XMLCALL rels_start(void *ud, const XML_Char *name, const XML_Char **atts) {
    book *b = ud;
    if (strcmp(local(name), "Relationship") != 0)
        return;
    const char *id = attr(atts, "Id", 0), *t = attr(atts, "Target", 0);
    for (int i = 0; i < 4 && id && t; i++)
        if (b->rid[i] && !b->target[i] && strcmp(b->rid[i], id) == 0) {
            char buf[1024];
            snprintf(buf, sizeof buf, "%s%s", t[0] == '/' ? "" : "xl/", t[0] == '/' ? t + 1 : t);
            if (!(b->target[i] = strdup(buf)))
                stop(b, LCM_NOMEM, "out of memory reading %s", b->file);
        }
}

/* ---- xl/sharedStrings.xml -------------------------------------------------------------- */

static void XMLCALL ss_start(void *ud, const XML_Char *name, const XML_Char **atts) {
    (void)atts;
    book *b = ud;
    const char *n = local(name);
    if (strcmp(n, "si") == 0)
        lcm_strbuf_clear(&b->text);
    else if (strcmp(n, "rPh") == 0)
        b->in_phonetic++;
    else if (strcmp(n, "t") == 0)
        b->in_text = 1;
}

static void XMLCALL ss_end(void *ud, const XML_Char *name) {
    book *b = ud;
    const char *n = local(name);
    if (strcmp(n, "rPh") == 0)
        b->in_phonetic--;
    else if (strcmp(n, "t") == 0)
        b->in_text = 0;
    else if (strcmp(n, "si") == 0) {
        if (b->nshared >= XLSX_MAX_CELLS) {
            stop(b, LCM_PARSE, "%s: more than %u shared strings", b->file, XLSX_MAX_CELLS);
            return;
        }
        if (b->nshared == b->capshared) {
            size_t cap = b->capshared ? b->capshared * 2 : 256;
            char **s = realloc(b->shared, cap * sizeof *s);
            if (!s) {
                stop(b, LCM_NOMEM, "out of memory reading %s", b->file);
                return;
            }
            b->shared = s, b->capshared = cap;
        }
        if (!(b->shared[b->nshared] = take_text(b))) {
            stop(b, LCM_NOMEM, "out of memory reading %s", b->file);
            return;
        }
        b->nshared++;
    }
}

/* ---- a worksheet ----------------------------------------------------------------------- */

/* "C7" into column 3, row 7; 0 when not a cell reference. */
static int parse_ref(const char *r, long *row, long *col) {
    long c = 0, w = 0;
    for (; *r >= 'A' && *r <= 'Z'; r++)
        if ((c = c * 26 + (*r - 'A' + 1)) > XLSX_MAX_COL)
            return 0;
    if (!c || *r < '1' || *r > '9')
        return 0;
    for (; *r >= '0' && *r <= '9'; r++)
        if ((w = w * 10 + (*r - '0')) > XLSX_MAX_ROW)
            return 0;
    if (*r)
        return 0;
    *row = w, *col = c;
    return 1;
}

static void col_letters(long col, char out[8]) {
    char tmp[8];
    int k = 0;
    for (; col > 0 && k < 7; col = (col - 1) / 26)
        tmp[k++] = (char)('A' + (col - 1) % 26);
    for (int i = 0; i < k; i++)
        out[i] = tmp[k - 1 - i];
    out[k] = '\0';
}

static void XMLCALL sh_start(void *ud, const XML_Char *name, const XML_Char **atts) {
    book *b = ud;
    const char *n = local(name);
    if (strcmp(n, "row") == 0) {
        const char *r = attr(atts, "r", 0);
        char *end;
        long v = r ? strtol(r, &end, 10) : b->row + 1;
        if (r && (*end || v < 1 || v > XLSX_MAX_ROW)) {
            stop(b, LCM_PARSE, "%s:%s: row number '%.40s' is not one", b->file, b->sheet, r);
            return;
        }
        b->row = v, b->col = 0;
    } else if (strcmp(n, "c") == 0) {
        const char *r = attr(atts, "r", 0), *t = attr(atts, "t", 0);
        long row = b->row ? b->row : 1, col = b->col + 1;
        if (r && !parse_ref(r, &row, &col)) {
            stop(b, LCM_PARSE, "%s:%s:%ld: cell reference '%.40s' is not one", b->file, b->sheet,
                 b->row, r);
            return;
        }
        if (col > XLSX_MAX_COL) {
            stop(b, LCM_PARSE, "%s:%s:%ld: more than %ld columns", b->file, b->sheet, row,
                 XLSX_MAX_COL);
            return;
        }
        b->row = row, b->col = col;
        snprintf(b->type, sizeof b->type, "%s", t ? t : "n");
        lcm_strbuf_clear(&b->text);
    } else if (strcmp(n, "v") == 0)
        b->in_value = 1;
    else if (strcmp(n, "is") == 0)
        b->in_inline = 1;
    else if (strcmp(n, "rPh") == 0)
        b->in_phonetic++;
    else if (strcmp(n, "t") == 0 && b->in_inline)
        b->in_text = 1;
}

/* A number as pyxform writes it: an integer without ".0", else the shortest text that reads
 * back as the same double. */
static char *number(const char *v) {
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    while (*end == ' ')
        end++;
    if (*end || !*v || d != d)
        return strdup(v); /* not a number: as written */
    char buf[64];
    if (d == (double)(long long)d && d > -1e15 && d < 1e15)
        snprintf(buf, sizeof buf, "%lld", (long long)d);
    else
        for (int p = 15; p <= 17; p++) {
            snprintf(buf, sizeof buf, "%.*g", p, d);
            if (strtod(buf, NULL) == d)
                break;
        }
    return strdup(buf);
}

static void end_cell(book *b) {
    char *raw = take_text(b);
    if (!raw) {
        stop(b, LCM_NOMEM, "out of memory reading %s", b->file);
        return;
    }
    char *text = NULL;
    char ref[8];
    col_letters(b->col, ref);
    if (strcmp(b->type, "s") == 0) {
        char *end;
        long i = strtol(raw, &end, 10);
        if (!*raw || *end || i < 0 || (size_t)i >= b->nshared) {
            stop(b, LCM_PARSE,
                 "%s:%s:%ld:%ld: cell %s%ld names shared string '%.20s', but the workbook has %zu",
                 b->file, b->sheet, b->row, b->col, ref, b->row, raw, b->nshared);
            free(raw);
            return;
        }
        text = strdup(b->shared[i]);
        free(raw);
    } else if (strcmp(b->type, "b") == 0) {
        text = strdup(strcmp(raw, "1") == 0 ? "TRUE" : strcmp(raw, "0") == 0 ? "FALSE" : raw);
        free(raw);
    } else if (strcmp(b->type, "n") == 0 && *raw) {
        text = number(raw);
        free(raw);
    } else
        text = raw; /* inlineStr, str (a formula's text), e (an error such as #N/A), d */
    if (!text) {
        stop(b, LCM_NOMEM, "out of memory reading %s", b->file);
        return;
    }
    if (!*text) {
        free(text);
        return;
    }
    /* shared strings are stored once and may be named by every cell: bound what they make */
    if ((b->sheet_bytes += strlen(text) + 1) > LCM__FORM_MAX_FILE) {
        free(text);
        stop(b, LCM_PARSE, "%s:%s: sheet larger than 16 MiB as CSV (refused)", b->file, b->sheet);
        return;
    }
    if (++b->ncells > XLSX_MAX_CELLS) {
        free(text);
        {
            stop(b, LCM_PARSE, "%s: more than %u cells (refused)", b->file, XLSX_MAX_CELLS);
            return;
        }
    }
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        cell *c = realloc(b->cells, cap * sizeof *c);
        if (!c) {
            free(text);
            {
                stop(b, LCM_NOMEM, "out of memory reading %s", b->file);
                return;
            }
        }
        b->cells = c, b->cap = cap;
    }
    b->cells[b->n++] = (cell){b->row, b->col, text};
}

static void XMLCALL sh_end(void *ud, const XML_Char *name) {
    book *b = ud;
    const char *n = local(name);
    if (strcmp(n, "c") == 0) {
        end_cell(b);
        b->in_value = b->in_inline = b->in_text = 0;
    } else if (strcmp(n, "v") == 0)
        b->in_value = 0;
    else if (strcmp(n, "is") == 0)
        b->in_inline = 0;
    else if (strcmp(n, "rPh") == 0)
        b->in_phonetic--;
    else if (strcmp(n, "t") == 0)
        b->in_text = 0;
}

/* ---- zip members through expat --------------------------------------------------------- */

/* Parse member with the handlers given; *found = 0 when it is absent (and optional). */
static lcm_status parse_member(book *b, const char *member, int optional, XML_StartElementHandler s,
                               XML_EndElementHandler e, int *found) {
    *found = 0;
    if (zip_name_locate(b->zip, member, 0) < 0) {
        if (optional)
            return LCM_OK;
        return lcm_err_set(b->err, LCM_PARSE, "%s: not an XLSForm workbook: no %s in the zip",
                           b->file, member);
    }
    *found = 1;
    zip_file_t *zf = zip_fopen(b->zip, member, 0);
    if (!zf)
        return lcm_err_set(b->err, LCM_PARSE, "%s: cannot open %s: %s", b->file, member,
                           zip_strerror(b->zip));
    XML_Parser p = XML_ParserCreate("UTF-8");
    if (!p) {
        zip_fclose(zf);
        return lcm_err_set(b->err, LCM_NOMEM, "out of memory reading %s", b->file);
    }
    b->parser = p, b->member = member, b->st = LCM_OK;
    XML_SetUserData(p, b);
    XML_SetElementHandler(p, s, e);
    XML_SetCharacterDataHandler(p, on_chars);
    XML_SetStartDoctypeDeclHandler(p, no_doctype);
    b->in_text = b->in_phonetic = b->in_value = b->in_inline = 0;
    size_t size = 0;
    char *buf = malloc(1 << 16);
    if (!buf)
        stop(b, LCM_NOMEM, "out of memory reading %s", b->file);
    while (buf) {
        zip_int64_t got = zip_fread(zf, buf, 1 << 16);
        if (got < 0) {
            stop(b, LCM_PARSE, "%s: cannot read %s (a damaged zip): %s", b->file, member,
                 zip_file_strerror(zf));
            break;
        }
        size += (size_t)got, b->total += (size_t)got;
        if (size > XLSX_MAX_MEMBER || b->total > XLSX_MAX_TOTAL) {
            stop(b, LCM_PARSE, "%s: %s inflates to more than %u MiB (refused)", b->file,
                 size > XLSX_MAX_MEMBER ? member : "the workbook",
                 (size > XLSX_MAX_MEMBER ? XLSX_MAX_MEMBER : XLSX_MAX_TOTAL) >> 20);
            break;
        }
        if (XML_Parse(p, buf, (int)got, got == 0) == XML_STATUS_ERROR) {
            if (b->st == LCM_OK)
                stop(b, LCM_PARSE, "%s: %s:%lu:%lu: not well-formed XML: %s", b->file, member,
                     (unsigned long)XML_GetCurrentLineNumber(p),
                     (unsigned long)XML_GetCurrentColumnNumber(p) + 1,
                     XML_ErrorString(XML_GetErrorCode(p)));
            break;
        }
        if (got == 0 || b->st != LCM_OK)
            break;
    }
    free(buf);
    b->parser = NULL;
    XML_ParserFree(p);
    zip_fclose(zf);
    return b->st;
}

static int by_cell(const void *x, const void *y) {
    const cell *a = x, *c = y;
    if (a->row != c->row)
        return a->row < c->row ? -1 : 1;
    return a->col < c->col ? -1 : a->col > c->col;
}

/* The cells of b as a CSV text, and where each of its lines starts in the sheet. */
static lcm_status to_csv(book *b, char **out, linemark **marks, size_t *nmarks) {
    qsort(b->cells, b->n, sizeof *b->cells, by_cell);
    lcm_strbuf sb;
    lcm_strbuf_init(&sb);
    linemark *m = calloc(b->n + 1, sizeof *m);
    size_t nm = 0;
    long phys = 1;
    if (!m)
        return lcm_err_set(b->err, LCM_NOMEM, "out of memory reading %s", b->file);
    for (size_t i = 0; i < b->n; i++) {
        const cell *c = &b->cells[i];
        char ref[8];
        col_letters(c->col, ref);
        if (i && c->row == b->cells[i - 1].row && c->col == b->cells[i - 1].col) {
            free(m), lcm_strbuf_release(&sb);
            return lcm_err_set(b->err, LCM_PARSE, "%s:%s:%ld:%ld: cell %s%ld appears twice",
                               b->file, b->sheet, c->row, c->col, ref, c->row);
        }
        long from = 1;
        if (i && c->row == b->cells[i - 1].row)
            from = b->cells[i - 1].col;
        else {
            /* one line per row, empty rows too, so lines are rows until a cell spans lines */
            for (long r = i ? b->cells[i - 1].row : 1; r < c->row; r++)
                lcm_strbuf_addc(&sb, '\n'), phys++;
            m[nm++] = (linemark){phys, c->row};
        }
        for (long k = from; k < c->col; k++)
            lcm_strbuf_addc(&sb, ',');
        if (strpbrk(c->text, ",\"\r\n")) {
            lcm_strbuf_addc(&sb, '"');
            for (const char *p = c->text; *p; p++) {
                if (*p == '"')
                    lcm_strbuf_addc(&sb, '"');
                if (*p == '\n')
                    phys++;
                lcm_strbuf_addc(&sb, *p);
            }
            lcm_strbuf_addc(&sb, '"');
        } else
            lcm_strbuf_adds(&sb, c->text);
        if (sb.len > LCM__FORM_MAX_FILE) {
            free(m), lcm_strbuf_release(&sb);
            return lcm_err_set(b->err, LCM_PARSE, "%s:%s: sheet larger than 16 MiB as CSV", b->file,
                               b->sheet);
        }
    }
    lcm_strbuf_addc(&sb, '\n');
    if (!lcm_strbuf_ok(&sb)) {
        free(m), lcm_strbuf_release(&sb);
        return lcm_err_set(b->err, LCM_NOMEM, "out of memory reading %s", b->file);
    }
    *out = lcm_strbuf_detach(&sb);
    *marks = m, *nmarks = nm;
    return *out ? LCM_OK : lcm_err_set(b->err, LCM_NOMEM, "out of memory reading %s", b->file);
}

static void free_cells(book *b) {
    for (size_t i = 0; i < b->n; i++)
        free(b->cells[i].text);
    free(b->cells);
    b->cells = NULL, b->n = b->cap = 0;
}

static void free_book(book *b) {
    for (int i = 0; i < 4; i++)
        free(b->rid[i]), free(b->target[i]);
    for (size_t i = 0; i < b->nshared; i++)
        free(b->shared[i]);
    free(b->shared);
    free_cells(b);
    lcm_strbuf_release(&b->text);
    if (b->zip)
        zip_discard(b->zip);
}

/* A problem of the CSV reader named as the sheet's: "survey.csv:L:C: …" becomes
 * "FILE:survey:ROW:C: …"; other messages (the form folder's data files) get dir/. */
static char *rename_problem(const char *msg, const char *file, const char *dir,
                            linemark *const marks[4], const size_t nmarks[4]) {
    char buf[sizeof((lcm_err *)0)->msg + 1024];
    for (int i = 0; i < 4; i++) {
        size_t k = strlen(csv_names[i]);
        if (strncmp(msg, csv_names[i], k) != 0 || (msg[k] != ':' && msg[k] != '\0'))
            continue;
        const char *rest = msg + k;
        char *end;
        long line = rest[0] == ':' ? strtol(rest + 1, &end, 10) : 0;
        if (line > 0 && end != rest + 1) {
            long row = line;
            for (size_t j = 0; j < nmarks[i] && marks[i][j].phys <= line; j++)
                row = marks[i][j].row;
            snprintf(buf, sizeof buf, "%s:%s:%ld%s", file, sheet_names[i], row, end);
        } else
            snprintf(buf, sizeof buf, "%s:%s%s", file, sheet_names[i], rest);
        return strdup(buf);
    }
    if (strncmp(msg, "…", 3) == 0)
        return strdup(msg);
    if (dir)
        snprintf(buf, sizeof buf, "%s/%s", dir, msg);
    else
        snprintf(buf, sizeof buf, "%s: %s", file, msg);
    return strdup(buf);
}

static lcm_status check_book(zip_source_t *src, const char *file, const char *dir,
                             const char *default_id, lcm_form **out, char ***problems,
                             lcm_err *err) {
    *out = NULL;
    if (problems)
        *problems = NULL;
    book b = {.file = file, .err = err, .st = LCM_OK};
    lcm_strbuf_init(&b.text);
    zip_error_t ze;
    zip_error_init(&ze);
    if (!(b.zip = zip_open_from_source(src, ZIP_RDONLY, &ze))) {
        zip_source_free(src);
        lcm_status st = lcm_err_set(err, LCM_PARSE, "%s: not an .xlsx workbook (zip: %s)", file,
                                    zip_error_strerror(&ze));
        zip_error_fini(&ze);
        return st;
    }
    zip_error_fini(&ze);
    char *text[4] = {NULL, NULL, NULL, NULL};
    linemark *marks[4] = {NULL, NULL, NULL, NULL};
    size_t nmarks[4] = {0, 0, 0, 0};
    int found;
    lcm_status st = parse_member(&b, "xl/workbook.xml", 0, wb_start, NULL, &found);
    if (st == LCM_OK && !b.rid[0])
        st = lcm_err_set(err, LCM_PARSE, "%s: the workbook has no sheet named 'survey'", file);
    if (st == LCM_OK)
        st = parse_member(&b, "xl/_rels/workbook.xml.rels", 0, rels_start, NULL, &found);
    if (st == LCM_OK)
        st = parse_member(&b, "xl/sharedStrings.xml", 1, ss_start, ss_end, &found);
    for (int i = 0; i < 4 && st == LCM_OK; i++) {
        if (!b.rid[i])
            continue;
        if (!b.target[i]) {
            st = lcm_err_set(err, LCM_PARSE, "%s: sheet '%s' has no part in the workbook", file,
                             sheet_names[i]);
            break;
        }
        b.sheet = sheet_names[i], b.row = b.col = 0, b.sheet_bytes = 0;
        st = parse_member(&b, b.target[i], 0, sh_start, sh_end, &found);
        if (st == LCM_OK)
            st = to_csv(&b, &text[i], &marks[i], &nmarks[i]);
        free_cells(&b);
    }
    free_book(&b);
    if (st == LCM_OK) {
        st = lcm__form_check_full(text, default_id, dir, NULL, NULL, 0, out, problems, err);
        if (st != LCM_OK && err) {
            char *m = rename_problem(err->msg, file, dir, marks, nmarks);
            if (m)
                snprintf(err->msg, sizeof err->msg, "%s", m);
            free(m);
        }
        for (size_t i = 0; problems && *problems && (*problems)[i]; i++) {
            char *m = rename_problem((*problems)[i], file, dir, marks, nmarks);
            if (m)
                free((*problems)[i]), (*problems)[i] = m;
        }
    }
    for (int i = 0; i < 4; i++)
        free(text[i]), free(marks[i]);
    return st;
}

int lcm_form_is_xlsx(const char *path) {
    size_t n = strlen(path);
    return n > 5 && strcasecmp(path + n - 5, ".xlsx") == 0;
}

lcm_status lcm_form_check_xlsx_buffer(const void *data, size_t size, const char *name,
                                      lcm_form **out, char ***problems, lcm_err *err) {
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, size, 0, &ze);
    zip_error_fini(&ze);
    if (!src)
        return lcm_err_set(err, LCM_NOMEM, "out of memory reading %s", name);
    return check_book(src, name, NULL, NULL, out, problems, err);
}

lcm_status lcm__form_check_xlsx(const char *path, lcm_form **out, char ***problems, lcm_err *err) {
    *out = NULL;
    if (problems)
        *problems = NULL;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return lcm_err_set(err, errno == ENOENT ? LCM_NOTFOUND : LCM_IO, "cannot open '%s': %s",
                           path, strerror(errno));
    fclose(fp);
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_file_create(path, 0, -1, &ze);
    zip_error_fini(&ze);
    if (!src)
        return lcm_err_set(err, LCM_IO, "cannot open '%s'", path);
    /* pyxform names a form without form_id after its file; data files sit beside it. */
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    char id[1024], dir[4096];
    snprintf(id, sizeof id, "%.*s", (int)(strlen(base) - 5), base);
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
    if (slash == path)
        snprintf(dir, sizeof dir, "/");
    return check_book(src, path, dir, id, out, problems, err);
}
