/*
 * expr_int.h - internals of the expression language shared by its files (engine only):
 * tokens (expr_lex.c), the syntax tree (expr_parse.c), the function table (expr_func.c)
 * and the evaluator (expr_eval.c).
 */
#ifndef LCM_EXPR_INT_H
#define LCM_EXPR_INT_H

#include "expr.h"

#include <regex.h>

typedef enum lcm__tok_kind {
    TOK_END,
    TOK_NUM,    /* 12, 1.5, .5 */
    TOK_STR,    /* 'text' or "text" */
    TOK_VAR,    /* ${name} */
    TOK_NAME,   /* function name or an operator word (and, or, div, mod) */
    TOK_DOT,    /* . */
    TOK_DOTDOT, /* .. */
    TOK_LPAREN,
    TOK_RPAREN,
    TOK_COMMA,
    TOK_EQ,
    TOK_NE,
    TOK_LT,
    TOK_LE,
    TOK_GT,
    TOK_GE,
    TOK_PLUS,
    TOK_MINUS,
    TOK_STAR,
    TOK_SLASH,  /* / of a path (instance('l')/root/item, /data/q) */
    TOK_LBRACK, /* [ of a predicate */
    TOK_RBRACK,
} lcm__tok_kind;

typedef struct lcm__token {
    lcm__tok_kind kind;
    size_t start;   /* byte offset where the token starts, for columns */
    size_t at, len; /* bytes of the token's text (for VAR/STR: the inside) */
    double num;
} lcm__token;

typedef struct lcm__lexer {
    const char *src;
    size_t pos;
} lcm__lexer;

/* Column (characters from 1) of byte offset at in src. */
int lcm__expr_column(const char *src, size_t at);
/* Next token; on a lexing error fills err ("column C: …") and returns its status. */
lcm_status lcm__lex_next(lcm__lexer *lx, lcm__token *tok, lcm_err *err);

typedef enum lcm__node_kind {
    N_NUM,
    N_STR,
    N_VAR,
    N_SELF,
    N_PARENT,
    N_NEG,
    N_BIN,
    N_CALL,
    N_COL,  /* a choices column in a choice_filter, or a name in a predicate or path */
    N_PATH, /* args[0] the start (NULL-kind N_STEP "/" for an absolute path), then steps
               (N_STEP, str the name) and predicates (N_PRED, args[0] the condition) */
    N_STEP,
    N_PRED,
    N_CHILD, /* in a predicate on a repeat: a field of the repeat's instance (slot) */
} lcm__node_kind;

/* Binary operators: the token kinds, plus the operator words. */
enum { OP_OR = 100, OP_AND, OP_DIV, OP_MOD };

typedef struct lcm__node {
    lcm__node_kind kind;
    int op;     /* N_BIN: token kind or OP_*; N_CALL: index in the function table */
    int col;    /* column of the node in the source, for messages */
    double num; /* N_NUM */
    char *str;  /* N_STR text, N_VAR name */
    int slot;   /* N_VAR after resolution, -1 before */
    int multi;  /* N_VAR: LCM_EXPR_ONE, LCM_EXPR_IN_REPEAT or LCM_EXPR_REPEAT */
    int nargs;  /* children */
    struct lcm__node **args;
    regex_t *re; /* regex() with a literal pattern: compiled once at parse time */
    /* ... and when that pattern only says "digits, from dmin to dmax of them"
     * ('^[0-9]{4}$', '^\d{6,9}$', '^[0-9]+$'), the form of most code checks, fn_regex
     * counts them instead of running the regex engine. */
    int re_digits, re_dmin, re_dmax;
    int simple; /* after resolution: of the shape lcm__simple_shape takes */
} lcm__node;

struct lcm_expr {
    lcm__node *root;
    char *src;
    int simple; /* after resolution: of the shape lcm__eval_simple takes (expr_eval.c) */
};

/* 1 when n is an answer compared with a literal (${a} = 1, . >= 16, 'x' != ${b}),
 * selected(answer, 'literal'), or and/or of such: most relevant and constraint
 * expressions, which lcm_expr_eval_bool then evaluates without building values. */
int lcm__simple_shape(const lcm__node *n);
/* What lcm__simple_shape found (0: none). */
enum { LCM__SIMPLE_LOGIC = 1, LCM__SIMPLE_LEFT, LCM__SIMPLE_RIGHT, LCM__SIMPLE_SELECTED };
/* A node as XPath boolean(), through the simple shapes when it is one. */
lcm_status lcm__eval_cond(const lcm__node *n, const lcm_expr_env *env, int *out, lcm_err *err);
/* Indexes in the function table (expr_func.c) the evaluator knows by number. */
enum { LCM__FN_IF = 0, LCM__FN_COALESCE = 1 };

/* selected(list, want): the first word of want among the words of list (expr_func.c). */
int lcm__selected_word(const char *list, const char *want);
/* XPath number() of a string (expr_value.c). */
double lcm__string_number(const char *s);

/* A built-in function. Arguments are evaluated by the function itself, so if() only
 * evaluates the branch it takes and count()/sum() can see a ${name} as many values. */
typedef lcm_status (*lcm__fn_impl)(const lcm__node *call, const lcm_expr_env *env, lcm_value *out,
                                   lcm_err *err);
typedef struct lcm__fn {
    const char *name;
    int min_args, max_args; /* max -1: any number */
    int nodeset;            /* 1: first argument must be a ${name} (count, sum, …) */
    lcm__fn_impl impl;
} lcm__fn;

/* Index of name in the function table, or -1. */
int lcm__fn_find(const char *name, size_t len);
const lcm__fn *lcm__fn_get(int index);

lcm_status lcm__eval_node(const lcm__node *n, const lcm_expr_env *env, lcm_value *out,
                          lcm_err *err);
/* Compile a regex() pattern (XLSForm writes \d, POSIX does not know it); caller frees. */
lcm_status lcm__regex_compile(const char *pattern, regex_t **out, lcm_err *err);
void lcm__regex_free(regex_t *re);
/* 1 when pattern is "^" digits "$" with a count ([0-9] or \d; {n}, {n,m}, +, *): the
 * bounds go to *dmin and *dmax. */
int lcm__regex_digits(const char *pattern, int *dmin, int *dmax);

/* Days since 1970-01-01 of an ISO date "YYYY-MM-DD" (exactly), or 0 with *ok = 0. */
double lcm__date_days(const char *s, int *ok);
/* Format days since 1970-01-01 as "YYYY-MM-DD" into buf (at least 16 bytes). */
void lcm__date_format(double days, char *buf, size_t size);

#endif
