/*
 * expr_parse.c - recursive-descent parser of the expression language into a syntax tree,
 * and the walks over that tree (resolution of ${name}, references, freeing).
 *
 * Binary operators are parsed by one loop per precedence level, from the table `levels`;
 * nesting is bounded (LCM_EXPR_MAX_DEPTH) both while parsing and in the finished tree,
 * because the evaluator recurses and a form is outside input.
 */
#include "expr_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct parser {
    lcm__lexer lx;
    lcm__token tok;
    lcm_err *err;
    int depth;
    int filter; /* choice_filter: bare names are choices columns */
} parser;

static lcm_status advance(parser *p) {
    return lcm__lex_next(&p->lx, &p->tok, p->err);
}

static int column(const parser *p) {
    return lcm__expr_column(p->lx.src, p->tok.start);
}

static lcm_status fail(parser *p, const char *what) {
    if (p->tok.kind == TOK_END)
        return lcm_err_set(p->err, LCM_PARSE, "column %d: %s (the expression ends here)", column(p),
                           what);
    return lcm_err_set(p->err, LCM_PARSE, "column %d: %s", column(p), what);
}

static void node_free(lcm__node *n) {
    if (!n)
        return;
    for (int i = 0; i < n->nargs; i++)
        node_free(n->args[i]);
    free(n->args);
    free(n->str);
    lcm__regex_free(n->re);
    free(n);
}

static lcm__node *node_new(parser *p, lcm__node_kind kind, int nargs) {
    lcm__node *n = calloc(1, sizeof *n);
    if (n && nargs > 0 && !(n->args = calloc((size_t)nargs, sizeof *n->args))) {
        free(n);
        n = NULL;
    }
    if (!n) {
        lcm_err_set(p->err, LCM_NOMEM, "out of memory parsing an expression");
        return NULL;
    }
    n->kind = kind;
    n->col = column(p);
    n->slot = -1;
    n->nargs = nargs;
    return n;
}

static lcm_status parse_expr(parser *p, lcm__node **out);

/* Operators of each level, lowest precedence first; words are matched as names. */
static const struct {
    int op[4];
    const char *word[2];
} levels[] = {
    {{OP_OR}, {"or"}},
    {{OP_AND}, {"and"}},
    {{TOK_EQ, TOK_NE}, {NULL}},
    {{TOK_LT, TOK_LE, TOK_GT, TOK_GE}, {NULL}},
    {{TOK_PLUS, TOK_MINUS}, {NULL}},
    {{TOK_STAR, OP_DIV, OP_MOD}, {"div", "mod"}},
};
#define NLEVELS ((int)(sizeof levels / sizeof levels[0]))

static int word_is(const parser *p, const char *w) {
    return p->tok.kind == TOK_NAME && strlen(w) == p->tok.len &&
           strncmp(p->lx.src + p->tok.at, w, p->tok.len) == 0;
}

/* The operator of this level at the current token, or 0. */
static int match_op(const parser *p, int level) {
    for (int i = 0; i < 4 && levels[level].op[i]; i++) {
        int op = levels[level].op[i];
        if (op < OP_OR && p->tok.kind == (lcm__tok_kind)op)
            return op;
    }
    static const struct {
        const char *w;
        int op;
    } words[] = {{"or", OP_OR}, {"and", OP_AND}, {"div", OP_DIV}, {"mod", OP_MOD}};
    for (size_t i = 0; i < 4; i++)
        for (int j = 0; j < 2 && levels[level].word[j]; j++)
            if (strcmp(levels[level].word[j], words[i].w) == 0 && word_is(p, words[i].w))
                return words[i].op;
    return 0;
}

static int height(const lcm__node *n) {
    int h = 0;
    for (int i = 0; i < n->nargs; i++) {
        int c = height(n->args[i]);
        h = c > h ? c : h;
    }
    return h + 1;
}

static lcm_status parse_unary(parser *p, lcm__node **out);

