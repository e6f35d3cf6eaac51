/*
 * chart_bars.c - the city comparison chart: horizontal bars of one estimate per city with
 * 95% CI whiskers, sorted so the reader finds the order at a glance, the chosen city in
 * orange and a dashed line at the peer median, the benchmark a city is usually held to.
 */
#include "chart_internal.h"
#include "escape.h"

#include <math.h>
#include <stdlib.h>

static lcm_status check(const lcm_chart_bars *c, char *msg, size_t cap) {
    if (!c || c->n == 0 || c->n > LCM_CHART_MAX_N || !c->est) {
        lcm__msg(msg, cap, "bars: need 1..%d cities with estimates", LCM_CHART_MAX_N);
        return LCM_INVAL;
    }
    if (!c->xlabel) {
        lcm__msg(msg, cap, "bars: xlabel (the estimate with its unit) is required");
        return LCM_INVAL;
    }
    if (!c->lo != !c->hi || c->highlight < -1 || c->highlight >= (long)c->n || !isfinite(c->base)) {
        lcm__msg(msg, cap,
                 "bars: lo and hi go together; highlight must be -1 or a city "
                 "index; base must be a number");
        return LCM_INVAL;
    }
    return lcm__check_labels(c->label, c->n, "label", msg, cap);
}

/* The dashed median line across the plot (set before `plot`). */
static void median_arrow(FILE *b, double med) {
    fputs("set arrow 1 from ", b);
    lcm__num(b, med);
    fputs(", graph 0 to ", b);
    lcm__num(b, med);
    fprintf(b, ", graph 1 nohead dt 2 lw 2 lc rgb '%s' front\n", LCM__C_INK);
}

/* The median's key entry, carrying its value so the reader need not guess it. */
static void median_key(FILE *b, lcm_lang lang, const char *label, double med) {
    char title[160];
    snprintf(title, sizeof title, "%s %.3g", label ? label : lcm__txt(lang, LCM__T_PEER_MEDIAN),
             med);
    fputs(", NaN with lines dt 2 lw 2 lc rgb '" LCM__C_INK "' title ", b);
    lcm_gp_quote_fp(b, title);
}

/* A city without an estimate gets words where its bar would be, not an empty row. */
static void no_data_labels(FILE *b, const lcm_chart_bars *c, lcm_lang lang, const size_t *ord) {
    for (size_t k = 0; k < c->n; k++) {
        if (!isnan(c->est[ord[k]]))
            continue;
        fprintf(b, "set label %zu ", k + 10);
        lcm_gp_quote_fp(b, lcm__txt(lang, LCM__T_NO_DATA));
        fprintf(b, " at %.10g, %zu left offset 0.5,0 textcolor rgb '#888888'\n", c->base,
                c->n - 1 - k);
    }
}

static void plot(FILE *b, const lcm_chart_bars *c, const lcm_chart_opts *o, const char *path,
                 double med) {
    const char *box = "with boxxyerror";
    fputs("plot ", b);
    lcm_gp_quote_fp(b, path);
    fprintf(b, " using (($5==0)?$2:NaN):1:(%.10g):2:($1-0.35):($1+0.35) %s lc rgb '%s' title ",
            c->base, box, LCM__C_BAR);
    lcm_gp_quote_fp(b, lcm__txt(o->lang, LCM__T_OTHER_CITIES));
    if (c->highlight >= 0) {
        fprintf(b,
                ", '' using (($5==1)?$2:NaN):1:(%.10g):2:($1-0.35):($1+0.35) %s lc rgb '%s' "
                "title ",
                c->base, box, LCM__C_HIGHLIGHT);
        lcm_gp_quote_fp(b, c->label[c->highlight]);
    }
    if (c->lo) {
        fputs(", '' using 2:1:3:4 with xerrorbars lc rgb '" LCM__C_INK "' lw 1.2 pt 7 ps 0.4 "
              "title ",
              b);
        lcm_gp_quote_fp(b, lcm__txt(o->lang, LCM__T_CI95));
    }
    if (!isnan(med))
        median_key(b, o->lang, c->median_label, med);
    fputc('\n', b);
}

lcm_status lcm_chart_bars_render(const lcm_chart_bars *c, const lcm_chart_opts *o, FILE *script,
                                 char *msg, size_t cap) {
    lcm__job j;
    lcm_status st =
        lcm__job_start(&j, o, script, check(c, msg, cap), "y estimate lo hi highlighted", msg, cap);
    if (st != LCM_OK)
        return st;
    size_t *ord = lcm__order(c->est, c->n, 1);
    if (!ord)
        return lcm__job_abort(&j, LCM_NOMEM, "out of memory");
    lcm__city_rows(j.data, c->n, ord, c->est, c->lo, c->hi, c->highlight);
    if ((st = lcm__job_body(&j, c->title)) == LCM_OK) {
        double med = isnan(c->median) ? lcm__median(c->est, c->n) : c->median;
        lcm__set_text(j.body, "xlabel", c->xlabel);
        lcm__frame(j.body, 'x');
        fprintf(j.body,
                "set key below horizontal maxcols 2 height 1\nset style fill solid 0.9 noborder\n"
                "set xrange [%.10g:*]\n",
                c->base);
        lcm__city_axis(j.body, c->label, ord, c->n, c->highlight, lcm__font(o));
        if (!isnan(med))
            median_arrow(j.body, med);
        no_data_labels(j.body, c, o->lang, ord);
        plot(j.body, c, o, j.path, med);
        int h = 150 + 20 * (int)c->n;
        st = lcm__job_finish(&j, 900, h < 420 ? 420 : h);
    }
    free(ord);
    return st;
}
