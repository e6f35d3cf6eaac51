/*
 * chart_radar.c - radar (spider) profile of a city's indicator scores against the peer
 * median, one or two panels (first- and second-level indicators) side by side.
 *
 * gnuplot has no radar plot, so the geometry is computed here: axis k points at angle
 * 90° - 360°·k/n (the first axis straight up, then clockwise, as readers expect), the
 * rings and spokes are polylines, and the two series are closed polygons. The data file
 * holds four blocks per panel (rings, spokes, median, city), addressed with `index`.
 */
#include "chart_internal.h"
#include "escape.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define RINGS 5
#define PI 3.14159265358979323846 /* PI is not in strict C17 */

/* Print geometry (mm): the figure's width for two panels or one, its height, the rows of
 * the title, panel titles and key, and text measures at LCM_CHART_FONT_PT. */
#define W2 LCM_CHART_WIDTH_MM
#define W1 120.0
#define H2 110.0
#define H1 100.0
#define STACKED_H 190.0 /* two panels one above the other */
#define TITLE_MM 8.0
#define PTITLE_MM 6.0
#define KEY_MM 9.0
#define HALF_EM_MM                                                                                 \
    (LCM_CHART_FONT_PT * 0.52 * 25.4 / 72)             /* a CJK character is 1.04 em with its gap */
#define LINE_MM (LCM_CHART_FONT_PT * 1.45 * 25.4 / 72) /* cairo's line spacing */
/* Widths (half-ems) an axis name may be broken to: the panel takes the one that leaves the
 * largest ring with no two names overlapping. */
static const size_t wraps[] = {24, 20, 16, 14, 12, 10};

static lcm_status check(const lcm_chart_radar *c, char *msg, size_t cap) {
    if (!c || c->npanel < 1 || c->npanel > 2 || !c->city || !(c->max >= 0) || isinf(c->max)) {
        lcm__msg(msg, cap, "radar: need 1 or 2 panels, a city name and max >= 0");
        return LCM_INVAL;
    }
    if (!c->missing) {
        lcm__msg(msg, cap, "radar: missing (the mark of an axis with no score) is required");
        return LCM_INVAL;
    }
    for (size_t p = 0; p < c->npanel; p++) {
        const lcm_chart_radar_panel *q = &c->panel[p];
        if (q->n < 3 || q->n > LCM_CHART_MAX_N || !q->city) {
            lcm__msg(msg, cap, "radar: panel %zu needs 3..%d axes with city scores", p,
                     LCM_CHART_MAX_N);
            return LCM_INVAL;
        }
        if (q->median && !c->median_name) {
            lcm__msg(msg, cap, "radar: median_name (legend of the medians) is required");
            return LCM_INVAL;
        }
        lcm_status st = lcm__check_labels(q->label, q->n, "panel label", msg, cap);
        if (st != LCM_OK)
            return st;
    }
    return LCM_OK;
}

static double angle(size_t k, size_t n) {
    return PI / 2 - 2 * PI * (double)k / (double)n;
}

/* A closed polygon through the n axes at radii r[k]/max (clamped to the rings). */
static void polygon(FILE *f, const double *r, double fixed, size_t n, double max) {
    for (size_t j = 0; j <= n; j++) {
        size_t k = j % n;
        double v = r ? r[k] : fixed;
        v = isnan(v) ? 0 : fmin(fmax(v / max, 0), 1);
        fprintf(f, "%.6f %.6f\n", v * cos(angle(k, n)), v * sin(angle(k, n)));
    }
}

static void panel_data(FILE *f, const lcm_chart_radar_panel *q, double max) {
    for (int j = 1; j <= RINGS; j++) {
        polygon(f, NULL, max * j / RINGS, q->n, max);
        fputc('\n', f);
    }
    fputs("\n\n", f);
    for (size_t k = 0; k < q->n; k++)
        fprintf(f, "0 0\n%.6f %.6f\n\n", cos(angle(k, q->n)), sin(angle(k, q->n)));
    fputs("\n\n", f);
    if (q->median)
        polygon(f, q->median, 0, q->n, max);
    else
        fputs("NaN NaN\n", f); /* keeps the block numbering when there is no median */
    fputs("\n\n", f);
    polygon(f, q->city, 0, q->n, max);
    fputs("\n\n", f);
}

