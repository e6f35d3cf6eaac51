/*
 * expr_func.c - the built-in functions of the expression language (docs/methods.md §6 and the
 * ODK XForms function list): one table row per function, one small function each.
 *
 * Strings are UTF-8 and counted in characters (string-length, substr), as ODK counts
 * them: a Chinese name of three characters has length 3, not 9.
 */
#include "expr_int.h"
#include "strbuf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/random.h>
#include <time.h>

static lcm_status oom(lcm_err *err) {
    return lcm_err_set(err, LCM_NOMEM, "out of memory evaluating an expression");
}

static void set_num(lcm_value *out, double x) {
    out->kind = LCM_VAL_NUM, out->num = x, out->str = NULL, out->borrowed = 0;
}

static void set_bool(lcm_value *out, int b) {
    out->kind = LCM_VAL_BOOL, out->num = b != 0, out->str = NULL, out->borrowed = 0;
}

/* Take ownership of a malloc'd string as the result. */
static lcm_status set_owned(lcm_value *out, char *s, lcm_err *err) {
    if (!s)
        return oom(err);
    out->kind = LCM_VAL_STR, out->num = 0, out->str = s, out->borrowed = 0;
    return LCM_OK;
}

static lcm_status arg_num(const lcm__node *c, int i, const lcm_expr_env *env, double *x,
                          lcm_err *err) {
    lcm_value v = {0};
    lcm_status st = lcm__eval_node(c->args[i], env, &v, err);
    *x = st == LCM_OK ? lcm_value_number(&v) : NAN;
    lcm_value_free(&v);
    return st;
}

/* Argument i as a malloc'd string the caller frees. */
static lcm_status arg_str(const lcm__node *c, int i, const lcm_expr_env *env, char **s,
                          lcm_err *err) {
    lcm_value v = {0};
    *s = NULL;
    lcm_status st = lcm__eval_node(c->args[i], env, &v, err);
    if (st == LCM_OK && !(*s = lcm_value_string(&v)))
        st = oom(err);
    lcm_value_free(&v);
    return st;
}

/* Argument i as text without a copy: s points into v (a string value, often an answer
 * borrowed as it is) or into own (a number or boolean written out). text_free after. */
typedef struct text_arg {
    lcm_value v;
    char *own;
    const char *s;
} text_arg;

static lcm_status arg_text(const lcm__node *c, int i, const lcm_expr_env *env, text_arg *t,
                           lcm_err *err) {
    memset(t, 0, sizeof *t);
    lcm_status st = lcm__eval_node(c->args[i], env, &t->v, err);
    if (st != LCM_OK)
        return st;
    if (t->v.kind == LCM_VAL_STR)
        t->s = t->v.str;
    else if (!(t->s = t->own = lcm_value_string(&t->v)))
        return oom(err);
    return LCM_OK;
}

static void text_free(text_arg *t) {
    lcm_value_free(&t->v);
    free(t->own);
}

static lcm_status fn_if(const lcm__node *c, const lcm_expr_env *env, lcm_value *out, lcm_err *err) {
    int cond;
    lcm_status st = lcm__eval_cond(c->args[0], env, &cond, err);
    if (st != LCM_OK)
        return st;
    return lcm__eval_node(c->args[cond ? 1 : 2], env, out, err);
}

static int is_empty(const lcm_value *v) {
    return v->kind == LCM_VAL_STR ? v->str[0] == '\0' : v->kind == LCM_VAL_NUM && isnan(v->num);
}

static lcm_status fn_coalesce(const lcm__node *c, const lcm_expr_env *env, lcm_value *out,
                              lcm_err *err) {
    lcm_status st = lcm__eval_node(c->args[0], env, out, err);
    if (st != LCM_OK || !is_empty(out))
        return st;
    lcm_value_free(out);
    return lcm__eval_node(c->args[1], env, out, err);
}

