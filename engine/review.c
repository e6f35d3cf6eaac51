/*
 * review.c - review states of the interviews `lcmon serve` collected, their history, and
 * the rule estimates read them by (review.h, docs/review.md).
 */
#include "review.h"

#include "error.h"
#include "survey.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *code, *label;
} states[LCM_REVIEW_NSTATES] = {
    {"received", "待审核"}, {"approved", "已通过"},        {"has_issues", "需修改"},
    {"rejected", "已拒绝"}, {"resubmitted", "已重新提交"},
};

const char *lcm_review_state_code(lcm_review_state s) {
    return (unsigned)s < LCM_REVIEW_NSTATES ? states[s].code : "";
}

const char *lcm_review_state_label(lcm_review_state s) {
    return (unsigned)s < LCM_REVIEW_NSTATES ? states[s].label : "";
}

int lcm_review_state_parse(const char *code, lcm_review_state *out) {
    for (int i = 0; code && i < LCM_REVIEW_NSTATES; i++)
        if (strcmp(code, states[i].code) == 0 || strcmp(code, states[i].label) == 0) {
            *out = (lcm_review_state)i;
            return 1;
        }
    return 0;
}

const char *lcm_review_unreviewed_name(int unreviewed) {
    return unreviewed ? "include" : "exclude";
}

/* The one rule of estimates: a row's review state, 'imported' when lcmon serve did not
 * collect it (no review and no submission row), must be among those counted. */
void lcm_review_where(lcm_strbuf *sb, const char *table, int unreviewed) {
    lcm_strbuf_addf(sb,
                    " AND coalesce((SELECT r.state FROM submission_reviews r"
                    " WHERE r.instance_id = \"%s\".\"instance_id\"),"
                    " (SELECT 'received' FROM serve_submissions s"
                    " WHERE s.instance_id = \"%s\".\"instance_id\"), 'imported') IN"
                    " ('imported', 'approved'%s)",
                    table, table, unreviewed ? ", 'received', 'resubmitted'" : "");
}

static const char *who_of(const lcm_review_by *by) {
    return by && by->who && *by->who ? by->who : "命令行";
}

/* ---- reading ------------------------------------------------------------------------- */

static void copy_col(sqlite3_stmt *st, int i, char *dst, size_t cap) {
    const unsigned char *t = sqlite3_column_text(st, i);
    snprintf(dst, cap, "%s", t ? (const char *)t : "");
}

#define LIST_SQL                                                                                   \
    "SELECT r.instance_id, r.form_id, r.form_version, r.city_code, r.state, r.comment,"            \
    " r.user_id, r.who, r.at, s.submitted_at, s.duplicate_of, f.table_name,"                       \
    " (SELECT coalesce(sum(p.time_ms), 0) FROM serve_paradata p"                                   \
    "  WHERE p.instance_id = r.instance_id),"                                                      \
    " (SELECT count(*) FROM serve_paradata p WHERE p.instance_id = r.instance_id),"                \
    " (SELECT coalesce(sum(p.back_count), 0) FROM serve_paradata p"                                \
    "  WHERE p.instance_id = r.instance_id)"                                                       \
    " FROM submission_reviews r LEFT JOIN serve_submissions s USING (instance_id)"                 \
    " LEFT JOIN forms f ON f.form_id = r.form_id AND f.version = r.form_version"

/* The interviewer and household of an instance, from its form's table. */
static void answers_of(lcm_db *db, const char *table, lcm_review *v) {
    if (!table || !lcm_sql_name_ok(table))
        return;
    char *sql = sqlite3_mprintf("SELECT interviewer, household_id FROM \"%w\""
                                " WHERE instance_id = ?1",
                                table);
    sqlite3_stmt *st = NULL;
    if (sql && sqlite3_prepare_v2(lcm_db_sqlite(db), sql, -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, v->instance_id, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) {
            copy_col(st, 0, v->interviewer, sizeof v->interviewer);
            copy_col(st, 1, v->household_id, sizeof v->household_id);
        }
    }
    sqlite3_finalize(st);
    sqlite3_free(sql);
}

