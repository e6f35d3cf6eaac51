/*
 * encoding.c - byte-order marks, strict UTF-8 checking and GB18030 conversion (iconv).
 *
 * Detection reads the whole file once (in 64 KiB chunks) because a GBK file can be plain
 * ASCII for thousands of rows before its first Chinese name; guessing from the first
 * chunk would fail half-way through an import. Conversion runs through a stdio cookie
 * stream, so csvin reads UTF-8 without knowing there was a conversion, and positions are
 * counted on the converted text so errors can say line:column.
 */
#define _GNU_SOURCE /* fopencookie */
#include "encoding.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CHUNK (64u << 10)

typedef struct textpos {
    long line; /* 1-based */
    long col;  /* characters already on the line; the next one is col + 1 */
} textpos;

static void pos_advance(textpos *p, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n')
            p->line++, p->col = 0;
        else if ((c & 0xC0) != 0x80)
            p->col++;
    }
}

int lcm_encoding_parse(const char *s, lcm_encoding *out) {
    static const struct {
        const char *name;
        lcm_encoding enc;
    } names[] = {{"auto", LCM_ENC_AUTO},   {"utf-8", LCM_ENC_UTF8},
                 {"utf8", LCM_ENC_UTF8},   {"gb18030", LCM_ENC_GB18030},
                 {"gbk", LCM_ENC_GB18030}, {"gb2312", LCM_ENC_GB18030}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcasecmp(s, names[i].name) == 0) {
            *out = names[i].enc;
            return 0;
        }
    return -1;
}

const char *lcm_encoding_name(lcm_encoding enc) {
    return enc == LCM_ENC_UTF8 ? "utf-8" : enc == LCM_ENC_GB18030 ? "gb18030" : "auto";
}

/* ---- strict UTF-8 scan ---- */

/* Length of the UTF-8 sequence at p (1-4), 0 if invalid, -1 if cut short by n. */
static int utf8_seq(const unsigned char *p, size_t n) {
    unsigned char c = p[0], lo = 0x80, hi = 0xBF;
    int k;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        k = 2;
    else if (c >= 0xE0 && c <= 0xEF)
        k = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF; /* overlong, surrogate */
    else if (c >= 0xF0 && c <= 0xF4)
        k = 4, lo = c == 0xF0 ? 0x90 : 0x80,
        hi = c == 0xF4 ? 0x8F : 0xBF; /* overlong, > U+10FFFF */
    else
        return 0;
    for (int i = 1; i < k; i++) {
        if ((size_t)i >= n)
            return -1;
        if (i == 1 ? p[1] < lo || p[1] > hi : (p[i] & 0xC0) != 0x80)
            return 0;
    }
    return k;
}

/* What a UTF-8 reading of a file found: bytes that start no valid character (the first of
 * them at `at`), and the valid multi-byte characters, those of 3 or 4 bytes apart. */
typedef struct utf8_scan {
    long bad, multi, long_multi;
    textpos at;
    unsigned byte;
} utf8_scan;

/* Read fp (from its start) to the end as UTF-8, counting into *sc. */
static lcm_status scan_utf8(FILE *fp, const char *name, utf8_scan *sc, lcm_err *err) {
    unsigned char *buf = malloc(CHUNK + 4);
    textpos pos = {1, 0};
    size_t keep = 0, got;
    int first = 1;
    memset(sc, 0, sizeof *sc);
    if (!buf)
        return lcm_err_set(err, LCM_NOMEM, "out of memory reading '%s'", name);
    do {
        got = fread(buf + keep, 1, CHUNK, fp);
        size_t n = keep + got, i = first && n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
        first = 0;
        while (i < n) {
            if (buf[i] < 0x80) { /* a run of ASCII, eight bytes at a time; count its lines */
                size_t j = i + 1;
                uint64_t w;
                while (j + 8 <= n && (memcpy(&w, buf + j, 8), !(w & 0x8080808080808080ULL)))
                    j += 8;
                while (j < n && buf[j] < 0x80)
                    j++;
                const unsigned char *p = buf + i, *nl;
                while ((nl = memchr(p, '\n', (size_t)(buf + j - p))) != NULL)
                    pos.line++, pos.col = 0, p = nl + 1;
                pos.col += (long)(buf + j - p);
                i = j;
                continue;
            }
            int k = utf8_seq(buf + i, n - i);
            if (k < 0 && got > 0)
                break;    /* a sequence cut by the chunk end: finish it with the next chunk */
            if (k <= 0) { /* a byte that starts no character: count it as one, go on */
                if (sc->bad++ == 0)
                    sc->at = pos, sc->byte = buf[i];
                pos.col++, i++;
            } else {
                sc->multi++, sc->long_multi += k >= 3;
                pos_advance(&pos, (const char *)buf + i, (size_t)k), i += (size_t)k;
            }
        }
        keep = n - i;
        memmove(buf, buf + i, keep);
    } while (got > 0);
    free(buf);
    if (ferror(fp))
        return lcm_err_set(err, LCM_IO, "cannot read '%s': %s", name, strerror(errno));
    return LCM_OK;
}