static lcm_status fn_not(const lcm__node *c, const lcm_expr_env *env, lcm_value *out,
                         lcm_err *err) {
    lcm_status st = lcm__eval_node(c->args[0], env, out, err);
    int b = lcm_value_bool(out);
    lcm_value_free(out);
    set_bool(out, !b);
    return st;
}

static lcm_status fn_boolean(const lcm__node *c, const lcm_expr_env *env, lcm_value *out,
                             lcm_err *err) {
    lcm_status st = lcm__eval_node(c->args[0], env, out, err);
    int b = lcm_value_bool(out);
    lcm_value_free(out);
    set_bool(out, b);
    return st;
}

static lcm_status fn_true(const lcm__node *c, const lcm_expr_env *env, lcm_value *out,
                          lcm_err *err) {
    (void)env, (void)err;
    set_bool(out, strcmp(lcm__fn_get(c->op)->name, "true") == 0);
    return LCM_OK;
}

/* number, int, floor, ceiling, abs: one numeric argument, one C function. */
static lcm_status fn_math1(const lcm__node *c, const lcm_expr_env *env, lcm_value *out,
                           lcm_err *err) {
    double x;
    lcm_status st = arg_num(c, 0, env, &x, err);
    const char *name = lcm__fn_get(c->op)->name;
    if (strcmp(name, "int") == 0)
        x = trunc(x);
    else if (strcmp(name, "floor") == 0)
        x = floor(x);
    else if (strcmp(name, "ceiling") == 0)
        x = ceil(x);
    else if (strcmp(name, "abs") == 0)
        x = fabs(x);
    set_num(out, x);
    return st;
}

/* round(x) and round(x, digits): halves go up, as XPath's round() does. */
static lcm_status fn_round(const lcm__node *c, const lcm_expr_env *env, lcm_value *out,
                           lcm_err *err) {
    double x, digits = 0;
    lcm_status st = arg_num(c, 0, env, &x, err);
    if (st == LCM_OK && c->nargs > 1)
        st = arg_num(c, 1, env, &digits, err);
    double scale = pow(10.0, trunc(isnan(digits) ? 0 : fmax(-15, fmin(15, digits))));
    set_num(out, floor(x * scale + 0.5) / scale);
    return st;
}

static lcm_status fn_pow(const lcm__node *c, const lcm_expr_env *env, lcm_value *out,
                         lcm_err *err) {
    double x, y;
    lcm_status st = arg_num(c, 0, env, &x, err);
    if (st == LCM_OK)
        st = arg_num(c, 1, env, &y, err);
    set_num(out, st == LCM_OK ? pow(x, y) : NAN);
    return st;
}

static lcm_status fn_string(const lcm__node *c, const lcm_expr_env *env, lcm_value *out,
                            lcm_err *err) {
    char *s;
    lcm_status st = arg_str(c, 0, env, &s, err);
    return st == LCM_OK ? set_owned(out, s, err) : st;
}

static lcm_status fn_concat(const lcm__node *c, const lcm_expr_env *env, lcm_value *out,
                            lcm_err *err) {
    lcm_strbuf sb = LCM_STRBUF_INIT;
    for (int i = 0; i < c->nargs; i++) {
        text_arg t;
        lcm_status st = arg_text(c, i, env, &t, err);
        if (st == LCM_OK)
            lcm_strbuf_adds(&sb, t.s);
        text_free(&t);
        if (st != LCM_OK) {
            lcm_strbuf_release(&sb);
            return st;
        }
    }
    return set_owned(out, lcm_strbuf_detach(&sb), err);
}

