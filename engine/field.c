/*
 * field.c - campaigns, respondent tokens, interviewers, dispositions and places
 * (engine/field.h). Sample lists (lcm_field_assign_csv) are read in field_assign.c.
 *
 * Plain tokens never reach the database: every look-up hashes the token given and asks for
 * the hash. Every statement binds its parameters.
 */
#include "field.h"
#include "field_int.h"
#include "form.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lcm__field_copy(char *dst, size_t cap, const unsigned char *src) {
    snprintf(dst, cap, "%s", src ? (const char *)src : "");
}

/* Run a prepared write; SQLITE_DONE expected. Finalizes st. */
static lcm_status run(lcm_db *db, sqlite3_stmt *st, const char *doing, lcm_err *err) {
    int r = sqlite3_step(st);
    lcm_status rc = LCM_OK;
    if ((r & 0xff) == SQLITE_CONSTRAINT)
        rc = lcm_err_set(err, LCM_EXISTS, "%s: %s", doing, sqlite3_errmsg(lcm_db_sqlite(db)));
    else if (r != SQLITE_DONE)
        rc = lcm_db_fail(db, err, doing);
    sqlite3_finalize(st);
    return rc;
}

/* ---- campaigns ------------------------------------------------------------------------ */

int lcm_field_slug_ok(const char *s) {
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > LCM_FIELD_SLUG_MAX || s[0] == '-')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return 0;
    return 1;
}

#define CAMPAIGN_COLS                                                                              \
    "SELECT c.id, c.slug, c.form_id, c.form_version, c.city_code, ci.name, c.wave, c.mode, "       \
    "c.closed, (SELECT count(*) FROM field_tokens t WHERE t.campaign_id = c.id), "                 \
    "(SELECT count(*) FROM field_tokens t WHERE t.campaign_id = c.id AND t.state = "               \
    "'submitted'), (SELECT count(*) FROM field_assignments a WHERE a.campaign_id = c.id) "         \
    "FROM field_campaigns c JOIN cities ci ON ci.code = c.city_code "

static void campaign_row(sqlite3_stmt *st, lcm_field_campaign *c) {
    memset(c, 0, sizeof *c);
    c->id = sqlite3_column_int64(st, 0);
    lcm__field_copy(c->slug, sizeof c->slug, sqlite3_column_text(st, 1));
    lcm__field_copy(c->form_id, sizeof c->form_id, sqlite3_column_text(st, 2));
    lcm__field_copy(c->form_version, sizeof c->form_version, sqlite3_column_text(st, 3));
    lcm__field_copy(c->city, sizeof c->city, sqlite3_column_text(st, 4));
    lcm__field_copy(c->city_name, sizeof c->city_name, sqlite3_column_text(st, 5));
    c->wave = sqlite3_column_int(st, 6);
    const unsigned char *m = sqlite3_column_text(st, 7);
    c->mode = m && strcmp((const char *)m, "token") == 0 ? LCM_FIELD_TOKEN : LCM_FIELD_OPEN;
    c->closed = sqlite3_column_int(st, 8);
    c->tokens = sqlite3_column_int(st, 9);
    c->submitted = sqlite3_column_int(st, 10);
    c->assignments = sqlite3_column_int(st, 11);
}

static lcm_status campaign_one(lcm_db *db, const char *where, const char *text, long long id,
                               lcm_field_campaign *out, lcm_err *err) {
    char sql[1024];
    snprintf(sql, sizeof sql, "%s WHERE %s", CAMPAIGN_COLS, where);
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare_cached(db, sql, &st, err);
    if (rc != LCM_OK)
        return rc;
    if (text)
        sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
    else
        sqlite3_bind_int64(st, 1, id);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        lcm_field_campaign c;
        campaign_row(st, &c);
        if (out)
            *out = c;
    } else if (r == SQLITE_DONE) {
        if (text)
            rc = lcm_err_set(err, LCM_NOTFOUND, "no such campaign: '%s'", text);
        else
            rc = lcm_err_set(err, LCM_NOTFOUND, "no such campaign: %lld", id);
    } else {
        rc = lcm_db_fail(db, err, "reading a campaign");
    }
    sqlite3_reset(st); /* cached: kept by db */
    return rc;
}

