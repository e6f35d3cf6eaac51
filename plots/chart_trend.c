/*
 * chart_trend.c - a city's estimate across survey waves with its 95% CI band, against its
 * region and the nation. The band is drawn first and light so that the comparison lines
 * stay readable where they cross it.
 */
#include "chart_internal.h"
#include "escape.h"

#include <math.h>

static lcm_status check(const lcm_chart_trend *c, char *msg, size_t cap) {
    if (!c || c->n == 0 || c->n > LCM_CHART_MAX_N || !c->year || !c->est || !c->city) {
        lcm__msg(msg, cap, "trend: need 1..%d waves with years, estimates and a city name",
                 LCM_CHART_MAX_N);
        return LCM_INVAL;
    }
    if (!c->ylabel) {
        lcm__msg(msg, cap, "trend: ylabel (the estimate with its unit) is required");
        return LCM_INVAL;
    }
    if (!c->lo != !c->hi) {
        lcm__msg(msg, cap, "trend: lo and hi go together");
        return LCM_INVAL;
    }
    if (!c->xlabel || (c->lo && !c->ci_name) || (c->reg && !c->region) || (c->nat && !c->nation)) {
        lcm__msg(msg, cap, "trend: %s is required",
                 !c->xlabel               ? "xlabel"
                 : (c->lo && !c->ci_name) ? "ci_name"
                 : (c->reg && !c->region) ? "region"
                                          : "nation");
        return LCM_INVAL;
    }
    for (size_t i = 1; i < c->n; i++)
        if (c->year[i] <= c->year[i - 1]) {
            lcm__msg(msg, cap, "trend: years must increase (year[%zu] = %d)", i, c->year[i]);
            return LCM_INVAL;
        }
    return LCM_OK;
}

static double at(const double *v, size_t i) {
    return v ? v[i] : NAN;
}

/* Where a city value is written so the number does not sit on a line or a marker: left of
 * the first point and right of the last (nothing else is drawn there), else above (1) or
 * below (-1), whichever has more room before the region or nation value. */
enum { SIDE_BELOW = -1, SIDE_ABOVE = 1, SIDE_LEFT = 2, SIDE_RIGHT = 3 };
static int label_side(const lcm_chart_trend *c, size_t i) {
    if (i + 1 == c->n)
        return SIDE_RIGHT;
    if (i == 0)
        return SIDE_LEFT;
    double up = INFINITY, down = INFINITY, other[2] = {at(c->reg, i), at(c->nat, i)};
    for (int k = 0; k < 2; k++) {
        if (isnan(other[k]))
            continue;
        if (other[k] >= c->est[i])
            up = fmin(up, other[k] - c->est[i]);
        else
            down = fmin(down, c->est[i] - other[k]);
    }
    return up >= down ? SIDE_ABOVE : SIDE_BELOW;
}

static void write_data(FILE *f, const lcm_chart_trend *c) {
    for (size_t i = 0; i < c->n; i++) {
        double v[5] = {c->est[i], at(c->lo, i), at(c->hi, i), at(c->reg, i), at(c->nat, i)};
        fprintf(f, "%d", c->year[i]);
        for (int k = 0; k < 5; k++) {
            fputc(' ', f);
            lcm__num(f, v[k]);
        }
        fprintf(f, " %d\n", label_side(c, i));
    }
}

/* One tic per wave, and room on both sides so end points are not on the border. */
static void year_axis(FILE *b, const lcm_chart_trend *c) {
    fputs("set xtics nomirror out (", b);
    for (size_t i = 0; i < c->n; i++)
        fprintf(b, "%s'%d' %d", i ? ", " : "", c->year[i], c->year[i]);
    fprintf(b, ")\nset xrange [%g:%g]\n", c->year[0] - 0.4, c->year[c->n - 1] + 0.4);
}

static void plot(FILE *b, const lcm_chart_trend *c, const char *path) {
    fputs("plot ", b);
    lcm_gp_quote_fp(b, path);
    if (c->lo) {
        fputs(" using 1:3:4 with filledcurves fc rgb '" LCM__C_HIGHLIGHT
              "' fs transparent solid 0.18 noborder title ",
              b);
        lcm_gp_quote_fp(b, c->ci_name);
        fputs(", ''", b);
    }
    if (c->nat) {
        fputs(" using 1:6 with linespoints lw 2 dt 3 pt 9 ps 1.2 lc rgb '" LCM__C_NATION "' title ",
              b);
        lcm_gp_quote_fp(b, c->nation);
        fputs(", ''", b);
    }
    if (c->reg) {
        fputs(" using 1:5 with linespoints lw 2 dt 2 pt 5 ps 1.1 lc rgb '" LCM__C_REGION "' title ",
              b);
        lcm_gp_quote_fp(b, c->region);
        fputs(", ''", b);
    }
    fputs(" using 1:2 with linespoints lw 3 pt 7 ps 1.3 lc rgb '" LCM__C_HIGHLIGHT "' title ", b);
    lcm_gp_quote_fp(b, c->city);
    /* The city's values written at its points: the numbers a report quotes. */
    static const struct {
        int side;
        const char *place;
    } sides[] = {{SIDE_ABOVE, "center offset 0,1.3"},
                 {SIDE_BELOW, "center offset 0,-1.3"},
                 {SIDE_LEFT, "right offset -1.2,0"},
                 {SIDE_RIGHT, "left offset 1.2,0"}};
    for (size_t k = 0; k < sizeof sides / sizeof sides[0]; k++)
        fprintf(b,
                ", '' using 1:(($7==%d)?$2:NaN):(sprintf('%%.1f', $2)) with labels @lcm_box %s "
                "textcolor rgb '%s' notitle",
                sides[k].side, sides[k].place, LCM__C_HIGHLIGHT);
    fputc('\n', b);
}

lcm_status lcm_chart_trend_render(const lcm_chart_trend *c, const lcm_chart_opts *o, FILE *script,
                                  char *msg, size_t cap) {
    lcm__job j;
    lcm_status st = lcm__job_start(&j, o, script, check(c, msg, cap),
                                   "year estimate lo hi region nation label_side", msg, cap);
    if (st != LCM_OK)
        return st;
    write_data(j.data, c);
    if ((st = lcm__job_body(&j, c->title)) != LCM_OK)
        return st;
    lcm__set_text(j.body, "xlabel", c->xlabel);
    lcm__set_text(j.body, "ylabel", c->ylabel);
    lcm__frame(j.body, 'y');
    fputs("set key below horizontal maxcols 4 height 1\nset offsets 0, 0, graph 0.12, graph 0.05\n"
          "set style textbox opaque noborder margins 1,1\n",
          j.body);
    year_axis(j.body, c);
    plot(j.body, c, j.path);
    return lcm__job_finish(&j, LCM_CHART_WIDTH_MM, 90);
}
