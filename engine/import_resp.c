/*
 * import_resp.c - `lcmon import responses`: map a CSV's columns to a form, build one
 * instance per row with the form engine (form.h), insert it inside the import's
 * transaction. Comparison with stored instances, the wjx map and the rejects file are in
 * import_resp_aux.c.
 *
 * A repeated instance_id is found by the INSERT itself (the id is the table's key): the
 * stored row is this import's when its rowid is past those stored before, and the lines
 * of this import's rows are kept as runs of consecutive lines, a few entries for a whole
 * file. Only rows that are not written (the same as stored, or in conflict) go through
 * the TEMP table of keys, so a new file pays for no look-up table of its ids.
 */
#include "form_inst.h"
#include "import_resp_int.h"
#include "survey.h"
#include "timestamp.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const std_cols[] = {
    "instance_id",  "city",          "wave",         "stratum",     "psu",
    "household_id", "design_weight", "final_weight", "interviewer", "started_at",
    "ended_at",     "status",        "source",       NULL};

/* Names other tools give the instance id. */
static const char *const id_aliases[] = {"_uuid", "meta/instanceID", "instanceID",
                                         "KEY",   "meta-instanceID", NULL};

/* Kobo and ODK Central add these columns of their own; they hold no answers. */
static const char *const tool_columns[] = {"formhub/uuid",
                                           "__version__",
                                           "SubmissionDate",
                                           "SubmitterID",
                                           "SubmitterName",
                                           "AttachmentsPresent",
                                           "AttachmentsExpected",
                                           "Status",
                                           "ReviewState",
                                           "DeviceID",
                                           "Edits",
                                           "FormVersion",
                                           "meta/rootUuid",
                                           "meta-rootUuid",
                                           "meta/deprecatedID",
                                           NULL};

/* When the tool received the answers: kept as ended_at when no end time is given. */
static const char *const submitted_columns[] = {"SubmissionDate", "_submission_time",
                                                "提交答卷时间", NULL};

/* 问卷星's own columns besides those: its row number, where the answers came from, and
 * the IP address (personal data: left out unless a map rule sends it to a question). */
static const char *const wjx_columns[] = {"序号", "来源", "来源详情", "来自IP", NULL};

int lcm_resp_format_parse(const char *s, lcm_resp_format *out) {
    static const char *const names[] = {"native", "kobo", "odk", "wjx"};
    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0)
            return *out = (lcm_resp_format)i, 0;
    return -1;
}

static int in_list(const char *const *list, const char *s) {
    for (int i = 0; list[i]; i++)
        if (strcasecmp(list[i], s) == 0)
            return i;
    return -1;
}

int lcm__resp_tool_column(const char *name) {
    return in_list(tool_columns, name) >= 0;
}

/* The index of s in list, compared with case (ODK's "Status" is not lcmon's status). */
static int in_list_exact(const char *const *list, const char *s) {
    for (int i = 0; list[i]; i++)
        if (strcmp(list[i], s) == 0)
            return i;
    return -1;
}

/* "members[2]/m_age" -> row 2, key "members/m_age". */
static long repeat_index(const char *h, char *key, size_t cap) {
    const char *open = strchr(h, '['), *close = open ? strchr(open, ']') : NULL;
    long row = 0;
    if (!open || !close || close == open + 1 ||
        (size_t)(close - open - 1) != strspn(open + 1, "0123456789")) {
        snprintf(key, cap, "%s", h);
        return 0;
    }
    row = strtol(open + 1, NULL, 10);
    snprintf(key, cap, "%.*s%s", (int)(open - h), h, close + 1);
    return row > 0 && row <= LCM_FORM_MAX_ROWS ? row : -1;
}

static void map_field(resp_state *s, lcm__imp *im, size_t j, const char *key, long row) {
    col_map *c = &s->cols[j];
    int choice = -1, part = -1;
    int i = lcm_form_find(s->form, key);
    if (i < 0 && (i = lcm__resp_resolve_choice(s->form, key, LCM__ANY_REPEAT, &choice)) >= 0)
        c->kind = COL_CHOICE, c->choice = choice;
    else if (i < 0 && (i = lcm__resp_geo_part(s->form, key, LCM__ANY_REPEAT, &part)) >= 0)
        c->kind = COL_GEO, c->choice = part;
    else if (i < 0 && (i = lcm__resp_resolve_field(s->form, key, LCM__ANY_REPEAT)) < 0 &&
             s->opts->format == LCM_RESP_WJX &&
             (i = lcm__wjx_split_column(s->form, key, &choice)) >= 0 && choice >= 0)
        c->kind = COL_CHOICE, c->choice = choice;
    if (i < 0) {
        if (i == -2)
            lcm__imp_cell_issue(im, j, c->name,
                                "is the label of several questions: name one with --map");
        else
            lcm__imp_cell_issue(im, j, c->name, "names no field of form '%s'%s",
                                lcm_form_id(s->form),
                                s->opts->format == LCM_RESP_WJX
                                    ? " (--draft-map MAP.csv writes a map of the headers to check "
                                      "and give with --map)"
                                    : "");
        return;
    }
    const lcm_field *f = lcm_form_field(s->form, (size_t)i);
    c->field = i, c->row = row;
    if (c->kind != COL_CHOICE && c->kind != COL_GEO)
        c->kind = f->type == LCM_FT_CALCULATE ? COL_IGNORE : COL_FIELD; /* recomputed anyway */
    if (!f->column && c->kind != COL_IGNORE)
        lcm__imp_cell_issue(im, j, c->name, "a group or note, not a question");
    else if (f->repeat >= 0 && row == 0)
        lcm__imp_cell_issue(im, j, c->name, "a roster question: name the member as %s[N]/%s",
                            lcm_form_field(s->form, (size_t)f->repeat)->name, f->name);
    else if (f->repeat < 0 && row > 0)
        lcm__imp_cell_issue(im, j, c->name, "not a roster question, so no [N]");
}

