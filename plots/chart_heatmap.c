/*
 * chart_heatmap.c - cities x indicators of normalised scores (0-100) as coloured cells,
 * each with its value written in, so the picture shows patterns and the numbers stay
 * readable in print. The palette is viridis: ordered in lightness, so it survives
 * greyscale printing and colour-blind readers. Missing cells show the grey background
 * and no text: a flag column says which cells have a value, because gnuplot 5.4 writes
 * "NaN" into a label even when the label expression tests the value.
 */
#include "chart_internal.h"
#include "escape.h"

#include <math.h>
#include <stdlib.h>

/* Values below this (on 0-100) get white text: the dark end of viridis. */
#define DARK "45"

static lcm_status check(const lcm_chart_heatmap *c, char *msg, size_t cap) {
    if (!c || c->nrow == 0 || c->ncol == 0 || c->nrow > LCM_CHART_MAX_N ||
        c->ncol > LCM_CHART_MAX_N || !c->value) {
        lcm__msg(msg, cap, "heatmap: need 1..%d rows and columns of values", LCM_CHART_MAX_N);
        return LCM_INVAL;
    }
    if (c->highlight < -1 || c->highlight >= (long)c->nrow) {
        lcm__msg(msg, cap, "heatmap: highlight must be -1 or a row index");
        return LCM_INVAL;
    }
    if (!c->cblabel || !c->missing) {
        lcm__msg(msg, cap, "heatmap: %s is required", !c->cblabel ? "cblabel" : "missing");
        return LCM_INVAL;
    }
    lcm_status st = lcm__check_labels(c->row_label, c->nrow, "row_label", msg, cap);
    return st != LCM_OK ? st : lcm__check_labels(c->col_label, c->ncol, "col_label", msg, cap);
}

/* Scan lines of "column y value has_value", the first row at the top. */
static void write_data(FILE *f, const lcm_chart_heatmap *c) {
    for (size_t r = 0; r < c->nrow; r++) {
        for (size_t k = 0; k < c->ncol; k++) {
            double v = c->value[r * c->ncol + k];
            fprintf(f, "%zu %zu ", k, c->nrow - 1 - r);
            lcm__num(f, v);
            fprintf(f, " %d\n", !isnan(v));
        }
        fputc('\n', f);
    }
}

/* Column names in full, slanted so that long ones fit under narrow columns. */
static void column_axis(FILE *b, const lcm_chart_heatmap *c) {
    fputs("set xtics scale 0 rotate by 45 right (", b);
    for (size_t k = 0; k < c->ncol; k++) {
        fputs(k ? ", " : "", b);
        lcm_gp_quote_fp(b, c->col_label[k]);
        fprintf(b, " %zu", k);
    }
    fprintf(b, ")\nset xrange [-0.5:%zu.5]\n", c->ncol - 1);
}

static void plot(FILE *b, const lcm_chart_heatmap *c, const char *path) {
    fputs("plot ", b);
    lcm_gp_quote_fp(b, path);
    fputs(" using 1:2:3 with image @lcm_pixels notitle, '' using 1:2:(($4==1 && $3<" DARK
          ")?sprintf('%.0f',$3):'') "
          "with labels textcolor rgb '#ffffff' font ',8' notitle, '' using 1:2:(($4==1 && $3>=" DARK
          ")?sprintf('%.0f',$3):'') with labels textcolor rgb '#222222' font ',8' notitle, "
          "keyentry with boxes fs solid fc rgb '#d9d9d9' title ",
          b);
    lcm_gp_quote_fp(b, c->missing);
    fputc('\n', b);
}

lcm_status lcm_chart_heatmap_render(const lcm_chart_heatmap *c, const lcm_chart_opts *o,
                                    FILE *script, char *msg, size_t cap) {
    lcm__job j;
    lcm_status st =
        lcm__job_start(&j, o, script, check(c, msg, cap),
                       "column y score has_value (scan lines of one city each)", msg, cap);
    if (st != LCM_OK)
        return st;
    size_t *ord = malloc(c->nrow * sizeof *ord);
    if (!ord)
        return lcm__job_abort(&j, LCM_NOMEM, "out of memory");
    for (size_t r = 0; r < c->nrow; r++)
        ord[r] = r; /* rows stay in the caller's order */
    write_data(j.data, c);
    if ((st = lcm__job_body(&j, c->title)) == LCM_OK) {
        lcm__set_text(j.body, "cblabel", c->cblabel);
        fputs("unset border\nset cbrange [0:100]\nset cbtics out nomirror\n"
              "set palette defined (0 '#440154', 25 '#3b528b', 50 '#21918c', 75 '#5ec962', "
              "100 '#fde725')\nset object 1 rectangle from graph 0, graph 0 to graph 1, graph 1 "
              "behind fc rgb '#d9d9d9' fs solid noborder\nset key below horizontal height 1\n",
              j.body);
        column_axis(j.body, c);
        lcm__city_axis(j.body, c->row_label, ord, c->nrow, c->highlight, lcm__font(o));
        fprintf(j.body, "set yrange [-0.5:%zu.5]\n", c->nrow - 1); /* cells fill the plot */
        plot(j.body, c, j.path);
        /* rows a line of text high, the slanted column names below them */
        size_t wide = 0;
        for (size_t k = 0; k < c->ncol; k++)
            wide = lcm__width(c->col_label[k]) > wide ? lcm__width(c->col_label[k]) : wide;
        double mm = 25.4 / 72, drop = 0.71 * (double)wide * LCM_CHART_FONT_PT * 0.55 * mm;
        double h = 30 + drop + (LCM_CHART_FONT_PT + 5) * mm * (double)c->nrow;
        st = lcm__job_finish(&j, LCM_CHART_WIDTH_MM, h < 80 ? 80 : h);
    }
    free(ord);
    return st;
}
