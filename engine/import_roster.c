/*
 * import_roster.c - rosters read from files of their own (--roster members=FILE): the
 * layout of lcmon's CSV export (hh__members.csv: instance_id, position, the questions) and
 * of ODK Central's repeat files (PARENT_KEY, KEY, the questions by group path).
 *
 * A roster file is read whole before the households, into a TEMP table keyed by (repeat,
 * household, position), so memory stays bounded whatever its size and order; each
 * household then takes its members from there, checked cell by cell with the roster
 * file's own line and column in the messages, and the rows it took are deleted. Rows
 * still there at the end name a household the main file does not have: the import is
 * refused.
 */
#include "import_resp_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct load_ctx {
    resp_state *s;
    lcm__imp *im;
    roster_spec *r;
    int index;        /* of r in s->rosters */
    lcm_strbuf cells; /* the row's cells of questions, each NUL-terminated */
} load_ctx;

/* "uuid:abc/members[2]" or "abc" -> "abc" into buf. */
static const char *parent_id(const char *v, char *buf, size_t cap) {
    if (strncmp(v, "uuid:", 5) == 0)
        v += 5;
    snprintf(buf, cap, "%.*s", (int)strcspn(v, "/"), v);
    return buf;
}

/* The question of repeat `repeat` a roster file's header names: by name, group path or
 * label; else, when the form renamed the repeat's questions apart from the main ones (ODK
 * repeat files head them with their own names: "name" for the form's "child_name"), the
 * one question of the repeat called "<anything>_<header>". */
static int roster_field(const lcm_form *f, const char *h, int repeat) {
    int i = lcm__resp_resolve_field(f, h, repeat), found = -1;
    size_t n = strlen(h);
    for (size_t k = 0; i < 0 && k < lcm_form_nfields(f); k++) {
        const lcm_field *fd = lcm_form_field(f, k);
        size_t m = strlen(fd->name);
        if (fd->repeat != repeat || !fd->column || m <= n + 1 || fd->name[m - n - 1] != '_' ||
            strcasecmp(fd->name + m - n, h) != 0)
            continue;
        if (found >= 0)
            return -1; /* two of them: which one is not known */
        found = (int)k;
    }
    return i >= 0 ? i : found;
}

