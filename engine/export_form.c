/*
 * export_form.c - a form's responses out of the store (export.h): the main table and each
 * roster as an export source, with variable labels from the form, value labels from its
 * choice lists, personal data left out unless asked for; one file per table (csv, sav,
 * dta, r), one sheet per table (xlsx) or one array per table (json).
 *
 * Every value transformation (a choice coded as a number, or shown by its label) is done
 * in the SELECT with the choice names and labels bound as parameters, so the writers stay
 * the ones datasets use. Names that go into SQL come from the stored form, which
 * lcm_form_get has checked against the XLSForm name rules; they are checked again and
 * quoted.
 */
#include "arena.h"
#include "export_int.h"
#include "form_int.h"
#include "strbuf.h"
#include "survey.h"
#include "weight.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* Labels of the standard columns (zh, en); a field that fills one lends it its own. */
static const char *const std_labels[][3] = {
    {"instance_id", "实例编号", "Instance ID"},
    {"city", "城市代码", "City code"},
    {"wave", "调查年份", "Wave (year)"},
    {"stratum", "层", "Stratum"},
    {"psu", "初级抽样单位", "Primary sampling unit"},
    {"household_id", "住户编号", "Household ID"},
    {"design_weight", "设计权数", "Design weight"},
    {"final_weight", "最终权数（校准后）", "Final weight (calibrated)"},
    {"interviewer", "调查员", "Interviewer"},
    {"started_at", "开始时间", "Started at"},
    {"ended_at", "结束时间", "Ended at"},
    {"status", "状态", "Status"},
    {"source", "来源", "Source"},
    {"position", "序号", "Position in the roster"},
    {"parent_position", "所属上级序号", "Position of the row it belongs to"},
};

typedef struct tab {
    lcm__exp_src src;
    lcm__exp_col *cols;
    const char **exprs;  /* SQL of each column */
    const char **params; /* bound as ?1, ?2, ... */
    size_t nparams, capcols, capparams;
    const char *name;  /* form id or repeat name */
    const char *table; /* SQL table */
    int is_main;
} tab;

typedef struct fx {
    lcm_db *db;
    lcm_form *f;
    lcm_arena *a;
    const lcm_export_form_opts *fo;
    lcm_export_format fmt;
    int bom;   /* csv: start each file with a UTF-8 byte-order mark */
    size_t li; /* label language */
    int en;    /* English fixed labels */
    tab *tabs;
    size_t ntabs;
    size_t pii;
    lcm_strbuf pii_names;
} fx;

static lcm_status oom(lcm_err *err) {
    return lcm_err_set(err, LCM_NOMEM, "out of memory exporting");
}

/* Letters, digits, '_', '-', '.' (XLSForm names, and tables made from them). */
static int name_ok(const char *s) {
    static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-";
    size_t n = strlen(s);
    return n > 0 && n <= 128 && strspn(s, ok) == n;
}

static const char *std_label(const fx *x, const char *col) {
    for (size_t i = 0; i < sizeof std_labels / sizeof std_labels[0]; i++)
        if (strcmp(std_labels[i][0], col) == 0)
            return std_labels[i][x->en ? 2 : 1];
    return NULL;
}

/* A text of the form in the chosen language, NULL when it has none. */
static const char *text(const fx *x, const char *const *texts) {
    const char *s = texts ? lcm_form_text(x->f, texts, x->li) : "";
    return *s ? s : NULL;
}

static const char *param(fx *x, tab *t, const char *value) {
    t->params[t->nparams++] = value;
    return lcm_arena_printf(x->a, "?%zu", t->nparams);
}

static lcm_status add_col(tab *t, const char *name, const char *label, lcm_col_type type,
                          const char *expr, const lcm__exp_vlabel *vl, size_t nvl, lcm_err *err) {
    if (!name || !expr)
        return oom(err);
    if (t->src.ncols == t->capcols)
        return lcm_err_set(err, LCM_INTERNAL, "too many columns in table '%s'", t->table);
    lcm__exp_col *c = &t->cols[t->src.ncols];
    c->name = name, c->label = label, c->type = type, c->vlabels = vl, c->nvlabels = nvl;
    t->exprs[t->src.ncols++] = expr;
    return LCM_OK;
}

static const char *quoted(fx *x, const char *col) {
    return lcm_arena_printf(x->a, "\"%s\"", col);
}

/* Every choice name of l is a whole number that fits a value label and reads back the
 * same (no leading zeros: "01" stays a text code). */
static int all_whole(const lcm_choice_list *l) {
    for (size_t k = 0; k < l->n; k++) {
        const char *s = l->items[k].name + (l->items[k].name[0] == '-');
        size_t n = strlen(s);
        if (n == 0 || n > 9 || strspn(s, "0123456789") != n || (s[0] == '0' && n > 1))
            return 0;
    }
    return 1;
}

static lcm_status add_select_one(fx *x, tab *t, const lcm_field *fd, const char *label,
                                 lcm_err *err) {
    const lcm_choice_list *l = fd->list;
    const char *q = quoted(x, fd->column);
    int stat = x->fmt == LCM_EXPORT_SAV || x->fmt == LCM_EXPORT_DTA;
    int xl = x->fmt == LCM_EXPORT_XLSX; /* value labels for the codebook sheet */
    int whole = all_whole(l);
    if (x->fmt == LCM_EXPORT_R && whole) /* numbers in R, as lcmon estimate reads them */
        return add_col(t, fd->column, label, LCM_COL_INTEGER,
                       lcm_arena_printf(x->a, "CAST(NULLIF(%s, '') AS INTEGER)", q), NULL, 0, err);
    if (xl && !x->fo->labels) { /* codes; whole-number codes as numbers */
        lcm__exp_vlabel *cb = lcm_arena_alloc(x->a, (l->n + 1) * sizeof *cb);
        for (size_t k = 0; cb && k < l->n; k++) {
            const char *cl = text(x, l->items[k].label);
            cb[k].value = l->items[k].name, cb[k].label = cl ? cl : l->items[k].name;
        }
        if (!cb)
            return oom(err);
        return add_col(t, fd->column, label, whole ? LCM_COL_INTEGER : LCM_COL_TEXT,
                       whole ? lcm_arena_printf(x->a, "CAST(NULLIF(%s, '') AS INTEGER)", q) : q, cb,
                       l->n, err);
    }
    if (!stat && !(x->fo->labels && x->fmt != LCM_EXPORT_R))
        return add_col(t, fd->column, label, LCM_COL_TEXT, q, NULL, 0, err);
    lcm__exp_vlabel *vl = lcm_arena_alloc(x->a, (l->n + 1) * sizeof *vl);
    lcm_strbuf sb = LCM_STRBUF_INIT;
    if (stat && whole)
        lcm_strbuf_addf(&sb, "CAST(NULLIF(%s, '') AS INTEGER)", q);
    else
        lcm_strbuf_addf(&sb, "CASE %s", q);
    for (size_t k = 0; vl && k < l->n; k++) {
        const lcm_choice *c = &l->items[k];
        const char *cl = text(x, c->label);
        vl[k].value = stat && !whole ? lcm_arena_printf(x->a, "%zu", k + 1) : c->name;
        vl[k].label = cl ? cl : c->name;
        if (stat && whole)
            continue;
        const char *a = param(x, t, c->name);
        const char *b = stat ? vl[k].value : param(x, t, vl[k].label);
        lcm_strbuf_addf(&sb, " WHEN %s THEN %s", a, b);
    }
    if (!(stat && whole))
        lcm_strbuf_addf(&sb, stat ? " END" : " ELSE %s END", q);
    const char *expr = lcm_strbuf_ok(&sb) && vl ? lcm_arena_strdup(x->a, sb.buf) : NULL;
    lcm_strbuf_release(&sb);
    return add_col(t, fd->column, label, stat ? LCM_COL_INTEGER : LCM_COL_TEXT, expr,
                   stat || xl ? vl : NULL, stat || xl ? l->n : 0, err);
}

