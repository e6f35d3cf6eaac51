/*
 * chart_boxes.c - box plots of many rows by a few groups: for each row (a second-level
 * indicator of the national report) one horizontal box per group (region, tier), so a
 * reader sees at once where the groups differ and how wide each spreads. The statistics are
 * Tukey's, as R's boxplot.stats gives them (hinges from fivenum, whiskers to the most
 * extreme values within 1.5 IQR, the rest drawn as points); lcm_chart_box_stats computes
 * them, so the report's model and the chart hold the same numbers.
 */
#include "chart_internal.h"
#include "escape.h"

#include <math.h>
#include <stdlib.h>

#define MAX_ROW 60
#define MAX_GROUP 6

/* ColorBrewer Dark2, one colour per group. */
static const char *const colour[MAX_GROUP] = {"#1b9e77", "#d95f02", "#7570b3",
                                              "#e7298a", "#66a61e", "#e6ab02"};

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

long lcm_chart_box_stats(const double *x, size_t n, double st[5], double *out, size_t *nout) {
    size_t m = 0;
    for (int k = 0; k < 5; k++)
        st[k] = NAN;
    if (nout)
        *nout = 0;
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]))
            v[m++] = x[i];
    if (m == 0) {
        free(v);
        return 0;
    }
    qsort(v, m, sizeof *v, cmp);
    /* fivenum: n4 = floor((n+3)/2)/2, d = (1, n4, (n+1)/2, n+1-n4, n), 1-based */
    double n4 = floor(((double)m + 3) / 2) / 2;
    double d[5] = {1, n4, ((double)m + 1) / 2, (double)m + 1 - n4, (double)m};
    double five[5];
    for (int k = 0; k < 5; k++)
        five[k] = 0.5 * (v[(size_t)floor(d[k]) - 1] + v[(size_t)ceil(d[k]) - 1]);
    double iqr = five[3] - five[1], lo = five[1] - 1.5 * iqr, hi = five[3] + 1.5 * iqr;
    double wlo = INFINITY, whi = -INFINITY;
    for (size_t k = 0; k < m; k++)
        if (v[k] >= lo && v[k] <= hi)
            wlo = fmin(wlo, v[k]), whi = fmax(whi, v[k]);
    free(v);
    st[0] = wlo, st[1] = five[1], st[2] = five[2], st[3] = five[3], st[4] = whi;
    for (size_t i = 0; nout && i < n; i++)
        if (!isnan(x[i]) && (x[i] < lo || x[i] > hi)) {
            if (out)
                out[*nout] = x[i];
            (*nout)++;
        }
    return (long)m;
}

static lcm_status check(const lcm_chart_boxes *c, char *msg, size_t cap) {
    if (!c || c->nrow == 0 || c->nrow > MAX_ROW || c->ngroup == 0 || c->ngroup > MAX_GROUP ||
        !c->stats || (c->nout && (!c->out_cell || !c->out_value))) {
        lcm__msg(msg, cap, "boxes: need 1..%d rows, 1..%d groups, stats (and outliers)", MAX_ROW,
                 MAX_GROUP);
        return LCM_INVAL;
    }
    if (!c->xlabel || !c->no_data) {
        lcm__msg(msg, cap, "boxes: %s is required", !c->xlabel ? "xlabel" : "no_data");
        return LCM_INVAL;
    }
    for (size_t k = 0; k < c->nout; k++)
        if (c->out_cell[k] >= c->nrow * c->ngroup) {
            lcm__msg(msg, cap, "boxes: outlier %zu is in no row and group", k);
            return LCM_INVAL;
        }
    lcm_status st = lcm__check_labels(c->row_label, c->nrow, "row_label", msg, cap);
    return st != LCM_OK ? st : lcm__check_labels(c->group, c->ngroup, "group", msg, cap);
}

/* y of group g's box in row r: rows from the top, groups from the top inside a row. */
static double y_of(const lcm_chart_boxes *c, size_t r, size_t g) {
    return (double)(c->nrow - 1 - r) * ((double)c->ngroup + 1) + (double)(c->ngroup - 1 - g);
}

static int group_has(const lcm_chart_boxes *c, size_t g) {
    for (size_t r = 0; r < c->nrow; r++)
        if (!isnan(c->stats[(r * c->ngroup + g) * 5 + 2]))
            return 1;
    return 0;
}