static lcm_status map_roster_header(load_ctx *c, const lcm_csv_row *row, lcm_err *err) {
    roster_spec *r = c->r;
    resp_state *s = c->s;
    r->ncols = row->n;
    r->field = calloc(row->n + 1, sizeof *r->field);
    r->name = calloc(row->n + 1, sizeof *r->name);
    if (!r->field || !r->name)
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    r->parent_col = r->pos_col = r->key_col = r->pkey_col = -1;
    int inner = lcm_form_field(s->form, (size_t)r->repeat)->repeat >= 0;
    for (size_t j = 0; j < row->n; j++) {
        const char *h = row->field[j];
        int choice;
        r->field[j] = -1;
        if (!(r->name[j] = strdup(h)))
            return lcm_err_set(err, LCM_NOMEM, "out of memory");
        /* ODK's PARENT_KEY names the household and, in a repeat inside a repeat, the row
         * above (its KEY); Kobo's sheets give _submission__uuid, _index and _parent_index */
        if (strcasecmp(h, "instance_id") == 0 || strcmp(h, "PARENT_KEY") == 0 ||
            strcmp(h, "_submission__uuid") == 0) {
            if (r->parent_col < 0 || strcmp(h, "_submission__uuid") == 0)
                r->parent_col = (int)j;
            if (strcmp(h, "PARENT_KEY") == 0 && r->pkey_col < 0)
                r->pkey_col = (int)j;
        } else if (strcasecmp(h, "position") == 0)
            r->pos_col = (int)j;
        else if (strcmp(h, "KEY") == 0 || strcmp(h, "_index") == 0)
            r->key_col = (int)j;
        else if (strcmp(h, "_parent_index") == 0 || strcasecmp(h, "parent_position") == 0)
            r->pkey_col = (int)j;
        else if (h[0] == '_' || lcm__resp_tool_column(h))
            continue;
        else {
            int i = roster_field(s->form, h, r->repeat);
            if (i >= 0 && lcm_form_field(s->form, (size_t)i)->column)
                r->field[j] = i;
            else if (lcm__resp_resolve_choice(s->form, h, r->repeat, &choice) < 0)
                lcm__imp_issue_in(c->im, r->file, 1, j + 1, h, NULL,
                                  "names no question of repeat '%s'",
                                  lcm_form_field(s->form, (size_t)r->repeat)->name);
        }
    }
    /* 0/1 choice columns only repeat the list column lcmon's export writes beside them */
    for (size_t j = 0; j < row->n; j++) {
        int choice, i = r->field[j] < 0 && (int)j != r->parent_col && (int)j != r->pos_col
                            ? lcm__resp_resolve_choice(s->form, row->field[j], r->repeat, &choice)
                            : -1;
        int listed = 0;
        for (size_t k = 0; i >= 0 && k < row->n; k++)
            listed |= r->field[k] == i;
        if (i >= 0 && !listed)
            lcm__imp_issue_in(c->im, r->file, 1, j + 1, row->field[j], NULL,
                              "a 0/1 choice column: give the answers in column '%s'",
                              lcm_form_field(s->form, (size_t)i)->name);
    }
    if (r->parent_col < 0)
        lcm__imp_issue_in(c->im, r->file, 1, 0, NULL, NULL,
                          "no instance_id (or PARENT_KEY, _submission__uuid) column naming each "
                          "member's household");
    if (inner && r->pkey_col < 0)
        lcm__imp_issue_in(
            c->im, r->file, 1, 0, NULL, NULL,
            "repeat '%s' is inside repeat '%s': no parent_position (or "
            "_parent_index, PARENT_KEY) column naming each row's row of '%s'",
            lcm_form_field(s->form, (size_t)r->repeat)->name,
            lcm_form_field(s->form, (size_t)lcm_form_field(s->form, (size_t)r->repeat)->repeat)
                ->name,
            lcm_form_field(s->form, (size_t)lcm_form_field(s->form, (size_t)r->repeat)->repeat)
                ->name);
    return LCM_OK;
}

static lcm_status load_row(void *ud, const lcm_csv_row *row, lcm_err *err) {
    load_ctx *c = ud;
    roster_spec *r = c->r;
    char parent[256];
    long pos = 0;
    if (row->index == 0)
        return map_roster_header(c, row, err);
    if (c->s->opts->format == LCM_RESP_NATIVE) /* lcmon's export; ODK's files as written */
        lcm__imp_unguard(row);
    if (r->parent_col < 0 || (size_t)r->parent_col >= row->n || !*row->field[r->parent_col]) {
        if (r->parent_col >= 0)
            lcm__imp_issue_in(c->im, r->file, row->line, (size_t)r->parent_col + 1,
                              r->name[r->parent_col], "", "a member without a household id");
        return LCM_OK;
    }
    parent_id(row->field[r->parent_col], parent, sizeof parent);
    if (r->pos_col >= 0 && (size_t)r->pos_col < row->n) {
        char *end;
        const char *v = row->field[r->pos_col];
        pos = strtol(v, &end, 10);
        if (*end || end == v || pos < 1 || pos > LCM_FORM_MAX_ROWS) {
            lcm__imp_issue_in(c->im, r->file, row->line, (size_t)r->pos_col + 1,
                              r->name[r->pos_col], v, "a position is a whole number from 1 to %d",
                              LCM_FORM_MAX_ROWS);
            return LCM_OK;
        }
    }
    lcm_strbuf_clear(&c->cells);
    for (size_t j = 0; j < r->ncols; j++)
        if (r->field[j] >= 0)
            lcm_strbuf_add_z(&c->cells, j < row->n ? row->field[j] : "",
                             j < row->n ? row->len[j] : 0);
    sqlite3_stmt *st = NULL;
    /* Without a position column, a member comes after those of its household so far. */
    lcm_status rc =
        lcm_strbuf_ok(&c->cells)
            ? lcm_db_prepare_cached(c->s->db,
                                    "INSERT INTO temp.lcm_import_roster(rep, parent, position, "
                                    "line, cells, key, pkey) VALUES (?1, ?2, coalesce(?3, (SELECT "
                                    "coalesce(max(position), 0) + 1 FROM temp.lcm_import_roster "
                                    "WHERE rep = ?1 AND parent = ?2)), ?4, ?5, ?6, ?7)",
                                    &st, err)
            : lcm_err_set(err, LCM_NOMEM, "out of memory");
    if (rc == LCM_OK) {
        sqlite3_bind_int(st, 1, c->index);
        sqlite3_bind_text(st, 2, parent, -1, SQLITE_STATIC);
        if (pos)
            sqlite3_bind_int64(st, 3, pos);
        else
            sqlite3_bind_null(st, 3);
        sqlite3_bind_int64(st, 4, row->line);
        sqlite3_bind_blob(st, 5, c->cells.buf, (int)c->cells.len, SQLITE_STATIC);
        if (r->key_col >= 0 && (size_t)r->key_col < row->n)
            sqlite3_bind_text(st, 6, row->field[r->key_col], -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, 6);
        if (r->pkey_col >= 0 && (size_t)r->pkey_col < row->n)
            sqlite3_bind_text(st, 7, row->field[r->pkey_col], -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, 7);
        int step = sqlite3_step(st);
        if ((step & 0xff) == SQLITE_CONSTRAINT) /* extended codes may be on */
            lcm__imp_issue_in(c->im, r->file, row->line, 0, NULL, NULL,
                              "member %ld of household %s is given twice", pos, parent);
        else if (step != SQLITE_DONE)
            rc = lcm_db_fail(c->s->db, err, "keeping a roster");
        sqlite3_reset(st);
    }
    return rc;
}

