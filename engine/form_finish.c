/*
 * form_finish.c - bringing an instance to a consistent state: relevance (a question whose
 * relevant is false, or whose group's is, keeps no value), calculations, and the checks
 * of a complete instance (required answers, constraints, repeat_count), docs/methods.md §6.
 *
 * In an interview (keep_hidden) an answer whose question stops being relevant is put
 * aside rather than dropped, so going back and changing one's mind loses nothing; the
 * evaluation never sees it, and a completed instance keeps none.
 *
 * Calculations run in document order and again until nothing changes, because XLSForm
 * lets a calculation name a field further down; the form loader has refused cycles, so
 * this settles within as many passes as the longest chain of calculations.
 */
#include "form_inst.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

lcm_status lcm_instance_relevant(lcm_instance *in, int field, long row, int *out, lcm_err *err) {
    const lcm_form *f = in->f;
    int from = f->fields[field].repeat; /* row is a row of this repeat */
    *out = 1;
    for (int i = field; i >= 0 && *out; i = f->fields[i].parent) {
        const lcm_field *fd = &f->fields[i];
        if (!fd->relevant)
            continue;
        lcm_expr_env env =
            lcm_instance_env(in, i, lcm__instance_row_up(in, from, row, fd->repeat), NULL);
        lcm_status st = lcm_expr_eval_bool(fd->relevant, &env, out, err);
        if (st != LCM_OK)
            return st;
    }
    return LCM_OK;
}

/* Name of a place in the instance for messages: "'age' (row 2 of 'members')". */
static void where(const lcm_instance *in, int field, long row, char *buf, size_t size) {
    const lcm_field *fd = &in->f->fields[field];
    if (fd->repeat >= 0)
        snprintf(buf, size, "'%s' (row %ld of '%s')", fd->name, row,
                 in->f->fields[fd->repeat].name);
    else
        snprintf(buf, size, "'%s'", fd->name);
}

/* A question that is not relevant keeps no value: its answer is dropped, or with
 * keep_hidden put aside, and given back when the question is relevant again. */
static lcm_status hide_or_restore(lcm_instance *in, int i, char **cell, int relevant,
                                  int *changed) {
    char **aside = cell + in->f->nfields; /* the put-aside answer (form_inst.h) */
    if (!relevant && *cell) {             /* copies live in the instance's pool (form_inst.h) */
        if (in->keep_hidden && !in->f->fields[i].calculation)
            *aside = *cell;
        *cell = NULL;
        *changed = 1;
    } else if (relevant && !*cell && *aside) {
        *cell = *aside;
        *aside = NULL;
        *changed = 1;
    }
    return LCM_OK;
}

/* Relevance of field i in row during an update pass. A one_pass form (form_plan.c) reads
 * its parent's from what this pass found already: every expression there names only
 * fields before its own, so that was found with final values. Other forms walk the
 * groups up each time, as lcm_instance_relevant does. */
static lcm_status relevant_in_pass(lcm_instance *in, int i, long row, int *out, lcm_err *err) {
    const lcm_form *f = in->f;
    const lcm_field *fd = &f->fields[i];
    if (!f->one_pass)
        return lcm_instance_relevant(in, i, row, out, err);
    *out = 1;
    if (fd->parent >= 0) {
        const unsigned char *p = lcm__instance_rel(
            in, fd->parent,
            lcm__instance_row_up(in, fd->repeat, row, f->fields[fd->parent].repeat));
        *out = p ? *p : 1;
    }
    if (!*out || !fd->relevant)
        return LCM_OK;
    lcm_expr_env env = lcm_instance_env(in, i, fd->repeat >= 0 ? row : 0, NULL);
    return lcm__memo_bool(in, i, fd->repeat >= 0 ? row : 0, fd->relevant, &env, out, err);
}

/* Where field i's answer in row (an existing row) and its relevance are kept: what
 * lcm__instance_cell and lcm__instance_rel give, worked out once per cell of a pass. */
typedef struct cell_at {
    char **cell;
    unsigned char *rel;
} cell_at;

static cell_at locate(const lcm_instance *in, int i, long row) {
    int r = in->f->fields[i].repeat;
    cell_at c;
    c.cell = r < 0 ? &in->main[i] : &in->rep[r].row[row - 1][i];
    c.rel = r < 0 ? &in->rel[i] : &in->rep[r].rel[row - 1][i];
    return c;
}

