/*
 * qr.c - QR codes through libqrencode, written as SVG or as PNG (engine/qr.h).
 *
 * The PNG writer is the minimum the PNG specification (ISO/IEC 15948) needs: signature,
 * IHDR (1-bit greyscale, no interlace), one IDAT of zlib-deflated scanlines each led by
 * filter byte 0, IEND; chunk CRCs are zlib's crc32, which is the PNG CRC.
 */
#include "qr.h"
#include "outfile.h"
#include "strbuf.h"

#include <qrencode.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

lcm_status lcm_qr_encode(const char *text, lcm_qr **out, lcm_err *err) {
    *out = NULL;
    size_t len = text ? strlen(text) : 0;
    if (len == 0 || len > 2000)
        return lcm_err_set(err, LCM_INVAL, "a QR code holds 1 to 2000 bytes of text, not %zu", len);
    QRcode *c = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!c)
        return lcm_err_set(err, LCM_INTERNAL, "libqrencode cannot encode '%.60s'", text);
    lcm_qr *q = malloc(sizeof *q);
    unsigned char *dark = malloc((size_t)c->width * (size_t)c->width);
    if (!q || !dark) {
        free(q);
        free(dark);
        QRcode_free(c);
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    }
    q->version = c->version;
    q->width = c->width;
    q->dark = dark;
    /* libqrencode: bit 0 of each byte is the module's colour (1 = dark) */
    for (size_t i = 0; i < (size_t)c->width * (size_t)c->width; i++)
        dark[i] = c->data[i] & 1;
    QRcode_free(c);
    *out = q;
    return LCM_OK;
}

void lcm_qr_free(lcm_qr *q) {
    if (!q)
        return;
    free(q->dark);
    free(q);
}

lcm_status lcm_qr_svg(const char *text, char **out, lcm_err *err) {
    *out = NULL;
    lcm_qr *q = NULL;
    lcm_status rc = lcm_qr_encode(text, &q, err);
    if (rc != LCM_OK)
        return rc;
    int side = q->width + 2 * LCM_QR_QUIET;
    lcm_strbuf sb = LCM_STRBUF_INIT;
    lcm_strbuf_addf(&sb,
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                    "width=\"%d\" height=\"%d\" shape-rendering=\"crispEdges\">\n"
                    "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n<path fill=\"#000\" d=\"",
                    side, side, side * 8, side * 8, side, side);
    /* one subpath per run of dark modules in a row */
    for (int y = 0; y < q->width; y++)
        for (int x = 0; x < q->width;) {
            if (!q->dark[y * q->width + x]) {
                x++;
                continue;
            }
            int run = 1;
            while (x + run < q->width && q->dark[y * q->width + x + run])
                run++;
            lcm_strbuf_addf(&sb, "M%d %dh%dv1h-%dz", x + LCM_QR_QUIET, y + LCM_QR_QUIET, run, run);
            x += run;
        }
    lcm_strbuf_adds(&sb, "\"/>\n</svg>\n");
    lcm_qr_free(q);
    *out = lcm_strbuf_detach(&sb);
    return *out ? LCM_OK : lcm_err_set(err, LCM_NOMEM, "out of memory");
}

static void put32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

/* Append a chunk: length, type, data, CRC over type and data. */
static void chunk(lcm_strbuf *sb, const char *type, const unsigned char *data, size_t n) {
    unsigned char b[4];
    put32(b, (uint32_t)n);
    lcm_strbuf_add(sb, b, 4);
    lcm_strbuf_add(sb, type, 4);
    if (n)
        lcm_strbuf_add(sb, data, n);
    uLong crc = crc32(0L, (const Bytef *)type, 4);
    if (n)
        crc = crc32(crc, data, (uInt)n);
    put32(b, (uint32_t)crc);
    lcm_strbuf_add(sb, b, 4);
}