/* contains, starts-with, ends-with: two strings, one boolean. */
static lcm_status fn_strtest(const lcm__node *c, const lcm_expr_env *env, lcm_value *out,
                             lcm_err *err) {
    text_arg ta, tb = {0};
    lcm_status st = arg_text(c, 0, env, &ta, err);
    if (st == LCM_OK)
        st = arg_text(c, 1, env, &tb, err);
    if (st == LCM_OK) {
        const char *a = ta.s, *b = tb.s, *name = lcm__fn_get(c->op)->name;
        size_t la = strlen(a), lb = strlen(b);
        if (strcmp(name, "contains") == 0)
            set_bool(out, strstr(a, b) != NULL);
        else if (strcmp(name, "starts-with") == 0)
            set_bool(out, strncmp(a, b, lb) == 0);
        else
            set_bool(out, la >= lb && strcmp(a + la - lb, b) == 0);
    }
    text_free(&ta), text_free(&tb);
    return st;
}

static lcm_status fn_string_length(const lcm__node *c, const lcm_expr_env *env, lcm_value *out,
                                   lcm_err *err) {
    text_arg t;
    lcm_status st = arg_text(c, 0, env, &t, err);
    if (st == LCM_OK) {
        long n = lcm_utf8_len(t.s, strlen(t.s));
        set_num(out, n < 0 ? (double)strlen(t.s) : (double)n);
    }
    text_free(&t);
    return st;
}

/* Byte offset of character index i in s (clamped to the end). */
static size_t char_offset(const char *s, double i) {
    size_t at = 0;
    for (double k = 0; k < i && s[at]; k++)
        for (at++; ((unsigned char)s[at] & 0xC0) == 0x80; at++)
            ;
    return at;
}

/* substr(s, start[, end]): ODK's form, 0-based, end exclusive, in characters. */
static lcm_status fn_substr(const lcm__node *c, const lcm_expr_env *env, lcm_value *out,
                            lcm_err *err) {
    text_arg t;
    double from = 0, to = INFINITY;
    lcm_status st = arg_text(c, 0, env, &t, err);
    const char *s = t.s;
    if (st == LCM_OK)
        st = arg_num(c, 1, env, &from, err);
    if (st == LCM_OK && c->nargs > 2)
        st = arg_num(c, 2, env, &to, err);
    if (st == LCM_OK) {
        from = isnan(from) || from < 0 ? 0 : from;
        size_t a = char_offset(s, from), b = isnan(to) ? a : char_offset(s, to);
        st = set_owned(out, strndup(s + a, b > a ? b - a : 0), err);
    }
    text_free(&t);
    return st;
}

static lcm_status fn_normalize_space(const lcm__node *c, const lcm_expr_env *env, lcm_value *out,
                                     lcm_err *err) {
    char *s;
    lcm_status st = arg_str(c, 0, env, &s, err);
    if (st != LCM_OK)
        return st;
    size_t w = 0;
    for (const char *p = s; *p;) {
        size_t word = strcspn(p, " \t\r\n");
        if (word) {
            if (w)
                s[w++] = ' ';
            memmove(s + w, p, word);
            w += word;
            p += word;
        } else
            p++;
    }
    s[w] = '\0';
    return set_owned(out, s, err);
}

static lcm_status fn_regex(const lcm__node *c, const lcm_expr_env *env, lcm_value *out,
                           lcm_err *err) {
    char *pattern = NULL;
    regex_t *re = (regex_t *)c->re, *own = NULL;
    text_arg t;
    lcm_status st = arg_text(c, 0, env, &t, err);
    if (st == LCM_OK && c->re_digits) {
        size_t n = strspn(t.s, "0123456789");
        set_bool(out, t.s[n] == '\0' && n >= (size_t)c->re_dmin && n <= (size_t)c->re_dmax);
        text_free(&t);
        return LCM_OK;
    }
    if (st == LCM_OK && !re && (st = arg_str(c, 1, env, &pattern, err)) == LCM_OK)
        st = lcm__regex_compile(pattern, &own, err);
    if (st == LCM_OK)
        set_bool(out, regexec(re ? re : own, t.s, 0, NULL, 0) == 0);
    lcm__regex_free(own);
    text_free(&t), free(pattern);
    return st;
}

/* The space-separated answers of a select_multiple, one at a time. */
static int is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static const char *next_item(const char *p, size_t *len) {
    while (is_space(*p))
        p++;
    size_t n = 0;
    while (p[n] && !is_space(p[n]))
        n++;
    *len = n;
    return n ? p : NULL;
}

