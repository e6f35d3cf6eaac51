/*
 * strbuf.h - the one growable byte buffer of lcmon (after git's strbuf).
 *
 * Invariants: buf is never NULL and always NUL-terminated, len < alloc when alloc > 0.
 * An initialised strbuf points at a shared empty string until the first append, so
 * init cannot fail. Allocation failures are sticky: `oom` is set, further appends are
 * ignored, and the caller checks once at the end (lcm_strbuf_ok).
 */
#ifndef LCM_STRBUF_H
#define LCM_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct lcm_strbuf {
    char *buf;    /* contents, NUL-terminated, never NULL */
    size_t len;   /* bytes used, not counting the NUL */
    size_t alloc; /* bytes allocated; 0 while buf points at the shared empty string */
    int oom;      /* set once an allocation failed */
} lcm_strbuf;

#define LCM_STRBUF_INIT                                                                            \
    { lcm__strbuf_empty, 0, 0, 0 }
extern char lcm__strbuf_empty[];

void lcm_strbuf_init(lcm_strbuf *sb);
/* Free the memory and return to the initial state. */
void lcm_strbuf_release(lcm_strbuf *sb);
/* Empty the contents, keeping the allocation. */
void lcm_strbuf_clear(lcm_strbuf *sb);
/* Hand the contents over: a malloc'd string the caller frees (NULL after an allocation
 * failure); the buffer is left empty. */
char *lcm_strbuf_detach(lcm_strbuf *sb);
void lcm_strbuf_add(lcm_strbuf *sb, const void *data, size_t n);
void lcm_strbuf_adds(lcm_strbuf *sb, const char *s);
void lcm_strbuf_addc(lcm_strbuf *sb, char c);
/* Append n bytes and a NUL that stays part of the contents (fields packed one after
 * another, each NUL-terminated, as the CSV reader keeps a row). */
void lcm_strbuf_add_z(lcm_strbuf *sb, const void *data, size_t n);
void lcm_strbuf_addf(lcm_strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void lcm_strbuf_vaddf(lcm_strbuf *sb, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Append s as a JSON string literal (quotes included, control characters escaped). */
void lcm_strbuf_add_json(lcm_strbuf *sb, const char *s);
/* 1 when every append so far succeeded. */
int lcm_strbuf_ok(const lcm_strbuf *sb);

/* Number of Unicode characters in a UTF-8 string (not bytes); -1 if not valid UTF-8. */
long lcm_utf8_len(const char *s, size_t n);
/* 1 when s[0..n) is valid UTF-8 (no overlongs, no surrogates). */
int lcm_utf8_valid(const char *s, size_t n);

#endif
