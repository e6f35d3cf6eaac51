/*
 * network_check.c - reading a filled application (CSV of field,value) and checking every
 * rule of the form at once.
 *
 * A city fixing its form wants the whole list of what is wrong, not one error per try, so
 * nothing here stops at the first problem: each row is checked as it is read (format,
 * limits), then what is missing, then the rules between fields (city name against code,
 * dates not after the application). Limits count characters, not bytes: a Chinese
 * character is one character, as the ministry counts 字.
 */
#include "csvin.h"
#include "network.h"
#include "network_int.h"
#include "strbuf.h"

#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* More rows than a filled form can have (about 350 with every repeat full): a bound on
 * what a stray file can make us hold. */
#define MAX_ROWS 2000

enum { RX_PHONE, RX_MOBILE, RX_EMAIL, NRX };
static const char *const rx_src[NRX] = {
    /* landline: optional area code 0xx(x), in brackets or followed by - or space, 7-8
     * digits not starting with 0 or 1, optional extension */
    "^((0[1-9][0-9]{1,2}|\\(0[1-9][0-9]{1,2}\\))[- ]?)?[2-9][0-9]{6,7}(-[0-9]{1,6})?$",
    /* mainland mobile: 1[3-9]x xxxx xxxx, optional +86, optional - or space groups */
    "^(\\+86[- ]?)?1[3-9][0-9]([- ]?[0-9]{4}){2}$",
    "^[A-Za-z0-9_%+-]+(\\.[A-Za-z0-9_%+-]+)*@([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\\.)+"
    "[A-Za-z]{2,}$",
};

typedef struct checker {
    lcm_db *db;
    const lcm_net_form *form;
    lcm_net_application *app;
    lcm_net_problems *pr;
    regex_t rx[NRX];
    int nrx; /* compiled so far */
    int col_field, col_value;
    char dir[4096]; /* directory of the application: evidence paths are relative to it */
    int web;        /* pairs from the web: files are attachments only, never paths */
} checker;

static int matches(const regex_t *rx, const char *s) {
    return regexec(rx, s, 0, NULL, 0) == 0;
}

static void check_text(checker *c, const lcm_net_value *v, const lcm_net_field *f) {
    lcm_net_problems *pr = c->pr;
    if (lcm__net_control(v->value))
        lcm_net_problem_add(pr, v->line, v->name,
                            L(pr, "control character in text", "文字中含有控制字符"));
    long n = lcm__net_chars(v->value);
    if (f->max_chars > 0 && n > f->max_chars)
        lcm_net_problem_add(
            pr, v->line, v->name,
            L(pr, "too long: %ld characters, at most %ld", "超过字数限制：%ld字，限%ld字以内"), n,
            f->max_chars);
}

static void check_range(checker *c, const lcm_net_value *v, const lcm_net_field *f, double x) {
    lcm_net_problems *pr = c->pr;
    if (f->min <= f->max && (x < f->min || x > f->max))
        lcm_net_problem_add(pr, v->line, v->name,
                            L(pr, "%s is out of range: must lie between %g and %g",
                              "数值%s超出合理范围：应在%g至%g之间"),
                            v->value, f->min, f->max);
}

static void check_number(checker *c, const lcm_net_value *v, const lcm_net_field *f) {
    double x;
    lcm_net_problems *pr = c->pr;
    if (f->type == LCM_NET_YEAR && !(strlen(v->value) == 4 && lcm__net_digits(v->value, 4)))
        lcm_net_problem_add(pr, v->line, v->name,
                            L(pr, "not a four-digit year: %s", "年份应为四位数字：%s"), v->value);
    else if (!lcm__net_decimal(v->value, &x))
        lcm_net_problem_add(pr, v->line, v->name,
                            L(pr, "not a number (digits and one decimal point, no unit): %s",
                              "不是数字（只填数字和小数点，不带单位）：%s"),
                            v->value);
    else
        check_range(c, v, f, x);
}

static void check_city(checker *c, const lcm_net_value *v) {
    char code[LCM_NET_CITY_CODE];
    lcm_err err = {0};
    lcm_net_problems *pr = c->pr;
    size_t n = strlen(v->value);
    if ((n != 4 && n != 6) || !lcm__net_digits(v->value, n))
        lcm_net_problem_add(pr, v->line, v->name,
                            L(pr, "not a city code (4 digits, 6 for a county-level city): %s",
                              "城市代码应为4位数字（县级市为6位）：%s"),
                            v->value);
    else if (lcm_net_city_code(c->db, v->value, code, &err) != LCM_OK)
        lcm_net_problem_add(pr, v->line, v->name,
                            L(pr, "no city with code %s", "没有代码为%s的城市"), v->value);
}