/* Text that is UTF-8 but for a few bytes (a Windows-1252 'é' pasted into it): its valid
 * 3- and 4-byte characters (all of Chinese) outnumber the bad bytes, or its multi-byte
 * characters outnumber them three times. GB18030 text read as UTF-8 gives the opposite:
 * over the household questionnaire, the framework and the fixtures turned into GB18030,
 * 0.01-0.04 valid 3-byte characters and 0.2-0.35 valid multi-byte ones per bad byte. */
static int utf8_shaped(const utf8_scan *sc) {
    return sc->long_multi > sc->bad || sc->multi > 3 * sc->bad;
}

/* ---- GB18030 -> UTF-8 conversion stream ---- */

typedef struct conv {
    FILE *src;
    iconv_t cd;
    const char *name;
    char *in;
    size_t in_off, in_len;
    int eof, failed;
    long long consumed; /* bytes of the file read */
    textpos pos;        /* position in the converted text */
    lcm_err err;
} conv;

static int refill(conv *c) {
    size_t left = c->in_len - c->in_off;
    memmove(c->in, c->in + c->in_off, left);
    c->in_off = 0;
    c->in_len = left;
    size_t got = fread(c->in + left, 1, CHUNK - left, c->src);
    c->in_len += got;
    c->consumed += (long long)got;
    if (got == 0 && ferror(c->src)) {
        c->failed = 1;
        lcm_err_set(&c->err, LCM_IO, "cannot read '%s': %s", c->name, strerror(errno));
        return -1;
    }
    c->eof = got == 0;
    return 0;
}

/* Record a conversion failure at the current position (pos must be up to date). */
static void conv_fail(conv *c) {
    const unsigned char *p = (const unsigned char *)c->in + c->in_off;
    size_t left = c->in_len - c->in_off;
    char bytes[32];
    snprintf(bytes, sizeof bytes, left > 1 ? "0x%02X 0x%02X" : "0x%02X", left ? p[0] : 0,
             left > 1 ? p[1] : 0);
    lcm_err_set(&c->err, LCM_PARSE, "%s:%ld:%ld: %s GB18030 (bytes %s)", c->name, c->pos.line,
                c->pos.col + 1, c->eof ? "file ends inside a character, not" : "not", bytes);
}

/* One iconv step; returns 1 to go on converting, 0 to hand back what is in out. */
static int conv_step(conv *c, char **o, size_t *room) {
    if (c->in_off == c->in_len) {
        if (c->eof)
            return 0;
        return refill(c) == 0;
    }
    char *ip = c->in + c->in_off;
    size_t il = c->in_len - c->in_off;
    size_t r = iconv(c->cd, &ip, &il, o, room);
    int e = errno;
    c->in_off = (size_t)(ip - c->in);
    if (r != (size_t)-1)
        return 1;
    if (e == E2BIG)
        return 0;
    if (e == EINVAL && !c->eof) /* a character cut by the chunk end: read on */
        return refill(c) == 0;
    c->failed = 2; /* message written once the position is counted */
    return 0;
}

static ssize_t conv_read(void *cookie, char *out, size_t n) {
    conv *c = cookie;
    char *o = out;
    size_t room = n;
    while (!c->failed && room == n && conv_step(c, &o, &room))
        ;
    pos_advance(&c->pos, out, n - room);
    if (c->failed == 2) {
        conv_fail(c);
        c->failed = 1;
    }
    if (room == n && c->failed)
        return -1;
    return (ssize_t)(n - room);
}

static conv *conv_new(FILE *src, const char *name) {
    conv *c = calloc(1, sizeof *c);
    if (!c || !(c->in = malloc(CHUNK))) {
        free(c);
        return NULL;
    }
    c->cd = iconv_open("UTF-8", "GB18030");
    if (c->cd == (iconv_t)-1) {
        free(c->in);
        free(c);
        return NULL;
    }
    c->src = src;
    c->name = name;
    c->pos.line = 1;
    return c;
}

static void conv_free(conv *c) {
    if (!c)
        return;
    iconv_close(c->cd);
    free(c->in);
    free(c);
}

