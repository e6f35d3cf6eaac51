/*
 * form_instance.c - one instance of a form in memory (a household's answers: main fields
 * and roster rows) and the expression environment over it.
 *
 * Answers outside repeats live in `main`, one slot per field; each repeat keeps its rows,
 * each row a full array indexed by field so a field has one index everywhere. Standard
 * columns (instance_id, wave, …) live in `meta`.
 */
#include "form_inst.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static lcm_status oom(lcm_err *err) {
    return lcm_err_set(err, LCM_NOMEM, "out of memory holding an instance");
}

/* A random (version 4) UUID from SQLite's generator, which seeds itself from the OS. */
static void new_uuid(char out[37]) {
    static const char hex[] = "0123456789abcdef";
    unsigned char b[16];
    sqlite3_randomness(sizeof b, b);
    b[6] = (unsigned char)((b[6] & 0x0F) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);
    for (int i = 0, o = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[b[i] >> 4], out[o++] = hex[b[i] & 15];
    }
    out[36] = '\0';
}

static char *pool_strdup(lcm_instance *in, const char *s);

/* The standard columns of a new instance: a random id, a draft made by lcmon. */
static lcm_status fresh_meta(lcm_instance *in, lcm_err *err) {
    char uuid[37];
    memset(in->meta, 0, sizeof in->meta); /* copies in the pool */
    new_uuid(uuid); /* well formed: set without lcm_instance_set_meta's checks */
    if (!(in->meta[LCM__STD_ID] = pool_strdup(in, uuid)) ||
        !(in->meta[LCM__STD_STATUS] = pool_strdup(in, "draft")) ||
        !(in->meta[LCM__STD_SOURCE] = pool_strdup(in, "lcmon")))
        return oom(err);
    in->ctx_repeat = -1;
    in->ctx_row = 0;
    in->today = NULL;
    in->keep_hidden = 0;
    in->checked = 0;
    return LCM_OK;
}

lcm_status lcm_instance_new(const lcm_form *f, lcm_instance **out, lcm_err *err) {
    *out = NULL;
    if (lcm_form_missing_file(f)) /* its choices are unknown: no answer could be checked */
        return lcm_err_set(err, LCM_NOTFOUND, "%s: answers need it (read the form with the file)",
                           lcm_form_missing_file(f));
    lcm_instance *in = calloc(1, sizeof *in);
    if (!in)
        return oom(err);
    in->f = f;
    in->main = calloc(2 * f->nfields, sizeof *in->main);
    in->rep = calloc(f->nfields, sizeof *in->rep);
    in->rel = calloc(f->nfields + 1, 1);
    if (!in->main || !in->rep || !in->rel || fresh_meta(in, err) != LCM_OK) {
        lcm_instance_free(in);
        return oom(err);
    }
    *out = in;
    return LCM_OK;
}

#define POOL_BLOCK 4000

/* A copy of s in in's pool, NULL when out of memory. */
static char *pool_strdup(lcm_instance *in, const char *s) {
    size_t n = strlen(s) + 1;
    lcm__pool *b = in->pool;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > POOL_BLOCK ? n : POOL_BLOCK;
        if (!(b = malloc(sizeof *b + cap)))
            return NULL;
        b->next = in->pool, b->used = 0, b->cap = cap;
        in->pool = b;
    }
    char *p = b->data + b->used;
    memcpy(p, s, n);
    b->used += n;
    return p;
}

/* Free the pool's blocks; keep: all but one, emptied, for the next instance. */
static void pool_release(lcm_instance *in, int keep) {
    lcm__pool *b = in->pool, *last = NULL;
    while (b) {
        lcm__pool *next = b->next;
        if (keep && !last && b->cap == POOL_BLOCK)
            last = b;
        else
            free(b);
        b = next;
    }
    in->pool = last;
    if (last)
        last->next = NULL, last->used = 0;
}

