/*
 * form_pyx.c - rules pyxform enforces on the form as a whole, checked as it checks them
 * (issue 17), each refused with the file, line, column and field:
 *   - secondary instance names: csv-external and xml-external names once each; one name,
 *     one source (a file, pulldata's CSV, a filtered choice list, the last saved form);
 *   - a ${name} that several rows carry is ambiguous wherever it is referred to;
 *   - repeat names once in the whole survey;
 *   - a list searched with search() is searched by every select using it;
 *   - range with appearance no-ticks: tick_labelset's values are exactly start and end.
 */
#include "form_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* One secondary instance as pyxform names it. */
typedef struct inst {
    char id[128];
    char src[300]; /* where its data comes from: "jr://file-csv/x.csv", "choices", … */
    const char *kind;
    long line;
    int col;
    int declared; /* csv-external / xml-external: each name once */
} inst;

typedef struct insts {
    inst *v;
    size_t n, cap;
} insts;

static lcm_status add_inst(lcm_form *f, insts *is, const char *id, size_t idn, const char *src,
                           const char *kind, long line, int col, int declared) {
    char name[128];
    snprintf(name, sizeof name, "%.*s", (int)(idn < 127 ? idn : 127), id);
    for (size_t i = 0; i < is->n; i++) {
        inst *o = &is->v[i];
        if (strcmp(o->id, name) != 0)
            continue;
        if (declared && o->declared)
            return lcm__form_problemf(f, LCM_PARSE,
                                      "survey.csv:%ld:%d: instance name '%s' is declared twice "
                                      "(also on line %ld): instance names must be unique",
                                      line, col, name, o->line);
        if (strcmp(o->src, src) != 0)
            return lcm__form_problemf(f, LCM_PARSE,
                                      "survey.csv:%ld:%d: instance name '%s' of %s would also name "
                                      "the %s of line %ld (%s): give them different names",
                                      line, col, name, kind, o->kind, o->line, o->src);
        o->declared |= declared;
        return LCM_OK;
    }
    if (is->n == is->cap) {
        size_t cap = is->cap ? 2 * is->cap : 16;
        inst *grown = realloc(is->v, cap * sizeof *grown);
        if (!grown)
            return LCM_NOMEM;
        is->v = grown, is->cap = cap;
    }
    inst *o = &is->v[is->n++];
    snprintf(o->id, sizeof o->id, "%s", name);
    snprintf(o->src, sizeof o->src, "%s", src);
    o->kind = kind, o->line = line, o->col = col, o->declared = declared;
    return LCM_OK;
}

/* pulldata('name', …) and ${last-saved#…} in one cell. */
static lcm_status cell_insts(lcm_form *f, insts *is, const char *s, long line, int col) {
    lcm_status st = LCM_OK;
    for (const char *p = strstr(s, "pulldata("); p && st == LCM_OK; p = strstr(p, "pulldata(")) {
        p += 9;
        p += strspn(p, " ");
        if (*p != '\'' && *p != '"')
            continue;
        const char *end = strchr(p + 1, *p);
        if (!end)
            break;
        char src[300];
        snprintf(src, sizeof src, "jr://file-csv/%.*s.csv",
                 (int)(end - p - 1 < 200 ? end - p - 1 : 200), p + 1);
        st = add_inst(f, is, p + 1, (size_t)(end - p - 1), src, "pulldata()", line, col, 0);
    }
    if (st == LCM_OK && strstr(s, "${last-saved#"))
        st = add_inst(f, is, "__last-saved", 12, "jr://instance/last-saved", "${last-saved#…}",
                      line, col, 0);
    return st;
}

