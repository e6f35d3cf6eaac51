/*
 * form.c - a form as a whole: reading its three files, the problems found in them (all of
 * them, sorted by file, line and column), the digest that identifies its content, freeing,
 * and the read-only accessors of form.h.
 */
#include "form_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* Read a whole file (at most LCM__FORM_MAX_FILE bytes) into a malloc'd string; *out stays
 * NULL when the file does not exist and optional is set. */
lcm_status lcm__form_slurp(const char *dir, const char *name, int optional, char **out,
                           lcm_err *err) {
    char path[4096];
    *out = NULL;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "rb");
    if (!fp && optional && errno == ENOENT)
        return LCM_OK;
    if (!fp)
        return lcm_err_set(err, errno == ENOENT ? LCM_NOTFOUND : LCM_IO, "cannot open '%s': %s",
                           path, strerror(errno));
    char *buf = malloc(LCM__FORM_MAX_FILE + 1);
    size_t n = buf ? fread(buf, 1, LCM__FORM_MAX_FILE + 1, fp) : 0;
    int bad = ferror(fp);
    fclose(fp);
    if (!buf)
        return lcm_err_set(err, LCM_NOMEM, "out of memory reading '%s'", path);
    if (bad || n > LCM__FORM_MAX_FILE) {
        free(buf);
        return lcm_err_set(err, bad ? LCM_IO : LCM_PARSE, "%s '%s'",
                           bad ? "cannot read" : "form file larger than 16 MiB:", path);
    }
    buf[n] = '\0';
    if (strlen(buf) != n) {
        free(buf);
        return lcm_err_set(err, LCM_PARSE, "%s: contains a NUL byte (not a CSV text file)", path);
    }
    char *fit = realloc(buf, n + 1);
    *out = fit ? fit : buf;
    return LCM_OK;
}

/* The last component of dir ("." and ".." resolved through the working directory), or NULL. */
static const char *folder_name(const char *dir, char *buf, size_t size) {
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    size_t b = n;
    while (b > 0 && dir[b - 1] != '/')
        b--;
    if ((n - b == 1 && dir[b] == '.') || (n - b == 2 && dir[b] == '.' && dir[b + 1] == '.') ||
        n - b == 0) {
        char cwd[4096];
        if (n - b != 1 || !getcwd(cwd, sizeof cwd))
            return NULL; /* ".." and "/" have no useful name */
        const char *slash = strrchr(cwd, '/');
        snprintf(buf, size, "%s", slash ? slash + 1 : cwd);
    } else
        snprintf(buf, size, "%.*s", (int)(n - b), dir + b);
    return *buf ? buf : NULL;
}

static lcm_status read_dir(const char *dir, lcm_form **out, char ***problems, lcm_err *err) {
    if (lcm_form_is_xlsx(dir))
        return lcm__form_check_xlsx(dir, out, problems, err);
    char *text[4] = {NULL, NULL, NULL, NULL};
    lcm_status st = lcm__form_slurp(dir, "survey.csv", 0, &text[0], err);
    if (st == LCM_OK)
        st = lcm__form_slurp(dir, "choices.csv", 1, &text[1], err);
    if (st == LCM_OK)
        st = lcm__form_slurp(dir, "settings.csv", 1, &text[2], err);
    if (st == LCM_OK)
        st = lcm__form_slurp(dir, "entities.csv", 1, &text[3], err);
    /* pyxform names a form without form_id after its file; here the folder is the file. */
    char name[4096] = "";
    if (st == LCM_OK)
        st = lcm__form_check_full(text, folder_name(dir, name, sizeof name), dir, NULL, NULL, 0,
                                  out, problems, err);
    for (int i = 0; i < 4; i++)
        free(text[i]);
    return st;
}

lcm_status lcm_form_read_dir(const char *dir, lcm_form **out, lcm_err *err) {
    *out = NULL;
    return read_dir(dir, out, NULL, err);
}

lcm_status lcm_form_check_dir(const char *dir, lcm_form **out, char ***problems, lcm_err *err) {
    *out = NULL;
    *problems = NULL;
    return read_dir(dir, out, problems, err);
}

