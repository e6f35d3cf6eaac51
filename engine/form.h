/*
 * form.h - questionnaires (XLSForm as CSV: survey.csv, choices.csv, settings.csv), their
 * response tables, and complete instances (one household: main row + roster rows).
 *
 * Life of a form:
 *   lcm_form_read_dir()  parse and check the three files (no database needed; `form check`)
 *   lcm_form_store()     record it in `forms` and create its response tables (`form load`)
 *   lcm_form_get()       read it back from a database (interview, import, estimation)
 * Life of an answer set (interview, import):
 *   lcm_instance_new() → lcm_instance_set()/lcm_instance_add_row() for each answer →
 *   lcm_instance_finish() (calculations, relevance, required, constraints) →
 *   lcm_instance_insert() inside the caller's transaction.
 * An interview saves a draft after every answer (lcm_instance_draft, lcm_instance_save),
 * reads it back to resume (lcm_form_get_for_instance, lcm_instance_load), and completes it
 * in one transaction (lcm_instance_finish, lcm_instance_save over the draft).
 *
 * Response tables (docs/architecture.md "Storage"). Form `household` version `2026.1`:
 *   resp_household_2026_1             one row per instance: the standard columns
 *       instance_id TEXT PRIMARY KEY (UUID), city TEXT → cities(code), wave INTEGER,
 *       stratum TEXT, psu TEXT, household_id TEXT, design_weight REAL, final_weight REAL,
 *       interviewer TEXT, started_at TEXT, ended_at TEXT, status TEXT ('draft'|'complete'),
 *       source TEXT NOT NULL,
 *     then one column per field outside repeats: integer INTEGER, decimal/range REAL,
 *     calculate NUMERIC, the rest TEXT; a select_multiple is its space-separated TEXT
 *     column plus one INTEGER 0/1 column `<field>_<choice>` per choice.
 *   resp_household_2026_1__<repeat>   one row per repeat instance (roster member):
 *       instance_id TEXT → parent ON DELETE CASCADE, position INTEGER (from 1),
 *       PRIMARY KEY (instance_id, position), then the repeat's fields as above.
 *     A repeat inside a repeat adds parent_position INTEGER NOT NULL after position, with
 *     (instance_id, parent_position) → the enclosing repeat's table ON DELETE CASCADE;
 *     position numbers the instance's rows across all parent rows (as Kobo's _index does).
 * or_other (`select_one L or_other`, `select_multiple L or_other`), as pyxform does it: the
 * list gets a last choice `other` (label 其他/Other) and a text field `<field>_other`
 * follows the select, relevant when `other` is chosen. That text takes the column name
 * `<field>_other`, so the added choice has no 0/1 column of its own (lcm_field_choice_column).
 * Names: form_id and field names follow the XLSForm name rules (ASCII letter or '_', then
 * letters, digits, '_', '-', '.'); they are compared without case, as SQLite compares
 * column names, and always quoted in SQL. In table names '.' and '-' become '_'.
 *
 * Extra survey.csv columns lcmon reads (other XLSForm tools ignore them):
 *   lcmon_column     the field fills a standard column instead of a column of its own:
 *                    city, wave, stratum, psu, household_id, design_weight, interviewer
 *                    (the metadata types start/end fill started_at/ended_at by themselves)
 *   lcmon_reference  the value is a code of the reference data: city (cities), county or
 *                    township (admin_units); checked on insert, with the county inside the
 *                    instance's city and the township inside its county.
 *   lcmon_pii        yes: the answer is personal data (a name, phone number, address, or a
 *                    number that leads to them, such as the household's number on the
 *                    sample list). Exports leave such fields out, and the standard column
 *                    they fill, unless asked to include them (`lcmon export --include-pii`).
 */
#ifndef LCM_FORM_H
#define LCM_FORM_H

#include "expr.h"
#include "lcmon.h"

#include <stddef.h>

typedef enum lcm_field_type {
    LCM_FT_INTEGER,
    LCM_FT_DECIMAL,
    LCM_FT_TEXT,
    LCM_FT_SELECT_ONE,
    LCM_FT_SELECT_MULTIPLE,
    LCM_FT_NOTE,
    LCM_FT_CALCULATE,
    LCM_FT_DATE,
    LCM_FT_RANGE,
    LCM_FT_BEGIN_GROUP,
    LCM_FT_END_GROUP,
    LCM_FT_BEGIN_REPEAT,
    LCM_FT_END_REPEAT,
    LCM_FT_START,    /* metadata: when the interview started (fills started_at) */
    LCM_FT_END,      /* metadata: when it ended (fills ended_at) */
    LCM_FT_TODAY,    /* metadata: the date of the interview */
    LCM_FT_DEVICEID, /* metadata: the device (lcmon: the host) */
    LCM_FT_USERNAME, /* metadata: the interviewer's user name */
} lcm_field_type;

