/*
 * import_resp_aux.c - the helpers of the responses importer: the 问卷星 map file, the
 * comparison of an instance with the stored one of the same id, and the rejects file.
 */
#include "export_int.h"
#include "import_resp_int.h"
#include "timestamp.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAP_MAX_RULES 20000 /* a map file larger than any questionnaire needs is refused */

/* ---- wjx map: source,field[,value,choice] ---- */

typedef struct map_ctx {
    resp_state *s;
    int col[4];
} map_ctx;

static char *dup_or_null(const char *v) {
    return v && *v ? strdup(v) : NULL;
}

static lcm_status map_row(void *ud, const lcm_csv_row *row, lcm_err *err) {
    map_ctx *m = ud;
    resp_state *s = m->s;
    static const char *const names[] = {"source", "field", "value", "choice"};
    if (row->index == 0) {
        for (int i = 0; i < 4; i++)
            if ((m->col[i] = lcm_csv_find(row, names[i])) < 0 && i < 2)
                return lcm_err_set(err, LCM_PARSE, "%s:1: missing column '%s'", row->file,
                                   names[i]);
        return LCM_OK;
    }
    if (s->nrules >= MAP_MAX_RULES)
        return lcm_err_set(err, LCM_PARSE, "%s:%ld: more than %d rules", row->file, row->line,
                           MAP_MAX_RULES);
    wjx_rule *r = realloc(s->rules, (s->nrules + 1) * sizeof *r);
    if (!r)
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    s->rules = r;
    r = &s->rules[s->nrules++];
    memset(r, 0, sizeof *r);
    const char *v[4];
    for (int i = 0; i < 4; i++)
        v[i] = m->col[i] >= 0 && (size_t)m->col[i] < row->n ? row->field[m->col[i]] : "";
    r->source = strdup(v[0]), r->field = strdup(v[1]);
    r->value = dup_or_null(v[2]), r->choice = dup_or_null(v[3]);
    if (!r->source || !r->field)
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    if (!*v[1] || (r->value && !r->choice))
        return lcm_err_set(err, LCM_PARSE, "%s:%ld: a rule names a field, and a value its choice",
                           row->file, row->line);
    return LCM_OK;
}

lcm_status lcm__resp_map_load(resp_state *s, const char *path, lcm_err *err) {
    map_ctx m = {s, {-1, -1, -1, -1}};
    lcm_input *in = NULL;
    lcm_status st = lcm_input_open(path, LCM_ENC_AUTO, &in, err);
    if (st == LCM_OK)
        st = lcm_input_read_csv(in, NULL, map_row, &m, err);
    lcm_input_close(in);
    return st;
}

void lcm__resp_map_free(resp_state *s) {
    for (size_t i = 0; i < s->nrules; i++) {
        free(s->rules[i].source);
        free(s->rules[i].field);
        free(s->rules[i].value);
        free(s->rules[i].choice);
    }
    free(s->rules);
}

const char *lcm__resp_map_header(const resp_state *s, const char *header) {
    for (size_t i = 0; i < s->nrules; i++)
        if (!s->rules[i].value && strcmp(s->rules[i].source, header) == 0)
            return s->rules[i].field;
    return NULL;
}

const char *lcm__resp_map_value(const resp_state *s, const char *field, const char *value) {
    for (size_t i = 0; i < s->nrules; i++)
        if (s->rules[i].value && strcasecmp(s->rules[i].field, field) == 0 &&
            strcmp(s->rules[i].value, value) == 0)
            return s->rules[i].choice;
    return NULL;
}

/* ---- comparison with the stored instance ---- */

/* Stored and given values agree: both empty, the same text, or the same number. */
static int same_value(sqlite3_stmt *st, int col, const char *v) {
    if (sqlite3_column_type(st, col) == SQLITE_NULL || !v || !*v)
        return sqlite3_column_type(st, col) == SQLITE_NULL && (!v || !*v);
    const char *t = (const char *)sqlite3_column_text(st, col);
    char *end;
    if (strcmp(t, v) == 0)
        return 1;
    double a = strtod(v, &end);
    return *end == '\0' && sqlite3_column_type(st, col) != SQLITE_TEXT &&
           a == sqlite3_column_double(st, col);
}

/* started_at/ended_at: an import stores them in timestamp.h's one form, but databases
 * written before it hold them as they were given ("2025-06-05 14:41"): compared in the
 * stored form, so re-importing the same file is not a conflict. */
