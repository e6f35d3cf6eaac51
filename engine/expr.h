/*
 * expr.h - the XLSForm expression language (an XPath 1.0 subset), docs/methods.md §6.
 *
 * An expression is parsed once (at form load), its ${name} references are resolved to
 * slots the form chooses (field indexes), and it is then evaluated many times against an
 * environment that supplies field values. Precedence, lowest first: or, and, = !=,
 * < <= > >=, + -, * div mod, unary -, then ${name}, '.', literals, (…), calls.
 * Semantics follow XPath as ODK applies it: field values are strings; an empty string
 * is NaN as a number; `=` compares as numbers when either side is a number; relational
 * operators always compare numbers; an ISO date 'YYYY-MM-DD' is a number of days since
 * 1970-01-01 (as in ODK), so `today() - ${birth}` is an age in days.
 */
#ifndef LCM_EXPR_H
#define LCM_EXPR_H

#include "error.h"

#include <stddef.h>

typedef enum lcm_vkind { LCM_VAL_STR, LCM_VAL_NUM, LCM_VAL_BOOL } lcm_vkind;

/* A value. For LCM_VAL_STR, str is never NULL: a malloc'd string owned by the value, or
 * (borrowed) one that outlives the evaluation, such as an answer read by env->get;
 * otherwise str is NULL and num holds the number (0/1 for a boolean). */
typedef struct lcm_value {
    lcm_vkind kind;
    double num;
    char *str;
    int borrowed; /* 1: str is not the value's to free */
} lcm_value;

/* Release a value's string; the value becomes the number 0. NULL is accepted. */
void lcm_value_free(lcm_value *v);
/* XPath number(): strings are trimmed, '' and non-numbers are NaN, ISO dates are days. */
double lcm_value_number(const lcm_value *v);
/* XPath boolean(): non-empty string, non-zero and non-NaN number. */
int lcm_value_bool(const lcm_value *v);
/* XPath string() in a malloc'd string the caller frees (NULL when out of memory).
 * Integral numbers print without a decimal point; NaN prints as "NaN". */
char *lcm_value_string(const lcm_value *v);
/* Set v to a copy of s (NULL = empty); LCM_NOMEM on failure. */
lcm_status lcm_value_set_str(lcm_value *v, const char *s);
/* Set v to s itself (NULL = empty), without copying: s must outlive v. Evaluation reads
 * every answer this way, so a comparison costs no allocation. */
void lcm_value_borrow(lcm_value *v, const char *s);

typedef struct lcm_expr lcm_expr;

/* Parse src. On failure err says "column C: problem" (C counts characters from 1) and
 * the caller adds file and line. *out is the caller's, to free with lcm_expr_free. */
lcm_status lcm_expr_parse(const char *src, lcm_expr **out, lcm_err *err);
/* Parse a choice_filter: there a bare name (`county = ${county}`) is a column of the
 * choices sheet, evaluated through env->column. */
lcm_status lcm_expr_parse_filter(const char *src, lcm_expr **out, lcm_err *err);
/* Call fn(ud, name) for every choices column a filter names; stops at the first status
 * that is not LCM_OK and returns it. */
lcm_status lcm_expr_columns(const lcm_expr *e, lcm_status (*fn)(void *ud, const char *name),
                            void *ud);
void lcm_expr_free(lcm_expr *e);
/* The source text, borrowed. */
const char *lcm_expr_source(const lcm_expr *e);

/* Resolution of ${name}: return the slot (>= 0) the environment knows the field by, or
 * -1 when there is no such field (the parse then fails naming it and its column).
 * *is_multi tells what the name stands for: LCM_EXPR_ONE (one value), LCM_EXPR_IN_REPEAT
 * (a field inside a repeat: one value per row) or LCM_EXPR_REPEAT (the repeat itself).
 * Resolution also checks the types that calls need, so a form fails at load with the
 * column: count() and sum() take a repeat or a field inside one, indexed-repeat() a field
 * inside a repeat and the repeat, and a repeat stands nowhere else. */