static lcm_status read_row(lcm_db *db, sqlite3_stmt *st, lcm_review *v, lcm_err *err) {
    memset(v, 0, sizeof *v);
    copy_col(st, 0, v->instance_id, sizeof v->instance_id);
    copy_col(st, 1, v->form_id, sizeof v->form_id);
    copy_col(st, 2, v->form_version, sizeof v->form_version);
    copy_col(st, 3, v->city, sizeof v->city);
    if (!lcm_review_state_parse((const char *)sqlite3_column_text(st, 4), &v->state))
        return lcm_err_set(err, LCM_INTERNAL, "unknown review state of '%s'", v->instance_id);
    const unsigned char *c = sqlite3_column_text(st, 5);
    if (!(v->comment = strdup(c ? (const char *)c : "")))
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    v->user_id = sqlite3_column_int64(st, 6);
    copy_col(st, 7, v->who, sizeof v->who);
    copy_col(st, 8, v->at, sizeof v->at);
    copy_col(st, 9, v->submitted_at, sizeof v->submitted_at);
    copy_col(st, 10, v->duplicate_of, sizeof v->duplicate_of);
    v->duration_ms = sqlite3_column_int64(st, 12);
    v->pages = (long)sqlite3_column_int64(st, 13);
    v->backs = (long)sqlite3_column_int64(st, 14);
    answers_of(db, (const char *)sqlite3_column_text(st, 11), v);
    return LCM_OK;
}

void lcm_review_free(lcm_review *r, size_t n) {
    for (size_t i = 0; r && i < n; i++)
        free(r[i].comment);
    free(r);
}

lcm_status lcm_review_list(lcm_db *db, const lcm_review_query *q, lcm_review **out, size_t *n,
                           lcm_err *err) {
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = NULL;
    lcm_status rc =
        lcm_db_prepare(db,
                       LIST_SQL " WHERE (?1 = '' OR r.city_code = ?1) AND (?2 = '' OR r.state = ?2)"
                                " AND (?3 = 0 OR EXISTS (SELECT 1 FROM field_assignments a"
                                "  WHERE a.instance_id = r.instance_id AND a.interviewer_id = ?3))"
                                " ORDER BY coalesce(s.submitted_at, r.at), r.instance_id",
                       &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, q && q->city ? q->city : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, q && q->state >= 0 ? lcm_review_state_code(q->state) : "", -1,
                      SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, q ? q->interviewer_id : 0);
    lcm_review *v = NULL;
    size_t cap = 0, k = 0;
    int step;
    while (rc == LCM_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        if (k == cap) {
            size_t nc = cap ? 2 * cap : 16;
            lcm_review *g = realloc(v, nc * sizeof *g);
            if (!g) {
                rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
                break;
            }
            v = g, cap = nc;
        }
        rc = read_row(db, st, &v[k], err);
        k++; /* its comment is freed with the rest, also on failure */
    }
    if (rc == LCM_OK && step != SQLITE_DONE)
        rc = lcm_db_fail(db, err, "listing reviews");
    sqlite3_finalize(st);
    if (rc != LCM_OK) {
        lcm_review_free(v, k);
        return rc;
    }
    *out = v;
    *n = k;
    return LCM_OK;
}

static int city_ok(const lcm_review_by *by, const char *city) {
    return !by || !by->city || !*by->city || strcmp(by->city, city) == 0;
}

