/*
 * export_stat.c - SPSS .sav and Stata .dta through libreadstat, with variable labels
 * (the original headers or question labels) and value labels (choice lists).
 *
 * Numbers are written as doubles (SPSS has no other numeric type; Stata reads them
 * exactly). String widths must be declared before the first row, so the source says
 * the longest value of each text column; Stata's str type stops at 2045 bytes and SPSS
 * at 32767, and a longer value is refused rather than cut.
 */
#include "export_int.h"

#include <errno.h>
#include <readstat.h>
#include <stdlib.h>
#include <string.h>

#define DTA_MAX_STR 2045
#define SAV_MAX_STR 32767

static ssize_t write_bytes(const void *data, size_t len, void *ctx) {
    return fwrite(data, 1, len, ctx) == len ? (ssize_t)len : -1;
}

/* Value labels of a column as a label set: numeric codes as doubles, others as strings. */
static readstat_label_set_t *label_set(readstat_writer_t *w, const lcm__exp_col *c) {
    int text = c->type == LCM_COL_TEXT;
    readstat_label_set_t *ls =
        readstat_add_label_set(w, text ? READSTAT_TYPE_STRING : READSTAT_TYPE_DOUBLE, c->name);
    for (size_t k = 0; ls && k < c->nvlabels; k++) {
        if (text)
            readstat_label_string_value(ls, c->vlabels[k].value, c->vlabels[k].label);
        else
            readstat_label_double_value(ls, strtod(c->vlabels[k].value, NULL), c->vlabels[k].label);
    }
    return ls;
}

static lcm_status add_variables(readstat_writer_t *w, const lcm__exp_src *src, int dta,
                                readstat_variable_t **vars, lcm_err *err) {
    size_t max = dta ? DTA_MAX_STR : SAV_MAX_STR;
    for (size_t i = 0; i < src->ncols; i++) {
        const lcm__exp_col *c = &src->cols[i];
        int text = c->type == LCM_COL_TEXT;
        if (text && c->width > max)
            return lcm_err_set(err, LCM_UNSUPPORTED,
                               "column '%s' holds text of %zu bytes, longer than %s's limit of "
                               "%zu: export it as csv, json or xlsx",
                               c->name, c->width, dta ? "Stata" : "SPSS", max);
        vars[i] =
            readstat_add_variable(w, c->name, text ? READSTAT_TYPE_STRING : READSTAT_TYPE_DOUBLE,
                                  text ? (c->width ? c->width : 1) : 0);
        if (!vars[i])
            return lcm_err_set(err, LCM_NOMEM, "out of memory describing '%s'", c->name);
        if (c->label)
            readstat_variable_set_label(vars[i], c->label);
        if (c->time && !text)
            readstat_variable_set_format(vars[i],
                                         dta ? (c->time == LCM_EXP_DATE ? "%td" : "%tc")
                                             : (c->time == LCM_EXP_DATE ? "DATE11" : "DATETIME20"));
        if (c->nvlabels)
            readstat_variable_set_label_set(vars[i], label_set(w, c));
    }
    return LCM_OK;
}

static readstat_error_t insert(readstat_writer_t *w, readstat_variable_t *v, sqlite3_stmt *st,
                               int i, int text) {
    if (sqlite3_column_type(st, i) == SQLITE_NULL)
        return readstat_insert_missing_value(w, v);
    if (text)
        return readstat_insert_string_value(w, v, (const char *)sqlite3_column_text(st, i));
    return readstat_insert_double_value(w, v, sqlite3_column_double(st, i));
}

static lcm_status write_rows(readstat_writer_t *w, const lcm__exp_src *src,
                             readstat_variable_t **vars, lcm_err *err) {
    readstat_error_t rc = READSTAT_OK;
    int step;
    while (rc == READSTAT_OK && (step = sqlite3_step(src->rows)) == SQLITE_ROW) {
        rc = readstat_begin_row(w);
        for (size_t i = 0; rc == READSTAT_OK && i < src->ncols; i++)
            rc = insert(w, vars[i], src->rows, (int)i, src->cols[i].type == LCM_COL_TEXT);
        if (rc == READSTAT_OK)
            rc = readstat_end_row(w);
    }
    if (rc != READSTAT_OK)
        return lcm_err_set(err, LCM_EXTERNAL, "readstat: %s", readstat_error_message(rc));
    if (step != SQLITE_DONE)
        return lcm_err_set(err, LCM_DB, "cannot read rows to export: %s",
                           sqlite3_errmsg(sqlite3_db_handle(src->rows)));
    return LCM_OK;
}

lcm_status lcm__exp_readstat(const lcm__exp_src *src, const char *path, int dta, lcm_err *err) {
    readstat_writer_t *w = readstat_writer_init();
    readstat_variable_t **vars = calloc(src->ncols ? src->ncols : 1, sizeof *vars);
    FILE *fp = fopen(path, "wb");
    lcm_status st = LCM_OK;
    readstat_error_t rc;
    if (!fp) {
        st = lcm_err_set(err, LCM_IO, "cannot write '%s': %s", path, strerror(errno));
        goto cleanup;
    }
    if (!w || !vars) {
        st = lcm_err_set(err, LCM_NOMEM, "out of memory exporting");
        goto cleanup;
    }
    readstat_set_data_writer(w, write_bytes);
    readstat_writer_set_file_label(w, src->title);
    if ((st = add_variables(w, src, dta, vars, err)) != LCM_OK)
        goto cleanup;
    rc = dta ? readstat_begin_writing_dta(w, fp, src->nrows)
             : readstat_begin_writing_sav(w, fp, src->nrows);
    if (rc != READSTAT_OK) {
        st = lcm_err_set(err, LCM_EXTERNAL, "readstat: %s", readstat_error_message(rc));
        goto cleanup;
    }
    if ((st = write_rows(w, src, vars, err)) == LCM_OK &&
        (rc = readstat_end_writing(w)) != READSTAT_OK)
        st = lcm_err_set(err, LCM_EXTERNAL, "readstat: %s", readstat_error_message(rc));
cleanup:
    if (fp && fclose(fp) != 0 && st == LCM_OK)
        st = lcm_err_set(err, LCM_IO, "cannot write '%s': %s", path, strerror(errno));
    readstat_writer_free(w);
    free(vars);
    return st;
}