/* The text at axis k: its name broken over lines, then the score (or the missing mark). */
static const char *axis_text(const lcm_chart_radar *c, const lcm_chart_radar_panel *q, size_t k,
                             size_t width, char *out, size_t cap) {
    char wrap[1024];
    const char *name = lcm__wrap(q->label[k], width, wrap, sizeof wrap);
    if (isnan(q->city[k]))
        snprintf(out, cap, "%s（%s）", name, c->missing);
    else
        snprintf(out, cap, "%s %.0f", name, q->city[k]);
    return out;
}

/* Lines in text and the width of its widest line, in mm. */
static void measure(const char *text, int *lines, double *w) {
    char line[1024];
    *lines = 0, *w = 0;
    for (const char *p = text;; p++) {
        size_t n = strcspn(p, "\n");
        snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line ? n : sizeof line - 1), p);
        *w = fmax(*w, (double)lcm__width(line) * HALF_EM_MM);
        ++*lines;
        p += n;
        if (!*p)
            break;
    }
}

typedef struct box {
    double l, r, b, t;
} box;

/* Where the text of axis k (tw x th mm) sits at ring radius r mm: beside the anchor, away
 * from the centre; above the top axis, below the bottom one, else centred on it. */
static box text_box(size_t k, size_t n, double r, double tw, double th) {
    double a = angle(k, n), x = cos(a), y = sin(a), ax = 1.08 * r * x, ay = 1.08 * r * y;
    box bx;
    bx.l = x > 0.05 ? ax : x < -0.05 ? ax - tw : ax - tw / 2;
    bx.r = bx.l + tw;
    bx.b = y > 0.9 ? ay + 0.6 * LINE_MM : y < -0.9 ? ay - 0.6 * LINE_MM - th : ay - th / 2;
    bx.t = bx.b + th;
    return bx;
}

/* The largest ring radius (mm) at which the axis texts, broken to `width`, fit in a panel
 * of w x h mm; *overlaps counts pairs of neighbouring texts that would overlap there. */
static double radius(const lcm_chart_radar *c, const lcm_chart_radar_panel *q, size_t width,
                     double w, double h, int *overlaps) {
    char text[1200];
    double r = fmin(w, h) / 2 / 1.08;
    box *bx = malloc(q->n * sizeof *bx);
    for (int pass = 0; pass < 2; pass++)
        for (size_t k = 0; k < q->n; k++) {
            int lines;
            double tw;
            measure(axis_text(c, q, k, width, text, sizeof text), &lines, &tw);
            double x = fabs(cos(angle(k, q->n))), y = fabs(sin(angle(k, q->n)));
            if (pass == 0) {
                /* the text moves out with the ring: keep its far edges inside the panel */
                box one = text_box(k, q->n, 1, tw, lines * LINE_MM);
                double ext = fmax(fabs(one.t), fabs(one.b)) - 1.08 * y; /* beyond the anchor */
                if (x > 0.05)
                    r = fmin(r, (w / 2 - tw - 1) / (1.08 * x));
                r = fmin(r, (h / 2 - ext) / (1.08 * y + 1e-9));
            } else if (bx) {
                bx[k] = text_box(k, q->n, r, tw, lines * LINE_MM);
            }
        }
    *overlaps = 0;
    for (size_t k = 0; bx && k < q->n; k++) {
        box p = bx[k], o = bx[(k + 1) % q->n];
        *overlaps += p.l < o.r && o.l < p.r && p.b < o.t && o.b < p.t;
    }
    free(bx);
    return fmax(r, 5);
}

/* The line width for the axis names of a panel (into *width when not NULL) and the ring
 * radius (mm) it allows; returns the number of overlapping names left. */