/* The main-table question stored in column `name`: its own column, or a standard column it
 * fills ("psu" is filled by "community" in the household form). */
static int find_by_column(const lcm_form *f, const char *name) {
    for (size_t i = 0; i < lcm_form_nfields(f); i++) {
        const lcm_field *fd = lcm_form_field(f, i);
        if (fd->column && fd->repeat < 0 && fd->type != LCM_FT_BEGIN_REPEAT &&
            strcasecmp(fd->column, name) == 0)
            return (int)i;
    }
    return -1;
}

/* A select_multiple given both ways (lcmon's own export has the list and the 0/1 columns),
 * a geopoint whole and in parts: the whole is the answer, the parts only repeat it. */
static void drop_repeated_choices(resp_state *s) {
    for (size_t j = 0; j < s->ncols; j++)
        for (size_t k = 0;
             (s->cols[j].kind == COL_CHOICE || s->cols[j].kind == COL_GEO) && k < s->ncols; k++)
            if (s->cols[k].kind == COL_FIELD && s->cols[k].field == s->cols[j].field &&
                s->cols[k].row == s->cols[j].row)
                s->cols[j].kind = COL_IGNORE;
}

/* Two headers that fill the same thing ("Wave" and "wave", or "household_no" and the column
 * it fills, "household_id"): the last would win silently. */
static void same_target_twice(resp_state *s, lcm__imp *im) {
    for (size_t j = 1; j < s->ncols; j++)
        for (size_t k = 0; k < j; k++) {
            const col_map *a = &s->cols[k], *b = &s->cols[j];
            int same = (a->kind == COL_META && b->kind == COL_META && a->meta == b->meta) ||
                       (a->kind == COL_FIELD && b->kind == COL_FIELD && a->field == b->field &&
                        a->row == b->row);
            if (same) {
                lcm__imp_cell_issue(
                    im, j, b->name, "fills '%s' again (also column %zu, '%s')",
                    b->kind == COL_META ? b->meta : lcm_form_field(s->form, (size_t)b->field)->name,
                    k + 1, a->name);
                break;
            }
        }
}

/* A required question of personal data with no column: lcmon's own export leaves such
 * columns out unless --include-pii, and every row would fail on it with no hint why. */
static void missing_personal_columns(resp_state *s, lcm__imp *im) {
    for (size_t i = 0; i < lcm_form_nfields(s->form); i++) {
        const lcm_field *fd = lcm_form_field(s->form, i);
        int given = 0;
        if (!fd->required || !fd->pii || !fd->column || fd->repeat >= 0)
            continue;
        for (size_t j = 0; j < s->ncols && !given; j++)
            given = s->cols[j].kind == COL_FIELD && s->cols[j].field == (int)i;
        if (!given)
            lcm__imp_row_issue(im, im->row->line,
                               "no column '%s' (question '%s'), which the form requires: 'lcmon "
                               "export' leaves personal columns out unless --include-pii",
                               fd->column, fd->name);
    }
}

static lcm_status map_header(lcm__imp *im, void *state, lcm_err *err) {
    resp_state *s = state;
    /* in the import's transaction, before any row: no copy trigger fires per row */
    lcm_status forgot = lcm_survey_copy_forget(s->db, lcm_form_table(s->form), err);
    for (size_t i = 0; forgot == LCM_OK && i < lcm_form_nfields(s->form); i++)
        if (lcm_form_field(s->form, i)->type == LCM_FT_BEGIN_REPEAT)
            forgot = lcm_survey_copy_forget(s->db, lcm_form_field(s->form, i)->table, err);
    if (forgot != LCM_OK)
        return forgot;
    lcm_resp_format fmt = s->opts->format;
    int tool = fmt == LCM_RESP_KOBO || fmt == LCM_RESP_ODK, have_id = 0;
    if (!(s->cols = calloc(im->row->n, sizeof *s->cols)))
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    s->ncols = im->row->n;
    for (size_t j = 0; j < im->row->n; j++) {
        col_map *c = &s->cols[j];
        const char *h = im->row->field[j], *mapped = lcm__resp_map_header(s, h);
        char key[256];
        if (!(c->name = strdup(h)))
            return lcm_err_set(err, LCM_NOMEM, "out of memory");
        h = mapped ? mapped : h;
        if (strcmp(h, "-") == 0) /* a map rule leaving the column out */
            continue;
        int by_column = find_by_column(s->form, h);
        if (by_column >= 0) { /* a standard column a question fills (lcmon_column) */
            map_field(s, im, j, lcm_form_field(s->form, (size_t)by_column)->name, 0);
            continue;
        }
        if ((tool || fmt == LCM_RESP_WJX) && in_list_exact(submitted_columns, h) >= 0) {
            c->kind = COL_SUBMITTED;
            s->wjx_time = fmt == LCM_RESP_WJX ? j + 1 : 0;
            continue;
        }
        if (fmt == LCM_RESP_WJX && strcmp(h, "序号") == 0)
            s->wjx_seq = j + 1;
        if ((fmt == LCM_RESP_ODK && strcmp(h, "ReviewState") == 0) ||
            (fmt == LCM_RESP_KOBO && strcmp(h, "_validation_status") == 0)) {
            c->kind = COL_REVIEW;
            continue;
        }
        if (fmt == LCM_RESP_WJX && strcmp(h, "所用时间") == 0) {
            c->kind = COL_DURATION;
            continue;
        }
        if ((fmt == LCM_RESP_WJX && in_list_exact(wjx_columns, h) >= 0) ||
            (tool && in_list_exact(tool_columns, h) >= 0))
            continue; /* COL_IGNORE */
        int m = in_list(std_cols, h);
        if (m < 0 && tool && in_list(id_aliases, h) >= 0)
            m = 0;
        if (m >= 0 && !(m == 0 && have_id++)) /* a second id column (Kobo has two) is skipped */
            c->kind = COL_META, c->meta = std_cols[m];
        else if (m >= 0 || (tool && h[0] == '_'))
            c->kind = COL_IGNORE;
        else {
            long row = repeat_index(h, key, sizeof key);
            if (row < 0)
                lcm__imp_cell_issue(im, j, c->name, "roster position out of range (1 to %d)",
                                    LCM_FORM_MAX_ROWS);
            else
                map_field(s, im, j, key, row);
        }
    }
    drop_repeated_choices(s);
    same_target_twice(s, im);
    missing_personal_columns(s, im);
    for (size_t j = 0; j < s->ncols; j++)
        s->has_geo |= s->cols[j].kind == COL_GEO;
    return lcm__resp_rosters_load(s, im, err);
}