/* Bring one answer up to date; *changed is set when it moved. Its relevance is kept for
 * the checks of lcm_instance_finish. */
static lcm_status update_cell(lcm_instance *in, int i, long row, cell_at at, int *changed,
                              lcm_err *err) {
    const lcm_field *fd = &in->f->fields[i];
    int relevant;
    const char *value = NULL;
    char *owned = NULL;
    lcm_status st = relevant_in_pass(in, i, row, &relevant, err);
    if (st != LCM_OK)
        return st;
    *at.rel = (unsigned char)relevant;
    if (fd->type == LCM_FT_BEGIN_GROUP)
        return LCM_OK;
    if (!relevant || !fd->calculation) {
        st = hide_or_restore(in, i, at.cell, relevant, changed);
        /* A calculate without a calculation holds its (dynamic) default, given once when
         * it is still empty, as pyxform's setvalue on first load; an imported value stays. */
        if (st == LCM_OK && relevant && fd->type == LCM_FT_CALCULATE && !*at.cell &&
            (fd->default_expr || fd->default_value)) {
            char *d = NULL;
            if ((st = lcm_instance_default(in, i, row, &d, err)) == LCM_OK && d && *d) {
                *changed = 1;
                st = lcm_instance_set(in, i, row, d, err);
            }
            free(d);
        }
        return st;
    }
    lcm_expr_env env = lcm_instance_env(in, i, row, NULL);
    lcm_err why;
    lcm_err_clear(&why); /* not = {0}: that clears 1 KB, per cell */
    if ((st = lcm__memo_string(in, i, row, fd->calculation, &env, &value, &owned, &why)) !=
        LCM_OK) {
        char place[200];
        where(in, i, row, place, sizeof place);
        return lcm_err_set(err, st, "calculation of %s: %s", place, why.msg);
    }
    if (strcmp(*at.cell ? *at.cell : "", value) != 0) {
        *changed = 1;
        st = lcm_instance_set(in, i, row, value, err);
    }
    free(owned);
    return st;
}

static lcm_status check_cell(lcm_instance *in, int i, long row, cell_at at, int complete,
                             lcm_err *err);
static lcm_status check_repeat_count(lcm_instance *in, int i, long parent, lcm_err *err);

/* A repeat inside a repeat: its relevance in each row of the enclosing repeat (kept in that
 * row), the rows under a row where it is not relevant dropped; check 1: repeat_count too. */
static lcm_status update_inner_repeat(lcm_instance *in, int i, int *changed, int check,
                                      lcm_err *err) {
    int outer = in->f->fields[i].repeat;
    lcm_status st = LCM_OK;
    for (long p = 1; p <= in->rep[outer].n && st == LCM_OK; p++) {
        int relevant;
        if ((st = relevant_in_pass(in, i, p, &relevant, err)) != LCM_OK)
            break;
        *lcm__instance_rel(in, i, p) = (unsigned char)relevant;
        if (!relevant && lcm__instance_child_rows(in, i, p)) {
            lcm__instance_clear_child_rows(in, i, p);
            *changed = 1;
        }
        if (check == 1)
            st = check_repeat_count(in, i, p, err);
    }
    return st;
}

/* One pass in document order; check >= 0 (a fused form, form_plan.c): each answer is
 * also checked as soon as it is final, complete when check is 1. */
static lcm_status update_pass(lcm_instance *in, int *changed, int check, lcm_err *err) {
    const lcm_form *f = in->f;
    lcm_status st = LCM_OK;
    for (size_t i = 0; i < f->nfields && st == LCM_OK; i++) {
        const lcm_field *fd = &f->fields[i];
        if (fd->type == LCM_FT_BEGIN_REPEAT && fd->repeat >= 0) {
            st = update_inner_repeat(in, (int)i, changed, check, err);
            continue;
        }
        if (fd->type == LCM_FT_BEGIN_REPEAT) {
            int relevant;
            if ((st = relevant_in_pass(in, (int)i, 0, &relevant, err)) != LCM_OK)
                break;
            in->rel[i] = (unsigned char)relevant;
            if (!relevant && in->rep[i].n) {
                lcm__instance_clear_rows(in, (int)i);
                *changed = 1;
            }
            if (check == 1)
                st = check_repeat_count(in, (int)i, 0, err);
            continue;
        }
        /* Groups matter to one_pass forms only, which read a group's relevance once. */
        int value = lcm__form_has_value(fd->type);
        if (!value && !(fd->type == LCM_FT_BEGIN_GROUP && f->one_pass))
            continue;
        long first = fd->repeat >= 0 ? 1 : 0, last = fd->repeat >= 0 ? in->rep[fd->repeat].n : 0;
        for (long row = first; row <= last && st == LCM_OK; row++) {
            cell_at at = locate(in, (int)i, row);
            if ((st = update_cell(in, (int)i, row, at, changed, err)) == LCM_OK && value &&
                check >= 0)
                st = check_cell(in, (int)i, row, at, check, err);
        }
    }
    return st;
}

