/*
 * import_resp_hdr.c - columns and values of a responses file as other tools write them,
 * resolved against the form: one resolver for every format, not a rule per file.
 *
 * A header names a question by its name, by its name after a group path joined with '/',
 * '-' or '.' (Kobo "g/f", ODK Central "g-f", others "g.f"; with '-' and '.' the path must
 * be the question's own groups, by name or label), or by its label in any of the form's
 * languages (KoboToolbox's default export; a 问卷星 header "12、受访者性别：" after its
 * number). A 0/1 column of one choice is "question<sep>choice", each by name or label; ODK
 * splits a geopoint into "-Latitude/-Longitude/-Altitude/-Accuracy" columns, joined back.
 * A value of a select is a choice name, or a choice label in any language (Kobo's label
 * values; a select_multiple of labels is split where labels end), and in 问卷星 files
 * "┋" joins choices, "〖…〗" carries the text of an "other" choice and "(跳过)" is a
 * skipped question.
 */
#include "form_int.h"
#include "import_resp_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TEXT_MAX 1024 /* longer labels and headers are compared by name only */

static int is_sep(char c) {
    return c == '/' || c == '-' || c == '.';
}

static int starts(const char *s, const char *prefix) {
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* A label or header as compared: without surrounding spaces, a leading question number
 * ("12、", "12.", "12．") or trailing colons ("：", ":"). 0, or -1 when it does not fit. */
static int norm(const char *s, char *out, size_t cap) {
    while (*s == ' ')
        s++;
    const char *d = s;
    while (isdigit((unsigned char)*d))
        d++;
    if (d > s) {
        /* "12、" "12．" "12." but not "1.5小时": a number is no question number */
        const char *after = starts(d, "、") || starts(d, "．")           ? d + 3
                            : *d == '.' && !isdigit((unsigned char)d[1]) ? d + 1
                                                                         : NULL;
        while (after && *after == ' ')
            after++;
        if (after && *after)
            s = after;
    }
    size_t n = strlen(s);
    for (;;) {
        if (n && (s[n - 1] == ' ' || s[n - 1] == ':'))
            n--;
        else if (n >= 3 && memcmp(s + n - 3, "：", 3) == 0)
            n -= 3;
        else
            break;
    }
    if (n == 0 || n >= cap)
        return -1;
    memcpy(out, s, n);
    out[n] = '\0';
    return 0;
}

/* 1 when one of the texts (one per language) reads as want (normalized). */
static int text_is(const lcm_form *f, const char *const *texts, const char *want) {
    char buf[TEXT_MAX];
    for (size_t li = 0; texts && li < lcm_form_nlangs(f); li++)
        if (texts[li] && norm(texts[li], buf, sizeof buf) == 0 && strcasecmp(buf, want) == 0)
            return 1;
    return 0;
}

static int in_repeat(const lcm_field *fd, int repeat) {
    return repeat == LCM__ANY_REPEAT || fd->repeat == repeat;
}

/* The field called name (within repeat, when one is given), or -1. */
static int by_name(const lcm_form *f, const char *name, int repeat) {
    int i = lcm_form_find(f, name);
    return i >= 0 && in_repeat(lcm_form_field(f, (size_t)i), repeat) ? i : -1;
}

/* The question labelled text (normalized) in any language, or -1; -2 when two are. */
static int by_label(const lcm_form *f, const char *text, int repeat) {
    char want[TEXT_MAX];
    int found = -1;
    if (norm(text, want, sizeof want) != 0)
        return -1;
    for (size_t i = 0; i < lcm_form_nfields(f); i++) {
        const lcm_field *fd = lcm_form_field(f, i);
        if (!fd->column || !in_repeat(fd, repeat) || !text_is(f, fd->label, want))
            continue;
        if (found >= 0)
            return -2;
        found = (int)i;
    }
    return found;
}

/* 1 when group g is called p[0..n) by name or label. */
static int group_is(const lcm_form *f, int g, const char *p, size_t n) {
    char buf[TEXT_MAX];
    const lcm_field *fd = lcm_form_field(f, (size_t)g);
    if (n >= sizeof buf)
        return 0;
    memcpy(buf, p, n);
    buf[n] = '\0';
    return strcasecmp(fd->name, buf) == 0 || text_is(f, fd->label, buf);
}

/* 1 when path p[0..n) is made of groups of chain[k..] (outermost first, some may be left
 * out), each followed by a separator. */
static int path_fits(const lcm_form *f, const int *chain, int k, int depth, const char *p,
                     size_t n) {
    if (n == 0)
        return 1;
    for (int j = k; j < depth; j++)
        for (size_t len = 1; len <= n; len++)
            if ((len == n || is_sep(p[len])) && group_is(f, chain[j], p, len) &&
                path_fits(f, chain, j + 1, depth, p + len + (len < n), n - len - (len < n)))
                return 1;
    return 0;
}

/* 1 when p[0..n) is a path of groups around field i. */
static int prefix_fits(const lcm_form *f, int i, const char *p, size_t n) {
    int chain[64], depth = 0;
    for (int g = lcm_form_field(f, (size_t)i)->parent; g >= 0 && depth < 64;
         g = lcm_form_field(f, (size_t)g)->parent)
        depth++;
    int k = depth;
    for (int g = lcm_form_field(f, (size_t)i)->parent; g >= 0 && k > 0;
         g = lcm_form_field(f, (size_t)g)->parent)
        chain[--k] = g;
    return path_fits(f, chain, 0, depth, p, n);
}

int lcm__resp_resolve_field(const lcm_form *f, const char *h, int repeat) {
    int i = by_name(f, h, repeat);
    /* "g/f" takes any path (Kobo's, and lcmon's before '-' and '.' came); "g-f" and "g.f"
     * only the field's own groups, as '-' and '.' may be part of a name. */
    for (const char *p = h; i < 0 && *p; p++)
        if (is_sep(*p) && (i = by_name(f, p + 1, repeat)) >= 0 && *p != '/' &&
            !prefix_fits(f, i, h, (size_t)(p - h)))
            i = -1;
    if (i >= 0)
        return i;
    if ((i = by_label(f, h, repeat)) != -1)
        return i;
    for (const char *p = h; *p; p++)
        if (is_sep(*p) && (i = by_label(f, p + 1, repeat)) >= 0 &&
            prefix_fits(f, i, h, (size_t)(p - h)))
            return i;
    return -1;
}

int lcm__resp_choice_by_text(const lcm_form *f, const lcm_choice_list *list, const char *text,
                             size_t n) {
    char buf[TEXT_MAX], want[TEXT_MAX];
    if (n >= sizeof buf)
        return -1;
    memcpy(buf, text, n);
    buf[n] = '\0';
    int k = lcm_form_choice(list, buf);
    if (k >= 0 || norm(buf, want, sizeof want) != 0)
        return k;
    for (size_t c = 0; c < list->n; c++)
        if (text_is(f, list->items[c].label, want))
            return (int)c;
    return -1;
}

/* 1 when text (n bytes) is the label of one of list's choices in any of the form's
 * languages; names are not looked at. */
static int is_choice_label(const lcm_form *f, const lcm_choice_list *list, const char *text,
                           size_t n) {
    char buf[TEXT_MAX], want[TEXT_MAX];
    if (n >= sizeof buf)
        return 0;
    memcpy(buf, text, n);
    buf[n] = '\0';
    if (norm(buf, want, sizeof want) != 0)
        return 0;
    for (size_t c = 0; c < list->n; c++)
        if (text_is(f, list->items[c].label, want))
            return 1;
    return 0;
}

int lcm__resp_resolve_choice(const lcm_form *f, const char *h, int repeat, int *choice) {
    size_t n = strlen(h);
    char buf[TEXT_MAX];
    if (n >= sizeof buf)
        return -1;
    for (size_t k = n; k-- > 1;) {
        if (!is_sep(h[k]) && h[k] != '_')
            continue;
        memcpy(buf, h, k);
        buf[k] = '\0';
        int i = lcm__resp_resolve_field(f, buf, repeat);
        const lcm_field *fd = i >= 0 ? lcm_form_field(f, (size_t)i) : NULL;
        if (fd && fd->type == LCM_FT_SELECT_MULTIPLE &&
            (*choice = lcm__resp_choice_by_text(f, fd->list, h + k + 1, n - k - 1)) >= 0)
            return i;
    }
    return -1;
}

int lcm__resp_geo_part(const lcm_form *f, const char *h, int repeat, int *part) {
    static const char *const parts[] = {"-Latitude", "-Longitude", "-Altitude", "-Accuracy"};
    size_t n = strlen(h);
    char buf[TEXT_MAX];
    for (int k = 0; k < 4; k++) {
        size_t m = strlen(parts[k]);
        if (n <= m || n - m >= sizeof buf || strcmp(h + n - m, parts[k]) != 0)
            continue;
        memcpy(buf, h, n - m);
        buf[n - m] = '\0';
        int i = lcm__resp_resolve_field(f, buf, repeat);
        if (i >= 0 && lcm_form_field(f, (size_t)i)->type == LCM_FT_TEXT)
            return *part = k, i;
    }
    return -1;
}

/* ---- 问卷星 ---- */

int lcm__wjx_skipped(const char *v) {
    return strcmp(v, "(跳过)") == 0 || strcmp(v, "(空)") == 0 || strcmp(v, "（跳过）") == 0;
}

/* "其他〖爬山〗" -> the option "其他" (its length) and the text "爬山" (start, length). */
static size_t wjx_option(const char *p, size_t n, const char **text, size_t *tn) {
    const char *open = NULL;
    *text = NULL, *tn = 0;
    for (size_t k = 0; k + 3 <= n; k++)
        if (memcmp(p + k, "〖", 3) == 0) {
            open = p + k;
            break;
        }
    if (!open || n < 6 || memcmp(p + n - 3, "〗", 3) != 0 || open + 3 > p + n - 3)
        return n;
    *text = open + 3, *tn = (size_t)(p + n - 3 - (open + 3));
    return (size_t)(open - p);
}

/* ---- values ---- */

/* One choice's text p[0..n) as its name (map rule, name, label) into out; its "other" text
 * into other. 0, or -1 (not a choice: the form's check will say so). */
static int put_choice(const resp_state *s, const lcm_field *fd, const char *p, size_t n,
                      lcm_strbuf *out, lcm_strbuf *other) {
    const char *text = NULL;
    size_t tn = 0;
    if (s->opts->format == LCM_RESP_WJX)
        n = wjx_option(p, n, &text, &tn);
    char buf[TEXT_MAX];
    if (n >= sizeof buf)
        return -1;
    memcpy(buf, p, n);
    buf[n] = '\0';
    const char *mapped = lcm__resp_map_value(s, fd->name, buf);
    int k = mapped ? lcm_form_choice(fd->list, mapped)
                   : lcm__resp_choice_by_text(s->form, fd->list, p, n);
    if (k < 0)
        return -1;
    lcm_strbuf_addf(out, "%s%s", out->len ? " " : "", fd->list->items[k].name);
    if (text && tn)
        lcm_strbuf_addf(other, "%s%.*s", other->len ? "; " : "", (int)tn, text);
    return 0;
}

/* A select_multiple cell of names or labels separated by spaces, labels that hold spaces
 * too: at each word, the longest run of words that is a choice. */
static int split_words(const resp_state *s, const lcm_field *fd, const char *v, lcm_strbuf *out,
                       lcm_strbuf *other) {
    const char *p = v;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        const char *best = NULL;
        for (const char *e = p + strlen(p); e > p; e--) {
            if (*e && *e != ' ')
                continue;
            if (lcm__resp_choice_by_text(s->form, fd->list, p, (size_t)(e - p)) >= 0) {
                best = e;
                break;
            }
        }
        if (!best || put_choice(s, fd, p, (size_t)(best - p), out, other) != 0)
            return -1;
        p = best;
    }
    return 0;
}