static lcm_status add_multi(fx *x, tab *t, const lcm_field *fd, const char *label, lcm_err *err) {
    static const lcm__exp_vlabel zh[] = {{"0", "未选"}, {"1", "选中"}},
                                 en[] = {{"0", "not selected"}, {"1", "selected"}};
    int stat = x->fmt == LCM_EXPORT_SAV || x->fmt == LCM_EXPORT_DTA;
    lcm_status st =
        add_col(t, fd->column, label, LCM_COL_TEXT, quoted(x, fd->column), NULL, 0, err);
    for (size_t k = 0; st == LCM_OK && k < fd->list->n; k++) {
        if (!lcm_field_choice_column(fd, k))
            continue;
        const lcm_choice *c = &fd->list->items[k];
        const char *cl = text(x, c->label);
        const char *name = lcm_arena_printf(x->a, "%s_%s", fd->name, c->name);
        const char *vlab =
            lcm_arena_printf(x->a, "%s: %s", label ? label : fd->name, cl ? cl : c->name);
        if (name && !name_ok(name))
            return lcm_err_set(err, LCM_INTERNAL, "stored column name is not valid: '%s'", name);
        int vl = stat || x->fmt == LCM_EXPORT_XLSX;
        st = add_col(t, name, vlab, LCM_COL_INTEGER, name ? quoted(x, name) : NULL,
                     vl ? (x->en ? en : zh) : NULL, vl ? 2 : 0, err);
    }
    return st;
}

/* A date (LCM_EXP_DATE: its first 10 characters, 2025-05-02) or local date-time
 * (LCM_EXP_DATETIME: the first 19, 2025-05-02T15:00:00, the offset dropped so the clock
 * time is the one the interviewer saw) stored as text, as the number the format counts
 * in (export_int.h); NULL for formats that keep the text. A value that is not a date
 * becomes missing. */
static const char *time_expr(fx *x, const char *q, lcm__exp_time kind) {
    int len = kind == LCM_EXP_DATE ? 10 : 19;
    const char *jd = lcm_arena_printf(x->a, "julianday(substr(%s, 1, %d))", q, len);
    if (!jd)
        return NULL;
    if (x->fmt == LCM_EXPORT_DTA)
        return kind == LCM_EXP_DATE
                   ? lcm_arena_printf(x->a, "round(%s - 2436934.5)", jd)
                   : lcm_arena_printf(x->a, "round((%s - 2436934.5) * 86400000.0)", jd);
    if (x->fmt == LCM_EXPORT_SAV)
        return lcm_arena_printf(x->a, "round((%s - 2299159.5) * 86400.0)", jd);
    if (x->fmt == LCM_EXPORT_XLSX)
        return lcm_arena_printf(x->a, "round((%s - 2415018.5) * 86400.0) / 86400.0", jd);
    return NULL;
}

/* Adds a text column holding dates or times: a number with a date format in sav, dta and
 * xlsx, the text itself elsewhere. */
static lcm_status add_time(fx *x, tab *t, const char *col, const char *label, lcm__exp_time kind,
                           lcm_err *err) {
    const char *q = quoted(x, col), *e = time_expr(x, q, kind);
    lcm_status st =
        add_col(t, col, label, e ? LCM_COL_REAL : LCM_COL_TEXT, e ? e : q, NULL, 0, err);
    if (st == LCM_OK && e)
        t->cols[t->src.ncols - 1].time = kind;
    return st;
}

/* Value labels of a scale (a range field whose hint lists its points, "1 很不满意，2 不太
 *满意，…" or "1 very dissatisfied, 2 dissatisfied, …"): every point from start to end
 * with its label, or NULL (*n = 0) when the hint is not such a list. */
static lcm__exp_vlabel *scale_labels(fx *x, const lcm_field *fd, size_t *n) {
    const char *hint = text(x, fd->hint);
    double lo = fd->range_start, hi = fd->range_end, step = fd->range_step;
    *n = 0;
    if (!hint || step != 1 || lo != floor(lo) || hi != floor(hi) || hi - lo < 1 || hi - lo > 20)
        return NULL;
    size_t want = (size_t)(hi - lo) + 1;
    lcm__exp_vlabel *vl = lcm_arena_alloc(x->a, want * sizeof *vl);
    const char *p = hint;
    while (vl && *p) {
        while (*p == ' ')
            p++;
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p || v != (long)lo + (long)*n || *n == want || *end != ' ')
            return *n = 0, NULL;
        p = end + strspn(end, " ");
        size_t len = 0; /* up to the next separator: , ; or the fullwidth ， ； */
        while (p[len] && p[len] != ',' && p[len] != ';' &&
               strncmp(p + len, "\xef\xbc\x8c", 3) != 0 && strncmp(p + len, "\xef\xbc\x9b", 3) != 0)
            len++;
        while (len && p[len - 1] == ' ')
            len--;
        if (!len)
            return *n = 0, NULL;
        vl[*n].value = lcm_arena_printf(x->a, "%ld", v);
        vl[*n].label = lcm_arena_printf(x->a, "%.*s", (int)len, p);
        (*n)++;
        p += len;
        p += strspn(p, " ");
        if (*p == ',' || *p == ';')
            p++;
        else if (*p)
            p += 3;
    }
    return vl && *n == want ? vl : (*n = 0, NULL);
}

/* A derived (calculate) field without a label of its own is labelled with its calculation,
 * cut at a character boundary to what Stata keeps. */
static const char *derived_label(fx *x, const lcm_field *fd) {
    const char *src = fd->calculation ? lcm_expr_source(fd->calculation) : NULL;
    if (!src)
        return NULL;
    size_t max = 200, n = strlen(src);
    if (n > max)
        for (n = max; n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80; n--)
            ;
    return lcm_arena_printf(x->a, "%s%.*s%s", x->en ? "Derived: " : "派生变量：", (int)n, src,
                            n < strlen(src) ? "…" : "");
}

static void note_pii(fx *x, const char *col) {
    x->pii++;
    lcm_strbuf_addf(&x->pii_names, "%s%s", x->pii_names.len ? ", " : "", col);
}

/* The field of the main table that fills standard column col, or NULL. */
static const lcm_field *filler(const fx *x, const char *col) {
    for (size_t i = 0; i < lcm_form_nfields(x->f); i++) {
        const lcm_field *fd = lcm_form_field(x->f, i);
        if (fd->column && fd->repeat < 0 && strcasecmp(fd->column, col) == 0)
            return fd;
    }
    return NULL;
}

/* 1 when t is the table of a repeat inside a repeat (its rows name their parent row). */
static int inner_table(const fx *x, const tab *t) {
    for (size_t i = 0; !t->is_main && i < lcm_form_nfields(x->f); i++) {
        const lcm_field *fd = lcm_form_field(x->f, i);
        if (fd->type == LCM_FT_BEGIN_REPEAT && fd->repeat >= 0 && strcmp(fd->table, t->table) == 0)
            return 1;
    }
    return 0;
}