static lcm_status check_instances(lcm_form *f, const lcm__sheet *sh) {
    insts is = {0};
    lcm_status st = LCM_OK;
    int c_type = f->cols.type, c_name = f->cols.name;
    for (size_t r = 0; r < sh->nrows && st == LCM_OK; r++) {
        const char *t = lcm__sheet_cell(sh, r, c_type), *name = lcm__sheet_cell(sh, r, c_name);
        long line = sh->lines[r];
        char src[300];
        if (strcasecmp(t, "csv-external") == 0 || strcasecmp(t, "xml-external") == 0) {
            int csv = strncasecmp(t, "csv", 3) == 0;
            snprintf(src, sizeof src, "jr://file%s/%.200s.%s", csv ? "-csv" : "", name,
                     csv ? "csv" : "xml");
            st = add_inst(f, &is, name, strlen(name), src, t, line, c_name + 1, 1);
        } else if (strncasecmp(t, "select_one_from_file ", 21) == 0 ||
                   strncasecmp(t, "select_multiple_from_file ", 26) == 0) {
            const char *file = strchr(t, ' ') + 1;
            file += strspn(file, " ");
            size_t n = strcspn(file, " ");
            const char *dot = memchr(file, '.', n);
            size_t idn = dot ? (size_t)(dot - file) : n;
            const char *ext = dot ? dot + 1 : "";
            snprintf(src, sizeof src, "jr://file%s/%.*s",
                     strncasecmp(ext, "csv", 3) == 0 ? "-csv" : "", (int)(n < 200 ? n : 200), file);
            st = add_inst(f, &is, file, idn, src, "the choices file", line, c_type + 1, 0);
        } else if (*lcm__sheet_cell(sh, r, f->cols.choice_filter) &&
                   (strncasecmp(t, "select_one ", 11) == 0 ||
                    strncasecmp(t, "select_multiple ", 16) == 0)) {
            const char *l = strchr(t, ' ') + 1;
            l += strspn(l, " ");
            size_t n = strcspn(l, " ");
            if (n && *l != '$') /* a list of choices.csv, filtered: an instance of its own */
                st =
                    add_inst(f, &is, l, n, "choices.csv", "the filtered list", line, c_type + 1, 0);
        }
        for (size_t c = 0; c < sh->ncols && st == LCM_OK; c++)
            st = cell_insts(f, &is, sh->rows[r][c], line, (int)c + 1);
    }
    free(is.v);
    return st;
}

/* How many rows carry the n bytes at name as their name (the or_other texts lcmon adds are
 * pyxform's too, but never written twice). */
static int name_count(const lcm_form *f, const char *name, size_t n) {
    int k = 0;
    for (size_t i = 0; i < f->nfields; i++) {
        const lcm_field *fd = &f->fields[i];
        if (fd->type != LCM_FT_END_GROUP && fd->type != LCM_FT_END_REPEAT && fd->name &&
            strlen(fd->name) == n && strncmp(fd->name, name, n) == 0)
            k++;
    }
    return k;
}

/* Text columns whose ${} pyxform replaces by a path: the name must say which row. */
static int ref_column(const char *h) {
    static const char *const bases[] = {"label", "hint", "guidance_hint", "constraint_message",
                                        "required_message"};
    for (size_t b = 0; b < sizeof bases / sizeof *bases; b++) {
        size_t n = strlen(bases[b]);
        if (strncasecmp(h, bases[b], n) == 0 && (h[n] == '\0' || h[n] == ':'))
            return 1;
    }
    return 0;
}

static lcm_status check_ambiguous(lcm_form *f, const lcm__sheet *sh) {
    lcm_status st = LCM_OK;
    for (size_t c = 0; c < sh->ncols && st == LCM_OK; c++) {
        if (!ref_column(sh->head[c]))
            continue;
        for (size_t r = 0; r < sh->nrows && st == LCM_OK; r++)
            for (const char *p = strstr(sh->rows[r][c], "${"); p && st == LCM_OK;
                 p = strstr(p, "${")) {
                p += 2;
                size_t n = strcspn(p, "}");
                if (p[n] == '}' && name_count(f, p, n) > 1)
                    st = lcm__form_problemf(f, LCM_PARSE,
                                            "%s:%ld:%zu: %s names '${%.*s}', which several rows "
                                            "carry: names referred to must be unique in the "
                                            "survey",
                                            sh->file, sh->lines[r], c + 1, sh->head[c], (int)n, p);
                p += n;
            }
    }
    return st;
}

