/*
 * import_wjx.c - 问卷星 (wjx) files as downloaded: the columns a question is split into,
 * and the draft map (`lcmon import responses … --draft-map MAP.csv`) that names, from the
 * question and option texts, the field and choice of each header and answer for the user
 * to check and give back with --map.
 *
 * 问卷星 downloads answers two ways. 按选项文本下载: a column per question, headed
 * "12、question text：", options by their text, several joined by "┋", the text typed
 * into an option as "其他〖…〗", "(跳过)" for a skipped question. 按选项序号下载: options
 * by their number in 问卷星's own order (1, 2, …), a select_multiple as a 0/1 column per
 * option headed "12(option text)", -2 and -3 for questions not shown or skipped. Option
 * numbers mean nothing to the form until a map says which choice each one is: the draft
 * map writes "number -> the form's choice in the same place" for columns of numbers,
 * "text -> the choice with that label" for columns of texts, and leaves empty what it
 * cannot tell (the map is refused until it is filled in).
 */
#include "export_int.h"
#include "import_resp_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DRAFT_MAX_VALUES 500 /* distinct answers kept per column; more are not options */

int lcm__wjx_split_column(const lcm_form *f, const char *h, int *choice) {
    const char *p = h;
    size_t n = strlen(h);
    char inner[1024];
    *choice = -1;
    if (strncmp(p, "第", 3) == 0)
        p += 3;
    const char *digits = p;
    while (*p >= '0' && *p <= '9')
        p++;
    if (p == digits)
        return -1;
    if (strncmp(p, "题", 3) == 0)
        p += 3;
    size_t open = *p == '(' ? 1 : strncmp(p, "（", 3) == 0 ? 3 : 0;
    size_t close = n && h[n - 1] == ')' ? 1 : n >= 3 && strcmp(h + n - 3, "）") == 0 ? 3 : 0;
    if (!open || !close || (size_t)(p + open - h) + close >= n)
        return -1;
    size_t m = n - (size_t)(p + open - h) - close;
    if (m >= sizeof inner)
        return -1;
    memcpy(inner, p + open, m);
    inner[m] = '\0';
    int i = lcm__resp_resolve_field(f, inner, LCM__ANY_REPEAT); /* a row of a matrix */
    if (i >= 0)
        return i;
    int found = -1;
    for (size_t k = 0; k < lcm_form_nfields(f); k++) { /* an option of a select_multiple */
        const lcm_field *fd = lcm_form_field(f, k);
        int c = fd->type == LCM_FT_SELECT_MULTIPLE && fd->column
                    ? lcm__resp_choice_by_text(f, fd->list, inner, m)
                    : -1;
        if (c < 0)
            continue;
        if (found >= 0)
            return -2; /* the option of two questions: a map must say which */
        found = (int)k, *choice = c;
    }
    return found;
}

int lcm__wjx_not_asked(const char *v) {
    return strcmp(v, "-2") == 0 || strcmp(v, "-3") == 0;
}

/* ---- the draft map ---- */

typedef struct draft_col {
    int field, choice; /* what the header names (-1: nothing found), choice of a 0/1 column */
    int own;           /* one of 问卷星's own columns */
    char **values;     /* distinct answers of a select column */
    size_t nvalues;
    int numbers; /* every answer is a whole number (or -2/-3) */
} draft_col;

typedef struct draft_ctx {
    const lcm_form *f;
    draft_col *cols;
    size_t ncols;
    char **names;
} draft_ctx;

static const char *const own_columns[] = {"序号",     "提交答卷时间", "所用时间", "来源",
                                          "来源详情", "来自IP",       NULL};

static int is_own(const char *h) {
    for (int i = 0; own_columns[i]; i++)
        if (strcmp(own_columns[i], h) == 0)
            return 1;
    return 0;
}

