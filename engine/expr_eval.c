/*
 * expr_eval.c - evaluation of a parsed expression against an environment, with XPath 1.0
 * comparison rules, and the compilation of regex() patterns.
 */
#include "expr_int.h"
#include "strbuf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set_num(lcm_value *out, double x) {
    out->kind = LCM_VAL_NUM;
    out->num = x;
    out->str = NULL;
    out->borrowed = 0;
}

static void set_bool(lcm_value *out, int b) {
    out->kind = LCM_VAL_BOOL;
    out->num = b != 0;
    out->str = NULL;
    out->borrowed = 0;
}

static lcm_status oom(lcm_err *err) {
    return lcm_err_set(err, LCM_NOMEM, "out of memory evaluating an expression");
}

/* XPath `=` and `!=`: booleans compare as booleans, else numbers if either side is one,
 * else strings. */
static int equal(const lcm_value *a, const lcm_value *b) {
    if (a->kind == LCM_VAL_BOOL || b->kind == LCM_VAL_BOOL)
        return lcm_value_bool(a) == lcm_value_bool(b);
    if (a->kind == LCM_VAL_NUM || b->kind == LCM_VAL_NUM)
        return lcm_value_number(a) == lcm_value_number(b);
    return strcmp(a->str, b->str) == 0;
}

static double arith(int op, double x, double y) {
    switch (op) {
    case TOK_PLUS:
        return x + y;
    case TOK_MINUS:
        return x - y;
    case TOK_STAR:
        return x * y;
    case OP_DIV:
        return x / y; /* IEEE: x div 0 is ±Infinity or NaN, as XPath says */
    default:
        return fmod(x, y);
    }
}

static int is_answer(const lcm__node *n);
static lcm_status eval_simple(const lcm__node *n, const lcm_expr_env *env, int *out, lcm_err *err);
static lcm_status answer_text(const lcm__node *n, const lcm_expr_env *env, lcm_value *v,
                              lcm_err *err);

lcm_status lcm__eval_cond(const lcm__node *n, const lcm_expr_env *env, int *out, lcm_err *err) {
    if (n->simple)
        return eval_simple(n, env, out, err);
    lcm_value v = {0};
    lcm_status st = lcm__eval_node(n, env, &v, err);
    *out = st == LCM_OK && lcm_value_bool(&v);
    lcm_value_free(&v);
    return st;
}

static int is_arith(int op) {
    return op == TOK_PLUS || op == TOK_MINUS || op == TOK_STAR || op == OP_DIV || op == OP_MOD;
}

/* XPath number() of what n evaluates to, without building values where the rules allow:
 * arithmetic, if() and coalesce() of answers, comparisons (0 or 1). Everything else goes
 * through lcm__eval_node. */
static lcm_status eval_number(const lcm__node *n, const lcm_expr_env *env, double *x,
                              lcm_err *err) {
    lcm_value v = {0};
    lcm_status st;
    double a, b;
    int cond;
    switch (n->kind) {
    case N_NUM:
        *x = n->num;
        return LCM_OK;
    case N_STR:
        *x = lcm__string_number(n->str);
        return LCM_OK;
    case N_SELF:
    case N_VAR:
        st = answer_text(n, env, &v, err);
        *x = st == LCM_OK ? lcm_value_number(&v) : 0;
        lcm_value_free(&v);
        return st;
    case N_NEG:
        st = eval_number(n->args[0], env, &a, err);
        *x = -a;
        return st;
    case N_BIN:
        if (is_arith(n->op)) {
            if ((st = eval_number(n->args[0], env, &a, err)) == LCM_OK)
                st = eval_number(n->args[1], env, &b, err);
            *x = st == LCM_OK ? arith(n->op, a, b) : 0;
            return st;
        }
        st = lcm__eval_cond(n, env, &cond, err); /* a boolean: 1 or 0 */
        *x = cond;
        return st;
    case N_CALL:
        if (n->op == LCM__FN_IF) {
            if ((st = lcm__eval_cond(n->args[0], env, &cond, err)) != LCM_OK)
                return st;
            return eval_number(n->args[cond ? 1 : 2], env, x, err);
        }
        if (n->op == LCM__FN_COALESCE && is_answer(n->args[0])) {
            if ((st = answer_text(n->args[0], env, &v, err)) == LCM_OK && v.kind == LCM_VAL_STR) {
                int empty = v.str[0] == '\0'; /* coalesce's is_empty for text */
                if (!empty)
                    *x = lcm_value_number(&v);
                lcm_value_free(&v);
                return empty ? eval_number(n->args[1], env, x, err) : LCM_OK;
            }
            lcm_value_free(&v);
        }
        break;
    default:
        break;
    }
    st = lcm__eval_node(n, env, &v, err);
    *x = st == LCM_OK ? lcm_value_number(&v) : 0;
    lcm_value_free(&v);
    return st;
}

