/*
 * form_store.c - a form in the database: its row in `forms` (with the three files kept
 * verbatim in `definition`, so the form read back is exactly the form loaded) and its
 * response tables, created from the checked field list.
 *
 * Identifiers in the generated SQL are table and field names that passed the XLSForm
 * name rules at load; they are quoted all the same. Values are always bound.
 */
#include "form_int.h"
#include "strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const file_names[3] = {"survey.csv", "choices.csv", "settings.csv"};

/* `definition`: "lcmon-form 1\n" then per file "<name> <bytes>\n<text>\n" ("-" = absent). */
static char *container(const lcm_form *f) {
    lcm_strbuf sb = LCM_STRBUF_INIT;
    lcm_strbuf_adds(&sb, "lcmon-form 1\n");
    for (int i = 0; i < 3; i++) {
        if (!f->text[i]) {
            lcm_strbuf_addf(&sb, "%s -\n", file_names[i]);
            continue;
        }
        lcm_strbuf_addf(&sb, "%s %zu\n", file_names[i], strlen(f->text[i]));
        lcm_strbuf_adds(&sb, f->text[i]);
        lcm_strbuf_addc(&sb, '\n');
    }
    /* then the data files read with the form, the same way (a definition without them
     * is one of an earlier lcmon, or of a form without data files) */
    for (size_t i = 0; i < f->next; i++) {
        lcm_strbuf_addf(&sb, "%s %zu\n", f->ext_names[i], strlen(f->ext_texts[i]));
        lcm_strbuf_adds(&sb, f->ext_texts[i]);
        lcm_strbuf_addc(&sb, '\n');
    }
    return lcm_strbuf_detach(&sb);
}

typedef struct stored_ext {
    char **names, **texts;
    size_t n;
} stored_ext;

static void stored_ext_free(stored_ext *x) {
    for (size_t i = 0; i < x->n; i++)
        free(x->names[i]), free(x->texts[i]);
    free(x->names), free(x->texts);
}

/* The data files after the three: "<name> <bytes>\n<text>\n" each. */
static lcm_status uncontain_ext(const char *p, stored_ext *x, lcm_err *err) {
    while (*p) {
        const char *sp = strchr(p, ' ');
        size_t len;
        int used = 0;
        if (!sp || sp == p || sp - p > 200 || sscanf(sp + 1, "%zu\n%n", &len, &used) != 1 ||
            used == 0 || strlen(sp + 1 + used) < len + 1)
            return lcm_err_set(err, LCM_PARSE, "stored form definition is damaged");
        char **n = realloc(x->names, (x->n + 1) * sizeof *n);
        if (n)
            x->names = n;
        char **t = n ? realloc(x->texts, (x->n + 1) * sizeof *t) : NULL;
        if (t)
            x->texts = t;
        if (!t)
            return lcm_err_set(err, LCM_NOMEM, "out of memory reading a stored form");
        x->names[x->n] = strndup(p, (size_t)(sp - p));
        x->texts[x->n] = strndup(sp + 1 + used, len);
        x->n++;
        if (!x->names[x->n - 1] || !x->texts[x->n - 1])
            return lcm_err_set(err, LCM_NOMEM, "out of memory reading a stored form");
        p = sp + 1 + used + len + 1;
    }
    return LCM_OK;
}

static lcm_status uncontain(const char *def, char *text[3], stored_ext *x, lcm_err *err) {
    const char *p = def;
    if (strncmp(p, "lcmon-form 1\n", 13) != 0)
        return lcm_err_set(err, LCM_PARSE, "stored form definition has an unknown format");
    p += 13;
    for (int i = 0; i < 3; i++) {
        size_t nlen = strlen(file_names[i]), len;
        int used = 0;
        if (strncmp(p, file_names[i], nlen) != 0 || p[nlen] != ' ')
            return lcm_err_set(err, LCM_PARSE, "stored form definition is damaged");
        p += nlen + 1;
        if (strncmp(p, "-\n", 2) == 0) {
            p += 2;
            continue;
        }
        if (sscanf(p, "%zu\n%n", &len, &used) != 1 || used == 0 || strlen(p + used) < len + 1)
            return lcm_err_set(err, LCM_PARSE, "stored form definition is damaged");
        p += used;
        if (!(text[i] = strndup(p, len)))
            return lcm_err_set(err, LCM_NOMEM, "out of memory reading a stored form");
        p += len + 1;
    }
    return uncontain_ext(p, x, err);
}

