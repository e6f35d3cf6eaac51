/*
 * qr.h - QR codes of campaign and invitation links, as SVG and PNG (libqrencode).
 *
 * Links are encoded in 8-bit mode at error correction level M (15% of the symbol may be
 * lost: a poster can be creased or stained), with the 4-module quiet zone ISO/IEC 18004
 * asks for around the symbol. The PNG is 1-bit greyscale, deflated with zlib; the SVG is one
 * path of unit squares in a viewBox, so it scales to any print size without blur.
 */
#ifndef LCM_QR_H
#define LCM_QR_H

#include "error.h"

#include <stddef.h>

/* Modules of the quiet zone on each side. */
#define LCM_QR_QUIET 4

/* A symbol: width x width modules, dark[y * width + x] 1 for a dark module (quiet zone not
 * included), and the QR version (1..40) libqrencode chose. */
typedef struct lcm_qr {
    int version;
    int width;
    unsigned char *dark;
} lcm_qr;

/* Encode text (1..2000 bytes); *out is the caller's, to free with lcm_qr_free. */
lcm_status lcm_qr_encode(const char *text, lcm_qr **out, lcm_err *err);
void lcm_qr_free(lcm_qr *q);

/* text as an SVG document (malloc'd, NUL-terminated, the caller's). */
lcm_status lcm_qr_svg(const char *text, char **out, lcm_err *err);
/* text as PNG bytes (malloc'd, the caller's), scale pixels per module (0 means 8, at most
 * 64). */
lcm_status lcm_qr_png(const char *text, int scale, unsigned char **out, size_t *n, lcm_err *err);
/* Write text's QR code to path_svg and path_png (either may be NULL) through outfile.h
 * (flags: LCM_OUT_FORCE replaces existing files). */
lcm_status lcm_qr_write(const char *text, const char *path_svg, const char *path_png, int flags,
                        lcm_err *err);

#endif
