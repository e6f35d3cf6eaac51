/*
 * gnuplot.h - gnuplot as a child process: no shell, the script on its stdin, many charts
 * per process, its stderr kept for the error message.
 *
 * gnuplot is spawned directly (posix_spawn), so nothing in a script or path is ever seen
 * by a shell. Its stdin is a socket rather than a pipe so that writing to a gnuplot that
 * has died returns EPIPE instead of raising SIGPIPE in the caller (send MSG_NOSIGNAL).
 * When gnuplot is missing, open returns LCM_EXTERNAL with "gnuplot not found: install
 * gnuplot-nox" and the caller goes on writing its tables.
 */
#ifndef LCM_PLOTS_GNUPLOT_H
#define LCM_PLOTS_GNUPLOT_H

#include "status.h"

#include <stddef.h>

typedef struct lcm_gnuplot lcm_gnuplot;

/* Resolve the gnuplot executable: exe itself when it contains '/', else exe (NULL means
 * "gnuplot") searched on PATH. Writes the path into out (size cap); returns 1 when an
 * executable was found, 0 otherwise. */
int lcm_gnuplot_find(const char *exe, char *out, size_t cap);

/* Start gnuplot (exe as for lcm_gnuplot_find) reading commands from its stdin, stdout
 * discarded. *out is the caller's to close with lcm_gnuplot_close. LCM_EXTERNAL when it is
 * not installed or cannot start, LCM_NOMEM, LCM_IO (no pipe); msg says which. */
lcm_status lcm_gnuplot_open(const char *exe, lcm_gnuplot **out, char *msg, size_t cap);

/* Feed len bytes of script. LCM_EXTERNAL, with gnuplot's stderr in msg, when gnuplot has
 * already stopped (it stops at the first error in a script). */
lcm_status lcm_gnuplot_send(lcm_gnuplot *gp, const char *text, size_t len, char *msg, size_t cap);

/* End the input, wait for gnuplot to finish every chart and free gp (NULL is fine).
 * LCM_EXTERNAL when gnuplot failed: msg holds its exit status and the end of its stderr. */
lcm_status lcm_gnuplot_close(lcm_gnuplot *gp, char *msg, size_t cap);

/* open + send + close in one call, for a script of many charts. */
lcm_status lcm_gnuplot_run(const char *exe, const char *script, size_t len, char *msg, size_t cap);

#endif
