/*
 * weight.c - margins files, calibration declarations, and applying a calibration to a
 * design built from store rows.
 *
 * The declaration keeps the margins as given (text), so a later estimate re-runs the very
 * same calibration and gets variances from its residuals, and a report can print them.
 */
#include "weight.h"
#include "csvin.h"
#include "strbuf.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const method_names[] = {"poststratify", "rake", "calibrate"};

int lcm_calib_method_parse(const char *s, lcm_calib_method *out) {
    for (int i = 0; i < 3; i++)
        if (strcmp(s, method_names[i]) == 0) {
            *out = (lcm_calib_method)i;
            return 0;
        }
    return -1;
}

const char *lcm_calib_method_name(lcm_calib_method m) {
    return (unsigned)m < 3 ? method_names[m] : "?";
}

void lcm_margins_free(lcm_margin_set *ms) {
    for (size_t i = 0; i < ms->n; i++) {
        for (size_t j = 0; j < ms->m[i].nlevel; j++)
            free(ms->m[i].levels[j]);
        free(ms->m[i].levels);
        free(ms->m[i].pop);
    }
    free(ms->m);
    ms->m = NULL, ms->n = 0;
}

/* Split "a:b" into vars; returns the count or -1 when a part is not a column name. */
static int split_margin(const char *name, char vars[][64]) {
    char buf[256];
    snprintf(buf, sizeof buf, "%s", name);
    int n = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ":", &save); tok;
         tok = strtok_r(NULL, ":", &save)) {
        if (n == LCM_MARGIN_MAXVARS || !lcm_sql_name_ok(tok))
            return -1;
        snprintf(vars[n++], 64, "%s", tok);
    }
    return n;
}

static int count_parts(const char *level) {
    int n = 1;
    for (; *level; level++)
        n += *level == ':';
    return n;
}

typedef struct margin_reader {
    lcm_margin_set *ms;
    int col[3]; /* margin, level, population */
} margin_reader;

static lcm_margin *margin_named(lcm_margin_set *ms, const char *name, int *created) {
    for (size_t i = 0; i < ms->n; i++)
        if (strcmp(ms->m[i].name, name) == 0)
            return &ms->m[i];
    lcm_margin *m = realloc(ms->m, (ms->n + 1) * sizeof *m);
    if (!m)
        return NULL;
    ms->m = m;
    memset(&m[ms->n], 0, sizeof *m);
    snprintf(m[ms->n].name, sizeof m[ms->n].name, "%s", name);
    *created = 1;
    return &m[ms->n++];
}

static lcm_status add_level(lcm_margin *m, const char *level, double pop, const lcm_csv_row *row,
                            lcm_err *err) {
    for (size_t j = 0; j < m->nlevel; j++)
        if (strcmp(m->levels[j], level) == 0)
            return lcm_err_set(err, LCM_CONSTRAINT,
                               "%s:%ld:2 (level): duplicate level '%s' of "
                               "margin '%s'",
                               row->file, row->line, level, m->name);
    char **lv = realloc(m->levels, (m->nlevel + 1) * sizeof *lv);
    if (lv)
        m->levels = lv;
    double *p = realloc(m->pop, (m->nlevel + 1) * sizeof *p);
    if (p)
        m->pop = p;
    if (!lv || !p || !(m->levels[m->nlevel] = strdup(level)))
        return lcm_err_set(err, LCM_NOMEM, "out of memory reading margins");
    m->pop[m->nlevel++] = pop;
    return LCM_OK;
}

