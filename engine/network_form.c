/*
 * network_form.c - the application form of the seed's 附件2, read from
 * surveys/application/form.csv.
 *
 * The form is data so that a change of the ministry's form (a new limit, another field) is
 * an edit of one CSV file that the tests and `lcmon network template` pick up, not a code
 * change. The file is checked as strictly as a filled application: an unknown type or a
 * malformed limit names its line and column.
 */
#include "csvin.h"
#include "network.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const form_cols[] = {"name",      "part",      "type",    "required",
                                        "max_chars", "max_items", "min",     "max",
                                        "choices",   "label_zh",  "label_en"};
enum {
    C_NAME,
    C_PART,
    C_TYPE,
    C_REQUIRED,
    C_MAXCH,
    C_MAXIT,
    C_MIN,
    C_MAX,
    C_CHOICES,
    C_ZH,
    C_EN,
    NCOLS
};

static const char *const type_names[] = {
    [LCM_NET_TEXT] = "text",   [LCM_NET_NUMBER] = "number", [LCM_NET_YEAR] = "year",
    [LCM_NET_DATE] = "date",   [LCM_NET_PHONE] = "phone",   [LCM_NET_MOBILE] = "mobile",
    [LCM_NET_EMAIL] = "email", [LCM_NET_CITY] = "city",     [LCM_NET_CHOICE] = "choice",
    [LCM_NET_PDF] = "pdf",     [LCM_NET_PHOTO] = "photo",   [LCM_NET_REPEAT] = "repeat",
};
#define NTYPES (sizeof type_names / sizeof type_names[0])

typedef struct form_reader {
    lcm_net_form *form;
    int map[NCOLS];
    size_t cap;
} form_reader;

int lcm_net_form_find(const lcm_net_form *form, const char *name) {
    for (size_t i = 0; i < form->n; i++)
        if (strcmp(form->fields[i].name, name) == 0)
            return (int)i;
    return -1;
}

static void field_release(lcm_net_field *f) {
    free(f->name);
    free(f->choices);
    free(f->label_zh);
    free(f->label_en);
}

void lcm_net_form_release(lcm_net_form *form) {
    for (size_t i = 0; i < form->n; i++)
        field_release(&form->fields[i]);
    free(form->fields);
    form->fields = NULL;
    form->n = 0;
}

