/*
 * form_check.c - what can only be checked once the whole form is read: expressions
 * resolved against the field names (with the types calls need, and literals compared with
 * a select checked against its choices), labels, defaults, the lcmon extensions, cycles
 * among calculations, and the response tables and columns the form will be stored in.
 * Each problem is recorded with file:line:column and checking goes on with the next field;
 * rows already found broken while reading are skipped, so one mistake is reported once.
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
    *multi = fd->type == LCM_FT_BEGIN_REPEAT ? LCM_EXPR_REPEAT
             : fd->repeat >= 0               ? LCM_EXPR_IN_REPEAT
                                             : LCM_EXPR_ONE;
    return i;
}

typedef struct filter_ctx {
    lcm_form *f;
    const lcm_field *fd;
    int col;
} filter_ctx;

/* A choice_filter column the choices sheet lacks is empty for every choice, as in ODK (a
 * missing child of the item) and pyxform passes it on unchecked: a warning, not a problem. */
static lcm_status filter_column(void *ud, const char *name) {
    filter_ctx *c = ud;
    if (strcmp(name, "name") == 0 || strcmp(name, "label") == 0)
        return LCM_OK;
    for (size_t i = 0; i < c->fd->list->nextra; i++)
        if (strcmp(c->fd->list->extra_names[i], name) == 0)
            return LCM_OK;
    if (lcm__form_file_missing(c->f, c->fd->list->name))
        return LCM_OK; /* its columns are known once the file is */
    return lcm__form_warnf(c->f,
                           "survey.csv:%ld:%d: choice_filter of '%s' names '%s', which is not a "
                           "column of list '%s': it is empty for every choice",
                           c->fd->line, c->col, c->fd->name, name, c->fd->list->name);
}

/* "survey.csv:L:C: relevant of 'x', character K: " for expression k of fd. */
static const char *const what[] = {"relevant",      "constraint",   "calculation",
                                   "choice_filter", "repeat_count", "required"};

static int expr_col(const lcm_form *f, const lcm_field *fd, int k) {
    const int cols[6] = {f->cols.relevant,      f->cols.constraint,   f->cols.calculation,
                         f->cols.choice_filter, f->cols.repeat_count, f->cols.required};
    return fd->generated ? lcm__form_col(f, -1) : lcm__form_col(f, cols[k]);
}

/* A literal compared with a select must be one of its choices (each of a multiple's). */
typedef struct literal_ctx {
    lcm_form *f;
    const lcm_field *fd;
    int k;
    lcm_status st;
} literal_ctx;

static int is_choice(const lcm_choice_list *l, const char *s, size_t n) {
    char *end;
    if (lcm__form_choice_n(l, s, n) >= 0)
        return 1;
    double x = strtod(s, &end); /* `${consent} = 1` against the choice '1' (or '01') */
    for (size_t i = 0; end == s + n && n && i < l->n; i++) {
        char *e2;
        double y = strtod(l->items[i].name, &e2);
        if (*l->items[i].name && !*e2 && x == y)
            return 1;
    }
    return 0;
}

static void check_literal(void *ud, int slot, const char *lit, int col) {
    literal_ctx *c = ud;
    const lcm_field *of = &c->f->fields[slot];
    if (c->st != LCM_OK || !of->list || c->f->broken[slot])
        return;
    for (const char *p = lit + strspn(lit, " "); *p; p += strspn(p, " ")) {
        size_t n = of->type == LCM_FT_SELECT_MULTIPLE ? strcspn(p, " ") : strlen(p);
        if (!is_choice(of->list, p, n)) {
            c->st = lcm__form_problemf(
                c->f, LCM_PARSE,
                "survey.csv:%ld:%d: %s of '%s', character %d: '%.*s' is not a choice of list "
                "'%s' (the choices of '${%s}')",
                c->fd->line, expr_col(c->f, c->fd, c->k), what[c->k], c->fd->name, col, (int)n, p,
                of->list->name, of->name);
            return;
        }
        p += n;
    }
}