/* Empty row i of repeat: its answers (and put-aside ones) are the fields between the
 * repeat's begin and end. */
static void empty_row(lcm_instance *in, int repeat, long i) {
    const lcm_form *f = in->f;
    char **row = in->rep[repeat].row[i];
    for (int k = repeat + 1; k < f->fields[repeat].end && (size_t)k < f->nfields; k++)
        row[k] = row[f->nfields + (size_t)k] = NULL; /* copies in the pool */
    memset(in->rep[repeat].rel[i], 0, f->nfields + 1);
}

/* 1 when a repeat holds another repeat (its rows have rows of their own). */
static int holds_repeat(const lcm_form *f, int repeat) {
    for (int k = repeat + 1; k < f->fields[repeat].end && (size_t)k < f->nfields; k++)
        if (f->fields[k].type == LCM_FT_BEGIN_REPEAT)
            return 1;
    return 0;
}

/* Remove row k (1-based) of repeat, with the rows of the repeats inside it; later rows move
 * up one, and the rows of the repeats directly inside follow their parents' numbers. */
static void remove_row(lcm_instance *in, int repeat, long k) {
    const lcm_form *f = in->f;
    lcm__rows *r = &in->rep[repeat];
    for (int c = repeat + 1; c < f->fields[repeat].end && (size_t)c < f->nfields; c++) {
        if (f->fields[c].type != LCM_FT_BEGIN_REPEAT || f->fields[c].repeat != repeat)
            continue;
        lcm__rows *cr = &in->rep[c];
        for (long j = cr->n; j >= 1; j--)
            if (cr->parent[j - 1] == k)
                remove_row(in, c, j);
        for (long j = 0; j < cr->n; j++)
            if (cr->parent[j] > k)
                cr->parent[j]--;
    }
    empty_row(in, repeat, k - 1);
    if (k < r->n) { /* the emptied row's memory goes to the end, for add_row to take again */
        char **row = r->row[k - 1];
        unsigned char *rel = r->rel[k - 1];
        memmove(&r->row[k - 1], &r->row[k], (size_t)(r->n - k) * sizeof *r->row);
        memmove(&r->rel[k - 1], &r->rel[k], (size_t)(r->n - k) * sizeof *r->rel);
        memmove(&r->parent[k - 1], &r->parent[k], (size_t)(r->n - k) * sizeof *r->parent);
        r->row[r->n - 1] = row, r->rel[r->n - 1] = rel;
    }
    r->n--;
}

void lcm__instance_truncate_rows(lcm_instance *in, int repeat, long n) {
    lcm__rows *r = &in->rep[repeat];
    if (n < 0)
        n = 0;
    if (n < r->n && holds_repeat(in->f, repeat)) {
        while (r->n > n)
            remove_row(in, repeat, r->n);
        return;
    }
    for (long i = n; i < r->n; i++)
        empty_row(in, repeat, i);
    if (n < r->n)
        r->n = n; /* the rows stay allocated; add_row takes them again */
}

/* Drop every row of a repeat (a repeat that is not relevant keeps none). */
void lcm__instance_clear_rows(lcm_instance *in, int repeat) {
    lcm__instance_truncate_rows(in, repeat, 0);
}

void lcm__instance_clear_child_rows(lcm_instance *in, int repeat, long parent) {
    lcm__rows *r = &in->rep[repeat];
    if (in->f->fields[repeat].repeat < 0) {
        lcm__instance_clear_rows(in, repeat);
        return;
    }
    for (long j = r->n; j >= 1; j--)
        if (r->parent[j - 1] == parent)
            remove_row(in, repeat, j);
}

long lcm__instance_child_rows(const lcm_instance *in, int repeat, long parent) {
    const lcm__rows *r = &in->rep[repeat];
    long n = 0;
    if (in->f->fields[repeat].repeat < 0)
        return r->n;
    for (long j = 0; j < r->n; j++)
        n += r->parent[j] == parent;
    return n;
}

