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
/* Cell of row in column col; "" when col < 0. */
const char *lcm__sheet_cell(const lcm__sheet *sh, size_t row, int col);
/* Index of the first label column ("label", "label::zh", …), or -1. */
int lcm__form_label_col(const lcm__sheet *sh);

/* Column indexes (from 0; -1 = absent) of survey.csv, kept for messages. */
typedef struct lcm__survey_cols {
    int type, name, label, required, relevant, constraint, calculation, choice_filter, appearance,
        dflt, repeat_count, read_only, parameters, lcmon_column, lcmon_reference, lcmon_pii;
    int choice_name; /* `name` of choices.csv */
} lcm__survey_cols;

/* One column of a response table's INSERT after its fixed ones: the answer of field
 * (choice -1) or the 0/1 of choice `choice` of a select_multiple. */
typedef struct lcm__col_bind {
    int field, choice;
} lcm__col_bind;

/* The INSERT of one response table (form_plan.c). */
typedef struct lcm__table_plan {
    int repeat; /* its begin repeat, -1 for the main table */
    char *sql;
    char *delete_sql; /* DELETE of an instance's rows */
    /* sql followed by ON CONFLICT … DO UPDATE of every column but the key: a row written
     * again in place (lcm_instance_save), not deleted and inserted at the table's end; a
     * stored complete main row is left alone (no change: the caller refuses) */
    char *upsert_sql;
    char *trim_sql;   /* roster: DELETE of the instance's rows after position ?2 */
    char *select_sql; /* the instance's row(s) read back, as form_fetch.c reads them */
    int nfixed;       /* standard columns (main) or instance_id and position (roster) */
    lcm__col_bind *cols;
    size_t ncols;
} lcm__table_plan;

struct lcm_form {
    char *form_id, *version, *title, *default_lang;
    char *default_id; /* form_id when settings.csv gives none (the folder's name), or NULL */
    char *table, *digest;
    int allow_dup; /* settings allow_choice_duplicates: a list may give a name twice */
    char *text[3]; /* survey, choices, settings as read (choices may be NULL) */
    /* Data files beside the three (select_*_from_file, csv-external, crosswalk.csv): read
     * from dir when the form comes from a folder, from the stored definition otherwise,
     * and stored with the form so it reads back the same (form_load.c). */
    const char *dir;
    char **ext_names, **ext_texts;
    size_t next;
    char *entities; /* entities.csv when given: checked (form_refs.c), neither stored nor used */
    char **langs;
    size_t nlangs;
    lcm_field *fields;
    size_t nfields;
    lcm_choice_list *lists;
    size_t nlists;
    lcm_choice_list **other_lists; /* or_other copies of lists (own array, shared texts) */
    size_t nother_lists;
    lcm__survey_cols cols;
    unsigned char *broken; /* per field: 1 its row had a problem (later checks skip it), 2 its
                              type is unknown (not even nested) */
    char **problems;       /* every problem found so far, unsorted */
    size_t nproblems;      /* found (may exceed what is kept) */
    lcm_status first;      /* status of the first problem */
    char **missing;        /* "survey.csv:L:C: data file 'F' is not beside the form", per file */
    size_t nmissing;
    int ext_choices_read, ext_choices_missing; /* external_choices.csv (select_one_external) */
    char **warnings; /* what the form leaves to be settled later (a data file not beside
                        it, a choice_filter column no choice has): not problems */
    size_t nwarnings;
    /* Worked out once the form is read (form_plan.c): */
    lcm__table_plan *plans; /* [0] the main table, then one per begin repeat in order */
    size_t nplans;
    signed char *std;         /* per field: the standard column it fills (main table), or -1 */
    unsigned char *self_only; /* per field: 1 when its constraint reads only '.' */
    int one_pass;             /* every relevant and calculation reads only fields before its own */
    int fused;                /* one_pass, and constraints and repeat_counts read only fields before
                                 their own (or '.'): each answer is checked in that same pass */
};

/* Work out f's plans (after a successful read), and free them. */
lcm_status lcm__form_plan(lcm_form *f, lcm_err *err);
void lcm__form_plan_free(lcm_form *f);

/* Record a problem (err's message, which starts "file:line:column: ") and return LCM_OK so
 * reading goes on; only memory exhaustion stops it (returned as LCM_NOMEM). */
