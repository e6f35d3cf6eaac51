/*
 * form_value.c - checking one answer against its field: the type (integer, decimal, date,
 * range, choices), and a constraint that looks only at the answer itself ('.'), which is
 * all an importer can check before the rest of the instance is known.
 */
#include "expr_int.h"
#include "form_int.h"
#include "strbuf.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Digits from p: their count; *end is where they stop. */
static size_t digits(const char *p, const char **end) {
    const char *q = p;
    while (*q >= '0' && *q <= '9')
        q++;
    *end = q;
    return (size_t)(q - p);
}

static int is_integer(const char *s) {
    const char *p = s + (*s == '-'), *end;
    size_t n = digits(p, &end);
    if (!n || *end)
        return 0;
    if (n <= 18) /* fits a 64-bit integer whatever the digits */
        return 1;
    errno = 0;
    (void)strtoll(s, NULL, 10);
    return errno == 0;
}

/* Plain decimal notation only: what people type and CSV exports write. */
static int is_decimal(const char *s, double *x) {
    const char *p = s + (*s == '-'), *end;
    size_t whole = digits(p, &end), frac = 0;
    if (*end == '\0' && whole && whole <= 15) { /* a whole number: exact without strtod */
        double v = 0;
        for (const char *q = p; q < end; q++)
            v = v * 10 + (*q - '0');
        *x = *s == '-' ? -v : v;
        return 1;
    }
    if (p[whole] == '.')
        frac = strspn(p + whole + 1, "0123456789");
    size_t len = whole + (p[whole] == '.' ? 1 + frac : 0);
    if (whole + frac == 0 || p[len] != '\0')
        return 0;
    *x = strtod(s, NULL);
    return isfinite(*x);
}

/* n digits exactly at *p, their value; advances *p. -1 when they are not there. */
static int fixed_digits(const char **p, int n) {
    int v = 0;
    for (int i = 0; i < n; i++, (*p)++) {
        if (**p < '0' || **p > '9')
            return -1;
        v = v * 10 + (**p - '0');
    }
    return v;
}

/* HH:MM[:SS[.fff]][Z|±HH:MM] (XForms time, as ODK writes it); 1 when it is one. */
static int is_time(const char *p) {
    int h = fixed_digits(&p, 2);
    if (h < 0 || h > 23 || *p++ != ':')
        return 0;
    int m = fixed_digits(&p, 2);
    if (m < 0 || m > 59)
        return 0;
    if (*p == ':') {
        p++;
        int sec = fixed_digits(&p, 2);
        if (sec < 0 || sec > 59)
            return 0;
        if (*p == '.') {
            const char *end;
            if (!digits(p + 1, &end))
                return 0;
            p = end;
        }
    }
    if (*p == 'Z')
        return p[1] == '\0';
    if (*p == '+' || *p == '-') {
        p++;
        int zh = fixed_digits(&p, 2);
        if (zh < 0 || zh > 14)
            return 0;
        if (*p == ':')
            p++;
        int zm = fixed_digits(&p, 2);
        return zm >= 0 && zm <= 59 && *p == '\0';
    }
    return *p == '\0';
}

/* YYYY-MM-DDTHH:MM… (a space for the T as spreadsheets write it). */
static int is_datetime(const char *s) {
    const char *t = strpbrk(s, "T ");
    if (!t || t - s != 10)
        return 0;
    char date[11];
    memcpy(date, s, 10);
    date[10] = '\0';
    int ok;
    lcm__date_days(date, &ok);
    return ok && is_time(t + 1);
}

/* One geopoint "lat lon [alt [accuracy]]" from p to end: 1 when it is one. */
static int is_geopoint(const char *p, const char *end) {
    double v[4];
    int n = 0;
    while (p < end && n < 5) {
        while (p < end && *p == ' ')
            p++;
        if (p == end)
            break;
        const char *q = p;
        while (q < end && *q != ' ')
            q++;
        char num[64];
        if (q - p >= (long)sizeof num || n == 4)
            return 0;
        memcpy(num, p, (size_t)(q - p));
        num[q - p] = '\0';
        if (!is_decimal(num, &v[n]))
            return 0;
        n++;
        p = q;
    }
    return n >= 2 && fabs(v[0]) <= 90 && fabs(v[1]) <= 180 && (n < 4 || v[3] >= 0);
}

