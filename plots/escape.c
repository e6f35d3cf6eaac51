/*
 * escape.c - quoting for gnuplot strings and HTML (see escape.h for why single quotes).
 *
 * Each quoter is written once against a small sink that either fills a caller's buffer
 * (snprintf conventions) or streams to a FILE*, so the buffer and stream variants cannot
 * drift apart.
 */
#include "escape.h"

#include <string.h>

typedef struct sink {
    char *out;  /* buffer, or NULL when streaming */
    size_t cap; /* buffer size */
    size_t len; /* bytes produced so far (counted even past cap) */
    FILE *fp;   /* stream, or NULL */
    int err;    /* a stream write failed */
} sink;

static void put(sink *k, const char *p, size_t n) {
    if (k->fp) {
        if (n && fwrite(p, 1, n, k->fp) != n)
            k->err = 1;
        k->len += n;
        return;
    }
    for (size_t i = 0; i < n; i++, k->len++)
        if (k->len + 1 < k->cap)
            k->out[k->len] = p[i];
}

static void finish(sink *k) {
    if (!k->fp && k->cap)
        k->out[k->len < k->cap ? k->len : k->cap - 1] = '\0';
}

/* Length of the valid UTF-8 sequence starting at p (1-4), or 0 when p starts an invalid
 * one (stray continuation byte, overlong form, surrogate, beyond U+10FFFF, truncated). */
static size_t utf8_seq(const unsigned char *p) {
    if (p[0] < 0x80)
        return 1;
    size_t n = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC2 ? 2 : 0;
    if (n == 0 || p[0] > 0xF4)
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    if ((p[0] == 0xE0 && p[1] < 0xA0) || (p[0] == 0xED && p[1] >= 0xA0) ||
        (p[0] == 0xF0 && p[1] < 0x90) || (p[0] == 0xF4 && p[1] >= 0x90))
        return 0;
    return n;
}

static void gp_quote(sink *k, const char *s) {
    put(k, "'", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t n = utf8_seq(p);
        if (n == 0)
            put(k, "?", 1);
        else if (*p == '\'')
            put(k, "''", 2);
        else if (*p < 0x20 || *p == 0x7F)
            put(k, " ", 1);
        else
            put(k, (const char *)p, n);
        p += n ? n : 1;
    }
    put(k, "'", 1);
}

static const char *html_entity(unsigned char c) {
    switch (c) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '"':
        return "&quot;";
    case '\'':
        return "&#39;";
    case '\t':
    case '\n':
        return NULL;
    }
    return c < 0x20 || c == 0x7F ? " " : NULL;
}

static void html_escape(sink *k, const char *s) {
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t n = utf8_seq(p);
        const char *rep = n == 0 ? "\xEF\xBF\xBD" : html_entity(*p);
        if (rep)
            put(k, rep, strlen(rep));
        else
            put(k, (const char *)p, n);
        p += n ? n : 1;
    }
}

/* XML 1.0 text (Word's document.xml): tab and newline become spaces (a paragraph's text is
 * one line), other control characters are dropped since XML 1.0 has no way to write them,
 * and so are U+FFFE and U+FFFF; invalid UTF-8 becomes U+FFFD. */
static void xml_escape(sink *k, const char *s) {
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t n = utf8_seq(p);
        const char *rep = n == 0 ? "\xEF\xBF\xBD" : html_entity(*p);
        if (n == 3 && p[0] == 0xEF && p[1] == 0xBF && p[2] >= 0xBE)
            rep = "";
        else if (*p == '\t' || *p == '\n')
            rep = " ";
        else if (*p < 0x20 || *p == 0x7F)
            rep = "";
        if (rep)
            put(k, rep, strlen(rep));
        else
            put(k, (const char *)p, n);
        p += n ? n : 1;
    }
}

size_t lcm_xml_escape(const char *s, char *out, size_t cap) {
    sink k = {out, cap, 0, NULL, 0};
    xml_escape(&k, s);
    finish(&k);
    return k.len;
}

int lcm_xml_escape_fp(FILE *fp, const char *s) {
    sink k = {NULL, 0, 0, fp, 0};
    xml_escape(&k, s);
    return k.err ? -1 : 0;
}

size_t lcm_gp_quote(const char *s, char *out, size_t cap) {
    sink k = {out, cap, 0, NULL, 0};
    gp_quote(&k, s);
    finish(&k);
    return k.len;
}

int lcm_gp_quote_fp(FILE *fp, const char *s) {
    sink k = {NULL, 0, 0, fp, 0};
    gp_quote(&k, s);
    return k.err ? -1 : 0;
}

size_t lcm_html_escape(const char *s, char *out, size_t cap) {
    sink k = {out, cap, 0, NULL, 0};
    html_escape(&k, s);
    finish(&k);
    return k.len;
}

int lcm_html_escape_fp(FILE *fp, const char *s) {
    sink k = {NULL, 0, 0, fp, 0};
    html_escape(&k, s);
    return k.err ? -1 : 0;
}