/* A whole decimal number in a cell, or an empty cell (*out untouched). */
static int cell_number(const char *s, double *out) {
    if (!*s)
        return 0;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (*end || errno || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

static lcm_status bad_cell(const lcm_csv_row *row, int col, const char *what, lcm_err *err) {
    return lcm_err_set(err, LCM_PARSE, "%s:%ld:%d: %s: '%s'", row->file, row->line, col + 1, what,
                       row->field[col]);
}

/* The group a child belongs to: the repeat field named by the part before the first dot. */
static int group_of(const lcm_net_form *form, const char *name) {
    const char *dot = strchr(name, '.');
    if (!dot)
        return -1;
    for (size_t i = 0; i < form->n; i++) {
        const lcm_net_field *g = &form->fields[i];
        if (g->type == LCM_NET_REPEAT && strlen(g->name) == (size_t)(dot - name) &&
            strncmp(g->name, name, (size_t)(dot - name)) == 0)
            return (int)i;
    }
    return -1;
}

static lcm_status parse_type(const lcm_csv_row *row, int col, lcm_net_field *f, lcm_err *err) {
    for (size_t t = 0; t < NTYPES; t++)
        if (strcmp(row->field[col], type_names[t]) == 0) {
            f->type = (lcm_net_type)t;
            return LCM_OK;
        }
    return bad_cell(row, col, "unknown field type", err);
}

/* The numeric columns of one form row: part, required, limits, bounds. */
static lcm_status parse_numbers(const lcm_csv_row *row, const int *map, lcm_net_field *f,
                                lcm_err *err) {
    double part = -1, req = -1, maxch = 0, maxit = 0;
    f->min = 1, f->max = 0; /* min > max: no bounds */
    struct {
        int col;
        double *out;
        double lo, hi;
    } cells[] = {{C_PART, &part, 0, 5},         {C_REQUIRED, &req, 0, 1},
                 {C_MAXCH, &maxch, 0, 100000},  {C_MAXIT, &maxit, 0, 1000},
                 {C_MIN, &f->min, -1e15, 1e15}, {C_MAX, &f->max, -1e15, 1e15}};
    for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++) {
        int col = map[cells[i].col];
        if (cell_number(row->field[col], cells[i].out) != 0 || *cells[i].out < cells[i].lo ||
            *cells[i].out > cells[i].hi || floor(*cells[i].out) != *cells[i].out)
            return bad_cell(row, col, "not a whole number in range", err);
    }
    if (part < 0 || req < 0)
        return lcm_err_set(err, LCM_PARSE, "%s:%ld: part and required must be given: '%s'",
                           row->file, row->line, f->name);
    f->part = (int)part, f->required = (int)req;
    f->max_chars = (long)maxch, f->max_items = (int)maxit;
    return LCM_OK;
}

/* Rules between columns: a repeat needs its item cap, a choice its choices, a child a
 * group defined above it. */
static lcm_status check_field(const lcm_csv_row *row, lcm_net_form *form, lcm_net_field *f,
                              lcm_err *err) {
    if (!*f->name || lcm_net_form_find(form, f->name) >= 0)
        return lcm_err_set(err, LCM_PARSE, "%s:%ld: empty or repeated field name: '%s'", row->file,
                           row->line, f->name);
    f->group = group_of(form, f->name);
    if (f->type == LCM_NET_REPEAT && (f->max_items < 1 || strchr(f->name, '.')))
        return lcm_err_set(err, LCM_PARSE,
                           "%s:%ld: a repeat needs max_items and a name without dots: '%s'",
                           row->file, row->line, f->name);
    if (f->type == LCM_NET_CHOICE && !*f->choices)
        return lcm_err_set(err, LCM_PARSE, "%s:%ld: a choice needs choices: '%s'", row->file,
                           row->line, f->name);
    if (f->group >= 0 && form->n > 0 && (int)form->n - 1 != f->group &&
        form->fields[form->n - 1].group != f->group)
        return lcm_err_set(err, LCM_PARSE, "%s:%ld: the fields of a repeat must follow it: '%s'",
                           row->file, row->line, f->name);
    if (f->group >= 0 && f->type == LCM_NET_REPEAT)
        return lcm_err_set(err, LCM_PARSE, "%s:%ld: repeats cannot nest: '%s'", row->file,
                           row->line, f->name);
    return LCM_OK;
}

static lcm_status map_header(const lcm_csv_row *row, form_reader *fr, lcm_err *err) {
    for (int i = 0; i < NCOLS; i++)
        if ((fr->map[i] = lcm_csv_find(row, form_cols[i])) < 0)
            return lcm_err_set(err, LCM_PARSE, "%s:%ld: missing column '%s'", row->file, row->line,
                               form_cols[i]);
    return LCM_OK;
}

static lcm_status read_field(const lcm_csv_row *row, form_reader *fr, lcm_net_field *f,
                             lcm_err *err) {
    f->name = strdup(row->field[fr->map[C_NAME]]);
    f->choices = strdup(row->field[fr->map[C_CHOICES]]);
    f->label_zh = strdup(row->field[fr->map[C_ZH]]);
    f->label_en = strdup(row->field[fr->map[C_EN]]);
    if (!f->name || !f->choices || !f->label_zh || !f->label_en)
        return lcm_err_set(err, LCM_NOMEM, "out of memory reading '%s'", row->file);
    lcm_status rc = parse_type(row, fr->map[C_TYPE], f, err);
    if (rc == LCM_OK)
        rc = parse_numbers(row, fr->map, f, err);
    if (rc == LCM_OK)
        rc = check_field(row, fr->form, f, err);
    return rc;
}

static lcm_status form_row(void *ud, const lcm_csv_row *row, lcm_err *err) {
    form_reader *fr = ud;
    if (row->index == 0)
        return map_header(row, fr, err);
    for (int i = 0; i < NCOLS; i++)
        if ((size_t)fr->map[i] >= row->n)
            return lcm_err_set(err, LCM_PARSE, "%s:%ld: too few columns", row->file, row->line);
    lcm_net_form *form = fr->form;
    if (form->n == fr->cap) {
        size_t cap = fr->cap ? fr->cap * 2 : 64;
        lcm_net_field *fields = realloc(form->fields, cap * sizeof *fields);
        if (!fields)
            return lcm_err_set(err, LCM_NOMEM, "out of memory reading '%s'", row->file);
        form->fields = fields, fr->cap = cap;
    }
    lcm_net_field f = {0};
    lcm_status rc = read_field(row, fr, &f, err);
    if (rc != LCM_OK) {
        field_release(&f);
        return rc;
    }
    form->fields[form->n++] = f;
    return LCM_OK;
}

lcm_status lcm_net_form_load(const char *datadir, lcm_net_form *form, lcm_err *err) {
    char path[4096];
    form_reader fr = {form, {0}, 0};
    form->fields = NULL;
    form->n = 0;
    if ((size_t)snprintf(path, sizeof path, "%s/application/form.csv", datadir) >= sizeof path)
        return lcm_err_set(err, LCM_INVAL, "data directory path too long: '%s'", datadir);
    lcm_status rc = lcm_csv_read(path, form_row, &fr, err);
    if (rc == LCM_OK && form->n == 0)
        rc = lcm_err_set(err, LCM_PARSE, "%s: the form has no fields", path);
    if (rc != LCM_OK)
        lcm_net_form_release(form);
    return rc;
}