lcm_status lcm_qr_png(const char *text, int scale, unsigned char **out, size_t *n, lcm_err *err) {
    *out = NULL;
    *n = 0;
    if (scale == 0)
        scale = 8;
    if (scale < 1 || scale > 64)
        return lcm_err_set(err, LCM_INVAL, "a QR code's scale is 1 to 64 pixels per module: %d",
                           scale);
    lcm_qr *q = NULL;
    lcm_status rc = lcm_qr_encode(text, &q, err);
    if (rc != LCM_OK)
        return rc;
    size_t px = (size_t)(q->width + 2 * LCM_QR_QUIET) * (size_t)scale;
    size_t stride = 1 + (px + 7) / 8;
    unsigned char *raw = calloc(px, stride);
    uLongf zcap = compressBound((uLong)(px * stride));
    unsigned char *z = malloc(zcap);
    if (!raw || !z) {
        free(raw);
        free(z);
        lcm_qr_free(q);
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    }
    /* greyscale 1 bit: 1 = white; scanlines start with filter type 0 (None) */
    for (size_t y = 0; y < px; y++) {
        unsigned char *line = raw + y * stride;
        long my = (long)(y / (size_t)scale) - LCM_QR_QUIET;
        for (size_t x = 0; x < px; x++) {
            long mx = (long)(x / (size_t)scale) - LCM_QR_QUIET;
            int dark =
                my >= 0 && mx >= 0 && my < q->width && mx < q->width && q->dark[my * q->width + mx];
            if (!dark)
                line[1 + x / 8] |= (unsigned char)(0x80 >> (x % 8));
        }
    }
    lcm_qr_free(q);
    int zr = compress2(z, &zcap, raw, (uLong)(px * stride), 9);
    free(raw);
    if (zr != Z_OK) {
        free(z);
        return lcm_err_set(err, LCM_INTERNAL, "zlib cannot deflate the QR image (%d)", zr);
    }
    lcm_strbuf sb = LCM_STRBUF_INIT;
    lcm_strbuf_add(&sb, "\x89PNG\r\n\x1a\n", 8);
    unsigned char ihdr[13];
    put32(ihdr, (uint32_t)px);
    put32(ihdr + 4, (uint32_t)px);
    ihdr[8] = 1;  /* bit depth */
    ihdr[9] = 0;  /* greyscale */
    ihdr[10] = 0; /* deflate */
    ihdr[11] = 0; /* adaptive filtering, each line type 0 */
    ihdr[12] = 0; /* no interlace */
    chunk(&sb, "IHDR", ihdr, sizeof ihdr);
    chunk(&sb, "IDAT", z, zcap);
    chunk(&sb, "IEND", NULL, 0);
    free(z);
    *n = sb.len;
    *out = (unsigned char *)lcm_strbuf_detach(&sb);
    if (!*out) {
        *n = 0;
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    }
    return LCM_OK;
}

static lcm_status write_bytes(const char *path, const void *data, size_t n, int flags,
                              lcm_err *err) {
    lcm_out o;
    lcm_status rc = lcm_out_open(&o, path, flags, err);
    if (rc != LCM_OK)
        return rc;
    if (fwrite(data, 1, n, o.fp) != n) {
        lcm_out_abort(&o);
        return lcm_err_set(err, LCM_IO, "cannot write '%s'", path);
    }
    return lcm_out_commit(&o, err);
}

lcm_status lcm_qr_write(const char *text, const char *path_svg, const char *path_png, int flags,
                        lcm_err *err) {
    lcm_status rc = LCM_OK;
    if (path_svg) {
        char *svg = NULL;
        if ((rc = lcm_qr_svg(text, &svg, err)) == LCM_OK)
            rc = write_bytes(path_svg, svg, strlen(svg), flags, err);
        free(svg);
    }
    if (rc == LCM_OK && path_png) {
        unsigned char *png = NULL;
        size_t n = 0;
        if ((rc = lcm_qr_png(text, 0, &png, &n, err)) == LCM_OK)
            rc = write_bytes(path_png, png, n, flags, err);
        free(png);
    }
    return rc;
}