static lcm_status eval_logic(const lcm__node *n, const lcm_expr_env *env, lcm_value *out,
                             lcm_err *err) {
    int left, right;
    lcm_status st = lcm__eval_cond(n->args[0], env, &left, err);
    if (st != LCM_OK)
        return st;
    /* Short-circuit, as XPath does: the right side may not even make sense. */
    if ((n->op == OP_AND && !left) || (n->op == OP_OR && left)) {
        set_bool(out, left);
        return LCM_OK;
    }
    if ((st = lcm__eval_cond(n->args[1], env, &right, err)) != LCM_OK)
        return st;
    set_bool(out, right);
    return LCM_OK;
}

/* Kept out of lcm__eval_node (noinline) so that its frame stays small: most nodes it
 * sees are answers and literals, which need none of this one's locals. */
__attribute__((noinline)) static lcm_status eval_binary(const lcm__node *n, const lcm_expr_env *env,
                                                        lcm_value *out, lcm_err *err) {
    if (n->op == OP_AND || n->op == OP_OR)
        return eval_logic(n, env, out, err);
    if (n->op != TOK_EQ && n->op != TOK_NE) { /* always numbers: no values needed */
        double x, y;
        lcm_status st = eval_number(n->args[0], env, &x, err);
        if (st == LCM_OK)
            st = eval_number(n->args[1], env, &y, err);
        if (st != LCM_OK)
            return st;
        switch (n->op) {
        case TOK_LT:
            set_bool(out, x < y);
            break;
        case TOK_LE:
            set_bool(out, x <= y);
            break;
        case TOK_GT:
            set_bool(out, x > y);
            break;
        case TOK_GE:
            set_bool(out, x >= y);
            break;
        default:
            set_num(out, arith(n->op, x, y));
        }
        return LCM_OK;
    }
    if (n->simple) { /* an answer against a literal */
        int b;
        lcm_status st = eval_simple(n, env, &b, err);
        set_bool(out, b);
        return st;
    }
    lcm_value a = {0}, b = {0};
    lcm_status st = lcm__eval_node(n->args[0], env, &a, err);
    if (st == LCM_OK && (st = lcm__eval_node(n->args[1], env, &b, err)) == LCM_OK)
        set_bool(out, n->op == TOK_EQ ? equal(&a, &b) : !equal(&a, &b));
    lcm_value_free(&a);
    lcm_value_free(&b);
    return st;
}

lcm_status lcm__eval_node(const lcm__node *n, const lcm_expr_env *env, lcm_value *out,
                          lcm_err *err) {
    lcm_status st;
    set_num(out, 0);
    switch (n->kind) {
    case N_NUM:
        set_num(out, n->num);
        return LCM_OK;
    case N_STR:
        lcm_value_borrow(out, n->str); /* the tree outlives the evaluation */
        return LCM_OK;
    case N_SELF:
        lcm_value_borrow(out, env->self);
        return LCM_OK;
    case N_VAR:
        if (n->slot < 0 || !env->get)
            return lcm_err_set(err, LCM_INTERNAL, "column %d: '${%s}' was not resolved", n->col,
                               n->str);
        return env->get(env->ud, n->slot, -1, out, err);
    case N_CHILD: /* a field of the instance a predicate looks at */
        return env->get(env->ud, n->slot, env->pred_row ? env->pred_row - 1 : -1, out, err);
    case N_PATH: /* instance('…')/… and /data/… paths: data lcmon does not hold here */
    case N_STEP:
    case N_PRED:
        return lcm_value_set_str(out, "") == LCM_OK
                   ? LCM_OK
                   : lcm_err_set(err, LCM_NOMEM, "out of memory evaluating an expression");
    case N_COL:
        if (!env->column)
            return lcm_err_set(err, LCM_INTERNAL, "column %d: '%s' needs a choice", n->col, n->str);
        return env->column(env->ud, n->str, out, err);
    case N_NEG:
        if ((st = lcm__eval_node(n->args[0], env, out, err)) != LCM_OK)
            return st;
        double x = lcm_value_number(out);
        lcm_value_free(out);
        set_num(out, -x);
        return LCM_OK;
    case N_BIN:
        return eval_binary(n, env, out, err);
    case N_CALL:
        return lcm__fn_get(n->op)->impl(n, env, out, err);
    default:
        return lcm_err_set(err, LCM_INTERNAL, "column %d: cannot evaluate this", n->col);
    }
}

/* ---- the simple shapes: one answer against a literal ---- */