lcm_status lcm_field_campaign_get(lcm_db *db, const char *slug, lcm_field_campaign *out,
                                  lcm_err *err) {
    if (!lcm_field_slug_ok(slug))
        return lcm_err_set(err, LCM_NOTFOUND, "no such campaign: '%s'", slug ? slug : "");
    return campaign_one(db, "c.slug = ?1", slug, 0, out, err);
}

lcm_status lcm_field_campaign_by_id(lcm_db *db, long long id, lcm_field_campaign *out,
                                    lcm_err *err) {
    return campaign_one(db, "c.id = ?1", NULL, id, out, err);
}

lcm_status lcm_field_campaigns(lcm_db *db, lcm_field_campaign **out, size_t *n, lcm_err *err) {
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db, CAMPAIGN_COLS "ORDER BY c.id", &st, err);
    if (rc != LCM_OK)
        return rc;
    size_t cap = 0;
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 8;
            lcm_field_campaign *p = realloc(*out, cap * sizeof *p);
            if (!p) {
                rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
                break;
            }
            *out = p;
        }
        campaign_row(st, &(*out)[(*n)++]);
    }
    if (rc == LCM_OK && r != SQLITE_DONE)
        rc = lcm_db_fail(db, err, "listing campaigns");
    sqlite3_finalize(st);
    if (rc != LCM_OK) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

/* 1 when a row exists for sql with text parameters a, b (b may be NULL). */
static lcm_status exists(lcm_db *db, const char *sql, const char *a, const char *b, int *found,
                         lcm_err *err) {
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db, sql, &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
    if (b)
        sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    *found = r == SQLITE_ROW;
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        rc = lcm_db_fail(db, err, "looking up");
    sqlite3_finalize(st);
    return rc;
}