lcm_status lcm__resp_rosters_load(resp_state *s, lcm__imp *im, lcm_err *err) {
    const lcm_resp_opts *o = s->opts;
    lcm_status st = LCM_OK;
    if (!o->nrosters)
        return LCM_OK;
    if ((st = lcm_db_exec(s->db,
                          "CREATE TEMP TABLE IF NOT EXISTS lcm_import_roster (rep INTEGER, "
                          "parent TEXT, position INTEGER, line INTEGER, cells BLOB, key TEXT, "
                          "pkey TEXT, "
                          "PRIMARY KEY (rep, parent, position)) WITHOUT ROWID;"
                          "DELETE FROM temp.lcm_import_roster",
                          err)) != LCM_OK)
        return st;
    for (int k = 0; k < o->nrosters && k < LCM_RESP_MAX_ROSTERS && st == LCM_OK; k++) {
        roster_spec *r = &s->rosters[k];
        int i = lcm_form_find(s->form, o->roster_repeat[k]);
        r->file = o->roster_file[k];
        if (i < 0 || lcm_form_field(s->form, (size_t)i)->type != LCM_FT_BEGIN_REPEAT)
            return lcm_err_set(err, LCM_INVAL, "--roster %s: form '%s' has no repeat '%s'",
                               o->roster_repeat[k], lcm_form_id(s->form), o->roster_repeat[k]);
        r->repeat = i;
        s->nrosters = k + 1;
        for (size_t j = 0; j < s->ncols; j++) /* members[N]/field columns as well: which? */
            if ((s->cols[j].kind == COL_FIELD || s->cols[j].kind == COL_CHOICE) &&
                lcm_form_field(s->form, (size_t)s->cols[j].field)->repeat == i) {
                lcm__imp_cell_issue(im, j, s->cols[j].name,
                                    "roster '%s' comes from '%s' (--roster)", o->roster_repeat[k],
                                    r->file);
                break;
            }
        lcm_input *in = NULL;
        load_ctx c = {s, im, r, k, LCM_STRBUF_INIT};
        lcm_csv_opts co = {o->base.delim ? o->base.delim : lcm__resp_sniff_delim(r->file), 0, 0};
        if ((st = lcm_input_open(r->file, o->base.encoding, &in, err)) == LCM_OK)
            st = lcm_input_read_csv(in, &co, load_row, &c, err);
        lcm_input_close(in);
        lcm_strbuf_release(&c.cells);
    }
    return st;
}