/* FNV-1a 64 over the three texts with their lengths, then each data file's name and text:
 * tells a changed form from the one already loaded (not a security measure). */
static char *digest(const lcm_form *f) {
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; i < 3 + 2 * f->next; i++) {
        const char *t = i < 3         ? f->text[i]
                        : (i - 3) % 2 ? f->ext_texts[(i - 3) / 2]
                                      : f->ext_names[(i - 3) / 2];
        char len[32];
        snprintf(len, sizeof len, "%zu:", t ? strlen(t) : 0);
        for (const char *p = len; *p; p++)
            h = (h ^ (unsigned char)*p) * 0x100000001b3u;
        for (const char *p = t ? t : ""; *p; p++)
            h = (h ^ (unsigned char)*p) * 0x100000001b3u;
    }
    char hex[24];
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)h);
    return strdup(hex);
}

lcm_status lcm__form_problem(lcm_form *f, const lcm_err *err) {
    if (f->nproblems++ == 0)
        f->first = err->status;
    if (f->nproblems > LCM_FORM_MAX_PROBLEMS)
        return LCM_OK; /* counted, not kept */
    for (size_t i = 0; i + 1 < f->nproblems; i++)
        if (strcmp(f->problems[i], err->msg) == 0)
            return f->nproblems--, LCM_OK; /* the same cell seen twice */
    char **grown = realloc(f->problems, f->nproblems * sizeof *grown);
    if (!grown)
        return LCM_NOMEM;
    f->problems = grown;
    return (f->problems[f->nproblems - 1] = strdup(err->msg)) ? LCM_OK : LCM_NOMEM;
}

lcm_status lcm__form_problemf(lcm_form *f, lcm_status st, const char *fmt, ...) {
    lcm_err e = {0};
    va_list ap;
    va_start(ap, fmt);
    e.status = st;
    vsnprintf(e.msg, sizeof e.msg, fmt, ap);
    va_end(ap);
    return lcm__form_problem(f, &e);
}

lcm_status lcm__form_warnf(lcm_form *f, const char *fmt, ...) {
    char msg[sizeof((lcm_err *)0)->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < f->nwarnings; i++)
        if (strcmp(f->warnings[i], msg) == 0)
            return LCM_OK;
    char **grown = realloc(f->warnings, (f->nwarnings + 1) * sizeof *grown);
    if (!grown)
        return LCM_NOMEM;
    f->warnings = grown;
    return (f->warnings[f->nwarnings] = strdup(msg)) ? (f->nwarnings++, LCM_OK) : LCM_NOMEM;
}

int lcm__form_file_missing(const lcm_form *f, const char *name) {
    char want[300];
    snprintf(want, sizeof want, "data file '%.200s' is not", name);
    for (size_t i = 0; i < f->nmissing; i++)
        if (strstr(f->missing[i], want))
            return 1;
    return 0;
}

const char *lcm_form_missing_file(const lcm_form *f) {
    return f->nmissing ? f->missing[0] : NULL;
}

size_t lcm_form_nwarnings(const lcm_form *f) {
    return f->nwarnings;
}

const char *lcm_form_warning(const lcm_form *f, size_t i) {
    return i < f->nwarnings ? f->warnings[i] : NULL;
}

int lcm__form_col(const lcm_form *f, int c) {
    return (c >= 0 ? c : f->cols.type) + 1;
}

/* Order of problems: file (survey, choices, settings), line, column, then text. */
static int rank(const char *msg, long *line, long *col) {
    static const char *const files[] = {"survey.csv", "choices.csv", "settings.csv"};
    int r = 3;
    for (int i = 0; i < 3; i++)
        if (strncmp(msg, files[i], strlen(files[i])) == 0)
            r = i, msg += strlen(files[i]);
    *line = *col = 0;
    if (*msg == ':')
        *line = strtol(msg + 1, (char **)&msg, 10);
    if (*msg == ':')
        *col = strtol(msg + 1, NULL, 10);
    return r;
}

