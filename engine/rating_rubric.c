/*
 * rating_rubric.c - the levels of a rating and the anchored rubric of the rating points
 * (surveys/rubric.csv), read through csvin so that a bad cell is reported as
 * `file:line:column: problem (field f)`.
 */
#include "csvin.h"
#include "rating.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const lcm_rating_level lcm_rating_levels[LCM_RATING_NLEVEL] = {
    {"优秀", "excellent", 90, 100, 95},      {"良好", "good", 80, 90, 85},
    {"合格", "satisfactory", 70, 80, 75},    {"基本合格", "barely satisfactory", 60, 70, 65},
    {"不合格", "unsatisfactory", 0, 60, 55},
};

int lcm_rating_level_of(double score) {
    for (int l = 0; l < LCM_RATING_NLEVEL - 1; l++)
        if (score >= lcm_rating_levels[l].lo)
            return l + 1;
    return LCM_RATING_NLEVEL;
}

int lcm_rating_level_parse(const char *s) {
    if (!s)
        return 0;
    for (int l = 0; l < LCM_RATING_NLEVEL; l++)
        if (strcmp(s, lcm_rating_levels[l].zh) == 0 || strcmp(s, lcm_rating_levels[l].en) == 0)
            return l + 1;
    if (s[0] >= '1' && s[0] <= '0' + LCM_RATING_NLEVEL && !s[1])
        return s[0] - '0';
    return 0;
}

/* ---- the file ---- */

enum { C_CODE, C_LEVEL, C_ZH, C_LO, C_HI, C_DFLT, C_DESC, C_SECTION, C_QUOTE, C_N };
static const char *const col_name[C_N] = {"code",       "level",        "level_zh",
                                          "band_low",   "band_high",    "default_score",
                                          "descriptor", "seed_section", "seed_quote"};

typedef struct rub_state {
    const char *seed;
    int col[C_N];
    lcm_rubric *r;
    size_t cap;
} rub_state;

__attribute__((format(printf, 5, 6))) static lcm_status
cell_err(const lcm_csv_row *row, const rub_state *s, int c, lcm_err *err, const char *fmt, ...) {
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return lcm_err_set(err, LCM_PARSE, "%s:%ld:%d: %s (field %s)", row->file, row->line,
                       s->col[c] + 1, msg, col_name[c]);
}

static int number(const char *t, double *v) {
    char *end = NULL;
    errno = 0;
    *v = strtod(t, &end);
    return *t && !*end && !errno && isfinite(*v);
}

static lcm_status rub_header(rub_state *s, const lcm_csv_row *row, lcm_err *err) {
    for (int c = 0; c < C_N; c++)
        if ((s->col[c] = lcm_csv_find(row, col_name[c])) < 0)
            return lcm_err_set(err, LCM_PARSE, "%s:%ld:%zu: missing column '%s'", row->file,
                               row->line, row->n + 1, col_name[c]);
    return LCM_OK;
}

static lcm_status rub_row(void *ud, const lcm_csv_row *row, lcm_err *err) {
    rub_state *s = ud;
    if (row->index == 0)
        return rub_header(s, row, err);
    if (row->n == 1 && row->len[0] == 0)
        return LCM_OK; /* blank line */
    const char *v[C_N];
    for (int c = 0; c < C_N; c++) {
        if ((size_t)s->col[c] >= row->n)
            return lcm_err_set(err, LCM_PARSE, "%s:%ld:%zu: too few fields (field %s)", row->file,
                               row->line, row->n + 1, col_name[c]);
        v[c] = row->field[s->col[c]];
        if (!*v[c])
            return cell_err(row, s, c, err, "empty %s", col_name[c]);
    }
    const char *p = v[C_CODE];
    for (; *p && (*p == '.' || (*p >= '0' && *p <= '9')); p++)
        ;
    if (*p)
        return cell_err(row, s, C_CODE, err, "'%s' is not a point code like 2.1.2", v[C_CODE]);
    double lv;
    if (!number(v[C_LEVEL], &lv) || lv != floor(lv) || lv < 1 || lv > LCM_RATING_NLEVEL)
        return cell_err(row, s, C_LEVEL, err, "level '%s' is not 1 to 5", v[C_LEVEL]);
    const lcm_rating_level *L = &lcm_rating_levels[(int)lv - 1];
    if (strcmp(v[C_ZH], L->zh) != 0)
        return lcm_err_set(err, LCM_PARSE, "%s:%ld:%d: level %d is '%s', not '%s' (field %s)",
                           row->file, row->line, s->col[C_ZH] + 1, (int)lv, L->zh, v[C_ZH],
                           col_name[C_ZH]);
    const double want[3] = {L->lo, L->hi, L->dflt};
    for (int c = C_LO; c <= C_DFLT; c++) {
        double x;
        if (!number(v[c], &x))
            return cell_err(row, s, c, err, "'%s' is not a number", v[c]);
        if (x != want[c - C_LO])
            return lcm_err_set(err, LCM_PARSE, "%s:%ld:%d: %s of %s is %g, not %s (field %s)",
                               row->file, row->line, s->col[c] + 1, col_name[c], L->zh,
                               want[c - C_LO], v[c], col_name[c]);
    }
    if (s->seed && !strstr(s->seed, v[C_QUOTE]))
        return cell_err(row, s, C_QUOTE, err, "'%s' is not a phrase of the seed text", v[C_QUOTE]);
    for (size_t i = 0; i < s->r->n; i++)
        if (strcmp(s->r->row[i].code, v[C_CODE]) == 0 && s->r->row[i].level == (int)lv)
            return lcm_err_set(err, LCM_PARSE,
                               "%s:%ld:%d: point %s level %d given twice, first on line %ld "
                               "(field level)",
                               row->file, row->line, s->col[C_LEVEL] + 1, v[C_CODE], (int)lv,
                               s->r->row[i].line);
    if (s->r->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 128;
        lcm_rubric_row *g = realloc(s->r->row, cap * sizeof *g);
        if (!g)
            return lcm_err_set(err, LCM_NOMEM, "out of memory");
        s->r->row = g, s->cap = cap;
    }
    lcm_rubric_row *o = &s->r->row[s->r->n];
    *o = (lcm_rubric_row){strdup(v[C_CODE]),  strdup(v[C_DESC]), strdup(v[C_SECTION]),
                          strdup(v[C_QUOTE]), (int)lv,           row->line};
    s->r->n++;
    if (!o->code || !o->descriptor || !o->section || !o->quote)
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    return LCM_OK;
}