int lcm__repeat_within(const lcm_form *f, int inner, int outer) {
    for (int k = inner; k >= 0; k = f->fields[k].repeat)
        if (k == outer)
            return 1;
    return 0;
}

long lcm__instance_row_up(const lcm_instance *in, int from, long row, int to) {
    if (to < 0 || from < 0)
        return 0;
    while (from != to && from >= 0) {
        const lcm__rows *r = &in->rep[from];
        if (row < 1 || row > r->n)
            return 0;
        row = r->parent[row - 1];
        from = in->f->fields[from].repeat;
    }
    return from == to ? row : 0;
}

long lcm_instance_row_parent(const lcm_instance *in, int repeat, long row) {
    if (repeat < 0 || (size_t)repeat >= in->f->nfields || in->f->fields[repeat].repeat < 0)
        return 0;
    return lcm__instance_row_up(in, repeat, row, in->f->fields[repeat].repeat);
}

int lcm_form_nested_repeat(const lcm_form *f) {
    for (size_t i = 0; i < f->nfields; i++)
        if (f->fields[i].type == LCM_FT_BEGIN_REPEAT && f->fields[i].repeat >= 0)
            return (int)i;
    return -1;
}

lcm_status lcm_form_askable(const lcm_form *f, lcm_err *err) {
    int k = lcm_form_nested_repeat(f);
    if (k < 0)
        return LCM_OK;
    return lcm_err_set(err, LCM_UNSUPPORTED,
                       "form '%s' %s has repeat '%s' inside repeat '%s': lcmon's interviews do not "
                       "ask such forms yet; collect it with ODK or Kobo and import the answers "
                       "(docs/forms.md)",
                       f->form_id, f->version, f->fields[k].name,
                       f->fields[f->fields[k].repeat].name);
}

void lcm_instance_answers_checked(lcm_instance *in) {
    in->checked = 1;
}

lcm_status lcm_instance_reset(lcm_instance *in, lcm_err *err) {
    size_t n = in->f->nfields;
    memset(in->main, 0, 2 * n * sizeof *in->main);
    for (size_t t = 1; t < in->f->nplans; t++) /* the repeats (form_plan.c) */
        lcm__instance_clear_rows(in, in->f->plans[t].repeat);
    pool_release(in, 1);
    memset(in->rel, 0, n + 1);
    return fresh_meta(in, err);
}

void lcm__instance_drop_hidden(lcm_instance *in) {
    size_t n = in->f->nfields;
    memset(in->main + n, 0, n * sizeof *in->main); /* the copies stay in the pool */
    for (size_t r = 0; r < n; r++)
        for (long k = 0; k < in->rep[r].n; k++)
            memset(in->rep[r].row[k] + n, 0, n * sizeof *in->rep[r].row[k]);
}

void lcm_instance_free(lcm_instance *in) {
    if (!in)
        return;
    for (size_t i = 0; in->rep && i < in->f->nfields; i++) {
        lcm__rows *r = &in->rep[i];
        for (long k = 0; k < r->cap; k++) { /* their answers are in the pool */
            free(r->row[k]);
            free(r->rel[k]);
        }
        free(r->row);
        free(r->rel);
        free(r->parent);
    }
    pool_release(in, 0);
    lcm__memo_free(in->memo);
    free(in->main);
    free(in->rep);
    free(in->rel);
    free(in);
}

