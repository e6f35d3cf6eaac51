/*
 * form_memo.c - remembered results of relevance and calculation expressions (issue 19).
 *
 * An import evaluates the same ~40 expressions for every household, and most of them see
 * the same few inputs again and again (`${use_cc} = 1` sees '', 0 or 1). An expression whose
 * result depends only on the answers it names (pure functions only: no '.', today(), now(),
 * random(), position(), no repeat it does not stand in) is a function of those answers; its
 * result is kept per field in a small table keyed by the answers themselves (their exact
 * text), and found there again instead of evaluating. A miss, or an expression that is not
 * such a function, is evaluated as before; an error is never remembered. The tables live with
 * the instance and survive lcm_instance_reset: an importer reuses one instance for every row.
 */
#include "form_inst.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MEMO_SLOTS 128 /* per expression: a power of 2 */
#define MEMO_REFS 12   /* more answers named: not remembered */
#define MEMO_KEY 256   /* longer answers together: not remembered */

typedef struct memo_entry {
    char *key; /* the answers, each followed by '\0' (answers hold no NUL); NULL = empty */
    size_t len;
    int truth;    /* relevance */
    char *result; /* calculation, malloc'd */
} memo_entry;

typedef struct memo_expr {
    int state; /* 0 not looked at, 1 remembered, -1 evaluated each time */
    int nref;
    int refs[MEMO_REFS];
    memo_entry *slot; /* MEMO_SLOTS of them, allocated at the first use */
} memo_expr;

struct lcm__memo {
    size_t n;        /* fields */
    memo_expr *rel;  /* per field: its relevant */
    memo_expr *calc; /* per field: its calculation */
};

/* Functions whose result depends on their arguments alone. */
static const char *const pure[] = {
    "and",           "or",        "not",
    "div",           "mod",       "if",
    "coalesce",      "selected",  "count-selected",
    "concat",        "regex",     "substr",
    "string-length", "string",    "number",
    "int",           "round",     "contains",
    "starts-with",   "ends-with", "boolean",
    "true",          "false",     "abs",
    "min",           "max",       "pow",
};

static int is_pure(const char *name, size_t n) {
    for (size_t i = 0; i < sizeof pure / sizeof *pure; i++)
        if (strlen(pure[i]) == n && memcmp(pure[i], name, n) == 0)
            return 1;
    return 0;
}

static int ident_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == ':' || c == '.';
}

/* 1 when every function the source calls is pure (strings and ${names} skipped). */
static int calls_pure_only(const char *s) {
    while (*s) {
        if (*s == '\'' || *s == '"') {
            const char *end = strchr(s + 1, *s);
            if (!end)
                return 0;
            s = end + 1;
        } else if (*s == '$' && s[1] == '{') {
            const char *end = strchr(s, '}');
            if (!end)
                return 0;
            s = end + 1;
        } else if (ident_char(*s) && !(*s >= '0' && *s <= '9') && *s != '.' && *s != '-') {
            const char *b = s;
            while (ident_char(*s))
                s++;
            const char *p = s;
            while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
                p++;
            if (*p == '(' && !is_pure(b, (size_t)(s - b)))
                return 0;
        } else
            s++;
    }
    return 1;
}

int lcm__memo_pure(const lcm_expr *e) {
    return calls_pure_only(lcm_expr_source(e));
}

typedef struct ref_ctx {
    memo_expr *m;
    const lcm_form *f;
    int repeat; /* the owner's */
    int ok;
} ref_ctx;

static void add_ref(void *ud, int slot) {
    ref_ctx *c = ud;
    const lcm_field *fd = &c->f->fields[slot];
    if (fd->type == LCM_FT_BEGIN_REPEAT || (fd->repeat >= 0 && fd->repeat != c->repeat))
        c->ok = 0; /* a repeat counted, or read from outside its rows */
    for (int k = 0; k < c->m->nref; k++)
        if (c->m->refs[k] == slot)
            return;
    if (c->m->nref == MEMO_REFS)
        c->ok = 0;
    else
        c->m->refs[c->m->nref++] = slot;
}

static void look_at(memo_expr *m, const lcm_form *f, int field, const lcm_expr *e) {
    ref_ctx c = {m, f, f->fields[field].repeat, 1};
    m->nref = 0;
    lcm_expr_refs(e, add_ref, &c);
    m->state = c.ok && !lcm_expr_uses_self(e) && calls_pure_only(lcm_expr_source(e)) ? 1 : -1;
}