static lcm_status margin_row(void *ud, const lcm_csv_row *row, lcm_err *err) {
    margin_reader *r = ud;
    static const char *const names[] = {"margin", "level", "population"};
    if (row->index == 0) {
        for (int i = 0; i < 3; i++)
            if ((r->col[i] = lcm_csv_find(row, names[i])) < 0)
                return lcm_err_set(err, LCM_PARSE,
                                   "%s:%ld: missing column '%s' (expected "
                                   "margin,level,population)",
                                   row->file, row->line, names[i]);
        return LCM_OK;
    }
    for (int i = 0; i < 3; i++)
        if ((size_t)r->col[i] >= row->n)
            return lcm_err_set(err, LCM_PARSE, "%s:%ld: too few fields", row->file, row->line);
    const char *name = row->field[r->col[0]], *level = row->field[r->col[1]],
               *pops = row->field[r->col[2]];
    char vars[LCM_MARGIN_MAXVARS][64];
    int nv = split_margin(name, vars);
    if (nv <= 0)
        return lcm_err_set(err, LCM_CONSTRAINT,
                           "%s:%ld:%d (margin): not a column name or a "
                           "crossing a:b of at most 4: '%s'",
                           row->file, row->line, r->col[0] + 1, name);
    if (count_parts(level) != nv || !*level)
        return lcm_err_set(err, LCM_CONSTRAINT,
                           "%s:%ld:%d (level): '%s' needs %d value%s "
                           "joined by ':'",
                           row->file, row->line, r->col[1] + 1, level, nv, nv > 1 ? "s" : "");
    char *end;
    errno = 0;
    double pop = strtod(pops, &end);
    if (!*pops || *end || errno || !(pop > 0) || isinf(pop))
        return lcm_err_set(err, LCM_CONSTRAINT,
                           "%s:%ld:%d (population): not a positive count: "
                           "'%s'",
                           row->file, row->line, r->col[2] + 1, pops);
    int created = 0;
    lcm_margin *m = margin_named(r->ms, name, &created);
    if (!m)
        return lcm_err_set(err, LCM_NOMEM, "out of memory reading margins");
    if (created) {
        memcpy(m->vars, vars, sizeof vars);
        m->nvars = nv;
        m->line = row->line;
    }
    return add_level(m, level, pop, row, err);
}

static lcm_status finish(lcm_status st, const char *name, lcm_margin_set *out, lcm_err *err) {
    if (st == LCM_OK && out->n == 0)
        st = lcm_err_set(err, LCM_PARSE, "%s: no margins in the file", name);
    if (st != LCM_OK)
        lcm_margins_free(out);
    return st;
}

lcm_status lcm_margins_parse(const char *text, const char *name, lcm_margin_set *out,
                             lcm_err *err) {
    margin_reader r = {out, {0}};
    memset(out, 0, sizeof *out);
    FILE *fp = fmemopen((void *)text, strlen(text), "rb");
    if (!fp)
        return lcm_err_set(err, LCM_NOMEM, "out of memory reading margins");
    lcm_status st = lcm_csv_read_stream(fp, name, margin_row, &r, err);
    fclose(fp);
    return finish(st, name, out, err);
}

/* The margins' totals agree within LCM_MARGINS_TOTAL_TOLERANCE of the first one's. */
static lcm_status check_totals(const lcm_margin_set *ms, const char *path, lcm_err *err) {
    double first = 0;
    for (size_t j = 0; ms->n && j < ms->m[0].nlevel; j++)
        first += ms->m[0].pop[j];
    for (size_t k = 1; k < ms->n; k++) {
        double t = 0;
        for (size_t j = 0; j < ms->m[k].nlevel; j++)
            t += ms->m[k].pop[j];
        if (fabs(t - first) > LCM_MARGINS_TOTAL_TOLERANCE * first)
            return lcm_err_set(err, LCM_CONSTRAINT,
                               "%s:%ld: margin '%s' totals %.10g but margin '%s' (line %ld) "
                               "totals %.10g: they differ by %.1f%%, more than the %g%% allowed "
                               "(every margin counts the same population)",
                               path, ms->m[k].line, ms->m[k].name, t, ms->m[0].name, ms->m[0].line,
                               first, 100 * fabs(t - first) / first,
                               100 * LCM_MARGINS_TOTAL_TOLERANCE);
    }
    return LCM_OK;
}