lcm_status lcm_instance_update(lcm_instance *in, lcm_err *err) {
    if (in->f->one_pass) {
        int changed = 0;
        return update_pass(in, &changed, -1, err);
    }
    /* A pass may find a question not relevant only because a calculation further down
     * is not done yet: its answer is put aside until the passes settle, not dropped. */
    int keep = in->keep_hidden, done = 0;
    lcm_status st = LCM_OK;
    in->keep_hidden = 1;
    for (size_t pass = 0; pass <= in->f->nfields + 1 && st == LCM_OK && !done; pass++) {
        int changed = 0;
        st = update_pass(in, &changed, -1, err);
        done = !changed;
    }
    in->keep_hidden = keep;
    if (st == LCM_OK && !done)
        return lcm_err_set(err, LCM_INTERNAL, "calculations of form '%s' do not settle",
                           in->f->form_id);
    if (st == LCM_OK && !keep) /* settled: what is not relevant now goes */
        lcm__instance_drop_hidden(in);
    return st;
}

/* The checks of one answer; its relevance is the one the update just found. */
static lcm_status check_cell(lcm_instance *in, int i, long row, cell_at c, int complete,
                             lcm_err *err) {
    const lcm_form *f = in->f;
    const lcm_field *fd = &f->fields[i];
    const char *v = *c.cell ? *c.cell : "";
    char at[200];
    int ok = 1;
    lcm_status st = LCM_OK;
    if (!*c.rel)
        return LCM_OK;
    if (*v && in->checked && !fd->calculation && (!fd->constraint || f->self_only[i]))
        return LCM_OK; /* checked as it was set, and nothing here reads other answers */
    if (!*v) {
        int need = fd->required;
        if (complete && !need && fd->required_if &&
            (st = lcm_instance_required(in, i, row, &need, err)) != LCM_OK)
            return st;
        if (complete && need) {
            where(in, i, row, at, sizeof at);
            return lcm_err_set(err, LCM_CONSTRAINT, "field %s is required but has no answer", at);
        }
        return LCM_OK;
    }
    lcm_err why;
    lcm_err_clear(&why);                     /* not = {0}: that clears 1 KB, per cell */
    if ((!in->checked || fd->calculation) && /* checked as set, or computed */
        lcm_form_validate_value(f, i, v, &why) != LCM_OK) { /* a constraint on '.' too */
        const char *msg = strchr(why.msg, ':');             /* drop its "field 'x'" for ours */
        where(in, i, row, at, sizeof at);
        return lcm_err_set(err, why.status, "field %s%s", at, msg ? msg : why.msg);
    }
    if (fd->constraint && !f->self_only[i]) {
        lcm_expr_env env = lcm_instance_env(in, i, row, NULL);
        if ((st = lcm_expr_eval_bool(fd->constraint, &env, &ok, err)) != LCM_OK)
            return st;
    }
    if (!ok) {
        const char *msg = lcm_form_text(f, fd->constraint_message, lcm_form_lang_index(f, NULL));
        where(in, i, row, at, sizeof at);
        return lcm_err_set(err, LCM_CONSTRAINT, "field %s: '%s' breaks the constraint %s%s%s", at,
                           v, lcm_expr_source(fd->constraint), *msg ? ": " : "", msg);
    }
    return LCM_OK;
}