/* ---- rows ---- */

/* The problem part of a form message ("field 'age': 'x' is not..." -> "'x' is not..."). */
const char *lcm__resp_problem(const char *msg) {
    const char *p = strncmp(msg, "field '", 7) == 0 ? strstr(msg, "': ") : NULL;
    return p ? p + 3 : msg;
}

/* The form's message for a bad answer, and for a number in a select of a 问卷星 file a
 * hint: a download by option numbers is read through a map. */
static void bad_answer(resp_state *s, lcm__imp *im, size_t j, int field, const char *v,
                       const char *msg) {
    const lcm_field *f = lcm_form_field(s->form, (size_t)field);
    int number = *v && strspn(v, "0123456789") == strlen(v);
    lcm__imp_cell_issue(im, j, s->cols[j].name, "%s%s", lcm__resp_problem(msg),
                        s->opts->format == LCM_RESP_WJX && number &&
                                (f->type == LCM_FT_SELECT_ONE || f->type == LCM_FT_SELECT_MULTIPLE)
                            ? " (问卷星's option number? --draft-map MAP.csv writes a map of them)"
                            : "");
}

/* Set the answer v of field (in roster row `row`, 0 outside rosters) from column j;
 * checked: v passed lcm_form_validate_utf8 already. */
static void put_checked(resp_state *s, lcm__imp *im, lcm_instance *in, size_t j, int field,
                        long row, const char *v) {
    const col_map *c = &s->cols[j];
    const lcm_field *f = lcm_form_field(s->form, (size_t)field);
    lcm_err e;
    lcm_err_clear(&e); /* not = {0}: that clears 1 KB, per cell */
    long pos;
    while (row > 0 && lcm_instance_rows(in, f->repeat) < row)
        if (lcm_instance_add_row(in, f->repeat, &pos, &e) != LCM_OK) {
            lcm__imp_cell_issue(im, j, c->name, "%s", e.msg);
            return;
        }
    if (lcm_instance_set(in, field, row, v, &e) != LCM_OK)
        lcm__imp_cell_issue(im, j, c->name, "%s", lcm__resp_problem(e.msg));
}

/* lcm_form_validate_utf8 of an answer, or LCM_OK when the same text passed it before for
 * the same field: the checks of a type, its choices and a constraint on '.' alone give the
 * same answer for the same text (a constraint calling today() or the like is checked each
 * time). Most answers are one of a few codes, checked once per import instead of per row. */
static lcm_status validate_answer(resp_state *s, int field, const char *v, lcm_err *e) {
    size_t n = strlen(v);
    unsigned h = 0;
    for (size_t i = 0; i < n; i++)
        h = h * 31u + (unsigned char)v[i];
    char *slot = NULL;
    if (n < PASSED_LEN && s->passed) {
        slot = s->passed[field][h % PASSED_SLOTS];
        if (memcmp(slot, v, n + 1) == 0 && n) /* an empty slot holds "" */
            return LCM_OK;
    }
    lcm_status st = lcm_form_validate_utf8(s->form, field, v, e);
    const lcm_field *fd = lcm_form_field(s->form, (size_t)field);
    if (st == LCM_OK && slot && (!fd->constraint || lcm__memo_pure(fd->constraint)))
        memcpy(slot, v, n + 1);
    return st;
}

/* The same, checking v first. */
static void put_answer(resp_state *s, lcm__imp *im, lcm_instance *in, size_t j, int field, long row,
                       const char *v) {
    lcm_err e;
    lcm_err_clear(&e);
    if (validate_answer(s, field, v, &e) != LCM_OK) /* csvin checked its UTF-8 */
        bad_answer(s, im, j, field, v, e.msg);
    else
        put_checked(s, im, in, j, field, row, v);
}

