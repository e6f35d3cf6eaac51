/*
 * form_refs.c - the cross-sheet references pyxform checks and lcmon does not otherwise
 * use: `${name}` in labels, hints and media of the survey and choices sheets, in
 * `trigger` and in settings' instance_name; and the entities sheet with the survey's
 * `save_to` column (ODK entities). lcmon creates no entities, but a form that declares
 * them wrongly is a wrong form, refused here for the same reasons pyxform refuses it:
 *
 *  - entities.csv holds list_name (or dataset), label, entity_id, create_if, update_if;
 *    every list has a name (an XML name without '.', not starting "__"), once;
 *  - creating an entity (no entity_id, or a create_if) needs a label; update_if needs
 *    entity_id; entity_id with create_if needs update_if;
 *  - save_to names "list#property" (the list may be left out when there is one entity),
 *    never on a group or repeat, each property once per list, not `name`, `label` or
 *    "__…";
 *  - an entity lives in one repeat (or the survey): its save_to questions are all in that
 *    repeat, and its ${} references in it or around it. Within it, the entity sits in the
 *    innermost group or repeat holding all its save_to questions and references, and
 *    claims every group on the way down to them; two entities may not claim one.
 */
#include "form_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A name as XML allows it (ASCII rules; bytes beyond ASCII taken as letters). */
static int xml_name(const char *s) {
    unsigned char c = (unsigned char)*s;
    if (!(c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':'))
        return 0;
    for (s++; *s; s++) {
        c = (unsigned char)*s;
        if (!(c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_' || c == ':' || c == '-' || c == '.'))
            return 0;
    }
    return 1;
}

/* Calls fn on each ${name} of s (name without a "last-saved#" prefix); stops at the first
 * nonzero return, which it returns. A "${" never closed is passed as the rest of s. */
typedef int (*ref_fn)(void *ud, const char *name, size_t n);
static int each_ref(const char *s, ref_fn fn, void *ud) {
    for (const char *p = strstr(s, "${"); p; p = strstr(p, "${")) {
        p += 2;
        const char *end = strchr(p, '}');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n >= 11 && strncmp(p, "last-saved#", 11) == 0)
            p += 11, n -= 11;
        int r = fn(ud, p, n);
        if (r)
            return r;
        p += n;
    }
    return 0;
}

/* The field named by the n bytes at name, or -1. */
static int field_n(const lcm_form *f, const char *name, size_t n) {
    char buf[128];
    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, name, n);
    buf[n] = '\0';
    return lcm_form_find(f, buf);
}

typedef struct name_ctx {
    const lcm_form *f;
    const char *bad;
    size_t nbad;
    int instance_id; /* pyxform adds meta/instanceID unless settings say omit_instanceID */
} name_ctx;

static int unknown_ref(void *ud, const char *name, size_t n) {
    name_ctx *c = ud;
    if (field_n(c->f, name, n) >= 0 ||
        (c->instance_id && n == 10 && strncmp(name, "instanceID", 10) == 0))
        return 0;
    c->bad = name, c->nbad = n;
    return 1;
}

/* Text columns whose ${} pyxform resolves: "label", "hint", …, "label::zh", "media::image". */
static int text_column(const char *h) {
    static const char *const bases[] = {
        "label",        "hint",         "guidance_hint",   "required_message", "constraint_message",
        "image",        "audio",        "video",           "big-image",        "media::image",
        "media::audio", "media::video", "media::big-image"};
    for (size_t b = 0; b < sizeof bases / sizeof *bases; b++) {
        size_t n = strlen(bases[b]);
        if (strncasecmp(h, bases[b], n) == 0 && (h[n] == '\0' || h[n] == ':'))
            return 1;
    }
    return 0;
}

static lcm_status check_text_refs(lcm_form *f, const lcm__sheet *sh, int instance_id) {
    for (size_t c = 0; c < sh->ncols; c++) {
        if (!text_column(sh->head[c]))
            continue;
        for (size_t r = 0; r < sh->nrows; r++) {
            name_ctx nc = {f, NULL, 0, instance_id};
            if (each_ref(sh->rows[r][c], unknown_ref, &nc) &&
                lcm__form_problemf(f, LCM_PARSE,
                                   "%s:%ld:%zu: %s names '${%.*s}', which is no question of "
                                   "survey.csv",
                                   sh->file, sh->lines[r], c + 1, sh->head[c], (int)nc.nbad,
                                   nc.bad) != LCM_OK)
                return LCM_NOMEM;
        }
    }
    return LCM_OK;
}

