/*
 * interview_answer.c - answers to the prompts of an interview and going back (see
 * interview.h).
 *
 * An answer is checked the way the form says (type, choices shown, required, constraint
 * against the whole instance), stored, the calculations and relevance brought up to date,
 * and then handed to the hook (the terminal interview saves the draft there). If any of
 * that refuses it, the previous answer is put back, so the instance never holds an answer
 * the interviewer was told was refused.
 */
#include "interview_int.h"
#include "strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static lcm_status oom(lcm_err *err) {
    return lcm_err_set(err, LCM_NOMEM, "out of memory");
}

const char *lcm__interview_say(const lcm_interview *iv, const char *zh, const char *en) {
    return strcmp(lcm_form_lang(iv->f, iv->lang), "en") == 0 ? en : zh;
}

lcm_status lcm__interview_push(lcm_interview *iv, lcm_err *err) {
    if (iv->nasked == iv->capasked) {
        size_t cap = iv->capasked ? 2 * iv->capasked : 64;
        lcm__asked *grown = realloc(iv->asked, cap * sizeof *grown);
        if (!grown)
            return oom(err);
        iv->asked = grown;
        iv->capasked = cap;
    }
    iv->asked[iv->nasked++] = (lcm__asked){iv->at, iv->row, iv->kind};
    return LCM_OK;
}

static lcm_status call_hook(lcm_interview *iv, int field, long row, lcm_err *err) {
    return iv->hook ? iv->hook(iv->hook_ud, iv->in, field, row, err) : LCM_OK;
}

/* y: go into row iv->row (adding it when it is not there yet); n: the repeat ends with the
 * rows before it. */
static lcm_status answer_row(lcm_interview *iv, const char *text, lcm_err *err) {
    int r = iv->at;
    long pos;
    lcm_status st = LCM_OK;
    if (!*text)
        text = iv->value;
    if ((strchr("yY", text[0]) && text[0] && (!text[1] || strcmp(text, "yes") == 0)) ||
        strcmp(text, "1") == 0)
        text = "是";
    else if ((strchr("nN", text[0]) && text[0] && (!text[1] || strcmp(text, "no") == 0)) ||
             strcmp(text, "0") == 0)
        text = "否";
    if (strcmp(text, "是") == 0) {
        if (lcm_instance_rows(iv->in, r) < iv->row)
            st = lcm_instance_add_row(iv->in, r, &pos, err);
    } else if (strcmp(text, "否") == 0)
        lcm__instance_truncate_rows(iv->in, r, iv->row - 1);
    else
        return lcm_err_set(
            err, LCM_CONSTRAINT, "%s",
            lcm__interview_say(iv, "请回答 1（是）或 0（否）", "answer y (yes) or n (no)"));
    if (st == LCM_OK)
        st = lcm__interview_push(iv, err);
    if (st == LCM_OK)
        st = lcm_instance_update(iv->in, err);
    if (st == LCM_OK)
        st = call_hook(iv, r, iv->row, err);
    if (st != LCM_OK)
        return st;
    if (strcmp(text, "否") == 0)
        iv->at = iv->f->fields[r].end;
    iv->waiting = 0;
    return LCM_OK;
}

/* The code of the k-th visible choice for a number k (numbered choices), else NULL. */
static const char *numbered_code(const lcm_interview *iv, const char *tok, size_t n) {
    if (!iv->numbered || n == 0 || n > 4 || strspn(tok, "0123456789") < n)
        return NULL;
    long k = strtol(tok, NULL, 10);
    return k >= 1 && (size_t)k <= iv->nchoices ? iv->choices[k - 1]->name : NULL;
}

/* Does s begin with one of the words (NULL-terminated)? */
static int begins(const char *s, const char *const *words) {
    for (; s && *words; words++)
        if (strncmp(s, *words, strlen(*words)) == 0)
            return 1;
    return 0;
}

const lcm_choice *lcm_interview_special(const lcm_interview *iv, int refusal) {
    static const char *const dk_codes[] = {"dk", "dont_know", "dontknow", NULL};
    static const char *const rf_codes[] = {"rf", "refused", "refusal", "refuse", NULL};
    static const char *const dk_words[] = {"不知道",     "不清楚",     "说不好", "Don't know",
                                           "Don’t know", "don't know", NULL};
    static const char *const rf_words[] = {"拒答",   "拒绝回答", "不愿回答", "Refused",
                                           "Refuse", "refused",  NULL};
    const char *const *codes = refusal ? rf_codes : dk_codes;
    const char *const *words = refusal ? rf_words : dk_words;
    for (size_t k = 0; k < iv->nchoices; k++) {
        const lcm_choice *c = iv->choices[k];
        for (const char *const *w = codes; *w; w++)
            if (strcmp(c->name, *w) == 0)
                return c;
        for (size_t li = 0; c->label && li < lcm_form_nlangs(iv->f); li++)
            if (begins(lcm_form_text(iv->f, c->label, li), words))
                return c;
    }
    return NULL;
}