/* The text of an "other" choice ("其他〖爬山〗") goes to the question `<field>_other`. */
static void put_other(resp_state *s, lcm__imp *im, lcm_instance *in, size_t j) {
    const col_map *c = &s->cols[j];
    const lcm_field *f = lcm_form_field(s->form, (size_t)c->field);
    char name[300];
    snprintf(name, sizeof name, "%s_other", f->name);
    int o = lcm_form_find(s->form, name);
    if (o < 0 || lcm_form_field(s->form, (size_t)o)->repeat != f->repeat ||
        !lcm_form_field(s->form, (size_t)o)->column)
        lcm__imp_cell_issue(im, j, c->name,
                            "the text '%s' of a choice has no question '%s' to go to", s->other.buf,
                            name);
    else
        put_answer(s, im, in, j, o, c->row, s->other.buf);
}

static void set_field(resp_state *s, lcm__imp *im, lcm_instance *in, size_t j, const char *v) {
    const col_map *c = &s->cols[j];
    const lcm_field *f = lcm_form_field(s->form, (size_t)c->field);
    const char *mapped = lcm__resp_map_value(s, f->name, v);
    lcm_err e;
    lcm_err_clear(&e); /* not = {0}: that clears 1 KB, per cell */
    v = mapped ? mapped : v;
    /* An answer the form takes as it is goes in (every cell of lcmon's own files: nothing
     * more per cell than before); else it may be a label ("(跳过)" and "┋" of 问卷星 are
     * looked at first, as they may pass as text). */
    if (!mapped && s->opts->format != LCM_RESP_WJX) {
        if (validate_answer(s, c->field, v, &e) == LCM_OK) {
            put_checked(s, im, in, j, c->field, c->row, v);
            return;
        }
        if (lcm__resp_value(s, c->field, v, &s->value, &s->other) != 0) {
            bad_answer(s, im, j, c->field, v, e.msg);
            return;
        }
    }
    int wjx_rc = !mapped && s->opts->format == LCM_RESP_WJX
                     ? lcm__resp_value(s, c->field, v, &s->value, &s->other)
                     : 0;
    /* a column named by the field itself ("m_rel", "members[1]/m_rel") holds its choices'
     * names, not 问卷星's option numbers */
    const char *last = strrchr(c->name, '/');
    if (wjx_rc == -2 && strcmp(last ? last + 1 : c->name, f->name) == 0)
        wjx_rc = -1;
    if (wjx_rc == -2) { /* 问卷星's option number, and no rule of the map for it */
        bad_answer(s, im, j, c->field, v, "an option number, not a choice");
        return;
    }
    if (!mapped && (s->opts->format != LCM_RESP_WJX || wjx_rc == 0)) {
        if (!lcm_strbuf_ok(&s->value) || !lcm_strbuf_ok(&s->other)) {
            lcm__imp_cell_issue(im, j, c->name, "out of memory");
            return;
        }
        if (s->other.len)
            put_other(s, im, in, j);
        if (!s->value.len) /* skipped (问卷星's "(跳过)") */
            return;
        v = s->value.buf;
    }
    put_answer(s, im, in, j, c->field, c->row, v);
}

/* A geopoint split into parts (ODK Central: -Latitude, -Longitude, -Altitude, -Accuracy)
 * is the parts joined by spaces, as ODK writes it whole. */
static void gather_geo(resp_state *s, lcm__imp *im, lcm_instance *in) {
    for (size_t j = 0; s->has_geo && j < s->ncols; j++) {
        if (s->cols[j].kind != COL_GEO)
            continue;
        const char *part[4] = {"", "", "", ""};
        int seen = 0, any = 0;
        for (size_t k = 0; k < s->ncols; k++) {
            const col_map *c = &s->cols[k];
            if (c->kind != COL_GEO || c->field != s->cols[j].field || c->row != s->cols[j].row)
                continue;
            seen |= k < j;
            part[c->choice] = im->row->field[k];
            any |= *im->row->field[k] != '\0';
        }
        if (seen || !any) /* each point once, from its first column */
            continue;
        char v[512];
        int n = snprintf(v, sizeof v, "%s %s %s %s", part[0], part[1], part[2], part[3]);
        while (n > 0 && v[n - 1] == ' ') /* altitude and accuracy may be missing */
            v[--n] = '\0';
        put_answer(s, im, in, j, s->cols[j].field, s->cols[j].row, v);
    }
}

/* select_multiple given as 0/1 columns: gather the chosen names per field. */
static void gather_choices(resp_state *s, lcm__imp *im, lcm_instance *in) {
    for (size_t j = 0; j < s->ncols; j++) {
        if (s->cols[j].kind != COL_CHOICE || s->cols[j].choice < 0)
            continue;
        int field = s->cols[j].field, seen = 0;
        for (size_t k = 0; k < j && !seen; k++) /* each field once, from its first column */
            seen = s->cols[k].kind == COL_CHOICE && s->cols[k].field == field &&
                   s->cols[k].row == s->cols[j].row;
        if (seen)
            continue;
        lcm_strbuf v = LCM_STRBUF_INIT;
        int bad = 0;
        for (size_t k = j; k < s->ncols; k++) {
            const col_map *c = &s->cols[k];
            const char *cell = im->row->field[k];
            if (c->kind != COL_CHOICE || c->field != field || c->row != s->cols[j].row)
                continue;
            if (s->opts->format == LCM_RESP_WJX && lcm__wjx_not_asked(cell))
                continue; /* 问卷星: not shown, skipped */
            if (*cell && strcmp(cell, "0") != 0 && strcmp(cell, "1") != 0)
                bad = 1, lcm__imp_cell_issue(im, k, c->name, "a choice column takes 1 or 0");
            else if (strcmp(cell, "1") == 0)
                lcm_strbuf_addf(
                    &v, "%s%s", v.len ? " " : "",
                    lcm_form_field(s->form, (size_t)field)->list->items[c->choice].name);
        }
        if (!bad && v.len && lcm_instance_set(in, field, s->cols[j].row, v.buf, NULL) != LCM_OK)
            lcm__imp_cell_issue(im, j, s->cols[j].name, "cannot set the choices");
        lcm_strbuf_release(&v);
    }
}