/* What a text field holds (XLSForm types lcmon stores as text, checked by form). */
typedef enum lcm_text_kind {
    LCM_TK_PLAIN,    /* text, string, barcode */
    LCM_TK_TIME,     /* time: HH:MM[:SS[.fff]][Z|±HH:MM] */
    LCM_TK_DATETIME, /* dateTime: YYYY-MM-DDTHH:MM[:SS[.fff]][Z|±HH:MM] */
    LCM_TK_GEOPOINT, /* geopoint: "lat lon [altitude [accuracy]]" */
    LCM_TK_GEOTRACE, /* geotrace: geopoints joined by ';' (at least 2) */
    LCM_TK_GEOSHAPE, /* geoshape: a closed geotrace (at least 4 points, last = first) */
    LCM_TK_MEDIA,    /* image, audio, video, file, osm: the file's name */
    LCM_TK_META,     /* phonenumber, simserial, subscriberid, email, audit, start-geopoint,
                        background-geopoint, background-audio: filled by the device, not asked */
    LCM_TK_RANK,     /* rank L: choices of list L in order, space-separated */
} lcm_text_kind;

/* Reference checks (lcmon_reference). */
typedef enum lcm_ref_kind {
    LCM_REF_NONE,
    LCM_REF_CITY,
    LCM_REF_COUNTY,
    LCM_REF_TOWNSHIP
} lcm_ref_kind;

/* One choice of a list. Texts are borrowed from the form. */
typedef struct lcm_choice {
    const char *name;
    const char *const *label; /* one per form language (lcm_form_langs), NULL = none */
    const char *const *extra; /* values of the list's extra (filter) columns */
    long line;                /* line in choices.csv */
} lcm_choice;

typedef struct lcm_choice_list {
    const char *name;
    const lcm_choice *items;
    size_t n;
    const char *const *extra_names; /* the extra columns of choices.csv */
    size_t nextra;
} lcm_choice_list;

/* One row of survey.csv, read-only. Texts and expressions are borrowed from the form. */
typedef struct lcm_field {
    const char *name;
    lcm_field_type type;
    const lcm_choice_list *list; /* select_one / select_multiple, else NULL */
    const char *const *label;    /* per language; NULL entries = none */
    const char *const *hint;
    const char *const *constraint_message;
    int required;
    const lcm_expr *required_if; /* `required` given as an expression (then required is 0) */
    int read_only;
    const lcm_expr *relevant, *constraint, *calculation, *choice_filter, *repeat_count;
    const char *default_value;    /* NULL = none (or a dynamic default) */
    const lcm_expr *default_expr; /* a default that is an expression (now(), ${q0}): evaluated
                                     when the question is first shown (lcm_instance_default) */
    const char *appearance;       /* NULL = none */
    double range_start, range_end, range_step; /* range: from `parameters` (default 1 10 1) */
    int parent;         /* index of the enclosing begin group/repeat, -1 at the top */
    int repeat;         /* index of the enclosing begin repeat, -1 outside repeats */
    int end;            /* begin group/repeat: index of the matching end */
    const char *column; /* storage column (a standard column name with lcmon_column), NULL
                           for groups, notes and repeats */
    const char *table;  /* begin repeat: its table; others: the table of their column */
    lcm_ref_kind reference;
    long line;     /* line in survey.csv */
    int or_other;  /* a select with or_other: its list ends with the added `other` choice */
    int generated; /* the `<select>_other` text of or_other, made by lcmon (line: the select's) */
    int pii;       /* lcmon_pii: personal data, left out of exports by default */
    lcm_text_kind text_kind; /* LCM_FT_TEXT: what the text holds */
    int external;            /* LCM_FT_NOTE from csv-external/xml-external: an instance
                                declaration, neither shown nor stored */
    int media;               /* the row has an image, audio or video to show */
    const char *media_type;  /* LCM_TK_MEDIA: "image", "audio", "video", "file" or "osm" */
} lcm_field;

typedef struct lcm_form lcm_form;

/* Read and check the form in dir (survey.csv, choices.csv when a select needs it, and
 * settings.csv when there is one: as in pyxform, form_id defaults to the folder's name and
 * version to "1"). Every problem names file:line and the column. *out is the caller's,
 * to free with lcm_form_free. */
