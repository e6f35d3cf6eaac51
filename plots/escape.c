/*
 * escape.c - quoting for gnuplot strings and HTML (see escape.h for why single quotes).
 */
#include "escape.h"

#include <string.h>

/* Append n bytes of p to out at *len, respecting cap, always counting. */
static void put(char *out, size_t cap, size_t *len, const char *p, size_t n) {
    for (size_t i = 0; i < n; i++, (*len)++)
        if (*len + 1 < cap)
            out[*len] = p[i];
}

static void finish(char *out, size_t cap, size_t len) {
    if (cap)
        out[len < cap ? len : cap - 1] = '\0';
}

size_t lcm_gp_quote(const char *s, char *out, size_t cap) {
    size_t len = 0;
    put(out, cap, &len, "'", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\'')
            put(out, cap, &len, "''", 2);
        else if (*p < 0x20 || *p == 0x7F)
            put(out, cap, &len, " ", 1);
        else
            put(out, cap, &len, (const char *)p, 1);
    }
    put(out, cap, &len, "'", 1);
    finish(out, cap, len);
    return len;
}

size_t lcm_html_escape(const char *s, char *out, size_t cap) {
    size_t len = 0;
    for (; *s; s++) {
        const char *rep = NULL;
        switch (*s) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        }
        if (rep)
            put(out, cap, &len, rep, strlen(rep));
        else
            put(out, cap, &len, s, 1);
    }
    finish(out, cap, len);
    return len;
}
