/*
 * chart_ipa.c - importance-performance analysis (Martilla & James 1977): satisfaction
 * items by performance (x) and importance (y), split at the cuts into four quadrants whose
 * names say what to do. Points are coloured by quadrant and the key names the quadrants,
 * so no quadrant caption can collide with a point; point labels are laid out by
 * chart_place so they do not collide with each other.
 */
#include "chart_internal.h"
#include "chart_place.h"
#include "escape.h"

#include <math.h>
#include <stdlib.h>

/* Plot area in screen fractions, fixed so label layout knows the pixel geometry. */
#define L 0.11
#define R 0.97
#define B 0.22
#define T 0.91
#define FONT_PT 9
#define PX_PER_PT 1.34 /* cairo at gnuplot's default resolution */

static const struct {
    lcm__text name;
    const char *color;
} quad[4] = {{LCM__T_Q_KEEP, "#1b9e77"},
             {LCM__T_Q_CONCENTRATE, "#d95f02"},
             {LCM__T_Q_LOW, "#7f7f7f"},
             {LCM__T_Q_OVERKILL, "#7570b3"}};

static lcm_status check(const lcm_chart_ipa *c, char *msg, size_t cap) {
    if (!c || c->n == 0 || c->n > LCM_CHART_MAX_N || !c->perf || !c->imp) {
        lcm__msg(msg, cap, "ipa: need 1..%d items with performance and importance",
                 LCM_CHART_MAX_N);
        return LCM_INVAL;
    }
    if (!c->xlabel || !c->ylabel) {
        lcm__msg(msg, cap, "ipa: xlabel and ylabel (with units) are required");
        return LCM_INVAL;
    }
    return lcm__check_labels(c->label, c->n, "label", msg, cap);
}

/* Mean of v over the items that have both values: the others are not drawn. */
static double mean_drawn(const double *v, const lcm_chart_ipa *c) {
    double s = 0;
    size_t m = 0;
    for (size_t i = 0; i < c->n; i++)
        if (!isnan(c->perf[i]) && !isnan(c->imp[i]))
            s += v[i], m++;
    return m ? s / (double)m : NAN;
}

static int quadrant(double x, double y, double xc, double yc) {
    return y >= yc ? (x >= xc ? 0 : 1) : (x >= xc ? 3 : 2);
}

/* Data range with a margin, always including the cut so both lines show. */
static void range(const double *v, size_t n, double cut, double *lo, double *hi) {
    *lo = cut, *hi = cut;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i]))
            *lo = fmin(*lo, v[i]), *hi = fmax(*hi, v[i]);
    double pad = (*hi - *lo) * 0.12 + 1e-9;
    *lo -= pad, *hi += pad;
}

static void write_data(FILE *f, const lcm_chart_ipa *c, double xc, double yc) {
    for (size_t i = 0; i < c->n; i++) {
        if (isnan(c->perf[i]) || isnan(c->imp[i]))
            continue;
        lcm__num(f, c->perf[i]);
        fputc(' ', f);
        lcm__num(f, c->imp[i]);
        fprintf(f, " %d\n", quadrant(c->perf[i], c->imp[i], xc, yc));
    }
}

static lcm_status labels(FILE *b, const lcm_chart_ipa *c, const lcm__place_area *a) {
    lcm__placed *at = malloc(c->n * sizeof *at);
    if (!at || lcm__place_labels(a, c->n, c->perf, c->imp, c->label, at) != 0) {
        free(at);
        return LCM_NOMEM;
    }
    for (size_t i = 0; i < c->n; i++) {
        if (!at[i].align)
            continue;
        fprintf(b, "set label %zu ", i + 1);
        lcm_gp_quote_fp(b, c->label[i]);
        fprintf(b, " at %.10g, %.10g %s font ',%d' front\n", at[i].x, at[i].y, at[i].align,
                FONT_PT);
    }
    free(at);
    return LCM_OK;
}

static void frame(FILE *b, const lcm__place_area *a, double xc, double yc) {
    fprintf(b,
            "set lmargin at screen %g\nset rmargin at screen %g\nset bmargin at screen %g\n"
            "set tmargin at screen %g\nset xrange [%.10g:%.10g]\nset yrange [%.10g:%.10g]\n"
            "set border 3 lc rgb '%s'\nset tics nomirror out\n"
            "set key at screen 0.5, screen 0.04 center bottom horizontal maxcols 4\n",
            L, R, B, T, a->x0, a->x1, a->y0, a->y1, LCM__C_INK);
    fprintf(b,
            "set arrow 1 from %.10g, graph 0 to %.10g, graph 1 nohead dt 2 lc rgb '%s'\n"
            "set arrow 2 from graph 0, first %.10g to graph 1, first %.10g nohead dt 2 lc "
            "rgb '%s'\n",
            xc, xc, LCM__C_INK, yc, yc, LCM__C_INK);
}

static void plot(FILE *b, const lcm_chart_ipa *c, lcm_lang lang, const char *path) {
    fputs("plot ", b);
    for (int q = 0; q < 4; q++) {
        if (q)
            fputs(", ", b);
        if (q == 0)
            lcm_gp_quote_fp(b, path);
        else
            fputs("''", b);
        fprintf(b, " using 1:(($3==%d)?$2:NaN) with points pt 7 ps 1.3 lc rgb '%s' title ", q,
                quad[q].color);
        lcm_gp_quote_fp(b, c->quadrant[q] ? c->quadrant[q] : lcm__txt(lang, quad[q].name));
    }
    fputc('\n', b);
}

lcm_status lcm_chart_ipa_render(const lcm_chart_ipa *c, const lcm_chart_opts *o, FILE *script,
                                char *msg, size_t cap) {
    lcm__job j;
    lcm_status st = lcm__job_start(&j, o, script, check(c, msg, cap),
                                   "performance importance quadrant(0 keep,1 concentrate,2 "
                                   "low,3 overkill)",
                                   msg, cap);
    if (st != LCM_OK)
        return st;
    double xc = isnan(c->xcut) ? mean_drawn(c->perf, c) : c->xcut;
    double yc = isnan(c->ycut) ? mean_drawn(c->imp, c) : c->ycut;
    if (isnan(xc) || isnan(yc))
        return lcm__job_abort(&j, LCM_INVAL, "no item has both performance and importance");
    int w = o->width ? o->width : 820, h = o->height ? o->height : 640;
    lcm__place_area a = {0, 0, 0, 0, w * (R - L), h * (T - B), FONT_PT * PX_PER_PT, xc, yc};
    range(c->perf, c->n, xc, &a.x0, &a.x1);
    range(c->imp, c->n, yc, &a.y0, &a.y1);
    write_data(j.data, c, xc, yc);
    if ((st = lcm__job_body(&j, c->title)) != LCM_OK)
        return st;
    lcm__set_text(j.body, "xlabel", c->xlabel);
    lcm__set_text(j.body, "ylabel", c->ylabel);
    frame(j.body, &a, xc, yc);
    if (labels(j.body, c, &a) != LCM_OK)
        return lcm__job_abort(&j, LCM_NOMEM, "out of memory");
    plot(j.body, c, o->lang, j.path);
    return lcm__job_finish(&j, w, h);
}
