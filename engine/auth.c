/*
 * auth.c - accounts, roles, passwords, sign-in throttling and the audit trail (auth.h).
 *
 * Passwords go through libsodium's crypto_pwhash_str (Argon2id, OPSLIMIT/MEMLIMIT
 * _INTERACTIVE): the stored text carries its own salt and limits. Hashing is done before
 * the transaction opens (it takes a moment and 64 MiB), so the write lock is held briefly.
 * Every statement binds its parameters.
 */
#include "auth.h"
#include "field.h"
#include "field_int.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct {
    const char *code, *label;
} roles[LCM_ROLE_COUNT] = {
    [LCM_ROLE_ADMIN] = {"admin", "部级管理员"},
    [LCM_ROLE_ANALYST] = {"analyst", "部级分析员"},
    [LCM_ROLE_PROVINCE] = {"province", "省级联络员"},
    [LCM_ROLE_CITY] = {"city", "城市协调员"},
    [LCM_ROLE_INTERVIEWER] = {"interviewer", "访问员"},
    [LCM_ROLE_REVIEWER] = {"reviewer", "评审专家"},
};

const char *lcm_role_code(lcm_role r) {
    return (unsigned)r < LCM_ROLE_COUNT ? roles[r].code : "";
}

const char *lcm_role_label(lcm_role r) {
    return (unsigned)r < LCM_ROLE_COUNT ? roles[r].label : "";
}

int lcm_role_parse(const char *code, lcm_role *out) {
    for (int i = 0; code && i < LCM_ROLE_COUNT; i++)
        if (strcmp(code, roles[i].code) == 0) {
            if (out)
                *out = (lcm_role)i;
            return 1;
        }
    return 0;
}