/* Forget the keys of the household filled before. */
static void forget_keys(roster_spec *r) {
    for (size_t k = 0; k < r->nkeys; k++)
        free(r->keys[k]);
    r->nkeys = 0;
}

/* Row `row` of the household being filled has key (its _index, KEY or position). */
static lcm_status remember_key(roster_spec *r, const char *key, long row) {
    if (r->nkeys == r->capkeys) {
        size_t cap = r->capkeys ? 2 * r->capkeys : 16;
        char **keys = realloc(r->keys, cap * sizeof *keys);
        if (keys)
            r->keys = keys;
        long *rows = keys ? realloc(r->rows, cap * sizeof *rows) : NULL;
        if (!rows)
            return LCM_NOMEM;
        r->rows = rows, r->capkeys = cap;
    }
    if (!(r->keys[r->nkeys] = strdup(key)))
        return LCM_NOMEM;
    r->rows[r->nkeys++] = row;
    return LCM_OK;
}

/* The row of the enclosing repeat whose key is pkey, in the household being filled: 0 when
 * none has it, -1 when the enclosing repeat has no roster file. */
static long parent_row(const resp_state *s, const roster_spec *r, const char *pkey) {
    int up = lcm_form_field(s->form, (size_t)r->repeat)->repeat;
    for (int k = 0; k < s->nrosters; k++) {
        const roster_spec *p = &s->rosters[k];
        if (p->repeat != up)
            continue;
        for (size_t j = 0; pkey && j < p->nkeys; j++)
            if (strcmp(p->keys[j], pkey) == 0)
                return p->rows[j];
        return 0;
    }
    return -1;
}

