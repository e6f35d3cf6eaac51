/*
 * report_embed.c - figures of the HTML report: a chart file read whole, recognised as PNG
 * or SVG by its content (not its name), and written as a base64 data URI so the report
 * stays one self-contained file.
 */
#include "chart_internal.h"
#include "escape.h"
#include "report_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A chart larger than this is not one of ours: refuse it rather than bloat the report. */
#define MAX_CHART (32L * 1024 * 1024)

int lcm_base64_fp(FILE *out, const unsigned char *p, size_t n) {
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char q[4];
    for (size_t i = 0; i < n; i += 3) {
        unsigned long v = (unsigned long)p[i] << 16;
        if (i + 1 < n)
            v |= (unsigned long)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        q[0] = abc[v >> 18 & 63];
        q[1] = abc[v >> 12 & 63];
        q[2] = i + 1 < n ? abc[v >> 6 & 63] : '=';
        q[3] = i + 2 < n ? abc[v & 63] : '=';
        if (fwrite(q, 1, 4, out) != 4)
            return -1;
    }
    return 0;
}

/* Read a whole file (at most MAX_CHART bytes) into a malloc'd buffer. */
lcm_status lcm__report_slurp(const char *path, unsigned char **data, size_t *n, char *msg,
                             size_t cap) {
    FILE *f = fopen(path, "rb");
    struct stat sb;
    *data = NULL;
    if (!f || fstat(fileno(f), &sb) != 0) {
        lcm__msg(msg, cap, "cannot read chart '%s': %s", path, strerror(errno));
        if (f)
            fclose(f);
        return LCM_IO;
    }
    lcm_status st = LCM_OK;
    if (sb.st_size <= 0 || sb.st_size > MAX_CHART) {
        lcm__msg(msg, cap, "chart '%s' is empty or larger than %ld bytes", path, MAX_CHART);
        st = LCM_PARSE;
    } else if (!(*data = malloc((size_t)sb.st_size))) {
        lcm__msg(msg, cap, "report: out of memory");
        st = LCM_NOMEM;
    } else if ((*n = fread(*data, 1, (size_t)sb.st_size, f)) != (size_t)sb.st_size) {
        lcm__msg(msg, cap, "cannot read chart '%s'", path);
        st = LCM_IO;
    }
    fclose(f);
    if (st != LCM_OK) {
        free(*data);
        *data = NULL;
    }
    return st;
}

/* The MIME type from the first bytes, or NULL when it is neither PNG nor SVG. */
const char *lcm__report_mime(const unsigned char *p, size_t n) {
    static const unsigned char png[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    if (n >= 8 && memcmp(p, png, 8) == 0)
        return "image/png";
    size_t i = n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    while (i < n && strchr(" \t\r\n", p[i]))
        i++;
    if (n - i >= 5 && (memcmp(p + i, "<?xml", 5) == 0 || memcmp(p + i, "<svg", 4) == 0))
        return "image/svg+xml";
    return NULL;
}

/* 1 when the file does not exist (as opposed to existing but unreadable). */
int lcm__report_chart_missing(const char *path) {
    struct stat sb;
    return stat(path, &sb) != 0 && errno == ENOENT;
}

static void caption(FILE *out, const lcm_report *r, const lcm_report_chart *c, int number) {
    fputs("<figcaption>", out);
    lcm__numbered(out, r->lang, LCM__R_FIGURE, number);
    if (c->caption)
        lcm_html_escape_fp(out, c->caption);
    fputs("</figcaption>\n</figure>\n", out);
}

int lcm__report_svg_sibling(const char *png, char *out, size_t cap) {
    size_t n = strlen(png);
    struct stat sb;
    if (n < 4 || n + 1 > cap || strcmp(png + n - 4, ".png") != 0)
        return 0;
    memcpy(out, png, n - 4);
    memcpy(out + n - 4, ".svg", 5);
    return stat(out, &sb) == 0 && S_ISREG(sb.st_mode);
}

lcm_status lcm__report_chart(FILE *out, const lcm_report *r, const lcm_report_chart *c, int number,
                             unsigned flags, char *msg, size_t cap) {
    unsigned char *data = NULL;
    size_t n = 0;
    char svg[4096];
    const char *path = c->path;
    if ((flags & LCM_REPORT_VECTOR) && lcm__report_svg_sibling(c->path, svg, sizeof svg))
        path = svg;
    if (r->missing_charts_ok && lcm__report_chart_missing(c->path)) {
        fprintf(out, "<figure>\n<p class=\"na\">%s</p>\n", lcm__rtxt(r->lang, LCM__R_NO_CHART));
        caption(out, r, c, number);
        return LCM_OK;
    }
    lcm_status st = lcm__report_slurp(path, &data, &n, msg, cap);
    if (st != LCM_OK)
        return st;
    const char *type = lcm__report_mime(data, n);
    if (!type) {
        free(data);
        lcm__msg(msg, cap, "chart '%s' is neither PNG nor SVG", path);
        return LCM_PARSE;
    }
    fputs("<figure>\n<img alt=\"", out);
    lcm_html_escape_fp(out, c->alt ? c->alt : (c->caption ? c->caption : ""));
    fputc('"', out);
    /* A PNG shows at the size it was laid out for (chart.h: LCM_CHART_DPI), so its text
     * prints at the chart's point sizes; an SVG carries its size in CSS pixels already. */
    if (type[6] == 'p' && n >= 24) {
        int px = (int)((unsigned long)data[16] << 24 | (unsigned long)data[17] << 16 |
                       (unsigned long)data[18] << 8 | data[19]);
        fprintf(out, " style=\"width:%.1fmm\"", lcm_chart_png_mm(px));
    }
    fprintf(out, " src=\"data:%s;base64,", type);
    lcm_base64_fp(out, data, n);
    fputs("\">\n", out);
    free(data);
    caption(out, r, c, number);
    return LCM_OK;
}