/* The field of survey row r (by its line), or -1. */
static int field_of_row(const lcm_form *f, const lcm__sheet *sh, size_t r) {
    for (size_t i = 0; i < f->nfields; i++)
        if (f->fields[i].line == sh->lines[r] && !f->fields[i].generated)
            return (int)i;
    return -1;
}

static int has_label(const lcm_form *f, const lcm_field *fd) {
    for (size_t l = 0; fd->label && l < (f->nlangs ? f->nlangs : 1); l++)
        if (fd->label[l])
            return 1;
    return 0;
}

/* trigger: one or more ${name}, each a question a person answers (not a calculate). */
static lcm_status check_triggers(lcm_form *f, const lcm__sheet *sh) {
    int col = lcm__sheet_col(sh, "trigger");
    lcm_status st = LCM_OK;
    for (size_t r = 0; r < sh->nrows && st == LCM_OK; r++) {
        int fi = field_of_row(f, sh, r);
        const char *t = lcm__sheet_cell(sh, r, col);
        if (!*t) {
            const char *type = fi >= 0 ? lcm__sheet_cell(sh, r, f->cols.type) : "";
            if (strcasecmp(type, "background-geopoint") == 0)
                st = lcm__form_problemf(f, LCM_PARSE,
                                        "%s:%ld:%d: a background-geopoint needs a trigger (the "
                                        "question whose answer records the place)",
                                        sh->file, sh->lines[r], col >= 0 ? col + 1 : 1);
            continue;
        }
        const char *p = t;
        while (*p && st == LCM_OK) {
            p += strspn(p, " ,\t");
            if (!*p)
                break;
            const char *end = strncmp(p, "${", 2) == 0 ? strchr(p, '}') : NULL;
            int target = end ? field_n(f, p + 2, (size_t)(end - p - 2)) : -1;
            if (!end)
                st = lcm__form_problemf(f, LCM_PARSE,
                                        "%s:%ld:%d: trigger '%s' must be ${name} of a question",
                                        sh->file, sh->lines[r], col + 1, t);
            else if (target < 0)
                st = lcm__form_problemf(f, LCM_PARSE,
                                        "%s:%ld:%d: trigger names '%.*s', which is no question "
                                        "of survey.csv",
                                        sh->file, sh->lines[r], col + 1, (int)(end - p + 1), p);
            else if (f->fields[target].type == LCM_FT_CALCULATE ||
                     (f->fields[target].calculation && !has_label(f, &f->fields[target])))
                st = lcm__form_problemf(f, LCM_PARSE,
                                        "%s:%ld:%d: trigger '%.*s' is a calculate, which no one "
                                        "answers: it cannot trigger a calculation",
                                        sh->file, sh->lines[r], col + 1, (int)(end - p + 1), p);
            p = end ? end + 1 : p + strlen(p);
        }
    }
    return st;
}

/* ---- entities ---- */

typedef struct entity {
    const char *list;
    long line;
    int scope; /* innermost repeat of its references (field index), -1 the survey */
    int home;  /* the group or repeat it sits in, -1 the survey */
    int nrefs; /* references seen inside its scope */
    int scope_ok;
    int save_scope; /* repeat of its save_to questions, -2 none yet */
    long save_line; /* the first save_to's line */
    int *claims;    /* containers claimed (field indexes; -1 the survey) */
    size_t nclaims;
} entity;

static int repeat_of(const lcm_form *f, int container) {
    while (container >= 0 && f->fields[container].type != LCM_FT_BEGIN_REPEAT)
        container = f->fields[container].parent;
    return container;
}

/* 1 when a is b or holds it. */
static int holds(const lcm_form *f, int a, int b) {
    for (; b >= 0; b = f->fields[b].parent)
        if (a == b)
            return 1;
    return a == -1;
}

static const char *scope_name(const lcm_form *f, int c) {
    return c < 0 ? "the survey" : f->fields[c].name;
}