static lcm_status resolve_field(lcm_form *f, size_t i) {
    lcm_field *fd = &f->fields[i];
    const lcm_expr *e[6] = {fd->relevant,      fd->constraint,   fd->calculation,
                            fd->choice_filter, fd->repeat_count, fd->required_if};
    lcm_status st = LCM_OK;
    for (int k = 0; k < 6 && st == LCM_OK; k++) {
        lcm_err why = {0};
        if (!e[k])
            continue;
        if (lcm_expr_resolve((lcm_expr *)e[k], resolve, f, &why) != LCM_OK) {
            int at = 0;
            const char *msg = why.msg;
            if (sscanf(msg, "column %d: ", &at) == 1)
                msg = strchr(msg, ':') + 2;
            f->broken[i] = 1;
            st =
                lcm__form_problemf(f, why.status, "survey.csv:%ld:%d: %s of '%s', character %d: %s",
                                   fd->line, expr_col(f, fd, k), what[k], fd->name, at, msg);
            continue;
        }
        literal_ctx lc = {f, fd, k, LCM_OK};
        lcm_expr_literals(e[k], check_literal, &lc);
        st = lc.st;
    }
    if (st != LCM_OK || !fd->choice_filter)
        return st;
    int col = lcm__form_col(f, f->cols.choice_filter);
    filter_ctx c = {f, fd, col};
    if (!fd->list)
        return lcm__form_problemf(f, LCM_PARSE,
                                  "survey.csv:%ld:%d: choice_filter on '%s', which is not a select",
                                  fd->line, col, fd->name);
    return lcm_expr_columns(fd->choice_filter, filter_column, &c);
}

/* A question shown to people must say something: a label, a hint or a media file (as in
 * pyxform); one with a calculation fills itself and needs none. */
static int needs_label(const lcm_field *fd) {
    lcm_field_type t = fd->type;
    int shown = t == LCM_FT_INTEGER || t == LCM_FT_DECIMAL || t == LCM_FT_SELECT_ONE ||
                t == LCM_FT_SELECT_MULTIPLE || t == LCM_FT_DATE || t == LCM_FT_RANGE ||
                (t == LCM_FT_TEXT && fd->text_kind != LCM_TK_META) ||
                (t == LCM_FT_NOTE && !fd->external);
    return shown && !fd->generated && !fd->calculation && !fd->media;
}

/* Shape rules of one field that do not depend on the others. */
/* 1 when e is a lone number or string: a literal default of the wrong type stays wrong. */
static int is_plain_literal(const lcm_expr *e) {
    const char *s = lcm_expr_source(e);
    char *end;
    (void)strtod(s, &end);
    return (*s && !*end) || s[0] == '\'' || s[0] == '"';
}

/* The default of fd made dynamic when it is an expression (now(), ${q0}, 1 + 1) and not a
 * lone literal: its parsed expression replaces the text, evaluated when the question is
 * first shown, as pyxform does. 1 when it was made dynamic. */
static int dynamic_default(lcm_form *f, lcm_field *fd) {
    lcm_err how = {0};
    lcm_expr *e = NULL;
    if (lcm_expr_parse(fd->default_value, &e, &how) == LCM_OK &&
        lcm_expr_resolve(e, resolve, f, &how) == LCM_OK && !is_plain_literal(e)) {
        fd->default_expr = e;
        free((void *)fd->default_value);
        fd->default_value = NULL;
        return 1;
    }
    lcm_expr_free(e);
    return 0;
}