lcm_status lcm_margins_load(const char *path, char **text, lcm_err *err) {
    FILE *fp = fopen(path, "rb");
    size_t cap = 1 << 16, len = 0, got;
    char *buf = NULL;
    lcm_status rc = LCM_OK;
    *text = NULL;
    if (!fp)
        return lcm_err_set(err, LCM_IO, "cannot open '%s': %s", path, strerror(errno));
    if (!(buf = malloc(cap + 1)))
        rc = lcm_err_set(err, LCM_NOMEM, "out of memory reading '%s'", path);
    while (rc == LCM_OK && (got = fread(buf + len, 1, cap - len, fp)) > 0) {
        len += got;
        if (len < cap)
            continue;
        char *b = cap < LCM_MARGINS_MAX_FILE ? realloc(buf, cap * 2 + 1) : NULL;
        if (!b)
            rc = cap < LCM_MARGINS_MAX_FILE
                     ? lcm_err_set(err, LCM_NOMEM, "out of memory reading '%s'", path)
                     : lcm_err_set(err, LCM_PARSE, "margins file too large (over %u bytes): '%s'",
                                   LCM_MARGINS_MAX_FILE, path);
        else
            buf = b, cap *= 2;
    }
    if (rc == LCM_OK && ferror(fp))
        rc = lcm_err_set(err, LCM_IO, "cannot read '%s': %s", path, strerror(errno));
    fclose(fp);
    lcm_margin_set check;
    if (rc == LCM_OK) {
        buf[len] = '\0';
        if ((rc = lcm_margins_parse(buf, path, &check, err)) == LCM_OK) {
            rc = check_totals(&check, path, err);
            lcm_margins_free(&check);
        }
    }
    if (rc != LCM_OK)
        free(buf);
    else
        *text = buf;
    return rc;
}

size_t lcm_margin_columns(const lcm_margin_set *ms, const char **cols, size_t max) {
    size_t n = 0;
    for (size_t i = 0; i < ms->n; i++)
        for (int v = 0; v < ms->m[i].nvars; v++) {
            size_t j = 0;
            while (j < n && strcmp(cols[j], ms->m[i].vars[v]) != 0)
                j++;
            if (j == n && n < max)
                cols[n++] = ms->m[i].vars[v];
        }
    return n;
}

void lcm_weight_stats_of(const double *w, size_t n, lcm_weight_stats *out) {
    double s = 0, s2 = 0, lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        s += w[i], s2 += w[i] * w[i];
        lo = fmin(lo, w[i]), hi = fmax(hi, w[i]);
    }
    out->min = lo, out->max = hi, out->sum = s;
    out->kish_n = s2 > 0 ? s * s / s2 : NAN;
    out->kish_deff = s > 0 ? (double)n * s2 / (s * s) : NAN;
}

lcm_status lcm_calib_set(lcm_db *db, const lcm_source *src, int wave, const lcm_calib_decl *c,
                         lcm_err *err) {
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db,
                                   "INSERT OR REPLACE INTO calibrations(source_kind, source, wave,"
                                   " method, maxit, epsilon, lower, upper, margins) VALUES (?1,"
                                   " ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                                   &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, lcm_source_kind_name(src->kind), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, src->name, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, wave);
    sqlite3_bind_text(st, 4, lcm_calib_method_name(c->method), -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, c->maxit);
    sqlite3_bind_double(st, 6, c->epsilon);
    if (isfinite(c->lower))
        sqlite3_bind_double(st, 7, c->lower);
    if (isfinite(c->upper))
        sqlite3_bind_double(st, 8, c->upper);
    sqlite3_bind_text(st, 9, c->margins_text, -1, SQLITE_STATIC);
    rc = sqlite3_step(st) == SQLITE_DONE ? LCM_OK : lcm_db_fail(db, err, "storing calibration");
    sqlite3_finalize(st);
    return rc;
}