lcm_status lcm_review_get(lcm_db *db, const char *instance_id, const lcm_review_by *by,
                          lcm_review *out, lcm_err *err) {
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db, LIST_SQL " WHERE r.instance_id = ?1", &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, instance_id, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        rc = read_row(db, st, out, err);
    else if (step == SQLITE_DONE)
        rc = lcm_err_set(err, LCM_NOTFOUND, "no interview collected by lcmon serve: '%s'",
                         instance_id);
    else
        rc = lcm_db_fail(db, err, "reading a review");
    sqlite3_finalize(st);
    if (rc == LCM_OK && !city_ok(by, out->city))
        rc = lcm_err_set(err, LCM_NOTFOUND, "no interview collected by lcmon serve: '%s'",
                         instance_id);
    if (rc != LCM_OK) {
        free(out->comment);
        memset(out, 0, sizeof *out);
    }
    return rc;
}

/* ---- writing ------------------------------------------------------------------------- */

static lcm_status begin_own(lcm_db *db, int *own, lcm_err *err) {
    *own = sqlite3_get_autocommit(lcm_db_sqlite(db));
    return *own ? lcm_db_begin(db, err) : LCM_OK;
}

static lcm_status end_own(lcm_db *db, int own, lcm_status rc, lcm_err *err) {
    if (!own)
        return rc;
    if (rc == LCM_OK)
        rc = lcm_db_commit(db, err);
    if (rc != LCM_OK)
        lcm_db_rollback(db);
    return rc;
}

/* Estimates may keep a columnar copy of a form's rows (survey.c) keyed by the filter's
 * text, which a change of review state does not change: the copies of the form go. */
static lcm_status forget_copies(lcm_db *db, const char *form_id, lcm_err *err) {
    if (!lcm_table_has_column(db, "column_cache", "source"))
        return LCM_OK;
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare_cached(db,
                                          "DELETE FROM column_cache WHERE source IN (SELECT "
                                          "table_name FROM forms WHERE form_id = ?1)",
                                          &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, form_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st) == SQLITE_DONE ? LCM_OK : lcm_db_fail(db, err, "forgetting copies");
    sqlite3_reset(st);
    return rc;
}

/* Write the new state of v (state, comment, who) and its history row. */
static lcm_status record(lcm_db *db, const lcm_review *v, int had, lcm_review_state from,
                         lcm_review_state to, const char *comment, const lcm_review_by *by,
                         lcm_err *err) {
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare_cached(
        db,
        "INSERT INTO submission_reviews(instance_id, form_id, form_version, city_code, state,"
        " comment, user_id, who, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
        " strftime('%Y-%m-%dT%H:%M:%SZ','now')) ON CONFLICT(instance_id) DO UPDATE SET"
        " state = excluded.state, comment = excluded.comment, user_id = excluded.user_id,"
        " who = excluded.who, at = excluded.at",
        &st, err);
    for (int pass = 0; rc == LCM_OK && pass < 2; pass++) {
        sqlite3_bind_text(st, 1, v->instance_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, v->form_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, v->form_version, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, v->city, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, lcm_review_state_code(to), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, comment ? comment : "", -1, SQLITE_STATIC);
        if (by && by->user_id > 0)
            sqlite3_bind_int64(st, 7, by->user_id);
        else
            sqlite3_bind_null(st, 7);
        sqlite3_bind_text(st, 8, who_of(by), -1, SQLITE_STATIC);
        if (pass == 1) {
            if (had)
                sqlite3_bind_text(st, 9, lcm_review_state_code(from), -1, SQLITE_STATIC);
            else
                sqlite3_bind_null(st, 9);
        }
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = lcm_db_fail(db, err, "recording a review");
        sqlite3_reset(st);
        st = NULL;
        if (rc == LCM_OK && pass == 0)
            rc = lcm_db_prepare_cached(
                db,
                "INSERT INTO submission_review_history(instance_id, form_id, form_version,"
                " city_code, to_state, comment, user_id, who, from_state, at) VALUES (?1, ?2,"
                " ?3, ?4, ?5, ?6, ?7, ?8, ?9, strftime('%Y-%m-%dT%H:%M:%SZ','now'))",
                &st, err);
    }
    if (rc == LCM_OK)
        rc = forget_copies(db, v->form_id, err);
    return rc;
}

