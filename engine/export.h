/*
 * export.h - datasets (and, through the same writers, form responses) out of the store
 * for R, SPSS, Stata, Excel and scripts: CSV, JSON, .sav, .dta, .xlsx.
 *
 * Rows are streamed from one SELECT, never held in memory (xlsx uses libxlsxwriter's
 * constant-memory mode). Files go through outfile.h: never over the open database or a
 * non-regular file, over an existing file only with opts->force, created 0600 (the rows
 * are respondents' data), written under a temporary name and renamed at the end, so a
 * failed export never leaves half a file where the real one should be.
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
    LCM_EXPORT_R, /* forms only: CSV files and an R script declaring the survey design */
} lcm_export_format;

/* ---- CSV cells a spreadsheet would run (OWASP, "CSV injection") ----------------------
 * A text cell starting with = + - @, tab or CR is written with a leading ' so that Excel
 * or LibreOffice shows it as text instead of evaluating it; so is a cell that already
 * starts with one or more ' followed by one of those, so the rule can be undone exactly.
 * A plain decimal number (-3.5, +1e3, 12) is written as it is. lcmon's imports undo it:
 * a cell of ' followed by ''* and one of = + - @ tab CR loses its first '. */

/* 1 when the CSV writers put a ' before s. */
int lcm_csv_cell_guarded(const char *s);

/* Undo the guard on the n bytes at s, in place; returns the new length. */
size_t lcm_csv_cell_unguard(char *s, size_t n);

/* Parse csv, json, sav, dta, xlsx or r; 0, or -1 for anything else. */
int lcm_export_format_parse(const char *s, lcm_export_format *out);

typedef struct lcm_export_opts {
    lcm_export_format format;
    const char *out; /* file to write; NULL: write to stream (csv and json only) */
    FILE *stream;    /* used when out is NULL */
    int bom;         /* csv: start with a UTF-8 byte-order mark (Excel opens it as UTF-8) */
    int force;       /* replace existing files (never the database, never a non-regular file) */
} lcm_export_opts;

/* Export dataset name (see dataset.h) with variable names and the original headers as
 * variable labels (sav, dta). *rows (may be NULL) gets the number of rows written. */
lcm_status lcm_export_dataset(lcm_db *db, const char *name, const lcm_export_opts *opts, long *rows,
                              lcm_err *err);

/* ---- form responses ----------------------------------------------------------------
 * The main table and each roster (repeat) as a table of its own, rosters keyed by their
 * parent (instance_id, position):
 *   csv, sav, dta  one file per table: opts->out for the main table, then the stem of
 *                  opts->out + "__<repeat>" + its extension (hh.sav, hh__members.sav)
 *   xlsx           one workbook, one sheet per table (the form id, then each repeat name)
 *   json           one document: {"form", "version", "tables": [{"name", "table", "key",
 *                  "variables": [{"name", "label"}], "rows": [{...}, ...]}, ...]}, the
 *                  main table first, then the rosters (one array per table, not nested)
 *   r              opts->out is a directory: <form>.csv, <form>__<repeat>.csv (UTF-8, no
 *                  BOM) and <form>.R, which reads them and declares the design with
 *                  svydesign() as `lcmon design set` declared it, calibrated as the
 *                  declared calibration (margins in <form>.margins.csv), so R gives
 *                  lcmon's estimates and SEs (see lcm_export_r_script)
 * sav and dta also get SPSS syntax (<stem>.sps) or a Stata do-file (<stem>.do) beside the
 * main file: it opens the file, repeats the variable and value labels and declares the
 * design (CSPLAN ANALYSIS, svyset; final_weight when a calibration is declared).
 * Variable labels are the fields' labels in the chosen language (a select_multiple's 0/1
 * column: "<question>: <choice>"; a calculate field without a label: "派生变量：" or
 * "Derived: " and its calculation); the standard columns have fixed labels, or those of the
 * field that fills them. sav and dta store a select_one as a number with the choice labels
 * as value labels: the choice name when every name of its list is a whole number, else its
 * position in the list (1, 2, ...); the 0/1 columns get "not selected"/"selected"; a scale
 * (range field whose hint lists its points, "1 很不满意，2 不太满意，…") gets its points as
 * value labels. xlsx writes whole-number codes as numbers and ends with a "codebook" sheet
 * (table, variable, label, type, value labels). Timestamps (started_at, ended_at, start,
 * end) and dates (date, today) are Stata %tc / %td, SPSS DATETIME20 / DATE11 and Excel date
 * cells of the local clock time stored; other formats keep the stored text.
 * Only complete interviews (and their roster rows) are exported unless include_drafts.
 * Fields marked lcmon_pii (form.h), and the standard columns they fill, are left out
 * unless include_pii. Every file is written under a temporary name; they are renamed only
 * when all are complete. */
typedef struct lcm_export_form_opts {
    const char *version; /* NULL: the most recently loaded version */
    const char *lang;    /* language of the labels; NULL: the form's default */
    int labels;          /* csv, json, xlsx: a select_one's choice label instead of its code */
    int include_pii;     /* keep fields marked as personal data */
    int wave;            /* 0: every wave; else this wave's instances and their roster rows */
    int include_drafts;  /* keep draft interviews too (default: complete ones only, the rows
                            lcmon estimates from) */
} lcm_export_form_opts;

typedef struct lcm_export_table {
    char *name;  /* the form id for the main table, else the repeat's name */
    char *table; /* its SQL table */
    char *file;  /* the file written for it (csv, sav, dta, r); NULL for xlsx and json */
    long rows;
    size_t ncols;
} lcm_export_table;

typedef struct lcm_export_report {
    lcm_export_table *tables; /* main table first */
    size_t ntables;
    char *script;        /* r: the R script, dta: the Stata do-file, sav: the SPSS syntax
                            written beside the data, else NULL */
    char *margins;       /* r with a calibration: the margins file the script reads */
    size_t pii_left_out; /* columns left out as personal data */
    char pii_names[256]; /* their names, comma-separated (cut with "..." when long) */
} lcm_export_report;

/* Free what a report owns; a zeroed report is fine. */
void lcm_export_report_free(lcm_export_report *rep);

/* Export the responses of form_id (opts->out is required). rep may be NULL. */
lcm_status lcm_export_form(lcm_db *db, const char *form_id, const lcm_export_form_opts *fo,
                           const lcm_export_opts *opts, lcm_export_report *rep, lcm_err *err);

/* The R script an r export of form_id writes: it reads <form>.csv and the roster files
 * from the directory it is in, keeps complete interviews, and declares the design stored
 * for (form, fo->wave) with svydesign(); when a calibration is declared it reads its
 * margins from <form>.margins.csv and redoes it (postStratify(), rake() or
 * calibrate(calfun = "linear")), so its estimates and SEs are lcmon's. *out is the
 * caller's to free. LCM_NOTFOUND when no design is declared. */
lcm_status lcm_export_r_script(lcm_db *db, const char *form_id, const lcm_export_form_opts *fo,
                               char **out, lcm_err *err);

#endif