static int best_width(const lcm_chart_radar *c, const lcm_chart_radar_panel *q, double w, double h,
                      double *r, size_t *width) {
    size_t best = wraps[0];
    int fewest = -1;
    *r = 0;
    for (size_t i = 0; i < sizeof wraps / sizeof wraps[0]; i++) {
        int ov;
        double ri = radius(c, q, wraps[i], w, h, &ov);
        if (fewest < 0 || ov < fewest || (ov == fewest && ri > *r))
            best = wraps[i], *r = ri, fewest = ov;
    }
    if (width)
        *width = best;
    return fewest;
}

/* Axis names just outside the outer ring (see text_box; gnuplot puts a label's first line
 * at its anchor and the others below it). */
static void axis_labels(FILE *b, const lcm_chart_radar *c, const lcm_chart_radar_panel *q,
                        size_t width) {
    char text[1200];
    for (size_t k = 0; k < q->n; k++) {
        double a = angle(k, q->n), x = cos(a), y = sin(a);
        int lines;
        double tw;
        measure(axis_text(c, q, k, width, text, sizeof text), &lines, &tw);
        fprintf(b, "set label %zu ", k + 1);
        lcm__gp_lines(b, text);
        fprintf(b, " at %.4f, %.4f %s offset 0,%.1f\n", 1.08 * x, 1.08 * y,
                x > 0.05    ? "left"
                : x < -0.05 ? "right"
                            : "center",
                y > 0.9    ? lines - 1 + 0.6
                : y < -0.9 ? -0.6
                           : (lines - 1) / 2.0);
    }
}

static void ring_labels(FILE *b, double max, size_t first) {
    for (int j = 1; j <= RINGS; j++)
        fprintf(b,
                "set label %zu '%g' at 0, %.4f left offset 0.4,0.4 textcolor rgb '#888888' "
                "font ',8' front\n",
                first + (size_t)j, max * j / RINGS, (double)j / RINGS);
}

/* A panel's box in the figure (mm from the bottom left), its title row included. */
typedef struct pbox {
    double x0, y0, w, h;
} pbox;

/* Height (mm) of the plot area of panel p in box h mm high. */
static double plot_h(const lcm_chart_radar *c, size_t p, double h) {
    return h - (c->panel[p].title ? PTITLE_MM : 0);
}

/* One panel in its box of a figure fw x H mm. */
static void panel_plot(FILE *b, const lcm_chart_radar *c, size_t p, pbox bx, double fw, double H,
                       const char *path) {
    const lcm_chart_radar_panel *q = &c->panel[p];
    double h = plot_h(c, p, bx.h), r;
    size_t width;
    best_width(c, q, bx.w, h, &r, &width);
    fputs("unset label\n", b);
    if (p == 0 && c->title) {
        fputs("set label 100 ", b);
        lcm_gp_quote_fp(b, c->title);
        fprintf(b, " at screen 0.5, screen %.4f center\n", (H - TITLE_MM / 2) / H);
    }
    if (q->title) {
        fputs("set label 101 ", b);
        lcm_gp_quote_fp(b, q->title);
        fprintf(b, " at screen %.4f, screen %.4f center\n", (bx.x0 + bx.w / 2) / fw,
                (bx.y0 + h + PTITLE_MM / 2) / H);
    }
    fprintf(b,
            "set origin %.4f, %.4f\nset size %.4f, %.4f\nset xrange [%.4f:%.4f]\n"
            "set yrange [%.4f:%.4f]\n",
            bx.x0 / fw, bx.y0 / H, bx.w / fw, h / H, -bx.w / 2 / r, bx.w / 2 / r, -h / 2 / r,
            h / 2 / r);
    axis_labels(b, c, q, width);
    ring_labels(b, c->max ? c->max : 100, q->n);
    fputs("unset key\n", b);
    fputs("plot ", b);
    lcm_gp_quote_fp(b, path);
    fprintf(b,
            " index %zu with lines lc rgb '%s' notitle, '' index %zu with lines lc rgb '%s' "
            "notitle, '' index %zu with filledcurves closed fc rgb '%s' fs transparent solid "
            "0.25 noborder notitle, '' index %zu with linespoints lw 2.5 pt 7 ps 0.8 lc rgb "
            "'%s' notitle",
            4 * p, LCM__C_GRID, 4 * p + 1, LCM__C_GRID, 4 * p + 3, LCM__C_HIGHLIGHT, 4 * p + 3,
            LCM__C_HIGHLIGHT);
    lcm_gp_quote_fp(b, c->city);
    if (q->median)
        fprintf(b, ", '' index %zu with lines lw 2 dt 2 lc rgb '%s' notitle", 4 * p + 2,
                LCM__C_INK);
    fputc('\n', b);
}

