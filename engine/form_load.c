/*
 * form_load.c - settings.csv, choices.csv and survey.csv read into an lcm_form: types,
 * names, groups and repeats, labels per language, expressions parsed (not yet resolved:
 * an expression may name a field further down; form_check.c resolves them).
 *
 * Every message names file:line:column (the column of the CSV cell, from 1), so a form
 * author can go straight to the cell in the spreadsheet.
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
    if (strncmp(header + n, "::", 2) != 0)
        return NULL;
    const char *lang = header + n + 2, *open = strrchr(lang, '('), *close = strrchr(lang, ')');
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

/* Texts of one row for base ("label", …) per language: a calloc'd array of nlangs. */
static lcm_status texts_of(lcm_form *f, const lcm__sheet *sh, size_t row, const char *base,
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

static const char *cell(const lcm__sheet *sh, size_t row, int col) {
    return col >= 0 ? sh->rows[row][col] : "";
}

static lcm_status read_settings(lcm_form *f, const lcm__sheet *sh, lcm_err *err) {
    int c_id = lcm__sheet_col(sh, "form_id"), c_ver = lcm__sheet_col(sh, "version");
    if (c_id < 0 || c_ver < 0)
        return lcm_err_set(err, LCM_PARSE, "%s:1: missing column '%s'", sh->file,
                           c_id < 0 ? "form_id" : "version");
    if (sh->nrows != 1)
        return lcm_err_set(err, LCM_PARSE, "%s: expected one row of settings, found %zu", sh->file,
                           sh->nrows);
    const char *id = cell(sh, 0, c_id), *ver = cell(sh, 0, c_ver);
    if (!lcm__form_name_ok(id) || strlen(id) > 64)
        return lcm_err_set(err, LCM_PARSE,
                           "%s:%ld:%d: form_id '%s' must start with a letter or '_' and hold only "
                           "letters, digits, '_', '-', '.' (at most 64)",
                           sh->file, sh->lines[0], c_id + 1, id);
    if (!*ver ||
        strspn(ver, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_.-") !=
            strlen(ver) ||
        strlen(ver) > 32)
        return lcm_err_set(err, LCM_PARSE,
                           "%s:%ld:%d: version '%s' must be 1 to 32 letters, digits, '_', '-', '.' "
                           "(responses are stored per version)",
                           sh->file, sh->lines[0], c_ver + 1, ver);
    const char *dl = cell(sh, 0, lcm__sheet_col(sh, "default_language"));
    char header[256];
    snprintf(header, sizeof header, "label::%s", dl); /* "Chinese (zh)" → "zh" */
    f->form_id = strdup(id);
    f->version = strdup(ver);
    f->title = strdup(cell(sh, 0, lcm__sheet_col(sh, "form_title")));
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

static lcm_choice_list *find_list(lcm_form *f, const char *name) {
    for (size_t i = 0; i < f->nlists; i++)
        if (strcmp(f->lists[i].name, name) == 0)
            return &f->lists[i];
    return NULL;
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
        return lcm_err_set(err, LCM_PARSE, "%s:%ld:%d: choice of list '%s' has no name", sh->file,
                           sh->lines[row], c_name + 1, l->name);
    if (lcm_form_choice(l, name) >= 0)
        return lcm_err_set(err, LCM_PARSE, "%s:%ld:%d: list '%s' has choice '%s' twice", sh->file,
                           sh->lines[row], c_name + 1, l->name, name);
    lcm_choice *items = realloc((void *)l->items, (l->n + 1) * sizeof *items);
    if (!items)
        return oom(err);
    l->items = items;
    lcm_choice *c = &items[l->n];
    memset(c, 0, sizeof *c);
    char **label = NULL, **extra = calloc(l->nextra ? l->nextra : 1, sizeof *extra);
    if (!extra || texts_of(f, sh, row, "label", &label, err) != LCM_OK) {
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
    for (size_t r = 0; r < sh->nrows && st == LCM_OK; r++) {
        const char *ln = cell(sh, r, c_list);
        lcm_choice_list *l = find_list(f, ln);
        if (!*ln)
            return lcm_err_set(err, LCM_PARSE, "%s:%ld:%d: choice without a list_name", sh->file,
                               sh->lines[r], c_list + 1);
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

static const struct {
    const char *name;
    lcm_field_type type;
} types[] = {
    {"integer", LCM_FT_INTEGER},
    {"decimal", LCM_FT_DECIMAL},
    {"text", LCM_FT_TEXT},
    {"select_one", LCM_FT_SELECT_ONE},
    {"select_multiple", LCM_FT_SELECT_MULTIPLE},
    {"note", LCM_FT_NOTE},
    {"calculate", LCM_FT_CALCULATE},
    {"date", LCM_FT_DATE},
    {"range", LCM_FT_RANGE},
    {"begin group", LCM_FT_BEGIN_GROUP},
    {"end group", LCM_FT_END_GROUP},
    {"begin repeat", LCM_FT_BEGIN_REPEAT},
    {"end repeat", LCM_FT_END_REPEAT},
    {"start", LCM_FT_START},
    {"end", LCM_FT_END},
    {"today", LCM_FT_TODAY},
    {"deviceid", LCM_FT_DEVICEID},
    {"username", LCM_FT_USERNAME},
    {"int", LCM_FT_INTEGER}, /* pyxform's aliases */
    {"begin_group", LCM_FT_BEGIN_GROUP},
    {"end_group", LCM_FT_END_GROUP},
    {"begin_repeat", LCM_FT_BEGIN_REPEAT},
    {"end_repeat", LCM_FT_END_REPEAT},
};
#define NTYPES (sizeof types / sizeof types[0])

const char *lcm__form_type_name(lcm_field_type t) {
    for (size_t i = 0; i < NTYPES; i++)
        if (types[i].type == t)
            return types[i].name;
    return "?";
}

int lcm__form_has_value(lcm_field_type t) {
    return t != LCM_FT_NOTE && t != LCM_FT_BEGIN_GROUP && t != LCM_FT_END_GROUP &&
           t != LCM_FT_BEGIN_REPEAT && t != LCM_FT_END_REPEAT;
}

/* Column indexes of survey.csv. */
typedef struct survey_cols {
    int type, name, required, relevant, constraint, calculation, choice_filter, appearance, dflt,
        repeat_count, read_only, parameters, lcmon_column, lcmon_reference;
} survey_cols;

static lcm_status parse_type(lcm_form *f, const lcm__sheet *sh, size_t r, int col, lcm_field *fd,
                             lcm_err *err) {
    char text[256];
    size_t n = 0;
    for (const char *p = cell(sh, r, col); *p && n < sizeof text - 1; p++)
        if (!(*p == ' ' && (n == 0 || text[n - 1] == ' '))) /* one space between words */
            text[n++] = *p;
    text[n] = '\0';
    char *space = strchr(text, ' ');
    int is_select = space && (strncmp(text, "select_one ", 11) == 0 ||
                              strncmp(text, "select_multiple ", 16) == 0);
    if (is_select) {
        *space = '\0';
        if (strchr(space + 1, ' '))
            return lcm_err_set(err, LCM_UNSUPPORTED,
                               "%s:%ld:%d: type '%s %s' is not supported (or_other and similar "
                               "extensions: add an 'other' choice and a text question instead)",
                               sh->file, sh->lines[r], col + 1, text, space + 1);
        if (!(fd->list = find_list(f, space + 1)))
            return lcm_err_set(err, LCM_PARSE, "%s:%ld:%d: no choice list '%s' in choices.csv",
                               sh->file, sh->lines[r], col + 1, space + 1);
    }
    for (size_t i = 0; i < NTYPES; i++)
        if (strcasecmp(text, types[i].name) == 0 &&
            is_select ==
                (types[i].type == LCM_FT_SELECT_ONE || types[i].type == LCM_FT_SELECT_MULTIPLE)) {
            fd->type = types[i].type;
            return LCM_OK;
        }
    if (!*text)
        return lcm_err_set(err, LCM_PARSE, "%s:%ld:%d: row has no type", sh->file, sh->lines[r],
                           col + 1);
    return lcm_err_set(err, LCM_UNSUPPORTED,
                       "%s:%ld:%d: type '%s' is not supported (lcmon knows integer, decimal, text, "
                       "select_one, select_multiple, note, calculate, date, range, groups, "
                       "repeats, start, end, today, deviceid, username)",
                       sh->file, sh->lines[r], col + 1, text);
}

static lcm_status parse_expr_cell(const lcm__sheet *sh, size_t r, int col, const char *fname,
                                  int filter, lcm_expr **out, lcm_err *err) {
    const char *src = cell(sh, r, col);
    *out = NULL;
    if (!*src)
        return LCM_OK;
    lcm_err why = {0};
    lcm_status st = filter ? lcm_expr_parse_filter(src, out, &why) : lcm_expr_parse(src, out, &why);
    if (st == LCM_OK)
        return LCM_OK;
    const char *msg = why.msg;
    int at = 0;
    if (sscanf(msg, "column %d: ", &at) == 1)
        msg = strchr(msg, ':') + 2;
    return lcm_err_set(err, st, "%s:%ld:%d: %s of '%s', character %d: %s", sh->file, sh->lines[r],
                       col + 1, sh->head[col], fname, at, msg);
}

/* yes/no cells (required, read_only); lcmon takes no expressions there. */
static lcm_status yes_no(const lcm__sheet *sh, size_t r, int col, int *out, lcm_err *err) {
    static const char *const yes[] = {"yes", "true", "true()", "1"};
    static const char *const no[] = {"", "no", "false", "false()", "0"};
    const char *v = cell(sh, r, col);
    for (size_t i = 0; i < 4; i++)
        if (strcasecmp(v, yes[i]) == 0)
            return *out = 1, LCM_OK;
    for (size_t i = 0; i < 5; i++)
        if (strcasecmp(v, no[i]) == 0)
            return *out = 0, LCM_OK;
    return lcm_err_set(err, LCM_UNSUPPORTED, "%s:%ld:%d: %s must be yes or no, not '%s'", sh->file,
                       sh->lines[r], col + 1, sh->head[col], v);
}

/* range parameters "start=1 end=5 step=1". */
static lcm_status range_params(const lcm__sheet *sh, size_t r, int col, lcm_field *fd,
                               lcm_err *err) {
    fd->range_start = 1, fd->range_end = 10, fd->range_step = 1;
    char key[16];
    double value;
    int used;
    for (const char *p = cell(sh, r, col); *p;) {
        if (sscanf(p, " %15[a-z] = %lf%n", key, &value, &used) != 2)
            return lcm_err_set(err, LCM_PARSE,
                               "%s:%ld:%d: parameters must look like 'start=1 end=5 step=1'",
                               sh->file, sh->lines[r], col + 1);
        if (strcmp(key, "start") == 0)
            fd->range_start = value;
        else if (strcmp(key, "end") == 0)
            fd->range_end = value;
        else if (strcmp(key, "step") == 0)
            fd->range_step = value;
        p += used;
        p += strspn(p, " ;,");
    }
    if (!(fd->range_step > 0) || !(fd->range_end >= fd->range_start))
        return lcm_err_set(err, LCM_PARSE, "%s:%ld:%d: range needs start <= end and step > 0",
                           sh->file, sh->lines[r], col + 1);
    return LCM_OK;
}

static lcm_status read_extensions(const lcm__sheet *sh, size_t r, const survey_cols *c,
                                  lcm_field *fd, lcm_err *err) {
    static const char *const refs[] = {"", "city", "county", "township"};
    const char *col = cell(sh, r, c->lcmon_column), *ref = cell(sh, r, c->lcmon_reference);
    if (*col) {
        int std = lcm__std_col_find(col);
        if (std < 0 || !lcm__std_cols[std].settable)
            return lcm_err_set(err, LCM_PARSE,
                               "%s:%ld:%d: lcmon_column '%s' is not a standard column a field can "
                               "fill (city, wave, stratum, psu, household_id, design_weight, "
                               "interviewer)",
                               sh->file, sh->lines[r], c->lcmon_column + 1, col);
        if (!(fd->column = strdup(lcm__std_cols[std].name)))
            return oom(err);
    }
    for (size_t i = 1; *ref && i < 4; i++)
        if (strcasecmp(ref, refs[i]) == 0)
            fd->reference = (lcm_ref_kind)i;
    if (*ref && fd->reference == LCM_REF_NONE)
        return lcm_err_set(err, LCM_PARSE,
                           "%s:%ld:%d: lcmon_reference must be city, county or township, not '%s'",
                           sh->file, sh->lines[r], c->lcmon_reference + 1, ref);
    return LCM_OK;
}

static lcm_status read_field(lcm_form *f, const lcm__sheet *sh, size_t r, const survey_cols *c,
                             lcm_field *fd, lcm_err *err) {
    char **label = NULL, **hint = NULL, **msg = NULL;
    lcm_expr *e[5] = {NULL};
    lcm_status st = parse_type(f, sh, r, c->type, fd, err);
    fd->line = sh->lines[r];
    fd->parent = fd->repeat = fd->end = -1;
    if (st == LCM_OK && (st = texts_of(f, sh, r, "label", &label, err)) == LCM_OK &&
        (st = texts_of(f, sh, r, "hint", &hint, err)) == LCM_OK)
        st = texts_of(f, sh, r, "constraint_message", &msg, err);
    fd->label = (const char *const *)label;
    fd->hint = (const char *const *)hint;
    fd->constraint_message = (const char *const *)msg;
    if (st != LCM_OK)
        return st;
    const char *name = cell(sh, r, c->name);
    if (!(fd->name = strdup(name)))
        return oom(err);
    const int cols[5] = {c->relevant, c->constraint, c->calculation, c->choice_filter,
                         c->repeat_count};
    for (int i = 0; i < 5 && st == LCM_OK; i++)
        st = parse_expr_cell(sh, r, cols[i], name, i == 3, &e[i], err);
    fd->relevant = e[0], fd->constraint = e[1], fd->calculation = e[2];
    fd->choice_filter = e[3], fd->repeat_count = e[4];
    if (st == LCM_OK && (st = yes_no(sh, r, c->required, &fd->required, err)) == LCM_OK)
        st = yes_no(sh, r, c->read_only, &fd->read_only, err);
    const char *dflt = cell(sh, r, c->dflt), *app = cell(sh, r, c->appearance);
    if (st == LCM_OK && *dflt && !(fd->default_value = strdup(dflt)))
        st = oom(err);
    if (st == LCM_OK && *app && !(fd->appearance = strdup(app)))
        st = oom(err);
    if (st == LCM_OK && fd->type == LCM_FT_RANGE)
        st = range_params(sh, r, c->parameters, fd, err);
    if (st == LCM_OK)
        st = read_extensions(sh, r, c, fd, err);
    return st;
}

/* Name checks: present (except on end rows), valid, unique without case. */
static lcm_status check_name(const lcm_form *f, const lcm__sheet *sh, size_t r, int col,
                             const lcm_field *fd, lcm_err *err) {
    if (fd->type == LCM_FT_END_GROUP || fd->type == LCM_FT_END_REPEAT)
        return LCM_OK;
    if (!*fd->name)
        return lcm_err_set(err, LCM_PARSE, "%s:%ld:%d: %s row has no name", sh->file, sh->lines[r],
                           col + 1, lcm__form_type_name(fd->type));
    if (!lcm__form_name_ok(fd->name) || strlen(fd->name) > 64)
        return lcm_err_set(err, LCM_PARSE,
                           "%s:%ld:%d: name '%s' must start with a letter or '_' and hold only "
                           "letters, digits, '_', '-', '.' (at most 64)",
                           sh->file, sh->lines[r], col + 1, fd->name);
    for (size_t i = 0; i < f->nfields; i++)
        if (strcasecmp(f->fields[i].name, fd->name) == 0)
            return lcm_err_set(err, LCM_PARSE,
                               "%s:%ld:%d: name '%s' is already used on line %ld (names are "
                               "compared without case)",
                               sh->file, sh->lines[r], col + 1, fd->name, f->fields[i].line);
    return LCM_OK;
}

/* Groups and repeats: a stack of open begin rows; fields record parent and repeat. */
static lcm_status nest(lcm_form *f, const lcm__sheet *sh, int *stack, int *depth, lcm_err *err) {
    int i = (int)f->nfields - 1;
    lcm_field *fd = &f->fields[i];
    fd->parent = *depth ? stack[*depth - 1] : -1;
    fd->repeat = fd->parent >= 0 ? (f->fields[fd->parent].type == LCM_FT_BEGIN_REPEAT
                                        ? fd->parent
                                        : f->fields[fd->parent].repeat)
                                 : -1;
    if (fd->type == LCM_FT_BEGIN_GROUP || fd->type == LCM_FT_BEGIN_REPEAT) {
        if (fd->type == LCM_FT_BEGIN_REPEAT && fd->repeat >= 0)
            return lcm_err_set(err, LCM_UNSUPPORTED,
                               "%s:%ld: repeat '%s' inside repeat '%s' is not supported", sh->file,
                               fd->line, fd->name, f->fields[fd->repeat].name);
        if (*depth >= 32)
            return lcm_err_set(err, LCM_PARSE, "%s:%ld: groups nested deeper than 32", sh->file,
                               fd->line);
        stack[(*depth)++] = i;
    } else if (fd->type == LCM_FT_END_GROUP || fd->type == LCM_FT_END_REPEAT) {
        int want = fd->type == LCM_FT_END_GROUP ? LCM_FT_BEGIN_GROUP : LCM_FT_BEGIN_REPEAT;
        if (!*depth)
            return lcm_err_set(err, LCM_PARSE, "%s:%ld: %s without a begin", sh->file, fd->line,
                               lcm__form_type_name(fd->type));
        lcm_field *open = &f->fields[stack[*depth - 1]];
        if ((int)open->type != want)
            return lcm_err_set(err, LCM_PARSE, "%s:%ld: %s closes '%s %s' of line %ld", sh->file,
                               fd->line, lcm__form_type_name(fd->type),
                               lcm__form_type_name(open->type), open->name, open->line);
        open->end = i;
        fd->parent = open->parent;
        fd->repeat = open->repeat;
        (*depth)--;
    }
    return LCM_OK;
}

static lcm_status read_survey(lcm_form *f, const lcm__sheet *sh, lcm_err *err) {
    survey_cols c = {
        lcm__sheet_col(sh, "type"),          lcm__sheet_col(sh, "name"),
        lcm__sheet_col(sh, "required"),      lcm__sheet_col(sh, "relevant"),
        lcm__sheet_col(sh, "constraint"),    lcm__sheet_col(sh, "calculation"),
        lcm__sheet_col(sh, "choice_filter"), lcm__sheet_col(sh, "appearance"),
        lcm__sheet_col(sh, "default"),       lcm__sheet_col(sh, "repeat_count"),
        lcm__sheet_col(sh, "read_only"),     lcm__sheet_col(sh, "parameters"),
        lcm__sheet_col(sh, "lcmon_column"),  lcm__sheet_col(sh, "lcmon_reference"),
    };
    if (c.type < 0 || c.name < 0)
        return lcm_err_set(err, LCM_PARSE, "%s:1: missing column '%s'", sh->file,
                           c.type < 0 ? "type" : "name");
    int stack[32], depth = 0;
    if (!(f->fields = calloc(sh->nrows ? sh->nrows : 1, sizeof *f->fields)))
        return oom(err);
    for (size_t r = 0; r < sh->nrows; r++) {
        lcm_field *fd = &f->fields[f->nfields];
        lcm_status st = read_field(f, sh, r, &c, fd, err);
        if (st == LCM_OK)
            st = check_name(f, sh, r, c.name, fd, err);
        f->nfields++; /* counted even on failure, so lcm_form_free releases it */
        if (st == LCM_OK)
            st = nest(f, sh, stack, &depth, err);
        if (st != LCM_OK)
            return st;
    }
    if (depth)
        return lcm_err_set(err, LCM_PARSE, "%s:%ld: '%s %s' is never closed", sh->file,
                           f->fields[stack[depth - 1]].line,
                           lcm__form_type_name(f->fields[stack[depth - 1]].type),
                           f->fields[stack[depth - 1]].name);
    if (f->nfields == 0)
        return lcm_err_set(err, LCM_PARSE, "%s: no questions", sh->file);
    return LCM_OK;
}

lcm_status lcm__form_parse(lcm_form *f, lcm_err *err) {
    static const char *const names[] = {"survey.csv", "choices.csv", "settings.csv"};
    lcm__sheet sh[3] = {{0}};
    lcm_status st = LCM_OK;
    for (int i = 0; i < 3 && st == LCM_OK; i++)
        if (f->text[i])
            st = lcm__sheet_read(f->text[i], names[i], &sh[i], err);
    if (st == LCM_OK && (st = read_settings(f, &sh[T_SETTINGS], err)) == LCM_OK &&
        (st = collect_langs(f, &sh[T_SURVEY], err)) == LCM_OK && f->text[T_CHOICES] &&
        (st = collect_langs(f, &sh[T_CHOICES], err)) == LCM_OK)
        st = read_choices(f, &sh[T_CHOICES], err);
    if (st == LCM_OK)
        st = read_survey(f, &sh[T_SURVEY], err);
    for (int i = 0; i < 3; i++)
        if (sh[i].head)
            lcm__sheet_free(&sh[i]);
    return st;
}