lcm_status lcm__form_problem(lcm_form *f, const lcm_err *err);
/* The same with a message made here. */
lcm_status lcm__form_problemf(lcm_form *f, lcm_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* An empty list called name (its file is missing); LCM_NOMEM only. */
lcm_status lcm__form_make_list(lcm_form *f, const char *name);
/* 1 when data file name was noted missing. */
int lcm__form_file_missing(const lcm_form *f, const char *name);
/* Note a data file the form names that is not here (form_load.c). */
lcm_status lcm__form_add_missing(lcm_form *f, const char *name, long line, int col);
/* Record a warning ("file:line:column: …"); LCM_NOMEM only when memory runs out. */
lcm_status lcm__form_warnf(lcm_form *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Column number (from 1) of survey.csv column index c for messages; the type column when
 * the column is absent. */
int lcm__form_col(const lcm_form *f, int c);

/* Read file name of dir into a malloc'd string (at most LCM__FORM_MAX_FILE bytes); *out
 * stays NULL when it does not exist and optional is set (form.c). */
lcm_status lcm__form_slurp(const char *dir, const char *name, int optional, char **out,
                           lcm_err *err);
/* Add a data file to f->ext_* (the text is taken over, freed on failure). */
lcm_status lcm__form_add_external(lcm_form *f, const char *name, char *text, lcm_err *err);
/* As lcm_form_check_texts_as, for a form read from dir (NULL: none) with the data files
 * given (names and texts, n of them; copied). text: survey, choices, settings and entities
 * (NULL = absent; entities are checked, not stored). */
lcm_status lcm__form_check_full(char *const text[4], const char *default_id, const char *dir,
                                char *const *ext_names, char *const *ext_texts, size_t next,
                                lcm_form **out, char ***problems, lcm_err *err);

/* lcm_form_check_dir for a workbook FILE.xlsx (form_xlsx.c). */
lcm_status lcm__form_check_xlsx(const char *path, lcm_form **out, char ***problems, lcm_err *err);

/* Read settings, choices and survey into f (form_load.c). Problems of single rows are
 * recorded with lcm__form_problem; a returned error stops the reading. */
lcm_status lcm__form_parse(lcm_form *f, lcm_err *err);
/* survey.csv into f->fields (form_survey.c). */
lcm_status lcm__form_read_survey(lcm_form *f, const lcm__sheet *sh, lcm_err *err);
/* Texts of row for base ("label", "hint", …) per language: a calloc'd array of nlangs. */
lcm_status lcm__form_texts(lcm_form *f, const lcm__sheet *sh, size_t row, const char *base,
                           char ***out, lcm_err *err);
/* Index of the choice of list named by the n bytes at s (not NUL-terminated), or -1. */
int lcm__form_choice_n(const lcm_choice_list *list, const char *s, size_t n);
/* The list called name, or NULL. */
const lcm_choice_list *lcm__form_find_list(const lcm_form *f, const char *name);
/* Resolve expressions, check groups, references, cycles and columns (form_check.c),
 * recording problems the same way. */
lcm_status lcm__form_check(lcm_form *f, lcm_err *err);

/* ${name} in texts, trigger, the entities sheet and save_to, checked as pyxform checks
 * them (form_refs.c); entities may be NULL. Problems are recorded; returns LCM_NOMEM only. */
lcm_status lcm__form_check_refs(lcm_form *f, const lcm__sheet *survey, const lcm__sheet *choices,
                                const lcm__sheet *settings, const lcm__sheet *entities,
                                lcm_err *err);

/* The whole-form rules of pyxform (form_pyx.c): instance names, ${} naming one row, repeat
 * names, search() lists, range no-ticks labels. Problems recorded; LCM_NOMEM only. */
lcm_status lcm__form_check_pyxform(lcm_form *f, const lcm__sheet *survey);

/* XLSForm name rule (ASCII): letter or '_', then letters, digits, '_', '-', '.'. */
int lcm__form_name_ok(const char *s);
/* The XLSForm type name of a field type ("select_one", "begin repeat", …). */
const char *lcm__form_type_name(lcm_field_type t);
/* 1 for types that carry an answer stored in a column. */
int lcm__form_has_value(lcm_field_type t);

/* Standard columns of every response table, in table order, with SQL declarations. */
typedef struct lcm__std_col {
    const char *name;
    size_t len; /* of name */
    const char *decl;
    int settable; /* may be filled from a field through lcmon_column */
} lcm__std_col;
extern const lcm__std_col lcm__std_cols[];
extern const size_t lcm__n_std_cols;
/* Indexes of the standard columns code refers to by name. */
enum {
    LCM__STD_ID = 0,
    LCM__STD_CITY = 1,
    LCM__STD_WAVE = 2,
    LCM__STD_DESIGN_WEIGHT = 6,
    LCM__STD_FINAL_WEIGHT = 7,
    LCM__STD_STATUS = 11,
    LCM__STD_SOURCE = 12
};
/* Index of a standard column (case-insensitive), or -1. */
int lcm__std_col_find(const char *name);

/* The main response table name into f->table (form_columns.c). */
lcm_status lcm__form_tables(lcm_form *f, lcm_err *err);
/* The table and column of field i (after the fields before it), checking clashes. */
lcm_status lcm__form_assign_column(lcm_form *f, size_t i, lcm_err *err);

/* 1 when fd's answer is stored in a column of its own in table (not a group, note or
 * repeat, and not one filling a standard column): the columns of every response table,
 * in form order, for CREATE, INSERT, SELECT and export alike. */
int lcm__field_in_table(const lcm_field *fd, const char *table);

/* Column name of choice c of a select_multiple field: "<field>_<choice>", malloc'd. */
char *lcm__multi_column(const lcm_field *fd, const lcm_choice *c);

#endif