lcm_status lcm_form_read_dir(const char *dir, lcm_form **out, lcm_err *err);
/* The same from the three texts (choices may be NULL); names are used in messages. */
lcm_status lcm_form_read_texts(const char *survey, const char *choices, const char *settings,
                               lcm_form **out, lcm_err *err);
/* Every problem of the form at once (`lcmon form check`): as lcm_form_read_dir, and on a
 * refused form *problems gets a NULL-terminated array of messages "file:line:column: …" in
 * file, line and column order (at most LCM_FORM_MAX_PROBLEMS, then one saying how many
 * more), the caller's to free with lcm_form_problems_free; err holds the first. A problem
 * that stops the reading (a CSV syntax error, missing settings) is the only one. */
#define LCM_FORM_MAX_PROBLEMS 200
lcm_status lcm_form_check_dir(const char *dir, lcm_form **out, char ***problems, lcm_err *err);
/* XLSForm workbooks: a path ending in .xlsx given to lcm_form_read_dir or lcm_form_check_dir
 * is read as one (form_xlsx.c): the sheets survey, choices, settings and entities, problems
 * named "FILE.xlsx:SHEET:ROW:COLUMN: …". 1 when path names a workbook. */
int lcm_form_is_xlsx(const char *path);
/* The same from a workbook in memory (name is used in messages; no data files). */
lcm_status lcm_form_check_xlsx_buffer(const void *data, size_t size, const char *name,
                                      lcm_form **out, char ***problems, lcm_err *err);
lcm_status lcm_form_check_texts(const char *survey, const char *choices, const char *settings,
                                lcm_form **out, char ***problems, lcm_err *err);
/* lcm_form_check_texts for a form whose settings may lack form_id (as pyxform allows):
 * default_id is used then (the folder's name, or the id the form was stored under). */
lcm_status lcm_form_check_texts_as(const char *survey, const char *choices, const char *settings,
                                   const char *default_id, lcm_form **out, char ***problems,
                                   lcm_err *err);
void lcm_form_problems_free(char **problems);
/* The data files read with the form (select_one_from_file and select_multiple_from_file
 * lists, csv-external files, crosswalk.csv), by name: the text, or NULL. */
const char *lcm_form_external(const lcm_form *f, const char *name);
size_t lcm_form_nexternal(const lcm_form *f);
/* Warnings of a valid form ("survey.csv:L:C: …"): what it leaves to be settled when answers
 * come (a data file not beside the form, a choice_filter column no choice has). */
size_t lcm_form_nwarnings(const lcm_form *f);
/* The first data file the form names that was not there when it was read ("survey.csv:L:C:
 * data file 'F' is not beside the form"), or NULL: such a form is checked, not loaded, and
 * takes no answers. */
const char *lcm_form_missing_file(const lcm_form *f);
const char *lcm_form_warning(const lcm_form *f, size_t i);
const char *lcm_form_external_name(const lcm_form *f, size_t i);
void lcm_form_free(lcm_form *f);

const char *lcm_form_id(const lcm_form *f);
const char *lcm_form_version(const lcm_form *f);
const char *lcm_form_title(const lcm_form *f);
/* Main response table, e.g. "resp_household_2026_1" (already validated; quote it). */
const char *lcm_form_table(const lcm_form *f);
/* Content digest (FNV-1a 64 of the three files, hex) that tells two loads apart. */
const char *lcm_form_digest(const lcm_form *f);

/* Languages of the labels: codes such as "zh", "en"; "" for an unmarked `label` column.
 * Index i matches field->label[i]. */
size_t lcm_form_nlangs(const lcm_form *f);
const char *lcm_form_lang(const lcm_form *f, size_t i);
/* Index of the language to show for lang (NULL = the form's default_language, else "zh"):
 * an exact code, else the unmarked label, else the first language. */
size_t lcm_form_lang_index(const lcm_form *f, const char *lang);
/* A label in language li with fallback to the other languages; "" when none. */
const char *lcm_form_text(const lcm_form *f, const char *const *texts, size_t li);

size_t lcm_form_nfields(const lcm_form *f);
const lcm_field *lcm_form_field(const lcm_form *f, size_t i);
/* Index of the field called name (case-insensitive, as columns are), or -1. */
int lcm_form_find(const lcm_form *f, const char *name);
/* Index of the choice called name in list, or -1. */
int lcm_form_choice(const lcm_choice_list *list, const char *name);
/* 1 when choice k of select_multiple fd has its own 0/1 column `<field>_<choice>`: every
 * choice but the `other` that or_other adds. */