/* repeat_count of repeat i (under row parent of the enclosing repeat, 0 at the top). */
static lcm_status check_repeat_count(lcm_instance *in, int i, long parent, lcm_err *err) {
    const lcm_field *fd = &in->f->fields[i];
    lcm_status st = LCM_OK;
    const unsigned char *rel = lcm__instance_rel(in, i, parent);
    if (!rel || !*rel || !fd->repeat_count)
        return st;
    lcm_value v = {0};
    lcm_expr_env env = lcm_instance_env(in, i, parent, NULL);
    if ((st = lcm_expr_eval(fd->repeat_count, &env, &v, err)) != LCM_OK)
        return st;
    double want = lcm_value_number(&v);
    lcm_value_free(&v);
    long n = lcm__instance_child_rows(in, i, parent);
    if (want == want && (double)n != want) {
        if (parent)
            return lcm_err_set(err, LCM_CONSTRAINT,
                               "repeat '%s' has %ld rows in row %ld of '%s' but repeat_count (%s) "
                               "says %g",
                               fd->name, n, parent, in->f->fields[fd->repeat].name,
                               lcm_expr_source(fd->repeat_count), want);
        return lcm_err_set(err, LCM_CONSTRAINT,
                           "repeat '%s' has %ld rows but repeat_count (%s) "
                           "says %g",
                           fd->name, n, lcm_expr_source(fd->repeat_count), want);
    }
    return LCM_OK;
}

/* Fields that fill standard columns (lcmon_column, start, end) copy their answers there. */
static lcm_status fill_meta(lcm_instance *in, lcm_err *err) {
    for (size_t i = 0; i < in->f->nfields; i++) {
        const lcm_field *fd = &in->f->fields[i];
        int std = in->f->std[i];
        const char *v = std >= 0 ? lcm_instance_get(in, (int)i, 0) : "";
        if (!*v)
            continue;
        lcm_err why;
        lcm_err_clear(&why); /* not = {0}: that clears 1 KB, per cell */
        lcm_status st = lcm_instance_set_meta(in, lcm__std_cols[std].name, v, &why);
        if (st != LCM_OK)
            return lcm_err_set(err, st, "field '%s': %s", fd->name, why.msg);
    }
    return LCM_OK;
}

/* The checks of every answer, after the update (forms that are not fused). */
static lcm_status check_all(lcm_instance *in, int complete, lcm_err *err) {
    const lcm_form *f = in->f;
    lcm_status st = LCM_OK;
    for (size_t i = 0; i < f->nfields && st == LCM_OK; i++) {
        const lcm_field *fd = &f->fields[i];
        if (fd->type == LCM_FT_BEGIN_REPEAT && complete && fd->repeat < 0)
            st = check_repeat_count(in, (int)i, 0, err);
        for (long p = 1; fd->type == LCM_FT_BEGIN_REPEAT && complete && fd->repeat >= 0 &&
                         p <= in->rep[fd->repeat].n && st == LCM_OK;
             p++)
            st = check_repeat_count(in, (int)i, p, err);
        if (!lcm__form_has_value(fd->type))
            continue;
        long first = fd->repeat >= 0 ? 1 : 0, last = fd->repeat >= 0 ? in->rep[fd->repeat].n : 0;
        for (long row = first; row <= last && st == LCM_OK; row++)
            st = check_cell(in, (int)i, row, locate(in, (int)i, row), complete, err);
    }
    return st;
}

/* 1 when a question of f fills the city: its instances are complete only with one. A form
 * that asks no city (one made for another tool, imported as it is) may leave it empty. */
static int asks_city(const lcm_form *f) {
    for (size_t i = 0; i < f->nfields; i++)
        if (f->std[i] == LCM__STD_CITY)
            return 1;
    return 0;
}

lcm_status lcm_instance_finish(lcm_instance *in, int complete, lcm_err *err) {
    const lcm_form *f = in->f;
    int changed = 0;
    lcm_status st;
    if (f->fused) /* updated and checked in one pass */
        st = update_pass(in, &changed, complete, err);
    else if ((st = lcm_instance_update(in, err)) == LCM_OK)
        st = check_all(in, complete, err);
    if (st == LCM_OK)
        st = fill_meta(in, err);
    if (st == LCM_OK && complete && !in->meta[LCM__STD_CITY] && asks_city(f))
        st = lcm_err_set(err, LCM_CONSTRAINT,
                         "instance has no city: answer the question that fills it or give one");
    if (st == LCM_OK && complete)
        lcm__instance_drop_hidden(in); /* what is not relevant now is gone for good */
    if (st == LCM_OK)
        st = lcm_instance_set_meta(in, "status", complete ? "complete" : "draft", err);
    return st;
}

lcm_status lcm_instance_draft(lcm_instance *in, lcm_err *err) {
    lcm_status st = lcm_instance_update(in, err);
    if (st == LCM_OK)
        st = fill_meta(in, err);
    if (st == LCM_OK)
        st = lcm_instance_set_meta(in, "status", "draft", err);
    return st;
}
