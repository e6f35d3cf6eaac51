/*
 * form_inst.h - the instance structure shared by form_instance.c, form_finish.c and
 * form_insert.c (engine only).
 */
#ifndef LCM_FORM_INST_H
#define LCM_FORM_INST_H

#include "form_int.h"

#define LCM__N_META 13 /* = lcm__n_std_cols */

/* Answers are kept in arrays of 2 * nfields cells: [field] is the answer (NULL =
 * unanswered), [nfields + field] an answer put aside while its question is not relevant
 * (keep_hidden), given back if the question becomes relevant again. */
typedef struct lcm__rows {
    char ***row;         /* row[i][...] */
    unsigned char **rel; /* rel[i][field]: relevance found by the last update (form_finish.c) */
    long *parent;        /* a repeat inside a repeat: the row (1-based) of the enclosing repeat each
                            row belongs to; rows of every parent row are kept in one list, in the
                            order they were added, so a row's number is its position in the instance */
    long n;
    long cap; /* rows n..cap-1 stay allocated and empty for add_row to take again */
} lcm__rows;

/* Answers are copied into blocks owned by the instance (form_instance.c), freed with it
 * or all at once by lcm_instance_reset: an importer sets some 80 answers per row, and a
 * malloc and a free for each was a tenth of an import. A changed answer leaves its old
 * copy in the block until then. */
typedef struct lcm__pool {
    struct lcm__pool *next;
    size_t used, cap;
    char data[];
} lcm__pool;

/* Remembered results of expressions (form_memo.c). */
typedef struct lcm__memo lcm__memo;

struct lcm_instance {
    const lcm_form *f;
    char *meta[LCM__N_META];      /* standard columns, in lcm__std_cols order; NULL = unset */
    char **main;                  /* answers of fields outside repeats, by field index */
    lcm__rows *rep;               /* rows of each repeat, at its begin-repeat index */
    int ctx_repeat;               /* repeat of the expression being evaluated, -1 = none */
    long ctx_row;                 /* its row (1-based) */
    const char *today;            /* today() for tests; NULL = the local date */
    const lcm_choice *ctx_choice; /* choice being filtered (choice_filter columns) */
    const lcm_choice_list *ctx_list;
    int keep_hidden;    /* interviews: put non-relevant answers aside instead of dropping them */
    unsigned char *rel; /* per field outside repeats: relevance found by the last update */
    int checked;        /* answers were validated as they were set (lcm_instance_answers_checked) */
    lcm__pool *pool;    /* the answers' copies, newest block first */
    lcm__memo *memo;    /* NULL until the first expression is remembered */
};

/* Where the relevance of field in row found by the last update is kept; NULL when that
 * row does not exist. */
unsigned char *lcm__instance_rel(const lcm_instance *in, int field, long row);

/* The row of repeat `to` (an enclosing repeat of `from`, or `from` itself) that row `row` of
 * repeat `from` lies in; 0 when to < 0 or from < 0. */
long lcm__instance_row_up(const lcm_instance *in, int from, long row, int to);
/* 1 when repeat outer is repeat inner or encloses it. */
int lcm__repeat_within(const lcm_form *f, int inner, int outer);
/* The rows of a repeat inside a repeat that belong to row parent of the enclosing one. */
long lcm__instance_child_rows(const lcm_instance *in, int repeat, long parent);
/* Drop the rows of repeat that belong to row parent of the enclosing repeat (all rows of a
 * repeat at the top when parent is 0), with the rows of repeats inside them. */
void lcm__instance_clear_child_rows(lcm_instance *in, int repeat, long parent);

char **lcm__instance_cell(const lcm_instance *in, int field, long row);
void lcm__instance_clear_rows(lcm_instance *in, int repeat);
/* Keep the first n rows of a repeat, drop the others. */
void lcm__instance_truncate_rows(lcm_instance *in, int repeat, long n);
/* Forget every put-aside answer (a completed instance keeps none). */
void lcm__instance_drop_hidden(lcm_instance *in);

/* Set the instance_id another tool gave (ODK allows any unique string, "one" in its own
 * tests): 1 to LCM__FOREIGN_ID_MAX bytes of text without spaces or control characters, kept
 * as it is so the row can be traced back to the tool. lcmon's own ids are UUIDs. */
#define LCM__FOREIGN_ID_MAX 200
lcm_status lcm__instance_set_foreign_id(lcm_instance *in, const char *id, lcm_err *err);

/* Field's relevant (or calculation) e in row, evaluated in env, or its result for the same
 * answers remembered from an earlier evaluation (form_memo.c). The string is *owned (free
 * it) or kept by the memo until the next call for this field. */
lcm_status lcm__memo_bool(lcm_instance *in, int field, long row, const lcm_expr *e,
                          const lcm_expr_env *env, int *out, lcm_err *err);
lcm_status lcm__memo_string(lcm_instance *in, int field, long row, const lcm_expr *e,
                            const lcm_expr_env *env, const char **out, char **owned, lcm_err *err);
void lcm__memo_free(lcm__memo *m);
/* Take the instance's remembered results away (NULL when none), or give it m (remembered for
 * an instance of the same form: its results hold for any instance, being keyed by the
 * answers; the memo it had is freed). A server keeps one per form and connection, so that a
 * request's instance, read back and freed again, does not start with an empty one. */
lcm__memo *lcm__instance_memo_take(lcm_instance *in);
void lcm__instance_memo_give(lcm_instance *in, lcm__memo *m);
/* 1 when e calls only functions whose result depends on their arguments alone. */
int lcm__memo_pure(const lcm_expr *e);

#endif