static lcm_status key_cols(fx *x, tab *t, lcm_err *err) {
    lcm_status st = LCM_OK;
    if (!t->is_main) {
        st = add_col(t, "instance_id", std_label(x, "instance_id"), LCM_COL_TEXT, "\"instance_id\"",
                     NULL, 0, err);
        if (st == LCM_OK)
            st = add_col(t, "position", std_label(x, "position"), LCM_COL_INTEGER, "\"position\"",
                         NULL, 0, err);
        if (st == LCM_OK && inner_table(x, t))
            st = add_col(t, "parent_position", std_label(x, "parent_position"), LCM_COL_INTEGER,
                         "\"parent_position\"", NULL, 0, err);
        return st;
    }
    for (size_t i = 0; st == LCM_OK && i < lcm__n_std_cols; i++) {
        const char *col = lcm__std_cols[i].name;
        const lcm_field *fd = filler(x, col);
        if (fd && fd->pii && !x->fo->include_pii) {
            note_pii(x, col);
            continue;
        }
        const char *label = fd ? text(x, fd->label) : NULL;
        int num = strstr(lcm__std_cols[i].decl, "INTEGER") || strstr(lcm__std_cols[i].decl, "REAL");
        if (!strcmp(col, "started_at") || !strcmp(col, "ended_at"))
            st = add_time(x, t, col, label ? label : std_label(x, col), LCM_EXP_DATETIME, err);
        else
            st = add_col(t, col, label ? label : std_label(x, col),
                         num ? LCM_COL_REAL : LCM_COL_TEXT, quoted(x, col), NULL, 0, err);
    }
    return st;
}

/* The columns of table t: its key, then every field stored in it, in form order. */
static lcm_status table_cols(fx *x, tab *t, lcm_err *err) {
    lcm_status st = key_cols(x, t, err);
    for (size_t i = 0; st == LCM_OK && i < lcm_form_nfields(x->f); i++) {
        const lcm_field *fd = lcm_form_field(x->f, i);
        if (!lcm__field_in_table(fd, t->table))
            continue;
        if (!name_ok(fd->column))
            return lcm_err_set(err, LCM_INTERNAL, "stored column name is not valid: '%s'",
                               fd->column);
        if (fd->pii && !x->fo->include_pii) {
            note_pii(x, fd->column);
            continue;
        }
        const char *label = text(x, fd->label);
        if (!label && fd->type == LCM_FT_CALCULATE)
            label = derived_label(x, fd);
        size_t nscale = 0;
        const lcm__exp_vlabel *scale = fd->type == LCM_FT_RANGE && x->fmt != LCM_EXPORT_R
                                           ? scale_labels(x, fd, &nscale)
                                           : NULL;
        if (fd->type == LCM_FT_SELECT_ONE)
            st = add_select_one(x, t, fd, label, err);
        else if (fd->type == LCM_FT_SELECT_MULTIPLE)
            st = add_multi(x, t, fd, label, err);
        else if (fd->type == LCM_FT_DATE || fd->type == LCM_FT_TODAY)
            st = add_time(x, t, fd->column, label, LCM_EXP_DATE, err);
        else if (fd->type == LCM_FT_START || fd->type == LCM_FT_END)
            st = add_time(x, t, fd->column, label, LCM_EXP_DATETIME, err);
        else if (scale)
            st = add_col(t, fd->column, label, LCM_COL_REAL, quoted(x, fd->column), scale, nscale,
                         err);
        else
            st = add_col(t, fd->column, label,
                         fd->type == LCM_FT_INTEGER ? LCM_COL_INTEGER
                         : fd->type == LCM_FT_DECIMAL || fd->type == LCM_FT_RANGE ||
                                 fd->type == LCM_FT_CALCULATE
                             ? LCM_COL_REAL
                             : LCM_COL_TEXT,
                         quoted(x, fd->column), NULL, 0, err);
    }
    return st;
}

/* " FROM ... WHERE ..." of table t: complete interviews (unless drafts are asked for) of
 * the wave, which is parameter ?<nparams + 1>; a roster's rows follow their interview. */
static void from_clause(const fx *x, const tab *t, lcm_strbuf *sb, int ordered) {
    const char *main = x->tabs[0].table;
    const char *drafts = x->fo->include_drafts ? NULL : "\"status\" = 'complete'";
    lcm_strbuf_addf(sb, " FROM \"%s\" AS r", t->table);
    if (!t->is_main && (x->fo->wave || drafts))
        lcm_strbuf_addf(sb, " WHERE \"instance_id\" IN (SELECT \"instance_id\" FROM \"%s\"", main);
    if (x->fo->wave || drafts)
        lcm_strbuf_adds(sb, " WHERE ");
    if (drafts)
        lcm_strbuf_addf(sb, "%s%s", drafts, x->fo->wave ? " AND " : "");
    if (x->fo->wave)
        lcm_strbuf_addf(sb, "\"wave\" = ?%zu", t->nparams + 1);
    if (!t->is_main && (x->fo->wave || drafts))
        lcm_strbuf_adds(sb, ")");
    if (ordered && t->is_main)
        lcm_strbuf_adds(sb, " ORDER BY rowid");
    else if (ordered)
        lcm_strbuf_addf(sb,
                        " ORDER BY (SELECT m.rowid FROM \"%s\" AS m WHERE m.\"instance_id\" = "
                        "r.\"instance_id\"), \"position\"",
                        main);
}

static lcm_status prepare(fx *x, const tab *t, const char *sql, sqlite3_stmt **st, lcm_err *err) {
    lcm_status rc = lcm_db_prepare(x->db, sql, st, err);
    for (size_t i = 0; rc == LCM_OK && i < t->nparams; i++)
        sqlite3_bind_text(*st, (int)i + 1, t->params[i], -1, SQLITE_STATIC);
    if (rc == LCM_OK && x->fo->wave)
        sqlite3_bind_int(*st, (int)t->nparams + 1, x->fo->wave);
    return rc;
}

/* Row count, the longest text and the stored types of each column in one scan (sav and
 * dta declare string widths first; a column the form declares numeric but that holds text
 * goes out as text); then the row SELECT. */
static lcm_status scan(fx *x, tab *t, lcm_err *err) {
    lcm_strbuf q = LCM_STRBUF_INIT, rows = LCM_STRBUF_INIT;
    sqlite3_stmt *st = NULL;
    lcm_strbuf_adds(&q, "SELECT count(*)");
    lcm_strbuf_adds(&rows, "SELECT ");
    for (size_t i = 0; i < t->src.ncols; i++) {
        const char *e = t->exprs[i];
        lcm_strbuf_addf(&q,
                        ", coalesce(max(length(CAST(%s AS BLOB))), 0), max(CASE typeof(%s) "
                        "WHEN 'text' THEN 2 WHEN 'real' THEN 1 WHEN 'integer' THEN 0 END)",
                        e, e);
        lcm_strbuf_addf(&rows, "%s%s", i ? ", " : "", e);
    }
    from_clause(x, t, &q, 0);
    from_clause(x, t, &rows, 1);
    lcm_status rc =
        lcm_strbuf_ok(&q) && lcm_strbuf_ok(&rows) ? prepare(x, t, q.buf, &st, err) : oom(err);
    if (rc == LCM_OK && sqlite3_step(st) != SQLITE_ROW)
        rc = lcm_db_fail(x->db, err, "cannot read the responses");
    for (size_t i = 0; rc == LCM_OK && i < t->src.ncols; i++) {
        lcm__exp_col *c = &t->cols[i];
        c->width = (size_t)sqlite3_column_int64(st, 2 * (int)i + 1);
        if (sqlite3_column_type(st, 2 * (int)i + 2) != SQLITE_NULL) {
            int k = sqlite3_column_int(st, 2 * (int)i + 2);
            c->type = k == 2 ? LCM_COL_TEXT : k == 1 ? LCM_COL_REAL : LCM_COL_INTEGER;
        }
        if (c->type == LCM_COL_TEXT && c->vlabels && x->fmt != LCM_EXPORT_XLSX)
            c->vlabels = NULL, c->nvlabels = 0; /* codes outside the list: keep as text */
    }
    if (rc == LCM_OK) {
        t->src.nrows = (long)sqlite3_column_int64(st, 0);
        rc = prepare(x, t, rows.buf, &t->src.rows, err);
    }
    sqlite3_finalize(st);
    lcm_strbuf_release(&q);
    lcm_strbuf_release(&rows);
    return rc;
}