typedef struct ent_ref_ctx {
    lcm_form *f;
    const lcm__sheet *sh;
    size_t row;
    int col;
    entity *e;
    lcm_status st;
} ent_ref_ctx;

/* A reference of entity e to container c (the container of a save_to question or of a
 * field named in its cells); save_to refs must lie in the entity's scope itself. */
static lcm_status add_ref(lcm_form *f, entity *e, int c, int save_to, const char *file, long line,
                          int col) {
    int rep = repeat_of(f, c);
    if (!e->scope_ok)
        return LCM_OK;
    if (e->nrefs < 0) {
        e->scope = rep, e->nrefs = 0;
    } else if (rep != e->scope) {
        if (holds(f, e->scope, rep))
            e->scope = rep; /* deeper: earlier refs were around it */
        else if (!holds(f, rep, e->scope)) {
            e->scope_ok = 0;
            return lcm__form_problemf(f, LCM_PARSE,
                                      "%s:%ld:%d: entity list '%s' refers to repeat '%s' and to "
                                      "'%s', which is outside it: an entity lives in one repeat",
                                      file, line, col, e->list, scope_name(f, e->scope),
                                      scope_name(f, rep));
        }
    }
    if (save_to && e->save_scope == -2)
        e->save_scope = rep, e->save_line = line;
    if (save_to && rep != e->save_scope) {
        e->scope_ok = 0;
        return lcm__form_problemf(f, LCM_PARSE,
                                  "%s:%ld:%d: save_to of entity list '%s' in '%s', but its other "
                                  "references are in repeat '%s': save every property inside the "
                                  "one repeat",
                                  file, line, col, e->list, scope_name(f, rep),
                                  scope_name(f, e->save_scope));
    }
    int *grown = realloc(e->claims, (e->nclaims + 1) * sizeof *grown);
    if (!grown)
        return LCM_NOMEM;
    e->claims = grown;
    e->claims[e->nclaims++] = c;
    return LCM_OK;
}

static int ent_ref(void *ud, const char *name, size_t n) {
    ent_ref_ctx *c = ud;
    int i = field_n(c->f, name, n);
    if (i < 0) {
        c->st = lcm__form_problemf(c->f, LCM_PARSE,
                                   "%s:%ld:%d: %s names '${%.*s}', which is no question of "
                                   "survey.csv",
                                   c->sh->file, c->sh->lines[c->row], c->col + 1,
                                   c->sh->head[c->col], (int)n, name);
        return 1;
    }
    c->st = add_ref(c->f, c->e, c->f->fields[i].parent, 0, c->sh->file, c->sh->lines[c->row],
                    c->col + 1);
    return c->st != LCM_OK;
}

/* The innermost container of e's scope holding all its claims, and the claims completed
 * with every container between it and them. */
static lcm_status settle(const lcm_form *f, entity *e) {
    int home = e->scope;
    size_t inside = 0;
    for (size_t k = 0; k < e->nclaims; k++)
        if (repeat_of(f, e->claims[k]) == e->scope)
            e->claims[inside++] = e->claims[k]; /* references around the scope claim nothing */
    e->nclaims = inside;
    if (inside) {
        home = e->claims[0];
        for (size_t k = 1; k < inside; k++)
            while (!holds(f, home, e->claims[k]))
                home = f->fields[home].parent;
    }
    e->home = home;
    size_t n = inside;
    for (size_t k = 0; k < n; k++)
        for (int c = e->claims[k]; c != home && c >= 0; c = f->fields[c].parent) {
            int *grown = realloc(e->claims, (e->nclaims + 1) * sizeof *grown);
            if (!grown)
                return LCM_NOMEM;
            e->claims = grown;
            e->claims[e->nclaims++] = f->fields[c].parent;
        }
    int *grown = realloc(e->claims, (e->nclaims + 1) * sizeof *grown);
    if (!grown)
        return LCM_NOMEM;
    e->claims = grown;
    e->claims[e->nclaims++] = home;
    return LCM_OK;
}

static int claims_meet(const entity *a, const entity *b) {
    for (size_t i = 0; i < a->nclaims; i++)
        for (size_t j = 0; j < b->nclaims; j++)
            if (a->claims[i] == b->claims[j])
                return 1;
    return 0;
}

