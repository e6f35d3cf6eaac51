/*
 * form_check.c - what can only be checked once the whole form is read: expressions
 * resolved against the field names, labels, defaults, the lcmon extensions, cycles among
 * calculations, and the response tables and columns the form will be stored in.
 *
 * Column names come from field names, so two fields must not map to one column even
 * when they differ only in case (SQLite compares column names without case), and no
 * field may take the name of a standard column.
 */
#include "form_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const lcm__std_col lcm__std_cols[] = {
    {"instance_id", "TEXT PRIMARY KEY NOT NULL", 0},
    {"city", "TEXT REFERENCES cities(code)", 1},
    {"wave", "INTEGER CHECK (wave BETWEEN 2000 AND 2100)", 1},
    {"stratum", "TEXT", 1},
    {"psu", "TEXT", 1},
    {"household_id", "TEXT", 1},
    {"design_weight", "REAL CHECK (design_weight > 0)", 1},
    {"final_weight", "REAL CHECK (final_weight > 0)", 0},
    {"interviewer", "TEXT", 1},
    {"started_at", "TEXT", 0},
    {"ended_at", "TEXT", 0},
    {"status", "TEXT NOT NULL CHECK (status IN ('draft', 'complete'))", 0},
    {"source", "TEXT NOT NULL", 0},
};
const size_t lcm__n_std_cols = sizeof lcm__std_cols / sizeof lcm__std_cols[0];

int lcm__std_col_find(const char *name) {
    for (size_t i = 0; i < lcm__n_std_cols; i++)
        if (strcasecmp(lcm__std_cols[i].name, name) == 0)
            return (int)i;
    return -1;
}

static lcm_status oom(lcm_err *err) {
    return lcm_err_set(err, LCM_NOMEM, "out of memory checking a form");
}

static int resolve(void *ud, const char *name, int *multi) {
    const lcm_form *f = ud;
    int i = lcm_form_find(f, name);
    if (i < 0)
        return -1;
    const lcm_field *fd = &f->fields[i];
    if (!lcm__form_has_value(fd->type) && fd->type != LCM_FT_BEGIN_REPEAT)
        return -1; /* groups and notes hold no value */
    *multi = fd->type == LCM_FT_BEGIN_REPEAT || fd->repeat >= 0;
    return i;
}

typedef struct filter_ctx {
    const lcm_field *fd;
    const char *bad;
} filter_ctx;

static lcm_status filter_column(void *ud, const char *name) {
    filter_ctx *c = ud;
    if (strcmp(name, "name") == 0 || strcmp(name, "label") == 0)
        return LCM_OK;
    for (size_t i = 0; i < c->fd->list->nextra; i++)
        if (strcmp(c->fd->list->extra_names[i], name) == 0)
            return LCM_OK;
    c->bad = name;
    return LCM_NOTFOUND;
}

static lcm_status resolve_field(lcm_form *f, lcm_field *fd, lcm_err *err) {
    static const char *const what[] = {"relevant", "constraint", "calculation", "choice_filter",
                                       "repeat_count"};
    const lcm_expr *e[5] = {fd->relevant, fd->constraint, fd->calculation, fd->choice_filter,
                            fd->repeat_count};
    for (int i = 0; i < 5; i++) {
        lcm_err why = {0};
        if (!e[i] || lcm_expr_resolve((lcm_expr *)e[i], resolve, f, &why) == LCM_OK)
            continue;
        int at = 0;
        const char *msg = why.msg;
        if (sscanf(msg, "column %d: ", &at) == 1)
            msg = strchr(msg, ':') + 2;
        return lcm_err_set(err, why.status, "survey.csv:%ld: %s of '%s', character %d: %s",
                           fd->line, what[i], fd->name, at, msg);
    }
    if (fd->choice_filter) {
        filter_ctx c = {fd, NULL};
        if (!fd->list)
            return lcm_err_set(err, LCM_PARSE,
                               "survey.csv:%ld: choice_filter on '%s', which is "
                               "not a select",
                               fd->line, fd->name);
        if (lcm_expr_columns(fd->choice_filter, filter_column, &c) != LCM_OK)
            return lcm_err_set(err, LCM_PARSE,
                               "survey.csv:%ld: choice_filter of '%s' names '%s', which is not a "
                               "column of choices.csv",
                               fd->line, fd->name, c.bad);
    }
    return LCM_OK;
}

static int needs_label(lcm_field_type t) {
    return t == LCM_FT_INTEGER || t == LCM_FT_DECIMAL || t == LCM_FT_TEXT ||
           t == LCM_FT_SELECT_ONE || t == LCM_FT_SELECT_MULTIPLE || t == LCM_FT_NOTE ||
           t == LCM_FT_DATE || t == LCM_FT_RANGE;
}

