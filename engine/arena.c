/*
 * arena.c - a list of blocks; each allocation is its own block (reports allocate a few
 * thousand small pieces, so simplicity beats packing).
 */
#include "arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct block {
    struct block *next;
    max_align_t data[]; /* aligned for any type */
} block;

struct lcm_arena {
    block *head;
};

lcm_arena *lcm_arena_new(void) {
    return calloc(1, sizeof(lcm_arena));
}

void lcm_arena_free(lcm_arena *a) {
    if (!a)
        return;
    for (block *b = a->head, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(a);
}

void *lcm_arena_alloc(lcm_arena *a, size_t n) {
    if (n > ((size_t)-1) / 2)
        return NULL;
    block *b = calloc(1, sizeof *b + (n ? n : 1));
    if (!b)
        return NULL;
    b->next = a->head;
    a->head = b;
    return b->data;
}

char *lcm_arena_strdup(lcm_arena *a, const char *s) {
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *p = lcm_arena_alloc(a, n);
    if (p)
        memcpy(p, s, n);
    return p;
}

char *lcm_arena_printf(lcm_arena *a, const char *fmt, ...) {
    va_list ap, cp;
    va_start(ap, fmt);
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    char *p = n >= 0 ? lcm_arena_alloc(a, (size_t)n + 1) : NULL;
    if (p)
        vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}