/* An id for rows that have none: a UUID-shaped FNV-1a hash of the row's cells, so the
 * same row always gets the same id and a re-import finds it (问卷星: of its 序号 and
 * 提交答卷时间, the same in the download by texts and by numbers). */
static void row_id(const lcm_csv_row *row, const resp_state *s, char out[37]) {
    uint64_t h[2] = {0xcbf29ce484222325ULL, 0x84222325cbf29ce4ULL};
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < row->n; i++) {
            /* 问卷星's row number and submission time name a submission in both downloads */
            if (s->wjx_seq && s->wjx_time && (i + 1 != s->wjx_seq && i + 1 != s->wjx_time))
                continue;
            for (size_t b = 0; b < row->len[i]; b++)
                h[k] = (h[k] ^ (unsigned char)row->field[i][b]) * 0x100000001b3ULL;
            h[k] = (h[k] ^ 0x1f) * 0x100000001b3ULL;
        }
    snprintf(out, 37, "%08x-%04x-5%03x-%04x-%012llx", (unsigned)(h[0] >> 32),
             (unsigned)(h[0] >> 16) & 0xffff, (unsigned)h[0] & 0xfff,
             0x8000 | ((unsigned)(h[1] >> 48) & 0x3fff),
             (unsigned long long)(h[1] & 0xffffffffffffULL));
}

/* started_at and ended_at, as standard columns or as the form's start/end questions. */
static int time_column(const resp_state *s, size_t j) {
    const col_map *c = &s->cols[j];
    if (c->kind == COL_META)
        return strcmp(c->meta, "started_at") == 0 || strcmp(c->meta, "ended_at") == 0;
    int t = c->kind == COL_FIELD ? (int)lcm_form_field(s->form, (size_t)c->field)->type : -1;
    return t == LCM_FT_START || t == LCM_FT_END;
}

/* The time in cell j in the stored form (timestamp.h), or NULL when it is reported bad. */
static const char *checked_time(lcm__imp *im, const resp_state *s, size_t j, const char *v,
                                char when[LCM_TIMESTAMP_SIZE]) {
    const char *why = NULL;
    if (lcm_timestamp_parse(v, when, &why) == 0)
        return when;
    lcm__imp_cell_issue(im, j, s->cols[j].name, "%s (a date and time is written %s)", why,
                        lcm_timestamp_forms);
    return NULL;
}

/* ---- times ---- */

