/*
 * error.h - a status with its detail, filled where the problem is found.
 *
 * Library functions take an `lcm_err *` (may be NULL) and return the status they set, so
 * `return lcm_err_set(err, LCM_IO, "cannot open '%s': %s", path, strerror(errno));` both
 * records and returns. The message follows git's form: what is wrong first, the subject
 * quoted, no capital, no full stop; input errors say `file:line:column: problem`.
 */
#ifndef LCM_ERROR_H
#define LCM_ERROR_H

#include "status.h"

typedef struct lcm_err {
    lcm_status status;
    char msg[1024];
} lcm_err;

/* Record status and a printf-style message in err (if not NULL); returns status. */
lcm_status lcm_err_set(lcm_err *err, lcm_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Reset err to LCM_OK with an empty message. */
void lcm_err_clear(lcm_err *err);

#endif
