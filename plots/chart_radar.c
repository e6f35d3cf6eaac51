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

#define RINGS 5
#define PI 3.14159265358979323846 /* PI is not in strict C17 */

static lcm_status check(const lcm_chart_radar *c, char *msg, size_t cap) {
    if (!c || c->npanel < 1 || c->npanel > 2 || !c->city || !(c->max >= 0) || isinf(c->max)) {
        lcm__msg(msg, cap, "radar: need 1 or 2 panels, a city name and max >= 0");
        return LCM_INVAL;
    }
    for (size_t p = 0; p < c->npanel; p++) {
        const lcm_chart_radar_panel *q = &c->panel[p];
        if (q->n < 3 || q->n > LCM_CHART_MAX_N || !q->city) {
            lcm__msg(msg, cap, "radar: panel %zu needs 3..%d axes with city scores", p,
                     LCM_CHART_MAX_N);
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

/* Axis names just outside the outer ring, aligned away from the centre. */
static void axis_labels(FILE *b, const lcm_chart_radar_panel *q, lcm_lang lang) {
    char clip[128], text[256];
    for (size_t k = 0; k < q->n; k++) {
        double a = angle(k, q->n), x = cos(a), y = sin(a);
        const char *name = lcm__clip(q->label[k], 20, clip, sizeof clip);
        if (isnan(q->city[k]))
            snprintf(text, sizeof text, "%s（%s）", name, lcm__txt(lang, LCM__T_MISSING));
        else
            snprintf(text, sizeof text, "%s %.0f", name, q->city[k]);
        fprintf(b, "set label %zu ", k + 1);
        lcm_gp_quote_fp(b, text);
        fprintf(b, " at %.4f, %.4f %s offset 0,%s\n", 1.08 * x, 1.08 * y,
                x > 0.05    ? "left"
                : x < -0.05 ? "right"
                            : "center",
                y > 0.9    ? "0.6"
                : y < -0.9 ? "-0.6"
                           : "0");
    }
}

static void ring_labels(FILE *b, double max, size_t first) {
    for (int j = 1; j <= RINGS; j++)
        fprintf(b,
                "set label %zu '%g' at 0, %.4f left offset 0.4,0.4 textcolor rgb '#888888' "
                "font ',8' front\n",
                first + (size_t)j, max * j / RINGS, (double)j / RINGS);
}

static void panel_plot(FILE *b, const lcm_chart_radar *c, size_t p, lcm_lang lang,
                       const char *path) {
    const lcm_chart_radar_panel *q = &c->panel[p];
    const char *title =
        q->title ? q->title : lcm__txt(lang, p ? LCM__T_SECOND_LEVEL : LCM__T_FIRST_LEVEL);
    fputs("unset label\n", b);
    lcm__set_text(b, "title", title);
    axis_labels(b, q, lang);
    ring_labels(b, c->max ? c->max : 100, q->n);
    if (p == 0 || c->npanel == 1)
        fputs("set key at screen 0.5, screen 0.05 center horizontal\n", b);
    else
        fputs("unset key\n", b);
    fputs("plot ", b);
    lcm_gp_quote_fp(b, path);
    fprintf(b,
            " index %zu with lines lc rgb '%s' notitle, '' index %zu with lines lc rgb '%s' "
            "notitle, '' index %zu with filledcurves closed fc rgb '%s' fs transparent solid "
            "0.25 noborder notitle, '' index %zu with linespoints lw 2.5 pt 7 ps 0.8 lc rgb "
            "'%s' title ",
            4 * p, LCM__C_GRID, 4 * p + 1, LCM__C_GRID, 4 * p + 3, LCM__C_HIGHLIGHT, 4 * p + 3,
            LCM__C_HIGHLIGHT);
    lcm_gp_quote_fp(b, c->city);
    fprintf(b, ", '' index %zu with lines lw 2 dt 2 lc rgb '%s' title ", 4 * p + 2, LCM__C_INK);
    lcm_gp_quote_fp(b, c->median_label ? c->median_label : lcm__txt(lang, LCM__T_PEER_MEDIAN));
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
    /* Room for the axis names around the unit circle; equal scales keep it round. */
    fputs("unset border\nunset tics\nset size ratio -1\nset xrange [-1.6:1.6]\n"
          "set yrange [-1.25:1.25]\nset bmargin 5\n",
          j.body);
    fprintf(j.body, "set multiplot layout 1,%zu", c->npanel);
    if (c->title) {
        fputs(" title ", j.body);
        lcm_gp_quote_fp(j.body, c->title);
    }
    fputc('\n', j.body);
    for (size_t p = 0; p < c->npanel; p++)
        panel_plot(j.body, c, p, o->lang, j.path);
    fputs("unset multiplot\n", j.body);
    return lcm__job_finish(&j, c->npanel == 2 ? 1300 : 700, 620);
}