int lcm__selected_word(const char *list, const char *want) {
    size_t len, wlen;
    const char *w = next_item(want, &wlen);
    for (const char *p = list; w && (p = next_item(p, &len)) != NULL; p += len)
        if (len == wlen && memcmp(p, w, len) == 0)
            return 1;
    return 0;
}

static lcm_status fn_selected(const lcm__node *c, const lcm_expr_env *env, lcm_value *out,
                              lcm_err *err) {
    text_arg tl, tw = {0};
    lcm_status st = arg_text(c, 0, env, &tl, err);
    if (st == LCM_OK)
        st = arg_text(c, 1, env, &tw, err);
    if (st == LCM_OK)
        set_bool(out, lcm__selected_word(tl.s, tw.s));
    text_free(&tl), text_free(&tw);
    return st;
}

static lcm_status fn_count_selected(const lcm__node *c, const lcm_expr_env *env, lcm_value *out,
                                    lcm_err *err) {
    text_arg t;
    lcm_status st = arg_text(c, 0, env, &t, err);
    if (st != LCM_OK) {
        text_free(&t);
        return st;
    }
    size_t len;
    double n = 0;
    for (const char *p = t.s; (p = next_item(p, &len)) != NULL; p += len)
        n++;
    text_free(&t);
    set_num(out, n);
    return LCM_OK;
}

static lcm_status fn_selected_at(const lcm__node *c, const lcm_expr_env *env, lcm_value *out,
                                 lcm_err *err) {
    char *list;
    double want;
    lcm_status st = arg_str(c, 0, env, &list, err);
    if (st == LCM_OK && (st = arg_num(c, 1, env, &want, err)) == LCM_OK) {
        size_t len = 0;
        const char *p = list, *hit = NULL;
        for (double k = 0; (p = next_item(p, &len)) != NULL; p += len, k++)
            if (k == want) {
                hit = p;
                break;
            }
        st = set_owned(out, strndup(hit ? hit : "", hit ? len : 0), err);
    }
    free(list);
    return st;
}

static lcm_status fn_today(const lcm__node *c, const lcm_expr_env *env, lcm_value *out,
                           lcm_err *err) {
    char buf[32];
    time_t now = time(NULL);
    struct tm tm;
    int is_now = strcmp(lcm__fn_get(c->op)->name, "now") == 0;
    if (env->today && !is_now)
        return set_owned(out, strdup(env->today), err);
    localtime_r(&now, &tm);
    strftime(buf, sizeof buf, is_now ? "%Y-%m-%dT%H:%M:%S" : "%Y-%m-%d", &tm);
    return set_owned(out, strdup(buf), err);
}

/* date(x): a number of days as an ISO date; a date string stays itself. */
static lcm_status fn_date(const lcm__node *c, const lcm_expr_env *env, lcm_value *out,
                          lcm_err *err) {
    double days;
    char buf[32];
    lcm_status st = arg_num(c, 0, env, &days, err);
    if (st != LCM_OK)
        return st;
    lcm__date_format(days, buf, sizeof buf);
    return set_owned(out, strdup(buf), err);
}

static long count_of(const lcm__node *var, const lcm_expr_env *env) {
    return env->count ? env->count(env->ud, var->slot) : 1;
}

/* 1 when every predicate of path (on a repeat) holds for instance row (from 0). */
static lcm_status predicates_hold(const lcm__node *path, const lcm_expr_env *env, long row,
                                  int *yes, lcm_err *err) {
    lcm_expr_env in = *env;
    in.pred_row = row + 1;
    *yes = 1;
    for (int i = 1; i < path->nargs && *yes; i++) {
        if (path->args[i]->kind != N_PRED)
            continue;
        /* [3] selects the third instance, as in XPath; any other value is a condition */
        lcm_value v = {0};
        lcm_status st = lcm__eval_node(path->args[i]->args[0], &in, &v, err);
        if (st != LCM_OK)
            return st;
        *yes = v.kind == LCM_VAL_NUM ? v.num == (double)(row + 1) : lcm_value_bool(&v);
        lcm_value_free(&v);
    }
    return LCM_OK;
}

