/*
 * report_table.c - tables of the HTML report: numbers right-aligned in tabular figures,
 * estimates with their CI, missing values marked, and survey cells below the minimum
 * sample size suppressed so that their values never reach the file.
 */
#include "chart_internal.h"
#include "escape.h"
#include "report_internal.h"

#include <math.h>

#define MAX_COL 64

static int suppressed(const lcm_report *r, const lcm_report_cell *c) {
    return c->kind != LCM_CELL_TEXT && c->n >= 0 && c->n < r->min_n;
}

static int decimals(const lcm_report_cell *c) {
    return c->decimals < 0 ? 0 : c->decimals > 6 ? 6 : c->decimals;
}

/* Writes the cell; tells the caller whether it was suppressed (1) or missing (2). */
static int cell(FILE *out, const lcm_report *r, const lcm_report_cell *c) {
    if (c->kind == LCM_CELL_TEXT) {
        fputs("<td>", out);
        lcm_html_escape_fp(out, c->text ? c->text : "");
        fputs("</td>", out);
        return 0;
    }
    if (suppressed(r, c)) {
        fputs("<td class=\"num supp\">*</td>", out);
        return 1;
    }
    if (!isfinite(c->value)) {
        fputs("<td class=\"num na\">–</td>", out);
        return 2;
    }
    int d = decimals(c);
    fprintf(out, "<td class=\"num\">%.*f", d, c->value);
    if (c->kind == LCM_CELL_EST && isfinite(c->lo) && isfinite(c->hi))
        fprintf(out, " <span class=\"ci\">(%.*f–%.*f)</span>", d, c->lo, d, c->hi);
    else if (c->kind == LCM_CELL_EST) /* no interval (df 0, p 0 or 1): said, not hidden */
        fputs(" <span class=\"ci\">(—)</span>", out);
    fputs("</td>", out);
    return 0;
}

static lcm_status check(const lcm_report_table *t, char *msg, size_t cap) {
    if (t->ncol == 0 || t->ncol > MAX_COL || !t->head || (t->nrow && !t->cell)) {
        lcm__msg(msg, cap, "report: a table needs 1..%d columns with headings and cells", MAX_COL);
        return LCM_INVAL;
    }
    for (size_t k = 0; k < t->ncol; k++)
        if (!t->head[k]) {
            lcm__msg(msg, cap, "report: table column %zu has no heading", k + 1);
            return LCM_INVAL;
        }
    for (size_t i = 0; i < t->nrow * t->ncol; i++)
        if ((unsigned)t->cell[i].kind > LCM_CELL_EST) {
            lcm__msg(msg, cap, "report: table cell %zu has an unknown kind", i);
            return LCM_INVAL;
        }
    return LCM_OK;
}

/* Headings of columns holding numbers are right-aligned like their cells. */
static void header(FILE *out, const lcm_report_table *t) {
    fputs("<thead><tr>", out);
    for (size_t k = 0; k < t->ncol; k++) {
        int num = 0;
        for (size_t i = 0; i < t->nrow && !num; i++)
            num = t->cell[i * t->ncol + k].kind != LCM_CELL_TEXT;
        fputs(num ? "<th class=\"num\">" : "<th>", out);
        lcm_html_escape_fp(out, t->head[k]);
        fputs("</th>", out);
    }
    fputs("</tr></thead>\n", out);
}

static void notes(FILE *out, const lcm_report *r, const lcm_report_table *t, int any_supp,
                  int any_missing) {
    if (!any_supp && !any_missing && !t->note)
        return;
    fputs("<p class=\"note\">", out);
    if (any_supp)
        fprintf(out, "%s%ld%s ", lcm__rtxt(r->lang, LCM__R_SUPP_PRE), r->min_n,
                lcm__rtxt(r->lang, LCM__R_SUPP_POST));
    if (any_missing)
        fprintf(out, "%s ", lcm__rtxt(r->lang, LCM__R_MISSING));
    if (t->note)
        lcm_html_escape_fp(out, t->note);
    fputs("</p>\n", out);
}

lcm_status lcm__report_table(FILE *out, const lcm_report *r, const lcm_report_table *t, int number,
                             char *msg, size_t cap) {
    lcm_status st = check(t, msg, cap);
    if (st != LCM_OK)
        return st;
    int any_supp = 0, any_missing = 0;
    fputs("<table>\n<caption>", out);
    lcm__numbered(out, r->lang, LCM__R_TABLE, number);
    if (t->caption)
        lcm_html_escape_fp(out, t->caption);
    fputs("</caption>\n", out);
    header(out, t);
    fputs("<tbody>\n", out);
    for (size_t i = 0; i < t->nrow; i++) {
        fputs("<tr>", out);
        for (size_t k = 0; k < t->ncol; k++) {
            int how = cell(out, r, &t->cell[i * t->ncol + k]);
            any_supp |= how == 1;
            any_missing |= how == 2;
        }
        fputs("</tr>\n", out);
    }
    fputs("</tbody>\n</table>\n", out);
    notes(out, r, t, any_supp, any_missing);
    return LCM_OK;
}