static int by_place(const void *a, const void *b) {
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    long lx, cx, ly, cy;
    int rx = rank(x, &lx, &cx), ry = rank(y, &ly, &cy);
    if (rx != ry)
        return rx - ry;
    if (lx != ly)
        return lx < ly ? -1 : 1;
    if (cx != cy)
        return cx < cy ? -1 : 1;
    return strcmp(x, y);
}

/* Hand the sorted problems over (NULL-terminated, with a last line counting the ones not
 * kept); err gets the first. */
static lcm_status take_problems(lcm_form *f, char ***problems, lcm_err *err) {
    size_t kept = f->nproblems < LCM_FORM_MAX_PROBLEMS ? f->nproblems : LCM_FORM_MAX_PROBLEMS;
    qsort(f->problems, kept, sizeof *f->problems, by_place);
    lcm_err_set(err, f->first, "%s", f->problems[0]);
    if (!problems)
        return f->first;
    char **out = calloc(kept + 2, sizeof *out);
    if (!out)
        return lcm_err_set(err, LCM_NOMEM, "out of memory reading a form");
    char more[64];
    snprintf(more, sizeof more, "… and %zu more problems", f->nproblems - kept);
    int left_out = kept < f->nproblems;
    memcpy(out, f->problems, kept * sizeof *out);
    free(f->problems);
    f->problems = NULL;
    f->nproblems = 0;
    if (left_out && !(out[kept] = strdup(more))) {
        lcm_form_problems_free(out);
        return lcm_err_set(err, LCM_NOMEM, "out of memory reading a form");
    }
    *problems = out;
    return err ? err->status : LCM_PARSE;
}

void lcm_form_problems_free(char **problems) {
    for (size_t i = 0; problems && problems[i]; i++)
        free(problems[i]);
    free(problems);
}

lcm_status lcm_form_read_texts(const char *survey, const char *choices, const char *settings,
                               lcm_form **out, lcm_err *err) {
    return lcm_form_check_texts(survey, choices, settings, out, NULL, err);
}

lcm_status lcm_form_check_texts(const char *survey, const char *choices, const char *settings,
                                lcm_form **out, char ***problems, lcm_err *err) {
    return lcm_form_check_texts_as(survey, choices, settings, NULL, out, problems, err);
}

lcm_status lcm_form_check_texts_as(const char *survey, const char *choices, const char *settings,
                                   const char *default_id, lcm_form **out, char ***problems,
                                   lcm_err *err) {
    char *const in[4] = {(char *)survey, (char *)choices, (char *)settings, NULL};
    return lcm__form_check_full(in, default_id, NULL, NULL, NULL, 0, out, problems, err);
}

lcm_status lcm__form_add_external(lcm_form *f, const char *name, char *text, lcm_err *err) {
    char **n = realloc(f->ext_names, (f->next + 1) * sizeof *n);
    if (n)
        f->ext_names = n;
    char **t = n ? realloc(f->ext_texts, (f->next + 1) * sizeof *t) : NULL;
    if (t)
        f->ext_texts = t;
    char *copy = t ? strdup(name) : NULL;
    if (!copy) {
        free(text);
        return lcm_err_set(err, LCM_NOMEM, "out of memory reading a form");
    }
    f->ext_names[f->next] = copy, f->ext_texts[f->next++] = text;
    return LCM_OK;
}

const char *lcm_form_external(const lcm_form *f, const char *name) {
    for (size_t i = 0; i < f->next; i++)
        if (strcmp(f->ext_names[i], name) == 0)
            return f->ext_texts[i];
    return NULL;
}

size_t lcm_form_nexternal(const lcm_form *f) {
    return f->next;
}

const char *lcm_form_external_name(const lcm_form *f, size_t i) {
    return i < f->next ? f->ext_names[i] : NULL;
}

