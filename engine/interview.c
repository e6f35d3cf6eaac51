/*
 * interview.c - the question-by-question walk over a form (see interview.h); answers and
 * going back are in interview_answer.c.
 *
 * The position is a field index and a row. next() moves forward from it to the first
 * thing that needs the interviewer, evaluating relevance on the way. When resuming, it
 * passes over what already has an answer (recording it, so `<` can go back to it) until
 * the first question without one.
 */
#include "interview_int.h"
#include "strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static lcm_status oom(lcm_err *err) {
    return lcm_err_set(err, LCM_NOMEM, "out of memory");
}

/* The local time as ISO 8601 (date_only: just the date, as `today` wants it). */
static void now_iso(char *buf, size_t n, int date_only) {
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    if (strftime(buf, n, date_only ? "%Y-%m-%d" : "%Y-%m-%dT%H:%M:%S", &tm) == 0)
        buf[0] = '\0';
}

/* A question that fills a standard column given on the command line (--city,
 * --interviewer) starts with that value, so Enter keeps it. */
static lcm_status prefill(lcm_interview *iv, lcm_err *err) {
    for (size_t i = 0; i < iv->f->nfields; i++) {
        const lcm_field *fd = &iv->f->fields[i];
        const char *meta = fd->column && fd->repeat < 0 && fd->type < LCM_FT_START
                               ? lcm_instance_meta(iv->in, fd->column)
                               : NULL;
        if (!meta || fd->type == LCM_FT_CALCULATE || *lcm_instance_get(iv->in, (int)i, 0) ||
            lcm_form_validate_value(iv->f, (int)i, meta, NULL) != LCM_OK)
            continue;
        lcm_status st = lcm_instance_set(iv->in, (int)i, 0, meta, err);
        if (st != LCM_OK)
            return st;
    }
    return LCM_OK;
}

/* Metadata that has no value yet (a resumed interview keeps its start). */
static lcm_status fill_metadata(lcm_interview *iv, const char *interviewer, lcm_err *err) {
    char buf[256];
    lcm_status st = LCM_OK;
    if (interviewer)
        st = lcm_instance_set_meta(iv->in, "interviewer", interviewer, err);
    for (size_t i = 0; i < iv->f->nfields && st == LCM_OK; i++) {
        lcm_field_type t = iv->f->fields[i].type;
        if (*lcm_instance_get(iv->in, (int)i, 0))
            continue;
        if (t == LCM_FT_START)
            now_iso(buf, sizeof buf, 0);
        else if (t == LCM_FT_TODAY)
            now_iso(buf, sizeof buf, 1);
        else if (t == LCM_FT_DEVICEID && gethostname(buf, sizeof buf - 1) == 0)
            buf[sizeof buf - 1] = '\0';
        else if (t == LCM_FT_USERNAME && lcm_instance_meta(iv->in, "interviewer"))
            snprintf(buf, sizeof buf, "%s", lcm_instance_meta(iv->in, "interviewer"));
        else
            continue;
        st = lcm_instance_set(iv->in, (int)i, 0, buf, err);
    }
    return st == LCM_OK ? prefill(iv, err) : st;
}

lcm_status lcm_interview_new(lcm_instance *in, const char *lang, const char *interviewer,
                             lcm_interview **out, lcm_err *err) {
    lcm_interview *iv = calloc(1, sizeof *iv);
    *out = NULL;
    if (!iv)
        return oom(err);
    iv->in = in;
    iv->f = in->f;
    iv->lang = lcm_form_lang_index(in->f, lang);
    iv->at = -1;
    in->keep_hidden = 1;
    iv->choices = calloc(1, sizeof *iv->choices);
    lcm_status st = iv->choices ? fill_metadata(iv, interviewer, err) : oom(err);
    if (st != LCM_OK) {
        lcm_interview_free(iv);
        return st;
    }
    *out = iv;
    return LCM_OK;
}

void lcm_interview_free(lcm_interview *iv) {
    if (!iv)
        return;
    free(iv->label);
    free(iv->value);
    free(iv->choices);
    free(iv->asked);
    free(iv->seen);
    free(iv);
}

void lcm_interview_resume(lcm_interview *iv) {
    iv->fast = 1;
}

void lcm_interview_set_hook(lcm_interview *iv, lcm_interview_hook fn, void *ud) {
    iv->hook = fn;
    iv->hook_ud = ud;
}

size_t lcm_interview_lang(const lcm_interview *iv) {
    return iv->lang;
}