/* Separators of several answers besides the space: , ， 、 and the full-width space. */
static size_t separator(const char *p) {
    if (*p == ' ' || *p == ',' || *p == '\t')
        return 1;
    if (strncmp(p, "，", 3) == 0 || strncmp(p, "、", 3) == 0 || strncmp(p, "　", 3) == 0)
        return 3;
    return 0;
}

static size_t skip_separators(const char *p) {
    size_t n = 0, k;
    while ((k = separator(p + n)) > 0)
        n += k;
    return n;
}

static size_t token_len(const char *p) {
    size_t n = 0;
    while (p[n] && !separator(p + n))
        n++;
    return n;
}

/* The answer with numbers turned into choice codes, "?" and "!" into the don't-know and
 * refusal choices; a code hidden by the choice_filter is no answer (*hidden set; *special
 * set for a "?" or "!" the list has no choice for). Malloc'd, the caller's (NULL when out
 * of memory). */
static char *as_codes(const lcm_interview *iv, const char *v, int *hidden, int *special) {
    lcm_strbuf sb = LCM_STRBUF_INIT;
    *hidden = *special = 0;
    if (!iv->f->fields[iv->at].list) {
        lcm_strbuf_adds(&sb, v);
        return lcm_strbuf_detach(&sb);
    }
    for (const char *p = v + skip_separators(v); *p; p += skip_separators(p)) {
        size_t n = token_len(p), k = 0;
        const char *code = numbered_code(iv, p, n);
        if (n == 1 && (*p == '?' || *p == '!')) {
            const lcm_choice *c = lcm_interview_special(iv, *p == '!');
            *special |= !c;
            code = c ? c->name : NULL;
        }
        while (!code && k < iv->nchoices &&
               !(strlen(iv->choices[k]->name) == n && strncmp(iv->choices[k]->name, p, n) == 0))
            k++;
        *hidden |= !code && k == iv->nchoices;
        if (sb.len)
            lcm_strbuf_addc(&sb, ' ');
        lcm_strbuf_add(&sb, code ? code : p, code ? strlen(code) : n);
        p += n;
    }
    return lcm_strbuf_detach(&sb);
}

/* The whole-instance checks of one answer: required and the full constraint. */
static lcm_status check_answer(lcm_interview *iv, const lcm_field *fd, const char *v,
                               lcm_err *err) {
    int ok = 1, need = fd->required;
    if (!*v && !need && fd->required_if) {
        lcm_status rs = lcm_instance_required(iv->in, iv->at, iv->row, &need, err);
        if (rs != LCM_OK)
            return rs;
    }
    if (!*v && need)
        return lcm_err_set(err, LCM_CONSTRAINT, "%s",
                           lcm__interview_say(iv, "此题必须回答", "an answer is required"));
    if (!*v || !fd->constraint)
        return LCM_OK;
    lcm_expr_env env = lcm_instance_env(iv->in, iv->at, iv->row, NULL);
    lcm_status st = lcm_expr_eval_bool(fd->constraint, &env, &ok, err);
    if (st != LCM_OK || ok)
        return st;
    const char *msg = lcm_form_text(iv->f, fd->constraint_message, iv->lang);
    return lcm_err_set(
        err, LCM_CONSTRAINT, "%s",
        *msg ? msg : lcm__interview_say(iv, "答案不符合要求", "the answer is not accepted"));
}

/* The type and choice checks of lcm_form_validate_value, in the form's words or in the
 * interview's language. */
static lcm_status check_value(lcm_interview *iv, const lcm_field *fd, const char *v, lcm_err *err) {
    lcm_err why = {0};
    if (lcm_form_validate_value(iv->f, iv->at, v, &why) == LCM_OK)
        return LCM_OK;
    const char *own = lcm_form_text(iv->f, fd->constraint_message, iv->lang);
    const char *msg = strstr(why.msg, "': "), *zh = NULL;
    if (strstr(why.msg, "breaks the constraint"))
        zh = *own ? own : "答案不符合要求";
    else if (fd->type == LCM_FT_INTEGER)
        zh = "请输入整数";
    else if (fd->type == LCM_FT_DECIMAL)
        zh = "请输入数字";
    else if (fd->type == LCM_FT_RANGE)
        return lcm_err_set(err, why.status, "%s %g-%g",
                           lcm__interview_say(iv, "请输入量表上的数", "answer on the scale"),
                           fd->range_start, fd->range_end);
    else if (fd->type == LCM_FT_DATE)
        zh = "请按年-月-日（如2026-05-01）输入日期";
    else if (fd->list)
        zh = "请从列出的选项中选择";
    if (strstr(why.msg, "breaks the constraint") && *own)
        msg = own; /* the form's words, in the interview's language */
    else if (zh && strcmp(lcm_form_lang(iv->f, iv->lang), "en") != 0)
        msg = zh;
    else
        msg = msg ? msg + 3 : why.msg;
    return lcm_err_set(err, why.status, "%s", msg);
}