/* Room for the columns and parameters of table `table`. */
static lcm_status tab_init(fx *x, tab *t, const char *name, const char *table, int is_main,
                           lcm_err *err) {
    size_t ncols = lcm__n_std_cols + 3, nparams = 2;
    for (size_t i = 0; i < lcm_form_nfields(x->f); i++) {
        const lcm_field *fd = lcm_form_field(x->f, i);
        ncols++;
        if (fd->list)
            ncols += fd->list->n, nparams += 2 * fd->list->n;
    }
    if (!name_ok(table))
        return lcm_err_set(err, LCM_INTERNAL, "stored table name is not valid: '%s'", table);
    t->name = name, t->table = table, t->is_main = is_main;
    t->src.title = name;
    t->capcols = ncols, t->capparams = nparams;
    t->cols = lcm_arena_alloc(x->a, ncols * sizeof *t->cols);
    t->exprs = lcm_arena_alloc(x->a, ncols * sizeof *t->exprs);
    t->params = lcm_arena_alloc(x->a, nparams * sizeof *t->params);
    if (!t->cols || !t->exprs || !t->params)
        return oom(err);
    t->src.cols = t->cols;
    lcm_status st = table_cols(x, t, err);
    return st == LCM_OK ? scan(x, t, err) : st;
}

static lcm_status build(fx *x, lcm_db *db, const char *form_id, const lcm_export_form_opts *fo,
                        lcm_export_format fmt, lcm_err *err) {
    x->db = db, x->fo = fo, x->fmt = fmt;
    lcm_status st = lcm_form_get(db, form_id, fo->version, &x->f, err);
    if (st != LCM_OK)
        return st;
    if (!(x->a = lcm_arena_new()))
        return oom(err);
    x->li = lcm_form_lang_index(x->f, fo->lang);
    x->en = strncmp(lcm_form_lang(x->f, x->li), "en", 2) == 0 ||
            (fo->lang && strncmp(fo->lang, "en", 2) == 0);
    size_t n = 1;
    for (size_t i = 0; i < lcm_form_nfields(x->f); i++)
        n += lcm_form_field(x->f, i)->type == LCM_FT_BEGIN_REPEAT;
    if (!(x->tabs = calloc(n, sizeof *x->tabs)))
        return oom(err);
    x->ntabs = 1;
    st = tab_init(x, &x->tabs[0], lcm_form_id(x->f), lcm_form_table(x->f), 1, err);
    for (size_t i = 0; st == LCM_OK && i < lcm_form_nfields(x->f); i++) {
        const lcm_field *fd = lcm_form_field(x->f, i);
        if (fd->type == LCM_FT_BEGIN_REPEAT && fd->table)
            st = tab_init(x, &x->tabs[x->ntabs++], fd->name, fd->table, 0, err);
    }
    return st;
}

static void fx_free(fx *x) {
    for (size_t i = 0; i < x->ntabs; i++)
        sqlite3_finalize(x->tabs[i].src.rows);
    free(x->tabs);
    lcm_arena_free(x->a);
    lcm_form_free(x->f);
    lcm_strbuf_release(&x->pii_names);
}

/* ---- files ---- */

/* Path of table i: out itself for the main table, else out's stem + "__<name>" + its
 * extension. r: <dir>/<form>[__<name>].csv. */
static char *table_path(const fx *x, size_t i, const char *out) {
    lcm_strbuf sb = LCM_STRBUF_INIT;
    if (x->fmt == LCM_EXPORT_R) {
        lcm_strbuf_addf(&sb, "%s/%s", out, x->tabs[0].name);
        if (i)
            lcm_strbuf_addf(&sb, "__%s", x->tabs[i].name);
        lcm_strbuf_adds(&sb, ".csv");
    } else if (i == 0) {
        lcm_strbuf_adds(&sb, out);
    } else {
        const char *slash = strrchr(out, '/'), *dot = strrchr(out, '.');
        size_t stem = dot && (!slash || dot > slash + 1) ? (size_t)(dot - out) : strlen(out);
        lcm_strbuf_add(&sb, out, stem);
        lcm_strbuf_addf(&sb, "__%s%s", x->tabs[i].name, out + stem);
    }
    return lcm_strbuf_ok(&sb) ? lcm_strbuf_detach(&sb) : (lcm_strbuf_release(&sb), NULL);
}

static lcm_status json_doc(fx *x, FILE *fp, lcm_err *err) {
    lcm_status st = LCM_OK;
    fputs("{\"form\": ", fp);
    lcm__exp_json_string(fp, lcm_form_id(x->f));
    fputs(", \"version\": ", fp);
    lcm__exp_json_string(fp, lcm_form_version(x->f));
    fputs(", \"tables\": [", fp);
    for (size_t i = 0; st == LCM_OK && i < x->ntabs; i++) {
        const tab *t = &x->tabs[i];
        fprintf(fp, "%s\n {\"name\": ", i ? "," : "");
        lcm__exp_json_string(fp, t->name);
        fputs(", \"table\": ", fp);
        lcm__exp_json_string(fp, t->table);
        fputs(t->is_main ? ", \"key\": [\"instance_id\"]"
                         : ", \"key\": [\"instance_id\", \"position\"]",
              fp);
        fputs(",\n  \"variables\": [", fp);
        for (size_t c = 0; c < t->src.ncols; c++) {
            fputs(c ? ", {\"name\": " : "{\"name\": ", fp);
            lcm__exp_json_string(fp, t->cols[c].name);
            fputs(", \"label\": ", fp);
            if (t->cols[c].label)
                lcm__exp_json_string(fp, t->cols[c].label);
            else
                fputs("null", fp);
            fputc('}', fp);
        }
        fputs("],\n  \"rows\": ", fp);
        st = lcm__exp_json_rows(&t->src, fp, "  ", err);
        fputc('}', fp);
    }
    fputs("\n]}\n", fp);
    return st; /* lcm_out_commit reports a failed write */
}

/* Write every table to its temporary file(s): one per table, or one for all. */
static lcm_status write_parts(fx *x, lcm_out *outs, lcm_err *err) {
    lcm_export_format f = x->fmt == LCM_EXPORT_R ? LCM_EXPORT_CSV : x->fmt;
    if (f == LCM_EXPORT_JSON)
        return json_doc(x, outs[0].fp, err);
    if (f == LCM_EXPORT_XLSX) {
        const lcm__exp_src **srcs = calloc(x->ntabs, sizeof *srcs);
        const char **names = calloc(x->ntabs, sizeof *names);
        lcm_status st = srcs && names ? LCM_OK : oom(err);
        for (size_t i = 0; st == LCM_OK && i < x->ntabs; i++)
            srcs[i] = &x->tabs[i].src, names[i] = x->tabs[i].name;
        if (st == LCM_OK) {
            fclose(outs[0].fp), outs[0].fp = NULL; /* libxlsxwriter opens it by name */
            st = lcm__exp_xlsx_book(srcs, names, x->ntabs, outs[0].tmp, err);
            if (st != LCM_OK)
                lcm_out_failed(&outs[0], st, err);
        }
        free(srcs), free(names);
        return st;
    }
    lcm_status st = LCM_OK;
    for (size_t i = 0; st == LCM_OK && i < x->ntabs; i++) {
        x->tabs[i].src.unguarded = x->fmt == LCM_EXPORT_R; /* read by the script, not Excel */
        st = lcm__exp_write_out(&x->tabs[i].src, f, x->bom, &outs[i], err);
    }
    return st;
}

static lcm_status r_text(fx *x, lcm_strbuf *sb, lcm_strbuf *margins, lcm_err *err);

static lcm_status syntax_text(fx *x, const char *data_file, int dta, lcm_strbuf *sb, lcm_err *err);

/* The text files written beside the data: r: the R script and, with a calibration, its
 * margins; dta: a Stata do-file; sav: SPSS syntax. Paths into path[], texts into text[]. */