lcm_status lcm__form_check_full(char *const text[4], const char *default_id, const char *dir,
                                char *const *ext_names, char *const *ext_texts, size_t next,
                                lcm_form **out, char ***problems, lcm_err *err) {
    *out = NULL;
    if (problems)
        *problems = NULL;
    lcm_form *f = calloc(1, sizeof *f);
    if (!f)
        return lcm_err_set(err, LCM_NOMEM, "out of memory reading a form");
    int bad = 0;
    for (int i = 0; i < 3; i++)
        bad |= text[i] && !(f->text[i] = strdup(text[i]));
    bad |= text[3] && !(f->entities = strdup(text[3]));
    bad |= default_id && !(f->default_id = strdup(default_id));
    f->dir = dir;
    lcm_err why = {0};
    for (size_t i = 0; i < next && !bad; i++) {
        char *t = strdup(ext_texts[i]);
        bad |= !t || lcm__form_add_external(f, ext_names[i], t, &why) != LCM_OK;
    }
    lcm_status st = bad ? LCM_NOMEM : lcm__form_parse(f, &why);
    if (st == LCM_OK && !(f->digest = digest(f)))
        st = LCM_NOMEM;
    f->dir = NULL; /* the caller's string */
    if (st == LCM_OK)
        st = lcm__form_check(f, &why);
    if (st == LCM_OK && !f->nproblems)
        st = lcm__form_plan(f, &why);
    if (st != LCM_OK && st != LCM_NOMEM)
        st = lcm__form_problem(f, &why); /* the problem that stopped the reading */
    if (st == LCM_NOMEM)
        lcm_err_set(err, LCM_NOMEM, "out of memory reading a form");
    else if (f->nproblems)
        st = take_problems(f, problems, err);
    if (st != LCM_OK) {
        lcm_form_free(f);
        return st;
    }
    *out = f;
    return LCM_OK;
}

static void free_texts(const char *const *t, size_t n) {
    for (size_t i = 0; t && i < n; i++)
        free((void *)t[i]);
    free((void *)t);
}

static void free_field(lcm_field *fd, size_t nlangs) {
    free((void *)fd->name);
    free_texts(fd->label, nlangs);
    free_texts(fd->hint, nlangs);
    free_texts(fd->constraint_message, nlangs);
    lcm_expr_free((lcm_expr *)fd->relevant);
    lcm_expr_free((lcm_expr *)fd->constraint);
    lcm_expr_free((lcm_expr *)fd->calculation);
    lcm_expr_free((lcm_expr *)fd->choice_filter);
    lcm_expr_free((lcm_expr *)fd->repeat_count);
    lcm_expr_free((lcm_expr *)fd->required_if);
    free((void *)fd->default_value);
    lcm_expr_free((lcm_expr *)fd->default_expr);
    free((void *)fd->appearance);
    free((void *)fd->column);
    free((void *)fd->table);
}

static void free_list(lcm_choice_list *l, size_t nlangs) {
    for (size_t i = 0; i < l->n; i++) {
        free((void *)l->items[i].name);
        free_texts(l->items[i].label, nlangs);
        free_texts(l->items[i].extra, l->nextra);
    }
    free((void *)l->items);
    free_texts(l->extra_names, l->nextra);
    free((void *)l->name);
}

/* An or_other copy: its items are borrowed but the last, which it owns. */
static void free_other_list(lcm_choice_list *l, size_t nlangs) {
    if (l->n) {
        const lcm_choice *o = &l->items[l->n - 1];
        free((void *)o->name);
        free_texts(o->label, nlangs);
        free_texts(o->extra, l->nextra);
    }
    free((void *)l->items);
    free((void *)l->name);
    free(l);
}

void lcm_form_free(lcm_form *f) {
    if (!f)
        return;
    for (size_t i = 0; i < f->nfields; i++)
        free_field(&f->fields[i], f->nlangs);
    for (size_t i = 0; i < f->nlists; i++)
        free_list(&f->lists[i], f->nlangs);
    for (size_t i = 0; i < f->nother_lists; i++)
        free_other_list(f->other_lists[i], f->nlangs);
    size_t kept = f->nproblems < LCM_FORM_MAX_PROBLEMS ? f->nproblems : LCM_FORM_MAX_PROBLEMS;
    for (size_t i = 0; f->problems && i < kept; i++)
        free(f->problems[i]);
    free(f->problems);
    for (size_t i = 0; i < f->nwarnings; i++)
        free(f->warnings[i]);
    free(f->warnings);
    for (size_t i = 0; i < f->nmissing; i++)
        free(f->missing[i]);
    free(f->missing);
    lcm__form_plan_free(f);
    free(f->other_lists);
    free(f->broken);
    free(f->fields);
    free(f->lists);
    free_texts((const char *const *)f->langs, f->nlangs);
    for (int i = 0; i < 3; i++)
        free(f->text[i]);
    for (size_t i = 0; i < f->next; i++)
        free(f->ext_names[i]), free(f->ext_texts[i]);
    free(f->ext_names), free(f->ext_texts);
    free(f->entities);
    free(f->form_id), free(f->default_id), free(f->version), free(f->title), free(f->default_lang);
    free(f->table), free(f->digest);
    free(f);
}

