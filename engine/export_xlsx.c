/*
 * export_xlsx.c - an Excel workbook through libxlsxwriter in constant-memory mode (each
 * row is flushed as it is written, so memory stays flat), one sheet per table, names in
 * row 1, dates and times as Excel dates, and a last sheet "codebook" describing every
 * variable: its label, type and value labels.
 * A sheet holds at most 1,048,576 rows and a cell 32,767 characters: more is refused.
 */
#include "export_int.h"
#include "strbuf.h"

#include <xlsxwriter.h>

#define XLSX_MAX_ROWS 1048576L
#define XLSX_MAX_CHARS 32767

/* The display formats of dates and date-times (indexed by lcm__exp_time). */
typedef struct formats {
    lxw_format *time[3];
} formats;

static lcm_status cell(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, sqlite3_stmt *st,
                       lxw_format *fmt, lcm_err *err) {
    lxw_error e = LXW_NO_ERROR;
    switch (sqlite3_column_type(st, c)) {
    case SQLITE_NULL:
        return LCM_OK;
    case SQLITE_INTEGER:
    case SQLITE_FLOAT:
        e = worksheet_write_number(ws, r, c, sqlite3_column_double(st, c), fmt);
        break;
    default: {
        const char *s = (const char *)sqlite3_column_text(st, c);
        if (lcm_utf8_len(s, (size_t)sqlite3_column_bytes(st, c)) > XLSX_MAX_CHARS)
            return lcm_err_set(err, LCM_UNSUPPORTED,
                               "row %lu, column %u: text longer than Excel's %d characters",
                               (unsigned long)r, (unsigned)c + 1, XLSX_MAX_CHARS);
        e = worksheet_write_string(ws, r, c, s, NULL);
    }
    }
    return e == LXW_NO_ERROR ? LCM_OK
                             : lcm_err_set(err, LCM_EXTERNAL, "libxlsxwriter: %s", lxw_strerror(e));
}

static lcm_status sheet(lxw_worksheet *ws, const lcm__exp_src *src, const formats *f,
                        lcm_err *err) {
    lcm_status st = LCM_OK;
    int step;
    lxw_row_t r = 0;
    for (size_t i = 0; i < src->ncols; i++)
        if (worksheet_write_string(ws, 0, (lxw_col_t)i, src->cols[i].name, NULL) != LXW_NO_ERROR)
            return lcm_err_set(err, LCM_EXTERNAL, "libxlsxwriter: cannot write the header");
    while (st == LCM_OK && (step = sqlite3_step(src->rows)) == SQLITE_ROW) {
        r++;
        for (size_t i = 0; st == LCM_OK && i < src->ncols; i++)
            st = cell(ws, r, (lxw_col_t)i, src->rows, f->time[src->cols[i].time], err);
    }
    if (st == LCM_OK && step != SQLITE_DONE)
        st = lcm_err_set(err, LCM_DB, "cannot read rows to export: %s",
                         sqlite3_errmsg(sqlite3_db_handle(src->rows)));
    return st;
}

static const char *type_name(const lcm__exp_col *c) {
    return c->time == LCM_EXP_DATE       ? "date"
           : c->time == LCM_EXP_DATETIME ? "date-time"
           : c->type == LCM_COL_TEXT     ? "text"
                                         : "number";
}

/* The codebook: one row per variable of every table (table, variable, label, type, value
 * labels as "1 = label; 2 = label"). */
