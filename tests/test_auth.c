/*
 * test_auth.c - accounts, roles and the audit trail (engine/auth.h): Argon2id passwords,
 * wrong passwords, disabled accounts and unknown logins refused alike, places checked by
 * role, who sees which city, interviewer accounts linked to field_interviewers, the audit
 * trail that refuses UPDATE and DELETE, and the sign-in lock after repeated failures.
 */
#include "testing.h"

#include "auth.h"
#include "field.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A fresh database with the reference data (provinces, cities) under name. */
static lcm_db *auth_db(const char *name) {
    lcm_db *db = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(lcmt_tmp(name), LCM_OPEN_CREATE, &db, &err), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_reference_load(db, lcmt_path("surveys"), NULL, &err), LCM_OK);
    return db;
}

static void auth__role_codes_labels_and_parse_agree(void) {
    static const char *const codes[] = {"admin", "analyst",     "province",
                                        "city",  "interviewer", "reviewer"};
    /* the labels of the #15 contract (docs/accounts.md) */
    static const char *const labels[] = {"部级管理员", "部级分析员", "省级联络员",
                                         "城市协调员", "访问员",     "评审专家"};
    for (int i = 0; i < LCM_ROLE_COUNT; i++) {
        lcm_role r;
        CU_ASSERT_STRING_EQUAL(lcm_role_code((lcm_role)i), codes[i]);
        CU_ASSERT_STRING_EQUAL(lcm_role_label((lcm_role)i), labels[i]);
        CU_ASSERT_EQUAL(lcm_role_parse(codes[i], &r), 1);
        CU_ASSERT_EQUAL(r, (lcm_role)i);
    }
    CU_ASSERT_EQUAL(lcm_role_parse("Admin", NULL), 0);
    CU_ASSERT_EQUAL(lcm_role_parse("", NULL), 0);
    CU_ASSERT_EQUAL(lcm_role_parse(NULL, NULL), 0);
}

static void auth__logins_are_ascii_words_of_1_to_63(void) {
    CU_ASSERT(lcm_login_valid("a"));
    CU_ASSERT(lcm_login_valid("zhang.san_2-x"));
    char longest[64];
    memset(longest, 'x', 63);
    longest[63] = 0;
    CU_ASSERT(lcm_login_valid(longest));
    char too_long[65];
    memset(too_long, 'x', 64);
    too_long[64] = 0;
    CU_ASSERT(!lcm_login_valid(too_long));
    CU_ASSERT(!lcm_login_valid(""));
    CU_ASSERT(!lcm_login_valid(NULL));
    CU_ASSERT(!lcm_login_valid("张三"));
    CU_ASSERT(!lcm_login_valid("a b"));
    CU_ASSERT(!lcm_login_valid("a'b"));
    CU_ASSERT(!lcm_login_valid("a/b"));
}

