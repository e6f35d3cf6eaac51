/*
 * export_xlsx.c - an Excel workbook through libxlsxwriter in constant-memory mode (each
 * row is flushed as it is written, so memory stays flat), one sheet per table, names in
 * row 1.
 * A sheet holds at most 1,048,576 rows and a cell 32,767 characters: more is refused.
 */
#include "export_int.h"
#include "strbuf.h"

#include <xlsxwriter.h>

#define XLSX_MAX_ROWS 1048576L
#define XLSX_MAX_CHARS 32767

static lcm_status cell(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, sqlite3_stmt *st,
                       lcm_err *err) {
    lxw_error e = LXW_NO_ERROR;
    switch (sqlite3_column_type(st, c)) {
    case SQLITE_NULL:
        return LCM_OK;
    case SQLITE_INTEGER:
    case SQLITE_FLOAT:
        e = worksheet_write_number(ws, r, c, sqlite3_column_double(st, c), NULL);
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

static lcm_status sheet(lxw_worksheet *ws, const lcm__exp_src *src, lcm_err *err) {
    lcm_status st = LCM_OK;
    int step;
    lxw_row_t r = 0;
    for (size_t i = 0; i < src->ncols; i++)
        if (worksheet_write_string(ws, 0, (lxw_col_t)i, src->cols[i].name, NULL) != LXW_NO_ERROR)
            return lcm_err_set(err, LCM_EXTERNAL, "libxlsxwriter: cannot write the header");
    while (st == LCM_OK && (step = sqlite3_step(src->rows)) == SQLITE_ROW) {
        r++;
        for (size_t i = 0; st == LCM_OK && i < src->ncols; i++)
            st = cell(ws, r, (lxw_col_t)i, src->rows, err);
    }
    if (st == LCM_OK && step != SQLITE_DONE)
        st = lcm_err_set(err, LCM_DB, "cannot read rows to export: %s",
                         sqlite3_errmsg(sqlite3_db_handle(src->rows)));
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
    for (size_t i = 0; st == LCM_OK && i < n; i++) {
        lxw_worksheet *ws = workbook_add_worksheet(wb, names ? names[i] : NULL);
        st = ws ? sheet(ws, srcs[i], err)
                : lcm_err_set(err, LCM_INVAL, "cannot add a sheet named '%s' to '%s'",
                              names && names[i] ? names[i] : "", path);
    }
    lxw_error e = workbook_close(wb);
    if (st == LCM_OK && e != LXW_NO_ERROR)
        st = lcm_err_set(err, LCM_IO, "cannot write '%s': %s", path, lxw_strerror(e));
    return st;
}

lcm_status lcm__exp_xlsx(const lcm__exp_src *src, const char *path, lcm_err *err) {
    return lcm__exp_xlsx_book(&src, NULL, 1, path, err);
}
