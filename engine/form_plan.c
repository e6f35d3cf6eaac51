/*
 * form_plan.c - what every instance of a form needs and the form alone decides, worked out
 * once when the form is read rather than once per instance: the INSERT of each response
 * table with the answer (or choice) bound to each of its columns, the standard column a
 * field fills, which constraints read only the answer itself, and whether one pass in
 * document order brings an instance up to date (form_finish.c).
 *
 * An import writes a million instances; building each one's SQL text and looking each
 * column up by name made that the slowest part of it (bench/RESULTS.md).
 */
#include "form_int.h"
#include "strbuf.h"

#include <stdlib.h>
#include <string.h>

/* The fields stored in table t (its begin repeat, or -1 for the main table), walked in the
 * order of the table's columns (form_store.c); fn sees each column once: choice -1 is the
 * answer, choice k the 0/1 column of choice k of a select_multiple. */
static void table_columns(const lcm_form *f, const char *table,
                          void (*fn)(void *ud, const lcm_field *fd, int field, int choice),
                          void *ud) {
    for (size_t i = 0; i < f->nfields; i++) {
        const lcm_field *fd = &f->fields[i];
        if (!lcm__field_in_table(fd, table))
            continue;
        fn(ud, fd, (int)i, -1);
        for (size_t k = 0; fd->type == LCM_FT_SELECT_MULTIPLE && k < fd->list->n; k++)
            if (lcm_field_choice_column(fd, k))
                fn(ud, fd, (int)i, (int)k);
    }
}

typedef struct plan_ctx {
    lcm__table_plan *p;
    lcm_strbuf *sql, *set;
} plan_ctx;

static void add_column(void *ud, const lcm_field *fd, int field, int choice) {
    plan_ctx *c = ud;
    if (!c->p->cols) { /* counting */
        c->p->ncols++;
        return;
    }
    if (choice < 0) {
        lcm_strbuf_addf(c->sql, ", \"%s\"", fd->column);
        lcm_strbuf_addf(c->set, ", \"%s\" = excluded.\"%s\"", fd->column, fd->column);
    } else {
        char *mc = lcm__multi_column(fd, &fd->list->items[choice]);
        if (mc) {
            lcm_strbuf_addf(c->sql, ", \"%s\"", mc);
            lcm_strbuf_addf(c->set, ", \"%s\" = excluded.\"%s\"", mc, mc);
        } else
            c->sql->oom = 1;
        free(mc);
    }
    c->p->cols[c->p->ncols].field = field;
    c->p->cols[c->p->ncols].choice = choice;
    c->p->ncols++;
}

/* The INSERT of table (repeat -1: the main table, whose standard columns come first). */
static lcm_status plan_table(const lcm_form *f, int repeat, lcm__table_plan *p) {
    const char *table = repeat < 0 ? f->table : f->fields[repeat].table;
    lcm_strbuf sql = LCM_STRBUF_INIT, set = LCM_STRBUF_INIT;
    plan_ctx c = {p, &sql, &set};
    p->repeat = repeat;
    p->ncols = 0;
    table_columns(f, table, add_column, &c); /* count */
    if (!(p->cols = calloc(p->ncols + 1, sizeof *p->cols)))
        return LCM_NOMEM;
    p->ncols = 0;
    lcm_strbuf_addf(&sql, "INSERT INTO \"%s\" (", table);
    if (repeat < 0)
        for (size_t i = 0; i < lcm__n_std_cols; i++) {
            lcm_strbuf_addf(&sql, "%s%s", i ? ", " : "", lcm__std_cols[i].name);
            if (strcmp(lcm__std_cols[i].name, "instance_id") != 0)
                lcm_strbuf_addf(&set, ", %s = excluded.%s", lcm__std_cols[i].name,
                                lcm__std_cols[i].name);
        }
    else
        lcm_strbuf_adds(&sql, f->fields[repeat].repeat >= 0
                                  ? "instance_id, position, parent_position"
                                  : "instance_id, position");
    table_columns(f, table, add_column, &c);
    p->nfixed = repeat < 0 ? (int)lcm__n_std_cols : f->fields[repeat].repeat >= 0 ? 3 : 2;
    if (p->nfixed == 3) /* a repeat inside a repeat: a row saved again may move */
        lcm_strbuf_adds(&set, ", parent_position = excluded.parent_position");
    lcm_strbuf_adds(&sql, ") VALUES (");
    for (size_t i = 0; i < (size_t)p->nfixed + p->ncols; i++)
        lcm_strbuf_adds(&sql, i ? ", ?" : "?");
    lcm_strbuf_adds(&sql, ")");
    if (!lcm_strbuf_ok(&sql) || !lcm_strbuf_ok(&set)) {
        lcm_strbuf_release(&sql);
        lcm_strbuf_release(&set);
        return LCM_NOMEM;
    }
    p->sql = lcm_strbuf_detach(&sql);
    lcm_strbuf_addf(&sql, "DELETE FROM \"%s\" WHERE instance_id = ?1", table);
    p->delete_sql = lcm_strbuf_ok(&sql) ? lcm_strbuf_detach(&sql) : NULL;
    /* the upsert: every column but the key set from the row given ("SET , a = …": the
     * first ", " dropped); a complete main row is not written over */
    lcm_strbuf_addf(&sql, "%s ON CONFLICT (%s) DO UPDATE SET %s%s", p->sql,
                    repeat < 0 ? "instance_id" : "instance_id, position",
                    set.len > 2 ? set.buf + 2 : "position = excluded.position",
                    repeat < 0 ? " WHERE status <> 'complete'" : "");
    p->upsert_sql = lcm_strbuf_ok(&sql) ? lcm_strbuf_detach(&sql) : NULL;
    lcm_strbuf_addf(&sql, "DELETE FROM \"%s\" WHERE instance_id = ?1 AND position > ?2", table);
    p->trim_sql = lcm_strbuf_ok(&sql) ? lcm_strbuf_detach(&sql) : NULL;
    /* the SELECT of form_fetch.c: standard columns (main) or position, then the answers */
    lcm_strbuf_adds(&sql, "SELECT ");
    for (size_t i = 0; repeat < 0 && i < lcm__n_std_cols; i++)
        lcm_strbuf_addf(&sql, "%s%s", i ? ", " : "", lcm__std_cols[i].name);
    if (repeat >= 0)
        lcm_strbuf_adds(&sql, p->nfixed == 3 ? "position, parent_position" : "position");
    for (size_t i = 0; i < f->nfields; i++)
        if (lcm__field_in_table(&f->fields[i], table))
            lcm_strbuf_addf(&sql, ", \"%s\"", f->fields[i].column);
    lcm_strbuf_addf(&sql, " FROM \"%s\" WHERE instance_id = ?1%s", table,
                    repeat < 0 ? "" : " ORDER BY position");
    p->select_sql = lcm_strbuf_ok(&sql) ? lcm_strbuf_detach(&sql) : NULL;
    lcm_strbuf_release(&sql);
    lcm_strbuf_release(&set);
    return p->sql && p->delete_sql && p->upsert_sql && p->trim_sql && p->select_sql ? LCM_OK
                                                                                    : LCM_NOMEM;
}