static int in_choices(const char *choices, const char *v) {
    size_t n = strlen(v);
    for (const char *p = choices; *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && strncmp(p, v, n) == 0)
            return 1;
        p += len + (bar != NULL);
    }
    return 0;
}

static void check_pattern(checker *c, const lcm_net_value *v, int rx) {
    lcm_net_problems *pr = c->pr;
    if (matches(&c->rx[rx], v->value))
        return;
    if (rx == RX_PHONE)
        lcm_net_problem_add(pr, v->line, v->name,
                            L(pr, "not a phone number (e.g. 0898-65239391 or 13812345678): %s",
                              "电话号码格式不对（如0898-65239391或13812345678）：%s"),
                            v->value);
    else if (rx == RX_MOBILE)
        lcm_net_problem_add(pr, v->line, v->name,
                            L(pr, "not a mobile number (11 digits, e.g. 13812345678): %s",
                              "手机号格式不对（11位数字，如13812345678）：%s"),
                            v->value);
    else
        lcm_net_problem_add(pr, v->line, v->name,
                            L(pr, "not an e-mail address: %s", "电子邮箱格式不对：%s"), v->value);
}

/* Format and limits of one value, as far as they can be judged without the others. */
static void check_value(checker *c, const lcm_net_value *v) {
    const lcm_net_field *f = &c->form->fields[v->field];
    lcm_net_problems *pr = c->pr;
    switch (f->type) {
    case LCM_NET_TEXT:
        check_text(c, v, f);
        break;
    case LCM_NET_NUMBER:
    case LCM_NET_YEAR:
        check_number(c, v, f);
        break;
    case LCM_NET_DATE:
        if (!lcm__net_date(v->value))
            lcm_net_problem_add(pr, v->line, v->name,
                                L(pr, "not a date (YYYY-MM-DD or YYYY-MM): %s",
                                  "日期格式不对（应为YYYY-MM-DD或YYYY-MM）：%s"),
                                v->value);
        break;
    case LCM_NET_PHONE:
        if (!matches(&c->rx[RX_MOBILE], v->value))
            check_pattern(c, v, RX_PHONE);
        break;
    case LCM_NET_MOBILE:
        check_pattern(c, v, RX_MOBILE);
        break;
    case LCM_NET_EMAIL:
        check_pattern(c, v, RX_EMAIL);
        break;
    case LCM_NET_CITY:
        check_city(c, v);
        break;
    case LCM_NET_CHOICE:
        if (!in_choices(f->choices, v->value))
            lcm_net_problem_add(pr, v->line, v->name,
                                L(pr, "not one of %s: %s", "应为以下之一：%s，实为：%s"),
                                f->choices, v->value);
        break;
    case LCM_NET_PDF:
    case LCM_NET_PHOTO: /* after reading: an attachment needs the city (check_files) */
    case LCM_NET_REPEAT:
        break;
    }
}

/* "meeting.2.date" -> the form's "meeting.date" and item 2; -1 when not a repeat item. */
static int resolve_item(const lcm_net_form *form, const char *name, int *item) {
    const char *d1 = strchr(name, '.');
    const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    if (!d2 || !lcm__net_digits(d1 + 1, (size_t)(d2 - d1 - 1)) || d2 - d1 - 1 > 4)
        return -1;
    char key[256];
    if ((size_t)snprintf(key, sizeof key, "%.*s%s", (int)(d1 - name), name, d2) >= sizeof key)
        return -1;
    int at = lcm_net_form_find(form, key);
    if (at < 0 || form->fields[at].group < 0)
        return -1;
    *item = atoi(d1 + 1);
    return at;
}