static int is_answer(const lcm__node *n) {
    return n->kind == N_SELF || (n->kind == N_VAR && n->slot >= 0 && n->multi != LCM_EXPR_REPEAT);
}

static int is_literal(const lcm__node *n) {
    return n->kind == N_NUM || n->kind == N_STR;
}

static int is_selected(const lcm__node *n) {
    return n->kind == N_CALL && n->nargs == 2 && strcmp(lcm__fn_get(n->op)->name, "selected") == 0;
}

int lcm__simple_shape(const lcm__node *n) {
    if (n->kind != N_BIN && n->kind != N_CALL)
        return 0;
    if (n->kind == N_BIN && (n->op == OP_AND || n->op == OP_OR))
        return lcm__simple_shape(n->args[0]) && lcm__simple_shape(n->args[1]) ? LCM__SIMPLE_LOGIC
                                                                              : 0;
    if (is_selected(n))
        return is_answer(n->args[0]) && n->args[1]->kind == N_STR ? LCM__SIMPLE_SELECTED : 0;
    if (n->kind != N_BIN || n->op < TOK_EQ || n->op > TOK_GE)
        return 0;
    if (is_answer(n->args[0]) && is_literal(n->args[1]))
        return LCM__SIMPLE_LEFT;
    return is_literal(n->args[0]) && is_answer(n->args[1]) ? LCM__SIMPLE_RIGHT : 0;
}

/* The text of an answer (v keeps it, lcm_value_free after). */
static lcm_status answer_text(const lcm__node *n, const lcm_expr_env *env, lcm_value *v,
                              lcm_err *err) {
    if (n->kind == N_SELF) {
        lcm_value_borrow(v, env->self);
        return LCM_OK;
    }
    if (!env->get)
        return lcm_err_set(err, LCM_INTERNAL, "column %d: '${%s}' was not resolved", n->col,
                           n->str);
    return env->get(env->ud, n->slot, -1, v, err);
}

/* The rules of equal() and eval_binary() for a string against a literal. */
static int compare(int op, const char *text, const lcm__node *lit, int answer_left) {
    if (op == TOK_EQ || op == TOK_NE) {
        int same =
            lit->kind == N_NUM ? lcm__string_number(text) == lit->num : strcmp(text, lit->str) == 0;
        return op == TOK_EQ ? same : !same;
    }
    double a = lcm__string_number(text);
    double b = lit->kind == N_NUM ? lit->num : lcm__string_number(lit->str);
    double x = answer_left ? a : b, y = answer_left ? b : a;
    switch (op) {
    case TOK_LT:
        return x < y;
    case TOK_LE:
        return x <= y;
    case TOK_GT:
        return x > y;
    default:
        return x >= y;
    }
}

static lcm_status eval_simple(const lcm__node *n, const lcm_expr_env *env, int *out, lcm_err *err) {
    if (n->simple == LCM__SIMPLE_LOGIC) {
        lcm_status st = eval_simple(n->args[0], env, out, err);
        if (st != LCM_OK || (n->op == OP_AND && !*out) || (n->op == OP_OR && *out))
            return st;
        return eval_simple(n->args[1], env, out, err);
    }
    int sel = n->simple == LCM__SIMPLE_SELECTED, left = n->simple != LCM__SIMPLE_RIGHT;
    const lcm__node *ans = left ? n->args[0] : n->args[1], *lit = left ? n->args[1] : n->args[0];
    lcm_value v = {0};
    lcm_status st = answer_text(ans, env, &v, err);
    if (st == LCM_OK && v.kind != LCM_VAL_STR) { /* an environment giving a number: as it is */
        lcm_value_free(&v);
        lcm_value r = {0};
        if ((st = lcm__eval_node(n, env, &r, err)) == LCM_OK)
            *out = lcm_value_bool(&r);
        lcm_value_free(&r);
        return st;
    }
    if (st == LCM_OK)
        *out = sel ? lcm__selected_word(v.str, lit->str) : compare(n->op, v.str, lit, left);
    lcm_value_free(&v);
    return st;
}

lcm_status lcm_expr_eval(const lcm_expr *e, const lcm_expr_env *env, lcm_value *out, lcm_err *err) {
    return lcm__eval_node(e->root, env, out, err);
}

lcm_status lcm_expr_eval_bool(const lcm_expr *e, const lcm_expr_env *env, int *out, lcm_err *err) {
    *out = 0;
    return lcm__eval_cond(e->root, env, out, err);
}

lcm_status lcm_expr_eval_string(const lcm_expr *e, const lcm_expr_env *env, char **out,
                                lcm_err *err) {
    lcm_value v = {0};
    *out = NULL;
    lcm_status st = lcm__eval_node(e->root, env, &v, err);
    if (st != LCM_OK)
        return st;
    if (v.kind == LCM_VAL_NUM && !isfinite(v.num))
        *out = strdup("");
    else
        *out = lcm_value_string(&v);
    lcm_value_free(&v);
    return *out ? LCM_OK : oom(err);
}