lcm_status lcm_field_campaign_add(lcm_db *db, const char *form_id, const char *version,
                                  const char *city, int wave, lcm_field_mode mode, const char *slug,
                                  lcm_field_campaign *out, lcm_err *err) {
    if (wave < 2000 || wave > 2100)
        return lcm_err_set(err, LCM_INVAL, "wave is not a year from 2000 to 2100: %d", wave);
    if (slug && !lcm_field_slug_ok(slug))
        return lcm_err_set(err, LCM_INVAL,
                           "slug must be 1 to %d lowercase letters, digits or '-': '%s'",
                           LCM_FIELD_SLUG_MAX, slug);
    /* the form version: given, or the most recently loaded */
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db,
                                   version ? "SELECT form_id, version FROM forms WHERE form_id = "
                                             "?1 COLLATE NOCASE AND version = ?2"
                                           : "SELECT form_id, version FROM forms WHERE form_id = "
                                             "?1 COLLATE NOCASE ORDER BY loaded_at DESC, rowid "
                                             "DESC LIMIT 1",
                                   &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, form_id, -1, SQLITE_STATIC);
    if (version)
        sqlite3_bind_text(st, 2, version, -1, SQLITE_STATIC);
    char fid[64] = "", fver[64] = "";
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        lcm__field_copy(fid, sizeof fid, sqlite3_column_text(st, 0));
        lcm__field_copy(fver, sizeof fver, sqlite3_column_text(st, 1));
    }
    sqlite3_finalize(st);
    if (r != SQLITE_ROW)
        return version ? lcm_err_set(err, LCM_NOTFOUND, "no such form version: '%s' '%s'", form_id,
                                     version)
                       : lcm_err_set(err, LCM_NOTFOUND, "no such form: '%s'", form_id);
    lcm_form *form = NULL; /* a form the web interview cannot ask is refused here */
    if ((rc = lcm_form_get(db, fid, fver, &form, err)) == LCM_OK)
        rc = lcm_form_askable(form, err);
    lcm_form_free(form);
    if (rc != LCM_OK)
        return rc;
    int found = 0;
    if ((rc = exists(db, "SELECT 1 FROM cities WHERE code = ?1", city, NULL, &found, err)) !=
        LCM_OK)
        return rc;
    if (!found)
        return lcm_err_set(err, LCM_NOTFOUND, "no such city code in the reference data: '%s'",
                           city);
    if ((rc = lcm_db_begin(db, err)) != LCM_OK)
        return rc;
    char made[LCM_FIELD_SLUG_MAX + 1];
    if (!slug) {
        /* "<form>-<city>-<wave>": the form id lowercased, '_' and '.' as '-' */
        char base[48];
        size_t k = 0;
        for (const char *p = fid; *p && k < 30; p++) {
            char ch = *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p;
            base[k++] = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ? ch : '-';
        }
        base[k] = '\0';
        for (int i = 1; i < 1000; i++) {
            if (i == 1)
                snprintf(made, sizeof made, "%s-%s-%d", base, city, wave);
            else
                snprintf(made, sizeof made, "%s-%s-%d-%d", base, city, wave, i);
            if ((rc = exists(db, "SELECT 1 FROM field_campaigns WHERE slug = ?1", made, NULL,
                             &found, err)) != LCM_OK ||
                !found)
                break;
        }
        slug = made;
    }
    if (rc == LCM_OK &&
        (rc = exists(db, "SELECT 1 FROM field_campaigns WHERE slug = ?1", slug, NULL, &found,
                     err)) == LCM_OK &&
        found)
        rc = lcm_err_set(err, LCM_EXISTS, "a campaign already has the slug '%s'", slug);
    if (rc == LCM_OK) {
        if ((rc = lcm_db_prepare(db,
                                 "SELECT slug FROM field_campaigns WHERE form_id = ?1 AND "
                                 "form_version = ?2 AND city_code = ?3 AND wave = ?4",
                                 &st, err)) == LCM_OK) {
            sqlite3_bind_text(st, 1, fid, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 2, fver, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, city, -1, SQLITE_STATIC);
            sqlite3_bind_int(st, 4, wave);
            if (sqlite3_step(st) == SQLITE_ROW)
                rc = lcm_err_set(err, LCM_EXISTS,
                                 "form '%s' version '%s' already has a campaign in city %s, "
                                 "wave %d: '%s'",
                                 fid, fver, city, wave, (const char *)sqlite3_column_text(st, 0));
            sqlite3_finalize(st);
        }
    }
    long long id = 0;
    if (rc == LCM_OK &&
        (rc = lcm_db_prepare(db,
                             "INSERT INTO field_campaigns(slug, form_id, form_version, city_code, "
                             "wave, mode) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                             &st, err)) == LCM_OK) {
        sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, fid, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, fver, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, city, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 5, wave);
        sqlite3_bind_text(st, 6, mode == LCM_FIELD_TOKEN ? "token" : "open", -1, SQLITE_STATIC);
        rc = run(db, st, "adding a campaign", err);
        id = sqlite3_last_insert_rowid(lcm_db_sqlite(db));
    }
    if (rc == LCM_OK)
        rc = lcm_db_commit(db, err);
    if (rc != LCM_OK) {
        lcm_db_rollback(db);
        return rc;
    }
    return out ? lcm_field_campaign_by_id(db, id, out, err) : LCM_OK;
}

