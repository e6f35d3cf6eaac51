/*
 * export_int.h - what the export writers share (engine only): a source is a list of
 * typed, labelled columns and a prepared SELECT yielding them in order; each writer
 * steps the SELECT once and writes as it goes.
 */
#ifndef LCM_EXPORT_INT_H
#define LCM_EXPORT_INT_H

#include "dataset.h"
#include "export.h"
#include "outfile.h"

typedef struct lcm__exp_vlabel {
    const char *value; /* the stored code (select_one choice name) */
    const char *label; /* its label */
} lcm__exp_vlabel;

/* Dates and times: the SELECT gives the number each format counts in (Stata: %td days or
 * %tc milliseconds since 1960-01-01; SPSS: seconds since 1582-10-14; Excel: days since
 * 1899-12-30), and the writer sets the matching display format. */
typedef enum lcm__exp_time { LCM_EXP_NOT_TIME, LCM_EXP_DATE, LCM_EXP_DATETIME } lcm__exp_time;

typedef struct lcm__exp_col {
    const char *name;  /* variable name: letters, digits, _ (at most 32 bytes) */
    const char *label; /* variable label, may be NULL */
    lcm_col_type type;
    size_t width;                   /* text: the longest value in bytes */
    const lcm__exp_vlabel *vlabels; /* value labels, may be NULL */
    size_t nvlabels;
    lcm__exp_time time; /* a date or date-time held as the format's number (see below) */
} lcm__exp_col;

typedef struct lcm__exp_src {
    const char *title; /* file label */
    const lcm__exp_col *cols;
    size_t ncols;
    sqlite3_stmt *rows; /* one result column per cols[i], in order */
    long nrows;
    int unguarded; /* csv: cells as stored, without the formula guard (export.h): the r
                      export's files, which its own script reads */
} lcm__exp_src;

/* Writers: each steps src->rows to the end. The file ones write to path (already the
 * temporary name); the stream ones to fp. */
lcm_status lcm__exp_csv(const lcm__exp_src *src, FILE *fp, int bom, lcm_err *err);
lcm_status lcm__exp_json(const lcm__exp_src *src, FILE *fp, lcm_err *err);
lcm_status lcm__exp_readstat(const lcm__exp_src *src, const char *path, int dta, lcm_err *err);
lcm_status lcm__exp_xlsx(const lcm__exp_src *src, const char *path, lcm_err *err);
/* A workbook with one sheet per source, named names[i] (NULL: Sheet1, ...). */
lcm_status lcm__exp_xlsx_book(const lcm__exp_src *const *srcs, const char *const *names, size_t n,
                              const char *path, lcm_err *err);
/* The rows of src as a JSON array of objects; each row starts on a new line after indent. */
lcm_status lcm__exp_json_rows(const lcm__exp_src *src, FILE *fp, const char *indent, lcm_err *err);
/* s as a JSON string, quoted and escaped. */
void lcm__exp_json_string(FILE *fp, const char *s);

/* Write src in format f (csv with bom, json, sav, dta, xlsx) to out (outfile.h: the
 * temporary file; messages name the user's). The caller commits or aborts out. */
lcm_status lcm__exp_write_out(const lcm__exp_src *src, lcm_export_format f, int bom, lcm_out *out,
                              lcm_err *err);

/* The outfile.h flags of an export: private (0600), and LCM_OUT_FORCE with opts->force. */
int lcm__exp_out_flags(const lcm_export_opts *opts);

/* Write src in opts' format: to opts->out (checked and written atomically, outfile.h),
 * or to opts->stream. */
lcm_status lcm__exp_write(const lcm__exp_src *src, const lcm_export_opts *opts, lcm_err *err);

/* One CSV field, quoted when it holds a separator, quote, line break or edge space, and
 * with a leading ' when a spreadsheet would take it for a formula (export.h). */
void lcm__exp_csv_field(FILE *fp, const char *s);

/* A number as text that reads back to the same double (shortest of %.15g/%.17g). */
void lcm__exp_number(double v, char *buf, size_t cap);

#endif
