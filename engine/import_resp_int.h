/*
 * import_resp_int.h - state shared by the two halves of the responses importer:
 * import_resp.c (columns, rows, instances) and import_resp_aux.c (the wjx map file,
 * comparison with stored instances, the rejects file).
 */
#ifndef LCM_IMPORT_RESP_INT_H
#define LCM_IMPORT_RESP_INT_H

#include "form.h"
#include "import_int.h"
#include "import_resp.h"
#include "outfile.h"

/* COL_GEO: one part of a geopoint ODK Central splits (choice: 0 latitude … 3 accuracy);
 * COL_SUBMITTED: when the tool received the answers (SubmissionDate, _submission_time,
 * 提交答卷时间); COL_DURATION: 问卷星's 所用时间 ("125秒"); COL_REVIEW: the tool's review
 * of the submission (ODK Central's ReviewState, Kobo's _validation_status). */
typedef enum col_kind {
    COL_IGNORE,
    COL_META,
    COL_FIELD,
    COL_CHOICE,
    COL_GEO,
    COL_SUBMITTED,
    COL_DURATION,
    COL_REVIEW
} col_kind;

typedef struct col_map {
    col_kind kind;
    int field;        /* COL_FIELD, COL_CHOICE: field index in the form */
    long row;         /* roster position (1-based) for fields in a repeat, else 0 */
    const char *meta; /* COL_META: standard column name (static) */
    int choice;       /* COL_CHOICE: index in the field's list; COL_GEO: the part */
    char *name;       /* the header, for messages */
} col_map;

typedef struct wjx_rule {
    char *source, *field, *value, *choice; /* value NULL: a header rule */
} wjx_rule;

/* A roster read from a file of its own (import_roster.c). */
typedef struct roster_spec {
    int repeat;              /* its begin repeat */
    const char *file;        /* as given */
    int parent_col, pos_col; /* columns of the household id and the position; -1 none */
    int key_col, pkey_col;   /* a repeat inside a repeat: the row's own key (Kobo's _index,
                                ODK's KEY, lcmon's position) and its parent row's
                                (_parent_index, PARENT_KEY, parent_position); -1 none */
    int *field;              /* per column: the question, or -1 */
    char **name;             /* per column: its header, for messages */
    size_t ncols;
    char **keys; /* the household being filled: each row's key, by row (rows[k]) */
    long *rows;
    size_t nkeys, capkeys;
} roster_spec;

/* Answers of one field that passed lcm_form_validate_utf8 (import_resp.c): up to
 * PASSED_SLOTS of at most PASSED_LEN - 1 bytes, by a hash of the text. */
#define PASSED_SLOTS 16
#define PASSED_LEN 16
typedef char lcm__passed[PASSED_SLOTS][PASSED_LEN];

typedef struct resp_state {
    lcm__passed *passed; /* per field, NULL until the first answer (import_resp.c) */
    lcm_db *db;
    const lcm_resp_opts *opts;
    lcm_form *form;
    col_map *cols;
    size_t ncols;
    wjx_rule *rules;
    size_t nrules;
    char source[300];          /* "import:<file name>" */
    sqlite3_stmt *main_get;    /* the stored main row, for comparison */
    sqlite3_stmt **repeat_get; /* per field index: stored roster rows (begin repeat only) */
    FILE *rejects;             /* rejects_out.fp once a row is rejected */
    lcm_out rejects_out;
    char rejects_path[4096];
    lcm_strbuf reasons; /* this row's problems (skip_invalid) */
    lcm_instance *in;   /* the instance of the current row, reset for each row */
    /* This import's rows are the main table's rows with rowid > start (found at the first
     * insert); runs maps their rowids to file lines, one entry per break in the run of
     * consecutive lines (import_resp_aux.c), so a duplicate instance_id names the line of
     * its first copy without a look-up table of every id. */
    long long start;
    int started;
    sqlite3_stmt *rowid_of; /* SELECT rowid of the main table by instance_id */
    struct resp_run {
        long long rowid;
        long line;
    } * runs;
    size_t nruns, cap_runs;
    int runs_full;
    roster_spec rosters[LCM_RESP_MAX_ROSTERS];
    int nrosters;
    long rejected;
    char differs[320];         /* lcm__resp_same_as_stored: the first value found different */
    lcm_strbuf value, other;   /* a cell as the form wants it (lcm__resp_value) */
    long wave_year, wave_line; /* the wave taken from the first row's date, and its line */
    size_t wjx_seq, wjx_time; /* 问卷星's 序号 and 提交答卷时间 columns (from 1; 0: none) */
    int has_geo;              /* a COL_GEO column is there (most files have none) */
} resp_state;

