/*
 * pdf.h - a report's HTML printed to PDF by headless Chromium, run as a process (no shell),
 * as gnuplot is: A4 from the report's own print CSS, page numbers from its @page margin
 * boxes, links and text kept as text.
 */
#ifndef LCM_PDF_H
#define LCM_PDF_H

#include "lcmon.h"

#include <stddef.h>

/* The Chromium to run: $LCMON_CHROMIUM when set, else the first of chromium,
 * chromium-browser, google-chrome on PATH. Writes its path into out; 1 when found. */
int lcm_pdf_find_browser(char *out, size_t cap);

/* Print the HTML file html (a path) to the PDF file pdf, replacing it; the file appears
 * whole or not at all. LCM_EXTERNAL when no browser is installed ("install chromium") or
 * it fails, naming what it printed last; LCM_IO on a file problem. */
lcm_status lcm_pdf_print(const char *html, const char *pdf, lcm_err *err);

/* The page (1-based) of each of the anchors "<prefix>1" .. "<prefix>n" (HTML ids that a link
 * of the page points to) in a PDF Chromium printed, read from its named destinations and
 * page tree (Chromium writes both uncompressed). Fills pages[0..n-1] (0 when not found);
 * returns how many were found, 0 when the file cannot be read or parsed. */
int lcm_pdf_anchor_pages(const char *pdf, const char *prefix, int n, int *pages);

#endif