int lcm_login_valid(const char *login) {
    size_t n = login ? strlen(login) : 0;
    if (n < 1 || n > 63)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = login[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

/* ---- libsodium ----------------------------------------------------------------------- */

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;
static int sodium_ok;
static char dummy_hash[crypto_pwhash_STRBYTES];

static void sodium_start(void) {
    sodium_ok = sodium_init() >= 0;
    /* The hash an unknown login is checked against, so that it costs what a known one does. */
    if (sodium_ok && crypto_pwhash_str(dummy_hash, "lcmon-no-such-account", 21,
                                       crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                       crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        dummy_hash[0] = 0;
}

static lcm_status sodium_ready(lcm_err *err) {
    pthread_once(&sodium_once, sodium_start);
    return sodium_ok ? LCM_OK : lcm_err_set(err, LCM_INTERNAL, "libsodium cannot start");
}

static lcm_status hash_password(const char *password, char out[crypto_pwhash_STRBYTES],
                                lcm_err *err) {
    size_t n = password ? strlen(password) : 0;
    if (n < LCM_PASSWORD_MIN || n > LCM_PASSWORD_MAX)
        return lcm_err_set(err, LCM_INVAL, "a password is %d to %d bytes long, not %zu",
                           LCM_PASSWORD_MIN, LCM_PASSWORD_MAX, n);
    lcm_status rc = sodium_ready(err);
    if (rc != LCM_OK)
        return rc;
    if (crypto_pwhash_str(out, password, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return lcm_err_set(err, LCM_NOMEM, "out of memory hashing a password");
    return LCM_OK;
}

lcm_status lcm_password_generate(char out[LCM_PASSWORD_GEN_LEN + 1], lcm_err *err) {
    static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    lcm_status rc = sodium_ready(err);
    if (rc != LCM_OK)
        return rc;
    for (int i = 0; i < LCM_PASSWORD_GEN_LEN; i++)
        out[i] = alphabet[randombytes_uniform((uint32_t)(sizeof alphabet - 1))];
    out[LCM_PASSWORD_GEN_LEN] = 0;
    return LCM_OK;
}

/* ---- small helpers ------------------------------------------------------------------- */

static void utc_now(char out[32]) {
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void copy_col(char *dst, size_t cap, sqlite3_stmt *st, int col) {
    const unsigned char *s = sqlite3_column_text(st, col);
    snprintf(dst, cap, "%s", s ? (const char *)s : "");
}

/* A transaction of our own when the caller has none, else a savepoint inside theirs. */
static lcm_status tx_begin(lcm_db *db, int *own, lcm_err *err) {
    *own = sqlite3_get_autocommit(lcm_db_sqlite(db));
    return *own ? lcm_db_begin(db, err) : lcm_db_exec(db, "SAVEPOINT lcm_auth", err);
}

static lcm_status tx_end(lcm_db *db, int own, lcm_status rc, lcm_err *err) {
    if (own) {
        if (rc == LCM_OK)
            return lcm_db_commit(db, err);
        lcm_db_rollback(db);
        return rc;
    }
    if (rc == LCM_OK)
        return lcm_db_exec(db, "RELEASE lcm_auth", err);
    lcm_db_exec(db, "ROLLBACK TO lcm_auth; RELEASE lcm_auth", NULL);
    return rc;
}

static int exists(lcm_db *db, const char *sql, const char *param) {
    sqlite3_stmt *st = NULL;
    if (lcm_db_prepare_cached(db, sql, &st, NULL) != LCM_OK)
        return 0;
    sqlite3_bind_text(st, 1, param, -1, SQLITE_TRANSIENT);
    int yes = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_reset(st);
    return yes;
}

static int province_exists(lcm_db *db, const char *code) {
    return exists(db, "SELECT 1 FROM provinces WHERE code = ?1", code);
}

static int city_exists(lcm_db *db, const char *code) {
    return exists(db, "SELECT 1 FROM cities WHERE code = ?1", code);
}

static lcm_status check_place(lcm_db *db, lcm_role role, const char *place, lcm_err *err) {
    switch (role) {
    case LCM_ROLE_ADMIN:
    case LCM_ROLE_ANALYST:
    case LCM_ROLE_REVIEWER:
        if (place[0])
            return lcm_err_set(err, LCM_INVAL, "a %s account has no place: '%s'",
                               lcm_role_code(role), place);
        return LCM_OK;
    case LCM_ROLE_PROVINCE:
        if (!province_exists(db, place))
            return lcm_err_set(err, LCM_INVAL,
                               "a province account needs a province code (such as 44): '%s'",
                               place);
        return LCM_OK;
    case LCM_ROLE_CITY:
    case LCM_ROLE_INTERVIEWER:
        if (!city_exists(db, place))
            return lcm_err_set(err, LCM_INVAL,
                               "a %s account needs a city code (such as 4405): '%s'",
                               lcm_role_code(role), place);
        return LCM_OK;
    }
    return lcm_err_set(err, LCM_INVAL, "no such role: %d", (int)role);
}

/* ---- the audit trail ----------------------------------------------------------------- */

lcm_status lcm_audit(lcm_db *db, const lcm_user *by, const char *action, const char *object,
                     const char *place, const char *detail, lcm_err *err) {
    if (!action || !*action)
        return lcm_err_set(err, LCM_INVAL, "an audit row needs an action");
    char at[32];
    utc_now(at);
    sqlite3_stmt *st = NULL;
    lcm_status rc =
        lcm_db_prepare_cached(db,
                              "INSERT INTO audit(at, user_id, who, action, object, place, detail) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                              &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, at, -1, SQLITE_TRANSIENT);
    if (by && by->id > 0)
        sqlite3_bind_int64(st, 2, by->id);
    else
        sqlite3_bind_null(st, 2);
    sqlite3_bind_text(st, 3, by ? by->login : "命令行", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, action, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, object ? object : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 6, place ? place : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 7, detail ? detail : "", -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = lcm_db_fail(db, err, "writing the audit trail");
    sqlite3_reset(st);
    return rc;
}

lcm_status lcm_audit_each(lcm_db *db, const char *login, const char *since,
                          int (*fn)(const lcm_audit_row *row, void *ctx), void *ctx, lcm_err *err) {
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db,
                                   "SELECT id, at, coalesce(user_id, 0), who, action, object, "
                                   "place, detail FROM audit WHERE (?1 IS NULL OR who = ?1) "
                                   "AND (?2 IS NULL OR at >= ?2) ORDER BY id",
                                   &st, err);
    if (rc != LCM_OK)
        return rc;
    if (login)
        sqlite3_bind_text(st, 1, login, -1, SQLITE_TRANSIENT);
    if (since)
        sqlite3_bind_text(st, 2, since, -1, SQLITE_TRANSIENT);
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        lcm_audit_row row;
        memset(&row, 0, sizeof row);
        row.id = sqlite3_column_int64(st, 0);
        copy_col(row.at, sizeof row.at, st, 1);
        row.user_id = sqlite3_column_int64(st, 2);
        copy_col(row.who, sizeof row.who, st, 3);
        copy_col(row.action, sizeof row.action, st, 4);
        copy_col(row.object, sizeof row.object, st, 5);
        copy_col(row.place, sizeof row.place, st, 6);
        copy_col(row.detail, sizeof row.detail, st, 7);
        if (fn(&row, ctx))
            break;
    }
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        rc = lcm_db_fail(db, err, "reading the audit trail");
    sqlite3_finalize(st);
    return rc;
}

/* ---- accounts ------------------------------------------------------------------------ */

#define USER_COLS "id, login, name, role, place, coalesce(interviewer_id, 0), disabled"

static void user_row(sqlite3_stmt *st, lcm_user *u) {
    memset(u, 0, sizeof *u);
    u->id = sqlite3_column_int64(st, 0);
    copy_col(u->login, sizeof u->login, st, 1);
    copy_col(u->name, sizeof u->name, st, 2);
    lcm_role r = LCM_ROLE_REVIEWER;
    lcm_role_parse((const char *)sqlite3_column_text(st, 3), &r);
    u->role = r;
    copy_col(u->place, sizeof u->place, st, 4);
    u->interviewer_id = sqlite3_column_int64(st, 5);
    u->disabled = sqlite3_column_int(st, 6) != 0;
}

/* One user by a WHERE on ?1 (text or id); the hash too when hash is not NULL. */
static lcm_status user_one(lcm_db *db, const char *sql, const char *text, long long id,
                           lcm_user *out, char *hash, size_t hcap, lcm_err *err) {
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare_cached(db, sql, &st, err);
    if (rc != LCM_OK)
        return rc;
    if (text)
        sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_int64(st, 1, id);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        lcm_user u;
        user_row(st, &u);
        if (out)
            *out = u;
        if (hash)
            copy_col(hash, hcap, st, 7);
    } else if (r == SQLITE_DONE) {
        rc = text ? lcm_err_set(err, LCM_NOTFOUND, "no such account: '%s'", text)
                  : lcm_err_set(err, LCM_NOTFOUND, "no account with id %lld", id);
    } else {
        rc = lcm_db_fail(db, err, "reading an account");
    }
    sqlite3_reset(st);
    return rc;
}

lcm_status lcm_user_get(lcm_db *db, const char *login, lcm_user *out, lcm_err *err) {
    return user_one(db, "SELECT " USER_COLS ", pw_hash FROM users WHERE login = ?1",
                    login ? login : "", 0, out, NULL, 0, err);
}

lcm_status lcm_user_by_id(lcm_db *db, long long id, lcm_user *out, lcm_err *err) {
    return user_one(db, "SELECT " USER_COLS ", pw_hash FROM users WHERE id = ?1", NULL, id, out,
                    NULL, 0, err);
}

/* The field_interviewers row of an interviewer called name: found, or made. */
static lcm_status interviewer_link(lcm_db *db, const char *name, long long *id, lcm_err *err) {
    lcm_field_interviewer iv;
    lcm_status rc = lcm_field_interviewer_get(db, name, &iv, NULL);
    if (rc != LCM_OK) {
        char token[LCM_FIELD_TOKEN_LEN + 1];
        if ((rc = lcm_field_interviewer_token(db, name, token, NULL, err)) != LCM_OK)
            return rc;
        sodium_memzero(token, sizeof token);
        if ((rc = lcm_field_interviewer_get(db, name, &iv, err)) != LCM_OK)
            return rc;
    }
    sqlite3_stmt *st = NULL;
    if ((rc = lcm_db_prepare_cached(db, "SELECT login FROM users WHERE interviewer_id = ?1", &st,
                                    err)) != LCM_OK)
        return rc;
    sqlite3_bind_int64(st, 1, iv.id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        char other[64];
        copy_col(other, sizeof other, st, 0);
        sqlite3_reset(st);
        return lcm_err_set(err, LCM_EXISTS, "the interviewer '%s' already has the account '%s'",
                           name, other);
    }
    sqlite3_reset(st);
    *id = iv.id;
    return LCM_OK;
}

lcm_status lcm_user_add(lcm_db *db, const char *login, const char *name, lcm_role role,
                        const char *place, const char *password, const lcm_user *by, long long *id,
                        lcm_err *err) {
    if (!lcm_login_valid(login))
        return lcm_err_set(err, LCM_INVAL,
                           "a login is 1 to 63 ASCII letters, digits, '.', '_' or '-': '%s'",
                           login ? login : "");
    if (!name || strlen(name) >= sizeof((lcm_user *)0)->name || !lcm__field_text_ok(name, 127))
        return lcm_err_set(err, LCM_INVAL,
                           "a name is 1 to 127 bytes of text without control characters: '%s'",
                           name ? name : "");
    if ((unsigned)role >= LCM_ROLE_COUNT)
        return lcm_err_set(err, LCM_INVAL, "no such role: %d", (int)role);
    if (!place)
        place = "";
    if (strlen(place) >= sizeof((lcm_user *)0)->place)
        return lcm_err_set(err, LCM_INVAL, "no such place: '%s'", place);
    lcm_status rc = check_place(db, role, place, err);
    if (rc != LCM_OK)
        return rc;
    char hash[crypto_pwhash_STRBYTES];
    if ((rc = hash_password(password, hash, err)) != LCM_OK)
        return rc;
    int own = 0;
    if ((rc = tx_begin(db, &own, err)) != LCM_OK)
        return rc;
    long long iv = 0;
    if (lcm_user_get(db, login, NULL, NULL) == LCM_OK)
        rc = lcm_err_set(err, LCM_EXISTS, "the login is taken: '%s'", login);
    if (rc == LCM_OK && role == LCM_ROLE_INTERVIEWER)
        rc = interviewer_link(db, name, &iv, err);
    sqlite3_stmt *st = NULL;
    if (rc == LCM_OK)
        rc = lcm_db_prepare_cached(db,
                                   "INSERT INTO users(login, name, role, place, pw_hash, "
                                   "interviewer_id, created_at, pw_changed_at) VALUES "
                                   "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
                                   &st, err);
    if (rc == LCM_OK) {
        char at[32];
        utc_now(at);
        sqlite3_bind_text(st, 1, login, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, lcm_role_code(role), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, place, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 5, hash, -1, SQLITE_TRANSIENT);
        if (iv)
            sqlite3_bind_int64(st, 6, iv);
        else
            sqlite3_bind_null(st, 6);
        sqlite3_bind_text(st, 7, at, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = lcm_db_fail(db, err, "adding an account");
        sqlite3_reset(st);
    }
    long long new_id = sqlite3_last_insert_rowid(lcm_db_sqlite(db));
    if (rc == LCM_OK) {
        char detail[256];
        snprintf(detail, sizeof detail, "role=%s name=%s", lcm_role_code(role), name);
        rc = lcm_audit(db, by, "user.add", login, place, detail, err);
    }
    rc = tx_end(db, own, rc, err);
    sodium_memzero(hash, sizeof hash);
    if (rc == LCM_OK && id)
        *id = new_id;
    return rc;
}

lcm_status lcm_user_verify(lcm_db *db, const char *login, const char *password, lcm_user *out,
                           lcm_err *err) {
    lcm_status rc = sodium_ready(err);
    if (rc != LCM_OK)
        return rc;
    lcm_user u;
    char hash[crypto_pwhash_STRBYTES + 8] = {0};
    lcm_err e = {0};
    rc = lcm_login_valid(login)
             ? user_one(db, "SELECT " USER_COLS ", pw_hash FROM users WHERE login = ?1", login, 0,
                        &u, hash, sizeof hash, &e)
             : LCM_NOTFOUND;
    if (rc != LCM_OK && rc != LCM_NOTFOUND)
        return lcm_err_set(err, rc, "%s", e.msg);
    const char *pw = password ? password : "";
    size_t n = strlen(pw);
    const char *against = rc == LCM_OK ? hash : dummy_hash;
    int good = n <= LCM_PASSWORD_MAX && crypto_pwhash_str_verify(against, pw, n) == 0;
    if (rc != LCM_OK || !good || u.disabled)
        return lcm_err_set(err, LCM_CONSTRAINT, "wrong login or password");
    if (out)
        *out = u;
    return LCM_OK;
}

static lcm_status user_update(lcm_db *db, const char *login, const char *sql, const char *text,
                              int num, const lcm_user *by, const char *action, lcm_err *err) {
    lcm_user u;
    int own = 0;
    lcm_status rc = tx_begin(db, &own, err);
    if (rc != LCM_OK)
        return rc;
    rc = lcm_user_get(db, login, &u, err);
    sqlite3_stmt *st = NULL;
    if (rc == LCM_OK)
        rc = lcm_db_prepare_cached(db, sql, &st, err);
    if (rc == LCM_OK) {
        if (text)
            sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
        else
            sqlite3_bind_int(st, 1, num);
        sqlite3_bind_int64(st, 2, u.id);
        char at[32];
        utc_now(at);
        sqlite3_bind_text(st, 3, at, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = lcm_db_fail(db, err, "changing an account");
        sqlite3_reset(st);
    }
    if (rc == LCM_OK)
        rc = lcm_audit(db, by, action, u.login, u.place, "", err);
    return tx_end(db, own, rc, err);
}

lcm_status lcm_user_set_disabled(lcm_db *db, const char *login, int disabled, const lcm_user *by,
                                 lcm_err *err) {
    return user_update(db, login, "UPDATE users SET disabled = ?1 WHERE id = ?2 AND ?3 IS NOT NULL",
                       NULL, disabled ? 1 : 0, by, disabled ? "user.disable" : "user.enable", err);
}

lcm_status lcm_user_set_password(lcm_db *db, const char *login, const char *password,
                                 const lcm_user *by, lcm_err *err) {
    char hash[crypto_pwhash_STRBYTES];
    lcm_status rc = lcm_user_get(db, login, NULL, err);
    if (rc == LCM_OK)
        rc = hash_password(password, hash, err);
    if (rc == LCM_OK)
        rc = user_update(db, login,
                         "UPDATE users SET pw_hash = ?1, pw_changed_at = ?3 WHERE id = ?2", hash, 0,
                         by, "user.passwd", err);
    sodium_memzero(hash, sizeof hash);
    return rc;
}

lcm_status lcm_user_list(lcm_db *db, lcm_user **out, size_t *n, lcm_err *err) {
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db, "SELECT " USER_COLS " FROM users ORDER BY login", &st, err);
    if (rc != LCM_OK)
        return rc;
    size_t cap = 0;
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 16;
            lcm_user *grown = realloc(*out, cap * sizeof **out);
            if (!grown) {
                rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
                break;
            }
            *out = grown;
        }
        user_row(st, &(*out)[(*n)++]);
    }
    if (rc == LCM_OK && r != SQLITE_DONE)
        rc = lcm_db_fail(db, err, "listing the accounts");
    sqlite3_finalize(st);
    if (rc != LCM_OK) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

/* ---- authorisation by place ------------------------------------------------------------ */

int lcm_user_sees_province(const lcm_user *u, const char *province_code) {
    if (!u || u->disabled || !province_code)
        return 0;
    switch (u->role) {
    case LCM_ROLE_ADMIN:
    case LCM_ROLE_ANALYST:
        return 1;
    case LCM_ROLE_PROVINCE:
        return strcmp(u->place, province_code) == 0;
    default:
        return 0;
    }
}

int lcm_user_sees_city(lcm_db *db, const lcm_user *u, const char *city_code) {
    if (!u || u->disabled || !city_code || !*city_code)
        return 0;
    switch (u->role) {
    case LCM_ROLE_ADMIN:
    case LCM_ROLE_ANALYST:
        return 1;
    case LCM_ROLE_PROVINCE: {
        sqlite3_stmt *st = NULL;
        if (lcm_db_prepare_cached(db, "SELECT province_code FROM cities WHERE code = ?1", &st,
                                  NULL) != LCM_OK)
            return 0;
        sqlite3_bind_text(st, 1, city_code, -1, SQLITE_TRANSIENT);
        int yes = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) &&
                  strcmp((const char *)sqlite3_column_text(st, 0), u->place) == 0;
        sqlite3_reset(st);
        return yes;
    }
    case LCM_ROLE_CITY:
    case LCM_ROLE_INTERVIEWER:
        return strcmp(u->place, city_code) == 0;
    case LCM_ROLE_REVIEWER:
        return 0;
    }
    return 0;
}

/* ---- sign-in throttling ---------------------------------------------------------------- */

long lcm_login_locked(lcm_db *db, const char *login, const char *ip, long long now) {
    sqlite3_stmt *st = NULL;
    if (lcm_db_prepare_cached(db,
                              "SELECT max(locked_until) FROM login_failures WHERE "
                              "(kind = 'login' AND key = ?1) OR (kind = 'ip' AND key = ?2)",
                              &st, NULL) != LCM_OK)
        return 0;
    sqlite3_bind_text(st, 1, login ? login : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, ip ? ip : "", -1, SQLITE_TRANSIENT);
    long long until = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return until > now ? (long)(until - now) : 0;
}

static lcm_status count_failure(lcm_db *db, const char *kind, const char *key, int limit,
                                long long now, int *locked, lcm_err *err) {
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare_cached(
        db,
        "INSERT INTO login_failures(kind, key, failures, last_at) VALUES (?1, ?2, 1, ?3) "
        "ON CONFLICT(kind, key) DO UPDATE SET failures = CASE WHEN ?3 - last_at > ?5 THEN 1 "
        "ELSE failures + 1 END, last_at = ?3 RETURNING failures",
        &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, now);
    sqlite3_bind_int64(st, 5, LCM_LOGIN_LOCK_S);
    long failures = 0;
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        failures = sqlite3_column_int(st, 0), r = sqlite3_step(st);
    if (r != SQLITE_DONE)
        rc = lcm_db_fail(db, err, "counting a failed sign-in");
    sqlite3_reset(st);
    if (rc == LCM_OK && failures >= limit) {
        if ((rc = lcm_db_prepare_cached(db,
                                        "UPDATE login_failures SET locked_until = ?3, failures "
                                        "= 0 WHERE kind = ?1 AND key = ?2",
                                        &st, err)) != LCM_OK)
            return rc;
        sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, key, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 3, now + LCM_LOGIN_LOCK_S);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = lcm_db_fail(db, err, "locking a sign-in");
        sqlite3_reset(st);
        if (locked)
            *locked = 1;
    }
    return rc;
}

lcm_status lcm_login_failed(lcm_db *db, const char *login, const char *ip, long long now,
                            int *locked, lcm_err *err) {
    if (locked)
        *locked = 0;
    int own = 0;
    lcm_status rc = tx_begin(db, &own, err);
    if (rc != LCM_OK)
        return rc;
    if (login && *login)
        rc = count_failure(db, "login", login, LCM_LOGIN_FAILURES, now, locked, err);
    if (rc == LCM_OK && ip && *ip)
        rc = count_failure(db, "ip", ip, LCM_LOGIN_IP_FAILURES, now, locked, err);
    return tx_end(db, own, rc, err);
}

lcm_status lcm_login_succeeded(lcm_db *db, const char *login, lcm_err *err) {
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare_cached(
        db, "DELETE FROM login_failures WHERE kind = 'login' AND key = ?1", &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, login ? login : "", -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = lcm_db_fail(db, err, "clearing failed sign-ins");
    sqlite3_reset(st);
    return rc;
}