/* Checks for standard columns set by hand; fields are checked by their own types. */
/* Checks for standard column i set by hand; fields are checked by their own types. */
static lcm_status check_meta(int i, const char *value, lcm_err *err) {
    char *end = NULL;
    const char *column = lcm__std_cols[i].name;
    switch (i) {
    case LCM__STD_WAVE: {
        long y = strtol(value, &end, 10);
        if (*end || y < 2000 || y > 2100)
            return lcm_err_set(err, LCM_CONSTRAINT, "wave '%s' is not a year 2000-2100", value);
        break;
    }
    case LCM__STD_DESIGN_WEIGHT:
    case LCM__STD_FINAL_WEIGHT: {
        double w = strtod(value, &end);
        if (*end || !(w > 0) || w > 1e12)
            return lcm_err_set(err, LCM_CONSTRAINT, "%s '%s' is not a positive number", column,
                               value);
        break;
    }
    case LCM__STD_STATUS:
        if (strcmp(value, "draft") != 0 && strcmp(value, "complete") != 0)
            return lcm_err_set(err, LCM_CONSTRAINT, "status '%s' is neither draft nor complete",
                               value);
        break;
    case LCM__STD_ID:
        if (strlen(value) != 36 || strspn(value, "0123456789abcdefABCDEF-") != 36 ||
            value[8] != '-' || value[13] != '-' || value[18] != '-' || value[23] != '-')
            return lcm_err_set(err, LCM_CONSTRAINT, "instance_id '%s' is not a UUID", value);
        break;
    default:
        break;
    }
    return LCM_OK;
}

lcm_status lcm_instance_set_meta(lcm_instance *in, const char *column, const char *value,
                                 lcm_err *err) {
    int i = lcm__std_col_find(column);
    if (i < 0)
        return lcm_err_set(err, LCM_INVAL, "'%s' is not a standard column", column);
    char *copy = NULL;
    if (value && *value) {
        lcm_status st = check_meta(i, value, err);
        if (st != LCM_OK)
            return st;
        if (!(copy = pool_strdup(in, value))) /* freed with the instance's answers */
            return oom(err);
    }
    in->meta[i] = copy;
    return LCM_OK;
}

lcm_status lcm__instance_set_foreign_id(lcm_instance *in, const char *id, lcm_err *err) {
    size_t n = strlen(id);
    if (n == 0 || n > LCM__FOREIGN_ID_MAX)
        return lcm_err_set(err, LCM_CONSTRAINT, "instance_id '%s' is not 1 to %d characters", id,
                           LCM__FOREIGN_ID_MAX);
    for (const unsigned char *p = (const unsigned char *)id; *p; p++)
        if (*p <= ' ' || *p == 0x7f)
            return lcm_err_set(err, LCM_CONSTRAINT,
                               "instance_id '%s' holds a space or a control character", id);
    char *copy = pool_strdup(in, id);
    if (!copy)
        return oom(err);
    in->meta[LCM__STD_ID] = copy;
    return LCM_OK;
}

const char *lcm_instance_meta(const lcm_instance *in, const char *column) {
    int i = lcm__std_col_find(column);
    return i < 0 ? NULL : in->meta[i];
}

lcm_status lcm_instance_add_row(lcm_instance *in, int repeat, long *position, lcm_err *err) {
    int outer = repeat >= 0 && (size_t)repeat < in->f->nfields ? in->f->fields[repeat].repeat : -1;
    return lcm_instance_add_row_in(in, repeat, outer >= 0 ? in->rep[outer].n : 0, position, err);
}

