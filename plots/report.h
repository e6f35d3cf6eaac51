/*
 * report.h - the feedback report as one self-contained HTML file.
 *
 * The caller builds a report struct (sections of paragraphs, lists, tables and charts) and
 * lcm_report_write renders it: one HTML document with its CSS (A4 print, page breaks kept
 * out of tables and figures, table headers repeated on each page) and every chart embedded
 * as a base64 data URI, so the file can be mailed to a city as it is. SVG charts are
 * embedded as <img> data URIs rather than inline <svg>: each image keeps its own ids
 * (gnuplot reuses the same ones in every SVG) and any script in an SVG stays inert.
 *
 * Numbers are right-aligned with their decimal points in line (a column's numbers are padded
 * to its most decimals), and those of 10,000 or more get thousands separators ("12,345",
 * as Chinese and English statistical tables both write them); units follow the number.
 * All text from the struct is HTML-escaped. Survey cells whose sample size is below
 * min_n are suppressed, as statistical offices do: the value never reaches the file, the
 * cell shows a mark and the table a note saying why.
 */
#ifndef LCM_PLOTS_REPORT_H
#define LCM_PLOTS_REPORT_H

#include "chart.h"
#include "status.h"

#include <stddef.h>
#include <stdio.h>

typedef enum lcm_cell_kind {
    LCM_CELL_TEXT = 0, /* text */
    LCM_CELL_NUM,      /* a number with `decimals` places */
    LCM_CELL_EST,      /* an estimate with its 95% CI, "72.3 (70.1–74.5)" */
} lcm_cell_kind;

typedef struct lcm_report_cell {
    lcm_cell_kind kind;
    const char *text; /* LCM_CELL_TEXT; NULL shows as empty */
    double value;     /* NUM, EST; NaN shows as missing */
    double lo, hi;    /* EST: CI bounds, NaN when there is none */
    int decimals;     /* 0..6 */
    long n;           /* respondents behind the value; < 0 = not a survey cell (never suppressed) */
    const char *unit; /* NUM, EST: unit shown after the number (e.g. "人", "persons"), or NULL */
    const char *ref;  /* where the number comes from, as a JSON object for the report model
                         (e.g. the estimate's variable and domain); not rendered; or NULL */
} lcm_report_cell;

typedef struct lcm_report_table {
    const char *caption;
    size_t nrow, ncol;           /* ncol 1..64 */
    const char *const *head;     /* ncol column headings */
    const lcm_report_cell *cell; /* nrow*ncol, row-major */
    const char *note;            /* source or remark under the table, or NULL */
} lcm_report_table;

typedef struct lcm_report_chart {
    const char *path;    /* a PNG or SVG file (recognised by its content) */
    const char *alt;     /* text alternative */
    const char *caption; /* under the figure, numbered "图 N"/"Figure N" */
} lcm_report_chart;

typedef enum lcm_block_kind {
    LCM_BLOCK_PARA = 0, /* text: a paragraph */
    LCM_BLOCK_SUBHEAD,  /* text: a heading inside the section */
    LCM_BLOCK_LIST,     /* item[nitem]: a bulleted list */
    LCM_BLOCK_TABLE,    /* table */
    LCM_BLOCK_CHART,    /* chart */
} lcm_block_kind;

typedef struct lcm_report_block {
    lcm_block_kind kind;
    const char *text;
    size_t nitem;
    const char *const *item;
    const lcm_report_table *table;
    const lcm_report_chart *chart;
} lcm_report_block;

typedef struct lcm_report_section {
    const char *heading;
    size_t nblock;
    const lcm_report_block *block;
} lcm_report_section;

typedef struct lcm_report {
    const char *title;
    const char *subtitle;  /* city, year; or NULL */
    lcm_lang lang;         /* language of the document and of the report's own words */
    long min_n;            /* survey cells with 0 <= n < min_n are suppressed */
    int missing_charts_ok; /* a chart file that does not exist becomes a note, not an error */
    size_t nsection;
    const lcm_report_section *section;
    const char *footer; /* e.g. how and when it was made; or NULL */
} lcm_report;

/* Write the report as HTML to out. LCM_INVAL for a malformed struct, LCM_IO when a chart
 * cannot be read (or out cannot be written), LCM_PARSE when a chart file is neither PNG
 * nor SVG, LCM_NOMEM; msg (size cap) says which. The caller owns and closes out. */
lcm_status lcm_report_write(const lcm_report *r, FILE *out, char *msg, size_t cap);

/* lcm_report_write_ex flags. LCM_REPORT_VECTOR: every PNG chart that has an SVG beside it
 * (same name, .svg) is embedded as that SVG, so a PDF printed from the HTML keeps its
 * charts as vector graphics (lines and text, not pixels). toc_pages: NULL, or the page
 * of each section (nsection entries) shown beside it in the contents (a printed copy:
 * the pages come from printing it once, see engine/pdf.h). Section i's anchor is
 * "s<i+1>" (1-based). */
enum { LCM_REPORT_VECTOR = 1u << 0 };
lcm_status lcm_report_write_ex(const lcm_report *r, FILE *out, unsigned flags, const int *toc_pages,
                               char *msg, size_t cap);

/* Write the report as a Word document (.docx, Office Open XML) to out: the same title,
 * contents (links to the sections), sections, bulleted lists, tables (header row repeated
 * on each page, numbers right-aligned, cells suppressed as in the HTML) and charts (the PNG,
 * with its SVG beside it added for Word versions that show SVG), numbered captions; A4,
 * Chinese fonts (宋体/黑体), page numbers in the footer. Same errors as lcm_report_write,
 * and a chart must have a PNG (the file itself or beside its SVG). */
lcm_status lcm_report_write_docx(const lcm_report *r, FILE *out, char *msg, size_t cap);

/* Write the base64 (RFC 4648) encoding of n bytes to out. Returns 0, or -1 on write error. */
int lcm_base64_fp(FILE *out, const unsigned char *p, size_t n);

#endif
