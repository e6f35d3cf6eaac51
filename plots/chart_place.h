/*
 * chart_place.h - placing point labels so they overlap neither each other nor the points.
 *
 * gnuplot puts a label where it is told. For a scatter of a dozen labelled items that
 * means collisions, so the labels are laid out here, in pixels of a plot area whose
 * margins the chart fixes in screen coordinates: each label tries eight spots around its
 * point in turn and takes the first free one (or the least crowded, where crossing a
 * reference line counts against a spot as well). Text width is an
 * estimate from the font size (CJK characters are square, Latin about 0.6 em).
 */
#ifndef LCM_PLOTS_CHART_PLACE_H
#define LCM_PLOTS_CHART_PLACE_H

#include <stddef.h>

typedef struct lcm__place_area {
    double x0, x1, y0, y1; /* data range of the axes */
    double w, h;           /* plot area in pixels */
    double font_px;        /* font size in pixels */
    double xline, yline;   /* reference lines (data units) labels should not cross; NaN none */
} lcm__place_area;

typedef struct lcm__placed {
    double x, y;       /* anchor in data coordinates */
    const char *align; /* "left", "right" or "center" */
} lcm__placed;

/* Width in pixels of UTF-8 text at font size px (estimate). */
double lcm__text_px(const char *s, double px);

/* Lay out n labels for points (x[i], y[i]); NaN points get no label (out[i].align NULL).
 * Returns 0, or -1 when out of memory. */
int lcm__place_labels(const lcm__place_area *a, size_t n, const double *x, const double *y,
                      const char *const *text, lcm__placed *out);

#endif