static lcm_status check_shape(lcm_form *f, size_t i) {
    lcm_field *fd = &f->fields[i];
    const lcm__survey_cols *c = &f->cols;
    if (needs_label(fd) && !*lcm_form_text(f, fd->label, 0) && !*lcm_form_text(f, fd->hint, 0))
        return lcm__form_problemf(f, LCM_PARSE,
                                  "survey.csv:%ld:%d: question '%s' has no label or hint", fd->line,
                                  lcm__form_col(f, c->label), fd->name);
    /* A calculate without a calculation takes its value from a dynamic default (pyxform:
     * "Missing calculation" unless the default is dynamic). */
    if (fd->type == LCM_FT_CALCULATE && !fd->calculation && fd->default_value &&
        dynamic_default(f, fd))
        return LCM_OK;
    if (fd->type == LCM_FT_CALCULATE && !fd->calculation)
        return lcm__form_problemf(f, LCM_PARSE,
                                  "survey.csv:%ld:%d: calculate '%s' has no calculation (nor a "
                                  "default that is an expression)",
                                  fd->line, lcm__form_col(f, c->calculation), fd->name);
    if (fd->repeat_count && fd->type != LCM_FT_BEGIN_REPEAT)
        return lcm__form_problemf(f, LCM_PARSE,
                                  "survey.csv:%ld:%d: repeat_count on '%s', which is not a begin "
                                  "repeat",
                                  fd->line, lcm__form_col(f, c->repeat_count), fd->name);
    for (size_t k = 0; fd->type == LCM_FT_SELECT_MULTIPLE && k < fd->list->n; k++) {
        const lcm_choice *ch = &fd->list->items[k];
        if (lcm_field_choice_column(fd, k) && !lcm__form_name_ok(ch->name) &&
            strspn(ch->name, "0123456789") != strlen(ch->name))
            return lcm__form_problemf(
                f, LCM_PARSE,
                "choices.csv:%ld:%d: choice '%s' of list '%s' is used by select_multiple '%s', so "
                "it becomes a column name: use letters, digits, '_', '-', '.'",
                ch->line, f->cols.choice_name + 1, ch->name, fd->list->name, fd->name);
    }
    if (fd->default_value && lcm__form_has_value(fd->type)) {
        lcm_err why = {0};
        if (lcm_form_validate_value(f, (int)i, fd->default_value, &why) == LCM_OK)
            return LCM_OK;
        /* Not an answer of the type, but an expression: a dynamic default. */
        if (dynamic_default(f, fd))
            return LCM_OK;
        /* A date cell a spreadsheet gives with its time ("1900-01-01 00:00:00"): the date. */
        const char *dv = fd->default_value;
        char day[11];
        lcm_err d2 = {0};
        if (fd->type == LCM_FT_DATE && strlen(dv) > 10 && (dv[10] == ' ' || dv[10] == 'T') &&
            strspn(dv + 11, "0123456789:.") == strlen(dv + 11)) {
            memcpy(day, dv, 10), day[10] = '\0';
            if (lcm_form_validate_value(f, (int)i, day, &d2) == LCM_OK) {
                char *copy = strdup(day);
                if (!copy)
                    return LCM_NOMEM;
                free((void *)fd->default_value);
                fd->default_value = copy;
                return LCM_OK;
            }
        }
        if (strstr(why.msg, "breaks the constraint")) /* the form contradicts itself */
            return lcm__form_problemf(f, LCM_PARSE, "survey.csv:%ld:%d: default of '%s': %s",
                                      fd->line, lcm__form_col(f, c->dflt), fd->name, why.msg);
        /* A literal of another type ('foo' for an integer): pyxform writes it into the
         * XForm, where it fills nothing; lcmon offers no default, and says so. */
        lcm_status ws = lcm__form_warnf(f,
                                        "survey.csv:%ld:%d: default of '%s': %s: the question "
                                        "starts empty",
                                        fd->line, lcm__form_col(f, c->dflt), fd->name, why.msg);
        free((void *)fd->default_value);
        fd->default_value = NULL;
        return ws;
    }
    return LCM_OK;
}