/* count(${repeat}) and count(${repeat}[condition on its fields]). */
static lcm_status fn_count(const lcm__node *c, const lcm_expr_env *env, lcm_value *out,
                           lcm_err *err) {
    const lcm__node *a = c->args[0];
    if (a->kind != N_PATH) {
        set_num(out, (double)count_of(a, env));
        return LCM_OK;
    }
    long n = count_of(a->args[0], env), k = 0;
    for (long i = 0; i < n; i++) {
        int yes;
        lcm_status st = predicates_hold(a, env, i, &yes, err);
        if (st != LCM_OK)
            return st;
        k += yes;
    }
    set_num(out, (double)k);
    return LCM_OK;
}

/* ${last-saved#x}: the answer in the last form this device saved. lcmon keeps no such
 * form per device, so it is empty (ODK's value before any form was saved). */
static lcm_status fn_empty(const lcm__node *c, const lcm_expr_env *env, lcm_value *out,
                           lcm_err *err) {
    (void)c, (void)env;
    return lcm_value_set_str(out, "") == LCM_OK ? LCM_OK : oom(err);
}

/* once(x): x the first time, then the value the field already holds. */
static lcm_status fn_once(const lcm__node *c, const lcm_expr_env *env, lcm_value *out,
                          lcm_err *err) {
    if (env->self && *env->self) {
        lcm_value_borrow(out, env->self);
        return LCM_OK;
    }
    return lcm__eval_node(c->args[0], env, out, err);
}

/* random(): a number in [0, 1) (a fresh one per evaluation, as in ODK). */
static lcm_status fn_random(const lcm__node *c, const lcm_expr_env *env, lcm_value *out,
                            lcm_err *err) {
    (void)c, (void)env, (void)err;
    uint32_t r = 0;
    if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r)
        r = (uint32_t)time(NULL) * 2654435761u;
    set_num(out, (double)(r >> 2) / (double)(1u << 30));
    return LCM_OK;
}

static lcm_status fn_current(const lcm__node *c, const lcm_expr_env *env, lcm_value *out,
                             lcm_err *err) {
    (void)c, (void)err;
    lcm_value_borrow(out, env->self);
    return LCM_OK;
}

/* Days since 1970-01-01 of "YYYY-MM-DD" or "YYYY-MM-DDThh:mm[:ss[.fff]]" (local time: no
 * zone is applied, as the answers store none); *ok 0 when s is neither. */
static double datetime_days(const char *s, int *ok) {
    char date[11];
    *ok = 0;
    if (strlen(s) < 10)
        return NAN;
    memcpy(date, s, 10);
    date[10] = '\0';
    double days = lcm__date_days(date, ok);
    if (!*ok || s[10] == '\0')
        return *ok ? days : NAN;
    int h = 0, m = 0, used = 0;
    double sec = 0;
    if ((s[10] != 'T' && s[10] != ' ') || sscanf(s + 11, "%2d:%2d%n", &h, &m, &used) != 2) {
        *ok = 0;
        return NAN;
    }
    if (s[11 + used] == ':')
        sec = strtod(s + 12 + used, NULL);
    return days + (h * 3600.0 + m * 60.0 + sec) / 86400.0;
}

/* decimal-date-time(x): days since 1970-01-01 with the time as a fraction. */
static lcm_status fn_decimal_date_time(const lcm__node *c, const lcm_expr_env *env, lcm_value *out,
                                       lcm_err *err) {
    text_arg t;
    lcm_status st = arg_text(c, 0, env, &t, err);
    if (st != LCM_OK)
        return text_free(&t), st;
    int ok;
    double d = datetime_days(t.s, &ok);
    if (!ok && t.v.kind == LCM_VAL_NUM)
        d = t.v.num, ok = 1;
    text_free(&t);
    set_num(out, ok ? d : NAN);
    return LCM_OK;
}