lcm_status lcm_field_campaign_close(lcm_db *db, long long id, int closed, lcm_err *err) {
    sqlite3_stmt *st = NULL;
    lcm_status rc =
        lcm_db_prepare(db, "UPDATE field_campaigns SET closed = ?2 WHERE id = ?1", &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int(st, 2, closed ? 1 : 0);
    if ((rc = run(db, st, "closing a campaign", err)) == LCM_OK &&
        sqlite3_changes(lcm_db_sqlite(db)) == 0)
        rc = lcm_err_set(err, LCM_NOTFOUND, "no such campaign: %lld", id);
    return rc;
}

/* ---- respondent tokens ---------------------------------------------------------------- */

lcm_status lcm_field_tokens_issue(lcm_db *db, long long campaign_id, size_t n,
                                  char (*tokens)[LCM_FIELD_TOKEN_LEN + 1], long *serials,
                                  lcm_err *err) {
    lcm_status rc = lcm_field_campaign_by_id(db, campaign_id, NULL, err);
    if (rc != LCM_OK)
        return rc;
    if ((rc = lcm_db_begin(db, err)) != LCM_OK)
        return rc;
    sqlite3_stmt *st = NULL;
    long next = 1;
    if ((rc = lcm_db_prepare(db,
                             "SELECT coalesce(max(serial), 0) + 1 FROM field_tokens WHERE "
                             "campaign_id = ?1",
                             &st, err)) == LCM_OK) {
        sqlite3_bind_int64(st, 1, campaign_id);
        if (sqlite3_step(st) == SQLITE_ROW)
            next = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    if (rc == LCM_OK)
        rc = lcm_db_prepare(db,
                            "INSERT INTO field_tokens(hash, campaign_id, serial) VALUES (?1, ?2, "
                            "?3)",
                            &st, err);
    for (size_t i = 0; rc == LCM_OK && i < n; i++) {
        char hex[65];
        if ((rc = lcm_field_token_new(tokens[i], err)) != LCM_OK)
            break;
        lcm_field_sha256_hex(tokens[i], LCM_FIELD_TOKEN_LEN, hex);
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, hex, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 2, campaign_id);
        sqlite3_bind_int64(st, 3, next + (long)i);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = lcm_db_fail(db, err, "issuing tokens");
        if (serials)
            serials[i] = next + (long)i;
    }
    if (st)
        sqlite3_finalize(st);
    if (rc == LCM_OK)
        rc = lcm_db_commit(db, err);
    if (rc != LCM_OK)
        lcm_db_rollback(db);
    return rc;
}

static lcm_status unknown_token(lcm_err *err) {
    return lcm_err_set(err, LCM_NOTFOUND, "this link is not valid: check it was copied whole");
}

lcm_status lcm_field_token_find(lcm_db *db, const char *token, lcm_field_token *out, lcm_err *err) {
    if (!lcm_field_token_ok(token))
        return unknown_token(err);
    char hex[65];
    lcm_field_sha256_hex(token, LCM_FIELD_TOKEN_LEN, hex);
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare_cached(db,
                                          "SELECT campaign_id, serial, instance_id, state FROM "
                                          "field_tokens WHERE hash = ?1",
                                          &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        lcm_field_token t;
        memset(&t, 0, sizeof t);
        t.campaign_id = sqlite3_column_int64(st, 0);
        t.serial = sqlite3_column_int(st, 1);
        lcm__field_copy(t.instance_id, sizeof t.instance_id, sqlite3_column_text(st, 2));
        const char *s = (const char *)sqlite3_column_text(st, 3);
        t.state = strcmp(s, "draft") == 0       ? LCM_FIELD_TOKEN_DRAFT
                  : strcmp(s, "submitted") == 0 ? LCM_FIELD_TOKEN_SUBMITTED
                  : strcmp(s, "revoked") == 0   ? LCM_FIELD_TOKEN_REVOKED
                                                : LCM_FIELD_TOKEN_FRESH;
        if (out)
            *out = t;
    } else if (r == SQLITE_DONE) {
        rc = unknown_token(err);
    } else {
        rc = lcm_db_fail(db, err, "looking up a token");
    }
    sqlite3_reset(st); /* cached: kept by db */
    return rc;
}

/* Move a token to 'draft' (bind: from fresh; its own draft is resumed as it is) or to
 * 'submitted' (from fresh or its own draft) for instance_id. The state is checked first for
 * the message, and again by the UPDATE, since another request may have moved it meanwhile. */
static lcm_status token_move(lcm_db *db, const char *token, const char *instance_id, int submit,
                             lcm_err *err) {
    static const char draft_taken[] = "this link already has a draft of its own";
    static const char answered[] = "this link has been used to answer already";
    lcm_field_token t;
    lcm_status rc = lcm_field_token_find(db, token, &t, err);
    if (rc != LCM_OK)
        return rc;
    if (t.state == LCM_FIELD_TOKEN_SUBMITTED)
        return lcm_err_set(err, LCM_CONFLICT, answered);
    if (t.state == LCM_FIELD_TOKEN_REVOKED)
        return lcm_err_set(err, LCM_CONFLICT, "this link has been withdrawn");
    if (t.state == LCM_FIELD_TOKEN_DRAFT && strcmp(t.instance_id, instance_id) != 0)
        return lcm_err_set(err, LCM_CONFLICT, draft_taken);
    if (t.state == LCM_FIELD_TOKEN_DRAFT && !submit)
        return LCM_OK; /* its own draft, resumed */
    char hex[65];
    lcm_field_sha256_hex(token, LCM_FIELD_TOKEN_LEN, hex);
    sqlite3_stmt *st = NULL;
    if ((rc = lcm_db_prepare(db,
                             submit ? "UPDATE field_tokens SET instance_id = ?2, state = "
                                      "'submitted', updated_at = strftime('%Y-%m-%dT%H:%M:%SZ',"
                                      "'now') WHERE hash = ?1 AND state IN ('fresh','draft')"
                                    : "UPDATE field_tokens SET instance_id = ?2, state = 'draft', "
                                      "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE "
                                      "hash = ?1 AND state = 'fresh'",
                             &st, err)) != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, instance_id, -1, SQLITE_STATIC);
    if ((rc = run(db, st, submit ? "submitting with a token" : "binding a token", err)) == LCM_OK &&
        sqlite3_changes(lcm_db_sqlite(db)) == 0)
        rc = lcm_err_set(err, LCM_CONFLICT, submit ? answered : draft_taken);
    return rc;
}

lcm_status lcm_field_token_bind(lcm_db *db, const char *token, const char *instance_id,
                                lcm_err *err) {
    return token_move(db, token, instance_id, 0, err);
}

lcm_status lcm_field_token_submit(lcm_db *db, const char *token, const char *instance_id,
                                  lcm_err *err) {
    return token_move(db, token, instance_id, 1, err);
}

lcm_status lcm_field_token_revoke(lcm_db *db, long long campaign_id, long serial, lcm_err *err) {
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db,
                                   "UPDATE field_tokens SET state = 'revoked', updated_at = "
                                   "strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE campaign_id = ?1 "
                                   "AND serial = ?2 AND state <> 'submitted'",
                                   &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_int64(st, 1, campaign_id);
    sqlite3_bind_int64(st, 2, serial);
    if ((rc = run(db, st, "revoking a token", err)) == LCM_OK &&
        sqlite3_changes(lcm_db_sqlite(db)) == 0)
        rc = lcm_err_set(err, LCM_NOTFOUND, "no unsubmitted token %ld in campaign %lld", serial,
                         campaign_id);
    return rc;
}

/* ---- interviewers --------------------------------------------------------------------- */

/* 1..max characters of UTF-8 without control characters. */
int lcm__field_text_ok(const char *s, size_t max) {
    size_t chars = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p;
        int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (len == 0 || c < 0x20 || c == 0x7f)
            return 0;
        for (int i = 1; i < len; i++)
            if ((p[i] & 0xc0) != 0x80)
                return 0;
        p += len;
        chars++;
    }
    return chars >= 1 && chars <= max;
}