lcm_status lcm_instance_add_row_in(lcm_instance *in, int repeat, long parent, long *position,
                                   lcm_err *err) {
    if (repeat < 0 || (size_t)repeat >= in->f->nfields ||
        in->f->fields[repeat].type != LCM_FT_BEGIN_REPEAT)
        return lcm_err_set(err, LCM_INVAL, "field %d is not a repeat", repeat);
    int outer = in->f->fields[repeat].repeat;
    if (outer >= 0 && (parent < 1 || parent > in->rep[outer].n))
        return lcm_err_set(err, LCM_INVAL, "repeat '%s' has no row %ld to hold a row of '%s'",
                           in->f->fields[outer].name, parent, in->f->fields[repeat].name);
    if (outer < 0)
        parent = 0;
    lcm__rows *r = &in->rep[repeat];
    if (r->n >= LCM_FORM_MAX_ROWS)
        return lcm_err_set(err, LCM_CONSTRAINT, "repeat '%s' cannot have more than %d rows",
                           in->f->fields[repeat].name, LCM_FORM_MAX_ROWS);
    if (r->n == r->cap) {
        char ***rows = realloc(r->row, (size_t)(r->cap + 1) * sizeof *rows);
        if (!rows)
            return oom(err);
        r->row = rows;
        unsigned char **rel = realloc(r->rel, (size_t)(r->cap + 1) * sizeof *rel);
        if (!rel)
            return oom(err);
        r->rel = rel;
        long *par = realloc(r->parent, (size_t)(r->cap + 1) * sizeof *par);
        if (!par)
            return oom(err);
        r->parent = par;
        r->row[r->cap] = calloc(2 * in->f->nfields, sizeof **rows);
        r->rel[r->cap] = calloc(in->f->nfields + 1, 1);
        if (!r->row[r->cap] || !r->rel[r->cap]) {
            free(r->row[r->cap]);
            free(r->rel[r->cap]);
            return oom(err);
        }
        r->cap++;
    }
    r->parent[r->n] = parent;
    *position = ++r->n;
    return LCM_OK;
}

unsigned char *lcm__instance_rel(const lcm_instance *in, int field, long row) {
    const lcm_field *fd = &in->f->fields[field];
    if (fd->repeat < 0)
        return &in->rel[field];
    const lcm__rows *r = &in->rep[fd->repeat];
    return row >= 1 && row <= r->n ? &r->rel[row - 1][field] : NULL;
}

long lcm_instance_rows(const lcm_instance *in, int repeat) {
    return repeat >= 0 && (size_t)repeat < in->f->nfields ? in->rep[repeat].n : 0;
}

/* Where field's answer in row lives; NULL when that row does not exist. */
char **lcm__instance_cell(const lcm_instance *in, int field, long row) {
    const lcm_field *fd = &in->f->fields[field];
    if (fd->repeat < 0)
        return &in->main[field];
    const lcm__rows *r = &in->rep[fd->repeat];
    return row >= 1 && row <= r->n ? &r->row[row - 1][field] : NULL;
}

lcm_status lcm_instance_set(lcm_instance *in, int field, long row, const char *text, lcm_err *err) {
    if (field < 0 || (size_t)field >= in->f->nfields)
        return lcm_err_set(err, LCM_INVAL, "no field number %d", field);
    char **cell = lcm__instance_cell(in, field, row);
    if (!cell)
        return lcm_err_set(err, LCM_INVAL, "field '%s': repeat '%s' has no row %ld",
                           in->f->fields[field].name,
                           in->f->fields[in->f->fields[field].repeat].name, row);
    char *copy = NULL;
    if (text && *text && !(copy = pool_strdup(in, text)))
        return oom(err);
    *cell = copy; /* the old copy stays in the pool until reset */
    return LCM_OK;
}

const char *lcm_instance_get(const lcm_instance *in, int field, long row) {
    if (field < 0 || (size_t)field >= in->f->nfields)
        return "";
    char **cell = lcm__instance_cell(in, field, row);
    return cell && *cell ? *cell : "";
}

/* The repeat whose current row decides which rows of repeat rep an expression sees: the
 * innermost repeat around the expression's own that also encloses rep, or -1 (all rows). */
static int scope_of(const lcm_instance *in, int rep) {
    const lcm_form *f = in->f;
    for (int a = in->ctx_repeat; a >= 0; a = f->fields[a].repeat)
        if (a != rep && lcm__repeat_within(f, rep, a))
            return a;
    return -1;
}

/* Row number of the index-th row (from 0) of repeat rep the expression sees: at the top
 * all rows; inside a repeat that encloses rep, those under its current row (ODK's relative
 * paths: count(${jobs}) in a member counts that member's jobs). 0 when there is none. */