static void auth__password_is_stored_as_argon2id_and_verifies(void) {
    lcm_db *db = auth_db("auth_add.db");
    lcm_err err = {0};
    long long id = 0;
    CU_ASSERT_EQUAL_FATAL(lcm_user_add(db, "st.city", "汕头协调员", LCM_ROLE_CITY, "4405",
                                       "correct horse", NULL, &id, &err),
                          LCM_OK);
    CU_ASSERT(id > 0);
    /* the stored text is libsodium's Argon2id string, never the password */
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM users WHERE pw_hash LIKE '$argon2id$%'"),
                    1);
    CU_ASSERT_EQUAL(
        lcmt_count(db, "SELECT count(*) FROM users WHERE instr(pw_hash, 'correct horse') > 0"), 0);
    lcm_user u;
    CU_ASSERT_EQUAL(lcm_user_verify(db, "st.city", "correct horse", &u, &err), LCM_OK);
    CU_ASSERT_EQUAL(u.id, id);
    CU_ASSERT_STRING_EQUAL(u.login, "st.city");
    CU_ASSERT_STRING_EQUAL(u.name, "汕头协调员");
    CU_ASSERT_EQUAL(u.role, LCM_ROLE_CITY);
    CU_ASSERT_STRING_EQUAL(u.place, "4405");
    CU_ASSERT_EQUAL(u.disabled, 0);
    CU_ASSERT_EQUAL(u.interviewer_id, 0);

    /* wrong password, unknown login, disabled account: one and the same answer */
    lcm_err wrong = {0}, unknown = {0}, off = {0};
    CU_ASSERT_EQUAL(lcm_user_verify(db, "st.city", "correct horsf", &u, &wrong), LCM_CONSTRAINT);
    CU_ASSERT_EQUAL(lcm_user_verify(db, "nobody", "correct horse", &u, &unknown), LCM_CONSTRAINT);
    CU_ASSERT_EQUAL(lcm_user_verify(db, "st.city", "", &u, NULL), LCM_CONSTRAINT);
    CU_ASSERT_EQUAL(lcm_user_set_disabled(db, "st.city", 1, NULL, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_user_verify(db, "st.city", "correct horse", &u, &off), LCM_CONSTRAINT);
    CU_ASSERT_STRING_EQUAL(wrong.msg, "wrong login or password");
    CU_ASSERT_STRING_EQUAL(unknown.msg, wrong.msg);
    CU_ASSERT_STRING_EQUAL(off.msg, wrong.msg);
    CU_ASSERT_EQUAL(lcm_user_get(db, "st.city", &u, &err), LCM_OK);
    CU_ASSERT_EQUAL(u.disabled, 1);

    /* enabled again, with a new password: the old one stops working */
    CU_ASSERT_EQUAL(lcm_user_set_disabled(db, "st.city", 0, NULL, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_user_set_password(db, "st.city", "battery staple", NULL, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_user_verify(db, "st.city", "correct horse", &u, NULL), LCM_CONSTRAINT);
    CU_ASSERT_EQUAL(lcm_user_verify(db, "st.city", "battery staple", &u, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_user_set_password(db, "st.city", "short", NULL, &err), LCM_INVAL);
    CU_ASSERT_EQUAL(lcm_user_set_password(db, "nobody", "long enough", NULL, &err), LCM_NOTFOUND);
    CU_ASSERT_EQUAL(lcm_user_by_id(db, id, &u, &err), LCM_OK);
    CU_ASSERT_STRING_EQUAL(u.login, "st.city");
    CU_ASSERT_EQUAL(lcm_user_by_id(db, id + 100, &u, &err), LCM_NOTFOUND);
    /* each change is one audit row, by the command line */
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM audit WHERE object = 'st.city' AND who "
                                   "= '命令行' AND user_id IS NULL"),
                    4);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM audit WHERE action IN ('user.add', "
                                   "'user.disable', 'user.enable', 'user.passwd')"),
                    4);
    lcm_db_close(db);
}