static lcm_status parse_level(parser *p, int level, lcm__node **out) {
    if (level == NLEVELS)
        return parse_unary(p, out);
    lcm__node *left = NULL, *right = NULL;
    lcm_status st = parse_level(p, level + 1, &left);
    int op;
    while (st == LCM_OK && (op = match_op(p, level)) != 0) {
        lcm__node *bin = node_new(p, N_BIN, 2);
        if (!bin || (st = advance(p)) != LCM_OK || (st = parse_level(p, level + 1, &right))) {
            st = bin ? st : LCM_NOMEM;
            node_free(bin);
            break;
        }
        bin->op = op;
        bin->args[0] = left, bin->args[1] = right;
        left = bin, right = NULL;
        /* Left-leaning chains (1+1+1+…) grow the tree without deep parser recursion. */
        if (height(bin) > LCM_EXPR_MAX_DEPTH)
            st = fail(p, "expression nested too deeply");
    }
    if (st != LCM_OK) {
        node_free(left);
        return st;
    }
    *out = left;
    return LCM_OK;
}

static lcm_status parse_expr(parser *p, lcm__node **out) {
    if (++p->depth > LCM_EXPR_MAX_DEPTH)
        return fail(p, "expression nested too deeply");
    lcm_status st = parse_level(p, 0, out);
    p->depth--;
    return st;
}

static lcm_status parse_primary(parser *p, lcm__node **out);

static lcm_status parse_unary(parser *p, lcm__node **out) {
    if (p->tok.kind != TOK_MINUS)
        return parse_primary(p, out);
    if (++p->depth > LCM_EXPR_MAX_DEPTH)
        return fail(p, "expression nested too deeply");
    lcm__node *n = node_new(p, N_NEG, 1);
    lcm_status st = n ? advance(p) : LCM_NOMEM;
    if (st == LCM_OK)
        st = parse_unary(p, &n->args[0]);
    p->depth--;
    if (st != LCM_OK) {
        node_free(n);
        return st;
    }
    *out = n;
    return LCM_OK;
}

/* Move past the token that made n; on failure n is freed, so *out never dangles. */
static lcm_status settle(parser *p, lcm__node *n, lcm__node **out) {
    lcm_status st = advance(p);
    if (st != LCM_OK) {
        node_free(n);
        return st;
    }
    *out = n;
    return LCM_OK;
}

/* A node holding a copy of the current token's text (string literal or field name). */
static lcm_status text_node(parser *p, lcm__node_kind kind, lcm__node **out) {
    lcm__node *n = node_new(p, kind, 0);
    if (!n)
        return LCM_NOMEM;
    if (!(n->str = strndup(p->lx.src + p->tok.at, p->tok.len))) {
        node_free(n);
        return lcm_err_set(p->err, LCM_NOMEM, "out of memory parsing an expression");
    }
    return settle(p, n, out);
}

static lcm_status expect(parser *p, lcm__tok_kind kind, const char *what) {
    if (p->tok.kind != kind)
        return fail(p, what);
    return advance(p);
}

static lcm_status parse_call_args(parser *p, lcm__node *call) {
    lcm_status st = advance(p); /* the '(' */
    if (st != LCM_OK || p->tok.kind == TOK_RPAREN)
        return st == LCM_OK ? advance(p) : st;
    for (;;) {
        lcm__node *arg = NULL, **grown;
        if ((st = parse_expr(p, &arg)) != LCM_OK)
            return st;
        if (!(grown = realloc(call->args, (size_t)(call->nargs + 1) * sizeof *grown))) {
            node_free(arg);
            return lcm_err_set(p->err, LCM_NOMEM, "out of memory parsing an expression");
        }
        call->args = grown;
        call->args[call->nargs++] = arg;
        if (p->tok.kind != TOK_COMMA)
            return expect(p, TOK_RPAREN, "expected ',' or ')' in the argument list");
        if ((st = advance(p)) != LCM_OK)
            return st;
    }
}

