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
    const char *dup = row ? cell(sh, 0, lcm__sheet_col(sh, "allow_choice_duplicates")) : "";
    f->allow_dup = strcasecmp(dup, "yes") == 0 || strcasecmp(dup, "true") == 0 ||
                   strcasecmp(dup, "true()") == 0;
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
    if (lcm_form_choice(l, name) >= 0 && !f->allow_dup) /* else both mean the answer name */
        return lcm__form_problemf(f, LCM_PARSE,
                                  "%s:%ld:%d: list '%s' has choice '%s' twice (settings "
                                  "allow_choice_duplicates = yes allows it)",
                                  sh->file, sh->lines[row], c_name + 1, l->name, name);
    /* (allow_choice_duplicates: kept, e.g. a county under two states of a cascade; a
     * select_multiple stores the name in the first one's column) */
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

/* choices.csv, or (prefix "external_choices.csv/") the lists of select_one_external. */
static lcm_status read_lists(lcm_form *f, const lcm__sheet *sh, const char *prefix, lcm_err *err) {
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
        char full[300];
        snprintf(full, sizeof full, "%s%.200s", prefix ? prefix : "", cell(sh, r, c_list));
        const char *ln = full;
        lcm_choice_list *l = find_list(f, ln);
        if (!*cell(sh, r, c_list)) {
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

static lcm_status read_choices(lcm_form *f, const lcm__sheet *sh, lcm_err *err) {
    return read_lists(f, sh, NULL, err);
}

lcm_status lcm__form_make_list(lcm_form *f, const char *name) {
    lcm_choice_list *l = NULL;
    lcm_err why = {0};
    return new_list(f, name, NULL, 0, &l, &why);
}

lcm_status lcm__form_add_missing(lcm_form *f, const char *name, long line, int col) {
    char **grown = realloc(f->missing, (f->nmissing + 1) * sizeof *grown);
    if (!grown)
        return LCM_NOMEM;
    f->missing = grown;
    char msg[512];
    snprintf(msg, sizeof msg, "survey.csv:%ld:%d: data file '%s' is not beside the form", line, col,
             name);
    if (!(f->missing[f->nmissing] = strdup(msg)))
        return LCM_NOMEM;
    f->nmissing++;
    return LCM_OK;
}

/* A choices file pyxform takes that lcmon does not have at check time (not beside the
 * form, or .xml/.geojson, which lcmon does not read): the form is valid, its list empty
 * for now; loading the form for answers needs the file (lcm_form_missing_file). */
static lcm_status missing_list(lcm_form *f, const char *name, long line, int col, const char *why,
                               lcm_err *err) {
    lcm_choice_list *l = NULL;
    if (!lcm__form_find_list(f, name) && new_list(f, name, NULL, 0, &l, err) != LCM_OK)
        return oom(err);
    if (lcm__form_add_missing(f, name, line, col) != LCM_OK ||
        lcm__form_warnf(f,
                        "survey.csv:%ld:%d: data file '%s' %s: its choices are known once it is "
                        "(form load needs it)",
                        line, col, name, why) != LCM_OK)
        return oom(err);
    return LCM_OK;
}

/* The lists of external_choices.csv (select_one_external), read once, named
 * "external_choices.csv/<list>" beside those of choices.csv. */
static lcm_status external_choices(lcm_form *f, long line, int col, lcm_err *err) {
    static const char file[] = "external_choices.csv";
    if (f->ext_choices_read)
        return LCM_OK;
    f->ext_choices_read = 1;
    const char *have = lcm_form_external(f, file);
    char *text = NULL;
    lcm_err why = {0};
    if (!have && f->dir) {
        lcm_status rd = lcm__form_slurp(f->dir, file, 1, &text, &why);
        if (rd == LCM_NOMEM)
            return oom(err);
        if (rd != LCM_OK)
            return lcm__form_problemf(f, rd, "survey.csv:%ld:%d: data file '%s': %s", line, col,
                                      file, why.msg);
        if (text && lcm__form_add_external(f, file, text, err) != LCM_OK)
            return oom(err);
        have = text;
    }
    if (!have) { /* a sheet of the workbook, as pyxform requires it */
        f->ext_choices_missing = 1;
        return lcm__form_problemf(f, LCM_PARSE,
                                  "survey.csv:%ld:%d: select_one_external needs the sheet "
                                  "external_choices (external_choices.csv beside survey.csv) "
                                  "with the columns 'list_name' and 'name'",
                                  line, col);
    }
    lcm__sheet sh = {0};
    lcm_status st = lcm__sheet_read(have, file, &sh, &why);
    if (st != LCM_OK)
        return st == LCM_NOMEM ? oom(err) : lcm__form_problem(f, &why);
    /* (languages are those of the survey and choices sheets: labels of others are left) */
    st = read_lists(f, &sh, "external_choices.csv/", &why);
    lcm__sheet_free(&sh);
    return st == LCM_NOMEM ? oom(err) : st == LCM_OK ? LCM_OK : lcm__form_problem(f, &why);
}

/* The text of data file name: read with the form already, else from its folder. NULL with
 * a problem recorded at (line, col) of survey.csv when there is none; *st is set only when
 * reading stops (memory). */
static const char *external_text(lcm_form *f, const char *name, long line, int col,
                                 lcm_status *st) {
    const char *have = lcm_form_external(f, name);
    if (have)
        return have;
    lcm_err why = {0};
    char *text = NULL;
    if (!f->dir) {
        *st = lcm__form_problemf(f, LCM_NOTFOUND,
                                 "survey.csv:%ld:%d: data file '%s' is not stored with the form "
                                 "(read the form from its folder)",
                                 line, col, name);
        return NULL;
    }
    lcm_status rd = lcm__form_slurp(f->dir, name, 0, &text, &why);
    if (rd == LCM_NOMEM) {
        *st = LCM_NOMEM;
        return NULL;
    }
    if (rd != LCM_OK) {
        *st = lcm__form_problemf(f, rd, "survey.csv:%ld:%d: data file '%s' of the form: %s", line,
                                 col, name, why.msg);
        return NULL;
    }
    if ((*st = lcm__form_add_external(f, name, text, &why)) != LCM_OK)
        return NULL;
    return text;
}

/* A select_*_from_file list: the file's rows as the choices of a list named after the file,
 * `name` and `label[::lang]` columns as in choices.csv, every other column an extra one a
 * choice_filter may name. Problems name the file, line and column. */
static lcm_status external_list(lcm_form *f, const char *name, const char *text, long line, int col,
                                lcm_err *err) {
    lcm__sheet sh = {0};
    lcm_err why = {0};
    lcm_status st = lcm__sheet_read(text, name, &sh, &why);
    if (st != LCM_OK)
        return st == LCM_NOMEM ? oom(err) : lcm__form_problem(f, &why);
    int c_name = lcm__sheet_col(&sh, "name");
    if (c_name < 0 || lcm__form_label_col(&sh) < 0) {
        st = lcm__form_problemf(f, LCM_PARSE,
                                "%s:1:1: a choices file needs the columns 'name' and 'label' "
                                "(named in survey.csv line %ld, column %d)",
                                name, line, col);
        lcm__sheet_free(&sh);
        return st;
    }
    int extra_cols[64];
    size_t nextra = 0;
    for (size_t c = 0; c < sh.ncols && nextra < 64; c++)
        if (is_extra_column(sh.head[c]))
            extra_cols[nextra++] = (int)c;
    char **names = calloc(nextra ? nextra : 1, sizeof *names);
    for (size_t i = 0; names && i < nextra; i++)
        names[i] = strdup(sh.head[extra_cols[i]]);
    lcm_choice_list *l = NULL;
    /* (languages are those of the survey and choices sheets, as for external_choices: the
     * labels already read have a slot for each of those only, so a file's label::xx of
     * another language is left) */
    if (!names || (st = new_list(f, name, names, nextra, &l, err)) != LCM_OK) {
        for (size_t i = 0; names && i < nextra; i++)
            free(names[i]);
        free(names);
        lcm__sheet_free(&sh);
        return oom(err);
    }
    for (size_t r = 0; r < sh.nrows && st == LCM_OK; r++)
        st = add_choice(f, &sh, r, l, extra_cols, err);
    if (st == LCM_OK && l->n == 0)
        st = lcm__form_problemf(f, LCM_PARSE, "%s:2:1: the choices file has no rows", name);
    lcm__sheet_free(&sh);
    return st;
}

/* Data files the survey names, read before its rows (their lists and languages must be
 * there when the selects are read): `select_one_from_file F`, `select_multiple_from_file
 * F` (F a .csv file in the form's folder) and `csv-external N` (N.csv), checked here so
 * `form check` finds a missing or broken file; and the optional crosswalk.csv (docs/
 * forms.md) kept with the form. */
static lcm_status read_externals(lcm_form *f, const lcm__sheet *sh, lcm_err *err) {
    int c_type = lcm__sheet_col(sh, "type"), c_name = lcm__sheet_col(sh, "name");
    lcm_status st = LCM_OK;
    for (size_t r = 0; c_type >= 0 && r < sh->nrows && st == LCM_OK; r++) {
        const char *t = cell(sh, r, c_type), *file = NULL;
        char buf[300];
        int list = 0;
        if (strncasecmp(t, "select_one_external ", 20) == 0) {
            st = external_choices(f, sh->lines[r], c_type + 1, err);
            continue;
        }
        if (strncasecmp(t, "select_one_from_file ", 21) == 0)
            file = t + 21, list = 1;
        else if (strncasecmp(t, "select_multiple_from_file ", 26) == 0)
            file = t + 26, list = 1;
        else if (strcasecmp(t, "csv-external") == 0 && *cell(sh, r, c_name)) {
            snprintf(buf, sizeof buf, "%.200s.csv", cell(sh, r, c_name));
            file = buf;
        }
        if (!file)
            continue;
        while (*file == ' ')
            file++;
        if (list) {
            snprintf(buf, sizeof buf, "%.200s", file);
            char *sp = strchr(buf, ' ');
            if (sp)
                *sp = '\0'; /* "F or_other" is refused where the type is read */
            file = buf;
        }
        size_t n = strlen(file);
        if (list && lcm__form_find_list(f, file))
            continue; /* read (or found missing) for an earlier row */
        if (list && !strchr(file, '/') && !strchr(file, '\\') && file[0] != '.' &&
            ((n > 4 && strcasecmp(file + n - 4, ".xml") == 0) ||
             (n > 8 && strcasecmp(file + n - 8, ".geojson") == 0))) {
            st = missing_list(f, file, sh->lines[r], c_type + 1,
                              "is not CSV, which lcmon reads (give the list as a .csv file)", err);
            continue;
        }
        if (list && f->dir && !lcm_form_external(f, file) && !lcm__form_find_list(f, file)) {
            char *text = NULL;
            lcm_err why = {0};
            lcm_status rd = lcm__form_slurp(f->dir, file, 1, &text, &why);
            if (rd == LCM_NOMEM)
                return oom(err);
            free(text); /* read again below when it is there */
            if (rd == LCM_OK && !text && n > 4 && strcasecmp(file + n - 4, ".csv") == 0 &&
                !strchr(file, '/') && !strchr(file, '\\') && file[0] != '.') {
                st = missing_list(f, file, sh->lines[r], c_type + 1, "is not beside the form", err);
                continue;
            }
        }
        if (n < 5 || strcasecmp(file + n - 4, ".csv") != 0 || strchr(file, '/') ||
            strchr(file, '\\') || file[0] == '.') {
            st = lcm__form_problemf(f, LCM_UNSUPPORTED,
                                    "survey.csv:%ld:%d: data file '%s' must be a .csv file in the "
                                    "form's folder",
                                    sh->lines[r], c_type + 1, file);
            continue;
        }
        if (!list && !lcm_form_external(f, file)) {
            /* csv-external only declares a file for pulldata() and instance(), which the
             * device gets with the form: as in pyxform, one that is not here is no problem;
             * one that is here is read as CSV and kept with the form */
            char *text = NULL;
            lcm_err why = {0};
            lcm_status rd = f->dir ? lcm__form_slurp(f->dir, file, 1, &text, &why) : LCM_OK;
            lcm__sheet csv = {0};
            if (rd == LCM_NOMEM)
                return oom(err);
            if (rd != LCM_OK)
                st = lcm__form_problemf(f, rd, "survey.csv:%ld:%d: data file '%s': %s",
                                        sh->lines[r], c_type + 1, file, why.msg);
            else if (text && (rd = lcm__sheet_read(text, file, &csv, &why)) != LCM_OK) {
                free(text);
                st = rd == LCM_NOMEM ? oom(err) : lcm__form_problem(f, &why);
            } else if (text) {
                lcm__sheet_free(&csv);
                st = lcm__form_add_external(f, file, text, err);
            }
            continue;
        }
        const char *text = external_text(f, file, sh->lines[r], c_type + 1, &st);
        if (text && list && !lcm__form_find_list(f, file))
            st = external_list(f, file, text, sh->lines[r], c_type + 1, err);
    }
    if (st == LCM_OK && f->dir && !lcm_form_external(f, "crosswalk.csv")) {
        char *text = NULL;
        lcm_err why = {0};
        lcm_status rd = lcm__form_slurp(f->dir, "crosswalk.csv", 1, &text, &why);
        if (rd == LCM_NOMEM)
            return oom(err);
        if (rd != LCM_OK)
            st = lcm__form_problemf(f, rd, "crosswalk.csv: %s", why.msg);
        else if (text)
            st = lcm__form_add_external(f, "crosswalk.csv", text, err);
    }
    return st;
}

/* ---- begin loop over L / end loop ----------------------------------------------------
 * pyxform (builder.py, _create_loop_from_dict) makes the loop a group of its own name and
 * label holding one group per choice of L (named and labelled as the choice; a choice
 * named `none` is left out), each with a copy of the loop's rows in which `%(name)s` and
 * `%(label)s` become the choice's name and label (in a label, hint or message column of a
 * language, the label in that language). Done on the survey sheet before it is read, so
 * everything after sees plain groups. */

#define LOOP_MAX_ROWS 20000

/* L of a type cell "begin loop over L" (or begin_loop), into list; 1 when it is one. */
static int begin_loop(const char *t, char *list, size_t cap) {
    size_t n = strlen("begin loop over ");
    if (strncasecmp(t, "begin loop over ", n) != 0 && strncasecmp(t, "begin_loop over ", n) != 0)
        return 0;
    t += n;
    while (*t == ' ')
        t++;
    snprintf(list, cap, "%.*s", (int)strcspn(t, " "), t);
    return 1;
}

static int end_loop(const char *t) {
    return strcasecmp(t, "end loop") == 0 || strcasecmp(t, "end_loop") == 0;
}

/* s with %(name)s and %(label)s replaced; malloc'd. */
static char *substitute(const char *s, const char *name, const char *label) {
    size_t cap = strlen(s) + 1, len = 0;
    for (const char *p = s; (p = strstr(p, "%(")); p++)
        cap += strlen(name) + strlen(label);
    char *out = malloc(cap);
    if (!out)
        return NULL;
    while (*s) {
        const char *with = strncmp(s, "%(name)s", 8) == 0    ? name
                           : strncmp(s, "%(label)s", 9) == 0 ? label
                                                             : NULL;
        if (with) {
            size_t k = strlen(with);
            memcpy(out + len, with, k), len += k;
            s += with == name ? 8 : 9;
        } else
            out[len++] = *s++;
    }
    out[len] = '\0';
    return out;
}

typedef struct rows_out {
    char ***rows;
    long *lines;
    size_t n, cap, ncols;
} rows_out;

/* Append a row of ncols cells (taken over); 0 when out of memory. */
static int put_row(rows_out *o, char **cells, long line) {
    if (!cells)
        return 0;
    if (o->n == o->cap) {
        size_t cap = o->cap ? 2 * o->cap : 64;
        char ***rows = realloc(o->rows, cap * sizeof *rows);
        if (rows)
            o->rows = rows;
        long *lines = rows ? realloc(o->lines, cap * sizeof *lines) : NULL;
        if (!lines) {
            for (size_t c = 0; c < o->ncols; c++)
                free(cells[c]);
            free(cells);
            return 0;
        }
        o->lines = lines, o->cap = cap;
    }
    o->rows[o->n] = cells, o->lines[o->n++] = line;
    return 1;
}

/* A row of the sheet's width: a copy of src (NULL: empty cells) with the type set. */
static char **row_like(const lcm__sheet *sh, char *const *src, const char *type) {
    char **cells = calloc(sh->ncols ? sh->ncols : 1, sizeof *cells);
    int ok = cells != NULL;
    for (size_t c = 0; ok && c < sh->ncols; c++)
        ok = (cells[c] = strdup((int)c == lcm__sheet_col(sh, "type") && type ? type
                                : src                                        ? src[c]
                                                                             : "")) != NULL;
    if (!ok && cells) {
        for (size_t c = 0; c < sh->ncols; c++)
            free(cells[c]);
        free(cells);
        return NULL;
    }
    return cells;
}

/* The label of choice ch for column c of the sheet: in c's language when c is a label,
 * hint or message column of one, else in the form's default language. */
static const char *choice_label(lcm_form *f, const lcm__sheet *sh, size_t c, const lcm_choice *ch) {
    static const char *const bases[] = {"label", "hint", "constraint_message"};
    for (size_t b = 0; b < 3; b++) {
        char *code = lang_of(sh->head[c], bases[b]);
        int at = code ? lang_index(f, code, 0) : -1;
        free(code);
        if (at >= 0)
            return lcm_form_text(f, ch->label, (size_t)at);
    }
    return lcm_form_text(f, ch->label, lcm_form_lang_index(f, NULL));
}

/* Expand the first loop of the sheet; *found 0 when there is none. */
static lcm_status expand_one(lcm_form *f, lcm__sheet *sh, int *found, lcm_err *err) {
    int ct = lcm__sheet_col(sh, "type"), cn = lcm__sheet_col(sh, "name");
    char list[128];
    size_t b = 0, e = 0;
    *found = 0;
    for (b = 0; b < sh->nrows && !begin_loop(lcm__sheet_cell(sh, b, ct), list, sizeof list); b++)
        ;
    if (ct < 0 || b == sh->nrows)
        return LCM_OK;
    *found = 1;
    int depth = 0;
    for (e = b + 1; e < sh->nrows; e++) {
        char inner[128];
        if (begin_loop(lcm__sheet_cell(sh, e, ct), inner, sizeof inner))
            depth++;
        else if (end_loop(lcm__sheet_cell(sh, e, ct)) && depth-- == 0)
            break;
    }
    if (e == sh->nrows) {
        lcm_status st =
            lcm__form_problemf(f, LCM_PARSE, "%s:%ld:%d: 'begin loop over %s' is never closed",
                               sh->file, sh->lines[b], ct + 1, list);
        free(sh->rows[b][ct]); /* read on as a group, so the rows inside are checked */
        return st != LCM_OK ? st : (sh->rows[b][ct] = strdup("begin group")) ? LCM_OK : oom(err);
    }
    const lcm_choice_list *l = lcm__form_find_list(f, list);
    if (!l) {
        lcm_status st = lcm__form_problemf(
            f, LCM_PARSE, "%s:%ld:%d: no choice list '%s' in choices.csv to loop over", sh->file,
            sh->lines[b], ct + 1, list);
        free(sh->rows[b][ct]);
        free(sh->rows[e][ct]);
        sh->rows[b][ct] = strdup("begin group");
        sh->rows[e][ct] = strdup("end group");
        return st != LCM_OK ? st : sh->rows[b][ct] && sh->rows[e][ct] ? LCM_OK : oom(err);
    }
    if (sh->nrows + l->n * (e - b + 1) > LOOP_MAX_ROWS)
        return lcm_err_set(err, LCM_PARSE, "%s:%ld:%d: the loop over '%s' makes more than %d rows",
                           sh->file, sh->lines[b], ct + 1, list, LOOP_MAX_ROWS);
    rows_out o = {NULL, NULL, 0, 0, sh->ncols};
    int ok = 1;
    for (size_t r = 0; ok && r < b; r++)
        ok = put_row(&o, row_like(sh, sh->rows[r], NULL), sh->lines[r]);
    ok = ok && put_row(&o, row_like(sh, sh->rows[b], "begin group"), sh->lines[b]);
    for (size_t k = 0; ok && k < l->n; k++) {
        const lcm_choice *ch = &l->items[k];
        if (strcmp(ch->name, "none") == 0)
            continue;
        char **g = row_like(sh, NULL, "begin group");
        for (size_t c = 0; g && c < sh->ncols; c++) {
            char *code = lang_of(sh->head[c], "label");
            const char *v = (int)c == cn ? ch->name : code ? choice_label(f, sh, c, ch) : NULL;
            free(code);
            if (v) {
                free(g[c]);
                if (!(g[c] = strdup(v)))
                    ok = 0;
            }
        }
        ok = ok && put_row(&o, g, sh->lines[b]);
        for (size_t r = b + 1; ok && r < e; r++) {
            char **cells = calloc(sh->ncols ? sh->ncols : 1, sizeof *cells);
            for (size_t c = 0; cells && c < sh->ncols; c++)
                if (!(cells[c] = substitute(sh->rows[r][c], ch->name, choice_label(f, sh, c, ch))))
                    ok = 0;
            ok = ok && put_row(&o, cells, sh->lines[r]);
        }
        ok = ok && put_row(&o, row_like(sh, NULL, "end group"), sh->lines[e]);
    }
    ok = ok && put_row(&o, row_like(sh, sh->rows[e], "end group"), sh->lines[e]);
    for (size_t r = e + 1; ok && r < sh->nrows; r++)
        ok = put_row(&o, row_like(sh, sh->rows[r], NULL), sh->lines[r]);
    if (!ok) {
        for (size_t r = 0; r < o.n; r++) {
            for (size_t c = 0; c < sh->ncols; c++)
                free(o.rows[r][c]);
            free(o.rows[r]);
        }
        free(o.rows), free(o.lines);
        return oom(err);
    }
    for (size_t r = 0; r < sh->nrows; r++) {
        for (size_t c = 0; c < sh->ncols; c++)
            free(sh->rows[r][c]);
        free(sh->rows[r]);
    }
    free(sh->rows), free(sh->lines);
    sh->rows = o.rows, sh->lines = o.lines, sh->nrows = o.n, sh->cap = o.cap;
    return LCM_OK;
}

static lcm_status expand_loops(lcm_form *f, lcm__sheet *sh, lcm_err *err) {
    int found = 1;
    lcm_status st = LCM_OK;
    while (st == LCM_OK && found)
        st = expand_one(f, sh, &found, err);
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
    if (st == LCM_OK && f->text[T_SURVEY])
        st = expand_loops(f, &sh[T_SURVEY], err);
    if (st == LCM_OK && f->text[T_SURVEY])
        st = read_externals(f, &sh[T_SURVEY], err);
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