/* Which field of the form a row names; -1 (and a problem) when it names none. */
static int resolve(checker *c, const char *name, long line, int *item) {
    const lcm_net_form *form = c->form;
    lcm_net_problems *pr = c->pr;
    int at = lcm_net_form_find(form, name);
    *item = 0;
    if (at >= 0 && form->fields[at].group < 0 && form->fields[at].type != LCM_NET_REPEAT)
        return at;
    if (at >= 0) {
        lcm_net_problem_add(
            pr, line, name,
            L(pr, "an item of a list needs its number, as in %s.1.…", "列举项须写明序号，如%s.1.…"),
            form->fields[form->fields[at].type == LCM_NET_REPEAT ? at : form->fields[at].group]
                .name);
        return -1;
    }
    if ((at = resolve_item(form, name, item)) < 0) {
        lcm_net_problem_add(pr, line, name, L(pr, "unknown field", "申请表中没有这一项"));
        return -1;
    }
    const lcm_net_field *g = &form->fields[form->fields[at].group];
    if (*item < 1 || *item > g->max_items) {
        lcm_net_problem_add(pr, line, name,
                            L(pr, "too many items: at most %d, numbered 1 to %d",
                              "超过列举项数：最多%d项，序号为1至%d"),
                            g->max_items, g->max_items);
        return -1;
    }
    return at;
}

static const lcm_net_value *find_value(const lcm_net_application *app, const char *name) {
    for (size_t i = 0; i < app->n; i++)
        if (strcmp(app->values[i].name, name) == 0)
            return &app->values[i];
    return NULL;
}

const char *lcm_net_app_get(const lcm_net_application *app, const char *name) {
    const lcm_net_value *v = find_value(app, name);
    return v ? v->value : NULL;
}

/* Copy s without the white space around it. */
static char *trimmed(const char *s) {
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    while (n && isspace((unsigned char)*s))
        s++, n--;
    return strndup(s, n);
}

static lcm_status add_value(checker *c, const char *name, const char *value, long line,
                            lcm_err *err) {
    lcm_net_application *app = c->app;
    int item, at;
    const lcm_net_value *dup = find_value(app, name);
    if (dup) {
        lcm_net_problem_add(c->pr, line, name,
                            L(c->pr, "given twice (first on line %ld)", "重复填写（第%ld行已填）"),
                            dup->line);
        return LCM_OK;
    }
    if ((at = resolve(c, name, line, &item)) < 0)
        return LCM_OK;
    if (app->n == app->cap) {
        size_t cap = app->cap ? app->cap * 2 : 64;
        lcm_net_value *v = realloc(app->values, cap * sizeof *v);
        if (!v)
            return lcm_err_set(err, LCM_NOMEM, "out of memory reading '%s'", app->source);
        app->values = v, app->cap = cap;
    }
    lcm_net_value *v = &app->values[app->n];
    *v = (lcm_net_value){strdup(name), strdup(value), line, at, item};
    if (!v->name || !v->value) {
        free(v->name), free(v->value);
        return lcm_err_set(err, LCM_NOMEM, "out of memory reading '%s'", app->source);
    }
    app->n++;
    check_value(c, v);
    return LCM_OK;
}

static lcm_status app_row(void *ud, const lcm_csv_row *row, lcm_err *err) {
    checker *c = ud;
    if (row->index == 0) {
        c->col_field = lcm_csv_find(row, "field");
        c->col_value = lcm_csv_find(row, "value");
        if (c->col_field < 0 || c->col_value < 0)
            return lcm_err_set(err, LCM_PARSE, "%s:%ld: missing column '%s'", row->file, row->line,
                               c->col_field < 0 ? "field" : "value");
        return LCM_OK;
    }
    if (row->index > MAX_ROWS)
        return lcm_err_set(err, LCM_PARSE, "%s:%ld: more than %d rows: not an application",
                           row->file, row->line, MAX_ROWS);
    const char *fname = (size_t)c->col_field < row->n ? row->field[c->col_field] : "";
    const char *fvalue = (size_t)c->col_value < row->n ? row->field[c->col_value] : "";
    char *name = trimmed(fname), *value = trimmed(fvalue);
    lcm_status rc = LCM_OK;
    if (!name || !value)
        rc = lcm_err_set(err, LCM_NOMEM, "out of memory reading '%s'", row->file);
    else if (*name && *name != '#' && *value) /* empty = not given; '#' starts a comment */
        rc = add_value(c, name, value, row->line, err);
    free(name);
    free(value);
    return rc;
}

/* ---- after reading: what is missing, and the rules between fields ---- */