/* Shape rules of one field that do not depend on the others. */
static lcm_status check_shape(const lcm_form *f, const lcm_field *fd, lcm_err *err) {
    if (needs_label(fd->type) && !*lcm_form_text(f, fd->label, 0))
        return lcm_err_set(err, LCM_PARSE, "survey.csv:%ld: question '%s' has no label", fd->line,
                           fd->name);
    if (fd->type == LCM_FT_CALCULATE && !fd->calculation)
        return lcm_err_set(err, LCM_PARSE, "survey.csv:%ld: calculate '%s' has no calculation",
                           fd->line, fd->name);
    if (fd->repeat_count && fd->type != LCM_FT_BEGIN_REPEAT)
        return lcm_err_set(err, LCM_PARSE,
                           "survey.csv:%ld: repeat_count on '%s', which is not a "
                           "begin repeat",
                           fd->line, fd->name);
    if (fd->type == LCM_FT_SELECT_MULTIPLE)
        for (size_t i = 0; i < fd->list->n; i++)
            if (!lcm__form_name_ok(fd->list->items[i].name) &&
                strspn(fd->list->items[i].name, "0123456789") != strlen(fd->list->items[i].name))
                return lcm_err_set(
                    err, LCM_PARSE,
                    "choices.csv:%ld: choice '%s' of list '%s' is used by "
                    "select_multiple '%s', so it becomes a column name: use letters, "
                    "digits, '_', '-', '.'",
                    fd->list->items[i].line, fd->list->items[i].name, fd->list->name, fd->name);
    if (fd->default_value && lcm__form_has_value(fd->type)) {
        lcm_err why = {0};
        if (lcm_form_validate_value(f, (int)(fd - f->fields), fd->default_value, &why) != LCM_OK)
            return lcm_err_set(err, LCM_PARSE, "survey.csv:%ld: default of '%s': %s", fd->line,
                               fd->name, why.msg);
    }
    return LCM_OK;
}

static int is_numeric_type(lcm_field_type t) {
    return t == LCM_FT_INTEGER || t == LCM_FT_DECIMAL || t == LCM_FT_RANGE || t == LCM_FT_CALCULATE;
}

/* lcmon_column and lcmon_reference: outside repeats, of a fitting type, one field each. */
static lcm_status check_extensions(const lcm_form *f, size_t i, lcm_err *err) {
    const lcm_field *fd = &f->fields[i];
    if (!fd->column && fd->reference == LCM_REF_NONE)
        return LCM_OK;
    if (fd->repeat >= 0 || !lcm__form_has_value(fd->type))
        return lcm_err_set(err, LCM_PARSE,
                           "survey.csv:%ld: '%s' cannot fill a standard column or be a reference "
                           "code: it %s",
                           fd->line, fd->name,
                           fd->repeat >= 0 ? "is inside a repeat" : "holds no value");
    if (fd->column && strcmp(fd->column, "wave") == 0 && fd->type != LCM_FT_INTEGER &&
        fd->type != LCM_FT_CALCULATE)
        return lcm_err_set(err, LCM_PARSE,
                           "survey.csv:%ld: '%s' fills wave, so it must be an "
                           "integer",
                           fd->line, fd->name);
    if (fd->column && strcmp(fd->column, "design_weight") == 0 && !is_numeric_type(fd->type))
        return lcm_err_set(err, LCM_PARSE,
                           "survey.csv:%ld: '%s' fills design_weight, so it "
                           "must be a number",
                           fd->line, fd->name);
    if (fd->reference != LCM_REF_NONE && fd->type != LCM_FT_TEXT && fd->type != LCM_FT_SELECT_ONE &&
        fd->type != LCM_FT_CALCULATE)
        return lcm_err_set(err, LCM_PARSE,
                           "survey.csv:%ld: reference code '%s' must be text, "
                           "select_one or calculate",
                           fd->line, fd->name);
    for (size_t j = 0; j < i; j++) {
        const lcm_field *o = &f->fields[j];
        if ((fd->column && o->column && o->type != LCM_FT_START && o->type != LCM_FT_END &&
             strcmp(o->column, fd->column) == 0) ||
            (fd->reference != LCM_REF_NONE && o->reference == fd->reference))
            return lcm_err_set(err, LCM_PARSE,
                               "survey.csv:%ld: '%s' and '%s' (line %ld) both "
                               "fill %s",
                               fd->line, fd->name, o->name, o->line,
                               fd->column && o->column ? fd->column : "the same reference");
    }
    return LCM_OK;
}

/* Cycles among calculations: depth-first search with colours over their references. */
typedef struct cycle_ctx {
    const lcm_form *f;
    char *colour; /* 0 white, 1 on the path, 2 done */
    int found;    /* a field on the cycle, or -1 */
} cycle_ctx;

static void visit(cycle_ctx *c, int i);

static void visit_ref(void *ud, int slot) {
    cycle_ctx *c = ud;
    if (c->found < 0 && c->f->fields[slot].calculation)
        visit(c, slot);
}

static void visit(cycle_ctx *c, int i) {
    if (c->colour[i] == 1) {
        c->found = i;
        return;
    }
    if (c->colour[i] == 2)
        return;
    c->colour[i] = 1;
    lcm_expr_refs(c->f->fields[i].calculation, visit_ref, c);
    c->colour[i] = 2;
}

