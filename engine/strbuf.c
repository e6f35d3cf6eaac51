/*
 * strbuf.c - growable buffer and small UTF-8 helpers used by every text path.
 */
#include "strbuf.h"

#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

char lcm__strbuf_empty[1];

void lcm_strbuf_init(lcm_strbuf *sb) {
    sb->buf = lcm__strbuf_empty;
    sb->len = sb->alloc = 0;
    sb->oom = 0;
}

void lcm_strbuf_release(lcm_strbuf *sb) {
    if (sb->alloc)
        free(sb->buf);
    lcm_strbuf_init(sb);
}

void lcm_strbuf_clear(lcm_strbuf *sb) {
    sb->len = 0;
    if (sb->alloc)
        sb->buf[0] = '\0';
}

char *lcm_strbuf_detach(lcm_strbuf *sb) {
    char *r;
    if (sb->oom)
        r = NULL;
    else if (sb->alloc)
        r = sb->buf;
    else
        r = strdup("");
    if (sb->oom && sb->alloc)
        free(sb->buf);
    lcm_strbuf_init(sb);
    return r;
}

static int grow(lcm_strbuf *sb, size_t extra) {
    if (sb->oom)
        return 0;
    if (extra >= ((size_t)-1) / 2 - sb->len) {
        sb->oom = 1;
        return 0;
    }
    size_t need = sb->len + extra + 1;
    if (need <= sb->alloc)
        return 1;
    size_t cap = sb->alloc ? sb->alloc : 64;
    while (cap < need)
        cap = cap / 2 * 3 + 16;
    char *p = realloc(sb->alloc ? sb->buf : NULL, cap);
    if (!p) {
        sb->oom = 1;
        return 0;
    }
    if (!sb->alloc)
        p[0] = '\0';
    sb->buf = p;
    sb->alloc = cap;
    return 1;
}

void lcm_strbuf_add(lcm_strbuf *sb, const void *data, size_t n) {
    if (!grow(sb, n))
        return;
    memcpy(sb->buf + sb->len, data, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
}

void lcm_strbuf_adds(lcm_strbuf *sb, const char *s) {
    lcm_strbuf_add(sb, s, strlen(s));
}

void lcm_strbuf_add_z(lcm_strbuf *sb, const void *data, size_t n) {
    if (n == (size_t)-1 || !grow(sb, n + 1))
        return;
    memcpy(sb->buf + sb->len, data, n);
    sb->buf[sb->len + n] = '\0';
    sb->len += n + 1;
    sb->buf[sb->len] = '\0';
}

void lcm_strbuf_addc(lcm_strbuf *sb, char c) {
    lcm_strbuf_add(sb, &c, 1);
}

void lcm_strbuf_vaddf(lcm_strbuf *sb, const char *fmt, va_list ap) {
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0 || !grow(sb, (size_t)n))
        return;
    vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
}

void lcm_strbuf_addf(lcm_strbuf *sb, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    lcm_strbuf_vaddf(sb, fmt, ap);
    va_end(ap);
}

void lcm_strbuf_add_json(lcm_strbuf *sb, const char *s) {
    lcm_strbuf_addc(sb, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            lcm_strbuf_addf(sb, "\\%c", *p);
        else if (*p < 0x20)
            lcm_strbuf_addf(sb, "\\u%04x", *p);
        else
            lcm_strbuf_addc(sb, (char)*p);
    }
    lcm_strbuf_addc(sb, '"');
}

int lcm_strbuf_ok(const lcm_strbuf *sb) {
    return !sb->oom;
}

/* Length of the UTF-8 sequence starting at s (at most n bytes), or 0 when invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n) {
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4, min = 0x10000;
    else
        return 0;
    if (len > n)
        return 0;
    unsigned cp = c & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

long lcm_utf8_len(const char *s, size_t n) {
    const unsigned char *p = (const unsigned char *)s;
    long count = 0;
    for (size_t i = 0; i < n;) {
        uint64_t w; /* runs of ASCII (most cells) eight bytes at a time */
        while (i + 8 <= n && (memcpy(&w, p + i, 8), !(w & 0x8080808080808080ULL)))
            i += 8, count += 8;
        if (i < n && p[i] < 0x80) {
            i++, count++;
            continue;
        }
        if (i >= n)
            break;
        size_t k = utf8_seq(p + i, n - i);
        if (!k)
            return -1;
        i += k;
        count++;
    }
    return count;
}

int lcm_utf8_valid(const char *s, size_t n) {
    return lcm_utf8_len(s, n) >= 0;
}