static void auth__bad_logins_names_places_are_refused_and_nothing_written(void) {
    lcm_db *db = auth_db("auth_bad.db");
    lcm_err err = {0};
    struct {
        const char *login, *name;
        lcm_role role;
        const char *place, *password;
        lcm_status want;
        const char *says;
    } bad[] = {
        {"a b", "x", LCM_ROLE_ADMIN, "", "password1", LCM_INVAL, "a login is"},
        {"ok", "", LCM_ROLE_ADMIN, "", "password1", LCM_INVAL, "a name is"},
        {"ok", "a\nb", LCM_ROLE_ADMIN, "", "password1", LCM_INVAL, "a name is"},
        {"ok", "x", LCM_ROLE_ADMIN, "44", "password1", LCM_INVAL, "has no place: '44'"},
        {"ok", "x", LCM_ROLE_REVIEWER, "4405", "password1", LCM_INVAL, "has no place"},
        {"ok", "x", LCM_ROLE_PROVINCE, "99", "password1", LCM_INVAL, "province code"},
        {"ok", "x", LCM_ROLE_PROVINCE, "4405", "password1", LCM_INVAL, "province code"},
        {"ok", "x", LCM_ROLE_CITY, "44", "password1", LCM_INVAL, "city code"},
        {"ok", "x", LCM_ROLE_CITY, "9999", "password1", LCM_INVAL, "city code"},
        {"ok", "x", LCM_ROLE_INTERVIEWER, "", "password1", LCM_INVAL, "city code"},
        {"ok", "x", LCM_ROLE_CITY, "4405", "short", LCM_INVAL, "a password is 8 to 256"},
        {"ok", "x", (lcm_role)9, "", "password1", LCM_INVAL, "no such role"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        lcm_err_clear(&err);
        CU_ASSERT_EQUAL(lcm_user_add(db, bad[i].login, bad[i].name, bad[i].role, bad[i].place,
                                     bad[i].password, NULL, NULL, &err),
                        bad[i].want);
        LCMT_ASSERT_HAS(err.msg, bad[i].says);
    }
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM users"), 0);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM audit"), 0);
    CU_ASSERT_EQUAL(
        lcm_user_add(db, "ok", "x", LCM_ROLE_ANALYST, NULL, "password1", NULL, NULL, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_user_add(db, "ok", "y", LCM_ROLE_ADMIN, "", "password2", NULL, NULL, &err),
                    LCM_EXISTS);
    LCMT_ASSERT_HAS(err.msg, "the login is taken: 'ok'");
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM users"), 1);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM audit"), 1);
    lcm_db_close(db);
}

static void auth__each_role_sees_only_its_places(void) {
    lcm_db *db = auth_db("auth_sees.db");
    lcm_err err = {0};
    static const struct {
        const char *login;
        lcm_role role;
        const char *place;
    } accounts[] = {
        {"admin", LCM_ROLE_ADMIN, ""},   {"analyst", LCM_ROLE_ANALYST, ""},
        {"gd", LCM_ROLE_PROVINCE, "44"}, {"zj", LCM_ROLE_PROVINCE, "33"},
        {"st", LCM_ROLE_CITY, "4405"},   {"iv", LCM_ROLE_INTERVIEWER, "4405"},
        {"rev", LCM_ROLE_REVIEWER, ""},
    };
    /* 4405 汕头 and 4401 广州 are in 44 广东, 3301 杭州 in 33 浙江, 1200 天津 a municipality
     * (surveys/reference/cities.csv) */
    static const char *const cities[] = {"4405", "4401", "3301", "1200"};
    static const int sees[][4] = {
        {1, 1, 1, 1}, /* admin */
        {1, 1, 1, 1}, /* analyst */
        {1, 1, 0, 0}, /* province 44 */
        {0, 0, 1, 0}, /* province 33: not 4405 of another province */
        {1, 0, 0, 0}, /* city 4405 */
        {1, 0, 0, 0}, /* interviewer of 4405 */
        {0, 0, 0, 0}, /* reviewer */
    };
    for (size_t a = 0; a < sizeof accounts / sizeof accounts[0]; a++) {
        char name[32];
        snprintf(name, sizeof name, "用户%zu", a);
        CU_ASSERT_EQUAL_FATAL(lcm_user_add(db, accounts[a].login, name, accounts[a].role,
                                           accounts[a].place, "password1", NULL, NULL, &err),
                              LCM_OK);
        lcm_user u;
        CU_ASSERT_EQUAL_FATAL(lcm_user_get(db, accounts[a].login, &u, &err), LCM_OK);
        for (int c = 0; c < 4; c++) {
            int got = lcm_user_sees_city(db, &u, cities[c]);
            if (got != sees[a][c])
                fprintf(stderr, "\n  %s sees %s: %d\n", accounts[a].login, cities[c], got);
            CU_ASSERT_EQUAL(got, sees[a][c]);
        }
        CU_ASSERT_EQUAL(lcm_user_sees_city(db, &u, "9999"),
                        accounts[a].role <= LCM_ROLE_ANALYST); /* no such city */
        CU_ASSERT_EQUAL(lcm_user_sees_city(db, &u, ""), 0);
        CU_ASSERT_EQUAL(lcm_user_sees_province(&u, "44"), accounts[a].role <= LCM_ROLE_ANALYST ||
                                                              strcmp(accounts[a].login, "gd") == 0);
        CU_ASSERT_EQUAL(lcm_user_sees_province(&u, "33"), accounts[a].role <= LCM_ROLE_ANALYST ||
                                                              strcmp(accounts[a].login, "zj") == 0);
        /* a disabled account sees nothing */
        u.disabled = 1;
        CU_ASSERT_EQUAL(lcm_user_sees_city(db, &u, "4405"), 0);
        CU_ASSERT_EQUAL(lcm_user_sees_province(&u, "44"), 0);
    }
    CU_ASSERT_EQUAL(lcm_user_sees_city(db, NULL, "4405"), 0);
    lcm_db_close(db);
}