/* A label with each ${name} replaced by its current answer (XLSForm output values). */
static char *render(lcm_interview *iv, int field, long row, const char *text) {
    lcm_strbuf sb = LCM_STRBUF_INIT;
    for (const char *p = text; *p;) {
        const char *open = strstr(p, "${"), *close = open ? strchr(open, '}') : NULL;
        if (!close) {
            lcm_strbuf_adds(&sb, p);
            break;
        }
        lcm_strbuf_add(&sb, p, (size_t)(open - p));
        char name[80];
        snprintf(name, sizeof name, "%.*s", (int)(close - open - 2), open + 2);
        int ref = lcm_form_find(iv->f, name);
        const lcm_field *fd = &iv->f->fields[field];
        long r = ref >= 0 && iv->f->fields[ref].repeat == fd->repeat ? row : 1;
        lcm_strbuf_adds(
            &sb,
            ref >= 0 ? lcm_instance_get(iv->in, ref, iv->f->fields[ref].repeat >= 0 ? r : 0) : "");
        p = close + 1;
    }
    return lcm_strbuf_detach(&sb);
}

char *lcm_interview_fill(lcm_interview *iv, int field, long row, const char *text) {
    return render(iv, field, row, text);
}

static int begin_of(const lcm_form *f, int end) {
    for (int j = end - 1; j >= 0; j--)
        if (f->fields[j].end == end)
            return j;
    return -1;
}

/* The visible choices of a select, into iv->choices; numbered when no code is a number. */
static lcm_status list_choices(lcm_interview *iv, const lcm_field *fd, lcm_prompt *p,
                               lcm_err *err) {
    p->nchoices = 0;
    iv->nchoices = 0;
    iv->numbered = 0;
    if (!fd->list)
        return LCM_OK;
    const lcm_choice **c = realloc(iv->choices, (fd->list->n + 1) * sizeof *c);
    if (!c)
        return oom(err);
    iv->choices = c;
    int numeric = 0;
    for (size_t k = 0; k < fd->list->n; k++) {
        int visible;
        lcm_status st = lcm_instance_choice_visible(iv->in, iv->at, iv->row, &fd->list->items[k],
                                                    &visible, err);
        if (st != LCM_OK)
            return st;
        if (!visible)
            continue;
        c[p->nchoices++] = &fd->list->items[k];
        const char *name = fd->list->items[k].name;
        numeric |= strspn(name, "0123456789") == strlen(name);
    }
    p->choices = c;
    iv->nchoices = p->nchoices;
    iv->numbered = p->numbered = p->nchoices > 0 && !numeric;
    return LCM_OK;
}

/* Fill p for the prompt at (iv->at, iv->row). */
static lcm_status make_prompt(lcm_interview *iv, lcm_prompt_kind kind, lcm_prompt *p,
                              lcm_err *err) {
    const lcm_field *fd = &iv->f->fields[iv->at];
    memset(p, 0, sizeof *p);
    iv->kind = p->kind = kind;
    iv->waiting = kind == LCM_PROMPT_QUESTION || kind == LCM_PROMPT_ADD_ROW;
    p->field = iv->at;
    p->row = kind == LCM_PROMPT_ADD_ROW || fd->repeat >= 0 ? iv->row : 0;
    free(iv->label);
    free(iv->value);
    iv->label = render(iv, iv->at, iv->row, lcm_form_text(iv->f, fd->label, iv->lang));
    const char *v = "";
    char *dflt = NULL; /* a default, evaluated now when it is an expression (${q0} + 1) */
    if (kind == LCM_PROMPT_QUESTION) {
        v = lcm_instance_get(iv->in, iv->at, iv->row);
        if (!*v && (fd->default_value || fd->default_expr)) {
            lcm_status st = lcm_instance_default(iv->in, iv->at, iv->row, &dflt, err);
            if (st != LCM_OK)
                return st;
            if (dflt)
                v = dflt;
        }
    } else if (kind == LCM_PROMPT_ADD_ROW && lcm_instance_rows(iv->in, iv->at) >= iv->row)
        v = "y"; /* the row is there already: Enter goes into it */
    iv->value = strdup(v);
    free(dflt);
    if (!iv->label || !iv->value)
        return oom(err);
    p->label = iv->label;
    p->hint = lcm_form_text(iv->f, fd->hint, iv->lang);
    p->value = iv->value;
    return kind == LCM_PROMPT_QUESTION ? list_choices(iv, fd, p, err) : LCM_OK;
}

/* Enter a repeat with repeat_count: make it have that many rows (rows beyond the count go,
 * the others are kept). */
static lcm_status size_repeat(lcm_interview *iv, int r, long *n, lcm_err *err) {
    lcm_value v = {0};
    lcm_expr_env env = lcm_instance_env(iv->in, r, 0, NULL);
    lcm_status st = lcm_expr_eval(iv->f->fields[r].repeat_count, &env, &v, err);
    double want = st == LCM_OK ? lcm_value_number(&v) : 0;
    lcm_value_free(&v);
    if (st != LCM_OK)
        return st;
    if (!(want >= 0) || want > LCM_FORM_MAX_ROWS) /* NaN too: no rows */
        want = 0;
    lcm__instance_truncate_rows(iv->in, r, (long)want);
    long pos;
    while (st == LCM_OK && lcm_instance_rows(iv->in, r) < (long)want)
        st = lcm_instance_add_row(iv->in, r, &pos, err);
    *n = (long)want;
    return st;
}