/* Line of the first value of item `item` of group g (of any item when item is 0), or 0. */
static long item_line(const checker *c, int g, int item) {
    for (size_t i = 0; i < c->app->n; i++) {
        const lcm_net_value *v = &c->app->values[i];
        if (c->form->fields[v->field].group == g && (item == 0 || v->item == item))
            return v->line;
    }
    return 0;
}

/* The items of a repeat group: each given item has all its required children; at least
 * one item when the group is required; the group's character limit over all its text. */
static void check_group(checker *c, int g) {
    const lcm_net_field *gf = &c->form->fields[g];
    lcm_net_problems *pr = c->pr;
    long chars = 0;
    int items = 0;
    for (int item = 1; item <= gf->max_items; item++) {
        long line = item_line(c, g, item);
        if (!line)
            continue;
        items++;
        for (size_t k = 0; k < c->form->n; k++) {
            const lcm_net_field *f = &c->form->fields[k];
            if (f->group != g)
                continue;
            char name[300];
            snprintf(name, sizeof name, "%s.%d%s", gf->name, item, f->name + strlen(gf->name));
            const char *v = lcm_net_app_get(c->app, name);
            if (!v && f->required)
                lcm_net_problem_add(pr, line, name,
                                    L(pr, "required in item %d", "第%d项的必填内容未填写"), item);
            if (v && f->type == LCM_NET_TEXT)
                chars += lcm__net_chars(v);
        }
    }
    if (gf->required && items == 0)
        lcm_net_problem_add(pr, 0, gf->name,
                            L(pr, "at least one item is required", "至少须列举1项"));
    if (gf->max_chars > 0 && chars > gf->max_chars)
        lcm_net_problem_add(pr, item_line(c, g, 0), gf->name,
                            L(pr, "too long: %ld characters over all items, at most %ld",
                              "超过字数限制：各项合计%ld字，限%ld字以内"),
                            chars, gf->max_chars);
}

static void check_missing(checker *c) {
    for (size_t k = 0; k < c->form->n; k++) {
        const lcm_net_field *f = &c->form->fields[k];
        if (f->type == LCM_NET_REPEAT)
            check_group(c, (int)k);
        else if (f->group < 0 && f->required && !lcm_net_app_get(c->app, f->name))
            lcm_net_problem_add(c->pr, 0, f->name,
                                L(c->pr, "required field is empty", "必填项未填写"));
    }
}

/* The name must be the name of the city the code gives: a typo in the code would
 * otherwise file the application under another city. */
static lcm_status check_city_name(checker *c, lcm_err *err) {
    const lcm_net_value *code = find_value(c->app, "city.code");
    const lcm_net_value *name = find_value(c->app, "city.name");
    if (!code || !name)
        return LCM_OK;
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(c->db,
                                   "SELECT name FROM cities WHERE code = ?1 UNION ALL SELECT name"
                                   " FROM admin_units WHERE code = ?1 AND level = 'county'"
                                   " AND length(code) = 6 AND name LIKE '%市'",
                                   &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, code->value, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *real = (const char *)sqlite3_column_text(st, 0);
        if (strcmp(real, name->value) != 0)
            lcm_net_problem_add(
                c->pr, name->line, name->name,
                L(c->pr, "city %s is called %s, not %s", "代码%s对应的城市是%s，不是%s"),
                code->value, real, name->value);
    }
    sqlite3_finalize(st);
    return LCM_OK;
}

/* Everything the form reports has happened by the time of the application, and the
 * application is not dated in the future. */
static void check_dates(checker *c) {
    const lcm_net_value *app = find_value(c->app, "application.date");
    lcm_net_problems *pr = c->pr;
    if (!app || !lcm__net_date(app->value))
        return;
    char today[16];
    time_t now = time(NULL);
    struct tm tm;
    strftime(today, sizeof today, "%Y-%m-%d", localtime_r(&now, &tm));
    if (strlen(app->value) != 10) {
        lcm_net_problem_add(
            pr, app->line, app->name,
            L(pr, "the date of application needs its day: %s", "申报时间须写到日：%s"), app->value);
        return;
    }
    if (strcmp(app->value, today) > 0)
        lcm_net_problem_add(pr, app->line, app->name,
                            L(pr, "in the future: %s", "申报时间晚于今天：%s"), app->value);
    for (size_t i = 0; i < c->app->n; i++) {
        const lcm_net_value *v = &c->app->values[i];
        lcm_net_type t = c->form->fields[v->field].type;
        int later = (t == LCM_NET_DATE && v != app && lcm__net_date(v->value) &&
                     strncmp(v->value, app->value, strlen(v->value)) > 0) ||
                    (t == LCM_NET_YEAR && lcm__net_digits(v->value, strlen(v->value)) &&
                     strlen(v->value) == 4 && strncmp(v->value, app->value, 4) > 0);
        if (later)
            lcm_net_problem_add(pr, v->line, v->name,
                                L(pr, "%s is after the date of application %s", "%s晚于申报时间%s"),
                                v->value, app->value);
    }
}