lcm_status lcm_calib_get(lcm_db *db, const lcm_source *src, int wave, lcm_calib_decl *out,
                         int *found, lcm_err *err) {
    sqlite3_stmt *st = NULL;
    memset(out, 0, sizeof *out);
    *found = 0;
    lcm_status rc = lcm_db_prepare(db,
                                   "SELECT method, maxit, epsilon, lower, upper, margins FROM "
                                   "calibrations WHERE source_kind = ?1 AND source = ?2 AND wave "
                                   "IN (?3, 0) ORDER BY wave DESC LIMIT 1",
                                   &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, lcm_source_kind_name(src->kind), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, src->name, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, wave);
    if (sqlite3_step(st) == SQLITE_ROW) {
        lcm_calib_method_parse((const char *)sqlite3_column_text(st, 0), &out->method);
        out->maxit = sqlite3_column_int(st, 1);
        out->epsilon = sqlite3_column_double(st, 2);
        out->lower =
            sqlite3_column_type(st, 3) == SQLITE_NULL ? -INFINITY : sqlite3_column_double(st, 3);
        out->upper =
            sqlite3_column_type(st, 4) == SQLITE_NULL ? INFINITY : sqlite3_column_double(st, 4);
        out->margins_text = strdup((const char *)sqlite3_column_text(st, 5));
        if (!out->margins_text)
            rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
        *found = rc == LCM_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

static int by_index(const lcm_survey_data *data, size_t first, const char *name) {
    for (size_t k = first; k < data->nby; k++)
        if (strcmp(data->by_names[k], name) == 0)
            return (int)k;
    return -1;
}

/* Cell of every row in margin m: the index of its level. */
static lcm_status margin_cells(const lcm_survey_data *data, size_t first_by, const lcm_margin *m,
                               int32_t *cell, lcm_err *err) {
    int idx[LCM_MARGIN_MAXVARS];
    lcm_intern *levels = lcm_intern_new();
    lcm_strbuf key = LCM_STRBUF_INIT;
    lcm_status rc = LCM_OK;
    for (size_t j = 0; levels && j < m->nlevel; j++)
        lcm_intern_id(levels, m->levels[j], strlen(m->levels[j]));
    for (int v = 0; v < m->nvars; v++)
        if ((idx[v] = by_index(data, first_by, m->vars[v])) < 0)
            rc = lcm_err_set(err, LCM_INTERNAL, "margin column '%s' was not loaded", m->vars[v]);
    if (!levels)
        rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
    for (size_t i = 0; rc == LCM_OK && i < data->n; i++) {
        lcm_strbuf_clear(&key);
        for (int v = 0; v < m->nvars && rc == LCM_OK; v++) {
            int64_t code = data->by_codes[idx[v]][i];
            if (code < 0)
                rc = lcm_err_set(err, LCM_CONSTRAINT,
                                 "row %zu has no value for margin column "
                                 "'%s'",
                                 i + 1, m->vars[v]);
            else
                lcm_strbuf_addf(&key, "%s%s", v ? ":" : "",
                                lcm_intern_label(data->by_labels[idx[v]], code));
        }
        int64_t id = rc == LCM_OK ? lcm_intern_find(levels, key.buf) : 0;
        if (rc == LCM_OK && id < 0)
            rc = lcm_err_set(err, LCM_DESIGN,
                             "sample cell '%s' of margin '%s' has no population "
                             "count in the margins",
                             key.buf, m->name);
        cell[i] = (int32_t)id;
    }
    lcm_strbuf_release(&key);
    lcm_intern_free(levels);
    return rc;
}

/* Linear calibration: dummies of every level of the first margin (they carry the
 * intercept), and of every level but the first of the others, so X'DX is not singular. */
static lcm_status calibrate_linear(const lcm_svy_design *d, size_t n, const lcm_margin_set *ms,
                                   int32_t *const *cells, const lcm_calib_decl *c,
                                   lcm_svy_design **out, lcm_svy_calib_report *rep, char *msg,
                                   size_t msglen, lcm_err *err) {
    size_t p = 0;
    for (size_t k = 0; k < ms->n; k++)
        p += ms->m[k].nlevel - (k > 0);
    double **x = calloc(p ? p : 1, sizeof *x), *totals = calloc(p ? p : 1, sizeof *totals);
    lcm_status rc = x && totals ? LCM_OK : lcm_err_set(err, LCM_NOMEM, "out of memory");
    size_t col = 0;
    for (size_t k = 0; rc == LCM_OK && k < ms->n; k++)
        for (size_t j = k > 0; j < ms->m[k].nlevel && rc == LCM_OK; j++, col++) {
            if (!(x[col] = malloc(n * sizeof **x))) {
                rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
                break;
            }
            for (size_t i = 0; i < n; i++)
                x[col][i] = cells[k][i] == (int32_t)j;
            totals[col] = ms->m[k].pop[j];
        }
    if (rc == LCM_OK)
        rc = lcm_svy_calibrate(d, (const double *const *)x, p, totals, c->lower, c->upper, c->maxit,
                               c->epsilon, out, rep, msg, msglen);
    for (size_t i = 0; x && i < p; i++)
        free(x[i]);
    free(x), free(totals);
    return rc;
}

lcm_status lcm_calib_apply(const lcm_svy_design *d, const lcm_survey_data *data, size_t first_by,
                           const lcm_calib_decl *c, const lcm_margin_set *ms, lcm_svy_design **out,
                           lcm_svy_calib_report *rep, lcm_err *err) {
    int32_t **cells = calloc(ms->n, sizeof *cells);
    lcm_svy_margin *margins = calloc(ms->n, sizeof *margins);
    char msg[512] = "";
    lcm_status rc = cells && margins ? LCM_OK : lcm_err_set(err, LCM_NOMEM, "out of memory");
    *out = NULL;
    for (size_t k = 0; rc == LCM_OK && k < ms->n; k++) {
        if (!(cells[k] = malloc(data->n * sizeof **cells)))
            rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
        else
            rc = margin_cells(data, first_by, &ms->m[k], cells[k], err);
        margins[k] = (lcm_svy_margin){cells[k], ms->m[k].nlevel, ms->m[k].pop};
    }
    if (rc == LCM_OK && c->method == LCM_CALIB_POSTSTRATIFY && ms->n != 1)
        rc = lcm_err_set(err, LCM_INVAL,
                         "post-stratification takes one margin (cross the "
                         "columns as a:b), the file has %zu",
                         ms->n);
    if (rc == LCM_OK) {
        lcm_status st;
        if (c->method == LCM_CALIB_POSTSTRATIFY)
            st = lcm_svy_poststratify(d, margins, out, msg, sizeof msg);
        else if (c->method == LCM_CALIB_RAKE)
            st = lcm_svy_rake(d, margins, ms->n, c->maxit, c->epsilon, out, rep, msg, sizeof msg);
        else
            st = calibrate_linear(d, data->n, ms, cells, c, out, rep, msg, sizeof msg, err);
        if (st != LCM_OK && st != LCM_NOMEM)
            rc = lcm_err_set(err, st, "%s: %s", lcm_calib_method_name(c->method),
                             msg[0] ? msg : lcm_strerror(st));
        else if (st == LCM_NOMEM)
            rc = lcm_err_set(err, st, "out of memory calibrating");
    }
    for (size_t k = 0; cells && k < ms->n; k++)
        free(cells[k]);
    free(cells), free(margins);
    return rc;
}

/* Build the uncalibrated design of (source, wave) with the margins' columns loaded. */
static lcm_status load_for_margins(lcm_db *db, const lcm_source *src, int wave,
                                   const lcm_margin_set *ms, lcm_survey_data *data,
                                   lcm_svy_design **d, lcm_err *err) {
    lcm_design_decl decl;
    const char *cols[16];
    size_t ncols = lcm_margin_columns(ms, cols, 16);
    lcm_status rc = lcm_design_get(db, src, wave, &decl, err);
    if (rc == LCM_OK)
        rc = lcm_survey_load_rows(db, src, wave, &decl, NULL, 0, 0, cols, ncols, data, err);
    if (rc != LCM_OK)
        return rc;
    return lcm_survey_design_build(data, &decl, d, err);
}

static lcm_status write_weights(lcm_db *db, const lcm_source *src, const lcm_survey_data *data,
                                const double *w, lcm_err *err) {
    char sql[320];
    lcm_status rc = LCM_OK;
    if (!lcm_table_has_column(db, src->table, "final_weight")) {
        snprintf(sql, sizeof sql, "ALTER TABLE \"%s\" ADD COLUMN final_weight REAL", src->table);
        if ((rc = lcm_db_exec(db, sql, err)) != LCM_OK)
            return rc;
    }
    snprintf(sql, sizeof sql, "UPDATE \"%s\" SET final_weight = ?1 WHERE rowid = ?2", src->table);
    sqlite3_stmt *st = NULL;
    if ((rc = lcm_db_prepare(db, sql, &st, err)) != LCM_OK)
        return rc;
    for (size_t i = 0; i < data->n && rc == LCM_OK; i++) {
        sqlite3_reset(st);
        sqlite3_bind_double(st, 1, w[i]);
        sqlite3_bind_int64(st, 2, data->rowid[i]);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = lcm_db_fail(db, err, "writing final weights");
    }
    sqlite3_finalize(st);
    return rc;
}

static lcm_status record_run(lcm_db *db, const lcm_source *src, int wave, const lcm_calib_decl *c,
                             lcm_weight_report *rep, lcm_err *err) {
    lcm_strbuf p = LCM_STRBUF_INIT;
    lcm_strbuf_adds(&p, "{\"source\":");
    lcm_strbuf_add_json(&p, src->name);
    lcm_strbuf_addf(&p,
                    ",\"wave\":%d,\"method\":\"%s\",\"maxit\":%d,\"epsilon\":%.17g,"
                    "\"iterations\":%d,\"misfit\":%.17g,\"n\":%zu,\"weight_min\":%.17g,"
                    "\"weight_max\":%.17g,\"weight_sum\":%.17g,\"kish_n\":%.17g}",
                    wave, lcm_calib_method_name(c->method), c->maxit, c->epsilon,
                    rep->calib.iterations, rep->calib.misfit, rep->n, rep->after.min,
                    rep->after.max, rep->after.sum, rep->after.kish_n);
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db,
                                   "INSERT INTO runs(kind, params, lcmon_version) VALUES "
                                   "('weight', ?1, ?2)",
                                   &st, err);
    if (rc == LCM_OK) {
        sqlite3_bind_text(st, 1, p.buf, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, LCM_VERSION, -1, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? LCM_OK : lcm_db_fail(db, err, "recording the run");
        rep->run_id = sqlite3_last_insert_rowid(lcm_db_sqlite(db));
    }
    sqlite3_finalize(st);
    lcm_strbuf_release(&p);
    return rc;
}

lcm_status lcm_weight_run(lcm_db *db, const lcm_source *src, int wave, const lcm_calib_decl *c,
                          lcm_weight_report *rep, lcm_err *err) {
    lcm_margin_set ms = {0};
    lcm_survey_data data = {0};
    lcm_svy_design *d = NULL, *cal = NULL;
    memset(rep, 0, sizeof *rep);
    lcm_status rc = lcm_margins_parse(c->margins_text, "margins", &ms, err);
    /* The weights are written to the rows they were computed from: the write lock is taken
     * first (waiting for an import, db.c), so no import can change the rows in between. */
    int locked = rc == LCM_OK && (rc = lcm_db_begin(db, err)) == LCM_OK;
    if (rc == LCM_OK)
        rc = load_for_margins(db, src, wave, &ms, &data, &d, err);
    if (rc == LCM_OK)
        rc = lcm_calib_apply(d, &data, 0, c, &ms, &cal, &rep->calib, err);
    if (rc == LCM_OK) {
        rep->n = data.n;
        lcm_weight_stats_of(lcm_svy_design_weights(d), data.n, &rep->before);
        lcm_weight_stats_of(lcm_svy_design_weights(cal), data.n, &rep->after);
        if ((rc = lcm_calib_set(db, src, wave, c, err)) == LCM_OK &&
            (rc = write_weights(db, src, &data, lcm_svy_design_weights(cal), err)) == LCM_OK &&
            (rc = record_run(db, src, wave, c, rep, err)) == LCM_OK)
            rc = lcm_db_commit(db, err);
    }
    if (locked && rc != LCM_OK)
        lcm_db_rollback(db);
    lcm_svy_design_free(cal);
    lcm_svy_design_free(d);
    lcm_survey_data_free(&data);
    lcm_margins_free(&ms);
    return rc;
}