/* Block 0: "y wlo q1 median q3 whi group"; block 1: outliers "y value group". */
static void write_data(FILE *f, const lcm_chart_boxes *c) {
    for (size_t r = 0; r < c->nrow; r++)
        for (size_t g = 0; g < c->ngroup; g++) {
            const double *s = &c->stats[(r * c->ngroup + g) * 5];
            if (isnan(s[2]))
                continue;
            fprintf(f, "%.1f", y_of(c, r, g));
            for (int k = 0; k < 5; k++)
                fputc(' ', f), lcm__num(f, s[k]);
            fprintf(f, " %zu\n", g);
        }
    fputs("\n\n", f);
    for (size_t k = 0; k < c->nout; k++) {
        size_t r = c->out_cell[k] / c->ngroup, g = c->out_cell[k] % c->ngroup;
        fprintf(f, "%.1f ", y_of(c, r, g));
        lcm__num(f, c->out_value[k]);
        fprintf(f, " %zu\n", g);
    }
    if (c->nout == 0)
        fputs("NaN NaN 0\n", f); /* an empty block would end the file */
}

static void row_axis(FILE *b, const lcm_chart_boxes *c) {
    char clip[128];
    fputs("set ytics scale 0 (", b);
    for (size_t r = 0; r < c->nrow; r++) {
        fputs(r ? ", " : "", b);
        lcm_gp_quote_fp(b, lcm__clip(c->row_label[r], LCM__LABEL_MAX, clip, sizeof clip));
        fprintf(b, " %.1f", y_of(c, r, 0) - ((double)c->ngroup - 1) / 2);
    }
    fprintf(b, ")\nset yrange [-1:%.1f]\n", (double)c->nrow * ((double)c->ngroup + 1) - 1);
    /* a thin line between rows */
    for (size_t r = 1; r < c->nrow; r++)
        fprintf(b,
                "set arrow %zu from graph 0, first %.1f to graph 1, first %.1f nohead lc rgb "
                "'" LCM__C_GRID "' lw 0.5 back\n",
                r, y_of(c, r, 0) + 1, y_of(c, r, 0) + 1);
    /* words where a group has no values in a row */
    for (size_t r = 0, lab = 1; r < c->nrow; r++)
        for (size_t g = 0; g < c->ngroup; g++)
            if (isnan(c->stats[(r * c->ngroup + g) * 5 + 2])) {
                fprintf(b, "set label %zu ", lab++);
                lcm_gp_quote_fp(b, c->no_data);
                fprintf(b, " at graph 0.01, first %.1f left textcolor rgb '#888888' font ',8'\n",
                        y_of(c, r, g));
            }
}

static void plot(FILE *b, const lcm_chart_boxes *c, const char *path) {
    int first = 1;
    fputs("plot ", b);
    for (size_t g = 0; g < c->ngroup; g++) {
        if (!group_has(c, g))
            continue;
        const char *col = colour[g];
        if (first)
            lcm_gp_quote_fp(b, path);
        else
            fputs(", ''", b);
        first = 0;
        fprintf(b,
                " index 0 using (($7==%zu)?$2:NaN):1:($6-$2):(0) with vectors nohead lw 1 lc rgb "
                "'%s' notitle",
                g, col);
        fprintf(b,
                ", '' index 0 using (($7==%zu)?$4:NaN):1:3:5:($1-0.38):($1+0.38) with boxxyerror "
                "fc rgb '%s' fs solid 0.55 border lc rgb '%s' title ",
                g, col, col);
        lcm_gp_quote_fp(b, c->group[g]);
        fprintf(b,
                ", '' index 0 using (($7==%zu)?$4:NaN):($1-0.38):(0):(0.76) with vectors nohead "
                "lw 2.5 lc rgb '" LCM__C_INK "' notitle",
                g);
        if (c->nout)
            fprintf(b,
                    ", '' index 1 using (($3==%zu)?$2:NaN):1 with points pt 6 ps 0.6 lc rgb '%s' "
                    "notitle",
                    g, col);
    }
    if (first) /* no values at all: an empty frame with its no-data words */
        fputs("NaN notitle", b);
    fputc('\n', b);
}

lcm_status lcm_chart_boxes_render(const lcm_chart_boxes *c, const lcm_chart_opts *o, FILE *script,
                                  char *msg, size_t cap) {
    lcm__job j;
    lcm_status st = lcm__job_start(&j, o, script, check(c, msg, cap),
                                   "y lower_whisker lower_hinge median upper_hinge upper_whisker "
                                   "group",
                                   msg, cap);
    if (st != LCM_OK)
        return st;
    write_data(j.data, c);
    if ((st = lcm__job_body(&j, c->title)) != LCM_OK)
        return st;
    lcm__set_text(j.body, "xlabel", c->xlabel);
    lcm__frame(j.body, 'x');
    fprintf(j.body, "set key below horizontal maxcols %zu height 1\n", c->ngroup);
    row_axis(j.body, c);
    plot(j.body, c, j.path);
    double h = 40 + (double)c->nrow * ((double)c->ngroup * 2.6 + 2);
    return lcm__job_finish(&j, LCM_CHART_WIDTH_MM, h < 70 ? 70 : h);
}