static long nth_row(const lcm_instance *in, int rep, long index) {
    const lcm__rows *r = &in->rep[rep];
    int a = in->f->fields[rep].repeat < 0 ? -1 : scope_of(in, rep);
    if (a < 0)
        return index >= 0 && index < r->n ? index + 1 : 0;
    long at = lcm__instance_row_up(in, in->ctx_repeat, in->ctx_row, a);
    for (long j = 1; j <= r->n; j++)
        if (lcm__instance_row_up(in, rep, j, a) == at && index-- == 0)
            return j;
    return 0;
}

static long rows_seen(const lcm_instance *in, int rep) {
    const lcm__rows *r = &in->rep[rep];
    int a = in->f->fields[rep].repeat < 0 ? -1 : scope_of(in, rep);
    if (a < 0)
        return r->n;
    long at = lcm__instance_row_up(in, in->ctx_repeat, in->ctx_row, a), n = 0;
    for (long j = 1; j <= r->n; j++)
        n += lcm__instance_row_up(in, rep, j, a) == at;
    return n;
}

static lcm_status env_get(void *ud, int slot, long index, lcm_value *out, lcm_err *err) {
    lcm_instance *in = ud;
    const lcm_field *fd = &in->f->fields[slot];
    long row = 0;
    if (fd->repeat >= 0) {
        if (index < 0 && in->ctx_repeat >= 0 &&
            lcm__repeat_within(in->f, in->ctx_repeat, fd->repeat)) /* its own row, or above */
            row = lcm__instance_row_up(in, in->ctx_repeat, in->ctx_row, fd->repeat);
        else
            row = nth_row(in, fd->repeat, index < 0 ? 0 : index);
    }
    (void)err;
    /* The answer itself: cells do not change while an expression is evaluated. */
    lcm_value_borrow(out, fd->type == LCM_FT_BEGIN_REPEAT ? "" : lcm_instance_get(in, slot, row));
    return LCM_OK;
}

static lcm_status env_get_path(void *ud, int slot, const int *reps, const long *rows, int n,
                               lcm_value *out, lcm_err *err) {
    lcm_instance *in = ud;
    const lcm_form *f = in->f;
    long at = 0; /* the row found so far, of repeat reps[k - 1] */
    (void)err;
    for (int k = 0; k < n && (k == 0 || at); k++) {
        const lcm__rows *r = &in->rep[reps[k]];
        long want = rows[k];
        if (k == 0) {
            at = want >= 1 ? nth_row(in, reps[0], want - 1) : 0;
            continue;
        }
        long found = 0;
        for (long j = 1; j <= r->n && !found && want >= 1; j++)
            if (lcm__instance_row_up(in, reps[k], j, reps[k - 1]) == at && --want == 0)
                found = j;
        at = found;
    }
    const lcm_field *fd = &f->fields[slot];
    long row = 0;
    if (at && fd->repeat == reps[n - 1])
        row = at;
    else if (at && fd->repeat >= 0) /* a field deeper still: the first row under it */
        for (long j = 1; j <= in->rep[fd->repeat].n && !row; j++)
            if (lcm__instance_row_up(in, fd->repeat, j, reps[n - 1]) == at)
                row = j;
    lcm_value_borrow(out, row ? lcm_instance_get(in, slot, row) : "");
    return LCM_OK;
}

static long env_count(void *ud, int slot) {
    lcm_instance *in = ud;
    const lcm_field *fd = &in->f->fields[slot];
    if (fd->type == LCM_FT_BEGIN_REPEAT)
        return rows_seen(in, slot);
    return fd->repeat >= 0 ? rows_seen(in, fd->repeat) : 1;
}