/* Geopoints joined by ';' (ODK ends the list with one); at least min of them. */
static int is_geopoints(const char *s, int min, int closed) {
    int n = 0;
    const char *first = s, *first_end = NULL, *last = s, *last_end = NULL;
    for (const char *p = s; *p;) {
        const char *q = strchr(p, ';');
        const char *end = q ? q : p + strlen(p);
        if (end > p || !q) {
            if (!is_geopoint(p, end))
                return 0;
            if (!n)
                first = p, first_end = end;
            last = p, last_end = end;
            n++;
        }
        p = q ? q + 1 : end;
    }
    if (n < min)
        return 0;
    return !closed || (first_end - first == last_end - last &&
                       memcmp(first, last, (size_t)(first_end - first)) == 0);
}

static lcm_status check_rank(const lcm_field *fd, const char *text, lcm_err *err);

static lcm_status check_text(const lcm_field *fd, const char *text, lcm_err *err) {
    static const char *const what[] = {
        [LCM_TK_TIME] = "a time written HH:MM or HH:MM:SS",
        [LCM_TK_DATETIME] = "a date and time written YYYY-MM-DDTHH:MM:SS",
        [LCM_TK_GEOPOINT] = "a geopoint 'latitude longitude [altitude [accuracy]]'",
        [LCM_TK_GEOTRACE] = "a geotrace (two or more geopoints joined by ';')",
        [LCM_TK_GEOSHAPE] = "a geoshape (four or more geopoints joined by ';', the last the first)",
    };
    int ok = 1;
    switch (fd->text_kind) {
    case LCM_TK_TIME:
        ok = is_time(text);
        break;
    case LCM_TK_DATETIME:
        ok = is_datetime(text);
        break;
    case LCM_TK_GEOPOINT:
        ok = is_geopoint(text, text + strlen(text));
        break;
    case LCM_TK_GEOTRACE:
        ok = is_geopoints(text, 2, 0);
        break;
    case LCM_TK_GEOSHAPE:
        ok = is_geopoints(text, 4, 1);
        break;
    case LCM_TK_RANK:
        return check_rank(fd, text, err);
    default:
        break;
    }
    if (!ok)
        return lcm_err_set(err, LCM_CONSTRAINT, "field '%s': '%s' is not %s", fd->name, text,
                           what[fd->text_kind]);
    return LCM_OK;
}

static lcm_status check_choices(const lcm_field *fd, const char *text, lcm_err *err) {
    if (fd->type == LCM_FT_SELECT_ONE) {
        if (lcm_form_choice(fd->list, text) < 0)
            return lcm_err_set(err, LCM_CONSTRAINT, "field '%s': '%s' is not a choice of list '%s'",
                               fd->name, text, fd->list->name);
        return LCM_OK;
    }
    char *copy = strdup(text), *save = NULL;
    if (!copy)
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    lcm_status st = LCM_OK;
    for (char *tok = strtok_r(copy, " \t", &save); tok && st == LCM_OK;
         tok = strtok_r(NULL, " \t", &save)) {
        if (lcm_form_choice(fd->list, tok) < 0)
            st = lcm_err_set(err, LCM_CONSTRAINT, "field '%s': '%s' is not a choice of list '%s'",
                             fd->name, tok, fd->list->name);
        for (char *prev = copy; st == LCM_OK && prev < tok; prev += strlen(prev) + 1)
            if (*prev && strcmp(prev, tok) == 0)
                st = lcm_err_set(err, LCM_CONSTRAINT, "field '%s': choice '%s' is given twice",
                                 fd->name, tok);
    }
    free(copy);
    return st;
}

/* rank: every choice of the list once, in the order given (a space between names). */
static lcm_status check_rank(const lcm_field *fd, const char *text, lcm_err *err) {
    lcm_status st = check_choices(fd, text, err);
    size_t n = 0;
    for (const char *p = text; st == LCM_OK && *p;) {
        p += strspn(p, " \t");
        if (*p)
            n++;
        p += strcspn(p, " \t");
    }
    if (st == LCM_OK && n != fd->list->n)
        st = lcm_err_set(err, LCM_CONSTRAINT,
                         "field '%s': a ranking names each of the %zu choices of list '%s' once, "
                         "not %zu",
                         fd->name, fd->list->n, fd->list->name, n);
    return st;
}