static int allowed(lcm_review_state from, lcm_review_state to, int admin) {
    switch (to) {
    case LCM_REVIEW_APPROVED:
    case LCM_REVIEW_HAS_ISSUES:
    case LCM_REVIEW_REJECTED:
        return from == LCM_REVIEW_RECEIVED || from == LCM_REVIEW_RESUBMITTED;
    case LCM_REVIEW_RECEIVED: /* reopening a final decision; one with issues may be open
                                 for editing, and moves by its resubmission only */
        return admin && (from == LCM_REVIEW_APPROVED || from == LCM_REVIEW_REJECTED);
    default:
        return 0;
    }
}

static lcm_status check_comment(const char *comment, lcm_review_state to, lcm_err *err) {
    size_t len = comment ? strlen(comment) : 0;
    size_t blank = comment ? strspn(comment, " \t\r\n") : 0;
    if (to == LCM_REVIEW_HAS_ISSUES && blank == len)
        return lcm_err_set(err, LCM_INVAL,
                           "a comment is required for has_issues: it tells the interviewer "
                           "what to change");
    if (len > LCM_REVIEW_COMMENT_MAX)
        return lcm_err_set(err, LCM_INVAL, "comment longer than %d bytes: %zu",
                           LCM_REVIEW_COMMENT_MAX, len);
    if (comment && !lcm_utf8_valid(comment, len))
        return lcm_err_set(err, LCM_INVAL, "comment is not valid UTF-8");
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)comment[i] < 0x20 && !strchr("\t\r\n", comment[i]))
            return lcm_err_set(err, LCM_INVAL, "comment holds a control character at byte %zu",
                               i + 1);
    return LCM_OK;
}

lcm_status lcm_review_set(lcm_db *db, const char *instance_id, lcm_review_state to,
                          const char *comment, const lcm_review_by *by, lcm_err *err) {
    if ((unsigned)to >= LCM_REVIEW_NSTATES)
        return lcm_err_set(err, LCM_INVAL, "unknown review state");
    lcm_status rc = check_comment(comment, to, err);
    if (rc != LCM_OK)
        return rc;
    int own;
    if ((rc = begin_own(db, &own, err)) != LCM_OK)
        return rc;
    lcm_review v;
    if ((rc = lcm_review_get(db, instance_id, by, &v, err)) == LCM_OK) {
        if (!allowed(v.state, to, by ? by->admin : 1))
            rc = lcm_err_set(err, LCM_CONFLICT, "interview '%s' is %s: it cannot become %s%s",
                             instance_id, lcm_review_state_code(v.state), lcm_review_state_code(to),
                             to == LCM_REVIEW_RESUBMITTED ? " but by the interviewer's resubmission"
                             : v.state == LCM_REVIEW_APPROVED || v.state == LCM_REVIEW_REJECTED
                                 ? " (final: an administrator may reopen it as received)"
                             : v.state == LCM_REVIEW_HAS_ISSUES
                                 ? " before the interviewer resubmits it"
                                 : "");
        else
            rc = record(db, &v, 1, v.state, to, comment, by, err);
        free(v.comment);
    }
    return end_own(db, own, rc, err);
}