static void auth__interviewer_account_is_linked_to_a_field_interviewer(void) {
    lcm_db *db = auth_db("auth_iv.db");
    lcm_err err = {0};
    char token[LCM_FIELD_TOKEN_LEN + 1];
    /* one interviewer known before (by the older per-interviewer token), one new */
    CU_ASSERT_EQUAL_FATAL(lcm_field_interviewer_token(db, "李四", token, NULL, &err), LCM_OK);
    lcm_field_interviewer known;
    CU_ASSERT_EQUAL_FATAL(lcm_field_interviewer_get(db, "李四", &known, &err), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_user_add(db, "lisi", "李四", LCM_ROLE_INTERVIEWER, "4405",
                                       "password1", NULL, NULL, &err),
                          LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_user_add(db, "wangwu", "王五", LCM_ROLE_INTERVIEWER, "4405",
                                       "password1", NULL, NULL, &err),
                          LCM_OK);
    lcm_user u;
    CU_ASSERT_EQUAL(lcm_user_get(db, "lisi", &u, &err), LCM_OK);
    CU_ASSERT_EQUAL(u.interviewer_id, known.id);
    /* the older token still finds the same interviewer */
    lcm_field_interviewer by_token;
    CU_ASSERT_EQUAL(lcm_field_interviewer_find(db, token, &by_token, &err), LCM_OK);
    CU_ASSERT_EQUAL(by_token.id, known.id);
    lcm_field_interviewer made;
    CU_ASSERT_EQUAL(lcm_field_interviewer_get(db, "王五", &made, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_user_get(db, "wangwu", &u, &err), LCM_OK);
    CU_ASSERT_EQUAL(u.interviewer_id, made.id);
    CU_ASSERT(made.id != known.id);
    /* one account per interviewer; an interviewer's name is at most 40 characters */
    CU_ASSERT_EQUAL(lcm_user_add(db, "lisi2", "李四", LCM_ROLE_INTERVIEWER, "4405", "password1",
                                 NULL, NULL, &err),
                    LCM_EXISTS);
    LCMT_ASSERT_HAS(err.msg, "already has the account 'lisi'");
    char long_name[64];
    memset(long_name, 'x', 41);
    long_name[41] = 0;
    CU_ASSERT_EQUAL(lcm_user_add(db, "longname", long_name, LCM_ROLE_INTERVIEWER, "4405",
                                 "password1", NULL, NULL, &err),
                    LCM_INVAL);
    /* other roles are linked to no interviewer */
    CU_ASSERT_EQUAL(
        lcm_user_add(db, "st", "王五", LCM_ROLE_CITY, "4405", "password1", NULL, NULL, &err),
        LCM_OK);
    CU_ASSERT_EQUAL(lcm_user_get(db, "st", &u, &err), LCM_OK);
    CU_ASSERT_EQUAL(u.interviewer_id, 0);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM users"), 3);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM field_interviewers"), 2);
    lcm_db_close(db);
}