lcm_status lcm_interview_size_repeat(lcm_interview *iv, int r, long *n, lcm_err *err) {
    return size_repeat(iv, r, n, err);
}

/* A field the interviewer answers (not a calculation, metadata or the device's text). */
static int asks(const lcm_field *fd) {
    return lcm__form_has_value(fd->type) && fd->type != LCM_FT_CALCULATE &&
           fd->type < LCM_FT_START && !(fd->type == LCM_FT_TEXT && fd->text_kind == LCM_TK_META);
}

/* One step of the walk at field i; *stop is set when a prompt is ready. */
static lcm_status step(lcm_interview *iv, int i, int *next, lcm_prompt *p, int *stop,
                       lcm_err *err) {
    const lcm_field *fd = &iv->f->fields[i];
    long row = fd->repeat >= 0 ? iv->row : 0, n;
    int relevant = 1;
    lcm_status st = LCM_OK;
    *next = i + 1;
    if (fd->type != LCM_FT_END_GROUP && fd->type != LCM_FT_END_REPEAT &&
        (st = lcm_instance_relevant(iv->in, i, row, &relevant, err)) != LCM_OK)
        return st;
    iv->at = i;
    switch (fd->type) {
    case LCM_FT_BEGIN_GROUP:
        *next = relevant ? i + 1 : fd->end + 1;
        return LCM_OK;
    case LCM_FT_BEGIN_REPEAT:
        if (!relevant) {
            lcm__instance_clear_rows(iv->in, i);
            *next = fd->end + 1;
        } else if (fd->repeat_count) {
            if ((st = size_repeat(iv, i, &n, err)) == LCM_OK && n == 0)
                *next = fd->end + 1;
            iv->row = 1;
        } else {
            iv->row = 1; /* a first row? (Enter goes into one that exists) */
            *stop = 1;
            return make_prompt(iv, LCM_PROMPT_ADD_ROW, p, err);
        }
        return st;
    case LCM_FT_END_REPEAT: {
        int r = begin_of(iv->f, i);
        if (!iv->f->fields[r].repeat_count) {
            iv->at = r;
            iv->row++;
            *stop = 1;
            return make_prompt(iv, LCM_PROMPT_ADD_ROW, p, err);
        }
        if (iv->row < lcm_instance_rows(iv->in, r))
            iv->row++, *next = r + 1;
        return LCM_OK;
    }
    case LCM_FT_NOTE:
        *stop = relevant && !fd->external; /* csv-external only declares a data file */
        return *stop ? make_prompt(iv, LCM_PROMPT_NOTE, p, err) : LCM_OK;
    default:
        if (!asks(fd) || !relevant)
            return LCM_OK;
        iv->row = row ? row : iv->row;
        *stop = 1;
        return make_prompt(iv, LCM_PROMPT_QUESTION, p, err);
    }
}

static lcm_status finish_walk(lcm_interview *iv, lcm_prompt *p, lcm_err *err) {
    char buf[32];
    memset(p, 0, sizeof *p);
    p->kind = iv->kind = LCM_PROMPT_DONE;
    iv->done = 1;
    iv->fast = 0;
    iv->nseen = 0;
    now_iso(buf, sizeof buf, 0);
    for (size_t i = 0; i < iv->f->nfields; i++)
        if (iv->f->fields[i].type == LCM_FT_END) {
            lcm_status st = lcm_instance_set(iv->in, (int)i, 0, buf, err);
            if (st != LCM_OK)
                return st;
        }
    return lcm_instance_update(iv->in, err);
}

/* Is a the question field in row? (The row counts only inside a repeat: outside, the
 * walk's row is whatever the last repeat left.) */
static int same_question(const lcm_interview *iv, const lcm__asked *a, int field, long row) {
    return a->kind == LCM_PROMPT_QUESTION && a->at == field &&
           (iv->f->fields[field].repeat < 0 || a->row == row);
}

/* Resuming: a prompt whose answer is already there is passed over (and remembered, so `<`
 * comes back to it); 1 when it was. */