static int same_time(sqlite3_stmt *st, int col, const char *v) {
    char a[LCM_TIMESTAMP_SIZE], b[LCM_TIMESTAMP_SIZE];
    if (same_value(st, col, v))
        return 1;
    const char *t = (const char *)sqlite3_column_text(st, col);
    return t && v && lcm_timestamp_parse(t, a, NULL) == 0 && lcm_timestamp_parse(v, b, NULL) == 0 &&
           strcmp(a, b) == 0;
}

static const char *const compared_meta[] = {
    "city",         "wave",        "stratum",    "psu",      "household_id", "design_weight",
    "final_weight", "interviewer", "started_at", "ended_at", "status",       NULL};
#define TIME_META 8 /* compared_meta[8] and [9]: started_at, ended_at */

/* Fields stored in table `repeat` (-1: the main table) in their own column. */
static int own_column(const lcm_field *f, int repeat) {
    return f->column && f->repeat == repeat && f->type != LCM_FT_BEGIN_REPEAT &&
           f->type != LCM_FT_BEGIN_GROUP && !(f->repeat < 0 && strcmp(f->column, f->name) != 0);
}

static lcm_status build_get(resp_state *s, int repeat, sqlite3_stmt **out, lcm_err *err) {
    lcm_strbuf q = LCM_STRBUF_INIT;
    const char *table =
        repeat < 0 ? lcm_form_table(s->form) : lcm_form_field(s->form, (size_t)repeat)->table;
    lcm_strbuf_adds(&q, "SELECT 0");
    for (int i = 0; repeat < 0 && compared_meta[i]; i++)
        lcm_strbuf_addf(&q, ", \"%s\"", compared_meta[i]);
    for (size_t i = 0; i < lcm_form_nfields(s->form); i++)
        if (own_column(lcm_form_field(s->form, i), repeat))
            lcm_strbuf_addf(&q, ", \"%s\"", lcm_form_field(s->form, i)->column);
    lcm_strbuf_addf(&q, " FROM \"%s\" WHERE instance_id = ?1%s", table,
                    repeat < 0 ? "" : " ORDER BY position");
    lcm_status st = lcm_strbuf_ok(&q) ? lcm_db_prepare(s->db, q.buf, out, err)
                                      : lcm_err_set(err, LCM_NOMEM, "out of memory");
    lcm_strbuf_release(&q);
    return st;
}

/* Note what differs, for the conflict message: "wave: stored '2024', here '2025'". The
 * values of personal data (household numbers, interviewers, fields marked pii) are not
 * repeated on the terminal: only the column is named. */
static int differs(resp_state *s, sqlite3_stmt *st, int col, const char *name, int repeat, long pos,
                   const char *v, int personal) {
    const char *t = (const char *)sqlite3_column_text(st, col);
    char what[240];
    if (personal)
        snprintf(what, sizeof what, "%s", "stored with another value (personal data: not shown)");
    else
        snprintf(what, sizeof what, "stored '%.100s', here '%.100s'", t ? t : "", v ? v : "");
    if (repeat < 0)
        snprintf(s->differs, sizeof s->differs, "%s: %s", name, what);
    else
        snprintf(s->differs, sizeof s->differs, "%s of %s member %ld: %s", name,
                 lcm_form_field(s->form, (size_t)repeat)->name, pos, what);
    return 0;
}

/* Compare the current row of st with in's answers in table `repeat`, row `pos`. */
static int same_row(resp_state *s, sqlite3_stmt *st, const lcm_instance *in, int repeat, long pos) {
    int col = 1;
    for (int i = 0; repeat < 0 && compared_meta[i]; i++, col++)
        if (!(i == TIME_META || i == TIME_META + 1 ? same_time : same_value)(
                st, col, lcm_instance_meta(in, compared_meta[i])))
            return differs(s, st, col, compared_meta[i], repeat, pos,
                           lcm_instance_meta(in, compared_meta[i]),
                           strcmp(compared_meta[i], "household_id") == 0 ||
                               strcmp(compared_meta[i], "interviewer") == 0);
    for (size_t i = 0; i < lcm_form_nfields(s->form); i++)
        if (own_column(lcm_form_field(s->form, i), repeat)) {
            const char *v = lcm_instance_get(in, (int)i, pos);
            if (!same_value(st, col, v))
                return differs(s, st, col, lcm_form_field(s->form, i)->column, repeat, pos, v,
                               lcm_form_field(s->form, i)->pii);
            col++;
        }
    return 1;
}