static lcm_status check_type(const lcm_field *fd, const char *text, lcm_err *err) {
    double x;
    int ok;
    switch (fd->type) {
    case LCM_FT_INTEGER:
        if (!is_integer(text))
            return lcm_err_set(err, LCM_CONSTRAINT, "field '%s': '%s' is not a whole number",
                               fd->name, text);
        return LCM_OK;
    case LCM_FT_DECIMAL:
        if (!is_decimal(text, &x))
            return lcm_err_set(err, LCM_CONSTRAINT, "field '%s': '%s' is not a number", fd->name,
                               text);
        return LCM_OK;
    case LCM_FT_RANGE:
        if (!is_decimal(text, &x) || x < fd->range_start || x > fd->range_end ||
            fabs(remainder(x - fd->range_start, fd->range_step)) > 1e-9 * fd->range_step)
            return lcm_err_set(err, LCM_CONSTRAINT,
                               "field '%s': '%s' is not on the scale %g to %g in steps of %g",
                               fd->name, text, fd->range_start, fd->range_end, fd->range_step);
        return LCM_OK;
    case LCM_FT_DATE:
        lcm__date_days(text, &ok);
        if (!ok)
            return lcm_err_set(err, LCM_CONSTRAINT,
                               "field '%s': '%s' is not a date written YYYY-MM-DD", fd->name, text);
        return LCM_OK;
    case LCM_FT_SELECT_ONE:
    case LCM_FT_SELECT_MULTIPLE:
        return check_choices(fd, text, err);
    case LCM_FT_TEXT:
        return check_text(fd, text, err);
    case LCM_FT_NOTE:
    case LCM_FT_BEGIN_GROUP:
    case LCM_FT_END_GROUP:
    case LCM_FT_BEGIN_REPEAT:
    case LCM_FT_END_REPEAT:
        return lcm_err_set(err, LCM_CONSTRAINT, "field '%s': a %s takes no answer", fd->name,
                           lcm__form_type_name(fd->type));
    default:
        return LCM_OK;
    }
}

static void count_ref(void *ud, int slot) {
    (void)slot;
    ++*(int *)ud;
}

static lcm_status validate(const lcm_form *f, int field, const char *text, int utf8_known,
                           lcm_err *err) {
    if (field < 0 || (size_t)field >= f->nfields)
        return lcm_err_set(err, LCM_INVAL, "no field number %d in form '%s'", field, f->form_id);
    const lcm_field *fd = &f->fields[field];
    if (!text || !*text)
        return LCM_OK;
    if (!utf8_known && !lcm_utf8_valid(text, strlen(text)))
        return lcm_err_set(err, LCM_CONSTRAINT, "field '%s': not valid UTF-8", fd->name);
    lcm_status st = check_type(fd, text, err);
    int refs = 0, ok = 1;
    if (st != LCM_OK || !fd->constraint)
        return st;
    if (f->self_only) /* worked out when the form was read (form_plan.c) */
        refs = !f->self_only[field];
    else /* a default checked while the form is read, before its plan exists */
        lcm_expr_refs(fd->constraint, count_ref, &refs);
    if (refs)
        return LCM_OK; /* needs the other answers: lcm_instance_finish checks it */
    lcm_expr_env env = {0};
    env.self = text;
    if ((st = lcm_expr_eval_bool(fd->constraint, &env, &ok, err)) != LCM_OK)
        return st;
    if (!ok) {
        const char *msg = lcm_form_text(f, fd->constraint_message, lcm_form_lang_index(f, NULL));
        return lcm_err_set(err, LCM_CONSTRAINT, "field '%s': '%s' breaks the constraint %s%s%s",
                           fd->name, text, lcm_expr_source(fd->constraint), *msg ? ": " : "", msg);
    }
    return LCM_OK;
}

lcm_status lcm_form_validate_value(const lcm_form *f, int field, const char *text, lcm_err *err) {
    return validate(f, field, text, 0, err);
}

lcm_status lcm_form_validate_utf8(const lcm_form *f, int field, const char *text, lcm_err *err) {
    return validate(f, field, text, 1, err);
}