/* Evidence and photos: an attachment of the city (lcm_net_attach) of the right kind, or,
 * in a file read from disk, a path from the application's directory. */
static void check_files(checker *c) {
    const char *city = lcm_net_app_get(c->app, "city.code");
    lcm_net_problems *pr = c->pr;
    for (size_t i = 0; i < c->app->n; i++) {
        const lcm_net_value *v = &c->app->values[i];
        lcm_net_type t = c->form->fields[v->field].type;
        char kind[12];
        if (t != LCM_NET_PDF && t != LCM_NET_PHOTO)
            continue;
        if (city && lcm__net_attachment_kind(c->db, city, v->value, kind)) {
            if (strcmp(kind, t == LCM_NET_PDF ? "evidence" : "photo") != 0)
                lcm_net_problem_add(
                    pr, v->line, v->name,
                    t == LCM_NET_PDF ? L(pr, "not a PDF attachment: %s", "所选材料不是PDF文件：%s")
                                     : L(pr, "not a photo attachment: %s", "所选材料不是照片：%s"),
                    v->value);
        } else if (c->web) {
            lcm_net_problem_add(pr, v->line, v->name,
                                L(pr, "no such attachment of the city: %s (upload it first)",
                                  "本市没有这份已上传的材料：%s（请先上传）"),
                                v->value);
        } else {
            lcm__net_check_file(pr, c->dir, v, t);
        }
    }
}

static lcm_status checker_init(checker *c, const char *path, lcm_err *err) {
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) + 1 : 0;
    if (n >= sizeof c->dir)
        return lcm_err_set(err, LCM_INVAL, "path too long: '%s'", path);
    memcpy(c->dir, path, n);
    c->dir[n] = '\0';
    for (c->nrx = 0; c->nrx < NRX; c->nrx++)
        if (regcomp(&c->rx[c->nrx], rx_src[c->nrx], REG_EXTENDED | REG_NOSUB) != 0)
            return lcm_err_set(err, LCM_INTERNAL, "cannot compile pattern %d", c->nrx);
    if (!(c->app->source = strdup(path)))
        return lcm_err_set(err, LCM_NOMEM, "out of memory reading '%s'", path);
    return LCM_OK;
}

/* Problems in the order of the file, those without a line (missing fields) last; a stable
 * insertion sort, the lists are short. */
static void sort_problems(lcm_net_problems *pr) {
    for (size_t i = 1; i < pr->n; i++) {
        lcm_net_problem it = pr->items[i];
        unsigned long key = it.line > 0 ? (unsigned long)it.line : (unsigned long)-1;
        size_t j = i;
        for (; j > 0; j--) {
            long prev = pr->items[j - 1].line;
            if ((prev > 0 ? (unsigned long)prev : (unsigned long)-1) <= key)
                break;
            pr->items[j] = pr->items[j - 1];
        }
        pr->items[j] = it;
    }
}

/* After the values are read: what is missing, the rules between fields, the files. */
static lcm_status check_done(checker *c, lcm_status rc, const char *source, lcm_err *err) {
    if (rc == LCM_OK) {
        check_missing(c);
        check_dates(c);
        check_files(c);
        rc = check_city_name(c, err);
    }
    for (int i = 0; i < c->nrx; i++)
        regfree(&c->rx[i]);
    sort_problems(c->pr);
    if (rc == LCM_OK && c->pr->oom)
        rc = lcm_err_set(err, LCM_NOMEM, "out of memory checking '%s'", source);
    if (rc == LCM_OK && c->pr->n > 0)
        rc = LCM_CONSTRAINT;
    return rc;
}