static const char *sql_type(lcm_field_type t) {
    switch (t) {
    case LCM_FT_INTEGER:
        return "INTEGER";
    case LCM_FT_DECIMAL:
    case LCM_FT_RANGE:
        return "REAL";
    case LCM_FT_CALCULATE:
        return "NUMERIC"; /* numbers stay numbers, text stays text */
    default:
        return "TEXT";
    }
}

/* Append the column definitions of the fields stored in table. */
static void add_field_columns(lcm_strbuf *sb, const lcm_form *f, const char *table) {
    for (size_t i = 0; i < f->nfields; i++) {
        const lcm_field *fd = &f->fields[i];
        if (!lcm__field_in_table(fd, table))
            continue;
        lcm_strbuf_addf(sb, ",\n  \"%s\" %s", fd->column, sql_type(fd->type));
        for (size_t k = 0; fd->type == LCM_FT_SELECT_MULTIPLE && k < fd->list->n; k++) {
            if (!lcm_field_choice_column(fd, k))
                continue;
            char *mc = lcm__multi_column(fd, &fd->list->items[k]);
            if (!mc) {
                sb->oom = 1;
                return;
            }
            lcm_strbuf_addf(sb, ",\n  \"%s\" INTEGER CHECK (\"%s\" IN (0, 1))", mc, mc);
            free(mc);
        }
    }
}

static char *create_sql(const lcm_form *f) {
    lcm_strbuf sb = LCM_STRBUF_INIT;
    lcm_strbuf_addf(&sb, "CREATE TABLE \"%s\" (", f->table);
    for (size_t i = 0; i < lcm__n_std_cols; i++)
        lcm_strbuf_addf(&sb, "%s\n  %s %s", i ? "," : "", lcm__std_cols[i].name,
                        lcm__std_cols[i].decl);
    add_field_columns(&sb, f, f->table);
    lcm_strbuf_addf(&sb, ");\nCREATE INDEX \"%s_city\" ON \"%s\"(city, wave);\n", f->table,
                    f->table);
    for (size_t i = 0; i < f->nfields; i++) {
        const lcm_field *fd = &f->fields[i];
        if (fd->type != LCM_FT_BEGIN_REPEAT)
            continue;
        lcm_strbuf_addf(&sb,
                        "CREATE TABLE \"%s\" (\n  instance_id TEXT NOT NULL REFERENCES \"%s\""
                        "(instance_id) ON DELETE CASCADE,\n  position INTEGER NOT NULL CHECK "
                        "(position >= 1)",
                        fd->table, f->table);
        if (fd->repeat >= 0) /* a repeat inside a repeat: the row it belongs to */
            lcm_strbuf_adds(&sb, ",\n  parent_position INTEGER NOT NULL CHECK "
                                 "(parent_position >= 1)");
        add_field_columns(&sb, f, fd->table);
        lcm_strbuf_adds(&sb, ",\n  PRIMARY KEY (instance_id, position)");
        if (fd->repeat >= 0)
            lcm_strbuf_addf(&sb,
                            ",\n  FOREIGN KEY (instance_id, parent_position) REFERENCES "
                            "\"%s\"(instance_id, position) ON DELETE CASCADE",
                            f->fields[fd->repeat].table);
        lcm_strbuf_adds(&sb, ");\n");
    }
    return lcm_strbuf_detach(&sb);
}

/* 1 and the digest when form_id/version is stored, 0 when not. */
static lcm_status stored_digest(lcm_db *db, const lcm_form *f, char **digest, lcm_err *err) {
    sqlite3_stmt *st = NULL;
    *digest = NULL;
    lcm_status rc = lcm_db_prepare(
        db, "SELECT digest FROM forms WHERE form_id = ?1 AND version = ?2", &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, f->form_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, f->version, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW && !(*digest = strdup((const char *)sqlite3_column_text(st, 0))))
        rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
    else if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = lcm_db_fail(db, err, "reading the forms table");
    sqlite3_finalize(st);
    return rc;
}