/* wjx map file: load it (bounded), and look rules up. */
lcm_status lcm__resp_map_load(resp_state *s, const char *path, lcm_err *err);
void lcm__resp_map_free(resp_state *s);
const char *lcm__resp_map_header(const resp_state *s, const char *header);
const char *lcm__resp_map_value(const resp_state *s, const char *field, const char *value);

/* 1 when the stored instance with in's id holds the same answers (source aside); when not,
 * s->differs names the first column that differs and both values. */
lcm_status lcm__resp_same_as_stored(resp_state *s, const lcm_instance *in, int *same, lcm_err *err);
void lcm__resp_compare_free(resp_state *s);

/* Column look-ups shared with the roster files (import_resp_hdr.c): a question by name,
 * group path ('/', '-' or '.') or label in any language; a 0/1 column of one choice
 * ("question<sep>choice", by name or label); a part of an ODK geopoint. repeat limits the
 * search to the questions of one repeat (-1: outside repeats), LCM__ANY_REPEAT: all.
 * Each gives the field's index, or -1 (by_label ambiguity: -2). */
#define LCM__ANY_REPEAT (-100)
int lcm__resp_resolve_field(const lcm_form *f, const char *h, int repeat);
int lcm__resp_resolve_choice(const lcm_form *f, const char *h, int repeat, int *choice);
int lcm__resp_geo_part(const lcm_form *f, const char *h, int repeat, int *part);
int lcm__resp_tool_column(const char *name);
/* A cell of field as the form wants it into out (choices by name: from a map rule, a
 * label in any language, 问卷星's "┋" and "〖…〗"), the text of an "other" choice into
 * other: 0; or -1 (the cell is used as it is, the form checks it); or, for 问卷星, -2: an
 * option number ("按选项序号下载") with no rule of the map for it, refused even where a
 * choice has that number as its name (the two numberings need not agree). */
int lcm__resp_value(const resp_state *s, int field, const char *v, lcm_strbuf *out,
                    lcm_strbuf *other);
/* The choice of list called text[0..n), or labelled so in any language; or -1. */
int lcm__resp_choice_by_text(const lcm_form *f, const lcm_choice_list *list, const char *text,
                             size_t n);
/* 1 for 问卷星's "(跳过)": the question was skipped. */
int lcm__wjx_skipped(const char *v);
/* 1 for 问卷星's -2 and -3 of a download by option numbers: not shown, skipped. */
int lcm__wjx_not_asked(const char *v);
/* A 问卷星 column "12(text)" (also "第12题(text)"): a row of a matrix question whose label
 * is text, or the 0/1 column of the select_multiple option labelled text (*choice). The
 * field, or -1 (-2: two questions have that option). */
int lcm__wjx_split_column(const lcm_form *f, const char *h, int *choice);
/* 1 for a row of HXL hashtags (Kobo writes one under the header). */
int lcm__resp_hxl_row(const lcm_csv_row *row);
/* The delimiter of a file's first line: ';' or tab when it has those and no comma outside
 * quotes, else ','. */
unsigned char lcm__resp_sniff_delim(const char *path);
/* The problem part of a form message: "field 'age': 'x' is not…" -> "'x' is not…". */
const char *lcm__resp_problem(const char *msg);

/* Rosters from files of their own (import_roster.c): read them once the main header is
 * mapped, give each household its members, refuse members of households the main file
 * does not have (the importer's done step), free. */
lcm_status lcm__resp_rosters_load(resp_state *s, lcm__imp *im, lcm_err *err);
lcm_status lcm__resp_rosters_fill(resp_state *s, lcm__imp *im, lcm_instance *in, lcm_err *err);
lcm_status lcm__resp_rosters_done(lcm__imp *im, void *state, lcm_err *err);
void lcm__resp_rosters_free(resp_state *s);

/* The rows of this import: note that rowid holds the row of line; the line of this
 * import's row with rowid (0: not one of them, -1: not known). */
lcm_status lcm__resp_note_line(resp_state *s, long long rowid, long line, lcm_err *err);
long lcm__resp_line_of(const resp_state *s, long long rowid);

/* Write one rejected row (its cells and the reasons) to the rejects file. */
lcm_status lcm__resp_reject(resp_state *s, const lcm_csv_row *row, const char *reasons,
                            lcm_err *err);

#endif