/* format-date(date, format) and format-date-time: %Y %y %m %n %b %d %e %a %H %h %M %S %3. */
static lcm_status fn_format_date(const lcm__node *c, const lcm_expr_env *env, lcm_value *out,
                                 lcm_err *err) {
    static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    static const char *const wday[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    text_arg t, f;
    lcm_status st = arg_text(c, 0, env, &t, err);
    if (st != LCM_OK)
        return text_free(&t), st;
    if ((st = arg_text(c, 1, env, &f, err)) != LCM_OK) {
        text_free(&t), text_free(&f);
        return st;
    }
    int ok;
    double d = datetime_days(t.s, &ok);
    if (!ok && t.v.kind == LCM_VAL_NUM && isfinite(t.v.num))
        d = t.v.num, ok = 1;
    lcm_strbuf sb = LCM_STRBUF_INIT;
    if (ok && fabs(d) < 1e7) {
        char ymd[16];
        lcm__date_format(floor(d), ymd, sizeof ymd);
        int y = atoi(ymd), m = atoi(ymd + 5), dd = atoi(ymd + 8);
        double secs = (d - floor(d)) * 86400.0 + 0.0005;
        int H = (int)(secs / 3600), M = (int)fmod(secs / 60, 60), S = (int)fmod(secs, 60);
        int ms = (int)(fmod(secs, 1) * 1000);
        long wd = ((long)floor(d) % 7 + 7 + 4) % 7; /* 1970-01-01 was a Thursday */
        for (const char *p = f.s; *p; p++) {
            if (*p != '%' || !p[1]) {
                lcm_strbuf_addc(&sb, *p);
                continue;
            }
            switch (*++p) {
            case 'Y':
                lcm_strbuf_addf(&sb, "%04d", y);
                break;
            case 'y':
                lcm_strbuf_addf(&sb, "%02d", y % 100);
                break;
            case 'm':
                lcm_strbuf_addf(&sb, "%02d", m);
                break;
            case 'n':
                lcm_strbuf_addf(&sb, "%d", m);
                break;
            case 'b':
                lcm_strbuf_adds(&sb, mon[m - 1]);
                break;
            case 'd':
                lcm_strbuf_addf(&sb, "%02d", dd);
                break;
            case 'e':
                lcm_strbuf_addf(&sb, "%d", dd);
                break;
            case 'a':
                lcm_strbuf_adds(&sb, wday[wd]);
                break;
            case 'H':
                lcm_strbuf_addf(&sb, "%02d", H);
                break;
            case 'h':
                lcm_strbuf_addf(&sb, "%d", H);
                break;
            case 'M':
                lcm_strbuf_addf(&sb, "%02d", M);
                break;
            case 'S':
                lcm_strbuf_addf(&sb, "%02d", S);
                break;
            case '3':
                lcm_strbuf_addf(&sb, "%03d", ms);
                break;
            default:
                lcm_strbuf_addc(&sb, '%'), lcm_strbuf_addc(&sb, *p);
                break;
            }
        }
    }
    text_free(&t), text_free(&f);
    if (!lcm_strbuf_ok(&sb)) {
        lcm_strbuf_release(&sb);
        return oom(err);
    }
    char *r = lcm_strbuf_detach(&sb);
    return set_owned(out, r ? r : strdup(""), err);
}

/* join(sep, ${field in a repeat}) joins its instances; join(sep, a, b, …) its arguments. */
static lcm_status fn_join(const lcm__node *c, const lcm_expr_env *env, lcm_value *out,
                          lcm_err *err) {
    text_arg sep;
    lcm_status st = arg_text(c, 0, env, &sep, err);
    if (st != LCM_OK)
        return text_free(&sep), st;
    int over_var = c->nargs == 2 && c->args[1]->kind == N_VAR;
    long n = over_var ? count_of(c->args[1], env) : c->nargs - 1;
    lcm_strbuf sb = LCM_STRBUF_INIT;
    lcm_strbuf_adds(&sb, "");
    for (long i = 0; i < n && st == LCM_OK; i++) {
        lcm_value v = {0};
        st = over_var ? env->get(env->ud, c->args[1]->slot, i, &v, err)
                      : lcm__eval_node(c->args[i + 1], env, &v, err);
        char *s = st == LCM_OK ? lcm_value_string(&v) : NULL;
        if (st == LCM_OK && !s)
            st = oom(err);
        if (s && i)
            lcm_strbuf_adds(&sb, sep.s);
        if (s)
            lcm_strbuf_adds(&sb, s);
        free(s);
        lcm_value_free(&v);
    }
    text_free(&sep);
    if (st != LCM_OK || !lcm_strbuf_ok(&sb)) {
        lcm_strbuf_release(&sb);
        return st != LCM_OK ? st : oom(err);
    }
    return set_owned(out, lcm_strbuf_detach(&sb), err);
}

/* jr:choice-name(value, '${select}'): the choice's label (the value itself when the
 * evaluator knows no labels). The second argument was resolved at load (slot in num). */
static lcm_status fn_choice_name(const lcm__node *c, const lcm_expr_env *env, lcm_value *out,
                                 lcm_err *err) {
    text_arg t;
    lcm_status st = arg_text(c, 0, env, &t, err);
    if (st != LCM_OK)
        return text_free(&t), st;
    int slot = c->args[1]->slot;
    if (env->choice_label && slot >= 0)
        st = env->choice_label(env->ud, slot, t.s, out, err);
    else
        st = lcm_value_set_str(out, t.s) == LCM_OK ? LCM_OK : oom(err);
    text_free(&t);
    return st;
}

/* sum, min and max over the instances of a ${field} in a repeat (an empty one is NaN,
 * as in XPath); min and max also take several plain numbers. */
static lcm_status fn_aggregate(const lcm__node *c, const lcm_expr_env *env, lcm_value *out,
                               lcm_err *err) {
    const char *name = lcm__fn_get(c->op)->name;
    int is_sum = name[1] == 'u', is_min = name[1] == 'i';
    int over_var = c->nargs == 1 && c->args[0]->kind == N_VAR;
    long n = over_var ? count_of(c->args[0], env) : c->nargs;
    double acc = is_sum ? 0 : NAN;
    for (long i = 0; i < n; i++) {
        lcm_value v = {0};
        lcm_status st = over_var ? env->get(env->ud, c->args[0]->slot, i, &v, err)
                                 : lcm__eval_node(c->args[i], env, &v, err);
        double x = lcm_value_number(&v);
        lcm_value_free(&v);
        if (st != LCM_OK)
            return st;
        if (is_sum)
            acc += x;
        else if (i == 0)
            acc = x;
        else if (!isnan(acc)) /* fmin/fmax skip NaN; XPath lets it win */
            acc = isnan(x) ? NAN : is_min ? fmin(acc, x) : fmax(acc, x);
    }
    set_num(out, acc);
    return LCM_OK;
}

static lcm_status fn_position(const lcm__node *c, const lcm_expr_env *env, lcm_value *out,
                              lcm_err *err) {
    (void)c, (void)err;
    set_num(out, (double)(env->pred_row ? env->pred_row : env->position));
    return LCM_OK;
}

/* indexed-repeat(${field}, ${repeat}, n): the field in the n-th instance (from 1). */
static lcm_status fn_indexed_repeat(const lcm__node *c, const lcm_expr_env *env, lcm_value *out,
                                    lcm_err *err) {
    double n;
    lcm_status st = arg_num(c, 2, env, &n, err);
    if (st != LCM_OK)
        return st;
    if (c->nargs > 3 && env->get_path) { /* repeats inside repeats: a row of each in turn */
        int reps[3];
        long rows[3];
        int k = 0;
        for (int a = 1; a + 1 < c->nargs && k < 3; a += 2, k++) {
            double x;
            if ((st = arg_num(c, a + 1, env, &x, err)) != LCM_OK)
                return st;
            reps[k] = c->args[a]->slot;
            rows[k] = isnan(x) || x < 1 || x != floor(x) || x > 1e6 ? 0 : (long)x;
        }
        return env->get_path(env->ud, c->args[0]->slot, reps, rows, k, out, err);
    }
    if (isnan(n) || n < 1 || n > (double)count_of(c->args[1], env) || n != floor(n))
        return lcm_value_set_str(out, "") == LCM_OK ? LCM_OK : oom(err);
    return env->get(env->ud, c->args[0]->slot, (long)n - 1, out, err);
}

static const lcm__fn functions[] = {
    {"if", 3, 3, 0, fn_if},
    {"coalesce", 2, 2, 0, fn_coalesce},
    {"not", 1, 1, 0, fn_not},
    {"boolean", 1, 1, 0, fn_boolean},
    {"true", 0, 0, 0, fn_true},
    {"false", 0, 0, 0, fn_true},
    {"number", 1, 1, 0, fn_math1},
    {"int", 1, 1, 0, fn_math1},
    {"floor", 1, 1, 0, fn_math1},
    {"ceiling", 1, 1, 0, fn_math1},
    {"abs", 1, 1, 0, fn_math1},
    {"round", 1, 2, 0, fn_round},
    {"pow", 2, 2, 0, fn_pow},
    {"string", 1, 1, 0, fn_string},
    {"concat", 0, -1, 0, fn_concat},
    {"contains", 2, 2, 0, fn_strtest},
    {"starts-with", 2, 2, 0, fn_strtest},
    {"ends-with", 2, 2, 0, fn_strtest},
    {"substr", 2, 3, 0, fn_substr},
    {"string-length", 1, 1, 0, fn_string_length},
    {"normalize-space", 1, 1, 0, fn_normalize_space},
    {"regex", 2, 2, 0, fn_regex},
    {"selected", 2, 2, 0, fn_selected},
    {"selected-at", 2, 2, 0, fn_selected_at},
    {"count-selected", 1, 1, 0, fn_count_selected},
    {"today", 0, 0, 0, fn_today},
    {"now", 0, 0, 0, fn_today},
    {"date", 1, 1, 0, fn_date},
    {"count", 1, 1, 1, fn_count},
    {"sum", 1, 1, 1, fn_aggregate},
    {"min", 1, -1, 0, fn_aggregate},
    {"max", 1, -1, 0, fn_aggregate},
    {"position", 0, 0, 0, fn_position},
    {"indexed-repeat", 3, 7, 2, fn_indexed_repeat},
    {"last-saved", 1, 1, 0, fn_empty},
    /* pulldata('file', 'column', 'key column', key) and instance('name')/…: data attached
     * to the form (a CSV, a choice list) that lcmon does not hold while answering: empty,
     * as ODK gives when the row is missing. */
    {"pulldata", 4, 4, 0, fn_empty},
    {"instance", 1, 1, 0, fn_empty},
    {"once", 1, 1, 0, fn_once},
    {"random", 0, 0, 0, fn_random},
    {"current", 0, 0, 0, fn_current},
    {"decimal-date-time", 1, 1, 0, fn_decimal_date_time},
    {"format-date", 2, 2, 0, fn_format_date},
    {"format-date-time", 2, 2, 0, fn_format_date},
    {"join", 2, -1, 0, fn_join},
    {"jr:choice-name", 2, 2, 0, fn_choice_name},
};

int lcm__fn_find(const char *name, size_t len) {
    for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++)
        if (strlen(functions[i].name) == len && strncmp(functions[i].name, name, len) == 0)
            return (int)i;
    return -1;
}

const lcm__fn *lcm__fn_get(int index) {
    return &functions[index];
}
