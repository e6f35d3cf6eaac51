/*
 * form_columns.c - the response tables and columns a form is stored in: the standard
 * columns every response table has, a table per form version and per repeat, one column
 * per field, and one 0/1 column per choice of a select_multiple.
 *
 * Column names come from field names, so two fields must not map to one column even when
 * they differ only in case (SQLite compares column names without case), and no field may
 * take the name of a standard column.
 */
#include "form_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A standard column: name (and its length), declaration, settable. */
#define STD(name, decl, settable)                                                                  \
    { name, sizeof name - 1, decl, settable }
const lcm__std_col lcm__std_cols[] = {
    STD("instance_id", "TEXT PRIMARY KEY NOT NULL", 0),
    STD("city", "TEXT REFERENCES cities(code)", 1),
    STD("wave", "INTEGER CHECK (wave BETWEEN 2000 AND 2100)", 1),
    STD("stratum", "TEXT", 1),
    STD("psu", "TEXT", 1),
    STD("household_id", "TEXT", 1),
    STD("design_weight", "REAL CHECK (design_weight > 0)", 1),
    STD("final_weight", "REAL CHECK (final_weight > 0)", 0),
    STD("interviewer", "TEXT", 1),
    STD("started_at", "TEXT", 0),
    STD("ended_at", "TEXT", 0),
    STD("status", "TEXT NOT NULL CHECK (status IN ('draft', 'complete'))", 0),
    STD("source", "TEXT NOT NULL", 0),
};
#undef STD
const size_t lcm__n_std_cols = sizeof lcm__std_cols / sizeof lcm__std_cols[0];

int lcm__std_col_find(const char *name) {
    /* Length and first letter rule out all but one name, nearly always (it runs for each
     * standard value of each imported row). */
    size_t n = strlen(name);
    int first = tolower((unsigned char)name[0]);
    for (size_t i = 0; i < lcm__n_std_cols; i++)
        if (lcm__std_cols[i].len == n && lcm__std_cols[i].name[0] == first &&
            strcasecmp(lcm__std_cols[i].name, name) == 0)
            return (int)i;
    return -1;
}

