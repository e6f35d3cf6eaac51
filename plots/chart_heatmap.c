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

static void column_axis(FILE *b, const lcm_chart_heatmap *c) {
    char clip[128];
    fputs("set xtics scale 0 rotate by 30 right (", b);
    for (size_t k = 0; k < c->ncol; k++) {
        fputs(k ? ", " : "", b);
        lcm_gp_quote_fp(b, lcm__clip(c->col_label[k], LCM__LABEL_MAX, clip, sizeof clip));
        fprintf(b, " %zu", k);
    }
    fprintf(b, ")\nset xrange [-0.5:%zu.5]\n", c->ncol - 1);
}

static void plot(FILE *b, lcm_lang lang, const char *path) {
    fputs("plot ", b);
    lcm_gp_quote_fp(b, path);
    fputs(" using 1:2:3 with image notitle, '' using 1:2:(($4==1 && $3<" DARK
          ")?sprintf('%.0f',$3):'') "
          "with labels textcolor rgb '#ffffff' font ',8' notitle, '' using 1:2:(($4==1 && $3>=" DARK
          ")?sprintf('%.0f',$3):'') with labels textcolor rgb '#222222' font ',8' notitle, "
          "keyentry with boxes fs solid fc rgb '#d9d9d9' title ",
          b);
    lcm_gp_quote_fp(b, lcm__txt(lang, LCM__T_MISSING));
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
        lcm__set_text(j.body, "cblabel",
                      c->cblabel ? c->cblabel : lcm__txt(o->lang, LCM__T_NORM_SCORE));
        fputs("unset border\nset cbrange [0:100]\nset cbtics out nomirror\n"
              "set palette defined (0 '#440154', 25 '#3b528b', 50 '#21918c', 75 '#5ec962', "
              "100 '#fde725')\nset object 1 rectangle from graph 0, graph 0 to graph 1, graph 1 "
              "behind fc rgb '#d9d9d9' fs solid noborder\nset key below horizontal height 1\n",
              j.body);
        column_axis(j.body, c);
        lcm__city_axis(j.body, c->row_label, ord, c->nrow, c->highlight, lcm__font(o));
        fprintf(j.body, "set yrange [-0.5:%zu.5]\n", c->nrow - 1); /* cells fill the plot */
        plot(j.body, o->lang, j.path);
        int w = 260 + 64 * (int)c->ncol, h = 200 + 20 * (int)c->nrow;
        st = lcm__job_finish(&j, w < 700 ? 700 : w, h < 420 ? 420 : h);
    }
    free(ord);
    return st;
}
