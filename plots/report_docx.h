/*
 * report_docx.h - what the Word renderer's two files share (report_docx.c: the body;
 * report_docx_parts.c: the package and its fixed parts). Not part of the public API.
 */
#ifndef LCM_PLOTS_REPORT_DOCX_H
#define LCM_PLOTS_REPORT_DOCX_H

#include "report_internal.h"

#include <zip.h>

typedef struct lcm__docx {
    zip_source_t *src; /* the archive, in memory */
    zip_t *za;
} lcm__docx;

/* Start an empty archive in memory. */
lcm_status lcm__docx_open(lcm__docx *d, char *msg, size_t cap);
/* Add member name with n bytes of data (malloc'd; owned by the archive from now on, freed
 * even on failure); store: 1 keeps it uncompressed (PNG). */
lcm_status lcm__docx_add(lcm__docx *d, const char *name, void *data, size_t n, int store, char *msg,
                         size_t cap);
lcm_status lcm__docx_add_text(lcm__docx *d, const char *name, const char *text, char *msg,
                              size_t cap);
/* Content types, package relationships, core properties (the title), styles, numbering,
 * fonts, settings, footer: the members before any image and the document. */
lcm_status lcm__docx_fixed_parts(lcm__docx *d, const lcm_report *r, char *msg, size_t cap);
/* Start word/_rels/document.xml.rels with the fixed parts' relationships. */
void lcm__docx_rels_head(FILE *f);
void lcm__docx_rel_image(FILE *f, const char *id, const char *target);
/* Close the archive and copy its bytes to out; d is released either way. */
lcm_status lcm__docx_finish(lcm__docx *d, FILE *out, char *msg, size_t cap);
/* Drop the archive unwritten. */
void lcm__docx_discard(lcm__docx *d);

#endif
