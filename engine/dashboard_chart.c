/*
 * dashboard_chart.c - the dashboard's progress chart: completed households as a share of
 * those assigned, per area (a province's cities, the nation's provinces) or, for one city,
 * per stratum, drawn by the report charts' gnuplot code (plots/chart.h, bars with the median
 * as a dashed line) as SVG. Names reach gnuplot only as quoted strings (chart.h).
 */
#include "dashboard.h"

#include "chart.h"
#include "gnuplot.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Remove the chart's directory and what gnuplot left in it (the SVG, its data files). */
static void remove_dir(const char *dir) {
    DIR *dp = opendir(dir);
    struct dirent *e;
    char p[512];
    while (dp && (e = readdir(dp)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
    }
    if (dp)
        closedir(dp);
    rmdir(dir);
}

/* The rows the chart shows, and their labels and shares (percent; NaN when none assigned). */
static size_t chart_rows(const lcm_dash *d, const lcm_dash_row **rows) {
    if (d->scope == LCM_DASH_CITY) {
        *rows = d->strata;
        return d->nstrata;
    }
    *rows = d->areas;
    return d->nareas;
}

lcm_status lcm_dash_chart_values(const lcm_dash *d, const char ***label, double **pct, size_t *n,
                                 lcm_err *err) {
    const lcm_dash_row *rows = NULL;
    *n = chart_rows(d, &rows);
    *label = malloc((*n ? *n : 1) * sizeof **label);
    *pct = malloc((*n ? *n : 1) * sizeof **pct);
    if (!*label || !*pct) {
        free(*label), free(*pct);
        *label = NULL, *pct = NULL;
        return lcm_err_set(err, LCM_NOMEM, "out of memory drawing the progress chart");
    }
    for (size_t i = 0; i < *n; i++) {
        const lcm_dash_row *r = &rows[i];
        (*label)[i] = d->scope == LCM_DASH_CITY ? (r->code[0] ? r->code : "（未分层）") : r->name;
        (*pct)[i] = r->o.assigned > 0 ? 100.0 * (double)r->o.complete / (double)r->o.assigned : NAN;
    }
    return LCM_OK;
}

lcm_status lcm_dash_chart_svg(const lcm_dash *d, char **svg, size_t *len, lcm_err *err) {
    *svg = NULL, *len = 0;
    const char **label = NULL;
    double *pct = NULL;
    size_t n = 0;
    lcm_status st = lcm_dash_chart_values(d, &label, &pct, &n, err);
    if (st != LCM_OK)
        return st;
    if (n == 0) {
        free(label), free(pct);
        return lcm_err_set(err, LCM_NOTFOUND, "nothing assigned: no progress chart");
    }
    char tmp[] = "/tmp/lcmon-dash-XXXXXX";
    if (!mkdtemp(tmp)) {
        free(label), free(pct);
        return lcm_err_set(err, LCM_IO, "cannot make a directory for the chart: %s",
                           strerror(errno));
    }
    lcm_chart_bars c = {d->scope == LCM_DASH_CITY       ? "各层完成进度"
                        : d->scope == LCM_DASH_PROVINCE ? "各城市完成进度"
                                                        : "各省完成进度",
                        "完成访问占分配户数（%）",
                        n,
                        label,
                        pct,
                        NULL,
                        NULL,
                        -1,
                        NAN,
                        0,
                        d->scope == LCM_DASH_CITY       ? "各层"
                        : d->scope == LCM_DASH_PROVINCE ? "各城市"
                                                        : "各省",
                        "中位数",
                        NULL,
                        "未分配"};
    lcm_chart_opts o = {tmp, "progress", LCM_LANG_ZH, LCM_CHART_SVG, 0, 0, NULL};
    char msg[512] = "", *script = NULL;
    size_t slen = 0;
    FILE *fp = open_memstream(&script, &slen);
    st = fp ? lcm_chart_bars_render(&c, &o, fp, msg, sizeof msg) : LCM_NOMEM;
    if (fp)
        fclose(fp);
    if (st == LCM_OK)
        st = lcm_gnuplot_run(NULL, script, slen, msg, sizeof msg);
    free(script);
    char path[sizeof tmp + 32];
    snprintf(path, sizeof path, "%s/progress.svg", tmp);
    if (st == LCM_OK) {
        FILE *in = fopen(path, "rb");
        lcm_strbuf sb = LCM_STRBUF_INIT;
        char buf[8192];
        size_t got;
        while (in && (got = fread(buf, 1, sizeof buf, in)) > 0)
            lcm_strbuf_add(&sb, buf, got);
        if (!in)
            st = LCM_IO, snprintf(msg, sizeof msg, "gnuplot wrote no chart");
        else
            fclose(in);
        *len = sb.len;
        if (st == LCM_OK && !(*svg = lcm_strbuf_detach(&sb)))
            st = LCM_NOMEM;
        lcm_strbuf_release(&sb);
    }
    remove_dir(tmp);
    free(label), free(pct);
    if (st != LCM_OK)
        return lcm_err_set(err, st, "progress chart: %s", msg[0] ? msg : lcm_strerror(st));
    return LCM_OK;
}