static int collect(const lcm_audit_row *row, void *ctx) {
    char *buf = ctx;
    size_t n = strlen(buf);
    snprintf(buf + n, 4096 - n, "%s|%s|%s|%s|%s\n", row->who, row->action, row->object, row->place,
             row->detail);
    return 0;
}

static void auth__audit_rows_cannot_be_updated_or_deleted(void) {
    lcm_db *db = auth_db("auth_audit.db");
    lcm_err err = {0};
    long long id = 0;
    CU_ASSERT_EQUAL_FATAL(
        lcm_user_add(db, "boss", "部长", LCM_ROLE_ADMIN, "", "password1", NULL, &id, &err), LCM_OK);
    lcm_user boss;
    CU_ASSERT_EQUAL_FATAL(lcm_user_get(db, "boss", &boss, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_audit(db, &boss, "network.admit", "4405/2026", "4405", "录取", &err),
                    LCM_OK);
    CU_ASSERT_EQUAL(lcm_audit(db, NULL, "", "x", "", "", &err), LCM_INVAL);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM audit"), 2);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT user_id FROM audit WHERE action = 'network.admit'"), id);

    sqlite3 *sql = lcm_db_sqlite(db);
    char *msg = NULL;
    CU_ASSERT_NOT_EQUAL(
        sqlite3_exec(sql, "UPDATE audit SET who = 'someone else'", NULL, NULL, &msg), SQLITE_OK);
    LCMT_ASSERT_HAS(msg, "append-only");
    sqlite3_free(msg);
    msg = NULL;
    CU_ASSERT_NOT_EQUAL(sqlite3_exec(sql, "DELETE FROM audit", NULL, NULL, &msg), SQLITE_OK);
    LCMT_ASSERT_HAS(msg, "append-only");
    sqlite3_free(msg);
    msg = NULL;
    CU_ASSERT_NOT_EQUAL(sqlite3_exec(sql,
                                     "INSERT OR REPLACE INTO audit(id, at, who, action, "
                                     "object) VALUES (1, 'x', 'x', 'x', 'x')",
                                     NULL, NULL, &msg),
                        SQLITE_OK);
    LCMT_ASSERT_HAS(msg, "append-only");
    sqlite3_free(msg);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM audit"), 2);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM audit WHERE who = 'boss'"), 1);

    char buf[4096] = "";
    CU_ASSERT_EQUAL(lcm_audit_each(db, NULL, NULL, collect, buf, &err), LCM_OK);
    CU_ASSERT_STRING_EQUAL(buf, "命令行|user.add|boss||role=admin name=部长\n"
                                "boss|network.admit|4405/2026|4405|录取\n");
    buf[0] = 0;
    CU_ASSERT_EQUAL(lcm_audit_each(db, "boss", NULL, collect, buf, &err), LCM_OK);
    CU_ASSERT_STRING_EQUAL(buf, "boss|network.admit|4405/2026|4405|录取\n");
    buf[0] = 0;
    CU_ASSERT_EQUAL(lcm_audit_each(db, NULL, "2100-01-01", collect, buf, &err), LCM_OK);
    CU_ASSERT_STRING_EQUAL(buf, "");
    lcm_db_close(db);
}