static lcm_status check_repeat_names(lcm_form *f) {
    for (size_t i = 0; i < f->nfields; i++)
        for (size_t j = 0; j < i; j++)
            if (f->fields[i].type == LCM_FT_BEGIN_REPEAT &&
                f->fields[j].type == LCM_FT_BEGIN_REPEAT &&
                strcmp(f->fields[i].name, f->fields[j].name) == 0)
                return lcm__form_problemf(f, LCM_PARSE,
                                          "survey.csv:%ld:%d: repeat '%s' is named like the "
                                          "repeat of line %ld: repeat names must be unique in "
                                          "the survey",
                                          f->fields[i].line, lcm__form_col(f, f->cols.name),
                                          f->fields[i].name, f->fields[j].line);
    return LCM_OK;
}

static int searches(const lcm_field *fd) {
    return fd->appearance && strstr(fd->appearance, "search(");
}

static lcm_status check_search_lists(lcm_form *f) {
    for (size_t i = 0; i < f->nfields; i++) {
        const lcm_field *a = &f->fields[i];
        if (!a->list || !searches(a))
            continue;
        for (size_t j = 0; j < f->nfields; j++) {
            const lcm_field *b = &f->fields[j];
            if (b->list && !searches(b) && !b->generated &&
                strcmp(b->list->name, a->list->name) == 0)
                return lcm__form_problemf(
                    f, LCM_PARSE,
                    "survey.csv:%ld:%d: '%s' uses search() on list '%s', which '%s' (line %ld) "
                    "uses without it: search() needs a list of its own",
                    a->line, lcm__form_col(f, f->cols.appearance), a->name, a->list->name, b->name,
                    b->line);
        }
    }
    return LCM_OK;
}

/* range, appearance no-ticks: the tick_labelset's distinct values are start and end. */
static lcm_status check_no_ticks(lcm_form *f, const lcm__sheet *sh) {
    lcm_status st = LCM_OK;
    for (size_t r = 0; r < sh->nrows && st == LCM_OK && f->cols.parameters >= 0; r++) {
        const char *app = lcm__sheet_cell(sh, r, f->cols.appearance);
        const char *p = strstr(lcm__sheet_cell(sh, r, f->cols.parameters), "tick_labelset");
        if (!p || !strstr(app, "no-ticks"))
            continue;
        p += strcspn(p, "=");
        p += *p ? 1 : 0;
        p += strspn(p, " ");
        char name[128];
        size_t n = strcspn(p, " ;,");
        snprintf(name, sizeof name, "%.*s", (int)(n < 127 ? n : 127), p);
        const lcm_choice_list *l = lcm__form_find_list(f, name);
        int fi = -1;
        for (size_t i = 0; i < f->nfields; i++)
            if (f->fields[i].line == sh->lines[r] && f->fields[i].type == LCM_FT_RANGE)
                fi = (int)i;
        if (!l || fi < 0)
            continue;
        const lcm_field *fd = &f->fields[fi];
        double vals[2];
        size_t nv = 0;
        int bad = 0;
        for (size_t k = 0; k < l->n && !bad; k++) {
            char *end;
            double v = strtod(l->items[k].name, &end);
            int seen = 0;
            for (size_t m = 0; m < nv; m++)
                seen |= vals[m] == v;
            if (seen)
                continue;
            if (nv == 2 || *end || (v != fd->range_start && v != fd->range_end))
                bad = 1;
            else
                vals[nv++] = v;
        }
        if (bad || nv != 2)
            st = lcm__form_problemf(f, LCM_PARSE,
                                    "%s:%ld:%d: range '%s' with appearance no-ticks: the values of "
                                    "tick_labelset '%s' must be its start and end (%g and %g), "
                                    "once each",
                                    sh->file, sh->lines[r], f->cols.parameters + 1, fd->name, name,
                                    fd->range_start, fd->range_end);
    }
    return st;
}

lcm_status lcm__form_check_pyxform(lcm_form *f, const lcm__sheet *survey) {
    lcm_status st = check_instances(f, survey);
    if (st == LCM_OK)
        st = check_ambiguous(f, survey);
    if (st == LCM_OK)
        st = check_repeat_names(f);
    if (st == LCM_OK)
        st = check_search_lists(f);
    if (st == LCM_OK)
        st = check_no_ticks(f, survey);
    return st;
}
