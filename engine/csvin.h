/*
 * csvin.h - streaming CSV input over libcsv, one row at a time, with line numbers.
 *
 * Every importer reads through this so that errors can name file, line and column and
 * memory stays flat whatever the file size: the file is fed to libcsv in bounded chunks,
 * and a field or row larger than its cap is refused before it is buffered whole. Input
 * must be UTF-8 (a BOM is skipped); invalid UTF-8 is an error naming the cell. Encodings
 * other than UTF-8 are converted before this layer (encoding.h).
 *
 * The first row is the header: a name given twice (trimmed of spaces; empty names aside) is an
 * error `file:line:column: column 'x' given twice (also column n)`, and later errors name their
 * field by it: `file:line:column (name): …`. A NUL byte in a field is an error (it would cut the
 * text where it stands), and NULs between every character are reported as UTF-16 text.
 */
#ifndef LCM_CSVIN_H
#define LCM_CSVIN_H

#include "error.h"

#include <stddef.h>
#include <stdio.h>

typedef struct lcm_csv_row {
    char **field;     /* NUL-terminated field texts, borrowed until the callback returns */
    size_t *len;      /* byte length of each field */
    size_t n;         /* number of fields */
    long line;        /* physical line where the row starts (1-based) */
    long index;       /* row number, 0 for the first row (the header, usually) */
    const char *file; /* name used in messages */
} lcm_csv_row;

/* Called once per row. Return LCM_OK to go on; anything else stops the read and is
 * returned by lcm_csv_read (fill err with the detail). */
typedef lcm_status (*lcm_csv_row_fn)(void *ud, const lcm_csv_row *row, lcm_err *err);

/* Largest field accepted by default (bytes): a longer one is an error, not an allocation. */
#define LCM_CSV_MAX_FIELD (16u << 20)
/* Largest row (all its fields together, bytes) and most fields in one row. */
#define LCM_CSV_MAX_ROW (64u << 20)
#define LCM_CSV_MAX_FIELDS 10000u
/* Kept for older callers: the row cap used to be a line cap. */
#define LCM_CSV_MAX_LINE LCM_CSV_MAX_ROW

typedef struct lcm_csv_opts {
    unsigned char delim; /* field separator; 0 means ',' */
    size_t max_field;    /* largest field in bytes; 0 means LCM_CSV_MAX_FIELD */
    int utf8_checked;    /* 1: the whole stream is known to be valid UTF-8 (lcm_input checked
                            or converted it), so fields are not checked one by one */
} lcm_csv_opts;

/* Read the CSV file at path (name in messages = path), calling fn for every row. */
lcm_status lcm_csv_read(const char *path, lcm_csv_row_fn fn, void *ud, lcm_err *err);

/* Same, from an open stream; name is used in messages. The stream is not closed. */
lcm_status lcm_csv_read_stream(FILE *fp, const char *name, lcm_csv_row_fn fn, void *ud,
                               lcm_err *err);

/* Same with options (opts may be NULL for the defaults). */
lcm_status lcm_csv_read_opts(FILE *fp, const char *name, const lcm_csv_opts *opts,
                             lcm_csv_row_fn fn, void *ud, lcm_err *err);

/* Index of the header field equal to name, or -1. */
int lcm_csv_find(const lcm_csv_row *header, const char *name);

#endif
