/*
 * outfile.h - every file lcmon writes for the user goes through here: exports, network
 * tables, reports, rejected rows, margins, the paths handed to gnuplot.
 *
 * Before anything is written the path is checked:
 *   - it must not be one of the files of an open database (the database itself, its
 *     -wal, -shm or -journal), compared by device and inode, not by name, so that a
 *     symbolic link or another spelling of the path is caught too;
 *   - an existing path must be a regular file (a FIFO, device, directory or symbolic
 *     link is refused), and is replaced only with LCM_OUT_FORCE.
 * The data goes to a temporary file beside the target (same directory, so the final
 * rename is atomic) and is renamed over it only when complete; a failed write leaves the
 * target as it was. Messages always name the user's path, never the temporary one.
 */
#ifndef LCM_OUTFILE_H
#define LCM_OUTFILE_H

#include "lcmon.h"

#include <stdio.h>

enum {
    LCM_OUT_FORCE = 1 << 0,   /* replace an existing regular file (--force) */
    LCM_OUT_PRIVATE = 1 << 1, /* mode 0600: the file holds personal data */
};

/* May path be written (see above)? LCM_OK, or LCM_INVAL with a message naming path
 * ("refusing to overwrite the database: 'x.db'", "'x.csv' exists (--force replaces it)",
 * "not a regular file: 'fifo'"). */
lcm_status lcm_out_check(const char *path, int flags, lcm_err *err);

/* A directory to write files into (report --out, export --format r): created (0777, or
 * 0700 with LCM_OUT_PRIVATE, less the umask) when missing; an existing path must be a
 * directory. */
lcm_status lcm_out_dir(const char *path, int flags, lcm_err *err);

typedef struct lcm_out {
    char *path; /* the user's path: what messages name */
    char *tmp;  /* the temporary file beside it, which fp writes */
    FILE *fp;
    int flags;
} lcm_out;

/* Check path (lcm_out_check) and open a temporary file beside it, mode 0600 with
 * LCM_OUT_PRIVATE, else 0666 less the umask. o is zeroed first; on failure nothing is
 * left to release. A writer that needs a path rather than a stream (libxlsxwriter) may
 * fclose(o->fp), set it NULL and write o->tmp itself: the file keeps its mode. */
lcm_status lcm_out_open(lcm_out *o, const char *path, int flags, lcm_err *err);

/* Close the temporary file, check the target again and rename the file over it
 * (without LCM_OUT_FORCE: link it, so a file created meanwhile is not replaced).
 * On failure the temporary file is removed and the target left as it was. Either way o
 * is released. */
lcm_status lcm_out_commit(lcm_out *o, lcm_err *err);

/* A file another program wrote (gnuplot's chart, in a directory of its own on the same
 * file system) becomes o's: moved onto the temporary file, then committed. */
lcm_status lcm_out_take(lcm_out *o, const char *file, lcm_err *err);

/* A writer given o->tmp failed with st: name o->path instead of the temporary file in
 * err's message (a library's own message may hold the name it was given). Returns st. */
lcm_status lcm_out_failed(const lcm_out *o, lcm_status st, lcm_err *err);

/* Drop the temporary file; a zeroed or released o is fine. */
void lcm_out_abort(lcm_out *o);

/* Is the file at path (following symbolic links) one of the files of a database open
 * in this process? Defined in db.c, which keeps the list. */
int lcm__db_owns_file(const char *path);

#endif
