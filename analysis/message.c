/*
 * message.c - formatted problems into the caller's optional buffer (message.h).
 */
#include "message.h"

#include <stdarg.h>
#include <stdio.h>

void lcm__an_msg(char *err, size_t errlen, const char *fmt, ...) {
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}