/* Arity and argument shapes that the parser can check, so a form fails at load. */
static lcm_status check_call(parser *p, lcm__node *call, const char *name) {
    const lcm__fn *fn = lcm__fn_get(call->op);
    char what[160];
    if (call->nargs < fn->min_args || (fn->max_args >= 0 && call->nargs > fn->max_args)) {
        if (fn->min_args == fn->max_args)
            snprintf(what, sizeof what, "%s() takes %d argument%s, not %d", name, fn->min_args,
                     fn->min_args == 1 ? "" : "s", call->nargs);
        else
            snprintf(what, sizeof what, "%s() cannot take %d argument%s", name, call->nargs,
                     call->nargs == 1 ? "" : "s");
        return lcm_err_set(p->err, LCM_PARSE, "column %d: %s", call->col, what);
    }
    for (int i = 0; i < fn->nodeset; i++)
        if (call->args[i]->kind != N_VAR &&
            !(call->args[i]->kind == N_PATH && call->args[i]->args[0]->kind == N_VAR)) {
            snprintf(what, sizeof what, "argument %d of %s() must be a field reference ${name}",
                     i + 1, name);
            return lcm_err_set(p->err, LCM_PARSE, "column %d: %s", call->args[i]->col, what);
        }
    if (strcmp(name, "regex") == 0 && call->args[1]->kind == N_STR) {
        lcm_err why = {0};
        lcm_status st = lcm__regex_compile(call->args[1]->str, &call->re, &why);
        if (st != LCM_OK)
            return lcm_err_set(p->err, st, "column %d: %s", call->args[1]->col, why.msg);
        call->re_digits = lcm__regex_digits(call->args[1]->str, &call->re_dmin, &call->re_dmax);
    }
    return LCM_OK;
}

static lcm_status parse_call(parser *p, lcm__node **out) {
    char name[64];
    snprintf(name, sizeof name, "%.*s", (int)(p->tok.len < 63 ? p->tok.len : 63),
             p->lx.src + p->tok.at);
    int fn = lcm__fn_find(p->lx.src + p->tok.at, p->tok.len);
    if (fn < 0) {
        char what[128];
        snprintf(what, sizeof what, "unknown function '%s'", name);
        return fail(p, what);
    }
    lcm__node *call = node_new(p, N_CALL, 0);
    lcm_status st = call ? advance(p) : LCM_NOMEM;
    if (st == LCM_OK && p->tok.kind != TOK_LPAREN)
        st = fail(p, "expected '(' after the function name");
    if (st == LCM_OK && strcmp(name, "position") == 0) {
        /* position(..): the position of the current repeat instance; position() inside a
         * predicate: the instance the predicate looks at. */
        if ((st = advance(p)) == LCM_OK && p->tok.kind == TOK_DOTDOT)
            st = advance(p);
        if (st == LCM_OK)
            st = expect(p, TOK_RPAREN, "write position(..)");
        call->op = fn;
    } else if (st == LCM_OK) {
        call->op = fn;
        if ((st = parse_call_args(p, call)) == LCM_OK)
            st = check_call(p, call, name);
    }
    if (st != LCM_OK) {
        node_free(call);
        return st;
    }
    *out = call;
    return LCM_OK;
}

static lcm_status parse_name(parser *p, lcm__node **out) {
    static const char *const ops[] = {"and", "or", "div", "mod"};
    char what[160];
    for (size_t i = 0; i < 4; i++)
        if (word_is(p, ops[i])) {
            snprintf(what, sizeof what, "operator '%s' needs a value before it", ops[i]);
            return fail(p, what);
        }
    size_t save = p->lx.pos;
    lcm__token name = p->tok;
    lcm__token next;
    lcm_status st = lcm__lex_next(&p->lx, &next, p->err);
    p->lx.pos = save;
    if (st == LCM_OK && next.kind == TOK_LPAREN)
        return parse_call(p, out);
    if (p->filter)
        return text_node(p, N_COL, out);
    snprintf(what, sizeof what, "unknown name '%.*s': write ${%.*s} to use a field",
             (int)(name.len < 40 ? name.len : 40), p->lx.src + name.at,
             (int)(name.len < 40 ? name.len : 40), p->lx.src + name.at);
    return fail(p, what);
}

static lcm_status parse_primary1(parser *p, lcm__node **out);

/* Append child c to n (freeing c when out of memory). */
static lcm_status add_arg(parser *p, lcm__node *n, lcm__node *c) {
    lcm__node **grown = realloc(n->args, (size_t)(n->nargs + 1) * sizeof *grown);
    if (!grown) {
        node_free(c);
        return lcm_err_set(p->err, LCM_NOMEM, "out of memory parsing an expression");
    }
    n->args = grown;
    n->args[n->nargs++] = c;
    return LCM_OK;
}