int lcm_field_choice_column(const lcm_field *fd, size_t k);

/* Check one answer against its field's type (integer, decimal, date, range bounds and
 * step, select membership, UTF-8 text) and against a constraint that only looks at '.'.
 * Empty text is always valid here (required is checked by lcm_instance_finish).
 * On failure err says "field 'age': …" in the form's default language. */
lcm_status lcm_form_validate_value(const lcm_form *f, int field, const char *text, lcm_err *err);
/* The same for text known to be valid UTF-8 already (every cell lcm_input and the CSV
 * reader give is). */
lcm_status lcm_form_validate_utf8(const lcm_form *f, int field, const char *text, lcm_err *err);

/* Record f in db (table `forms`) and create its response tables, in one transaction.
 * Loading the same form_id/version again with the same digest changes nothing and sets
 * *created to 0; with a different digest it fails with LCM_CONFLICT (give it a new
 * version). *created may be NULL. */
lcm_status lcm_form_store(lcm_db *db, const lcm_form *f, int *created, lcm_err *err);
/* Read a stored form; version NULL = the most recently loaded version of form_id.
 * *out is the caller's (lcm_form_free). LCM_NOTFOUND when there is none. */
lcm_status lcm_form_get(lcm_db *db, const char *form_id, const char *version, lcm_form **out,
                        lcm_err *err);

/* ---- instances ---------------------------------------------------------------------- */

typedef struct lcm_instance lcm_instance;

/* Largest number of rows one repeat may have in one instance. */
#define LCM_FORM_MAX_ROWS 200

/* A new empty instance of f, with a fresh random UUID, status draft and source "lcmon".
 * f must outlive it. */
lcm_status lcm_instance_new(const lcm_form *f, lcm_instance **out, lcm_err *err);
void lcm_instance_free(lcm_instance *in);
/* Make in again as lcm_instance_new makes it (no answers, no rows, a fresh random id, a
 * draft by lcmon), keeping its memory: an importer fills one instance per row. */
lcm_status lcm_instance_reset(lcm_instance *in, lcm_err *err);
/* Tell in that every answer set on it was checked with lcm_form_validate_value as it was
 * set (an importer does, to name the cell): lcm_instance_finish then checks only what
 * depends on other answers, and calculated answers. Reset and new instances do not. */
void lcm_instance_answers_checked(lcm_instance *in);

/* Set a standard column: instance_id (a UUID), wave (year), interviewer, source,
 * started_at, ended_at, household_id, design_weight, final_weight, status (draft or
 * complete), city, stratum, psu. A value set here is overwritten by a field that fills
 * the same column (lcmon_column). */
lcm_status lcm_instance_set_meta(lcm_instance *in, const char *column, const char *value,
                                 lcm_err *err);
/* The value of a standard column, borrowed; NULL when unset. */
const char *lcm_instance_meta(const lcm_instance *in, const char *column);

/* Append a row to the repeat whose begin-repeat field is `repeat`; *position gets its
 * 1-based position. A repeat inside a repeat gets a row of the enclosing repeat's last row
 * (lcm_instance_add_row_in says which). */
lcm_status lcm_instance_add_row(lcm_instance *in, int repeat, long *position, lcm_err *err);
/* Repeats inside repeats (households → members → jobs): the rows of an inner repeat in one
 * instance are numbered 1, 2, … across all rows of the enclosing repeat, in the order they
 * were added, and each row knows the row of the enclosing repeat it belongs to. Append a row
 * to repeat under row `parent` of the enclosing repeat (0 for a repeat at the top). */
lcm_status lcm_instance_add_row_in(lcm_instance *in, int repeat, long parent, long *position,
                                   lcm_err *err);
/* The row of the enclosing repeat that row `row` of repeat belongs to; 0 at the top. */
long lcm_instance_row_parent(const lcm_instance *in, int repeat, long row);
/* Number of rows of a repeat (all of them, under every row of the enclosing repeat). */
long lcm_instance_rows(const lcm_instance *in, int repeat);
/* The first repeat of f inside another repeat (its begin field), or -1: the interview and
 * `lcmon serve` ask such forms' questions of no one yet (docs/forms.md). */
int lcm_form_nested_repeat(const lcm_form *f);
/* LCM_UNSUPPORTED, saying why, for a form the interview and `lcmon serve` cannot ask (a
 * repeat inside a repeat); LCM_OK otherwise. */