static lcm_status extras(fx *x, const lcm_export_opts *o, char **path, lcm_strbuf *text, size_t *n,
                         lcm_err *err) {
    lcm_status st = LCM_OK;
    lcm_strbuf p = LCM_STRBUF_INIT;
    *n = 0;
    if (x->fmt == LCM_EXPORT_R) {
        if ((st = lcm_out_dir(o->out, lcm__exp_out_flags(o), err)) != LCM_OK)
            return st;
        if ((st = r_text(x, &text[0], &text[1], err)) != LCM_OK)
            return st;
        lcm_strbuf_addf(&p, "%s/%s.R", o->out, x->tabs[0].name);
        path[(*n)++] = lcm_strbuf_detach(&p);
        if (text[1].len) {
            lcm_strbuf_addf(&p, "%s/%s.margins.csv", o->out, x->tabs[0].name);
            path[(*n)++] = lcm_strbuf_detach(&p);
        }
    } else if (x->fmt == LCM_EXPORT_DTA || x->fmt == LCM_EXPORT_SAV) {
        const char *slash = strrchr(o->out, '/'), *dot = strrchr(o->out, '.');
        size_t stem = dot && (!slash || dot > slash + 1) ? (size_t)(dot - o->out) : strlen(o->out);
        if ((st = syntax_text(x, slash ? slash + 1 : o->out, x->fmt == LCM_EXPORT_DTA, &text[0],
                              err)) != LCM_OK)
            return st;
        lcm_strbuf_add(&p, o->out, stem);
        lcm_strbuf_adds(&p, x->fmt == LCM_EXPORT_DTA ? ".do" : ".sps");
        path[(*n)++] = lcm_strbuf_detach(&p);
    }
    for (size_t i = 0; i < *n; i++)
        if (!path[i] || !lcm_strbuf_ok(&text[i]))
            st = oom(err);
    lcm_strbuf_release(&p);
    return st;
}

/* The files (finals[i]), each checked and opened under a temporary name (outfile.h); the
 * extras (script, margins, do-file, syntax) last. All are renamed only when all are
 * written. */
static lcm_status write_all(fx *x, const lcm_export_opts *o, lcm_export_report *rep, lcm_err *err) {
    size_t nfiles = x->fmt == LCM_EXPORT_JSON || x->fmt == LCM_EXPORT_XLSX ? 1 : x->ntabs;
    int flags = lcm__exp_out_flags(o);
    char *xpath[2] = {NULL, NULL};
    lcm_strbuf xtext[2] = {LCM_STRBUF_INIT, LCM_STRBUF_INIT};
    size_t nx = 0;
    lcm_status st = extras(x, o, xpath, xtext, &nx, err);
    size_t nall = nfiles + nx;
    char **finals = calloc(nall, sizeof *finals);
    lcm_out *outs = calloc(nall, sizeof *outs);
    if (st == LCM_OK && (!finals || !outs))
        st = oom(err);
    for (size_t i = 0; st == LCM_OK && i < nx; i++)
        finals[nfiles + i] = xpath[i], xpath[i] = NULL;
    for (size_t i = 0; st == LCM_OK && i < nfiles; i++)
        if (!(finals[i] = table_path(x, i, o->out)))
            st = oom(err);
    for (size_t i = 0; st == LCM_OK && i < nall; i++)
        st = finals[i] ? lcm_out_open(&outs[i], finals[i], flags, err) : oom(err);
    if (st == LCM_OK)
        st = write_parts(x, outs, err);
    for (size_t i = 0; st == LCM_OK && i < nx; i++) /* a failure shows at commit */
        fwrite(xtext[i].buf, 1, xtext[i].len, outs[nfiles + i].fp);
    for (size_t i = 0; st == LCM_OK && i < nall; i++)
        st = lcm_out_commit(&outs[i], err);
    for (size_t i = 0; outs && i < nall; i++)
        lcm_out_abort(&outs[i]); /* what was not committed */
    for (size_t i = 0; rep && st == LCM_OK && i < x->ntabs; i++)
        if (i < nfiles && x->fmt != LCM_EXPORT_JSON && x->fmt != LCM_EXPORT_XLSX)
            rep->tables[i].file = finals[i], finals[i] = NULL;
    if (rep && st == LCM_OK && nx)
        rep->script = finals[nfiles], finals[nfiles] = NULL;
    if (rep && st == LCM_OK && nx > 1)
        rep->margins = finals[nfiles + 1], finals[nfiles + 1] = NULL;
    for (size_t i = 0; finals && i < nall; i++)
        free(finals[i]);
    free(finals), free(outs);
    for (size_t i = 0; i < 2; i++)
        free(xpath[i]), lcm_strbuf_release(&xtext[i]);
    return st;
}

static lcm_status fill_report(const fx *x, lcm_export_report *rep, lcm_err *err) {
    if (!(rep->tables = calloc(x->ntabs, sizeof *rep->tables)))
        return oom(err);
    rep->ntables = x->ntabs;
    for (size_t i = 0; i < x->ntabs; i++) {
        lcm_export_table *r = &rep->tables[i];
        r->rows = x->tabs[i].src.nrows, r->ncols = x->tabs[i].src.ncols;
        if (!(r->name = strdup(x->tabs[i].name)) || !(r->table = strdup(x->tabs[i].table)))
            return oom(err);
    }
    rep->pii_left_out = x->pii;
    snprintf(rep->pii_names, sizeof rep->pii_names, "%s", x->pii ? x->pii_names.buf : "");
    if (x->pii && strlen(x->pii_names.buf) >= sizeof rep->pii_names)
        memcpy(rep->pii_names + sizeof rep->pii_names - 4, "...", 4);
    return LCM_OK;
}

void lcm_export_report_free(lcm_export_report *rep) {
    if (!rep)
        return;
    for (size_t i = 0; i < rep->ntables; i++) {
        free(rep->tables[i].name);
        free(rep->tables[i].table);
        free(rep->tables[i].file);
    }
    free(rep->tables);
    free(rep->script);
    free(rep->margins);
    memset(rep, 0, sizeof *rep);
}

lcm_status lcm_export_form(lcm_db *db, const char *form_id, const lcm_export_form_opts *fo,
                           const lcm_export_opts *opts, lcm_export_report *rep, lcm_err *err) {
    fx x;
    memset(&x, 0, sizeof x);
    lcm_strbuf_init(&x.pii_names);
    if (rep)
        memset(rep, 0, sizeof *rep);
    if (!opts->out)
        return lcm_err_set(err, LCM_INVAL, "a form is exported to files: give --out");
    x.bom = opts->format == LCM_EXPORT_CSV && opts->bom;
    lcm_status st = build(&x, db, form_id, fo, opts->format, err);
    if (st == LCM_OK && rep)
        st = fill_report(&x, rep, err);
    if (st == LCM_OK)
        st = write_all(&x, opts, rep, err);
    if (st != LCM_OK && rep)
        lcm_export_report_free(rep);
    fx_free(&x);
    return st;
}

/* ---- R ---- */

/* c("a", "b") of the text columns of t (read as character: codes like 0101 stay text). */
static void r_text_cols(const tab *t, lcm_strbuf *sb) {
    size_t n = 0;
    lcm_strbuf_adds(sb, "c(");
    for (size_t i = 0; i < t->src.ncols; i++) {
        if (t->cols[i].type != LCM_COL_TEXT)
            continue;
        lcm_strbuf_adds(sb, n % 6 ? ", " : n ? ",\n    " : "\n    ");
        lcm_strbuf_addf(sb, "\"%s\"", t->cols[i].name);
        n++;
    }
    lcm_strbuf_adds(sb, ")");
}

static int has_col(const tab *t, const char *name) {
    for (size_t i = 0; i < t->src.ncols; i++)
        if (strcmp(t->cols[i].name, name) == 0)
            return 1;
    return 0;
}