static lcm_status insert_form_row(lcm_db *db, const lcm_form *f, lcm_err *err) {
    sqlite3_stmt *st = NULL;
    char *def = container(f);
    if (!def)
        return lcm_err_set(err, LCM_NOMEM, "out of memory storing a form");
    lcm_status rc = lcm_db_prepare(db,
                                   "INSERT INTO forms(form_id, version, title, digest, table_name, "
                                   "definition) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                   &st, err);
    if (rc == LCM_OK) {
        const char *v[6] = {f->form_id, f->version, f->title, f->digest, f->table, def};
        for (int i = 0; i < 6; i++)
            sqlite3_bind_text(st, i + 1, v[i], -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc =
                sqlite3_extended_errcode(lcm_db_sqlite(db)) == SQLITE_CONSTRAINT_UNIQUE
                    ? lcm_err_set(err, LCM_CONFLICT,
                                  "another form already stores its answers in table '%s'", f->table)
                    : lcm_db_fail(db, err, "storing the form");
    }
    sqlite3_finalize(st);
    free(def);
    return rc;
}

lcm_status lcm_form_store(lcm_db *db, const lcm_form *f, int *created, lcm_err *err) {
    char *digest = NULL, *ddl = NULL;
    int made = 0;
    lcm_status rc = lcm_db_begin(db, err);
    if (rc != LCM_OK)
        return rc;
    if ((rc = stored_digest(db, f, &digest, err)) != LCM_OK)
        goto cleanup;
    if (digest) {
        if (strcmp(digest, f->digest) != 0)
            rc = lcm_err_set(err, LCM_CONFLICT,
                             "form '%s' version '%s' is already loaded with different content: "
                             "give the changed form a new version in settings.csv",
                             f->form_id, f->version);
        goto cleanup;
    }
    if (!(ddl = create_sql(f))) {
        rc = lcm_err_set(err, LCM_NOMEM, "out of memory storing a form");
        goto cleanup;
    }
    if ((rc = insert_form_row(db, f, err)) == LCM_OK && (rc = lcm_db_exec(db, ddl, err)) == LCM_OK)
        made = 1;
cleanup:
    if (rc == LCM_OK)
        rc = lcm_db_commit(db, err);
    if (rc != LCM_OK)
        lcm_db_rollback(db);
    if (created)
        *created = rc == LCM_OK && made;
    free(digest);
    free(ddl);
    return rc;
}

lcm_status lcm_form_get(lcm_db *db, const char *form_id, const char *version, lcm_form **out,
                        lcm_err *err) {
    sqlite3_stmt *st = NULL;
    char *text[4] = {NULL, NULL, NULL, NULL}; /* no entities: they are not stored */
    stored_ext x = {0};
    *out = NULL;
    lcm_status rc = lcm_db_prepare(db,
                                   "SELECT definition FROM forms WHERE form_id = ?1 AND (?2 IS "
                                   "NULL OR version = ?2) ORDER BY loaded_at DESC, rowid DESC "
                                   "LIMIT 1",
                                   &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, form_id, -1, SQLITE_STATIC);
    if (version)
        sqlite3_bind_text(st, 2, version, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        rc = uncontain((const char *)sqlite3_column_text(st, 0), text, &x, err);
    else if (step == SQLITE_DONE)
        rc = lcm_err_set(err, LCM_NOTFOUND,
                         "no form '%s'%s%s%s in '%s' (load it with 'lcmon form "
                         "load')",
                         form_id, version ? " version '" : "", version ? version : "",
                         version ? "'" : "", lcm_db_path(db));
    else
        rc = lcm_db_fail(db, err, "reading the forms table");
    sqlite3_finalize(st);
    if (rc == LCM_OK)
        rc = lcm__form_check_full(text, form_id, NULL, x.names, x.texts, x.n, out, NULL, err);
    for (int i = 0; i < 3; i++)
        free(text[i]);
    stored_ext_free(&x);
    return rc;
}
