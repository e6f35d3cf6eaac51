/*
 * intern.h - dense integer ids for text labels (strata, PSUs, domains).
 *
 * Estimation works on integer codes; data holds labels ("城区", "4403", "60+"). An interner
 * gives the first label seen id 0, the next new one id 1, and so on, and hands the labels
 * back by id, so results can be printed in the words they came in.
 */
#ifndef LCM_INTERN_H
#define LCM_INTERN_H

#include <stddef.h>
#include <stdint.h>

typedef struct lcm_intern lcm_intern;

/* A new, empty interner; NULL when out of memory. Free with lcm_intern_free. */
lcm_intern *lcm_intern_new(void);
void lcm_intern_free(lcm_intern *in);
/* Id of s[0..len), adding it when new; -1 when out of memory. */
int64_t lcm_intern_id(lcm_intern *in, const char *s, size_t len);
/* Id of s when known, else -1 (nothing is added). */
int64_t lcm_intern_find(const lcm_intern *in, const char *s);
/* Label of an id (borrowed), NULL when out of range. */
const char *lcm_intern_label(const lcm_intern *in, int64_t id);
/* Number of distinct labels. */
size_t lcm_intern_count(const lcm_intern *in);

#endif