/* A step after '/': a name, '.', '..' or '*'. */
static lcm_status parse_step(parser *p, lcm__node **out) {
    if (p->tok.kind == TOK_NAME || p->tok.kind == TOK_DOT || p->tok.kind == TOK_DOTDOT ||
        p->tok.kind == TOK_STAR) {
        lcm__node *n = node_new(p, N_STEP, 0);
        if (!n)
            return LCM_NOMEM;
        const char *t = p->tok.kind == TOK_DOT ? "." : p->tok.kind == TOK_STAR ? "*" : NULL;
        n->str = t ? strdup(t) : strndup(p->lx.src + p->tok.at, p->tok.len);
        if (!n->str) {
            node_free(n);
            return lcm_err_set(p->err, LCM_NOMEM, "out of memory parsing an expression");
        }
        return settle(p, n, out);
    }
    return fail(p, "expected a name after '/'");
}

/* A primary followed by path steps (/name) and predicates ([condition]); names inside a
 * predicate are the children of what it filters. */
static lcm_status parse_primary(parser *p, lcm__node **out) {
    lcm__node *base = NULL, *path = NULL;
    int absolute = p->tok.kind == TOK_SLASH;
    lcm_status st = parse_primary1(p, &base);
    if (st != LCM_OK)
        return st;
    if (base->kind == N_STEP && !absolute && p->tok.kind != TOK_SLASH) {
        node_free(base);
        return fail(p, "'..' is only understood before /name or inside position(..)");
    }
    while (st == LCM_OK && (absolute || p->tok.kind == TOK_SLASH || p->tok.kind == TOK_LBRACK)) {
        if (!path) {
            if (!(path = node_new(p, N_PATH, 0))) {
                node_free(base);
                return LCM_NOMEM;
            }
            if ((st = add_arg(p, path, base)) != LCM_OK)
                break;
        }
        lcm__node *c = NULL;
        if (absolute || p->tok.kind == TOK_SLASH) {
            absolute = 0;
            if ((st = advance(p)) == LCM_OK && (st = parse_step(p, &c)) == LCM_OK)
                st = add_arg(p, path, c);
            continue;
        }
        if (++p->depth > LCM_EXPR_MAX_DEPTH) {
            st = fail(p, "expression nested too deeply");
            break;
        }
        int filter = p->filter;
        p->filter = 1;
        if (!(c = node_new(p, N_PRED, 1)))
            st = LCM_NOMEM;
        else if ((st = advance(p)) == LCM_OK && (st = parse_expr(p, &c->args[0])) == LCM_OK)
            st = expect(p, TOK_RBRACK, "expected ']' closing the predicate");
        p->filter = filter;
        p->depth--;
        if (c && st != LCM_OK) {
            if (!c->args[0])
                c->nargs = 0;
            node_free(c);
        } else if (c)
            st = add_arg(p, path, c);
    }
    if (st != LCM_OK) {
        node_free(path ? path : base);
        return st;
    }
    *out = path ? path : base;
    return LCM_OK;
}

static lcm_status parse_primary1(parser *p, lcm__node **out) {
    lcm__node *n;
    lcm_status st;
    switch (p->tok.kind) {
    case TOK_NUM:
        if (!(n = node_new(p, N_NUM, 0)))
            return LCM_NOMEM;
        n->num = p->tok.num;
        return settle(p, n, out);
    case TOK_STR:
        return text_node(p, N_STR, out);
    case TOK_VAR:
        if (p->tok.num == 1) { /* ${last-saved#name}: last-saved(${name}) */
            lcm__node *call = node_new(p, N_CALL, 1);
            if (!call)
                return LCM_NOMEM;
            call->op = lcm__fn_find("last-saved", 10);
            if ((st = text_node(p, N_VAR, &call->args[0])) != LCM_OK) {
                call->nargs = 0;
                node_free(call);
                return st;
            }
            *out = call;
            return LCM_OK;
        }
        return text_node(p, N_VAR, out);
    case TOK_SLASH:
    case TOK_DOTDOT: /* an absolute path /data/q, or ../q */
        if (!(n = node_new(p, N_STEP, 0)))
            return LCM_NOMEM;
        if (!(n->str = strdup(p->tok.kind == TOK_SLASH ? "/" : ".."))) {
            node_free(n);
            return lcm_err_set(p->err, LCM_NOMEM, "out of memory parsing an expression");
        }
        if (p->tok.kind == TOK_SLASH) { /* the name after '/' is the first step */
            *out = n;
            return LCM_OK;
        }
        return settle(p, n, out);
    case TOK_DOT:
        if (!(n = node_new(p, N_SELF, 0)))
            return LCM_NOMEM;
        return settle(p, n, out);
    case TOK_NAME:
        return parse_name(p, out);
    case TOK_LPAREN:
        if ((st = advance(p)) != LCM_OK || (st = parse_expr(p, &n)) != LCM_OK)
            return st;
        if ((st = expect(p, TOK_RPAREN, "expected ')'")) != LCM_OK) {
            node_free(n);
            return st;
        }
        *out = n;
        return LCM_OK;
    default:
        return fail(p, "expected a value, a field reference ${name} or a function call");
    }
}