/* The key: a strip across the bottom of the figure, under both panels. */
static void key_strip(FILE *b, const lcm_chart_radar *c, double H) {
    fprintf(b,
            "unset label\nset origin 0, 0\nset size 1, %.4f\nset xrange [0:1]\nset yrange [0:1]\n"
            "set key center center horizontal maxrows 1\nplot NaN with linespoints lw 2.5 pt 7 "
            "ps 0.8 lc rgb '%s' title ",
            KEY_MM / H, LCM__C_HIGHLIGHT);
    lcm_gp_quote_fp(b, c->city);
    if (c->median_name) {
        fprintf(b, ", NaN with lines lw 2 dt 2 lc rgb '%s' title ", LCM__C_INK);
        lcm_gp_quote_fp(b, c->median_name);
    }
    fputc('\n', b);
}

lcm_status lcm_chart_radar_render(const lcm_chart_radar *c, const lcm_chart_opts *o, FILE *script,
                                  char *msg, size_t cap) {
    lcm__job j;
    lcm_status st = lcm__job_start(&j, o, script, check(c, msg, cap),
                                   "x y; per panel: rings, spokes, median, city", msg, cap);
    if (st != LCM_OK)
        return st;
    for (size_t p = 0; p < c->npanel; p++)
        panel_data(j.data, &c->panel[p], c->max ? c->max : 100);
    if ((st = lcm__job_body(&j, NULL)) != LCM_OK)
        return st;
    double fw = o->width_mm ? o->width_mm : c->npanel == 2 ? W2 : W1;
    double fh = o->height_mm ? o->height_mm : c->npanel == 2 ? H2 : H1;
    double top = c->title ? TITLE_MM : 0;
    pbox pb[2] = {{0, KEY_MM, fw, fh - KEY_MM - top}, {0, 0, 0, 0}};
    /* Two panels side by side, sharing the width so that their rings are as large as they
     * can be together with no axis names overlapping (each panel with its best line width);
     * where names would still overlap, one above the other at full width (a taller chart). */
    if (c->npanel == 2) {
        double best = -INFINITY;
        int ov = 0;
        for (double sh = 0.3; sh < 0.71; sh += 0.05) {
            double r0, r1, h = fh - KEY_MM - top;
            int ov0 = best_width(c, &c->panel[0], fw * sh, plot_h(c, 0, h), &r0, NULL);
            int ov1 = best_width(c, &c->panel[1], fw * (1 - sh), plot_h(c, 1, h), &r1, NULL);
            if (r0 + r1 - 100.0 * (ov0 + ov1) > best) {
                best = r0 + r1 - 100.0 * (ov0 + ov1), ov = ov0 + ov1;
                pb[0] = (pbox){0, KEY_MM, fw * sh, h};
                pb[1] = (pbox){fw * sh, KEY_MM, fw * (1 - sh), h};
            }
        }
        if (ov > 0 && !o->height_mm) {
            fh = STACKED_H;
            double h = fh - KEY_MM - top, h1 = h * 0.6;
            pb[1] = (pbox){0, KEY_MM, fw, h1};
            pb[0] = (pbox){0, KEY_MM + h1, fw, h - h1};
        }
    }
    fputs("unset border\nunset tics\nset margins 0, 0, 0, 0\nset multiplot\n", j.body);
    for (size_t p = 0; p < c->npanel; p++)
        panel_plot(j.body, c, p, pb[p], fw, fh, j.path);
    key_strip(j.body, c, fh);
    fputs("unset multiplot\n", j.body);
    return lcm__job_finish(&j, fw, fh);
}
