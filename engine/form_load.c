/*
 * form_load.c - settings.csv and choices.csv read into an lcm_form, the languages of the
 * labels, and the order of reading (survey.csv rows are read in form_survey.c; expressions
 * are resolved in form_check.c, since one may name a field further down).
 *
 * Every message names file:line:column (the column of the CSV cell, from 1), so a form
 * author can go straight to the cell in the spreadsheet. A problem in one row is recorded
 * (lcm__form_problem) and reading goes on, so `lcmon form check` lists them all; only a
 * file that cannot be read as a table at all stops it.
 *
 * or_other is expanded here as pyxform does: the select gets a copy of its list with an
 * `other` choice added, and a generated text field `<name>_other` follows it.
 */
#include "form_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define T_SURVEY 0
#define T_CHOICES 1
#define T_SETTINGS 2

static lcm_status oom(lcm_err *err) {
    return lcm_err_set(err, LCM_NOMEM, "out of memory reading a form");
}

int lcm__form_name_ok(const char *s) {
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
        return 0;
    for (s++; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || *s == '-' || *s == '.'))
            return 0;
    return 1;
}

/* The language of a header like "label", "label::zh" or "label::Chinese (zh)": a
 * malloc'd code ("" for the unmarked column), or NULL when header is not base. */
static char *lang_of(const char *header, const char *base) {
    size_t n = strlen(base);
    if (strncasecmp(header, base, n) != 0)
        return NULL;
    if (header[n] == '\0')
        return strdup("");
    if (header[n] != ':') /* "label::zh", and the older "label:zh" pyxform still reads */
        return NULL;
    const char *lang = header + n + (header[n + 1] == ':' ? 2 : 1), *open = strrchr(lang, '('),
               *close = strrchr(lang, ')');
    if (open && close > open + 1 && close[1] == '\0')
        return strndup(open + 1, (size_t)(close - open - 1));
    return strdup(lang);
}

/* Index of language code in f->langs, adding it when add is set; -1 when absent. */
static int lang_index(lcm_form *f, const char *code, int add) {
    for (size_t i = 0; i < f->nlangs; i++)
        if (strcmp(f->langs[i], code) == 0)
            return (int)i;
    if (!add)
        return -1;
    char **grown = realloc(f->langs, (f->nlangs + 1) * sizeof *grown);
    if (!grown)
        return -2;
    f->langs = grown;
    if (!(f->langs[f->nlangs] = strdup(code)))
        return -2;
    return (int)f->nlangs++;
}

static lcm_status collect_langs(lcm_form *f, const lcm__sheet *sh, lcm_err *err) {
    static const char *const bases[] = {"label", "hint", "constraint_message"};
    for (size_t c = 0; c < sh->ncols; c++)
        for (size_t b = 0; b < 3; b++) {
            char *code = lang_of(sh->head[c], bases[b]);
            int at = code ? lang_index(f, code, 1) : 0;
            free(code);
            if (at == -2)
                return oom(err);
        }
    return LCM_OK;
}

int lcm__form_label_col(const lcm__sheet *sh) {
    for (size_t c = 0; c < sh->ncols; c++) {
        char *code = lang_of(sh->head[c], "label");
        free(code);
        if (code)
            return (int)c;
    }
    return -1;
}

lcm_status lcm__form_texts(lcm_form *f, const lcm__sheet *sh, size_t row, const char *base,
                           char ***out, lcm_err *err) {
    char **t = calloc(f->nlangs ? f->nlangs : 1, sizeof *t);
    if (!t)
        return oom(err);
    for (size_t c = 0; c < sh->ncols; c++) {
        char *code = lang_of(sh->head[c], base);
        int at = code ? lang_index(f, code, 0) : -1;
        free(code);
        /* "label::zh" and "label::Chinese (zh)" both mean zh: the first one wins. */
        if (at >= 0 && sh->rows[row][c][0] && !t[at] && !(t[at] = strdup(sh->rows[row][c]))) {
            for (size_t i = 0; i < f->nlangs; i++)
                free(t[i]);
            free(t);
            return oom(err);
        }
    }
    *out = t;
    return LCM_OK;
}

const char *lcm__sheet_cell(const lcm__sheet *sh, size_t row, int col) {
    return col >= 0 ? sh->rows[row][col] : "";
}

static const char *cell(const lcm__sheet *sh, size_t row, int col) {
    return lcm__sheet_cell(sh, row, col);
}

/* settings.csv is optional, as in pyxform: form_id defaults to the form's folder name (or
 * the id it was stored under) and version to "1"; a header without rows is no settings. */