lcm_status lcm_net_check(lcm_db *db, const lcm_net_form *form, const char *path,
                         lcm_net_application *app, lcm_net_problems *problems, lcm_err *err) {
    checker c = {.db = db, .form = form, .app = app, .pr = problems};
    memset(app, 0, sizeof *app);
    lcm_status rc = checker_init(&c, path, err);
    if (rc == LCM_OK)
        rc = lcm_csv_read(path, app_row, &c, err);
    return check_done(&c, rc, path, err);
}

lcm_status lcm_net_check_pairs(lcm_db *db, const lcm_net_form *form, const char *source,
                               const char *const *pairs, size_t n, lcm_net_application *app,
                               lcm_net_problems *problems, lcm_err *err) {
    checker c = {.db = db, .form = form, .app = app, .pr = problems, .web = 1};
    memset(app, 0, sizeof *app);
    lcm_status rc = checker_init(&c, source, err);
    if (rc == LCM_OK && n > MAX_ROWS)
        rc = lcm_err_set(err, LCM_PARSE, "%s: more than %d fields: not an application", source,
                         MAX_ROWS);
    for (size_t i = 0; rc == LCM_OK && i < n; i++) {
        char *name = trimmed(pairs[2 * i]), *value = trimmed(pairs[2 * i + 1]);
        if (!name || !value)
            rc = lcm_err_set(err, LCM_NOMEM, "out of memory reading '%s'", source);
        else if (*name && *value)
            rc = add_value(&c, name, value, (long)i + 1, err);
        free(name);
        free(value);
    }
    return check_done(&c, rc, source, err);
}

/* Where a value comes in the form: a list's items in order, each with its fields. */
static int before(const lcm_net_form *form, const lcm_net_value *a, const lcm_net_value *b) {
    int ga = form->fields[a->field].group, gb = form->fields[b->field].group;
    int ka = ga >= 0 ? ga : a->field, kb = gb >= 0 ? gb : b->field;
    if (ka != kb)
        return ka < kb;
    if (a->item != b->item)
        return a->item < b->item;
    return a->field < b->field;
}

/* An insertion sort: an application has a few hundred values at most. */
static void sort_form_order(const lcm_net_form *form, lcm_net_application *app) {
    for (size_t i = 1; i < app->n; i++) {
        lcm_net_value v = app->values[i];
        size_t j = i;
        for (; j > 0 && before(form, &v, &app->values[j - 1]); j--)
            app->values[j] = app->values[j - 1];
        app->values[j] = v;
    }
}

lcm_status lcm_net_app_load(lcm_db *db, const lcm_net_form *form, const char *city,
                            lcm_net_application *app, lcm_err *err) {
    sqlite3_stmt *st = NULL;
    memset(app, 0, sizeof *app);
    lcm_status rc = lcm_db_prepare(
        db, "SELECT field, value FROM network_application_fields WHERE city_code = ?1", &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, city, -1, SQLITE_STATIC);
    size_t cap = 0;
    int step;
    while (rc == LCM_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        int item = 0, at = lcm_net_form_find(form, name);
        if (at < 0)
            at = resolve_item(form, name, &item);
        if (at < 0)
            continue; /* a field the form no longer has */
        if (app->n == cap) {
            size_t c = cap ? cap * 2 : 64;
            lcm_net_value *v = realloc(app->values, c * sizeof *v);
            if (!v) {
                rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
                break;
            }
            app->values = v, cap = c;
        }
        lcm_net_value *v = &app->values[app->n];
        *v = (lcm_net_value){strdup(name), strdup((const char *)sqlite3_column_text(st, 1)), 0, at,
                             item};
        if (!v->name || !v->value) {
            free(v->name), free(v->value);
            rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
            break;
        }
        app->n++;
    }
    if (rc == LCM_OK && step != SQLITE_DONE)
        rc = lcm_db_fail(db, err, "reading the application");
    sqlite3_finalize(st);
    if (rc == LCM_OK)
        sort_form_order(form, app);
    if (rc == LCM_OK && app->n == 0)
        rc = lcm_err_set(err, LCM_NOTFOUND, "city %s has no application", city);
    if (rc == LCM_OK && !(app->source = strdup(city)))
        rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
    if (rc != LCM_OK)
        lcm_net_application_release(app);
    return rc;
}

void lcm_net_application_release(lcm_net_application *app) {
    for (size_t i = 0; i < app->n; i++) {
        free(app->values[i].name);
        free(app->values[i].value);
    }
    free(app->values);
    free(app->source);
    memset(app, 0, sizeof *app);
}
