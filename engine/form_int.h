/*
 * form_int.h - internals shared by the form files (engine only): the form structure, the
 * in-memory sheets the CSV files are read into, and the checks run at load.
 */
#ifndef LCM_FORM_INT_H
#define LCM_FORM_INT_H

#include "form.h"

/* A CSV file read whole (forms are small): header and rows of cells with their lines. */
typedef struct lcm__sheet {
    const char *file; /* name in messages: "survey.csv" */
    char **head;      /* header cells, trimmed */
    size_t ncols;
    char ***rows; /* rows[i][c], always ncols cells ("" when the row is short) */
    long *lines;
    size_t nrows, cap;
} lcm__sheet;

/* Largest form file accepted (bytes). */
#define LCM__FORM_MAX_FILE (16u << 20)

lcm_status lcm__sheet_read(const char *text, const char *file, lcm__sheet *sh, lcm_err *err);
void lcm__sheet_free(lcm__sheet *sh);
/* Column index of name (case-insensitive), or -1. */
int lcm__sheet_col(const lcm__sheet *sh, const char *name);

struct lcm_form {
    char *form_id, *version, *title, *default_lang;
    char *table, *digest;
    char *text[3]; /* survey, choices, settings as read (choices may be NULL) */
    char **langs;
    size_t nlangs;
    lcm_field *fields;
    size_t nfields;
    lcm_choice_list *lists;
    size_t nlists;
};

/* Read settings, choices and survey into f (form_load.c). */
lcm_status lcm__form_parse(lcm_form *f, lcm_err *err);
/* Resolve expressions, check groups, references, cycles and columns (form_check.c). */
lcm_status lcm__form_check(lcm_form *f, lcm_err *err);

/* XLSForm name rule (ASCII): letter or '_', then letters, digits, '_', '-', '.'. */
int lcm__form_name_ok(const char *s);
/* The XLSForm type name of a field type ("select_one", "begin repeat", …). */
const char *lcm__form_type_name(lcm_field_type t);
/* 1 for types that carry an answer stored in a column. */
int lcm__form_has_value(lcm_field_type t);

/* Standard columns of every response table, in table order, with SQL declarations. */
typedef struct lcm__std_col {
    const char *name;
    const char *decl;
    int settable; /* may be filled from a field through lcmon_column */
} lcm__std_col;
extern const lcm__std_col lcm__std_cols[];
extern const size_t lcm__n_std_cols;
/* Index of a standard column (case-insensitive), or -1. */
int lcm__std_col_find(const char *name);

/* Column name of choice c of a select_multiple field: "<field>_<choice>", malloc'd. */
char *lcm__multi_column(const lcm_field *fd, const lcm_choice *c);

#endif