static lcm_status codebook(lxw_worksheet *ws, const lcm__exp_src *const *srcs,
                           const char *const *names, size_t n, lcm_err *err) {
    static const char *const head[] = {"table", "variable", "label", "type", "values"};
    lxw_row_t r = 0;
    lxw_error e = LXW_NO_ERROR;
    lcm_strbuf sb = LCM_STRBUF_INIT;
    for (lxw_col_t c = 0; c < 5 && e == LXW_NO_ERROR; c++)
        e = worksheet_write_string(ws, r, c, head[c], NULL);
    for (size_t i = 0; i < n && e == LXW_NO_ERROR; i++)
        for (size_t k = 0; k < srcs[i]->ncols && e == LXW_NO_ERROR; k++) {
            const lcm__exp_col *c = &srcs[i]->cols[k];
            lcm_strbuf_clear(&sb);
            for (size_t v = 0; v < c->nvlabels; v++)
                lcm_strbuf_addf(&sb, "%s%s = %s", v ? "; " : "", c->vlabels[v].value,
                                c->vlabels[v].label);
            r++;
            e = worksheet_write_string(ws, r, 0, names && names[i] ? names[i] : srcs[i]->title,
                                       NULL);
            if (e == LXW_NO_ERROR)
                e = worksheet_write_string(ws, r, 1, c->name, NULL);
            if (e == LXW_NO_ERROR && c->label)
                e = worksheet_write_string(ws, r, 2, c->label, NULL);
            if (e == LXW_NO_ERROR)
                e = worksheet_write_string(ws, r, 3, type_name(c), NULL);
            if (e == LXW_NO_ERROR && sb.len)
                e = worksheet_write_string(ws, r, 4, sb.buf, NULL);
        }
    lcm_status st = !lcm_strbuf_ok(&sb) ? lcm_err_set(err, LCM_NOMEM, "out of memory")
                    : e != LXW_NO_ERROR
                        ? lcm_err_set(err, LCM_EXTERNAL, "libxlsxwriter: %s", lxw_strerror(e))
                        : LCM_OK;
    lcm_strbuf_release(&sb);
    return st;
}

lcm_status lcm__exp_xlsx_book(const lcm__exp_src *const *srcs, const char *const *names, size_t n,
                              const char *path, lcm_err *err) {
    for (size_t i = 0; i < n; i++)
        if (srcs[i]->nrows + 1 > XLSX_MAX_ROWS)
            return lcm_err_set(err, LCM_UNSUPPORTED,
                               "%ld rows do not fit in an Excel sheet (%ld at most): export csv",
                               srcs[i]->nrows, XLSX_MAX_ROWS - 1);
    lxw_workbook_options o = {.constant_memory = LXW_TRUE, .tmpdir = NULL};
    lxw_workbook *wb = workbook_new_opt(path, &o);
    if (!wb)
        return lcm_err_set(err, LCM_IO, "cannot create workbook '%s'", path);
    lcm_status st = LCM_OK;
    formats f = {{NULL, workbook_add_format(wb), workbook_add_format(wb)}};
    if (f.time[LCM_EXP_DATE] && f.time[LCM_EXP_DATETIME]) {
        format_set_num_format(f.time[LCM_EXP_DATE], "yyyy-mm-dd");
        format_set_num_format(f.time[LCM_EXP_DATETIME], "yyyy-mm-dd hh:mm:ss");
    } else {
        st = lcm_err_set(err, LCM_NOMEM, "out of memory");
    }
    for (size_t i = 0; st == LCM_OK && i < n; i++) {
        lxw_worksheet *ws = workbook_add_worksheet(wb, names ? names[i] : NULL);
        st = ws ? sheet(ws, srcs[i], &f, err)
                : lcm_err_set(err, LCM_INVAL, "cannot add a sheet named '%s' to '%s'",
                              names && names[i] ? names[i] : "", path);
    }
    if (st == LCM_OK) { /* a table may be called codebook: then the sheet is lcmon_codebook */
        lxw_worksheet *ws = workbook_get_worksheet_by_name(wb, "codebook")
                                ? workbook_add_worksheet(wb, "lcmon_codebook")
                                : workbook_add_worksheet(wb, "codebook");
        st = ws ? codebook(ws, srcs, names, n, err)
                : lcm_err_set(err, LCM_INVAL, "cannot add the codebook sheet to '%s'", path);
    }
    lxw_error e = workbook_close(wb);
    if (st == LCM_OK && e != LXW_NO_ERROR)
        st = lcm_err_set(err, LCM_IO, "cannot write '%s': %s", path, lxw_strerror(e));
    return st;
}

lcm_status lcm__exp_xlsx(const lcm__exp_src *src, const char *path, lcm_err *err) {
    return lcm__exp_xlsx_book(&src, NULL, 1, path, err);
}