/* Convert fp to the end, keeping nothing: does the whole file read as GB18030? When not,
 * *bad = 1 and *at is where it fails. */
static lcm_status scan_gb18030(FILE *fp, const char *name, int *bad, textpos *at, lcm_err *err) {
    conv *c = conv_new(fp, name);
    char *out = malloc(CHUNK);
    lcm_status st = LCM_OK;
    if (!c || !out) {
        st = lcm_err_set(err, LCM_NOMEM, "out of memory reading '%s'", name);
        goto cleanup;
    }
    while (conv_read(c, out, CHUNK) > 0)
        ;
    *bad = c->failed;
    *at = c->pos;
    if (c->failed && c->err.status == LCM_IO)
        st = lcm_err_set(err, LCM_IO, "%s", c->err.msg);
cleanup:
    conv_free(c);
    free(out);
    return st;
}

/* ---- byte-order marks and detection ---- */

typedef enum bom { BOM_NONE, BOM_UTF8, BOM_GB18030, BOM_UTF16, UTF16_NO_BOM } bom;

static bom read_bom(FILE *fp) {
    unsigned char b[4] = {0};
    size_t n = fread(b, 1, 4, fp);
    rewind(fp);
    if (n >= 3 && memcmp(b, "\xEF\xBB\xBF", 3) == 0)
        return BOM_UTF8;
    if (n >= 4 && memcmp(b, "\x84\x31\x95\x33", 4) == 0)
        return BOM_GB18030;
    if (n >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF)))
        return BOM_UTF16;
    /* ASCII in UTF-16 without a mark: "c\0i\0" (little-endian) or "\0c\0i" (big-endian) */
    if (n == 4 && ((b[0] && !b[1] && b[2] && !b[3]) || (!b[0] && b[1] && !b[2] && b[3])))
        return UTF16_NO_BOM;
    return BOM_NONE;
}

static lcm_status utf16_error(bom b, const char *name, lcm_err *err) {
    if (b == UTF16_NO_BOM)
        return lcm_err_set(err, LCM_PARSE,
                           "%s:1:1: NUL bytes between the characters: this is UTF-16 text "
                           "(without a byte-order mark), which lcmon does not read; save it as "
                           "'CSV UTF-8'",
                           name);
    return lcm_err_set(err, LCM_PARSE, "UTF-16 text is not supported, save it as 'CSV UTF-8': '%s'",
                       name);
}

/* *scanned = 1 when the whole stream was read and found valid UTF-8. */
static lcm_status detect_stream(FILE *fp, const char *name, lcm_encoding *out, int *scanned,
                                lcm_err *err) {
    bom b = read_bom(fp);
    *scanned = 0;
    if (b == BOM_UTF16 || b == UTF16_NO_BOM)
        return utf16_error(b, name, err);
    if (b != BOM_NONE) {
        *out = b == BOM_UTF8 ? LCM_ENC_UTF8 : LCM_ENC_GB18030;
        return LCM_OK;
    }
    int bad = 0;
    textpos gb_at = {1, 0};
    utf8_scan sc;
    lcm_status st = scan_utf8(fp, name, &sc, err);
    if (st != LCM_OK || !sc.bad) {
        *out = LCM_ENC_UTF8;
        *scanned = st == LCM_OK;
        return st;
    }
    if (utf8_shaped(&sc)) /* one stray byte must not turn a whole UTF-8 file into GB18030 */
        return lcm_err_set(err, LCM_PARSE,
                           "%s:%ld:%ld: byte 0x%02X is not UTF-8, in a file that is otherwise "
                           "UTF-8 (%ld such byte%s): correct %s, or give --encoding gb18030 if "
                           "the file is GB18030",
                           name, sc.at.line, sc.at.col + 1, sc.byte, sc.bad, sc.bad == 1 ? "" : "s",
                           sc.bad == 1 ? "it" : "them");
    rewind(fp);
    if ((st = scan_gb18030(fp, name, &bad, &gb_at, err)) != LCM_OK)
        return st;
    if (!bad) {
        *out = LCM_ENC_GB18030;
        return LCM_OK;
    }
    return lcm_err_set(err, LCM_PARSE,
                       "%s:%ld:%ld: neither UTF-8 (byte 0x%02X) nor GB18030 (fails at %ld:%ld): "
                       "save the file as UTF-8",
                       name, sc.at.line, sc.at.col + 1, sc.byte, gb_at.line, gb_at.col + 1);
}

lcm_status lcm_encoding_detect(const char *path, lcm_encoding *out, lcm_err *err) {
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return lcm_err_set(err, LCM_IO, "cannot open '%s': %s", path, strerror(errno));
    int scanned;
    lcm_status st = detect_stream(fp, path, out, &scanned, err);
    fclose(fp);
    return st;
}