static int is_numeric_type(lcm_field_type t) {
    return t == LCM_FT_INTEGER || t == LCM_FT_DECIMAL || t == LCM_FT_RANGE || t == LCM_FT_CALCULATE;
}

/* lcmon_column and lcmon_reference: outside repeats, of a fitting type, one field each. */
static lcm_status check_extensions(lcm_form *f, size_t i) {
    const lcm_field *fd = &f->fields[i];
    if (!fd->column && fd->reference == LCM_REF_NONE)
        return LCM_OK;
    int col = lcm__form_col(f, fd->column ? f->cols.lcmon_column : f->cols.lcmon_reference);
    const char *why = NULL;
    if (fd->repeat >= 0 || !lcm__form_has_value(fd->type))
        return lcm__form_problemf(f, LCM_PARSE,
                                  "survey.csv:%ld:%d: '%s' cannot fill a standard column or be a "
                                  "reference code: it %s",
                                  fd->line, col, fd->name,
                                  fd->repeat >= 0 ? "is inside a repeat" : "holds no value");
    if (fd->column && strcmp(fd->column, "wave") == 0 && fd->type != LCM_FT_INTEGER &&
        fd->type != LCM_FT_CALCULATE)
        why = "fills wave, so it must be an integer";
    else if (fd->column && strcmp(fd->column, "design_weight") == 0 && !is_numeric_type(fd->type))
        why = "fills design_weight, so it must be a number";
    else if (fd->reference != LCM_REF_NONE && fd->type != LCM_FT_TEXT &&
             fd->type != LCM_FT_SELECT_ONE && fd->type != LCM_FT_CALCULATE)
        why = "is a reference code, so it must be text, select_one or calculate";
    if (why)
        return lcm__form_problemf(f, LCM_PARSE, "survey.csv:%ld:%d: '%s' %s", fd->line, col,
                                  fd->name, why);
    for (size_t j = 0; j < i; j++) {
        const lcm_field *o = &f->fields[j];
        if ((fd->column && o->column && o->type != LCM_FT_START && o->type != LCM_FT_END &&
             strcmp(o->column, fd->column) == 0) ||
            (fd->reference != LCM_REF_NONE && o->reference == fd->reference))
            return lcm__form_problemf(f, LCM_PARSE,
                                      "survey.csv:%ld:%d: '%s' and '%s' (line %ld) both fill %s",
                                      fd->line, col, fd->name, o->name, o->line,
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

static lcm_status check_cycles(lcm_form *f, lcm_err *err) {
    cycle_ctx c = {f, calloc(f->nfields, 1), -1};
    if (!c.colour)
        return oom(err);
    for (size_t i = 0; i < f->nfields && c.found < 0; i++)
        if (f->fields[i].calculation)
            visit(&c, (int)i);
    free(c.colour);
    if (c.found >= 0)
        return lcm__form_problemf(f, LCM_PARSE,
                                  "survey.csv:%ld:%d: calculation of '%s' depends on itself "
                                  "(through a cycle of calculations)",
                                  f->fields[c.found].line, lcm__form_col(f, f->cols.calculation),
                                  f->fields[c.found].name);
    return LCM_OK;
}

lcm_status lcm__form_check(lcm_form *f, lcm_err *err) {
    lcm_status st = lcm__form_tables(f, err);
    for (size_t i = 0; i < f->nfields && st == LCM_OK; i++)
        if (!f->broken[i])
            st = resolve_field(f, i);
    for (size_t i = 0; i < f->nfields && st == LCM_OK; i++)
        if (!f->broken[i] && (st = check_shape(f, i)) == LCM_OK)
            st = check_extensions(f, i);
    if (st == LCM_OK)
        st = check_cycles(f, err);
    for (size_t i = 0; i < f->nfields && st == LCM_OK; i++)
        if (!f->broken[i])
            st = lcm__form_assign_column(f, i, err);
    if (st == LCM_NOMEM)
        return oom(err);
    return st;
}