static lcm_status parse(const char *src, int filter, lcm_expr **out, lcm_err *err) {
    *out = NULL;
    if (strlen(src) > LCM_EXPR_MAX_LEN)
        return lcm_err_set(err, LCM_PARSE, "column 1: expression longer than %d bytes",
                           LCM_EXPR_MAX_LEN);
    parser p = {{src, 0}, {0}, err, 0, filter};
    lcm_expr *e = calloc(1, sizeof *e);
    if (!e || !(e->src = strdup(src))) {
        free(e);
        return lcm_err_set(err, LCM_NOMEM, "out of memory parsing an expression");
    }
    p.lx.src = e->src;
    lcm_status st = advance(&p);
    if (st == LCM_OK && p.tok.kind == TOK_END)
        st = fail(&p, "empty expression");
    if (st == LCM_OK)
        st = parse_expr(&p, &e->root);
    if (st == LCM_OK && p.tok.kind != TOK_END)
        st = fail(&p, "unexpected text after the end of the expression");
    if (st != LCM_OK) {
        lcm_expr_free(e);
        return st;
    }
    *out = e;
    return LCM_OK;
}

lcm_status lcm_expr_parse(const char *src, lcm_expr **out, lcm_err *err) {
    return parse(src, 0, out, err);
}

lcm_status lcm_expr_parse_filter(const char *src, lcm_expr **out, lcm_err *err) {
    return parse(src, 1, out, err);
}

void lcm_expr_free(lcm_expr *e) {
    if (!e)
        return;
    node_free(e->root);
    free(e->src);
    free(e);
}

const char *lcm_expr_source(const lcm_expr *e) {
    return e->src;
}

/* The type a ${name} must have as argument `arg` of call (NULL: outside calls). */
static lcm_status check_var_type(const lcm__node *n, const lcm__node *call, int arg, lcm_err *err) {
    const char *fn = call ? lcm__fn_get(call->op)->name : "";
    int count = strcmp(fn, "count") == 0, sum = strcmp(fn, "sum") == 0;
    int indexed = strcmp(fn, "indexed-repeat") == 0;
    if (n->multi == LCM_EXPR_REPEAT && !((count && arg == 0) || (indexed && arg % 2 == 1)))
        return lcm_err_set(err, LCM_PARSE,
                           "column %d: '${%s}' is a repeat, not a value: count(${%s}) counts its "
                           "rows, indexed-repeat() reads a field of one row",
                           n->col, n->str, n->str);
    if (n->multi == LCM_EXPR_ONE && ((count || sum) && arg == 0))
        return lcm_err_set(err, LCM_PARSE,
                           "column %d: %s() needs a repeat or a field inside one, and '${%s}' "
                           "has one value",
                           n->col, fn, n->str);
    if (indexed && arg == 0 && n->multi != LCM_EXPR_IN_REPEAT)
        return lcm_err_set(err, LCM_PARSE,
                           "column %d: the first argument of indexed-repeat() must be a field "
                           "inside a repeat, and '${%s}' is not",
                           n->col, n->str);
    if (indexed && arg == 1 && n->multi != LCM_EXPR_REPEAT)
        return lcm_err_set(err, LCM_PARSE,
                           "column %d: the second argument of indexed-repeat() must be a repeat, "
                           "and '${%s}' is not",
                           n->col, n->str);
    if (indexed && arg > 1 && arg % 2 == 1 && n->multi != LCM_EXPR_REPEAT)
        return lcm_err_set(err, LCM_PARSE,
                           "column %d: argument %d of indexed-repeat() must be a repeat (inside "
                           "the one before), and '${%s}' is not",
                           n->col, arg + 1, n->str);
    if (indexed && arg == 0 && call->nargs % 2 == 0)
        return lcm_err_set(err, LCM_PARSE,
                           "column %d: indexed-repeat() takes a field, then pairs of a repeat and "
                           "a row number (3, 5 or 7 arguments), not %d",
                           n->col, call->nargs);
    return LCM_OK;
}