/* ---- the input handle ---- */

struct lcm_input {
    FILE *raw;    /* the file */
    FILE *stream; /* UTF-8: raw itself, or the conversion stream over it */
    conv *cv;     /* NULL when no conversion */
    lcm_encoding enc;
    long long size;
    char *name;
    int checked; /* the text the CSV reader sees is valid UTF-8: found so by the scan of
                    auto detection, or made by the GB18030 conversion */
};

static lcm_status check_bom(lcm_input *in, lcm_encoding enc, lcm_err *err) {
    bom b = read_bom(in->raw);
    if (b == BOM_UTF16 || b == UTF16_NO_BOM)
        return utf16_error(b, in->name, err);
    if ((b == BOM_UTF8 && enc == LCM_ENC_GB18030) || (b == BOM_GB18030 && enc == LCM_ENC_UTF8))
        return lcm_err_set(err, LCM_PARSE,
                           "'%s' starts with a %s byte-order mark but --encoding %s was given",
                           in->name, b == BOM_UTF8 ? "UTF-8" : "GB18030", lcm_encoding_name(enc));
    return LCM_OK;
}

static lcm_status open_conversion(lcm_input *in, lcm_err *err) {
    static const cookie_io_functions_t io = {conv_read, NULL, NULL, NULL};
    if (!(in->cv = conv_new(in->raw, in->name)))
        return lcm_err_set(err, LCM_NOMEM, "cannot set up GB18030 conversion for '%s'", in->name);
    if (!(in->stream = fopencookie(in->cv, "r", io)))
        return lcm_err_set(err, LCM_NOMEM, "out of memory reading '%s'", in->name);
    return LCM_OK;
}

lcm_status lcm_input_open(const char *path, lcm_encoding enc, lcm_input **out, lcm_err *err) {
    lcm_status st = LCM_OK;
    struct stat sb;
    lcm_input *in = calloc(1, sizeof *in);
    *out = NULL;
    if (!in || !(in->name = strdup(path))) {
        free(in);
        return lcm_err_set(err, LCM_NOMEM, "out of memory opening '%s'", path);
    }
    if (!(in->raw = fopen(path, "rb")) || fstat(fileno(in->raw), &sb) != 0) {
        st = lcm_err_set(err, LCM_IO, "cannot open '%s': %s", path, strerror(errno));
        goto cleanup;
    }
    if (S_ISDIR(sb.st_mode)) {
        st = lcm_err_set(err, LCM_IO, "cannot read '%s': Is a directory", path);
        goto cleanup;
    }
    in->size = (long long)sb.st_size;
    if ((st = check_bom(in, enc, err)) != LCM_OK)
        goto cleanup;
    int scanned = 0;
    if (enc == LCM_ENC_AUTO && (st = detect_stream(in->raw, path, &enc, &scanned, err)) != LCM_OK)
        goto cleanup;
    in->checked = scanned || enc == LCM_ENC_GB18030;
    rewind(in->raw);
    in->enc = enc;
    if (enc == LCM_ENC_UTF8)
        in->stream = in->raw;
    else
        st = open_conversion(in, err);
cleanup:
    if (st != LCM_OK)
        lcm_input_close(in);
    else
        *out = in;
    return st;
}

FILE *lcm_input_stream(lcm_input *in) {
    return in->stream;
}

lcm_encoding lcm_input_encoding(const lcm_input *in) {
    return in->enc;
}

void lcm_input_progress(const lcm_input *in, long long *done, long long *total) {
    *total = in->size;
    *done = in->cv ? in->cv->consumed : (long long)ftello(in->raw);
}

lcm_status lcm_input_read_csv(lcm_input *in, const lcm_csv_opts *opts, lcm_csv_row_fn fn, void *ud,
                              lcm_err *err) {
    lcm_csv_opts o = opts ? *opts : (lcm_csv_opts){0};
    o.utf8_checked = in->checked; /* scanned whole, or converted by iconv */
    lcm_status st = lcm_csv_read_opts(in->stream, in->name, &o, fn, ud, err);
    if (in->cv && in->cv->failed) {
        /* the conversion failure, with its position, is the cause of whatever csvin saw */
        if (err)
            *err = in->cv->err;
        return in->cv->err.status;
    }
    return st;
}

void lcm_input_close(lcm_input *in) {
    if (!in)
        return;
    if (in->stream && in->stream != in->raw)
        fclose(in->stream);
    if (in->raw)
        fclose(in->raw);
    conv_free(in->cv);
    free(in->name);
    free(in);
}