static int pass_over(lcm_interview *iv, lcm_err *err, lcm_status *st) {
    int answered =
        iv->kind == LCM_PROMPT_NOTE ||
        (iv->kind == LCM_PROMPT_QUESTION && *lcm_instance_get(iv->in, iv->at, iv->row)) ||
        (iv->kind == LCM_PROMPT_ADD_ROW && lcm_instance_rows(iv->in, iv->at) >= iv->row);
    for (size_t k = 0; !answered && iv->kind == LCM_PROMPT_QUESTION && k < iv->nseen; k++)
        answered = same_question(iv, &iv->seen[k], iv->at, iv->row);
    if (!answered) {
        iv->fast = 0;
        iv->nseen = 0;
        return 0;
    }
    if (iv->kind != LCM_PROMPT_NOTE)
        *st = lcm__interview_push(iv, err);
    iv->waiting = 0;
    return 1;
}

lcm_status lcm_interview_next(lcm_interview *iv, lcm_prompt *p, lcm_err *err) {
    if (iv->waiting)
        return make_prompt(iv, iv->kind, p, err); /* refused, or gone back to: ask again */
    if (iv->done) {
        memset(p, 0, sizeof *p);
        p->kind = LCM_PROMPT_DONE;
        return LCM_OK;
    }
    int i = iv->at + 1, stop = 0;
    while (i < (int)iv->f->nfields) {
        lcm_status st = step(iv, i, &i, p, &stop, err);
        if (st != LCM_OK)
            return st;
        if (!stop)
            continue;
        if (!iv->fast || !pass_over(iv, err, &st))
            return st; /* a prompt for the interviewer */
        if (st != LCM_OK)
            return st;
        i = iv->at + 1;
        stop = 0;
    }
    return finish_walk(iv, p, err);
}

typedef struct item_list {
    lcm_interview_item *v;
    size_t n, cap;
} item_list;

static lcm_status add_item(item_list *l, int field, long row, lcm_err *err) {
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        lcm_interview_item *grown = realloc(l->v, cap * sizeof *grown);
        if (!grown)
            return oom(err);
        l->v = grown;
        l->cap = cap;
    }
    l->v[l->n++] = (lcm_interview_item){field, row};
    return LCM_OK;
}

/* The questions asked in fields [from, to) at row (0 outside repeats), groups whose
 * relevant is false left out, a repeat's rows one after the other. */
static lcm_status collect(lcm_interview *iv, int from, int to, long row, item_list *l,
                          lcm_err *err) {
    lcm_status st = LCM_OK;
    for (int i = from; i < to && st == LCM_OK; i++) {
        const lcm_field *fd = &iv->f->fields[i];
        int relevant = 1;
        if (fd->type == LCM_FT_END_GROUP || fd->type == LCM_FT_END_REPEAT)
            continue;
        if ((st = lcm_instance_relevant(iv->in, i, row, &relevant, err)) != LCM_OK)
            break;
        if (fd->type == LCM_FT_BEGIN_GROUP) {
            if (!relevant)
                i = fd->end;
        } else if (fd->type == LCM_FT_BEGIN_REPEAT) {
            long rows = relevant ? lcm_instance_rows(iv->in, i) : 0;
            for (long r = 1; r <= rows && st == LCM_OK; r++)
                st = collect(iv, i + 1, fd->end, r, l, err);
            i = fd->end;
        } else if (relevant && asks(fd)) {
            st = add_item(l, i, fd->repeat >= 0 ? row : 0, err);
        }
    }
    return st;
}

lcm_status lcm_interview_questions(lcm_interview *iv, lcm_interview_item **out, size_t *n,
                                   lcm_err *err) {
    item_list l = {0};
    lcm_status st = collect(iv, 0, (int)iv->f->nfields, 0, &l, err);
    if (st != LCM_OK) {
        free(l.v);
        l.v = NULL, l.n = 0;
    }
    *out = l.v;
    *n = l.n;
    return st;
}

lcm_status lcm_interview_goto(lcm_interview *iv, int field, long row, lcm_err *err) {
    if (field < 0 || (size_t)field >= iv->f->nfields || !asks(&iv->f->fields[field]) ||
        !lcm__instance_cell(iv->in, field, row))
        return lcm_err_set(err, LCM_NOTFOUND, "%s",
                           lcm__interview_say(iv, "没有这道题", "there is no such question"));
    /* Going back from it returns to what was asked before it; what was asked after it is
     * passed over on the way forward, an optional question left empty too. */
    for (size_t k = iv->nasked; k-- > 0;)
        if (same_question(iv, &iv->asked[k], field, row)) {
            lcm__asked *seen = malloc((iv->nasked - k) * sizeof *seen);
            if (!seen)
                return oom(err);
            memcpy(seen, iv->asked + k, (iv->nasked - k) * sizeof *seen);
            free(iv->seen);
            iv->seen = seen;
            iv->nseen = iv->nasked - k;
            iv->nasked = k;
            break;
        }
    iv->at = field;
    iv->row = row;
    iv->kind = LCM_PROMPT_QUESTION;
    iv->waiting = 1;
    iv->done = 0;
    iv->fast = 1;
    return LCM_OK;
}