static lcm_status resolve(lcm__node *n, const lcm__node *call, int arg, lcm_expr_resolve_fn fn,
                          void *ud, lcm_err *err);

/* Names in a predicate on ${repeat}[…] are fields of that repeat: N_COL becomes N_CHILD. */
static lcm_status resolve_children(lcm__node *n, lcm_expr_resolve_fn fn, void *ud, lcm_err *err) {
    if (n->kind == N_COL) {
        int multi = LCM_EXPR_ONE;
        n->slot = fn(ud, n->str, &multi);
        if (n->slot < 0)
            return lcm_err_set(err, LCM_PARSE, "column %d: no field named '%s'", n->col, n->str);
        n->kind = N_CHILD;
        return LCM_OK;
    }
    if (n->kind == N_PATH)
        return LCM_OK;
    for (int i = 0; i < n->nargs; i++) {
        lcm_status st = resolve_children(n->args[i], fn, ud, err);
        if (st != LCM_OK)
            return st;
    }
    return LCM_OK;
}

static lcm_status resolve_path(lcm__node *n, lcm_expr_resolve_fn fn, void *ud, lcm_err *err) {
    lcm__node *base = n->args[0];
    lcm_status st = LCM_OK;
    if (base->kind == N_VAR) {
        base->multi = LCM_EXPR_ONE;
        if ((base->slot = fn(ud, base->str, &base->multi)) < 0)
            return lcm_err_set(err, LCM_PARSE, "column %d: no field named '%s'", base->col,
                               base->str);
    } else
        st = resolve(base, NULL, 0, fn, ud, err);
    int on_repeat = base->kind == N_VAR && base->multi == LCM_EXPR_REPEAT;
    for (int i = 1; i < n->nargs && st == LCM_OK; i++)
        if (n->args[i]->kind == N_PRED)
            st = on_repeat ? resolve_children(n->args[i]->args[0], fn, ud, err)
                           : LCM_OK; /* instance('list')/root/item[name = …]: its columns */
    /* ${…} inside the predicates are fields of the form as anywhere. */
    for (int i = 1; i < n->nargs && st == LCM_OK; i++)
        if (n->args[i]->kind == N_PRED)
            st = resolve(n->args[i]->args[0], NULL, 0, fn, ud, err);
    return st;
}

static lcm_status resolve(lcm__node *n, const lcm__node *call, int arg, lcm_expr_resolve_fn fn,
                          void *ud, lcm_err *err) {
    if (n->kind == N_PATH)
        return resolve_path(n, fn, ud, err);
    if (n->kind == N_CALL && strcmp(lcm__fn_get(n->op)->name, "jr:choice-name") == 0 &&
        n->args[1]->kind == N_STR) { /* jr:choice-name(x, '${q}'): q is a select */
        const char *s = n->args[1]->str, *end = strchr(s, '}');
        char name[128];
        int multi = LCM_EXPR_ONE;
        if (strncmp(s, "${", 2) == 0 && end && end - s - 2 < (long)sizeof name) {
            snprintf(name, sizeof name, "%.*s", (int)(end - s - 2), s + 2);
            n->args[1]->slot = fn(ud, name, &multi);
        }
        if (n->args[1]->slot < 0)
            return lcm_err_set(err, LCM_PARSE,
                               "column %d: the second argument of jr:choice-name() must be "
                               "'${name}' of a select",
                               n->args[1]->col);
    }
    if (n->kind == N_VAR) {
        n->multi = LCM_EXPR_ONE;
        n->slot = fn(ud, n->str, &n->multi);
        if (n->slot < 0)
            return lcm_err_set(err, LCM_PARSE, "column %d: no field named '%s'", n->col, n->str);
        lcm_status st = check_var_type(n, call, arg, err);
        if (st != LCM_OK)
            return st;
    }
    for (int i = 0; i < n->nargs; i++) {
        lcm_status st = resolve(n->args[i], n->kind == N_CALL ? n : NULL, i, fn, ud, err);
        if (st != LCM_OK)
            return st;
    }
    return LCM_OK;
}