static lcm_status add_value(draft_col *c, const char *v, size_t n, lcm_err *err) {
    for (size_t k = 0; k < c->nvalues; k++)
        if (strlen(c->values[k]) == n && memcmp(c->values[k], v, n) == 0)
            return LCM_OK;
    if (c->nvalues >= DRAFT_MAX_VALUES)
        return LCM_OK;
    char **vs = realloc(c->values, (c->nvalues + 1) * sizeof *vs);
    if (!vs)
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    c->values = vs;
    if (!(vs[c->nvalues] = malloc(n + 1)))
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    memcpy(c->values[c->nvalues], v, n);
    c->values[c->nvalues++][n] = '\0';
    return LCM_OK;
}

static lcm_status draft_row(void *ud, const lcm_csv_row *row, lcm_err *err) {
    draft_ctx *d = ud;
    if (row->index == 0) {
        if (!(d->cols = calloc(row->n, sizeof *d->cols)) ||
            !(d->names = calloc(row->n, sizeof *d->names)))
            return lcm_err_set(err, LCM_NOMEM, "out of memory");
        d->ncols = row->n;
        for (size_t j = 0; j < row->n; j++) {
            draft_col *c = &d->cols[j];
            const char *h = row->field[j];
            c->numbers = 1, c->choice = -1;
            if (!(d->names[j] = strdup(h)))
                return lcm_err_set(err, LCM_NOMEM, "out of memory");
            if ((c->own = is_own(h)))
                continue;
            c->field = lcm__resp_resolve_field(d->f, h, LCM__ANY_REPEAT);
            if (c->field < 0) {
                int i = lcm__wjx_split_column(d->f, h, &c->choice);
                c->field = i >= 0 ? i : -1;
            }
        }
        return LCM_OK;
    }
    for (size_t j = 0; j < d->ncols && j < row->n; j++) {
        draft_col *c = &d->cols[j];
        const lcm_field *fd = c->field >= 0 ? lcm_form_field(d->f, (size_t)c->field) : NULL;
        if (!fd || c->choice >= 0 ||
            (fd->type != LCM_FT_SELECT_ONE && fd->type != LCM_FT_SELECT_MULTIPLE))
            continue;
        const char *v = row->field[j];
        if (!*v || lcm__wjx_skipped(v) || lcm__wjx_not_asked(v))
            continue;
        for (const char *p = v; *p;) {
            const char *bar = strstr(p, "┋");
            size_t n = bar ? (size_t)(bar - p) : strlen(p);
            const char *open = NULL;
            for (size_t k = 0; k + 3 <= n && !open; k++)
                open = memcmp(p + k, "〖", 3) == 0 ? p + k : NULL;
            size_t opt = open ? (size_t)(open - p) : n;
            if (opt && strspn(p, "0123456789") < opt)
                c->numbers = 0;
            lcm_status st = opt ? add_value(c, p, opt, err) : LCM_OK;
            if (st != LCM_OK)
                return st;
            p += n + (bar ? strlen("┋") : 0);
        }
    }
    return LCM_OK;
}

static void put_rule(FILE *fp, const char *source, const char *field, const char *value,
                     const char *choice) {
    lcm__exp_csv_field(fp, source);
    fputc(',', fp);
    lcm__exp_csv_field(fp, field);
    fputc(',', fp);
    lcm__exp_csv_field(fp, value);
    fputc(',', fp);
    lcm__exp_csv_field(fp, choice);
    fputs("\r\n", fp);
}