lcm_status lcm_rubric_load(const char *path, const char *seed, lcm_rubric *out, lcm_err *err) {
    memset(out, 0, sizeof *out);
    rub_state s = {seed, {-1}, out, 0};
    for (int c = 0; c < C_N; c++)
        s.col[c] = -1;
    lcm_status rc = lcm_csv_read(path, rub_row, &s, err);
    if (rc == LCM_OK && s.col[0] < 0)
        rc = lcm_err_set(err, LCM_PARSE, "%s:1:1: empty rubric file", path);
    if (rc != LCM_OK)
        lcm_rubric_free(out);
    return rc;
}

lcm_status lcm_rubric_check(const lcm_rubric *r, lcm_db *db, const char *path, lcm_err *err) {
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db, "SELECT kind FROM indicators WHERE code = ?1", &st, err);
    for (size_t i = 0; rc == LCM_OK && i < r->n; i++) {
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, r->row[i].code, -1, SQLITE_STATIC);
        int found = sqlite3_step(st) == SQLITE_ROW;
        const char *kind = found ? (const char *)sqlite3_column_text(st, 0) : NULL;
        if (!kind || strcmp(kind, "rating") != 0)
            rc = lcm_err_set(err, LCM_PARSE, "%s:%ld:1: '%s' is %s (field code)", path,
                             r->row[i].line, r->row[i].code,
                             found ? "not a rating point" : "not a point of the framework");
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc == LCM_OK)
        rc = lcm_db_prepare(db, "SELECT code FROM indicators WHERE kind = 'rating' ORDER BY ord",
                            &st, err);
    while (rc == LCM_OK && sqlite3_step(st) == SQLITE_ROW) {
        const char *code = (const char *)sqlite3_column_text(st, 0);
        for (int l = 1; rc == LCM_OK && l <= LCM_RATING_NLEVEL; l++)
            if (!lcm_rubric_find(r, code, l))
                rc = lcm_err_set(err, LCM_PARSE, "%s: rating point %s has no level %d (%s)", path,
                                 code, l, lcm_rating_levels[l - 1].zh);
    }
    sqlite3_finalize(st);
    return rc;
}

lcm_status lcm_rubric_load_shipped(lcm_db *db, lcm_rubric *out, lcm_err *err) {
    char path[4096];
    snprintf(path, sizeof path, "%s/rubric.csv", lcm_datadir());
    memset(out, 0, sizeof *out);
    char *seed = NULL;
    lcm_status st = lcm_seed_text(&seed, err);
    if (st != LCM_OK)
        return st;
    lcm_status rc = lcm_rubric_load(path, seed, out, err);
    free(seed);
    if (rc == LCM_OK && (rc = lcm_rubric_check(out, db, path, err)) != LCM_OK)
        lcm_rubric_free(out);
    return rc;
}

const lcm_rubric_row *lcm_rubric_find(const lcm_rubric *r, const char *code, int level) {
    for (size_t i = 0; i < r->n; i++)
        if (r->row[i].level == level && strcmp(r->row[i].code, code) == 0)
            return &r->row[i];
    return NULL;
}

void lcm_rubric_free(lcm_rubric *r) {
    for (size_t i = 0; r->row && i < r->n; i++) {
        lcm_rubric_row *o = &r->row[i];
        free(o->code), free(o->descriptor), free(o->section), free(o->quote);
    }
    free(r->row);
    memset(r, 0, sizeof *r);
}