/* jr:choice-name: the label of choice value of select slot, in the form's default language. */
static lcm_status env_choice_label(void *ud, int slot, const char *value, lcm_value *out,
                                   lcm_err *err) {
    lcm_instance *in = ud;
    const lcm_choice_list *l = in->f->fields[slot].list;
    int k = l ? lcm_form_choice(l, value) : -1;
    const char *label =
        k >= 0 ? lcm_form_text(in->f, l->items[k].label, lcm_form_lang_index(in->f, NULL)) : NULL;
    if (label && *label) {
        lcm_value_borrow(out, label); /* the form's text outlives the evaluation */
        return LCM_OK;
    }
    return lcm_value_set_str(out, value) == LCM_OK
               ? LCM_OK
               : lcm_err_set(err, LCM_NOMEM, "out of memory evaluating an expression");
}

lcm_expr_env lcm_instance_env(lcm_instance *in, int field, long row, const char *self) {
    const lcm_field *fd = &in->f->fields[field];
    in->ctx_repeat = fd->repeat;
    in->ctx_row = fd->repeat >= 0 ? row : 0;
    lcm_expr_env env = {0};
    env.ud = in;
    env.get = env_get;
    env.count = env_count;
    env.get_path = env_get_path;
    env.self = self ? self : lcm_instance_get(in, field, row);
    env.position = in->ctx_row;
    if (fd->repeat >= 0 && in->f->fields[fd->repeat].repeat >= 0 && row >= 1 &&
        row <= in->rep[fd->repeat].n) { /* position(..) within its parent row */
        const lcm__rows *r = &in->rep[fd->repeat];
        env.position = 0;
        for (long j = 1; j <= row && j <= r->n; j++)
            env.position += r->parent[j - 1] == r->parent[row - 1];
    }
    env.today = in->today;
    env.choice_label = env_choice_label;
    return env;
}

lcm_status lcm_instance_default(lcm_instance *in, int field, long row, char **out, lcm_err *err) {
    const lcm_field *fd = &in->f->fields[field];
    *out = NULL;
    if (fd->default_expr) {
        lcm_expr_env env = lcm_instance_env(in, field, row, NULL);
        return lcm_expr_eval_string(fd->default_expr, &env, out, err);
    }
    if (fd->default_value && !(*out = strdup(fd->default_value)))
        return lcm_err_set(err, LCM_NOMEM, "out of memory evaluating a default");
    return LCM_OK;
}

static lcm_status env_column(void *ud, const char *name, lcm_value *out, lcm_err *err) {
    lcm_instance *in = ud;
    const lcm_choice *c = in->ctx_choice;
    const char *v = "";
    if (c && strcmp(name, "name") == 0)
        v = c->name;
    else if (c && strcmp(name, "label") == 0)
        v = lcm_form_text(in->f, c->label, lcm_form_lang_index(in->f, NULL));
    for (size_t i = 0; c && i < in->ctx_list->nextra; i++)
        if (strcmp(in->ctx_list->extra_names[i], name) == 0)
            v = c->extra[i];
    (void)err;
    lcm_value_borrow(out, v); /* the form's text outlives the evaluation */
    return LCM_OK;
}

lcm_status lcm_instance_required(lcm_instance *in, int field, long row, int *out, lcm_err *err) {
    const lcm_field *fd = &in->f->fields[field];
    *out = fd->required;
    if (fd->required || !fd->required_if)
        return LCM_OK;
    lcm_expr_env env = lcm_instance_env(in, field, row, NULL);
    return lcm_expr_eval_bool(fd->required_if, &env, out, err);
}

lcm_status lcm_instance_choice_visible(lcm_instance *in, int field, long row, const lcm_choice *c,
                                       int *out, lcm_err *err) {
    const lcm_field *fd = &in->f->fields[field];
    *out = 1;
    if (!fd->choice_filter)
        return LCM_OK;
    lcm_expr_env env = lcm_instance_env(in, field, row, NULL);
    env.column = env_column;
    in->ctx_choice = c;
    in->ctx_list = fd->list;
    lcm_status st = lcm_expr_eval_bool(fd->choice_filter, &env, out, err);
    in->ctx_choice = NULL;
    return st;
}