lcm_status lcm_review_submitted(lcm_db *db, const char *form_id, const char *form_version,
                                const char *instance_id, const char *city, const lcm_review_by *by,
                                lcm_err *err) {
    int own;
    lcm_status rc = begin_own(db, &own, err);
    if (rc != LCM_OK)
        return rc;
    /* the state alone first, with a kept statement: every submission asks, and only one
     * returned with issues needs the whole review */
    sqlite3_stmt *st = NULL;
    int found = 0, issues = 0;
    rc = lcm_db_prepare_cached(db, "SELECT state FROM submission_reviews WHERE instance_id = ?1",
                               &st, err);
    if (rc == LCM_OK) {
        sqlite3_bind_text(st, 1, instance_id, -1, SQLITE_STATIC);
        int step = sqlite3_step(st);
        if (step == SQLITE_ROW) {
            const unsigned char *t = sqlite3_column_text(st, 0);
            found = 1;
            issues =
                t && strcmp((const char *)t, lcm_review_state_code(LCM_REVIEW_HAS_ISSUES)) == 0;
        } else if (step != SQLITE_DONE)
            rc = lcm_db_fail(db, err, "reading a review");
        sqlite3_reset(st);
    }
    if (rc != LCM_OK || (found && !issues))
        return end_own(db, own, rc, err);
    lcm_review v;
    rc = lcm_review_get(db, instance_id, NULL, &v, NULL);
    if (rc == LCM_NOTFOUND) {
        memset(&v, 0, sizeof v);
        snprintf(v.instance_id, sizeof v.instance_id, "%s", instance_id);
        snprintf(v.form_id, sizeof v.form_id, "%s", form_id);
        snprintf(v.form_version, sizeof v.form_version, "%s", form_version);
        snprintf(v.city, sizeof v.city, "%s", city ? city : "");
        rc = record(db, &v, 0, LCM_REVIEW_RECEIVED, LCM_REVIEW_RECEIVED, NULL, by, err);
    } else if (rc == LCM_OK) {
        if (v.state == LCM_REVIEW_HAS_ISSUES)
            rc = record(db, &v, 1, v.state, LCM_REVIEW_RESUBMITTED, NULL, by, err);
        free(v.comment);
    } else {
        rc = lcm_err_set(err, rc, "reading the review of '%s'", instance_id);
    }
    return end_own(db, own, rc, err);
}

lcm_status lcm_review_reopen_draft(lcm_db *db, const char *instance_id, lcm_err *err) {
    int own;
    lcm_status rc = begin_own(db, &own, err);
    if (rc != LCM_OK)
        return rc;
    lcm_review v;
    sqlite3_stmt *st = NULL;
    char table[192] = "";
    if ((rc = lcm_review_get(db, instance_id, NULL, &v, err)) != LCM_OK)
        return end_own(db, own, rc, err);
    if (v.state != LCM_REVIEW_HAS_ISSUES)
        rc = lcm_err_set(err, LCM_CONFLICT, "interview '%s' is %s: only one with issues is edited",
                         instance_id, lcm_review_state_code(v.state));
    if (rc == LCM_OK &&
        (rc = lcm_db_prepare(db, "SELECT table_name FROM forms WHERE form_id = ?1 AND version = ?2",
                             &st, err)) == LCM_OK) {
        sqlite3_bind_text(st, 1, v.form_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, v.form_version, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            copy_col(st, 0, table, sizeof table);
        sqlite3_finalize(st);
        st = NULL;
        if (!lcm_sql_name_ok(table))
            rc = lcm_err_set(err, LCM_NOTFOUND, "form '%s' version '%s' is not loaded", v.form_id,
                             v.form_version);
    }
    if (rc == LCM_OK) {
        char *sql =
            sqlite3_mprintf("UPDATE \"%w\" SET status = 'draft' WHERE instance_id = ?1", table);
        if (!sql)
            rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
        else if ((rc = lcm_db_prepare(db, sql, &st, err)) == LCM_OK) {
            sqlite3_bind_text(st, 1, instance_id, -1, SQLITE_STATIC);
            if (sqlite3_step(st) != SQLITE_DONE)
                rc = lcm_db_fail(db, err, "reopening an interview");
            else if (sqlite3_changes(lcm_db_sqlite(db)) != 1)
                rc = lcm_err_set(err, LCM_NOTFOUND, "no answers of interview '%s' in '%s'",
                                 instance_id, table);
            sqlite3_finalize(st);
        }
        sqlite3_free(sql);
    }
    free(v.comment);
    return end_own(db, own, rc, err);
}
