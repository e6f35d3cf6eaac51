/*
 * status.h - the one status enum of lcmon, shared by every layer.
 *
 * This is the only engine header that analysis/ and plots/ may include (see
 * docs/architecture.md). Codes and messages come from one X-macro table, as libuv's
 * uv_strerror does, so a new code cannot be added without its message.
 */
#ifndef LCM_STATUS_H
#define LCM_STATUS_H

/* X(name, message) */
#define LCM_STATUS_MAP(X)                                                                          \
    X(OK, "success")                                                                               \
    X(NOMEM, "out of memory")                                                                      \
    X(INVAL, "invalid argument")                                                                   \
    X(IO, "input/output error")                                                                    \
    X(NOTFOUND, "not found")                                                                       \
    X(EXISTS, "already exists")                                                                    \
    X(PARSE, "malformed input")                                                                    \
    X(CONSTRAINT, "value violates a rule")                                                         \
    X(DB, "database error")                                                                        \
    X(NOTDB, "not an lcmon database")                                                              \
    X(TOONEW, "database was written by a newer lcmon")                                             \
    X(CONFLICT, "conflicting data")                                                                \
    X(NUMERIC, "numerical failure")                                                                \
    X(NOCONVERGE, "iteration did not converge")                                                    \
    X(DESIGN, "survey design cannot support this estimate")                                        \
    X(EXTERNAL, "external program failed")                                                         \
    X(UNSUPPORTED, "not supported")                                                                \
    X(INTERNAL, "internal error")

typedef enum lcm_status {
#define LCM__X(name, msg) LCM_##name,
    LCM_STATUS_MAP(LCM__X)
#undef LCM__X
        LCM_STATUS_COUNT
} lcm_status;

/* Message for a status code; a static string, never NULL. */
const char *lcm_strerror(lcm_status st);

/* Symbolic name of a status code ("LCM_NOMEM"); a static string, never NULL. */
const char *lcm_status_name(lcm_status st);

#endif
