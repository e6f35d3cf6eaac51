/*
 * serve_parse.c - the parts of an HTTP request lcmon decodes itself: form-urlencoded
 * bodies and query strings, the Cookie header; and HTML escaping (see serve.h).
 *
 * Everything here is bounded (serve.h limits) and refuses rather than repairs: a body
 * that is not what a browser sends is not guessed at.
 */
#include "serve.h"

#include <stdlib.h>
#include <string.h>

static lcm_status oom(lcm_err *err) {
    return lcm_err_set(err, LCM_NOMEM, "out of memory");
}

static int hexval(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decode s[0..n) into a malloc'd string; NULL with err set when it is malformed. */
static char *decode(const char *s, size_t n, size_t max, int is_value, size_t pair, lcm_err *err) {
    if (n > 3 * max) {
        lcm_err_set(err, LCM_PARSE, "pair %zu: too long", pair);
        return NULL;
    }
    char *out = malloc(n + 1);
    size_t k = 0;
    if (!out) {
        oom(err);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '+')
            c = ' ';
        else if (c == '%') {
            int hi = i + 1 < n ? hexval(s[i + 1]) : -1;
            int lo = i + 2 < n ? hexval(s[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                free(out);
                lcm_err_set(err, LCM_PARSE, "pair %zu: malformed %%-escape", pair);
                return NULL;
            }
            c = (unsigned char)(hi * 16 + lo);
            i += 2;
        }
        if (c == 0 || c == 0x7f ||
            (c < 0x20 && !(is_value && (c == '\t' || c == '\r' || c == '\n')))) {
            free(out);
            lcm_err_set(err, LCM_PARSE, "pair %zu: control character", pair);
            return NULL;
        }
        out[k++] = (char)c;
    }
    out[k] = '\0';
    if (k > max) {
        free(out);
        lcm_err_set(err, LCM_PARSE, "pair %zu: too long", pair);
        return NULL;
    }
    if (!lcm_utf8_valid(out, k)) {
        free(out);
        lcm_err_set(err, LCM_PARSE, "pair %zu: not UTF-8", pair);
        return NULL;
    }
    return out;
}

lcm_status lcm_serve_form_decode(const char *body, size_t len, lcm_serve_form *out, lcm_err *err) {
    out->pairs = NULL;
    out->n = 0;
    if (len > LCM_SERVE_MAX_BODY)
        return lcm_err_set(err, LCM_PARSE, "body of %zu bytes is too long", len);
    size_t cap = 0;
    for (size_t at = 0; at < len;) {
        const char *p = body + at, *amp = memchr(p, '&', len - at);
        size_t n = amp ? (size_t)(amp - p) : len - at;
        at += n + 1;
        if (n == 0)
            continue;
        if (out->n == LCM_SERVE_MAX_PAIRS) {
            lcm_serve_form_free(out);
            return lcm_err_set(err, LCM_PARSE, "more than %d pairs", LCM_SERVE_MAX_PAIRS);
        }
        if (out->n == cap) {
            cap = cap ? 2 * cap : 16;
            lcm_serve_pair *g = realloc(out->pairs, cap * sizeof *g);
            if (!g) {
                lcm_serve_form_free(out);
                return oom(err);
            }
            out->pairs = g;
        }
        const char *eq = memchr(p, '=', n);
        size_t nn = eq ? (size_t)(eq - p) : n;
        char *name = decode(p, nn, LCM_SERVE_MAX_NAME, 0, out->n + 1, err);
        char *value = name ? decode(eq ? eq + 1 : p + n, eq ? n - nn - 1 : 0, LCM_SERVE_MAX_VALUE,
                                    1, out->n + 1, err)
                           : NULL;
        if (!value) {
            free(name);
            lcm_serve_form_free(out);
            return err ? err->status : LCM_PARSE;
        }
        out->pairs[out->n++] = (lcm_serve_pair){name, value};
    }
    return LCM_OK;
}

void lcm_serve_form_free(lcm_serve_form *f) {
    for (size_t i = 0; i < f->n; i++) {
        free(f->pairs[i].name);
        free(f->pairs[i].value);
    }
    free(f->pairs);
    f->pairs = NULL;
    f->n = 0;
}

const char *lcm_serve_form_get(const lcm_serve_form *f, const char *name) {
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->pairs[i].name, name) == 0)
            return f->pairs[i].value;
    return NULL;
}

int lcm_serve_cookie(const char *header, const char *name, char *out, size_t cap) {
    size_t nl = strlen(name);
    if (!header || !nl)
        return 0;
    for (const char *p = header; *p;) {
        p += strspn(p, " \t;");
        const char *end = p + strcspn(p, ";");
        const char *eq = memchr(p, '=', (size_t)(end - p));
        if (eq && (size_t)(eq - p) == nl && memcmp(p, name, nl) == 0) {
            const char *v = eq + 1;
            size_t vn = (size_t)(end - v);
            while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t'))
                vn--;
            if (vn >= 2 && v[0] == '"' && v[vn - 1] == '"')
                v++, vn -= 2;
            if (vn + 1 > cap)
                return 0;
            memcpy(out, v, vn);
            out[vn] = '\0';
            return 1;
        }
        p = end;
    }
    return 0;
}

void lcm_serve_html(lcm_strbuf *sb, const char *text) {
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, "&<>\"'");
        lcm_strbuf_add(sb, p, n);
        p += n;
        switch (*p) {
        case '&':
            lcm_strbuf_adds(sb, "&amp;");
            break;
        case '<':
            lcm_strbuf_adds(sb, "&lt;");
            break;
        case '>':
            lcm_strbuf_adds(sb, "&gt;");
            break;
        case '"':
            lcm_strbuf_adds(sb, "&quot;");
            break;
        case '\'':
            lcm_strbuf_adds(sb, "&#39;");
            break;
        default:
            return;
        }
        p++;
    }
}