static lcm_status check_cycles(const lcm_form *f, lcm_err *err) {
    cycle_ctx c = {f, calloc(f->nfields, 1), -1};
    if (!c.colour)
        return oom(err);
    for (size_t i = 0; i < f->nfields && c.found < 0; i++)
        if (f->fields[i].calculation)
            visit(&c, (int)i);
    free(c.colour);
    if (c.found >= 0)
        return lcm_err_set(err, LCM_PARSE,
                           "survey.csv:%ld: calculation of '%s' depends on itself (through a "
                           "cycle of calculations)",
                           f->fields[c.found].line, f->fields[c.found].name);
    return LCM_OK;
}

/* "<a>_<b>" or "<a>__<b>" with '.' and '-' turned into '_', so table names are easy to
 * type; they are still always quoted. */
static char *table_name(const char *a, const char *sep, const char *b) {
    size_t n = strlen(a) + strlen(sep) + strlen(b) + 1;
    char *t = malloc(n);
    if (!t)
        return NULL;
    snprintf(t, n, "%s%s%s", a, sep, b);
    for (char *p = t; *p; p++)
        if (*p == '.' || *p == '-')
            *p = '_';
    return t;
}

char *lcm__multi_column(const lcm_field *fd, const lcm_choice *c) {
    size_t n = strlen(fd->name) + strlen(c->name) + 2;
    char *col = malloc(n);
    if (col)
        snprintf(col, n, "%s_%s", fd->name, c->name);
    return col;
}

/* The columns of table t so far: field i's column(s) must not clash with them. */
static lcm_status clash(const lcm_form *f, size_t upto, const char *table, const char *col,
                        long line, lcm_err *err) {
    int is_main = strcmp(table, f->table) == 0;
    if ((is_main && lcm__std_col_find(col) >= 0) ||
        (!is_main && (strcasecmp(col, "instance_id") == 0 || strcasecmp(col, "position") == 0)))
        return lcm_err_set(err, LCM_PARSE,
                           "survey.csv:%ld: column '%s' is a standard column of "
                           "the response table: rename the field",
                           line, col);
    for (size_t j = 0; j < upto; j++) {
        const lcm_field *o = &f->fields[j];
        if (!o->column || strcmp(o->table, table) != 0 || lcm__std_col_find(o->column) >= 0)
            continue;
        int hit = strcasecmp(o->column, col) == 0;
        for (size_t k = 0; !hit && o->type == LCM_FT_SELECT_MULTIPLE && k < o->list->n; k++) {
            char *mc = lcm__multi_column(o, &o->list->items[k]);
            hit = !mc || strcasecmp(mc, col) == 0;
            free(mc);
        }
        if (hit)
            return lcm_err_set(err, LCM_PARSE,
                               "survey.csv:%ld: column '%s' is already made by "
                               "'%s' on line %ld",
                               line, col, o->name, o->line);
    }
    return LCM_OK;
}

static lcm_status assign_column(lcm_form *f, size_t i, lcm_err *err) {
    lcm_field *fd = &f->fields[i];
    const char *table = fd->type == LCM_FT_BEGIN_REPEAT ? NULL
                        : fd->repeat >= 0               ? f->fields[fd->repeat].table
                                                        : f->table;
    char *own = table ? strdup(table) : table_name(f->table, "__", fd->name);
    if (!own)
        return oom(err);
    fd->table = own;
    if (fd->type == LCM_FT_START || fd->type == LCM_FT_END) {
        free((void *)fd->column);
        return (fd->column = strdup(fd->type == LCM_FT_START ? "started_at" : "ended_at"))
                   ? LCM_OK
                   : oom(err);
    }
    if (!lcm__form_has_value(fd->type) || fd->column)
        return LCM_OK;
    lcm_status st = clash(f, i, own, fd->name, fd->line, err);
    for (size_t k = 0; st == LCM_OK && fd->type == LCM_FT_SELECT_MULTIPLE && k < fd->list->n; k++) {
        char *mc = lcm__multi_column(fd, &fd->list->items[k]);
        st = mc ? clash(f, i, own, mc, fd->line, err) : oom(err);
        free(mc);
    }
    if (st == LCM_OK && !(fd->column = strdup(fd->name)))
        st = oom(err);
    return st;
}

lcm_status lcm__form_check(lcm_form *f, lcm_err *err) {
    lcm_status st = LCM_OK;
    char *id = table_name("resp_", f->form_id, "_");
    f->table = id ? table_name(id, "", f->version) : NULL;
    free(id);
    if (!f->table)
        return oom(err);
    for (size_t i = 0; i < f->nfields && st == LCM_OK; i++)
        st = resolve_field(f, &f->fields[i], err);
    for (size_t i = 0; i < f->nfields && st == LCM_OK; i++)
        if ((st = check_shape(f, &f->fields[i], err)) == LCM_OK)
            st = check_extensions(f, i, err);
    if (st == LCM_OK)
        st = check_cycles(f, err);
    for (size_t i = 0; i < f->nfields && st == LCM_OK; i++)
        st = assign_column(f, i, err);
    return st;
}
