/*
 * error.c - recording a status together with its message.
 */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>

lcm_status lcm_err_set(lcm_err *err, lcm_status status, const char *fmt, ...) {
    if (!err)
        return status;
    err->status = status;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return status;
}

void lcm_err_clear(lcm_err *err) {
    if (!err)
        return;
    err->status = LCM_OK;
    err->msg[0] = '\0';
}