const char *lcm_form_id(const lcm_form *f) {
    return f->form_id;
}
const char *lcm_form_version(const lcm_form *f) {
    return f->version;
}
const char *lcm_form_title(const lcm_form *f) {
    return f->title;
}
const char *lcm_form_table(const lcm_form *f) {
    return f->table;
}
const char *lcm_form_digest(const lcm_form *f) {
    return f->digest;
}
size_t lcm_form_nlangs(const lcm_form *f) {
    return f->nlangs;
}
const char *lcm_form_lang(const lcm_form *f, size_t i) {
    return i < f->nlangs ? f->langs[i] : "";
}
size_t lcm_form_nfields(const lcm_form *f) {
    return f->nfields;
}
const lcm_field *lcm_form_field(const lcm_form *f, size_t i) {
    return &f->fields[i];
}

size_t lcm_form_lang_index(const lcm_form *f, const char *lang) {
    const char *want[] = {lang ? lang : f->default_lang, ""};
    for (size_t w = 0; w < 2; w++)
        for (size_t i = 0; i < f->nlangs; i++)
            if (strcasecmp(f->langs[i], want[w]) == 0)
                return i;
    return 0;
}

const char *lcm_form_text(const lcm_form *f, const char *const *texts, size_t li) {
    if (!texts)
        return "";
    if (li < f->nlangs && texts[li])
        return texts[li];
    size_t def = lcm_form_lang_index(f, NULL);
    if (def < f->nlangs && texts[def])
        return texts[def];
    for (size_t i = 0; i < f->nlangs; i++)
        if (texts[i])
            return texts[i];
    return "";
}

int lcm_form_find(const lcm_form *f, const char *name) {
    for (size_t i = 0; i < f->nfields; i++) /* the exact name first: q1 and Q1 may both be */
        if (f->fields[i].name && strcmp(f->fields[i].name, name) == 0 &&
            f->fields[i].type != LCM_FT_END_GROUP && f->fields[i].type != LCM_FT_END_REPEAT)
            return (int)i;
    for (size_t i = 0; i < f->nfields; i++)
        if (f->fields[i].name && strcasecmp(f->fields[i].name, name) == 0 &&
            f->fields[i].type != LCM_FT_END_GROUP && f->fields[i].type != LCM_FT_END_REPEAT)
            return (int)i;
    return -1;
}

int lcm_field_choice_column(const lcm_field *fd, size_t k) {
    return fd->list && k < fd->list->n && !(fd->or_other && k + 1 == fd->list->n) &&
           lcm_form_choice(fd->list, fd->list->items[k].name) == (int)k; /* a duplicate: none */
}

int lcm__form_choice_n(const lcm_choice_list *list, const char *s, size_t n) {
    for (size_t i = 0; i < list->n; i++) {
        const char *name = list->items[i].name;
        size_t j = 0; /* stops at name's end too: name[j] != s[j] there */
        while (j < n && name[j] == s[j])
            j++;
        if (j == n && name[n] == '\0')
            return (int)i;
    }
    return -1;
}

int lcm_form_choice(const lcm_choice_list *list, const char *name) {
    for (size_t i = 0; i < list->n; i++) /* the first byte rules most names out */
        if (list->items[i].name[0] == name[0] && strcmp(list->items[i].name, name) == 0)
            return (int)i;
    return -1;
}