static const char *const ent_cols[] = {"list_name", "dataset",   "label",
                                       "entity_id", "create_if", "update_if"};

static lcm_status check_entity_rows(lcm_form *f, const lcm__sheet *es, entity *ents) {
    lcm_status st = LCM_OK;
    for (size_t c = 0; c < es->ncols && st == LCM_OK; c++) {
        int known = !*es->head[c];
        for (size_t k = 0; k < sizeof ent_cols / sizeof *ent_cols; k++)
            known |= strcasecmp(es->head[c], ent_cols[k]) == 0;
        if (!known)
            st = lcm__form_problemf(f, LCM_PARSE,
                                    "%s:1:%zu: column '%s' is not one of list_name, label, "
                                    "entity_id, create_if, update_if",
                                    es->file, c + 1, es->head[c]);
    }
    int c_list = lcm__sheet_col(es, "list_name");
    if (c_list < 0)
        c_list = lcm__sheet_col(es, "dataset");
    int c_label = lcm__sheet_col(es, "label"), c_id = lcm__sheet_col(es, "entity_id");
    int c_create = lcm__sheet_col(es, "create_if"), c_update = lcm__sheet_col(es, "update_if");
    for (size_t r = 0; r < es->nrows && st == LCM_OK; r++) {
        entity *e = &ents[r];
        const char *ln = lcm__sheet_cell(es, r, c_list);
        long line = es->lines[r];
        int col = c_list + 1;
        e->list = ln, e->line = line, e->nrefs = -1, e->scope = -1, e->scope_ok = 1;
        e->save_scope = -2;
        const char *id = lcm__sheet_cell(es, r, c_id), *create = lcm__sheet_cell(es, r, c_create),
                   *update = lcm__sheet_cell(es, r, c_update);
        if (!*ln)
            st = lcm__form_problemf(f, LCM_PARSE, "%s:%ld:%d: entity without a list_name", es->file,
                                    line, col > 0 ? col : 1);
        else if (!xml_name(ln) || strchr(ln, '.') || strncmp(ln, "__", 2) == 0)
            st = lcm__form_problemf(f, LCM_PARSE,
                                    "%s:%ld:%d: entity list name '%s' must start with a letter "
                                    "or '_' (not \"__\") and hold only letters, digits, '_', '-'",
                                    es->file, line, col, ln);
        for (size_t j = 0; j < r && st == LCM_OK && *ln; j++)
            if (strcmp(ents[j].list, ln) == 0)
                st = lcm__form_problemf(f, LCM_PARSE,
                                        "%s:%ld:%d: entity list '%s' is declared twice (line %ld)",
                                        es->file, line, col, ln, ents[j].line);
        if (st != LCM_OK)
            break;
        if (*update && !*id)
            st = lcm__form_problemf(f, LCM_PARSE,
                                    "%s:%ld:%d: entity list '%s' has an update_if but no "
                                    "entity_id (which entity to update)",
                                    es->file, line, c_update + 1, ln);
        else if (*id && *create && !*update)
            st = lcm__form_problemf(f, LCM_PARSE,
                                    "%s:%ld:%d: entity list '%s' has entity_id and create_if but "
                                    "no update_if (when to update rather than create)",
                                    es->file, line, c_create + 1, ln);
        else if (!*id && !*lcm__sheet_cell(es, r, c_label))
            st = lcm__form_problemf(f, LCM_PARSE,
                                    "%s:%ld:%d: entity list '%s' creates entities but has no label",
                                    es->file, line, col, ln);
    }
    return st;
}