lcm_status lcm_field_interviewer_token(lcm_db *db, const char *name,
                                       char token[LCM_FIELD_TOKEN_LEN + 1], int *created,
                                       lcm_err *err) {
    if (!name || !lcm__field_text_ok(name, 40))
        return lcm_err_set(err, LCM_INVAL,
                           "an interviewer's name is 1 to 40 characters without control "
                           "characters: '%s'",
                           name ? name : "");
    lcm_status rc = lcm_field_token_new(token, err);
    if (rc != LCM_OK)
        return rc;
    char hex[65];
    lcm_field_sha256_hex(token, LCM_FIELD_TOKEN_LEN, hex);
    sqlite3_stmt *st = NULL;
    if ((rc = lcm_db_prepare(db,
                             "INSERT INTO field_interviewers(name, token_hash) VALUES (?1, ?2) "
                             "ON CONFLICT(name) DO UPDATE SET token_hash = excluded.token_hash",
                             &st, err)) != LCM_OK)
        return rc;
    lcm_field_interviewer old;
    int had = lcm_field_interviewer_get(db, name, &old, NULL) == LCM_OK;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, hex, -1, SQLITE_STATIC);
    rc = run(db, st, "adding an interviewer", err);
    if (rc == LCM_OK && created)
        *created = !had;
    return rc;
}

static lcm_status interviewer_one(lcm_db *db, const char *where, const char *param,
                                  lcm_field_interviewer *out, lcm_err *err) {
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT i.id, i.name, (SELECT count(*) FROM field_assignments a WHERE "
             "a.interviewer_id = i.id), (SELECT count(*) FROM field_assignments a WHERE "
             "a.interviewer_id = i.id AND a.disposition IN (%s)) FROM field_interviewers i "
             "WHERE %s",
             LCM__FIELD_FINAL_SQL, where);
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare_cached(db, sql, &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, param, -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        lcm_field_interviewer iv;
        memset(&iv, 0, sizeof iv);
        iv.id = sqlite3_column_int64(st, 0);
        lcm__field_copy(iv.name, sizeof iv.name, sqlite3_column_text(st, 1));
        iv.assigned = sqlite3_column_int(st, 2);
        iv.done = sqlite3_column_int(st, 3);
        if (out)
            *out = iv;
    } else if (r == SQLITE_DONE) {
        rc = LCM_NOTFOUND;
    } else {
        rc = lcm_db_fail(db, err, "looking up an interviewer");
    }
    sqlite3_reset(st); /* cached: kept by db */
    return rc;
}

