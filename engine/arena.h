/*
 * arena.h - one owner for the many small pieces a report is built from (texts, cells,
 * label arrays): everything allocated from an arena is freed with it, so report code
 * does not have to track each string.
 */
#ifndef LCM_ARENA_H
#define LCM_ARENA_H

#include <stddef.h>

typedef struct lcm_arena lcm_arena;

/* A new arena, NULL when out of memory. */
lcm_arena *lcm_arena_new(void);
/* Free the arena and everything allocated from it; NULL is fine. */
void lcm_arena_free(lcm_arena *a);
/* n zeroed bytes owned by the arena; NULL when out of memory (the arena stays usable). */
void *lcm_arena_alloc(lcm_arena *a, size_t n);
/* Copies of strings owned by the arena (NULL in, NULL out). */
char *lcm_arena_strdup(lcm_arena *a, const char *s);
char *lcm_arena_printf(lcm_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