/* XLSForm authors write Java/JavaScript classes (\d, \D) that POSIX ERE lacks. */
static char *translate_pattern(const char *pattern) {
    lcm_strbuf sb = LCM_STRBUF_INIT;
    int in_bracket = 0;
    for (const char *p = pattern; *p; p++) {
        if (p[0] == '\\' && (p[1] == 'd' || p[1] == 'D')) {
            if (in_bracket)
                lcm_strbuf_adds(&sb, "0-9");
            else
                lcm_strbuf_adds(&sb, p[1] == 'd' ? "[0-9]" : "[^0-9]");
            p++;
            continue;
        }
        if (p[0] == '\\' && p[1]) {
            lcm_strbuf_add(&sb, p, 2);
            p++;
            continue;
        }
        if (*p == '[')
            in_bracket = 1;
        else if (*p == ']')
            in_bracket = 0;
        lcm_strbuf_addc(&sb, *p);
    }
    return lcm_strbuf_detach(&sb);
}

/* glibc's regcomp copies the tree of a repeated group once per repetition, so a short
 * hostile pattern like (((a{100}){100}){100}) or a+++++… can take gigabytes. Patterns in
 * forms are short and simple; refuse the shapes that blow up. */
static const char *pattern_problem(const char *p) {
    int depth = 0, in_bracket = 0;
    char prev = 0; /* last significant character outside brackets */
    if (strlen(p) > 256)
        return "longer than 256 bytes";
    for (; *p; p++) {
        if (in_bracket) {
            in_bracket = *p != ']';
            prev = in_bracket ? prev : 'x';
            continue;
        }
        int quant = *p == '*' || *p == '+' || *p == '?' || *p == '{';
        if (quant && prev && strchr("*+?}", prev))
            return "a repetition right after another one";
        if (*p == '{' && (prev == ')' || strtol(p + 1, NULL, 10) > 100 ||
                          (strchr(p, ',') && strchr(p, ',') < strchr(p, '}') &&
                           strtol(strchr(p, ',') + 1, NULL, 10) > 100)))
            return "a count {n,m} above 100 or after a group";
        if (*p == '(' && ++depth > 3)
            return "groups nested deeper than 3";
        depth -= *p == ')' && depth > 0;
        in_bracket = *p == '[';
        if (*p == '\\' && p[1])
            p++;
        prev = *p == '{' ? '}' : *p;
        if (*p == '{')
            p += strcspn(p, "}") - (p[strcspn(p, "}")] ? 0 : 1);
    }
    return NULL;
}

lcm_status lcm__regex_compile(const char *pattern, regex_t **out, lcm_err *err) {
    *out = NULL;
    const char *problem = pattern_problem(pattern);
    if (problem)
        return lcm_err_set(err, LCM_UNSUPPORTED, "regular expression '%.60s' has %s", pattern,
                           problem);
    char *ere = translate_pattern(pattern);
    regex_t *re = malloc(sizeof *re);
    if (!ere || !re) {
        free(ere);
        free(re);
        return oom(err);
    }
    int rc = regcomp(re, ere, REG_EXTENDED | REG_NOSUB);
    free(ere);
    if (rc != 0) {
        char why[200];
        regerror(rc, re, why, sizeof why);
        free(re);
        return lcm_err_set(err, LCM_PARSE, "bad regular expression '%s': %s", pattern, why);
    }
    *out = re;
    return LCM_OK;
}

int lcm__regex_digits(const char *p, int *dmin, int *dmax) {
    char *end;
    if (*p++ != '^')
        return 0;
    if (strncmp(p, "[0-9]", 5) == 0)
        p += 5;
    else if (strncmp(p, "\\d", 2) == 0)
        p += 2;
    else
        return 0;
    if (*p == '+' || *p == '*') {
        *dmin = *p++ == '+', *dmax = 1 << 30;
    } else if (*p == '{' && p[1] >= '0' && p[1] <= '9') {
        long lo = strtol(p + 1, &end, 10), hi = lo;
        if (*end == ',' && end[1] >= '0' && end[1] <= '9')
            hi = strtol(end + 1, &end, 10);
        if (*end != '}' || lo > hi || hi > 100)
            return 0;
        *dmin = (int)lo, *dmax = (int)hi, p = end + 1;
    } else
        return 0;
    return strcmp(p, "$") == 0;
}

void lcm__regex_free(regex_t *re) {
    if (!re)
        return;
    regfree(re);
    free(re);
}