enum { LCM_EXPR_ONE = 0, LCM_EXPR_IN_REPEAT = 1, LCM_EXPR_REPEAT = 2 };
typedef int (*lcm_expr_resolve_fn)(void *ud, const char *name, int *is_multi);
lcm_status lcm_expr_resolve(lcm_expr *e, lcm_expr_resolve_fn fn, void *ud, lcm_err *err);
/* Call fn for every literal a resolved ${name} is compared with: `${x} = 'a'`, `${x} != 1`,
 * `'a' = ${x}`, `selected(${x}, 'a')`. literal is the text ('1' for the number 1), col its
 * column in the source (characters from 1). The form checks them against the choices. */
typedef void (*lcm_expr_literal_fn)(void *ud, int slot, const char *literal, int col);
void lcm_expr_literals(const lcm_expr *e, lcm_expr_literal_fn fn, void *ud);
/* Call fn(ud, slot) for every resolved ${name} in e (dependency checks). */
void lcm_expr_refs(const lcm_expr *e, void (*fn)(void *ud, int slot), void *ud);
/* 1 when e mentions '.' (a constraint on the field's own value). */
int lcm_expr_uses_self(const lcm_expr *e);

/* Where values come from while evaluating. */
typedef struct lcm_expr_env {
    void *ud;
    /* Value of slot: index < 0 means "in the current context" (this repeat instance, or the
     * first instance when outside the repeat); index >= 0 is the index-th instance (from 0).
     * An unanswered field is the empty string. */
    lcm_status (*get)(void *ud, int slot, long index, lcm_value *out, lcm_err *err);
    /* Number of instances a repeat (or a field inside a repeat) has; 1 for other fields. */
    long (*count)(void *ud, int slot);
    const char *self;  /* value of '.', NULL = empty */
    long position;     /* 1-based repeat instance for position(..); 0 outside a repeat */
    const char *today; /* "YYYY-MM-DD" for today(); NULL = the local date */
    /* Choice filters: the value of a choices column for the choice being filtered. */
    lcm_status (*column)(void *ud, const char *name, lcm_value *out, lcm_err *err);
    /* jr:choice-name(value, '${slot}'): the label of choice value of select slot in the
     * current language (*out borrowed or owned as lcm_value says); NULL = the value. */
    lcm_status (*choice_label)(void *ud, int slot, const char *value, lcm_value *out, lcm_err *err);
    /* Set by the evaluator only: inside a predicate on ${repeat}[…], the instance (from 0)
     * whose fields the predicate reads, plus 1 (0 = not in a predicate). */
    long pred_row;
    /* indexed-repeat(${f}, ${r1}, i1, ${r2}, i2 …) over repeats inside repeats: slot in row
     * rows[n-1] (from 1) of reps[n-1] inside row rows[n-2] of reps[n-2] …; a row number 0
     * or past the end gives the empty string. NULL: only the 3-argument form is known. */
    lcm_status (*get_path)(void *ud, int slot, const int *reps, const long *rows, int n,
                           lcm_value *out, lcm_err *err);
} lcm_expr_env;

/* Evaluate e; *out is the caller's (lcm_value_free). Errors: out of memory, a bad regex
 * pattern computed at run time, a reference to an unresolved name. */
lcm_status lcm_expr_eval(const lcm_expr *e, const lcm_expr_env *env, lcm_value *out, lcm_err *err);
/* Evaluate e as a boolean into *out. */
lcm_status lcm_expr_eval_bool(const lcm_expr *e, const lcm_expr_env *env, int *out, lcm_err *err);
/* Evaluate e as a string (a NaN number is the empty string, as a calculation stores it);
 * *out is malloc'd, the caller's. */
lcm_status lcm_expr_eval_string(const lcm_expr *e, const lcm_expr_env *env, char **out,
                                lcm_err *err);

/* Longest expression accepted (bytes) and deepest nesting, so that input cannot exhaust
 * the stack of the recursive parser and evaluator. */
#define LCM_EXPR_MAX_LEN 8192
#define LCM_EXPR_MAX_DEPTH 200

#endif