static lcm_status oom(lcm_err *err) {
    return lcm_err_set(err, LCM_NOMEM, "out of memory checking a form");
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

int lcm__field_in_table(const lcm_field *fd, const char *table) {
    return fd->column && fd->table && fd->type != LCM_FT_BEGIN_REPEAT &&
           strcmp(fd->table, table) == 0 && lcm__std_col_find(fd->column) < 0;
}

char *lcm__multi_column(const lcm_field *fd, const lcm_choice *c) {
    size_t n = strlen(fd->name) + strlen(c->name) + 2;
    char *col = malloc(n);
    if (col)
        snprintf(col, n, "%s_%s", fd->name, c->name);
    return col;
}

/* The columns of table t so far: field i's column(s) must not clash with them. */
static lcm_status clash(lcm_form *f, size_t upto, const char *table, const char *col, long line,
                        int cellcol) {
    int is_main = strcmp(table, f->table) == 0;
    if ((is_main && lcm__std_col_find(col) >= 0) ||
        (!is_main && (strcasecmp(col, "instance_id") == 0 || strcasecmp(col, "position") == 0 ||
                      strcasecmp(col, "parent_position") == 0)))
        return lcm__form_problemf(
            f, LCM_PARSE,
            "survey.csv:%ld:%d: column '%s' is a standard column of the response table: rename "
            "the field%s",
            line, cellcol, col,
            is_main && lcm__std_cols[lcm__std_col_find(col)].settable
                ? ", or give it lcmon_column if it holds that standard value"
                : "");
    if (!is_main && lcm__std_col_find(col) >= 0) /* roster tables would leave it out */
        return lcm__form_problemf(f, LCM_PARSE,
                                  "survey.csv:%ld:%d: column '%s' inside a repeat takes the name "
                                  "of a standard column, which roster tables do not hold: rename "
                                  "the field",
                                  line, cellcol, col);
    for (size_t j = 0; j < upto; j++) {
        const lcm_field *o = &f->fields[j];
        if (!o->column || !o->table || strcmp(o->table, table) != 0 ||
            lcm__std_col_find(o->column) >= 0)
            continue;
        int hit = strcasecmp(o->column, col) == 0;
        for (size_t k = 0; !hit && o->type == LCM_FT_SELECT_MULTIPLE && k < o->list->n; k++) {
            if (!lcm_field_choice_column(o, k))
                continue;
            char *mc = lcm__multi_column(o, &o->list->items[k]);
            if (!mc)
                return LCM_NOMEM;
            hit = strcasecmp(mc, col) == 0;
            free(mc);
        }
        if (hit)
            return lcm__form_problemf(f, LCM_PARSE,
                                      "survey.csv:%ld:%d: column '%s' is already made by '%s' on "
                                      "line %ld",
                                      line, cellcol, col, o->name, o->line);
    }
    return LCM_OK;
}

lcm_status lcm__form_assign_column(lcm_form *f, size_t i, lcm_err *err) {
    lcm_field *fd = &f->fields[i];
    const char *table = fd->type == LCM_FT_BEGIN_REPEAT ? NULL
                        : fd->repeat >= 0               ? f->fields[fd->repeat].table
                                                        : f->table;
    if (fd->repeat >= 0 && !table &&
        (fd->type != LCM_FT_BEGIN_REPEAT || !f->fields[fd->repeat].table))
        return LCM_OK; /* its repeat was refused */
    char *own = table ? strdup(table) : table_name(f->table, "__", fd->name);
    for (size_t j = 0; own && !table && j < i; j++) /* r2 and R2: one name to SQLite */
        if (f->fields[j].type == LCM_FT_BEGIN_REPEAT && f->fields[j].table &&
            strcasecmp(f->fields[j].table, own) == 0) {
            char suffix[32];
            snprintf(suffix, sizeof suffix, "_%ld", fd->line);
            char *longer = table_name(own, "", suffix);
            free(own);
            own = longer;
            break;
        }
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
    int cellcol = lcm__form_col(f, fd->generated ? -1 : f->cols.name);
    size_t before = f->nproblems;
    /* The same name in another group (pyxform allows it): "<group>_<name>". */
    char *name = strdup(fd->name);
    for (size_t j = 0; name && j < i; j++)
        if (f->fields[j].column && strcasecmp(f->fields[j].name, fd->name) == 0) {
            free(name);
            /* ... or "<name>_<line>" beside a name that differs only in case (SQLite
             * compares column names without case, XLSForm with it). */
            int qualify = fd->parent >= 0 && f->fields[j].parent != fd->parent;
            size_t n = strlen(fd->name) + (qualify ? strlen(f->fields[fd->parent].name) : 24) + 2;
            if ((name = malloc(n)) && qualify)
                snprintf(name, n, "%s_%s", f->fields[fd->parent].name, fd->name);
            else if (name)
                snprintf(name, n, "%s_%ld", fd->name, fd->line);
            break;
        }
    if (!name)
        return oom(err);
    /* A field named like a standard column (`city`, `status`; `instance_id` or `position`
     * in a roster) that does not fill it through lcmon_column: its own column
     * "<name>_<line>", said in a warning (pyxform knows no standard columns). */
    int is_main = strcmp(own, f->table) == 0;
    if (lcm__std_col_find(name) >= 0 ||
        (!is_main && (strcasecmp(name, "instance_id") == 0 || strcasecmp(name, "position") == 0))) {
        size_t n = strlen(name) + 24;
        char *renamed = malloc(n);
        if (!renamed) {
            free(name);
            return oom(err);
        }
        snprintf(renamed, n, "%s_%ld", name, fd->line);
        if (lcm__form_warnf(f,
                            "survey.csv:%ld:%d: field '%s' is stored in column '%s': '%s' is a "
                            "standard column of the response table%s",
                            fd->line, cellcol, fd->name, renamed, name,
                            is_main && lcm__std_cols[lcm__std_col_find(name)].settable
                                ? " (give the field lcmon_column if it holds that standard value)"
                                : "") != LCM_OK) {
            free(name), free(renamed);
            return oom(err);
        }
        free(name);
        name = renamed;
    }
    lcm_status st = clash(f, i, own, name, fd->line, cellcol);
    for (size_t k = 0; st == LCM_OK && f->nproblems == before &&
                       fd->type == LCM_FT_SELECT_MULTIPLE && k < fd->list->n;
         k++) {
        if (!lcm_field_choice_column(fd, k))
            continue;
        char *mc = lcm__multi_column(fd, &fd->list->items[k]);
        st = mc ? clash(f, i, own, mc, fd->line, cellcol) : LCM_NOMEM;
        free(mc);
    }
    if (st == LCM_OK)
        fd->column = name;
    else
        free(name);
    return st == LCM_NOMEM ? oom(err) : st;
}

lcm_status lcm__form_tables(lcm_form *f, lcm_err *err) {
    char *id = table_name("resp_", f->form_id, "_");
    f->table = id ? table_name(id, "", f->version) : NULL;
    free(id);
    return f->table ? LCM_OK : oom(err);
}
