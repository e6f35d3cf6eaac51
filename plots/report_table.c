/*
 * report_table.c - tables of the HTML report: numbers right-aligned in tabular figures,
 * estimates with their CI, missing values marked, and survey cells below the minimum
 * sample size suppressed so that their values never reach the file.
 */
#include "chart_internal.h"
#include "escape.h"
#include "report_internal.h"

#include <math.h>
#include <string.h>

#define MAX_COL 64

int lcm__report_suppressed(const lcm_report *r, const lcm_report_cell *c) {
    return c->kind != LCM_CELL_TEXT && c->n >= 0 && c->n < r->min_n;
}

static int decimals(const lcm_report_cell *c) {
    return c->decimals < 0 ? 0 : c->decimals > 6 ? 6 : c->decimals;
}

/* v with d decimals, the integer part grouped by threes with commas when |v| >= 10,000. */
void lcm__report_number(FILE *out, double v, int d) {
    char buf[400];
    snprintf(buf, sizeof buf, "%.*f", d, v);
    const char *digits = buf + (buf[0] == '-');
    size_t nint = strcspn(digits, ".");
    if (fabs(v) < 10000 || nint < 5) {
        fputs(buf, out);
        return;
    }
    fwrite(buf, 1, (size_t)(digits - buf), out);
    for (size_t i = 0; i < nint; i++) {
        if (i && (nint - i) % 3 == 0)
            fputc(',', out);
        fputc(digits[i], out);
    }
    fputs(digits + nint, out);
}

/* What a numeric column needs to keep its numbers aligned: the most decimals of its
 * numbers and the widest unit after them (in ems). */
typedef struct column {
    int numeric; /* the column holds numbers: its text cells (e.g. "是") align with them */
    int decimals;
    double unit_em;
} column;

static double em_width(const char *s) {
    double w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xC0) != 0x80)
            w += *p >= 0xE0 ? 1 : 0.55;
    return w;
}

/* Writes the cell; tells the caller whether it was suppressed (1) or missing (2). */
static int cell(FILE *out, const lcm_report *r, const lcm_report_cell *c, const column *col) {
    if (c->kind == LCM_CELL_TEXT) {
        fputs(col->numeric ? "<td class=\"num\">" : "<td>", out);
        lcm_html_escape_fp(out, c->text ? c->text : "");
        fputs("</td>", out);
        return 0;
    }
    if (lcm__report_suppressed(r, c) || !isfinite(c->value)) {
        int supp = lcm__report_suppressed(r, c);
        fputs(supp ? "<td class=\"num supp\">*" : "<td class=\"num na\">–", out);
        if (col->unit_em > 0) /* an empty unit box keeps the mark in line with the numbers */
            fprintf(out, "<span class=\"unit\" style=\"min-width:%.1fem\"></span>",
                    col->unit_em + 0.3);
        fputs("</td>", out);
        return supp ? 1 : 2;
    }
    int d = decimals(c);
    int ci = c->kind == LCM_CELL_EST && isfinite(c->lo) && isfinite(c->hi);
    fputs("<td class=\"num\">", out);
    lcm__report_number(out, c->value, d);
    if (ci) {
        fputs(" <span class=\"ci\">(", out);
        lcm__report_number(out, c->lo, d);
        fputs("–", out);
        lcm__report_number(out, c->hi, d);
        fputs(")</span>", out);
    } else if (c->kind == LCM_CELL_EST) { /* no interval (df 0, p 0 or 1): said, not hidden */
        fputs(" <span class=\"ci\">(—)</span>", out);
    } else if (d < col->decimals) { /* invisible zeros keep the decimal points in line */
        fprintf(out, "<span class=\"pad\">%s%.*s</span>", d ? "" : ".", col->decimals - d,
                "000000");
    }
    if (col->unit_em > 0) {
        fprintf(out, "<span class=\"unit\" style=\"min-width:%.1fem\">", col->unit_em + 0.3);
        lcm_html_escape_fp(out, c->unit ? c->unit : "");
        fputs("</span>", out);
    }
    fputs("</td>", out);
    return 0;
}

static column measure_column(const lcm_report *r, const lcm_report_table *t, size_t k) {
    column col = {0, 0, 0};
    for (size_t i = 0; i < t->nrow; i++) {
        const lcm_report_cell *c = &t->cell[i * t->ncol + k];
        col.numeric |= c->kind != LCM_CELL_TEXT;
        if (c->kind == LCM_CELL_TEXT || lcm__report_suppressed(r, c) || !isfinite(c->value))
            continue;
        if (!(c->kind == LCM_CELL_EST && isfinite(c->lo) && isfinite(c->hi)) &&
            decimals(c) > col.decimals)
            col.decimals = decimals(c);
        if (c->unit && em_width(c->unit) > col.unit_em)
            col.unit_em = em_width(c->unit);
    }
    return col;
}

lcm_status lcm__report_table_check(const lcm_report_table *t, char *msg, size_t cap) {
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
    lcm_status st = lcm__report_table_check(t, msg, cap);
    if (st != LCM_OK)
        return st;
    int any_supp = 0, any_missing = 0;
    fputs("<table>\n<caption>", out);
    lcm__numbered(out, r->lang, LCM__R_TABLE, number);
    if (t->caption)
        lcm_html_escape_fp(out, t->caption);
    fputs("</caption>\n", out);
    header(out, t);
    column col[MAX_COL];
    for (size_t k = 0; k < t->ncol; k++)
        col[k] = measure_column(r, t, k);
    fputs("<tbody>\n", out);
    for (size_t i = 0; i < t->nrow; i++) {
        fputs("<tr>", out);
        for (size_t k = 0; k < t->ncol; k++) {
            int how = cell(out, r, &t->cell[i * t->ncol + k], &col[k]);
            any_supp |= how == 1;
            any_missing |= how == 2;
        }
        fputs("</tr>\n", out);
    }
    fputs("</tbody>\n</table>\n", out);
    notes(out, r, t, any_supp, any_missing);
    return LCM_OK;
}
