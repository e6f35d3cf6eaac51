/*
 * interview_drafts.c - drafts of the terminal interview found, listed and discarded
 * (interview_drafts.h). Table names come from the forms table and are quoted; every value
 * is bound.
 */
#include "interview_drafts.h"
#include "cli.h"
#include "interview.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

/* The response tables of form_id (every form when NULL): form_id, version, table_name. */
static lcm_status form_tables(lcm_db *db, const char *form_id, sqlite3_stmt **st, lcm_err *err) {
    lcm_status rc = lcm_db_prepare(db,
                                   "SELECT form_id, version, table_name FROM forms WHERE ?1 IS "
                                   "NULL OR form_id = ?1 ORDER BY form_id, loaded_at, version",
                                   st, err);
    if (rc == LCM_OK && form_id)
        sqlite3_bind_text(*st, 1, form_id, -1, SQLITE_STATIC);
    return rc;
}

static lcm_status prepare_on(lcm_db *db, const char *fmt, const char *table, sqlite3_stmt **st,
                             lcm_err *err) {
    char *sql = sqlite3_mprintf(fmt, table);
    if (!sql)
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    lcm_status rc = lcm_db_prepare(db, sql, st, err);
    sqlite3_free(sql);
    return rc;
}

lcm_status cli_draft_find(lcm_db *db, const char *form_id, const char *prefix, char *id,
                          size_t idcap, lcm_err *err) {
    sqlite3_stmt *ft = NULL;
    char found[4][64];
    size_t n = 0;
    lcm_status rc = *prefix ? form_tables(db, form_id, &ft, err)
                            : lcm_err_set(err, LCM_INVAL, "an empty instance id");
    while (rc == LCM_OK && sqlite3_step(ft) == SQLITE_ROW) {
        sqlite3_stmt *st = NULL;
        rc = prepare_on(db,
                        "SELECT instance_id, status FROM \"%w\" WHERE substr(instance_id, 1, "
                        "length(?1)) = ?1 ORDER BY instance_id",
                        (const char *)sqlite3_column_text(ft, 2), &st, err);
        if (rc != LCM_OK)
            break;
        sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
        while (sqlite3_step(st) == SQLITE_ROW) {
            if (n < 4)
                snprintf(found[n], sizeof found[n], "%s (%s)", sqlite3_column_text(st, 0),
                         sqlite3_column_text(st, 1));
            if (n == 0)
                snprintf(id, idcap, "%s", (const char *)sqlite3_column_text(st, 0));
            n++;
        }
        sqlite3_finalize(st);
    }
    sqlite3_finalize(ft);
    if (rc != LCM_OK)
        return rc;
    if (n == 0)
        return lcm_err_set(err, LCM_NOTFOUND, "no instance '%s' of form '%s'", prefix,
                           form_id ? form_id : "");
    if (n > 1)
        return lcm_err_set(err, LCM_CONFLICT,
                           "'%s' starts %zu instance ids, give more of it: %s, %s%s%s%s%s", prefix,
                           n, found[0], found[1], n > 2 ? ", " : "", n > 2 ? found[2] : "",
                           n > 3 ? ", " : "", n > 3 ? found[3] : "");
    return LCM_OK;
}

/* Where a draft stopped: "第 N 题，共 M 题 <label>" (the first question without an
 * answer), into buf. */
static void stopped_at(lcm_db *db, const char *form_id, const char *version, const char *id, int en,
                       char *buf, size_t cap) {
    lcm_form *f = NULL;
    lcm_instance *in = NULL;
    lcm_interview *iv = NULL;
    lcm_interview_item *items = NULL;
    size_t n = 0;
    lcm_prompt p;
    snprintf(buf, cap, "-");
    if (lcm_form_get(db, form_id, version, &f, NULL) != LCM_OK ||
        lcm_instance_load(db, f, id, &in, NULL) != LCM_OK ||
        lcm_interview_new(in, en ? "en" : NULL, NULL, &iv, NULL) != LCM_OK)
        goto done;
    lcm_interview_resume(iv);
    if (lcm_interview_next(iv, &p, NULL) != LCM_OK)
        goto done;
    if (p.kind == LCM_PROMPT_DONE) {
        snprintf(buf, cap, "%s", en ? "every question answered" : "已答完全部问题");
        goto done;
    }
    if (lcm_interview_questions(iv, &items, &n, NULL) != LCM_OK)
        goto done;
    size_t k = 0;
    while (k < n && !(items[k].field == p.field && items[k].row == p.row))
        k++;
    char label[64]; /* at most 60 bytes of the label, cut between characters */
    size_t len = strlen(p.label);
    if (len > 60)
        for (len = 60; len > 0 && ((unsigned char)p.label[len] & 0xC0) == 0x80;)
            len--;
    snprintf(label, sizeof label, "%.*s%s", (int)len, p.label, p.label[len] ? "…" : "");
    char row[32] = "";
    if (p.row > 0)
        snprintf(row, sizeof row, " #%ld", p.row);
    if (p.kind == LCM_PROMPT_ADD_ROW)
        snprintf(buf, cap, "%s %s%s?", en ? "add" : "添加", label, row);
    else if (en)
        snprintf(buf, cap, "question %zu of %zu: %s%s", k + 1, n, label, row);
    else
        snprintf(buf, cap, "第 %zu 题，共 %zu 题：%s%s", k + 1, n, label, row);
done:
    free(items);
    lcm_interview_free(iv);
    lcm_instance_free(in);
    lcm_form_free(f);
}