/* Days since 1970-01-01 of a civil date, and back (Howard Hinnant's algorithms). */
static long days_from_civil(long y, long m, long d) {
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static void civil_from_days(long z, long *y, long *m, long *d) {
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097, doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365, doy;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp + (mp < 10 ? 3 : -9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* 问卷星's "2025/6/5 14:41:03" (Beijing time), less `back` seconds, as ISO 8601 with its
 * offset: "2025-06-05T14:41:03+08:00". -1 when v is not such a time. A local conversion
 * until the import's timestamp parser is shared. */
static int wjx_time_iso(const char *v, long back, char *out, size_t cap) {
    int y, mo, d, h, mi, sec = 0, used = 0;
    if ((sscanf(v, "%4d/%2d/%2d %2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &used) != 6 ||
         v[used]) &&
        (sec = 0, used = 0,
         sscanf(v, "%4d/%2d/%2d %2d:%2d%n", &y, &mo, &d, &h, &mi, &used) != 5 || v[used]))
        return -1;
    if (y < 1970 || y > 2100 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 60 ||
        d > 31 ||
        days_from_civil(y, mo, d) >= days_from_civil(mo == 12 ? y + 1 : y, mo % 12 + 1, 1))
        return -1;
    long long t = (long long)days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - back;
    if (t < 0) /* a duration longer than the time since 1970 */
        return -1;
    long yy, mm, dd, day = (long)(t / 86400), rest = (long)(t % 86400);
    civil_from_days(day, &yy, &mm, &dd);
    snprintf(out, cap, "%04ld-%02ld-%02ldT%02ld:%02ld:%02ld+08:00", yy, mm, dd, rest / 3600,
             rest % 3600 / 60, rest % 60);
    return 0;
}

/* 问卷星's 所用时间: "125秒", also "2分5秒" or "1小时2分5秒": seconds, or -1. */
static long wjx_seconds(const char *v) {
    static const struct {
        const char *unit;
        long s;
    } units[] = {{"小时", 3600}, {"分钟", 60}, {"分", 60}, {"秒", 1}};
    long total = 0;
    int parts = 0;
    while (*v) {
        char *end;
        long n = strtol(v, &end, 10);
        size_t k = 0;
        if (end == v || n < 0 || n > 10000000)
            return -1;
        while (k < 4 && strncmp(end, units[k].unit, strlen(units[k].unit)) != 0)
            k++;
        if (k == 4)
            return -1;
        total += n * units[k].s, parts++;
        v = end + strlen(units[k].unit);
    }
    return parts ? total : -1;
}

/* The submission time as ended_at (unless the form's end question gives it: fill_meta
 * sets that over it), and with 问卷星's 所用时间 the start. */
static void put_times(resp_state *s, lcm__imp *im, lcm_instance *in, long jsub, long jdur) {
    const char *sub = jsub >= 0 ? im->row->field[jsub] : "";
    const char *dur = jdur >= 0 ? im->row->field[jdur] : "";
    char iso[128]; /* room for any long, so the compiler sees no truncation */
    if (!*sub)
        return;
    if (s->opts->format != LCM_RESP_WJX) {
        char when[LCM_TIMESTAMP_SIZE + 8];
        const char *why = NULL;
        if (lcm_timestamp_parse(sub, when, &why) != 0) {
            lcm__imp_cell_issue(im, (size_t)jsub, s->cols[jsub].name,
                                "%s (a date and time is written %s)", why, lcm_timestamp_forms);
            return;
        }
        /* Kobo's _submission_time is UTC written without a zone: say so, or it would
         * read as the local time of the interview, 8 hours off in China */
        size_t n = strlen(when);
        if (strcmp(s->cols[jsub].name, "_submission_time") == 0 && !strchr(when + 19, '+') &&
            !strchr(when + 19, '-') && n + 7 <= sizeof when)
            memcpy(when + n, "+00:00", 7);
        lcm_instance_set_meta(in, "ended_at", when, NULL);
        return;
    }
    long back = *dur ? wjx_seconds(dur) : 0;
    if (wjx_time_iso(sub, 0, iso, sizeof iso) != 0)
        lcm__imp_cell_issue(im, (size_t)jsub, s->cols[jsub].name,
                            "not a time like 2025/6/5 14:41:03");
    else {
        lcm_instance_set_meta(in, "ended_at", iso, NULL);
        if (back < 0)
            lcm__imp_cell_issue(im, (size_t)jdur, s->cols[jdur].name, "not a duration like 125秒");
        else if (*dur && wjx_time_iso(sub, back, iso, sizeof iso) == 0)
            lcm_instance_set_meta(in, "started_at", iso, NULL);
        else if (*dur)
            lcm__imp_cell_issue(im, (size_t)jdur, s->cols[jdur].name,
                                "a duration longer than the time before the submission");
    }
}

/* Without --wave or a wave column, answers from another tool take the year they ended
 * (or were submitted) in; every row of the file must give the same one. */
static void derive_wave(resp_state *s, lcm__imp *im, lcm_instance *in) {
    const char *end = lcm_instance_meta(in, "ended_at");
    char year[8];
    if (s->opts->format == LCM_RESP_NATIVE || lcm_instance_meta(in, "wave") || !end ||
        strlen(end) < 5 || strspn(end, "0123456789") != 4 || end[4] != '-')
        return;
    long y = strtol(end, NULL, 10);
    if (y < 2000 || y > 2100)
        return;
    if (!s->wave_year)
        s->wave_year = y, s->wave_line = im->row->line;
    if (y != s->wave_year) {
        lcm__imp_row_issue(im, im->row->line,
                           "answers of %ld, those of line %ld of %ld: give the survey's year "
                           "with --wave",
                           y, s->wave_line, s->wave_year);
        return;
    }
    snprintf(year, sizeof year, "%ld", y);
    lcm_instance_set_meta(in, "wave", year, NULL);
}

/* A submission the tool's reviewers rejected (ODK Central's ReviewState, Kobo's
 * _validation_status): kept, as a draft, so estimates leave it out. */
static int rejected(const char *v) {
    return strcmp(v, "rejected") == 0 || strcmp(v, "validation_status_not_approved") == 0 ||
           strcasecmp(v, "Not Approved") == 0;
}

/* ---- rows ---- */

static lcm_status fill(resp_state *s, lcm__imp *im, lcm_instance *in, lcm_err *err) {
    lcm_err e;
    lcm_err_clear(&e); /* not = {0}: that clears 1 KB, per cell */
    char wave[32];
    int has_id = 0, stated = 0;
    int foreign = s->opts->format == LCM_RESP_KOBO || s->opts->format == LCM_RESP_ODK;
    long jsub = -1, jdur = -1, jrej = -1;
    lcm_instance_set_meta(in, "source", s->source, NULL);
    /* A file without a status column holds submitted answers: complete, and checked so. */
    lcm_instance_set_meta(in, "status", "complete", NULL);
    if (s->opts->wave) {
        snprintf(wave, sizeof wave, "%ld", s->opts->wave);
        lcm_instance_set_meta(in, "wave", wave, NULL);
    }
    for (size_t j = 0; j < s->ncols; j++) {
        const char *v = im->row->field[j];
        char when[LCM_TIMESTAMP_SIZE];
        if (*v && time_column(s, j) && (v = checked_time(im, s, j, v, when)) == NULL)
            continue;
        if (s->cols[j].kind == COL_META && *v) {
            int id = strcmp(s->cols[j].meta, "instance_id") == 0;
            if (id && strncmp(v, "uuid:", 5) == 0)
                v += 5; /* Kobo and ODK write "uuid:<id>" */
            has_id |= id;
            stated |= strcmp(s->cols[j].meta, "status") == 0;
            /* ODK allows any unique string as an id: kept as it is */
            if (lcm_instance_set_meta(in, s->cols[j].meta, v, &e) != LCM_OK &&
                (!id || !foreign || lcm__instance_set_foreign_id(in, v, &e) != LCM_OK))
                lcm__imp_cell_issue(im, j, s->cols[j].name, "%s", e.msg);
        } else if (s->cols[j].kind == COL_FIELD && *v)
            set_field(s, im, in, j, v);
        else if (s->cols[j].kind == COL_SUBMITTED)
            jsub = (long)j;
        else if (s->cols[j].kind == COL_DURATION)
            jdur = (long)j;
        else if (s->cols[j].kind == COL_REVIEW && rejected(v))
            jrej = (long)j;
    }
    gather_choices(s, im, in);
    gather_geo(s, im, in);
    put_times(s, im, in, jsub, jdur);
    if (jrej >= 0 && !stated) /* no status column said otherwise */
        lcm_instance_set_meta(in, "status", "draft", NULL);
    lcm_instance_answers_checked(in); /* set_field checked each one, naming its cell */
    if (!has_id) { /* lcm_instance_new made a random one: a re-import must find the row */
        char id[37];
        row_id(im->row, s, id);
        lcm_instance_set_meta(in, "instance_id", id, NULL);
    }
    return lcm__resp_rosters_fill(s, im, in, err);
}

/* The rowid of the stored instance with in's id (0: none). */
static lcm_status stored_rowid(resp_state *s, lcm_instance *in, long long *rowid, lcm_err *err) {
    *rowid = 0;
    if (!s->rowid_of) {
        lcm_strbuf q = LCM_STRBUF_INIT;
        lcm_strbuf_addf(&q, "SELECT rowid FROM \"%s\" WHERE instance_id = ?1",
                        lcm_form_table(s->form));
        lcm_status st = lcm_strbuf_ok(&q) ? lcm_db_prepare(s->db, q.buf, &s->rowid_of, err)
                                          : lcm_err_set(err, LCM_NOMEM, "out of memory");
        lcm_strbuf_release(&q);
        if (st != LCM_OK)
            return st;
    }
    sqlite3_reset(s->rowid_of);
    sqlite3_bind_text(s->rowid_of, 1, lcm_instance_meta(in, "instance_id"), -1, SQLITE_STATIC);
    int step = sqlite3_step(s->rowid_of);
    if (step == SQLITE_ROW)
        *rowid = (long long)sqlite3_column_int64(s->rowid_of, 0);
    sqlite3_reset(s->rowid_of);
    return step == SQLITE_ROW || step == SQLITE_DONE ? LCM_OK
                                                     : lcm_db_fail(s->db, err, "looking up");
}

/* The rows stored before this import began end at s->start. */
static lcm_status find_start(resp_state *s, lcm_err *err) {
    sqlite3_stmt *st = NULL;
    lcm_strbuf q = LCM_STRBUF_INIT;
    lcm_strbuf_addf(&q, "SELECT coalesce(max(rowid), 0) FROM \"%s\"", lcm_form_table(s->form));
    lcm_status rc = lcm_strbuf_ok(&q) ? lcm_db_prepare(s->db, q.buf, &st, err)
                                      : lcm_err_set(err, LCM_NOMEM, "out of memory");
    lcm_strbuf_release(&q);
    if (rc == LCM_OK && sqlite3_step(st) == SQLITE_ROW)
        s->start = (long long)sqlite3_column_int64(st, 0), s->started = 1;
    else if (rc == LCM_OK)
        rc = lcm_db_fail(s->db, err, "reading the response table");
    sqlite3_finalize(st);
    return rc;
}

/* Insert, or find the instance with the same id: an earlier row of this file (reported
 * with its line), or one stored before (the same answers, or a conflict). A refused
 * instance leaves nothing of itself behind (lcm_instance_insert), so the rows after it
 * are checked against the table too: every row that passes its checks is written, and
 * a file with problems is rolled back whole at the end (unless skip_invalid). */
static lcm_status store(resp_state *s, lcm__imp *im, lcm_instance *in, lcm_err *err) {
    lcm_err e;
    lcm_err_clear(&e);
    int same = 0;
    long long rowid = 0;
    lcm_status st = s->started ? LCM_OK : find_start(s, err);
    if (st != LCM_OK)
        return st;
    lcm_status ins = lcm_instance_insert_rowid(s->db, in, &rowid, &e);
    if (ins == LCM_OK) {
        im->res->inserted++;
        return lcm__resp_note_line(s, rowid, im->row->line, err);
    }
    if (ins == LCM_EXISTS && (st = stored_rowid(s, in, &rowid, err)) == LCM_OK) {
        long first = lcm__resp_line_of(s, rowid);
        if (first > 0)
            lcm__imp_row_issue(im, im->row->line, "instance_id %s also on line %ld",
                               lcm_instance_meta(in, "instance_id"), first);
        else if (first < 0)
            lcm__imp_row_issue(im, im->row->line, "instance_id %s also on an earlier line",
                               lcm_instance_meta(in, "instance_id"));
        /* Stored before this import: an earlier row of the file may have had it too (a
         * file imported again); those rows are written nowhere, so they are kept apart. */
        else if ((first = lcm__imp_seen(im, lcm_instance_meta(in, "instance_id"), err)) < 0)
            return LCM_DB;
        else if (first > 0)
            lcm__imp_row_issue(im, im->row->line, "instance_id %s also on line %ld",
                               lcm_instance_meta(in, "instance_id"), first);
        else if ((st = lcm__resp_same_as_stored(s, in, &same, err)) != LCM_OK)
            return st;
        else if (same)
            im->res->unchanged++;
        else
            lcm__imp_row_issue(im, im->row->line,
                               "instance %s is stored with other answers (%s; a conflict: it was "
                               "left out)",
                               lcm_instance_meta(in, "instance_id"), s->differs);
    } else if (ins == LCM_DB || ins == LCM_NOMEM)
        st = lcm_err_set(err, ins, "%s", e.msg);
    else if (ins != LCM_EXISTS)
        lcm__imp_row_issue(im, im->row->line, "%s", e.msg);
    return st;
}

static lcm_status resp_row(lcm__imp *im, void *state, lcm_err *err) {
    resp_state *s = state;
    lcm_err e;
    lcm_err_clear(&e); /* not = {0}: that clears 1 KB, per cell */
    long before = im->res->issues;
    lcm_status st = s->in ? lcm_instance_reset(s->in, err) : lcm_instance_new(s->form, &s->in, err);
    lcm_instance *in = s->in;
    if (st != LCM_OK)
        return st;
    lcm_strbuf_clear(&s->reasons);
    if (im->row->index == 1 && lcm__resp_hxl_row(im->row)) {
        im->res->rows--; /* Kobo's row of HXL tags under the header: not answers */
        return LCM_OK;
    }
    if ((st = fill(s, im, in, err)) != LCM_OK)
        return st;
    const char *status = lcm_instance_meta(in, "status");
    if (im->res->issues == before &&
        lcm_instance_finish(in, !status || strcmp(status, "draft") != 0, &e) != LCM_OK)
        lcm__imp_row_issue(im, im->row->line, "%s", e.msg);
    if (im->res->issues == before)
        derive_wave(s, im, in);
    if (im->res->issues == before) /* also after an earlier row's problem: see store */
        st = store(s, im, in, err);
    if (st == LCM_OK && im->skip_invalid && im->res->issues > before) {
        s->rejected++;
        st = lcm__resp_reject(s, im->row, s->reasons.buf, err);
    }
    return st;
}

static lcm_status prepare(lcm_db *db, const lcm_resp_opts *o, const char *path, resp_state *s,
                          lcm_err *err) {
    const char *base = strrchr(path, '/');
    lcm_status st = lcm_form_get(db, o->form_id, NULL, &s->form, err);
    if (st == LCM_NOTFOUND)
        return lcm_err_set(err, LCM_NOTFOUND, "unknown form: '%s' (load it with 'lcmon form load')",
                           o->form_id);
    if (st != LCM_OK)
        return st;
    snprintf(s->source, sizeof s->source, "import:%s", base ? base + 1 : path);
    if (o->rejects)
        snprintf(s->rejects_path, sizeof s->rejects_path, "%s", o->rejects);
    else
        snprintf(s->rejects_path, sizeof s->rejects_path, "%.*s.rejected.csv",
                 (int)(strlen(path) > 4 && strcmp(path + strlen(path) - 4, ".csv") == 0
                           ? strlen(path) - 4
                           : strlen(path)),
                 path);
    /* Refused now, not after the rows are read: the database, a FIFO, an old rejects file
     * without --force. */
    if (o->skip_invalid &&
        (st = lcm_out_check(s->rejects_path, o->force ? LCM_OUT_FORCE : 0, err)) != LCM_OK)
        return st;
    return o->map ? lcm__resp_map_load(s, o->map, err) : LCM_OK;
}

lcm_status lcm_import_responses(lcm_db *db, const char *path, const lcm_resp_opts *o,
                                lcm_import_result *res, long *rejected, lcm_err *err) {
    static const lcm__imp_kind kind = {"responses",
                                       {NULL},
                                       0,
                                       1,
                                       resp_row,
                                       map_header,
                                       lcm__resp_rosters_done,
                                       1,  /* form_insert.c checks the references */
                                       1}; /* bulk: a rollback journal when alone */
    resp_state s;
    memset(&s, 0, sizeof s);
    memset(res, 0, sizeof *res);
    s.db = db, s.opts = o, s.reasons = (lcm_strbuf)LCM_STRBUF_INIT;
    s.value = (lcm_strbuf)LCM_STRBUF_INIT, s.other = (lcm_strbuf)LCM_STRBUF_INIT;
    lcm_status st = prepare(db, o, path, &s, err);
    if (st == LCM_OK) /* none: every answer is checked in full */
        s.passed = calloc(lcm_form_nfields(s.form) + 1, sizeof *s.passed);
    lcm_import_opts base = o->base; /* Kobo's CSV is ';'-separated: found when not given */
    if (!base.delim)
        base.delim = lcm__resp_sniff_delim(path);
    base.as_written = o->format != LCM_RESP_NATIVE; /* Kobo/ODK/问卷星: no guard of lcmon's */
    if (st == LCM_OK)
        st = lcm__imp_run_ex(db, path, &base, &kind, &s, o->skip_invalid,
                             o->skip_invalid ? &s.reasons : NULL, res, err);
    if (rejected)
        *rejected = s.rejected;
    if (s.rejects && st == LCM_OK)
        st = lcm_out_commit(&s.rejects_out, err); /* whole, or not at all */
    lcm_out_abort(&s.rejects_out);
    for (size_t j = 0; j < s.ncols; j++)
        free(s.cols[j].name);
    free(s.cols);
    lcm__resp_map_free(&s);
    lcm__resp_compare_free(&s);
    lcm_strbuf_release(&s.reasons);
    lcm_strbuf_release(&s.value);
    lcm_strbuf_release(&s.other);
    lcm_instance_free(s.in);
    free(s.passed);
    sqlite3_finalize(s.rowid_of);
    free(s.runs);
    lcm__resp_rosters_free(&s);
    lcm_form_free(s.form);
    return st;
}
