/*
 * field_int.h - what field.c and field_assign.c share (engine only).
 */
#ifndef LCM_FIELD_INT_H
#define LCM_FIELD_INT_H

#include "field.h"

#include <stddef.h>

/* The final dispositions (field.c's table), for SQL IN (...) lists. */
#define LCM__FIELD_FINAL_SQL "'1.1','2.11','2.32','2.33','3.18','4.50','4.60','4.70'"

/* Copy a column's text (NULL = "") into dst, cut to cap. */
void lcm__field_copy(char *dst, size_t cap, const unsigned char *src);
/* 1..max characters of UTF-8 without control characters. */
int lcm__field_text_ok(const char *s, size_t max);
/* "居委会 003" and "Residents' committee 003" for community number num (1..599). */
void lcm__field_community_name(long num, char *zh, size_t zcap, char *en, size_t ecap);

#endif