lcm_status cli_draft_list(lcm_db *db, const char *form_id, int en, FILE *out, lcm_err *err) {
    sqlite3_stmt *ft = NULL;
    size_t n = 0;
    lcm_status rc = form_tables(db, form_id, &ft, err);
    while (rc == LCM_OK && sqlite3_step(ft) == SQLITE_ROW) {
        char form[160], table[192], stop[400];
        const char *fid = (const char *)sqlite3_column_text(ft, 0);
        const char *ver = (const char *)sqlite3_column_text(ft, 1);
        snprintf(form, sizeof form, "%s %s", fid, ver);
        snprintf(table, sizeof table, "%s", (const char *)sqlite3_column_text(ft, 2));
        sqlite3_stmt *st = NULL;
        rc = prepare_on(db,
                        "SELECT instance_id, coalesce(started_at, ''), coalesce(household_id, "
                        "'') FROM \"%w\" WHERE status = 'draft' ORDER BY started_at, instance_id",
                        table, &st, err);
        while (rc == LCM_OK && sqlite3_step(st) == SQLITE_ROW) {
            const char *id = (const char *)sqlite3_column_text(st, 0);
            if (n++ == 0)
                fprintf(
                    out, "%s\n",
                    en ? "draft     form              started              household  stopped at"
                       : "草稿      问卷              开始时间             住户编号   停在");
            stopped_at(db, fid, ver, id, en, stop, sizeof stop);
            const char *hh = (const char *)sqlite3_column_text(st, 2);
            fprintf(out, "%-8.8s  %-16s  %-19.19s  %-*s  %s\n", id, form,
                    (const char *)sqlite3_column_text(st, 1),
                    (int)(9 + strlen(hh) - cli_display_width(hh)), *hh ? hh : "-", stop);
        }
        sqlite3_finalize(st);
    }
    sqlite3_finalize(ft);
    if (rc == LCM_OK && n == 0)
        fprintf(out, "%s\n", en ? "no drafts" : "没有草稿");
    else if (rc == LCM_OK)
        fprintf(out, "%s\n",
                en ? "(continue one with 'lcmon interview DB --resume ID', the first characters "
                     "of its id are enough)"
                   : "（继续访问：lcmon interview DB --resume 草稿编号，输入编号的前几位即可）");
    return rc;
}

lcm_status cli_draft_discard(lcm_db *db, const lcm_form *f, const char *id, lcm_err *err) {
    lcm_status rc = lcm_db_begin(db, err);
    sqlite3_stmt *st = NULL;
    int draft = 0;
    if (rc == LCM_OK &&
        (rc = prepare_on(db, "SELECT status = 'draft' FROM \"%w\" WHERE instance_id = ?1",
                         lcm_form_table(f), &st, err)) == LCM_OK) {
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        draft = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    for (size_t i = 0; rc == LCM_OK && draft && i <= lcm_form_nfields(f); i++) {
        const char *table = i == lcm_form_nfields(f) ? lcm_form_table(f) : NULL;
        if (!table && lcm_form_field(f, i)->type == LCM_FT_BEGIN_REPEAT)
            table = lcm_form_field(f, i)->table;
        if (!table)
            continue;
        if ((rc = prepare_on(db, "DELETE FROM \"%w\" WHERE instance_id = ?1", table, &st, err)) !=
            LCM_OK)
            break;
        sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = lcm_err_set(err, LCM_DB, "cannot discard draft '%s': %s", id,
                             sqlite3_errmsg(lcm_db_sqlite(db)));
        sqlite3_finalize(st);
    }
    if (rc == LCM_OK)
        return lcm_db_commit(db, err);
    lcm_db_rollback(db);
    return rc;
}
