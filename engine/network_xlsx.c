/*
 * network_xlsx.c - a register table as an Excel workbook (libxlsxwriter).
 *
 * Provinces hand the ministry their summary table (附件3) as a spreadsheet to print and
 * sign, so the workbook looks like the form: a merged title, a line naming the province,
 * a header row, then one row per city; numbers are stored as numbers so the ministry can
 * sum them.
 */
#include "network.h"
#include "network_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xlsxwriter.h>

typedef struct sheet_formats {
    lxw_format *title, *subtitle, *header, *text, *number;
} sheet_formats;

static void make_formats(lxw_workbook *wb, sheet_formats *f) {
    f->title = workbook_add_format(wb);
    format_set_bold(f->title);
    format_set_font_size(f->title, 16);
    format_set_align(f->title, LXW_ALIGN_CENTER);
    f->subtitle = workbook_add_format(wb);
    f->header = workbook_add_format(wb);
    format_set_bold(f->header);
    format_set_text_wrap(f->header);
    format_set_align(f->header, LXW_ALIGN_CENTER);
    format_set_align(f->header, LXW_ALIGN_VERTICAL_CENTER);
    format_set_border(f->header, LXW_BORDER_THIN);
    f->text = workbook_add_format(wb);
    format_set_text_wrap(f->text);
    format_set_align(f->text, LXW_ALIGN_VERTICAL_TOP);
    format_set_border(f->text, LXW_BORDER_THIN);
    f->number = workbook_add_format(wb);
    format_set_align(f->number, LXW_ALIGN_VERTICAL_TOP);
    format_set_border(f->number, LXW_BORDER_THIN);
}

/* Column width from the widest cell, counting a CJK character (3 UTF-8 bytes) as two
 * Excel units; long texts (the opinion) wrap at 40. */
static double column_width(const lcm_net_table *t, int col) {
    size_t widest = 0;
    for (size_t r = 0; r <= t->nrows; r++) {
        const char *s = r == 0 ? t->headers[col] : lcm_net_table_cell(t, r - 1, col);
        size_t w = 0;
        for (const unsigned char *p = (const unsigned char *)s; *p; p++)
            w += (*p & 0xC0) != 0x80 ? (*p >= 0xE0 ? 2 : 1) : 0;
        if (w > widest)
            widest = w;
    }
    return widest < 6 ? 6 : widest > 40 ? 40 : (double)widest + 1;
}

static lxw_error write_cell(lxw_worksheet *ws, const lcm_net_table *t, size_t r, int c,
                            const sheet_formats *f) {
    const char *s = lcm_net_table_cell(t, r, c);
    lxw_row_t row = (lxw_row_t)(r + 3);
    char *end;
    double v = strtod(s, &end);
    if (!*s)
        return worksheet_write_blank(ws, row, (lxw_col_t)c, f->text);
    if (t->numeric[c] && !*end)
        return worksheet_write_number(ws, row, (lxw_col_t)c, v, f->number);
    return worksheet_write_string(ws, row, (lxw_col_t)c, s, f->text);
}

/* The 合计 row under the table (row r of the sheet): the label, then the sums. */
static lxw_error write_total(lxw_worksheet *ws, const lcm_net_table *t, lxw_row_t row,
                             const lcm_net_form_info *info, const sheet_formats *f) {
    lxw_error e = LXW_NO_ERROR;
    for (int c = 0; !e && c < t->ncols; c++) {
        int sum = 0;
        for (int k = 0; k < 8 && info->sum_cols[k] >= 0; k++)
            sum |= info->sum_cols[k] == c;
        double total = 0;
        for (size_t r = 0; sum && r < t->nrows; r++)
            total += strtod(lcm_net_table_cell(t, r, c), NULL);
        if (c == info->label_col)
            e = worksheet_write_string(ws, row, (lxw_col_t)c, info->total_label, f->header);
        else if (sum)
            e = worksheet_write_number(ws, row, (lxw_col_t)c, total, f->number);
        else
            e = worksheet_write_blank(ws, row, (lxw_col_t)c, f->text);
    }
    return e;
}

/* 填报单位（盖章）, 联系人, 联系电话, 填报日期 under the table, each "label：value" with room
 * to sign and stamp when the value is blank. */
static lxw_error write_footer(lxw_worksheet *ws, const lcm_net_table *t, lxw_row_t row,
                              const lcm_net_form_info *info, const sheet_formats *f) {
    const char *labels[] = {"填报单位（盖章）", "联系人", "联系电话", "填报日期"};
    const char *values[] = {info->unit, info->contact, info->phone, info->date};
    lxw_error e = LXW_NO_ERROR;
    lxw_col_t last = (lxw_col_t)(t->ncols - 1);
    for (int i = 0; !e && i < 4; i++) {
        char line[512];
        snprintf(line, sizeof line, "%s：%s", labels[i], values[i] ? values[i] : "");
        e = worksheet_merge_range(ws, row + (lxw_row_t)i, 0, row + (lxw_row_t)i, last, line,
                                  f->subtitle);
    }
    return e;
}