lcm_status lcm_form_askable(const lcm_form *f, lcm_err *err);
/* Set a field's answer after lcm_form_validate_value (NULL or "" clears it). row is 0
 * for fields outside repeats, else the 1-based position in the field's repeat. */
lcm_status lcm_instance_set(lcm_instance *in, int field, long row, const char *text, lcm_err *err);
/* The current answer (borrowed, "" when unanswered). */
const char *lcm_instance_get(const lcm_instance *in, int field, long row);

/* Evaluation environment over an instance for expressions of `field` in `row`, with
 * self = the field's answer (or `self` when not NULL). For the interview runner. */
lcm_expr_env lcm_instance_env(lcm_instance *in, int field, long row, const char *self);
/* The default of field in row: the literal default, or the dynamic default evaluated on
 * the answers so far; *out malloc'd (NULL when the field has no default). */
lcm_status lcm_instance_default(lcm_instance *in, int field, long row, char **out, lcm_err *err);
/* 1 when choice c of a select passes the field's choice_filter in row (always 1 without
 * a filter). */
lcm_status lcm_instance_choice_visible(lcm_instance *in, int field, long row, const lcm_choice *c,
                                       int *out, lcm_err *err);
/* 1 when field (in row) is relevant: its own relevant and those of its groups. */
lcm_status lcm_instance_relevant(lcm_instance *in, int field, long row, int *out, lcm_err *err);
/* *out = 1 when field needs an answer in row: `required` yes, or its expression true there. */
lcm_status lcm_instance_required(lcm_instance *in, int field, long row, int *out, lcm_err *err);
/* Run calculations and clear non-relevant answers until nothing changes. */
lcm_status lcm_instance_update(lcm_instance *in, lcm_err *err);

/* Finish an instance: update, then with complete = 1 check required answers, constraints
 * and repeat_count, and mark it complete; with complete = 0 it stays a draft and only
 * constraints of given answers are checked. Errors name the field and row. */
lcm_status lcm_instance_finish(lcm_instance *in, int complete, lcm_err *err);

/* Bring a draft up to date for saving: calculations, relevance, the standard columns its
 * fields fill, status draft. Nothing is checked: an interview checks each answer as it is
 * given, and the rest waits for lcm_instance_finish(in, 1). */
lcm_status lcm_instance_draft(lcm_instance *in, lcm_err *err);

/* Insert a finished instance (main row and roster rows) inside the caller's transaction
 * (lcm_db_begin); checks reference codes first. LCM_EXISTS when the instance_id is
 * already stored. Nothing is written on failure, but the caller rolls back. */
lcm_status lcm_instance_insert(lcm_db *db, const lcm_instance *in, lcm_err *err);
/* The same, giving the rowid of the main row written (an importer tells its own rows
 * from those stored before by it). */
lcm_status lcm_instance_insert_rowid(lcm_db *db, const lcm_instance *in, long long *rowid,
                                     lcm_err *err);
/* Store the instance in place of its stored copy, if any (a draft saved again, or the
 * draft an interview completes), inside the caller's transaction. A complete instance has
 * its reference codes checked as lcm_instance_insert does; a draft only that its codes
 * exist (each answer is checked against the level above as it is given, with
 * lcm_instance_check_reference). A stored complete instance is never replaced:
 * LCM_CONFLICT. Nothing is written on failure, but the caller rolls back. */
lcm_status lcm_instance_save(lcm_db *db, const lcm_instance *in, lcm_err *err);
/* When field (outside repeats) holds a reference code (lcmon_reference, or the city
 * column): the code exists and belongs to the unit above when that one is answered
 * (county in city, township in county). LCM_CONSTRAINT with the reason when not. */
lcm_status lcm_instance_check_reference(lcm_db *db, const lcm_instance *in, int field,
                                        lcm_err *err);

/* Read a stored instance of f (main row, roster rows, standard columns) back into memory;
 * the select_multiple 0/1 columns are derived and not read. *out is the caller's.
 * LCM_NOTFOUND when f's table has no such instance_id. */
lcm_status lcm_instance_load(lcm_db *db, const lcm_form *f, const char *instance_id,
                             lcm_instance **out, lcm_err *err);
/* The version of form_id whose table holds instance_id, read as lcm_form_get does
 * (*out is the caller's). LCM_NOTFOUND when no version of it does. */
lcm_status lcm_form_get_for_instance(lcm_db *db, const char *form_id, const char *instance_id,
                                     lcm_form **out, lcm_err *err);

#endif
