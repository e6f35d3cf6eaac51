/*
 * chart_coverage.c - network coverage by region against the 2025 targets of the ministry's
 * plan (50% of cities in the east and centre, 30% in the west): clustered bars, one per
 * wave, with each region's target as a dashed line across its cluster (over the bars,
 * under their value labels) and the target value written beside it. Clusters take 0.64 of each
 * region's unit so the gaps between them have room for the target values.
 */
#include "chart_internal.h"
#include "escape.h"

#include <math.h>

#define MAX_REGION 20
#define MAX_SERIES 6

/* Light to dark blues: the latest wave, drawn last in each cluster, is the darkest. */
static const char *const blues[MAX_SERIES] = {"#c6dbef", "#9ecae1", "#6baed6",
                                              "#4292c6", "#2171b5", "#08519c"};

static lcm_status check(const lcm_chart_coverage *c, char *msg, size_t cap) {
    if (!c || c->nregion == 0 || c->nregion > MAX_REGION || c->nseries == 0 ||
        c->nseries > MAX_SERIES || !c->value) {
        lcm__msg(msg, cap, "coverage: need 1..%d regions, 1..%d series and values", MAX_REGION,
                 MAX_SERIES);
        return LCM_INVAL;
    }
    if (!c->ylabel || (c->target && !c->target_name)) {
        lcm__msg(msg, cap, "coverage: %s is required", !c->ylabel ? "ylabel" : "target_name");
        return LCM_INVAL;
    }
    lcm_status st = lcm__check_labels(c->region, c->nregion, "region", msg, cap);
    return st != LCM_OK ? st : lcm__check_labels(c->series, c->nseries, "series", msg, cap);
}

static double bar_width(const lcm_chart_coverage *c) {
    return 0.64 / (double)c->nseries;
}

/* Rows of "x value series" where x places the series' bar inside its region's cluster. */
static void write_data(FILE *f, const lcm_chart_coverage *c) {
    double bw = bar_width(c);
    for (size_t r = 0; r < c->nregion; r++)
        for (size_t s = 0; s < c->nseries; s++) {
            fprintf(f, "%.4f ", (double)r - 0.32 + ((double)s + 0.5) * bw);
            lcm__num(f, c->value[s * c->nregion + r]);
            fprintf(f, " %zu\n", s);
        }
    /* Block 1: the target segments, drawn between the bars and their value labels. */
    fputs("\n\n", f);
    for (size_t r = 0; c->target && r < c->nregion; r++)
        if (!isnan(c->target[r]))
            fprintf(f, "%.3f %.10g 0.72 0\n", (double)r - 0.36, c->target[r]);
}

/* The target values, written in the gap right of each cluster. */
static void target_labels(FILE *b, const lcm_chart_coverage *c) {
    for (size_t r = 0; c->target && r < c->nregion; r++)
        if (!isnan(c->target[r]))
            fprintf(b, "set label %zu '%.0f%%' at %.3f, %.10g left textcolor rgb '%s'\n", r + 1,
                    c->target[r], (double)r + 0.38, c->target[r], LCM__C_TARGET);
}

static void region_axis(FILE *b, const lcm_chart_coverage *c) {
    fputs("set xtics scale 0 nomirror (", b);
    for (size_t r = 0; r < c->nregion; r++) {
        fputs(r ? ", " : "", b);
        lcm_gp_quote_fp(b, c->region[r]);
        fprintf(b, " %zu", r);
    }
    fprintf(b, ")\nset xrange [-0.6:%zu.6]\n", c->nregion - 1);
}

static void plot(FILE *b, const lcm_chart_coverage *c, const char *path) {
    fputs("plot ", b);
    for (size_t s = 0; s < c->nseries; s++) {
        if (s == 0)
            lcm_gp_quote_fp(b, path);
        else
            fputs(", ''", b);
        fprintf(b, " index 0 using 1:(($3==%zu)?$2:NaN):(%.4f) with boxes fc rgb '%s' title ", s,
                bar_width(c) * 0.92, blues[MAX_SERIES - c->nseries + s]);
        lcm_gp_quote_fp(b, c->series[s]);
    }
    if (c->target) {
        fputs(", '' index 1 using 1:2:3:4 with vectors nohead dt 2 lw 2.5 lc rgb '" LCM__C_TARGET
              "' title ",
              b);
        lcm_gp_quote_fp(b, c->target_name);
    }
    fputs(", '' index 0 using 1:2:(sprintf('%.0f%%', $2)) with labels @lcm_box offset 0,0.8 "
          "font ',8' notitle",
          b);
    fputc('\n', b);
}

lcm_status lcm_chart_coverage_render(const lcm_chart_coverage *c, const lcm_chart_opts *o,
                                     FILE *script, char *msg, size_t cap) {
    lcm__job j;
    lcm_status st =
        lcm__job_start(&j, o, script, check(c, msg, cap), "x coverage_percent series", msg, cap);
    if (st != LCM_OK)
        return st;
    write_data(j.data, c);
    if ((st = lcm__job_body(&j, c->title)) != LCM_OK)
        return st;
    lcm__set_text(j.body, "ylabel", c->ylabel);
    lcm__frame(j.body, 'y');
    fputs("set yrange [0:100]\nset style fill solid 1 noborder\nset key below horizontal "
          "maxcols 4 height 1\nset style textbox opaque noborder margins 0.5,0.5\n",
          j.body);
    region_axis(j.body, c);
    target_labels(j.body, c);
    plot(j.body, c, j.path);
    double w = 50 + 30 * (double)c->nregion;
    return lcm__job_finish(&j, w < 120 ? 120 : w > LCM_CHART_WIDTH_MM ? LCM_CHART_WIDTH_MM : w, 85);
}