static lcm_status answer_question(lcm_interview *iv, const char *text, lcm_err *err) {
    const lcm_field *fd = &iv->f->fields[iv->at];
    int hidden, special;
    char *v = as_codes(iv, *text ? text : iv->value, &hidden, &special);
    char *old = strdup(lcm_instance_get(iv->in, iv->at, iv->row));
    lcm_status st = v && old ? LCM_OK : oom(err);
    if (st == LCM_OK && special)
        st = lcm_err_set(err, LCM_CONSTRAINT, "%s",
                         lcm__interview_say(iv, "此题没有“不知道”或“拒答”选项",
                                            "this question has no don't-know or refusal answer"));
    if (st == LCM_OK)
        st = check_value(iv, fd, v, err);
    if (st == LCM_OK && hidden)
        st = lcm_err_set(
            err, LCM_CONSTRAINT, "%s",
            lcm__interview_say(iv, "请从列出的选项中选择", "choose among the codes listed"));
    int stored = 0;
    if (st == LCM_OK && (st = lcm_instance_set(iv->in, iv->at, iv->row, v, err)) == LCM_OK)
        stored = 1;
    if (st == LCM_OK && (st = lcm_instance_update(iv->in, err)) == LCM_OK)
        st = check_answer(iv, fd, lcm_instance_get(iv->in, iv->at, iv->row), err);
    if (st == LCM_OK)
        st = call_hook(iv, iv->at, iv->row, err);
    if (st != LCM_OK && stored) { /* put the previous answer back */
        lcm_instance_set(iv->in, iv->at, iv->row, old, NULL);
        lcm_instance_update(iv->in, NULL);
    }
    if (st == LCM_OK && (st = lcm__interview_push(iv, err)) == LCM_OK)
        iv->waiting = 0;
    free(v);
    free(old);
    return st;
}

lcm_status lcm_interview_check_value(lcm_interview *iv, int field, long row, const char *text,
                                     lcm_err *err) {
    int at = iv->at;
    long r = iv->row;
    iv->at = field;
    iv->row = row;
    lcm_status st = check_value(iv, &iv->f->fields[field], text, err);
    iv->at = at;
    iv->row = r;
    return st;
}

lcm_status lcm_interview_check_answer(lcm_interview *iv, int field, long row, lcm_err *err) {
    int at = iv->at;
    long r = iv->row;
    iv->at = field;
    iv->row = row;
    lcm_status st =
        check_answer(iv, &iv->f->fields[field], lcm_instance_get(iv->in, field, row), err);
    iv->at = at;
    iv->row = r;
    return st;
}

lcm_status lcm_interview_answer(lcm_interview *iv, const char *text, lcm_err *err) {
    if (!iv->waiting)
        return lcm_err_set(err, LCM_INVAL, "no question is waiting for an answer");
    if (iv->kind == LCM_PROMPT_ADD_ROW)
        return answer_row(iv, text, err);
    return answer_question(iv, text, err);
}

/* 1 when an earlier prompt still applies: its row exists and its question is relevant. */
static int still_asked(lcm_interview *iv, const lcm__asked *a, lcm_err *err) {
    int relevant = 1;
    if (a->kind == LCM_PROMPT_ADD_ROW)
        return lcm_instance_relevant(iv->in, a->at, 0, &relevant, err) == LCM_OK && relevant;
    return lcm__instance_cell(iv->in, a->at, a->row) &&
           lcm_instance_relevant(iv->in, a->at, a->row, &relevant, err) == LCM_OK && relevant;
}

lcm_status lcm_interview_back(lcm_interview *iv, lcm_err *err) {
    while (iv->nasked > 0) {
        lcm__asked a = iv->asked[--iv->nasked];
        if (!still_asked(iv, &a, err))
            continue;
        iv->at = a.at;
        iv->row = a.row;
        iv->kind = a.kind;
        iv->waiting = 1;
        iv->done = 0;
        iv->fast = 0;
        iv->nseen = 0;
        return LCM_OK;
    }
    return lcm_err_set(err, LCM_NOTFOUND, "%s",
                       lcm__interview_say(iv, "前面没有可以返回的问题",
                                          "there is no earlier question to go back to"));
}