static lcm__memo *memo_of(lcm_instance *in) {
    if (in->memo)
        return in->memo;
    lcm__memo *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->n = in->f->nfields;
    m->rel = calloc(m->n + 1, sizeof *m->rel);
    m->calc = calloc(m->n + 1, sizeof *m->calc);
    if (!m->rel || !m->calc) {
        free(m->rel);
        free(m->calc);
        free(m);
        return NULL;
    }
    return in->memo = m;
}

static void free_exprs(memo_expr *e, size_t n) {
    for (size_t i = 0; e && i < n; i++) {
        for (size_t k = 0; e[i].slot && k < MEMO_SLOTS; k++) {
            free(e[i].slot[k].key);
            free(e[i].slot[k].result);
        }
        free(e[i].slot);
    }
    free(e);
}

lcm__memo *lcm__instance_memo_take(lcm_instance *in) {
    lcm__memo *m = in->memo;
    in->memo = NULL;
    return m;
}

void lcm__instance_memo_give(lcm_instance *in, lcm__memo *m) {
    if (m == in->memo)
        return;
    lcm__memo_free(in->memo);
    in->memo = m && m->n == in->f->nfields ? m : NULL;
    if (m && !in->memo)
        lcm__memo_free(m);
}

void lcm__memo_free(lcm__memo *m) {
    if (!m)
        return;
    free_exprs(m->rel, m->n);
    free_exprs(m->calc, m->n);
    free(m);
}

/* The entry for field's expression e in row with the current answers; *key and *len the
 * answers' text. NULL: not remembered (evaluate). */
static memo_entry *find(lcm_instance *in, memo_expr *m, int field, const lcm_expr *e, long row,
                        char *key, size_t *len) {
    if (m->state == 0)
        look_at(m, in->f, field, e);
    if (m->state < 0)
        return NULL;
    if (!m->slot && !(m->slot = calloc(MEMO_SLOTS, sizeof *m->slot))) {
        m->state = -1;
        return NULL;
    }
    size_t n = 0;
    uint32_t h = 2166136261u; /* FNV-1a */
    for (int k = 0; k < m->nref; k++) {
        const char *v =
            lcm_instance_get(in, m->refs[k], in->f->fields[m->refs[k]].repeat >= 0 ? row : 0);
        size_t l = strlen(v) + 1;
        if (n + l > MEMO_KEY)
            return NULL;
        memcpy(key + n, v, l);
        for (size_t i = 0; i < l; i++)
            h = (h ^ (unsigned char)v[i]) * 16777619u;
        n += l;
    }
    *len = n;
    return &m->slot[h & (MEMO_SLOTS - 1)];
}

static int hit(const memo_entry *s, const char *key, size_t len) {
    return s->key && s->len == len && memcmp(s->key, key, len) == 0;
}

/* Keep key in s (its old content dropped); 0 when out of memory (nothing kept). */
static int keep(memo_entry *s, const char *key, size_t len) {
    free(s->key);
    free(s->result);
    s->result = NULL;
    if (!(s->key = malloc(len ? len : 1)))
        return 0;
    memcpy(s->key, key, len);
    s->len = len;
    return 1;
}

lcm_status lcm__memo_bool(lcm_instance *in, int field, long row, const lcm_expr *e,
                          const lcm_expr_env *env, int *out, lcm_err *err) {
    lcm__memo *m = memo_of(in);
    char key[MEMO_KEY];
    size_t len = 0;
    memo_entry *s = m ? find(in, &m->rel[field], field, e, row, key, &len) : NULL;
    if (s && hit(s, key, len)) {
        *out = s->truth;
        return LCM_OK;
    }
    lcm_status st = lcm_expr_eval_bool(e, env, out, err);
    if (st == LCM_OK && s && keep(s, key, len))
        s->truth = *out;
    return st;
}

lcm_status lcm__memo_string(lcm_instance *in, int field, long row, const lcm_expr *e,
                            const lcm_expr_env *env, const char **out, char **owned, lcm_err *err) {
    lcm__memo *m = memo_of(in);
    char key[MEMO_KEY];
    size_t len = 0;
    memo_entry *s = m ? find(in, &m->calc[field], field, e, row, key, &len) : NULL;
    *owned = NULL;
    if (s && hit(s, key, len)) {
        *out = s->result;
        return LCM_OK;
    }
    char *value = NULL;
    lcm_status st = lcm_expr_eval_string(e, env, &value, err);
    if (st != LCM_OK)
        return st;
    if (s && keep(s, key, len)) {
        s->result = value;
        *out = value;
    } else
        *out = *owned = value;
    return LCM_OK;
}
