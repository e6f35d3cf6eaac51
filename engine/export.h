/*
 * export.h - datasets (and, through the same writers, form responses) out of the store
 * for R, SPSS, Stata, Excel and scripts: CSV, JSON, .sav, .dta, .xlsx.
 *
 * Rows are streamed from one SELECT, never held in memory (xlsx uses libxlsxwriter's
 * constant-memory mode). A file is written under a temporary name and renamed at the
 * end, so a failed export never leaves half a file where the real one should be.
 */
#ifndef LCM_EXPORT_H
#define LCM_EXPORT_H

#include "lcmon.h"

#include <stdio.h>

typedef enum lcm_export_format {
    LCM_EXPORT_CSV,
    LCM_EXPORT_JSON,
    LCM_EXPORT_SAV,
    LCM_EXPORT_DTA,
    LCM_EXPORT_XLSX,
} lcm_export_format;

/* Parse csv, json, sav, dta or xlsx; 0, or -1 for anything else. */
int lcm_export_format_parse(const char *s, lcm_export_format *out);

typedef struct lcm_export_opts {
    lcm_export_format format;
    const char *out; /* file to write; NULL: write to stream (csv and json only) */
    FILE *stream;    /* used when out is NULL */
    int bom;         /* csv: start with a UTF-8 byte-order mark (Excel opens it as UTF-8) */
} lcm_export_opts;

/* Export dataset name (see dataset.h) with variable names and the original headers as
 * variable labels (sav, dta). *rows (may be NULL) gets the number of rows written. */
lcm_status lcm_export_dataset(lcm_db *db, const char *name, const lcm_export_opts *opts, long *rows,
                              lcm_err *err);

#endif
