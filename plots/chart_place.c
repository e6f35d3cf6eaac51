/*
 * chart_place.c - greedy label placement for labelled scatter plots (see chart_place.h).
 */
#include "chart_place.h"

#include <math.h>
#include <stdlib.h>

typedef struct box {
    double l, r, b, t; /* pixels */
} box;

double lcm__text_px(const char *s, double px) {
    double w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p & 0xC0) == 0x80)
            continue;
        w += *p >= 0xE0 ? px : 0.6 * px; /* 3- and 4-byte sequences: CJK and symbols */
    }
    return w;
}

static double to_px(double v, double v0, double v1, double len) {
    return (v - v0) / (v1 - v0) * len;
}

static double overlap(box a, box b) {
    double w = fmin(a.r, b.r) - fmax(a.l, b.l), h = fmin(a.t, b.t) - fmax(a.b, b.b);
    return w > 0 && h > 0 ? w * h : 0;
}

/* The eight spots, in order of preference: right, left, above, below, then diagonals.
 * dx, dy are in units of the font size; align is how the text hangs off the anchor. */
static const struct {
    double dx, dy;
    int align; /* -1 text ends at anchor (right), 0 centred, 1 starts at anchor (left) */
} spots[] = {{0.6, 0, 1},   {-0.6, 0, -1},  {0, 1.1, 0},     {0, -1.1, 0},
             {0.5, 0.9, 1}, {0.5, -0.9, 1}, {-0.5, 0.9, -1}, {-0.5, -0.9, -1}};

static box spot_box(const lcm__place_area *a, double px, double py, double tw, size_t s) {
    double ax = px + spots[s].dx * a->font_px, ay = py + spots[s].dy * a->font_px;
    double l = spots[s].align > 0 ? ax : spots[s].align < 0 ? ax - tw : ax - tw / 2;
    box b = {l, l + tw, ay - 0.6 * a->font_px, ay + 0.6 * a->font_px};
    return b;
}

/* How bad a spot is: overlap with placed labels and all points, and leaving the area. */
static double cost(const lcm__place_area *a, box b, const box *placed, size_t np, const box *pts,
                   size_t n) {
    double c = 0;
    for (size_t j = 0; j < np; j++)
        c += overlap(b, placed[j]);
    for (size_t j = 0; j < n; j++)
        c += overlap(b, pts[j]);
    if (b.l < 0 || b.r > a->w || b.b < 0 || b.t > a->h)
        c += 1e6;
    double xl = to_px(a->xline, a->x0, a->x1, a->w), yl = to_px(a->yline, a->y0, a->y1, a->h);
    if ((b.l < xl && xl < b.r) || (b.b < yl && yl < b.t))
        c += a->font_px * a->font_px; /* as bad as a small overlap */
    return c;
}

int lcm__place_labels(const lcm__place_area *a, size_t n, const double *x, const double *y,
                      const char *const *text, lcm__placed *out) {
    box *pts = malloc((n ? n : 1) * sizeof *pts), *placed = malloc((n ? n : 1) * sizeof *placed);
    size_t np = 0;
    if (!pts || !placed) {
        free(pts);
        free(placed);
        return -1;
    }
    double r = 0.35 * a->font_px; /* a marker's half size */
    for (size_t i = 0; i < n; i++) {
        double px = to_px(x[i], a->x0, a->x1, a->w), py = to_px(y[i], a->y0, a->y1, a->h);
        box b = {px - r, px + r, py - r, py + r};
        pts[i] = isnan(px + py) ? (box){0, 0, 0, 0} : b;
    }
    for (size_t i = 0; i < n; i++) {
        out[i].align = NULL;
        if (isnan(x[i]) || isnan(y[i]))
            continue;
        double px = (pts[i].l + pts[i].r) / 2, py = (pts[i].b + pts[i].t) / 2;
        double tw = lcm__text_px(text[i], a->font_px), best = INFINITY;
        size_t pick = 0;
        for (size_t s = 0; s < sizeof spots / sizeof spots[0] && best > 0; s++) {
            double c = cost(a, spot_box(a, px, py, tw, s), placed, np, pts, n);
            if (c < best)
                best = c, pick = s;
        }
        placed[np++] = spot_box(a, px, py, tw, pick);
        out[i].x = a->x0 + (px + spots[pick].dx * a->font_px) / a->w * (a->x1 - a->x0);
        out[i].y = a->y0 + (py + spots[pick].dy * a->font_px) / a->h * (a->y1 - a->y0);
        out[i].align = spots[pick].align > 0 ? "left" : spots[pick].align < 0 ? "right" : "center";
    }
    free(pts);
    free(placed);
    return 0;
}