static void mark_simple(lcm__node *n) {
    n->simple = lcm__simple_shape(n);
    for (int i = 0; i < n->nargs; i++)
        mark_simple(n->args[i]);
}

lcm_status lcm_expr_resolve(lcm_expr *e, lcm_expr_resolve_fn fn, void *ud, lcm_err *err) {
    lcm_status st = resolve(e->root, NULL, 0, fn, ud, err);
    if (st == LCM_OK)
        mark_simple(e->root);
    e->simple = st == LCM_OK && e->root->simple;
    return st;
}

/* A literal node's text: the string, or the number as XPath prints it. */
static int literal_text(const lcm__node *n, char *buf, size_t size) {
    if (n->kind == N_STR)
        return snprintf(buf, size, "%s", n->str), 1;
    if (n->kind != N_NUM)
        return 0;
    lcm_value v = {LCM_VAL_NUM, n->num, NULL, 0};
    char *s = lcm_value_string(&v);
    if (s)
        snprintf(buf, size, "%s", s);
    free(s);
    return s != NULL;
}

static void literals(const lcm__node *n, lcm_expr_literal_fn fn, void *ud) {
    char text[256];
    int eq = n->kind == N_BIN && (n->op == TOK_EQ || n->op == TOK_NE);
    int sel = n->kind == N_CALL && strcmp(lcm__fn_get(n->op)->name, "selected") == 0;
    for (int side = 0; (eq || sel) && side < 2; side++) {
        const lcm__node *var = n->args[sel ? 0 : side], *lit = n->args[sel ? 1 : 1 - side];
        if (var->kind == N_VAR && var->slot >= 0 && literal_text(lit, text, sizeof text))
            fn(ud, var->slot, text, lit->col);
        if (sel)
            break;
    }
    for (int i = 0; i < n->nargs; i++)
        literals(n->args[i], fn, ud);
}

void lcm_expr_literals(const lcm_expr *e, lcm_expr_literal_fn fn, void *ud) {
    literals(e->root, fn, ud);
}

static void refs(const lcm__node *n, void (*fn)(void *ud, int slot), void *ud) {
    if (n->kind == N_CALL && n->op == lcm__fn_find("last-saved", 10))
        return; /* ${last-saved#x} reads the last saved instance, not this one's x */
    if ((n->kind == N_VAR || n->kind == N_CHILD) && n->slot >= 0)
        fn(ud, n->slot);
    for (int i = 0; i < n->nargs; i++)
        refs(n->args[i], fn, ud);
}

void lcm_expr_refs(const lcm_expr *e, void (*fn)(void *ud, int slot), void *ud) {
    refs(e->root, fn, ud);
}

static int uses_self(const lcm__node *n) {
    if (n->kind == N_SELF)
        return 1;
    for (int i = 0; i < n->nargs; i++)
        if (uses_self(n->args[i]))
            return 1;
    return 0;
}

int lcm_expr_uses_self(const lcm_expr *e) {
    return uses_self(e->root);
}

static lcm_status columns(const lcm__node *n, lcm_status (*fn)(void *ud, const char *name),
                          void *ud) {
    lcm_status st = n->kind == N_COL ? fn(ud, n->str) : LCM_OK;
    for (int i = 0; i < n->nargs && st == LCM_OK && n->kind != N_PRED; i++)
        st = columns(n->args[i], fn, ud);
    return st;
}

lcm_status lcm_expr_columns(const lcm_expr *e, lcm_status (*fn)(void *ud, const char *name),
                            void *ud) {
    return columns(e->root, fn, ud);
}