/* "~`a` + `b`", or "~`a`", for one or two design columns. */
static void r_formula(lcm_strbuf *sb, const char *a, const char *b) {
    lcm_strbuf_addf(sb, "~`%s`", a);
    if (*b)
        lcm_strbuf_addf(sb, " + `%s`", b);
}

/* s as an R string literal. */
static void r_string(lcm_strbuf *sb, const char *s) {
    lcm_strbuf_adds(sb, "\"");
    for (; *s; s++)
        if (*s == '"' || *s == '\\')
            lcm_strbuf_addf(sb, "\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            lcm_strbuf_addf(sb, "\\%03o", (unsigned)(unsigned char)*s);
        else
            lcm_strbuf_add(sb, s, 1);
    lcm_strbuf_adds(sb, "\"");
}

/* One field of the margins file, quoted when it holds a separator, quote or line break
 * (written here, not by the data writer: a level such as -1 must stay as it is). */
static void margins_field(lcm_strbuf *sb, const char *s) {
    if (!s[strcspn(s, ",\"\r\n")]) {
        lcm_strbuf_adds(sb, s);
        return;
    }
    lcm_strbuf_adds(sb, "\"");
    for (; *s; s++)
        lcm_strbuf_add(sb, s, 1 + (*s == '"')); /* "" for a quote */
    lcm_strbuf_adds(sb, "\"");
}

/* v as R reads it back exactly (Inf, -Inf). */
static void r_num(lcm_strbuf *sb, double v) {
    char buf[40];
    if (isinf(v))
        lcm_strbuf_adds(sb, v < 0 ? "-Inf" : "Inf");
    else
        lcm__exp_number(v, buf, sizeof buf), lcm_strbuf_adds(sb, buf);
}

/* The margins of a calibration as <form>.margins.csv holds them (margin,level,population,
 * the population as the double lcmon calibrates to). */
static void margins_csv(const lcm_margin_set *ms, lcm_strbuf *sb) {
    lcm_strbuf_adds(sb, "margin,level,population\n");
    for (size_t k = 0; k < ms->n; k++)
        for (size_t j = 0; j < ms->m[k].nlevel; j++) {
            margins_field(sb, ms->m[k].name);
            lcm_strbuf_adds(sb, ",");
            margins_field(sb, ms->m[k].levels[j]);
            lcm_strbuf_addf(sb, ",%.17g\n", ms->m[k].pop[j]);
        }
}

/* The R that calibrates `design` as lcmon re-applies calibration c at every estimate:
 * postStratify(), rake() or calibrate(calfun = "linear") to the margins of ms, with the
 * margins' cells as factors whose levels are in the margins file's order (lcmon's linear
 * calibration uses every level of the first margin and all but the first of the others,
 * which is R's ~0 + m1 + m2 + ...). Before: the cell columns, added to the data. */
static void r_cells(const tab *m, const lcm_margin_set *ms, lcm_strbuf *sb) {
    lcm_strbuf_addf(sb,
                    "# The calibration's margins (%s.margins.csv): one factor of cells per "
                    "margin, levels in\n# the file's order.\n"
                    "margins <- read.csv(file.path(here, \"%s.margins.csv\"), encoding = "
                    "\"UTF-8\",\n"
                    "                    colClasses = \"character\", check.names = FALSE)\n"
                    "lcmon_cells <- function(data, margin) {\n"
                    "    cols <- strsplit(margin, \":\", fixed = TRUE)[[1]]\n"
                    "    key <- do.call(paste, c(lapply(cols, function(v) as.character(data[[v]])),"
                    "\n                            sep = \":\"))\n"
                    "    factor(key, levels = margins$level[margins$margin == margin])\n"
                    "}\n"
                    "lcmon_pop <- function(margin, name) {\n"
                    "    m <- margins[margins$margin == margin, ]\n"
                    "    p <- data.frame(factor(m$level, levels = m$level), "
                    "as.numeric(m$population))\n"
                    "    names(p) <- c(name, \"Freq\")\n"
                    "    p\n"
                    "}\n",
                    m->name, m->name);
    for (size_t k = 0; k < ms->n; k++) {
        lcm_strbuf_addf(sb, "%s$lcmon_margin%zu <- lcmon_cells(%s, ", m->name, k + 1, m->name);
        r_string(sb, ms->m[k].name);
        lcm_strbuf_adds(sb, ")\n");
    }
    lcm_strbuf_adds(sb, "\n");
}

static void r_calibrate(const lcm_calib_decl *c, const lcm_margin_set *ms, lcm_strbuf *sb) {
    lcm_strbuf_addf(sb,
                    "\n# The calibration declared with `lcmon weight %s`: lcmon re-applies it at "
                    "every\n# estimate, so its weights AND its standard errors (from the "
                    "calibration residuals)\n# are those of this calibrated design.\n",
                    c->method == LCM_CALIB_LINEAR ? "calibrate" : lcm_calib_method_name(c->method));
    if (c->method == LCM_CALIB_POSTSTRATIFY) {
        lcm_strbuf_adds(sb, "design <- postStratify(design, ~lcmon_margin1, lcmon_pop(");
        r_string(sb, ms->m[0].name);
        lcm_strbuf_adds(sb, ", \"lcmon_margin1\"))\n");
        return;
    }
    if (c->method == LCM_CALIB_RAKE) {
        lcm_strbuf_adds(sb, "design <- rake(design, list(");
        for (size_t k = 0; k < ms->n; k++)
            lcm_strbuf_addf(sb, "%s~lcmon_margin%zu", k ? ", " : "", k + 1);
        lcm_strbuf_adds(sb, "),\n               list(");
        for (size_t k = 0; k < ms->n; k++) {
            lcm_strbuf_adds(sb, k ? ",\n                    lcmon_pop(" : "lcmon_pop(");
            r_string(sb, ms->m[k].name);
            lcm_strbuf_addf(sb, ", \"lcmon_margin%zu\")", k + 1);
        }
        lcm_strbuf_addf(sb, "),\n               control = list(maxit = %d, epsilon = ", c->maxit);
        r_num(sb, c->epsilon);
        lcm_strbuf_adds(sb, ", verbose = FALSE))\n");
        return;
    }
    lcm_strbuf_adds(sb, "lcmon_totals <- c(");
    for (size_t k = 0; k < ms->n; k++) {
        lcm_strbuf_adds(sb, k ? ",\n                  lcmon_pop(" : "lcmon_pop(");
        r_string(sb, ms->m[k].name);
        lcm_strbuf_addf(sb, ", \"m\")$Freq%s", k ? "[-1]" : "");
    }
    lcm_strbuf_adds(sb, ")\ndesign <- calibrate(design, ~0");
    for (size_t k = 0; k < ms->n; k++)
        lcm_strbuf_addf(sb, " + lcmon_margin%zu", k + 1);
    lcm_strbuf_adds(sb, ", population = lcmon_totals,\n                    calfun = \"linear\", "
                        "bounds = c(");
    r_num(sb, c->lower);
    lcm_strbuf_adds(sb, ", ");
    r_num(sb, c->upper);
    lcm_strbuf_addf(sb, "),\n                    maxit = %d, epsilon = ", c->maxit);
    r_num(sb, c->epsilon);
    lcm_strbuf_adds(sb, ")\n");
}

/* The design (and calibration) as R: svydesign() with the declared columns, then the
 * calibration when one is declared; its margins go to *margins (left empty without one). */
static lcm_status r_design(fx *x, const lcm_source *src, const lcm_design_decl *d, lcm_strbuf *sb,
                           lcm_strbuf *margins, lcm_err *err) {
    const char *cols[] = {d->strata, d->psu, d->ssu, d->fpc1, d->fpc2, d->weight};
    const tab *m = &x->tabs[0];
    lcm_calib_decl c = {0};
    lcm_margin_set ms = {0};
    int cal = 0;
    lcm_status st = lcm_calib_get(x->db, src, x->fo->wave, &c, &cal, err);
    if (st == LCM_OK && cal)
        st = lcm_margins_parse(c.margins_text, "stored margins", &ms, err);
    for (size_t i = 0; st == LCM_OK && i < 6; i++)
        if (*cols[i] && !has_col(m, cols[i]))
            st = lcm_err_set(err, LCM_INVAL,
                             "the design uses column '%s', which is left out as personal data "
                             "(lcmon_pii): export with --include-pii",
                             cols[i]);
    for (size_t k = 0; st == LCM_OK && k < ms.n; k++)
        for (int v = 0; st == LCM_OK && v < ms.m[k].nvars; v++)
            if (!has_col(m, ms.m[k].vars[v]))
                st = lcm_err_set(err, LCM_INVAL,
                                 "the calibration uses column '%s', which is not exported (left "
                                 "out as personal data?): export with --include-pii",
                                 ms.m[k].vars[v]);
    if (st != LCM_OK)
        goto done;
    if (cal) {
        r_cells(m, &ms, sb);
        margins_csv(&ms, margins);
    }
    lcm_strbuf_addf(sb, "# The design declared with `lcmon design set` (see `lcmon design show`)");
    lcm_strbuf_addf(sb, ": lonely PSUs '%s'.\n", lcm_lonely_name(d->lonely));
    if (*d->rep.type)
        lcm_strbuf_addf(sb,
                        "# lcmon takes variances from %s replicate weights (%s); this design is\n"
                        "# linearised: as.svrepdesign() or svrepdesign() gives the replicate "
                        "one.\n",
                        d->rep.type, d->rep.import ? "imported columns" : "built from it");
    lcm_strbuf_addf(sb, "options(survey.lonely.psu = \"%s\")\ndesign <- svydesign(ids = ",
                    lcm_lonely_name(d->lonely));
    if (*d->psu)
        r_formula(sb, d->psu, d->ssu);
    else
        lcm_strbuf_adds(sb, "~1");
    if (*d->strata)
        lcm_strbuf_addf(sb, ", strata = ~`%s`", d->strata);
    if (*d->fpc1) {
        lcm_strbuf_adds(sb, ", fpc = ");
        r_formula(sb, d->fpc1, d->fpc2);
    }
    if (*d->weight)
        lcm_strbuf_addf(sb, ",\n                    weights = ~`%s`", d->weight);
    lcm_strbuf_addf(sb, ", data = %s, nest = TRUE)\n", m->name);
    if (cal)
        r_calibrate(&c, &ms, sb);
done:
    lcm_margins_free(&ms);
    free(c.margins_text);
    return st;
}

static lcm_status r_text(fx *x, lcm_strbuf *sb, lcm_strbuf *margins, lcm_err *err) {
    lcm_source src;
    lcm_design_decl d;
    lcm_status st = lcm_source_resolve(x->db, LCM_SOURCE_FORM, lcm_form_id(x->f), &src, err);
    if (st == LCM_OK && (st = lcm_design_get(x->db, &src, x->fo->wave, &d, err)) == LCM_NOTFOUND)
        st = lcm_err_set(err, LCM_NOTFOUND,
                         "no design declared for form '%s': declare it with 'lcmon design set' "
                         "(or export another format)",
                         lcm_form_id(x->f));
    if (st != LCM_OK)
        return st;
    const char *id = x->tabs[0].name;
    lcm_strbuf_addf(sb, "# %s.R - written by `lcmon export --format r` from form '%s' version '%s'",
                    id, id, lcm_form_version(x->f));
    if (x->fo->wave)
        lcm_strbuf_addf(sb, ", wave %d", x->fo->wave);
    lcm_strbuf_addf(
        sb,
        ".\n# It reads the CSV files beside it and declares the sampling design "
        "stored in lcmon, so\n# that any `lcmon estimate` can be checked with R's "
        "survey package: run\n# `Rscript %s.R`, or source() it and use `design`.\n"
        "suppressPackageStartupMessages(library(survey))\n\n"
        "self <- tryCatch(sys.frame(1)$ofile, error = function(e) NULL) # when source()d\n"
        "if (is.null(self)) { # run by Rscript\n"
        "    args <- commandArgs(trailingOnly = FALSE)\n"
        "    self <- sub(\"^--file=\", \"\", args[grep(\"^--file=\", args)])\n"
        "}\n"
        "here <- if (length(self) == 1) dirname(normalizePath(self)) else getwd()\n"
        "read_lcmon <- function(file, text) {\n"
        "    read.csv(file.path(here, file), encoding = \"UTF-8\", na.strings = "
        "\"\",\n"
        "             check.names = FALSE, stringsAsFactors = FALSE,\n"
        "             colClasses = setNames(rep(\"character\", length(text)), "
        "text))\n}\n\n",
        id);
    for (size_t i = 0; i < x->ntabs; i++) {
        const tab *t = &x->tabs[i];
        if (i == 0)
            lcm_strbuf_addf(sb,
                            "# %s: one row per interview (instance_id); text columns "
                            "stay text.\n",
                            id);
        else
            lcm_strbuf_addf(sb,
                            "# %s: the roster, one row per entry, keyed by (instance_id, "
                            "position).\n",
                            t->name);
        lcm_strbuf_addf(sb, "%s <- read_lcmon(\"%s%s%s.csv\", ", t->name, id, i ? "__" : "",
                        i ? t->name : "");
        r_text_cols(t, sb);
        lcm_strbuf_adds(sb, ")\n");
    }
    lcm_strbuf_addf(sb,
                    "\n# lcmon estimates from complete interviews only.\n"
                    "%s <- %s[%s$status == \"complete\", ]\n\n",
                    id, id, id);
    st = r_design(x, &src, &d, sb, margins, err);
    lcm_strbuf_addf(sb,
                    "\n# For example `lcmon estimate DB --form %s --var VAR` is\n"
                    "#   svymean(~VAR, design, na.rm = TRUE)\n"
                    "# and with --by COL: svyby(~VAR, ~COL, design, svymean, na.rm = TRUE)\n",
                    id);
    if (st == LCM_OK && !lcm_strbuf_ok(sb))
        st = oom(err);
    return st;
}

lcm_status lcm_export_r_script(lcm_db *db, const char *form_id, const lcm_export_form_opts *fo,
                               char **out, lcm_err *err) {
    fx x;
    memset(&x, 0, sizeof x);
    lcm_strbuf_init(&x.pii_names);
    lcm_strbuf sb = LCM_STRBUF_INIT;
    *out = NULL;
    lcm_status st = build(&x, db, form_id, fo, LCM_EXPORT_R, err);
    lcm_strbuf margins = LCM_STRBUF_INIT;
    if (st == LCM_OK && (st = r_text(&x, &sb, &margins, err)) == LCM_OK)
        *out = lcm_strbuf_detach(&sb);
    lcm_strbuf_release(&sb);
    lcm_strbuf_release(&margins);
    fx_free(&x);
    return st;
}

/* ---- Stata do-file and SPSS syntax ---- */

/* s as a Stata compound-quoted string `"..."' (any quote inside is fine), or an SPSS
 * string '...' with ' doubled. */
static void quote_syntax(lcm_strbuf *sb, const char *s, int dta) {
    const char *start = s;
    lcm_strbuf_adds(sb, dta ? "`\"" : "'");
    for (; *s; s++)
        if ((unsigned char)*s < 0x20)
            lcm_strbuf_adds(sb, " ");
        else if (dta && (*s == '`' || *s == '$')) /* no macro expansion */
            lcm_strbuf_addf(sb, "\\%c", *s);
        else if (dta && *s == '\'' && s > start && s[-1] == '"') /* "' would end the string */
            lcm_strbuf_adds(sb, "\xe2\x80\x99");                 /* U+2019 */
        else
            lcm_strbuf_add(sb, s, 1 + (!dta && *s == '\''));
    lcm_strbuf_adds(sb, dta ? "\"'" : "'");
}

/* Stata's singleunit() for lcmon's lonely-PSU policy. */
static const char *stata_lonely(lcm_svy_lonely l) {
    return l == LCM_SVY_LONELY_AVERAGE  ? "scaled"
           : l == LCM_SVY_LONELY_ADJUST ? "centered"
           : l == LCM_SVY_LONELY_FAIL   ? "missing"
                                        : "certainty";
}

static void syntax_design(const lcm_design_decl *d, int cal, int dta, lcm_strbuf *sb) {
    const char *w = cal ? "final_weight" : d->weight;
    const char *c = "*"; /* a comment in both languages */
    lcm_strbuf_addf(sb, "\n%s The design declared with 'lcmon design set' (lonely PSUs %s).\n", c,
                    lcm_lonely_name(d->lonely));
    if (cal)
        lcm_strbuf_addf(sb,
                        "%s A calibration is declared too: the weights are final_weight, the "
                        "calibrated\n%s weights 'lcmon weight' stored, so point estimates match "
                        "lcmon's; lcmon's standard\n%s errors also use the calibration "
                        "residuals, which this design does not (the R\n%s export, "
                        "lcmon export --format r, reproduces both).\n",
                        c, c, c, c);
    if (dta) {
        /* svyset PSU [pweight = W], strata(S) fpc(F1) singleunit() vce() || SSU, fpc(F2): the
         * second stage only when the first has an fpc, as in R's variance */
        lcm_strbuf_addf(sb, "svyset %s", *d->psu ? d->psu : "_n");
        if (*w)
            lcm_strbuf_addf(sb, " [pweight = %s]", w);
        lcm_strbuf_adds(sb, ",");
        if (*d->strata)
            lcm_strbuf_addf(sb, " strata(%s)", d->strata);
        if (*d->fpc1)
            lcm_strbuf_addf(sb, " fpc(%s)", d->fpc1);
        lcm_strbuf_addf(sb, " singleunit(%s) vce(linearized)", stata_lonely(d->lonely));
        if (*d->ssu && *d->fpc1) {
            lcm_strbuf_addf(sb, " || %s", d->ssu);
            if (*d->fpc2)
                lcm_strbuf_addf(sb, ", fpc(%s)", d->fpc2);
        }
        lcm_strbuf_adds(sb, "\n");
        return;
    }
    lcm_strbuf_adds(sb, "CSPLAN ANALYSIS\n  /PLAN FILE = 'design.csaplan'\n");
    if (*w)
        lcm_strbuf_addf(sb, "  /PLANVARS ANALYSISWEIGHT = %s\n", w);
    lcm_strbuf_adds(sb, "  /DESIGN");
    if (*d->strata)
        lcm_strbuf_addf(sb, " STRATA = %s", d->strata);
    if (*d->psu)
        lcm_strbuf_addf(sb, " CLUSTER = %s", d->psu);
    lcm_strbuf_addf(sb, "\n  /ESTIMATOR TYPE = %s.\n", *d->fpc1 ? "EQUAL_WOR" : "WR");
    if (*d->fpc1)
        lcm_strbuf_addf(sb, "* With an fpc: add /INCLPROB or /POPSIZE = %s as SPSS expects.\n",
                        d->fpc1);
}

/* The do-file (dta) or SPSS syntax (sav) of the main table: open the data file (named
 * data_file, beside it), repeat the variable and value labels, keep complete interviews
 * when drafts were exported, declare the design. */
static lcm_status syntax_text(fx *x, const char *data_file, int dta, lcm_strbuf *sb, lcm_err *err) {
    const tab *t = &x->tabs[0];
    const char *id = t->name;
    lcm_source src;
    lcm_design_decl d;
    int have = 0, cal = 0;
    lcm_status st = lcm_source_resolve(x->db, LCM_SOURCE_FORM, lcm_form_id(x->f), &src, err);
    if (st == LCM_OK) {
        st = lcm_design_get(x->db, &src, x->fo->wave, &d, err);
        have = st == LCM_OK;
        if (st == LCM_NOTFOUND)
            st = LCM_OK;
    }
    lcm_calib_decl c = {0};
    if (st == LCM_OK && have)
        st = lcm_calib_get(x->db, &src, x->fo->wave, &c, &cal, err);
    free(c.margins_text);
    if (st != LCM_OK)
        return st;
    const char *k = "*";
    lcm_strbuf_addf(sb,
                    "%s %s - written by 'lcmon export --format %s' from form '%s' version "
                    "'%s'",
                    k, dta ? "do-file" : "SPSS syntax", dta ? "dta" : "sav", id,
                    lcm_form_version(x->f));
    if (x->fo->wave)
        lcm_strbuf_addf(sb, ", wave %d", x->fo->wave);
    lcm_strbuf_addf(sb,
                    ".\n%s It opens the data file beside it, repeats its labels and declares "
                    "the\n%s sampling design stored in lcmon. Run it from that directory.\n",
                    k, k);
    if (dta) {
        lcm_strbuf_adds(sb, "version 14\nuse ");
        quote_syntax(sb, data_file, 1);
        lcm_strbuf_adds(sb, ", clear\n");
    } else {
        lcm_strbuf_adds(sb, "GET FILE = ");
        quote_syntax(sb, data_file, 0);
        lcm_strbuf_adds(sb, ".\n");
    }
    if (x->fo->include_drafts)
        lcm_strbuf_addf(
            sb,
            "%s Drafts were exported (--include-drafts); lcmon estimates from "
            "complete interviews.\n%s",
            k, dta ? "keep if status == \"complete\"\n" : "SELECT IF (status = 'complete').\n");
    lcm_strbuf_addf(sb, "\n%s Variable labels.\n", k);
    if (!dta)
        lcm_strbuf_adds(sb, "VARIABLE LABELS");
    for (size_t i = 0; i < t->src.ncols; i++) {
        const lcm__exp_col *col = &t->cols[i];
        if (!col->label)
            continue;
        lcm_strbuf_addf(sb, dta ? "label variable %s " : "\n  %s ", col->name);
        quote_syntax(sb, col->label, dta);
        if (dta)
            lcm_strbuf_adds(sb, "\n");
    }
    if (!dta)
        lcm_strbuf_adds(sb, ".\n");
    lcm_strbuf_addf(sb, "\n%s Value labels.\n", k);
    for (size_t i = 0; i < t->src.ncols; i++) {
        const lcm__exp_col *col = &t->cols[i];
        if (!col->nvlabels || col->type == LCM_COL_TEXT)
            continue;
        lcm_strbuf_addf(sb, dta ? "label define %s" : "VALUE LABELS %s", col->name);
        for (size_t j = 0; j < col->nvlabels; j++) {
            lcm_strbuf_addf(sb, dta ? " %s " : "\n  %s ", col->vlabels[j].value);
            quote_syntax(sb, col->vlabels[j].label, dta);
        }
        if (dta)
            lcm_strbuf_addf(sb, ", replace\nlabel values %s %s\n", col->name, col->name);
        else
            lcm_strbuf_adds(sb, ".\n");
    }
    const char *missing = NULL;
    const char *cols[] = {d.strata, d.psu, d.ssu, d.fpc1, d.fpc2, cal ? "final_weight" : d.weight};
    for (size_t i = 0; have && i < 6; i++)
        if (*cols[i] && !has_col(t, cols[i]))
            missing = cols[i];
    if (have && missing)
        lcm_strbuf_addf(sb,
                        "\n%s The design uses column %s, which is left out as personal data:\n%s "
                        "export with --include-pii to declare the design here.\n",
                        k, missing, k);
    else if (have)
        syntax_design(&d, cal, dta, sb);
    else
        lcm_strbuf_addf(sb, "\n%s No design is declared for this form (lcmon design set).\n", k);
    return lcm_strbuf_ok(sb) ? LCM_OK : oom(err);
}
