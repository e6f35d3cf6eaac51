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

#include <errno.h>
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
    int whole = all_whole(l);
    if (x->fmt == LCM_EXPORT_R && whole) /* numbers in R, as lcmon estimate reads them */
        return add_col(t, fd->column, label, LCM_COL_INTEGER,
                       lcm_arena_printf(x->a, "CAST(NULLIF(%s, '') AS INTEGER)", q), NULL, 0, err);
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
                   stat ? vl : NULL, stat ? l->n : 0, err);
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
        st = add_col(t, name, vlab, LCM_COL_INTEGER, name ? quoted(x, name) : NULL,
                     stat ? (x->en ? en : zh) : NULL, stat ? 2 : 0, err);
    }
    return st;
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

static lcm_status key_cols(fx *x, tab *t, lcm_err *err) {
    lcm_status st = LCM_OK;
    if (!t->is_main) {
        st = add_col(t, "instance_id", std_label(x, "instance_id"), LCM_COL_TEXT, "\"instance_id\"",
                     NULL, 0, err);
        return st == LCM_OK ? add_col(t, "position", std_label(x, "position"), LCM_COL_INTEGER,
                                      "\"position\"", NULL, 0, err)
                            : st;
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
        st = add_col(t, col, label ? label : std_label(x, col), num ? LCM_COL_REAL : LCM_COL_TEXT,
                     quoted(x, col), NULL, 0, err);
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
        if (fd->type == LCM_FT_SELECT_ONE)
            st = add_select_one(x, t, fd, label, err);
        else if (fd->type == LCM_FT_SELECT_MULTIPLE)
            st = add_multi(x, t, fd, label, err);
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

/* " FROM ... WHERE ..." of table t; the wave is parameter ?<nparams + 1>. */
static void from_clause(const fx *x, const tab *t, lcm_strbuf *sb, int ordered) {
    const char *main = x->tabs[0].table;
    lcm_strbuf_addf(sb, " FROM \"%s\" AS r", t->table);
    if (x->fo->wave && t->is_main)
        lcm_strbuf_addf(sb, " WHERE \"wave\" = ?%zu", t->nparams + 1);
    else if (x->fo->wave)
        lcm_strbuf_addf(sb,
                        " WHERE \"instance_id\" IN (SELECT \"instance_id\" FROM \"%s\" WHERE "
                        "\"wave\" = ?%zu)",
                        main, t->nparams + 1);
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
        if (c->type == LCM_COL_TEXT && c->vlabels) /* codes outside the list: keep as text */
            c->vlabels = NULL, c->nvlabels = 0;
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
    size_t ncols = lcm__n_std_cols + 2, nparams = 2;
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

static lcm_status r_text(fx *x, lcm_strbuf *sb, lcm_err *err);

/* The files (finals[i]), each checked and opened under a temporary name (outfile.h);
 * the script last. All are renamed only when all are written. */
static lcm_status write_all(fx *x, const lcm_export_opts *o, lcm_export_report *rep, lcm_err *err) {
    size_t nfiles = x->fmt == LCM_EXPORT_JSON || x->fmt == LCM_EXPORT_XLSX ? 1 : x->ntabs;
    size_t nall = nfiles + (x->fmt == LCM_EXPORT_R);
    int flags = lcm__exp_out_flags(o);
    char **finals = calloc(nall, sizeof *finals);
    lcm_out *outs = calloc(nall, sizeof *outs);
    lcm_strbuf script = LCM_STRBUF_INIT;
    lcm_status st = finals && outs ? LCM_OK : oom(err);
    if (st == LCM_OK && x->fmt == LCM_EXPORT_R &&
        (st = lcm_out_dir(o->out, flags, err)) == LCM_OK &&
        (st = r_text(x, &script, err)) == LCM_OK) {
        lcm_strbuf p = LCM_STRBUF_INIT;
        lcm_strbuf_addf(&p, "%s/%s.R", o->out, x->tabs[0].name);
        finals[nfiles] = lcm_strbuf_detach(&p);
    }
    for (size_t i = 0; st == LCM_OK && i < nfiles; i++)
        if (!(finals[i] = table_path(x, i, o->out)))
            st = oom(err);
    for (size_t i = 0; st == LCM_OK && i < nall; i++)
        st = finals[i] ? lcm_out_open(&outs[i], finals[i], flags, err) : oom(err);
    if (st == LCM_OK)
        st = write_parts(x, outs, err);
    if (st == LCM_OK && x->fmt == LCM_EXPORT_R)
        fwrite(script.buf, 1, script.len, outs[nfiles].fp); /* a failure shows at commit */
    for (size_t i = 0; st == LCM_OK && i < nall; i++)
        st = lcm_out_commit(&outs[i], err);
    for (size_t i = 0; outs && i < nall; i++)
        lcm_out_abort(&outs[i]); /* what was not committed */
    for (size_t i = 0; rep && st == LCM_OK && i < x->ntabs; i++)
        if (i < nfiles && x->fmt != LCM_EXPORT_JSON && x->fmt != LCM_EXPORT_XLSX)
            rep->tables[i].file = finals[i], finals[i] = NULL;
    if (rep && st == LCM_OK && x->fmt == LCM_EXPORT_R)
        rep->script = finals[nfiles], finals[nfiles] = NULL;
    for (size_t i = 0; finals && i < nall; i++)
        free(finals[i]);
    free(finals), free(outs);
    lcm_strbuf_release(&script);
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

/* The calibration declared for the form and wave: its method into method, 1; else 0. */
static int calibration(fx *x, char *method, size_t cap) {
    sqlite3_stmt *st = NULL;
    int found = 0;
    if (lcm_db_prepare(x->db,
                       "SELECT method FROM calibrations WHERE source_kind = 'form' AND source = "
                       "?1 AND wave IN (?2, 0) ORDER BY wave DESC LIMIT 1",
                       &st, NULL) != LCM_OK)
        return 0;
    sqlite3_bind_text(st, 1, lcm_form_id(x->f), -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, x->fo->wave);
    if (sqlite3_step(st) == SQLITE_ROW) {
        snprintf(method, cap, "%s", (const char *)sqlite3_column_text(st, 0));
        found = 1;
    }
    sqlite3_finalize(st);
    return found;
}

/* "~`a` + `b`", or "~`a`", for one or two design columns. */
static void r_formula(lcm_strbuf *sb, const char *a, const char *b) {
    lcm_strbuf_addf(sb, "~`%s`", a);
    if (*b)
        lcm_strbuf_addf(sb, " + `%s`", b);
}

static lcm_status r_design(fx *x, const lcm_design_decl *d, lcm_strbuf *sb, lcm_err *err) {
    const char *cols[] = {d->strata, d->psu, d->ssu, d->fpc1, d->fpc2, d->weight};
    const tab *m = &x->tabs[0];
    char method[32] = "";
    int cal = calibration(x, method, sizeof method);
    for (size_t i = 0; i < 6; i++)
        if (*cols[i] && !has_col(m, cols[i]))
            return lcm_err_set(err, LCM_INVAL,
                               "the design uses column '%s', which is left out as personal data "
                               "(lcmon_pii): export with --include-pii",
                               cols[i]);
    lcm_strbuf_addf(sb, "# The design declared with `lcmon design set` (see `lcmon design show`)");
    lcm_strbuf_addf(sb, ": lonely PSUs '%s'.\n", lcm_lonely_name(d->lonely));
    if (cal)
        lcm_strbuf_addf(
            sb,
            "# A calibration (%s) is declared too, so the weights are final_weight, the\n"
            "# calibrated weights `lcmon weight` stored: point estimates match lcmon's. lcmon\n"
            "# also takes its standard errors from the calibration residuals; for those,\n"
            "# declare the design with weights = ~`%s` and calibrate it in R to the same\n"
            "# margins (postStratify(), rake() or calibrate()).\n",
            method, *d->weight ? d->weight : "design_weight");
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
    if (cal)
        lcm_strbuf_adds(sb, ",\n                    weights = ~`final_weight`");
    else if (*d->weight)
        lcm_strbuf_addf(sb, ",\n                    weights = ~`%s`", d->weight);
    lcm_strbuf_addf(sb, ", data = %s, nest = TRUE)\n", m->name);
    return LCM_OK;
}

static lcm_status r_text(fx *x, lcm_strbuf *sb, lcm_err *err) {
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
    st = r_design(x, &d, sb, err);
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
    if (st == LCM_OK && (st = r_text(&x, &sb, err)) == LCM_OK)
        *out = lcm_strbuf_detach(&sb);
    lcm_strbuf_release(&sb);
    fx_free(&x);
    return st;
}