static lxw_error write_sheet(lxw_worksheet *ws, const lcm_net_table *t, const char *title,
                             const char *subtitle, const lcm_net_form_info *info,
                             const sheet_formats *f) {
    lxw_col_t last = (lxw_col_t)(t->ncols - 1);
    lxw_error e = worksheet_merge_range(ws, 0, 0, 0, last, title, f->title);
    if (!e)
        e = worksheet_merge_range(ws, 1, 0, 1, last, subtitle, f->subtitle);
    for (int c = 0; !e && c < t->ncols; c++) {
        e = worksheet_write_string(ws, 2, (lxw_col_t)c, t->headers[c], f->header);
        if (!e)
            e = worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, column_width(t, c), NULL);
    }
    for (size_t r = 0; !e && r < t->nrows; r++)
        for (int c = 0; !e && c < t->ncols; c++)
            e = write_cell(ws, t, r, c, f);
    lxw_row_t next = (lxw_row_t)(t->nrows + 3);
    if (!e && info && info->total_label)
        e = write_total(ws, t, next++, info, f);
    if (!e && info)
        e = write_footer(ws, t, next + 1, info, f);
    worksheet_freeze_panes(ws, 3, 0); /* the header stays in view on long lists */
    if (info) { /* printed on A4 landscape, one page wide, the header on every page */
        worksheet_set_landscape(ws);
        worksheet_set_paper(ws, 9);
        worksheet_fit_to_pages(ws, 1, 0);
        if (!e)
            e = worksheet_repeat_rows(ws, 2, 2);
    }
    return e;
}

lcm_status lcm_net_table_xlsx(const lcm_net_table *t, const char *title, const char *subtitle,
                              const lcm_net_form_info *info, const char *path, lcm_err *err) {
    /* Try the path first: libxlsxwriter reports a failed create on stderr itself, and a
     * library of lcmon must not print. */
    FILE *probe = fopen(path, "wb");
    if (!probe)
        return lcm_err_set(err, LCM_IO, "cannot write '%s': %s", path, strerror(errno));
    fclose(probe);
    lxw_workbook *wb = workbook_new(path);
    if (!wb)
        return lcm_err_set(err, LCM_NOMEM, "cannot start workbook '%s'", path);
    sheet_formats f;
    make_formats(wb, &f);
    lxw_worksheet *ws =
        workbook_add_worksheet(wb, info && info->sheet && *info->sheet ? info->sheet : NULL);
    lxw_error e =
        ws ? write_sheet(ws, t, title, subtitle, info, &f) : LXW_ERROR_MEMORY_MALLOC_FAILED;
    if (!ws || !f.title || !f.subtitle || !f.header || !f.text || !f.number)
        e = LXW_ERROR_MEMORY_MALLOC_FAILED;
    lxw_error closed = workbook_close(wb); /* writes the file, frees wb either way */
    if (e || closed) {
        remove(path); /* no half-written workbook left behind */
        return lcm_err_set(err, LCM_IO, "cannot write '%s': %s", path,
                           lxw_strerror(e ? e : closed));
    }
    return LCM_OK;
}

/* The form of 附件3 around the table (lcmon network summary --format xlsx, and the
 * province's download on the web): the title, the province and the number of cities, the
 * 合计 row, and 填报日期 = the date of the (latest) recommendation, today when none. */
lcm_status lcm_net_summary_xlsx(lcm_db *db, const char *province, const lcm_net_table *t,
                                const lcm_net_summary_opts *o, const char *path, lcm_err *err) {
    char name[128] = "", today[16] = "", subtitle[512], round[64] = "", year[16];
    lcm_net_problems lang; /* only for L() */
    lcm_net_problems_init(&lang, o->lang);
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db, "SELECT name FROM provinces WHERE code = ?1", &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, province, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(name, sizeof name, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (o->round)
        snprintf(round, sizeof round, L(&lang, "    round: %d", "    批次：%d年"), o->round);
    rc = lcm_db_prepare(db,
                        "SELECT max(substr(m.recommended_on, 1, 10)) FROM network_members m JOIN "
                        "cities c ON c.code = m.city_code WHERE c.province_code = ?1 AND "
                        "m.recommended_on IS NOT NULL AND (?2 IS NULL OR "
                        "substr(m.recommended_on, 1, 4) = ?2)",
                        &st, err);
    if (rc != LCM_OK)
        return rc;
    snprintf(year, sizeof year, "%d", o->round);
    sqlite3_bind_text(st, 1, province, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, o->round ? year : NULL, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(today, sizeof today, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (!today[0]) {
        time_t now = time(NULL);
        struct tm tm;
        strftime(today, sizeof today, "%Y-%m-%d", localtime_r(&now, &tm));
    }
    snprintf(subtitle, sizeof subtitle,
             L(&lang, "Province: %s (%s)    cities recommended: %zu%s",
               "省（自治区、直辖市）：%s（%s）    推荐城市数：%zu%s"),
             name, province, t->nrows, round);
    const char *title = L(&lang, "Cities recommended to join the national learning-city network",
                          "推荐加入全国学习型城市网络城市汇总表");
    /* 合计: the number of cities under 城市, the population and the area summed. */
    char count[32];
    snprintf(count, sizeof count, L(&lang, "Total (%zu cities)", "合计（%zu个城市）"), t->nrows);
    lcm_net_form_info info = {
        name[0] ? name : province, o->unit, o->contact, o->phone, today, count, 2, {5, 7, -1}};
    return lcm_net_table_xlsx(t, title, subtitle, &info, path, err);
}