static lcm_status check_entities(lcm_form *f, const lcm__sheet *sv, const lcm__sheet *es) {
    int c_save = lcm__sheet_col(sv, "save_to");
    size_t n = es ? es->nrows : 0;
    entity *ents = calloc(n ? n : 1, sizeof *ents);
    if (!ents)
        return LCM_NOMEM;
    size_t before = f->nproblems;
    lcm_status st = es ? check_entity_rows(f, es, ents) : LCM_OK;
    int rows_ok = f->nproblems == before;
    /* save_to of the survey rows */
    typedef struct prop {
        size_t ent;
        const char *name;
        size_t n;
        long line;
    } prop;
    prop *props = calloc(sv->nrows ? sv->nrows : 1, sizeof *props);
    size_t nprops = 0;
    if (!props)
        st = LCM_NOMEM;
    for (size_t r = 0; r < sv->nrows && st == LCM_OK && c_save >= 0; r++) {
        const char *s = sv->rows[r][c_save];
        long line = sv->lines[r];
        int col = c_save + 1, fi = field_of_row(f, sv, r);
        if (!*s || fi < 0)
            continue;
        const lcm_field *fd = &f->fields[fi];
        if (!n) {
            st = lcm__form_problemf(f, LCM_PARSE,
                                    "%s:%ld:%d: save_to needs an entity declared in entities.csv",
                                    sv->file, line, col);
            continue;
        }
        if (fd->type == LCM_FT_BEGIN_GROUP || fd->type == LCM_FT_BEGIN_REPEAT ||
            fd->type == LCM_FT_END_GROUP || fd->type == LCM_FT_END_REPEAT) {
            st = lcm__form_problemf(f, LCM_PARSE,
                                    "%s:%ld:%d: a %s cannot be saved to an entity property",
                                    sv->file, line, col, lcm__form_type_name(fd->type));
            continue;
        }
        const char *hash = strchr(s, '#'), *pname = hash ? hash + 1 : s;
        size_t ent = 0;
        if (!hash && n > 1) {
            st = lcm__form_problemf(f, LCM_PARSE,
                                    "%s:%ld:%d: save_to '%s': with several entities write "
                                    "list#property",
                                    sv->file, line, col, s);
            continue;
        }
        if (hash) {
            for (ent = 0; ent < n; ent++)
                if (strlen(ents[ent].list) == (size_t)(hash - s) &&
                    strncmp(ents[ent].list, s, (size_t)(hash - s)) == 0)
                    break;
            if (ent == n) {
                st = lcm__form_problemf(f, LCM_PARSE,
                                        "%s:%ld:%d: save_to '%s' names an entity list that "
                                        "entities.csv does not declare",
                                        sv->file, line, col, s);
                continue;
            }
        }
        if (strcasecmp(pname, "name") == 0 || strcasecmp(pname, "label") == 0 ||
            strncmp(pname, "__", 2) == 0 || !xml_name(pname)) {
            st = lcm__form_problemf(f, LCM_PARSE,
                                    "%s:%ld:%d: save_to property '%s' is reserved or not a "
                                    "valid name (not name, label or \"__…\")",
                                    sv->file, line, col, pname);
            continue;
        }
        size_t pn = strlen(pname), k;
        for (k = 0; k < nprops; k++)
            if (props[k].ent == ent && props[k].n == pn && strncmp(props[k].name, pname, pn) == 0)
                break;
        if (k < nprops) {
            st = lcm__form_problemf(f, LCM_PARSE,
                                    "%s:%ld:%d: entity property '%s' is already saved by line %ld",
                                    sv->file, line, col, pname, props[k].line);
            continue;
        }
        props[nprops++] = (prop){ent, pname, pn, line};
        st = add_ref(f, &ents[ent], fd->parent, 1, sv->file, line, col);
    }
    /* ${} of the entity cells, then where each entity sits */
    for (size_t r = 0; r < n && st == LCM_OK && rows_ok; r++) {
        static const char *const cells[] = {"label", "entity_id", "create_if", "update_if"};
        for (size_t k = 0; k < 4 && st == LCM_OK; k++) {
            int col = lcm__sheet_col(es, cells[k]);
            ent_ref_ctx c = {f, es, r, col, &ents[r], LCM_OK};
            if (col >= 0)
                each_ref(es->rows[r][col], ent_ref, &c);
            st = c.st;
        }
    }
    for (size_t r = 0; r < n && st == LCM_OK && rows_ok; r++) {
        entity *e = &ents[r];
        if (!e->scope_ok)
            continue;
        if (e->save_scope != -2 && e->save_scope != e->scope) {
            st = lcm__form_problemf(
                f, LCM_PARSE,
                "%s:%ld:1: entity list '%s' saves properties in '%s' (survey.csv "
                "line %ld) but refers to repeat '%s' inside it: an entity "
                "lives in one repeat",
                es->file, e->line, e->list, scope_name(f, e->save_scope), e->save_line,
                scope_name(f, e->scope));
            continue;
        }
        if ((st = settle(f, e)) != LCM_OK)
            break;
        for (size_t j = 0; j < r && st == LCM_OK; j++)
            if (ents[j].scope_ok && claims_meet(&ents[j], e)) {
                st = lcm__form_problemf(f, LCM_PARSE,
                                        "%s:%ld:1: entity list '%s' would sit in '%s', where the "
                                        "entity of line %ld already sits: each group or repeat "
                                        "holds one entity (save its properties in a group of "
                                        "their own)",
                                        es->file, e->line, e->list, scope_name(f, e->home),
                                        ents[j].line);
                e->scope_ok = 0;
            }
    }
    for (size_t r = 0; r < n; r++)
        free(ents[r].claims);
    free(ents);
    free(props);
    return st;
}

static int yes(const char *s) {
    return strcasecmp(s, "yes") == 0 || strcasecmp(s, "true") == 0 || strcmp(s, "1") == 0 ||
           strcasecmp(s, "true()") == 0;
}

/* settings: the root name an XML name, instance_name's ${} known. */
static lcm_status check_settings(lcm_form *f, const lcm__sheet *st_sh, int instance_id) {
    if (!st_sh || !st_sh->head || st_sh->nrows == 0)
        return LCM_OK;
    int c_name = lcm__sheet_col(st_sh, "name"), c_iname = lcm__sheet_col(st_sh, "instance_name");
    const char *name = lcm__sheet_cell(st_sh, 0, c_name);
    if (*name && !xml_name(name))
        return lcm__form_problemf(f, LCM_PARSE,
                                  "%s:%ld:%d: name '%s' (the form's root element) must be an XML "
                                  "name: a letter or '_', then letters, digits, '_', '-', '.'",
                                  st_sh->file, st_sh->lines[0], c_name + 1, name);
    name_ctx nc = {f, NULL, 0, instance_id};
    if (each_ref(lcm__sheet_cell(st_sh, 0, c_iname), unknown_ref, &nc))
        return lcm__form_problemf(f, LCM_PARSE,
                                  "%s:%ld:%d: instance_name names '${%.*s}', which is no question "
                                  "of survey.csv",
                                  st_sh->file, st_sh->lines[0], c_iname + 1, (int)nc.nbad, nc.bad);
    return LCM_OK;
}

/* Rows pyxform refuses for what they are: an audit named otherwise than "audit"; a
 * big-image without an image; a repeat named like the root ("data"); a repeat_count that
 * is an expression, for which pyxform adds the field <repeat>_count, when that name is
 * taken; a range's tick_labelset naming no list. */
static lcm_status check_rows(lcm_form *f, const lcm__sheet *sh, const lcm__sheet *st_sh) {
    int c_big = lcm__sheet_col(sh, "big-image"), c_img = lcm__sheet_col(sh, "image");
    if (c_big < 0)
        c_big = lcm__sheet_col(sh, "media::big-image");
    if (c_img < 0)
        c_img = lcm__sheet_col(sh, "media::image");
    const char *root = st_sh && st_sh->head && st_sh->nrows
                           ? lcm__sheet_cell(st_sh, 0, lcm__sheet_col(st_sh, "name"))
                           : "";
    if (!*root)
        root = "data";
    lcm_status st = LCM_OK;
    int c_value = lcm__sheet_col(sh, "value");
    if (c_value >= 0) /* pyxform reads "value" as another spelling of "name" */
        st = lcm__form_problemf(f, LCM_PARSE,
                                "%s:1:%d: column 'value' is another name of column 'name' in "
                                "XLSForm: rename or remove it",
                                sh->file, c_value + 1);
    for (size_t r = 0; r < sh->nrows && st == LCM_OK; r++) {
        int fi = field_of_row(f, sh, r);
        if (fi < 0)
            continue;
        const lcm_field *fd = &f->fields[fi];
        const char *type = lcm__sheet_cell(sh, r, f->cols.type);
        long line = sh->lines[r];
        if (strcasecmp(type, "audit") == 0 && *fd->name && strcmp(fd->name, "audit") != 0)
            st = lcm__form_problemf(f, LCM_PARSE,
                                    "%s:%ld:%d: an audit is always named 'audit': leave the name "
                                    "empty",
                                    sh->file, line, f->cols.name + 1);
        else if (*lcm__sheet_cell(sh, r, c_big) && !*lcm__sheet_cell(sh, r, c_img))
            st = lcm__form_problemf(f, LCM_PARSE, "%s:%ld:%d: a big-image needs an image too",
                                    sh->file, line, c_big + 1);
        else if (fd->type == LCM_FT_BEGIN_REPEAT && strcmp(fd->name, root) == 0)
            st = lcm__form_problemf(f, LCM_PARSE,
                                    "%s:%ld:%d: repeat '%s' takes the name of the form's root "
                                    "element",
                                    sh->file, line, f->cols.name + 1, fd->name);
        if (st != LCM_OK || fd->type != LCM_FT_BEGIN_REPEAT)
            continue;
        const char *rc = lcm__sheet_cell(sh, r, f->cols.repeat_count);
        size_t n = strlen(rc);
        int plain = n > 3 && strncmp(rc, "${", 2) == 0 && strchr(rc, '}') == rc + n - 1;
        char gen[160];
        snprintf(gen, sizeof gen, "%s_count", fd->name);
        if (n && !plain && lcm_form_find(f, gen) >= 0)
            st = lcm__form_problemf(f, LCM_PARSE,
                                    "%s:%ld:%d: repeat_count of '%s' is an expression, for which "
                                    "XLSForm adds a field '%s': that name is taken",
                                    sh->file, line, f->cols.repeat_count + 1, fd->name, gen);
    }
    /* pyxform: repeat names are unique in the whole form (fields, not rows: a loop copies
     * its rows, form_load.c) */
    for (size_t i = 0; i < f->nfields && st == LCM_OK; i++)
        for (size_t j = 0; f->fields[i].type == LCM_FT_BEGIN_REPEAT && j < i && st == LCM_OK; j++)
            if (f->fields[j].type == LCM_FT_BEGIN_REPEAT &&
                strcmp(f->fields[j].name, f->fields[i].name) == 0)
                st = lcm__form_problemf(f, LCM_PARSE,
                                        "%s:%ld:%d: repeat '%s' is already a repeat on line %ld: "
                                        "repeat names are unique in the whole form, at every level "
                                        "(pyxform refuses this too)",
                                        sh->file, f->fields[i].line, f->cols.name + 1,
                                        f->fields[i].name, f->fields[j].line);
    for (size_t r = 0; r < sh->nrows && st == LCM_OK && f->cols.parameters >= 0; r++) {
        const char *p = strstr(lcm__sheet_cell(sh, r, f->cols.parameters), "tick_labelset");
        if (!p)
            continue;
        p += strcspn(p, "=");
        p += *p ? 1 : 0;
        p += strspn(p, " ");
        char list[128];
        size_t n = strcspn(p, " ;,");
        snprintf(list, sizeof list, "%.*s", (int)(n < 127 ? n : 127), p);
        if (!lcm__form_find_list(f, list))
            st = lcm__form_problemf(f, LCM_PARSE,
                                    "%s:%ld:%d: tick_labelset '%s' is no list of choices.csv",
                                    sh->file, sh->lines[r], f->cols.parameters + 1, list);
    }
    return st;
}

lcm_status lcm__form_check_refs(lcm_form *f, const lcm__sheet *survey, const lcm__sheet *choices,
                                const lcm__sheet *settings, const lcm__sheet *entities,
                                lcm_err *err) {
    int iid = !(settings && settings->head && settings->nrows &&
                yes(lcm__sheet_cell(settings, 0, lcm__sheet_col(settings, "omit_instanceID"))));
    lcm_status st = check_text_refs(f, survey, iid);
    if (st == LCM_OK && choices && choices->head)
        st = check_text_refs(f, choices, iid);
    if (st == LCM_OK)
        st = check_settings(f, settings, iid);
    if (st == LCM_OK)
        st = check_rows(f, survey, settings);
    if (st == LCM_OK)
        st = check_triggers(f, survey);
    if (st == LCM_OK)
        st = check_entities(f, survey, entities && entities->head ? entities : NULL);
    if (st == LCM_OK)
        st = lcm__form_check_pyxform(f, survey);
    return st == LCM_OK ? LCM_OK : lcm_err_set(err, LCM_NOMEM, "out of memory checking a form");
}