static lcm_status read_settings(lcm_form *f, const lcm__sheet *sh, lcm_err *err) {
    int have = f->text[T_SETTINGS] != NULL;
    int c_id = have ? lcm__sheet_col(sh, "form_id") : -1;
    int c_ver = have ? lcm__sheet_col(sh, "version") : -1;
    if (have && sh->nrows > 1)
        return lcm_err_set(err, LCM_PARSE, "%s: expected one row of settings, found %zu", sh->file,
                           sh->nrows);
    int row = have && sh->nrows == 1;
    const char *id = row && c_id >= 0 ? cell(sh, 0, c_id) : "";
    const char *ver = row && c_ver >= 0 ? cell(sh, 0, c_ver) : "";
    long line = row ? sh->lines[0] : 1;
    int id_given = *id != '\0', ver_given = *ver != '\0';
    if (!id_given && f->default_id)
        id = f->default_id;
    if (!ver_given)
        ver = "1";
    lcm_status st = LCM_OK;
    if (!*id)
        st = lcm__form_problemf(f, LCM_PARSE, "settings.csv:%ld:%d: no form_id (add one)", line,
                                c_id >= 0 ? c_id + 1 : 1);
    else if (!lcm__form_name_ok(id) || strlen(id) > 64)
        st = lcm__form_problemf(f, LCM_PARSE,
                                "settings.csv:%ld:%d: form_id '%s'%s must start with a letter or "
                                "'_' and hold only letters, digits, '_', '-', '.' (at most 64)",
                                line, c_id >= 0 ? c_id + 1 : 1, id,
                                id_given ? "" : " (the folder's name; give one in settings.csv)");
    if (st == LCM_OK &&
        (strspn(ver, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_.-") !=
             strlen(ver) ||
         strlen(ver) > 32))
        st = lcm__form_problemf(f, LCM_PARSE,
                                "settings.csv:%ld:%d: version '%s' must be 1 to 32 letters, "
                                "digits, '_', '-', '.' (responses are stored per version)",
                                line, c_ver + 1, ver);
    if (st != LCM_OK)
        return oom(err);
    const char *dl = row ? cell(sh, 0, lcm__sheet_col(sh, "default_language")) : "";
    char header[256];
    snprintf(header, sizeof header, "label::%s", dl); /* "Chinese (zh)" → "zh" */
    f->form_id = strdup(id);
    f->version = strdup(ver);
    f->title = strdup(row ? cell(sh, 0, lcm__sheet_col(sh, "form_title")) : "");
    f->default_lang = *dl ? lang_of(header, "label") : strdup("zh");
    if (!f->form_id || !f->version || !f->title || !f->default_lang)
        return oom(err);
    return LCM_OK;
}

/* Columns of choices.csv that are neither the list, the name, a label nor media. */
static int is_extra_column(const char *h) {
    char *l = lang_of(h, "label");
    int media = strncasecmp(h, "media::", 7) == 0 || strncasecmp(h, "image", 5) == 0 ||
                strncasecmp(h, "audio", 5) == 0 || strncasecmp(h, "video", 5) == 0;
    free(l);
    return !l && !media && *h && strcasecmp(h, "list_name") != 0 && strcasecmp(h, "name") != 0;
}

const lcm_choice_list *lcm__form_find_list(const lcm_form *f, const char *name) {
    for (size_t i = 0; i < f->nlists; i++)
        if (strcmp(f->lists[i].name, name) == 0)
            return &f->lists[i];
    return NULL;
}

static lcm_choice_list *find_list(lcm_form *f, const char *name) {
    return (lcm_choice_list *)lcm__form_find_list(f, name);
}

static lcm_status new_list(lcm_form *f, const char *name, char **extra, size_t nextra,
                           lcm_choice_list **out, lcm_err *err) {
    lcm_choice_list *grown = realloc(f->lists, (f->nlists + 1) * sizeof *grown);
    if (!grown)
        return oom(err);
    f->lists = grown;
    lcm_choice_list *l = &f->lists[f->nlists];
    memset(l, 0, sizeof *l);
    if (!(l->name = strdup(name)))
        return oom(err);
    l->extra_names = (const char *const *)extra;
    l->nextra = nextra;
    f->nlists++;
    *out = l;
    return LCM_OK;
}

static lcm_status add_choice(lcm_form *f, const lcm__sheet *sh, size_t row, lcm_choice_list *l,
                             const int *extra_cols, lcm_err *err) {
    int c_name = lcm__sheet_col(sh, "name");
    const char *name = cell(sh, row, c_name);
    if (!*name)
        return lcm__form_problemf(f, LCM_PARSE, "%s:%ld:%d: choice of list '%s' has no name",
                                  sh->file, sh->lines[row], c_name + 1, l->name);
    if (lcm_form_choice(l, name) >= 0)
        return lcm__form_problemf(f, LCM_PARSE, "%s:%ld:%d: list '%s' has choice '%s' twice",
                                  sh->file, sh->lines[row], c_name + 1, l->name, name);
    lcm_choice *items = realloc((void *)l->items, (l->n + 1) * sizeof *items);
    if (!items)
        return oom(err);
    l->items = items;
    lcm_choice *c = &items[l->n];
    memset(c, 0, sizeof *c);
    char **label = NULL, **extra = calloc(l->nextra ? l->nextra : 1, sizeof *extra);
    if (!extra || lcm__form_texts(f, sh, row, "label", &label, err) != LCM_OK) {
        free(extra);
        return oom(err);
    }
    c->label = (const char *const *)label;
    c->extra = (const char *const *)extra;
    c->line = sh->lines[row];
    l->n++;
    int bad = !(c->name = strdup(name));
    for (size_t i = 0; i < l->nextra; i++)
        bad |= !(extra[i] = strdup(cell(sh, row, extra_cols[i])));
    return bad ? oom(err) : LCM_OK;
}

static lcm_status read_choices(lcm_form *f, const lcm__sheet *sh, lcm_err *err) {
    int c_list = lcm__sheet_col(sh, "list_name"), c_name = lcm__sheet_col(sh, "name");
    if (c_list < 0 || c_name < 0)
        return lcm_err_set(err, LCM_PARSE, "%s:1: missing column '%s'", sh->file,
                           c_list < 0 ? "list_name" : "name");
    int extra_cols[64];
    size_t nextra = 0;
    for (size_t c = 0; c < sh->ncols && nextra < 64; c++)
        if (is_extra_column(sh->head[c]))
            extra_cols[nextra++] = (int)c;
    lcm_status st = LCM_OK;
    f->cols.choice_name = c_name;
    for (size_t r = 0; r < sh->nrows && st == LCM_OK; r++) {
        const char *ln = cell(sh, r, c_list);
        lcm_choice_list *l = find_list(f, ln);
        if (!*ln) {
            st = lcm__form_problemf(f, LCM_PARSE, "%s:%ld:%d: choice without a list_name", sh->file,
                                    sh->lines[r], c_list + 1);
            continue;
        }
        if (!l) {
            /* Every list shares the extra column names; the form owns one copy per list. */
            char **names = calloc(nextra ? nextra : 1, sizeof *names);
            for (size_t i = 0; names && i < nextra; i++)
                names[i] = strdup(sh->head[extra_cols[i]]);
            if (!names)
                return oom(err);
            if ((st = new_list(f, ln, names, nextra, &l, err)) != LCM_OK) {
                for (size_t i = 0; i < nextra; i++)
                    free(names[i]);
                free(names);
                return st;
            }
        }
        st = add_choice(f, sh, r, l, extra_cols, err);
    }
    return st;
}

lcm_status lcm__form_parse(lcm_form *f, lcm_err *err) {
    static const char *const names[] = {"survey.csv", "choices.csv", "settings.csv"};
    lcm__sheet sh[3] = {{0}};
    lcm_status st = LCM_OK;
    f->cols.choice_name = -1;
    for (int i = 0; i < 3 && st == LCM_OK; i++)
        if (f->text[i])
            st = lcm__sheet_read(f->text[i], names[i], &sh[i], err);
    if (st == LCM_OK && (st = read_settings(f, &sh[T_SETTINGS], err)) == LCM_OK &&
        (st = collect_langs(f, &sh[T_SURVEY], err)) == LCM_OK && f->text[T_CHOICES] &&
        (st = collect_langs(f, &sh[T_CHOICES], err)) == LCM_OK)
        st = read_choices(f, &sh[T_CHOICES], err);
    if (st == LCM_OK)
        st = lcm__form_read_survey(f, &sh[T_SURVEY], err);
    lcm__sheet ent = {0};
    if (st == LCM_OK && f->entities)
        st = lcm__sheet_read(f->entities, "entities.csv", &ent, err);
    if (st == LCM_OK)
        st = lcm__form_check_refs(f, &sh[T_SURVEY], &sh[T_CHOICES], &sh[T_SETTINGS],
                                  f->entities ? &ent : NULL, err);
    if (ent.head)
        lcm__sheet_free(&ent);
    for (int i = 0; i < 3; i++)
        if (sh[i].head)
            lcm__sheet_free(&sh[i]);
    return st;
}
