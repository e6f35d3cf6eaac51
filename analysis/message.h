/*
 * message.h - the one way analysis/ writes a problem into the caller's optional buffer
 * (err may be NULL or errlen 0: then nothing is written). analysis/ does no I/O of its own.
 */
#ifndef LCM_ANALYSIS_MESSAGE_H
#define LCM_ANALYSIS_MESSAGE_H

#include <stddef.h>

void lcm__an_msg(char *err, size_t errlen, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif
