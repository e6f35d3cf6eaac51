/*
 * chart_ranks.c - rank uncertainty: each city's median rank with its 5-95% interval from
 * the Monte Carlo of the composite index (OECD/JRC handbook, step 7). Ranks of cities whose
 * intervals overlap are not really different, and this chart is where a reader sees it.
 */
#include "chart_internal.h"
#include "escape.h"

#include <math.h>
#include <stdlib.h>

static lcm_status check(const lcm_chart_ranks *c, char *msg, size_t cap) {
    if (!c || c->n == 0 || c->n > LCM_CHART_MAX_N || !c->median || !c->p05 || !c->p95) {
        lcm__msg(msg, cap, "ranks: need 1..%d cities with median, p05 and p95", LCM_CHART_MAX_N);
        return LCM_INVAL;
    }
    if (c->highlight < -1 || c->highlight >= (long)c->n) {
        lcm__msg(msg, cap, "ranks: highlight must be -1 or a city index");
        return LCM_INVAL;
    }
    if (!c->xlabel || !c->median_name || !c->interval_name) {
        lcm__msg(msg, cap, "ranks: %s is required",
                 !c->xlabel        ? "xlabel"
                 : !c->median_name ? "median_name"
                                   : "interval_name");
        return LCM_INVAL;
    }
    return lcm__check_labels(c->label, c->n, "label", msg, cap);
}

static void plot(FILE *b, const lcm_chart_ranks *c, const char *path) {
    fputs("plot ", b);
    lcm_gp_quote_fp(b, path);
    fputs(" using 3:1:3:4 with xerrorbars lc rgb '" LCM__C_BAR "' lw 3 pt -1 title ", b);
    lcm_gp_quote_fp(b, c->interval_name);
    fputs(", '' using (($5==0)?$2:NaN):1 with points pt 7 ps 0.9 lc rgb '" LCM__C_INK "' title ",
          b);
    lcm_gp_quote_fp(b, c->median_name);
    if (c->highlight >= 0) {
        fputs(", '' using (($5==1)?$2:NaN):1:3:4 with xerrorbars lc rgb '" LCM__C_HIGHLIGHT
              "' lw 3 pt 7 ps 1.1 title ",
              b);
        lcm_gp_quote_fp(b, c->label[c->highlight]);
    }
    fputc('\n', b);
}

lcm_status lcm_chart_ranks_render(const lcm_chart_ranks *c, const lcm_chart_opts *o, FILE *script,
                                  char *msg, size_t cap) {
    lcm__job j;
    lcm_status st = lcm__job_start(&j, o, script, check(c, msg, cap),
                                   "y median_rank p05 p95 highlighted", msg, cap);
    if (st != LCM_OK)
        return st;
    size_t *ord = lcm__order(c->median, c->n, 0);
    if (!ord)
        return lcm__job_abort(&j, LCM_NOMEM, "out of memory");
    lcm__city_rows(j.data, c->n, ord, c->median, c->p05, c->p95, c->highlight);
    if ((st = lcm__job_body(&j, c->title)) == LCM_OK) {
        lcm__set_text(j.body, "xlabel", c->xlabel);
        lcm__frame(j.body, 'x');
        /* rank 1 at the left, one unit of room around the first and last rank */
        fprintf(j.body, "set key below horizontal maxcols 3 height 1\nset xrange [0.5:%zu.5]\n",
                c->n);
        lcm__city_axis(j.body, c->label, ord, c->n, c->highlight, lcm__font(o));
        plot(j.body, c, j.path);
        st = lcm__job_finish(&j, LCM_CHART_WIDTH_MM, lcm__rows_mm(c->n));
    }
    free(ord);
    return st;
}