static lcm_status same_table(resp_state *s, sqlite3_stmt *st, const lcm_instance *in, int repeat,
                             int *same) {
    long pos = 0, rows = repeat < 0 ? 1 : lcm_instance_rows(in, repeat);
    int step;
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, lcm_instance_meta(in, "instance_id"), -1, SQLITE_STATIC);
    while (*same && (step = sqlite3_step(st)) == SQLITE_ROW)
        *same = ++pos <= rows && same_row(s, st, in, repeat, repeat < 0 ? 0 : pos);
    if (!s->differs[0] && pos != rows && repeat >= 0)
        snprintf(s->differs, sizeof s->differs,
                 pos > rows ? "%s: more members stored than the %ld here"
                            : "%s: %ld member(s) stored, %ld here",
                 lcm_form_field(s->form, (size_t)repeat)->name, pos > rows ? rows : pos, rows);
    *same = *same && pos == rows;
    sqlite3_reset(st);
    return LCM_OK;
}

lcm_status lcm__resp_same_as_stored(resp_state *s, const lcm_instance *in, int *same,
                                    lcm_err *err) {
    size_t n = lcm_form_nfields(s->form);
    lcm_status st = LCM_OK;
    if (!s->main_get && (st = build_get(s, -1, &s->main_get, err)) != LCM_OK)
        return st;
    if (!s->repeat_get && !(s->repeat_get = calloc(n, sizeof *s->repeat_get)))
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    *same = 1;
    s->differs[0] = '\0';
    st = same_table(s, s->main_get, in, -1, same);
    for (size_t r = 0; st == LCM_OK && *same && r < n; r++) {
        if (lcm_form_field(s->form, r)->type != LCM_FT_BEGIN_REPEAT)
            continue;
        if (!s->repeat_get[r] && (st = build_get(s, (int)r, &s->repeat_get[r], err)) != LCM_OK)
            break;
        st = same_table(s, s->repeat_get[r], in, (int)r, same);
    }
    return st;
}

void lcm__resp_compare_free(resp_state *s) {
    sqlite3_finalize(s->main_get);
    for (size_t r = 0; s->repeat_get && s->form && r < lcm_form_nfields(s->form); r++)
        sqlite3_finalize(s->repeat_get[r]);
    free(s->repeat_get);
}

/* ---- the lines of this import's rows ---- */

#define MAX_RUNS (1u << 20) /* 16 MB: beyond it, duplicates are reported without a line */

lcm_status lcm__resp_note_line(resp_state *s, long long rowid, long line, lcm_err *err) {
    while (s->nruns && s->runs[s->nruns - 1].rowid >= rowid) /* a row taken back, reused */
        s->nruns--;
    if (s->nruns) {
        const struct resp_run *r = &s->runs[s->nruns - 1];
        if (r->line + (rowid - r->rowid) == line)
            return LCM_OK; /* the run goes on */
    }
    if (s->nruns == MAX_RUNS) {
        s->runs_full = 1;
        return LCM_OK;
    }
    if (s->nruns == s->cap_runs) {
        size_t cap = s->cap_runs ? 2 * s->cap_runs : 64;
        struct resp_run *r = realloc(s->runs, cap * sizeof *r);
        if (!r)
            return lcm_err_set(err, LCM_NOMEM, "out of memory");
        s->runs = r, s->cap_runs = cap;
    }
    s->runs[s->nruns].rowid = rowid, s->runs[s->nruns].line = line;
    s->nruns++;
    return LCM_OK;
}

long lcm__resp_line_of(const resp_state *s, long long rowid) {
    if (!s->started || rowid <= s->start)
        return 0;
    size_t lo = 0, hi = s->nruns; /* the last run starting at or before rowid */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->runs[mid].rowid <= rowid)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (!lo || (s->runs_full && lo == s->nruns))
        return -1;
    return s->runs[lo - 1].line + (long)(rowid - s->runs[lo - 1].rowid);
}

/* ---- rejects ---- */

lcm_status lcm__resp_reject(resp_state *s, const lcm_csv_row *row, const char *reasons,
                            lcm_err *err) {
    if (!s->rejects) {
        lcm_status st = lcm_out_open(&s->rejects_out, s->rejects_path,
                                     LCM_OUT_PRIVATE | (s->opts->force ? LCM_OUT_FORCE : 0), err);
        if (st != LCM_OK)
            return st;
        s->rejects = s->rejects_out.fp;
        for (size_t j = 0; j < s->ncols; j++) {
            lcm__exp_csv_field(s->rejects, s->cols[j].name);
            fputc(',', s->rejects);
        }
        fputs("lcmon_problems\r\n", s->rejects);
    }
    for (size_t j = 0; j < row->n; j++) {
        lcm__exp_csv_field(s->rejects, row->field[j]);
        fputc(',', s->rejects);
    }
    lcm__exp_csv_field(s->rejects, reasons);
    fputs("\r\n", s->rejects);
    return ferror(s->rejects) ? lcm_err_set(err, LCM_IO, "cannot write '%s'", s->rejects_path)
                              : LCM_OK;
}