/* The members of the household in in from roster k: added, checked, set; then forgotten. */
static lcm_status fill_one(resp_state *s, lcm__imp *im, lcm_instance *in, int k, lcm_err *err) {
    roster_spec *r = &s->rosters[k];
    const char *id = lcm_instance_meta(in, "instance_id");
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare_cached(s->db,
                                          "SELECT position, line, cells, key, pkey FROM "
                                          "temp.lcm_import_roster WHERE rep = ?1 AND parent = ?2 "
                                          "ORDER BY position",
                                          &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_int(st, 1, k);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    long want = 1;
    int step, any = 0, stopped = 0;
    while (!stopped && (step = sqlite3_step(st)) == SQLITE_ROW) {
        long pos = (long)sqlite3_column_int64(st, 0), line = (long)sqlite3_column_int64(st, 1), at;
        const char *cell = sqlite3_column_blob(st, 2);
        lcm_err e;
        lcm_err_clear(&e);
        any = 1;
        if (pos != want) {
            lcm__imp_issue_in(im, r->file, line, 0, NULL, NULL,
                              "member %ld of household %s, but no member %ld before it", pos, id,
                              want);
            stopped = 1;
            continue;
        }
        want++;
        long parent = 0;
        const char *key = (const char *)sqlite3_column_text(st, 3),
                   *pkey = (const char *)sqlite3_column_text(st, 4);
        if (lcm_form_field(s->form, (size_t)r->repeat)->repeat >= 0 &&
            (parent = parent_row(s, r, pkey)) <= 0) {
            const lcm_field *up =
                lcm_form_field(s->form, (size_t)lcm_form_field(s->form, (size_t)r->repeat)->repeat);
            if (parent < 0)
                lcm__imp_issue_in(im, r->file, line, 0, NULL, NULL,
                                  "repeat '%s' is inside repeat '%s': give '%s' with --roster too",
                                  lcm_form_field(s->form, (size_t)r->repeat)->name, up->name,
                                  up->name);
            else
                lcm__imp_issue_in(im, r->file, line, (size_t)r->pkey_col + 1,
                                  r->pkey_col >= 0 ? r->name[r->pkey_col] : NULL, pkey ? pkey : "",
                                  "names no row of '%s' in household %s", up->name, id);
            stopped = 1;
            continue;
        }
        char own[32]; /* without a key column, the row's position is its key */
        snprintf(own, sizeof own, "%ld", pos);
        if (lcm_instance_add_row_in(in, r->repeat, parent, &at, &e) != LCM_OK ||
            (remember_key(r, key && r->key_col >= 0 ? key : own, at) != LCM_OK &&
             lcm_err_set(&e, LCM_NOMEM, "out of memory"))) {
            lcm__imp_issue_in(im, r->file, line, 0, NULL, NULL, "%s", e.msg);
            stopped = 1;
            continue;
        }
        for (size_t j = 0; j < r->ncols && cell; j++) {
            if (r->field[j] < 0)
                continue;
            const char *v = cell; /* a choice label as its name, as in the main file */
            if (*cell && lcm__resp_value(s, r->field[j], cell, &s->value, &s->other) == 0)
                v = s->value.buf; /* "other" texts are not kept apart in roster files */
            if (*v && lcm_form_validate_utf8(s->form, r->field[j], v, &e) != LCM_OK)
                lcm__imp_issue_in(im, r->file, line, j + 1, r->name[j], cell, "%s",
                                  lcm__resp_problem(e.msg));
            else if (*v)
                lcm_instance_set(in, r->field[j], at, v, NULL);
            cell += strlen(cell) + 1;
        }
    }
    rc = !stopped && step != SQLITE_DONE ? lcm_db_fail(s->db, err, "reading a roster") : LCM_OK;
    sqlite3_reset(st);
    if (rc != LCM_OK || !any) /* nothing of this household's to forget */
        return rc;
    if ((rc = lcm_db_prepare_cached(s->db,
                                    "DELETE FROM temp.lcm_import_roster WHERE rep = ?1 AND "
                                    "parent = ?2",
                                    &st, err)) != LCM_OK)
        return rc;
    sqlite3_bind_int(st, 1, k);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = lcm_db_fail(s->db, err, "reading a roster");
    sqlite3_reset(st);
    return rc;
}

lcm_status lcm__resp_rosters_fill(resp_state *s, lcm__imp *im, lcm_instance *in, lcm_err *err) {
    lcm_status rc = LCM_OK;
    for (int k = 0; k < s->nrosters; k++)
        forget_keys(&s->rosters[k]);
    /* enclosing repeats first: their rows' keys place the rows of the repeats inside */
    for (size_t i = 0; i < lcm_form_nfields(s->form) && rc == LCM_OK; i++)
        for (int k = 0; k < s->nrosters && rc == LCM_OK; k++)
            if (s->rosters[k].repeat == (int)i)
                rc = fill_one(s, im, in, k, err);
    return rc;
}

lcm_status lcm__resp_rosters_done(lcm__imp *im, void *state, lcm_err *err) {
    resp_state *s = state;
    sqlite3_stmt *st = NULL;
    long n = 0;
    if (!s->nrosters)
        return LCM_OK;
    lcm_status rc = lcm_db_prepare(s->db,
                                   "SELECT rep, parent, line FROM temp.lcm_import_roster "
                                   "ORDER BY rep, line",
                                   &st, err);
    while (rc == LCM_OK && sqlite3_step(st) == SQLITE_ROW) {
        int k = sqlite3_column_int(st, 0);
        if (k >= 0 && k < s->nrosters)
            lcm__imp_issue_in(im, s->rosters[k].file, (long)sqlite3_column_int64(st, 2), 0, NULL,
                              NULL, "a member of household %s, which '%s' does not have",
                              (const char *)sqlite3_column_text(st, 1), im->file);
        n++;
    }
    sqlite3_finalize(st);
    if (rc == LCM_OK && n)
        rc =
            lcm_err_set(err, LCM_CONSTRAINT, "%ld roster %s no household of '%s', nothing imported",
                        n, n == 1 ? "row names" : "rows name", im->file);
    return rc;
}

void lcm__resp_rosters_free(resp_state *s) {
    for (int k = 0; k < LCM_RESP_MAX_ROSTERS; k++) {
        roster_spec *r = &s->rosters[k];
        for (size_t j = 0; r->name && j < r->ncols; j++)
            free(r->name[j]);
        free(r->name);
        free(r->field);
        forget_keys(r);
        free(r->keys);
        free(r->rows);
    }
}