int lcm__resp_value(const resp_state *s, int field, const char *v, lcm_strbuf *out,
                    lcm_strbuf *other) {
    const lcm_field *fd = lcm_form_field(s->form, (size_t)field);
    int wjx = s->opts->format == LCM_RESP_WJX;
    lcm_strbuf_clear(out);
    lcm_strbuf_clear(other);
    if (wjx && lcm__wjx_skipped(v))
        return 0;
    if (fd->type != LCM_FT_SELECT_ONE && fd->type != LCM_FT_SELECT_MULTIPLE)
        return -1;
    if (wjx && lcm__wjx_not_asked(v)) /* an option number is never negative */
        return 0;
    const char *mapped = lcm__resp_map_value(s, fd->name, v);
    if (mapped)
        return lcm_strbuf_adds(out, mapped), 0;
    /* 问卷星's number download ("按选项序号下载"): an option number is not a choice name,
     * even where the names are numbers too (its 1 may be 非常满意 where the form's 1 is
     * 非常不满意): without a rule of the map for it, the answer is refused, with the hint to
     * draft one, never taken as a name. A label that is a number is still a label. */
    if (wjx && v[strspn(v, "0123456789")] == '\0' &&
        !is_choice_label(s->form, fd->list, v, strlen(v)))
        return -2;
    /* Names, as lcmon writes them: taken as they are (the cheap case, every row of a big
     * file), checked by the form. */
    int names = 1;
    if (fd->type == LCM_FT_SELECT_ONE)
        names = lcm_form_choice(fd->list, v) >= 0;
    for (const char *p = v; fd->type == LCM_FT_SELECT_MULTIPLE && *p && names;) {
        size_t n = strcspn(p, " ");
        names = n == 0 || lcm__form_choice_n(fd->list, p, n) >= 0;
        p += n + (p[n] == ' ');
    }
    if (names)
        return -1;
    if (fd->type == LCM_FT_SELECT_ONE || !wjx) {
        if (put_choice(s, fd, v, strlen(v), out, other) == 0) /* the whole cell: one choice */
            return 0;
        lcm_strbuf_clear(out);
        lcm_strbuf_clear(other);
        return fd->type == LCM_FT_SELECT_ONE ? -1 : split_words(s, fd, v, out, other);
    }
    for (const char *p = v; *p;) { /* 问卷星: "A┋B┋其他〖…〗" */
        const char *bar = strstr(p, "┋");
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        if (n && strspn(p, "0123456789") >= n && /* an option number: see above */
            !is_choice_label(s->form, fd->list, p, n))
            return -2;
        if (n && put_choice(s, fd, p, n, out, other) != 0)
            return -1;
        p += n + (bar ? strlen("┋") : 0);
    }
    return 0;
}

/* ---- the file's shape ---- */

int lcm__resp_hxl_row(const lcm_csv_row *row) {
    int tags = 0;
    for (size_t j = 0; j < row->n; j++) {
        if (!*row->field[j])
            continue;
        if (row->field[j][0] != '#')
            return 0;
        tags++;
    }
    return tags > 0;
}

unsigned char lcm__resp_sniff_delim(const char *path) {
    char buf[65536];
    FILE *fp = fopen(path, "rb");
    size_t n = fp ? fread(buf, 1, sizeof buf, fp) : 0;
    long count[3] = {0, 0, 0}; /* , ; tab */
    int quoted = 0;
    if (fp)
        fclose(fp);
    /* ',' ';' and tab are ASCII, never inside a GB18030 or UTF-8 character */
    for (size_t k = 0; k < n && (quoted || (buf[k] != '\n' && buf[k] != '\r')); k++) {
        if (buf[k] == '"')
            quoted = !quoted;
        else if (!quoted)
            count[0] += buf[k] == ',', count[1] += buf[k] == ';', count[2] += buf[k] == '\t';
    }
    if (count[0] == 0 && (count[1] || count[2]))
        return count[1] >= count[2] ? ';' : '\t';
    return ',';
}