lcm_status lcm_field_interviewer_find(lcm_db *db, const char *token, lcm_field_interviewer *out,
                                      lcm_err *err) {
    if (!lcm_field_token_ok(token))
        return unknown_token(err);
    char hex[65];
    lcm_field_sha256_hex(token, LCM_FIELD_TOKEN_LEN, hex);
    lcm_status rc = interviewer_one(db, "i.token_hash = ?1", hex, out, err);
    return rc == LCM_NOTFOUND ? unknown_token(err) : rc;
}

lcm_status lcm_field_interviewer_get(lcm_db *db, const char *name, lcm_field_interviewer *out,
                                     lcm_err *err) {
    lcm_status rc = interviewer_one(db, "i.name = ?1", name ? name : "", out, err);
    return rc == LCM_NOTFOUND
               ? lcm_err_set(err, LCM_NOTFOUND, "no such interviewer: '%s'", name ? name : "")
               : rc;
}

/* ---- dispositions --------------------------------------------------------------------- */

/* AAPOR Standard Definitions, 10th edition (2023), table 2: in-person household surveys.
 * final: no further visit; interviewer: may be recorded for a non-interview. */
static const lcm_field_disposition dispositions[] = {
    {"1.1", "完成访问", "Complete interview", 1, 0},
    {"1.2", "部分完成", "Partial interview", 0, 1},
    {"2.11", "拒访", "Refusal", 1, 1},
    {"2.12", "中途终止", "Break-off", 0, 1},
    {"2.24", "家中无人", "No one at home", 0, 1},
    {"2.25", "受访者外出或无暇", "Respondent away or unavailable", 0, 1},
    {"2.32", "身体或精神原因无法受访", "Physically or mentally unable", 1, 1},
    {"2.33", "语言障碍", "Language barrier", 1, 1},
    {"3.17", "无法到达或不安全", "Unable to reach or unsafe area", 0, 1},
    {"3.18", "找不到地址", "Unable to locate address", 1, 1},
    {"4.50", "非住宅", "Not a housing unit", 1, 1},
    {"4.60", "空置房", "Vacant housing unit", 1, 1},
    {"4.70", "无符合条件的受访者", "No eligible respondent", 1, 1},
};

const lcm_field_disposition *lcm_field_dispositions(size_t *n) {
    *n = sizeof dispositions / sizeof dispositions[0];
    return dispositions;
}

const lcm_field_disposition *lcm_field_disposition_find(const char *code) {
    for (size_t i = 0; code && i < sizeof dispositions / sizeof dispositions[0]; i++)
        if (strcmp(dispositions[i].code, code) == 0)
            return &dispositions[i];
    return NULL;
}

lcm_status lcm_field_outcomes_get(lcm_db *db, long long campaign_id, lcm_field_outcomes *out,
                                  lcm_err *err) {
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db,
                                   "SELECT coalesce(disposition, ''), count(*) FROM "
                                   "field_assignments WHERE campaign_id = ?1 GROUP BY 1",
                                   &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_int64(st, 1, campaign_id);
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        const char *c = (const char *)sqlite3_column_text(st, 0);
        long k = sqlite3_column_int(st, 1);
        if (!*c)
            out->pending += k;
        else if (strcmp(c, "1.1") == 0)
            out->complete += k;
        else if (strcmp(c, "1.2") == 0)
            out->partial += k;
        else if (strncmp(c, "2.1", 3) == 0)
            out->refusal += k;
        else if (strncmp(c, "2.2", 3) == 0)
            out->noncontact += k;
        else if (c[0] == '2')
            out->other += k;
        else if (c[0] == '3')
            out->unknown += k;
        else
            out->ineligible += k;
    }
    if (r != SQLITE_DONE)
        rc = lcm_db_fail(db, err, "counting outcomes");
    sqlite3_finalize(st);
    long denom = out->complete + out->partial + out->refusal + out->noncontact + out->other +
                 out->unknown + out->pending;
    out->rr1 = denom > 0 ? (double)out->complete / (double)denom : NAN;
    return rc;
}