static void auth__five_failures_lock_a_login_for_15_minutes(void) {
    lcm_db *db = auth_db("auth_lock.db");
    lcm_err err = {0};
    long long t = 1800000000;
    int locked = 0;
    for (int i = 1; i < LCM_LOGIN_FAILURES; i++) {
        CU_ASSERT_EQUAL(lcm_login_failed(db, "st", "10.0.0.1", t + i, &locked, &err), LCM_OK);
        CU_ASSERT_EQUAL(locked, 0);
        CU_ASSERT_EQUAL(lcm_login_locked(db, "st", "10.0.0.1", t + i), 0);
    }
    CU_ASSERT_EQUAL(lcm_login_failed(db, "st", "10.0.0.1", t + 5, &locked, &err), LCM_OK);
    CU_ASSERT_EQUAL(locked, 1);
    /* locked for 15 minutes from the fifth failure, from any address */
    CU_ASSERT_EQUAL(lcm_login_locked(db, "st", "10.0.0.1", t + 5), 900);
    CU_ASSERT_EQUAL(lcm_login_locked(db, "st", "10.9.9.9", t + 6), 899);
    CU_ASSERT_EQUAL(lcm_login_locked(db, "other", "10.0.0.1", t + 6), 0);
    CU_ASSERT_EQUAL(lcm_login_locked(db, "st", "10.0.0.1", t + 5 + 900), 0);
    /* failures far apart are not a run: the count starts again */
    for (int i = 0; i < 10; i++) {
        CU_ASSERT_EQUAL(lcm_login_failed(db, "slow", NULL, t + i * 1000, &locked, &err), LCM_OK);
        CU_ASSERT_EQUAL(locked, 0);
    }
    /* a success clears the count of the login */
    for (int i = 0; i < LCM_LOGIN_FAILURES - 1; i++)
        CU_ASSERT_EQUAL(lcm_login_failed(db, "ok", NULL, t + i, &locked, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_login_succeeded(db, "ok", &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_login_failed(db, "ok", NULL, t + 10, &locked, &err), LCM_OK);
    CU_ASSERT_EQUAL(locked, 0);
    /* an address trying many logins is locked after LCM_LOGIN_IP_FAILURES */
    for (int i = 0; i < LCM_LOGIN_IP_FAILURES; i++) {
        char login[16];
        snprintf(login, sizeof login, "guess%d", i);
        CU_ASSERT_EQUAL(lcm_login_failed(db, login, "10.6.6.6", t + i, &locked, &err), LCM_OK);
        CU_ASSERT_EQUAL(locked, i == LCM_LOGIN_IP_FAILURES - 1);
    }
    CU_ASSERT_EQUAL(lcm_login_locked(db, "anyone", "10.6.6.6", t + LCM_LOGIN_IP_FAILURES), 899);
    lcm_db_close(db);
}

static void auth__generated_passwords_are_16_unambiguous_characters(void) {
    char a[LCM_PASSWORD_GEN_LEN + 1], b[LCM_PASSWORD_GEN_LEN + 1];
    CU_ASSERT_EQUAL(lcm_password_generate(a, NULL), LCM_OK);
    CU_ASSERT_EQUAL(lcm_password_generate(b, NULL), LCM_OK);
    CU_ASSERT_EQUAL(strlen(a), 16);
    CU_ASSERT_STRING_NOT_EQUAL(a, b);
    CU_ASSERT_EQUAL(strspn(a, "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"), 16);
}

const lcmt_case lcmt_auth_cases[] = {
    {"role_codes_labels_and_parse_agree", auth__role_codes_labels_and_parse_agree},
    {"logins_are_ascii_words_of_1_to_63", auth__logins_are_ascii_words_of_1_to_63},
    {"password_is_stored_as_argon2id_and_verifies",
     auth__password_is_stored_as_argon2id_and_verifies},
    {"bad_logins_names_places_are_refused_and_nothing_written",
     auth__bad_logins_names_places_are_refused_and_nothing_written},
    {"each_role_sees_only_its_places", auth__each_role_sees_only_its_places},
    {"interviewer_account_is_linked_to_a_field_interviewer",
     auth__interviewer_account_is_linked_to_a_field_interviewer},
    {"audit_rows_cannot_be_updated_or_deleted", auth__audit_rows_cannot_be_updated_or_deleted},
    {"five_failures_lock_a_login_for_15_minutes", auth__five_failures_lock_a_login_for_15_minutes},
    {"generated_passwords_are_16_unambiguous_characters",
     auth__generated_passwords_are_16_unambiguous_characters},
    {NULL, NULL},
};