typedef struct order_ctx {
    int owner, ok;
} order_ctx;

static void before_owner(void *ud, int slot) {
    order_ctx *c = ud;
    c->ok &= slot < c->owner;
}

/* An expression of field i that one pass in document order evaluates with final values:
 * it names only fields before i and not '.' (a calculation reading its own value). */
static int reads_before(const lcm_expr *e, int i) {
    order_ctx c = {i, 1};
    if (!e)
        return 1;
    lcm_expr_refs(e, before_owner, &c);
    return c.ok && !lcm_expr_uses_self(e);
}

/* The same, '.' allowed: a constraint reads the answer it checks, final by then. */
static int refs_before(const lcm_expr *e, int i) {
    order_ctx c = {i, 1};
    if (e)
        lcm_expr_refs(e, before_owner, &c);
    return c.ok;
}

static void count_ref(void *ud, int slot) {
    (void)slot;
    ++*(int *)ud;
}

lcm_status lcm__form_plan(lcm_form *f, lcm_err *err) {
    size_t n = f->nfields, nrep = 0;
    for (size_t i = 0; i < n; i++)
        nrep += f->fields[i].type == LCM_FT_BEGIN_REPEAT;
    f->std = malloc(n + 1);
    f->self_only = calloc(n + 1, 1);
    f->plans = calloc(nrep + 1, sizeof *f->plans);
    if (!f->std || !f->self_only || !f->plans)
        return lcm_err_set(err, LCM_NOMEM, "out of memory reading a form");
    lcm_status st = plan_table(f, -1, &f->plans[0]);
    f->nplans = 1;
    for (size_t i = 0; i < n && st == LCM_OK; i++)
        if (f->fields[i].type == LCM_FT_BEGIN_REPEAT)
            st = plan_table(f, (int)i, &f->plans[f->nplans++]);
    if (st != LCM_OK)
        return lcm_err_set(err, LCM_NOMEM, "out of memory reading a form");
    f->one_pass = f->fused = 1;
    for (size_t i = 0; i < n; i++) {
        const lcm_field *fd = &f->fields[i];
        int refs = 0;
        f->std[i] =
            (signed char)(fd->column && fd->repeat < 0 ? lcm__std_col_find(fd->column) : -1);
        if (fd->constraint)
            lcm_expr_refs(fd->constraint, count_ref, &refs);
        f->self_only[i] = fd->constraint && !refs;
        f->one_pass &= reads_before(fd->relevant, (int)i) && reads_before(fd->calculation, (int)i);
        f->fused &= refs_before(fd->constraint, (int)i) && refs_before(fd->repeat_count, (int)i);
    }
    f->fused &= f->one_pass;
    return LCM_OK;
}

void lcm__form_plan_free(lcm_form *f) {
    for (size_t i = 0; f->plans && i < f->nplans; i++) {
        free(f->plans[i].sql);
        free(f->plans[i].delete_sql);
        free(f->plans[i].upsert_sql);
        free(f->plans[i].trim_sql);
        free(f->plans[i].select_sql);
        free(f->plans[i].cols);
    }
    free(f->plans);
    free(f->std);
    free(f->self_only);
}