/* ---- places --------------------------------------------------------------------------- */

static lcm_status place_push(lcm_field_place **out, size_t *n, size_t *cap, lcm_err *err) {
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 32;
        lcm_field_place *p = realloc(*out, *cap * sizeof *p);
        if (!p)
            return lcm_err_set(err, LCM_NOMEM, "out of memory");
        *out = p;
    }
    memset(&(*out)[*n], 0, sizeof **out);
    (*n)++;
    return LCM_OK;
}

lcm_status lcm_field_places(lcm_db *db, lcm_field_level level, const char *parent,
                            lcm_field_place **out, size_t *n, lcm_err *err) {
    *out = NULL;
    *n = 0;
    size_t cap = 0;
    const char *sql = NULL;
    switch (level) {
    case LCM_PLACE_CITY:
        sql = parent ? "SELECT code, name, coalesce(name_en, '') FROM cities WHERE "
                       "province_code = ?1 ORDER BY code"
                     : "SELECT code, name, coalesce(name_en, '') FROM cities ORDER BY code";
        break;
    case LCM_PLACE_COUNTY:
        sql = "SELECT code, name, '' FROM admin_units WHERE level = 'county' AND city_code = ?1 "
              "ORDER BY code";
        break;
    case LCM_PLACE_TOWNSHIP:
        sql = "SELECT code, name, '' FROM admin_units WHERE level = 'township' AND parent_code "
              "= ?1 ORDER BY code";
        break;
    case LCM_PLACE_COMMUNITY:
        sql = "SELECT code, residents_committees, village_committees, other_villages FROM "
              "admin_units WHERE level = 'township' AND code = ?1";
        break;
    }
    if (!sql)
        return lcm_err_set(err, LCM_INVAL, "no such level of places: %d", (int)level);
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db, sql, &st, err);
    if (rc != LCM_OK)
        return rc;
    if (parent)
        sqlite3_bind_text(st, 1, parent, -1, SQLITE_STATIC);
    int r;
    while (rc == LCM_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
        if (level != LCM_PLACE_COMMUNITY) {
            if ((rc = place_push(out, n, &cap, err)) != LCM_OK)
                break;
            lcm_field_place *p = &(*out)[*n - 1];
            lcm__field_copy(p->code, sizeof p->code, sqlite3_column_text(st, 0));
            lcm__field_copy(p->name, sizeof p->name, sqlite3_column_text(st, 1));
            lcm__field_copy(p->name_en, sizeof p->name_en, sqlite3_column_text(st, 2));
            continue;
        }
        const char *t = (const char *)sqlite3_column_text(st, 0);
        for (int kind = 0; kind < 3 && rc == LCM_OK; kind++) {
            long count = sqlite3_column_int(st, 1 + kind);
            for (long k = 0; k < count && k < 199 && rc == LCM_OK; k++) {
                if ((rc = place_push(out, n, &cap, err)) != LCM_OK)
                    break;
                lcm_field_place *p = &(*out)[*n - 1];
                long num = kind * 200 + 1 + k;
                snprintf(p->code, sizeof p->code, "%.9s%03ld", t, num);
                lcm__field_community_name(num, p->name, sizeof p->name, p->name_en,
                                          sizeof p->name_en);
            }
        }
    }
    if (rc == LCM_OK && r != SQLITE_DONE)
        rc = lcm_db_fail(db, err, "listing places");
    sqlite3_finalize(st);
    if (rc != LCM_OK) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

void lcm__field_community_name(long num, char *zh, size_t zcap, char *en, size_t ecap) {
    static const char *const kz[] = {"居委会", "村委会", "其他村级单位"};
    static const char *const ke[] = {"Residents' committee", "Village committee",
                                     "Other village-level unit"};
    int kind = num <= 200 ? 0 : num <= 400 ? 1 : 2;
    snprintf(zh, zcap, "%s %03ld", kz[kind], num);
    snprintf(en, ecap, "%s %03ld", ke[kind], num);
}