/* The rules of d into fp; counts of rules and of those left to fill in. */
static void write_rules(const draft_ctx *d, FILE *fp, lcm_resp_draft *r) {
    const lcm_form *f = d->f;
    fputs("source,field,value,choice\r\n", fp);
    for (size_t j = 0; j < d->ncols; j++) {
        const draft_col *c = &d->cols[j];
        if (c->own)
            continue;
        char target[600] = "";
        if (c->field >= 0 && c->choice >= 0)
            snprintf(target, sizeof target, "%s/%s", lcm_form_field(f, (size_t)c->field)->name,
                     lcm_form_field(f, (size_t)c->field)->list->items[c->choice].name);
        else if (c->field >= 0)
            snprintf(target, sizeof target, "%s", lcm_form_field(f, (size_t)c->field)->name);
        put_rule(fp, d->names[j], target, "", "");
        r->headers++, r->headers_open += !*target;
    }
    for (size_t j = 0; j < d->ncols; j++) {
        const draft_col *c = &d->cols[j];
        if (c->own || c->field < 0 || c->choice >= 0 || !c->nvalues)
            continue;
        const lcm_field *fd = lcm_form_field(f, (size_t)c->field);
        const lcm_choice_list *l = fd->list;
        int labels = 1; /* numbers that are all labels (options "1", "2") are texts */
        for (size_t k = 0; k < c->nvalues && labels; k++)
            labels = lcm__resp_choice_by_text(f, l, c->values[k], strlen(c->values[k])) >= 0 &&
                     lcm_form_choice(l, c->values[k]) < 0;
        if (c->numbers && !labels) { /* 按选项序号下载: the n-th option, the n-th choice */
            for (size_t k = 0; k < l->n; k++) {
                char num[32];
                snprintf(num, sizeof num, "%zu", k + 1);
                put_rule(fp, "", fd->name, num, l->items[k].name);
                r->values++;
            }
            for (size_t k = 0; k < c->nvalues; k++) {
                char *end;
                unsigned long n = strtoul(c->values[k], &end, 10);
                if (n < 1 || n > l->n) { /* a number the form has no place for */
                    put_rule(fp, "", fd->name, c->values[k], "");
                    r->values++, r->values_open++;
                }
            }
            continue;
        }
        for (size_t k = 0; k < c->nvalues; k++) {
            int ch = lcm__resp_choice_by_text(f, l, c->values[k], strlen(c->values[k]));
            put_rule(fp, "", fd->name, c->values[k], ch >= 0 ? l->items[ch].name : "");
            r->values++, r->values_open += ch < 0;
        }
    }
}

static void draft_free(draft_ctx *d) {
    for (size_t j = 0; j < d->ncols; j++) {
        for (size_t k = 0; d->cols && k < d->cols[j].nvalues; k++)
            free(d->cols[j].values[k]);
        if (d->cols)
            free(d->cols[j].values);
        if (d->names)
            free(d->names[j]);
    }
    free(d->cols);
    free(d->names);
}

lcm_status lcm_resp_draft_map(lcm_db *db, const char *path, const lcm_resp_opts *o, const char *out,
                              lcm_resp_draft *report, lcm_err *err) {
    lcm_form *f = NULL;
    lcm_input *in = NULL;
    draft_ctx d = {0};
    memset(report, 0, sizeof *report);
    lcm_status st = lcm_form_get(db, o->form_id, NULL, &f, err);
    if (st == LCM_NOTFOUND)
        return lcm_err_set(err, LCM_NOTFOUND, "unknown form: '%s' (load it with 'lcmon form load')",
                           o->form_id);
    if (st != LCM_OK)
        return st;
    d.f = f;
    lcm_csv_opts co = {o->base.delim ? o->base.delim : lcm__resp_sniff_delim(path), 0, 0};
    if ((st = lcm_input_open(path, o->base.encoding, &in, err)) == LCM_OK)
        st = lcm_input_read_csv(in, &co, draft_row, &d, err);
    lcm_input_close(in);
    if (st == LCM_OK && !d.ncols)
        st = lcm_err_set(err, LCM_PARSE, "empty file, no header row: '%s'", path);
    if (st == LCM_OK) {
        /* a map the user has checked is not overwritten */
        int fd = open(out, O_WRONLY | O_CREAT | O_EXCL, 0644);
        FILE *fp = fd >= 0 ? fdopen(fd, "w") : NULL;
        if (!fp) {
            st = lcm_err_set(err, LCM_IO, "cannot write '%s': %s%s", out, strerror(errno),
                             errno == EEXIST ? " (a map is not overwritten: remove it first)" : "");
            if (fd >= 0)
                close(fd);
        } else {
            write_rules(&d, fp, report);
            if (ferror(fp) | (fclose(fp) != 0))
                st = lcm_err_set(err, LCM_IO, "cannot write '%s'", out);
        }
    }
    draft_free(&d);
    lcm_form_free(f);
    return st;
}
