/*
 * auth.h - accounts, roles scoped to places, passwords, sign-in throttling and the audit
 * trail (schema 16; docs/accounts.md).
 *
 * Roles (code, label shown, place):
 *   admin        部级管理员   ''                 everything, and the accounts
 *   analyst      部级分析员   ''                 reads every city
 *   province     省级联络员   province code (44) the cities of its province
 *   city         城市协调员   city code (4405)   its own city
 *   interviewer  访问员       city code          its own city; linked to a field_interviewers
 *                                               row (its assignments, /i/a on the server)
 *   reviewer     评审专家     ''                 rating points, no city's data
 * Passwords are kept only as libsodium's crypto_pwhash_str (Argon2id, interactive limits).
 * Every change to an account writes an audit row in the same transaction; the audit table
 * refuses UPDATE and DELETE (triggers), so the trail only grows.
 */
#ifndef LCM_AUTH_H
#define LCM_AUTH_H

#include "lcmon.h"

#include <stddef.h>

typedef enum lcm_role {
    LCM_ROLE_ADMIN,
    LCM_ROLE_ANALYST,
    LCM_ROLE_PROVINCE,
    LCM_ROLE_CITY,
    LCM_ROLE_INTERVIEWER,
    LCM_ROLE_REVIEWER
} lcm_role;
#define LCM_ROLE_COUNT 6
#define LCM_ROLE_BIT(r) (1u << (r))
/* Every role: for pages any signed-in user may open. */
#define LCM_ROLE_ANY ((1u << LCM_ROLE_COUNT) - 1u)

typedef struct lcm_user {
    long long id;
    char login[64];
    char name[128];
    lcm_role role;
    char place[16];
    long long interviewer_id; /* field_interviewers.id of an interviewer, else 0 */
    int disabled;
} lcm_user;

/* Shortest and longest password accepted (bytes). */
#define LCM_PASSWORD_MIN 8
#define LCM_PASSWORD_MAX 256
/* Length of a generated password (lcm_password_generate), without the NUL. */
#define LCM_PASSWORD_GEN_LEN 16

const char *lcm_role_code(lcm_role r);               /* "admin" ... */
const char *lcm_role_label(lcm_role r);              /* "部级管理员" ... */
int lcm_role_parse(const char *code, lcm_role *out); /* 1 ok */

/* 1 when login is 1 to 63 ASCII letters, digits, '.', '_' or '-'. */
int lcm_login_valid(const char *login);

/* Add an account. name: 1 to 127 bytes of UTF-8 without control characters (an
 * interviewer's at most 40 characters, the rule of field_interviewers). place by role: ''
 * for admin, analyst and reviewer; a province of the provinces table for province; a city
 * of the cities table for city and interviewer. password: LCM_PASSWORD_MIN to
 * LCM_PASSWORD_MAX bytes. An interviewer is linked to the field_interviewers row of the
 * same name, made (with a token nobody is shown) when there is none. by: who does it (NULL
 * = the command line), for the audit row "user.add". *id (may be NULL) gets the new id.
 * LCM_EXISTS when the login is taken, LCM_INVAL for a bad login, name, role or place. */
lcm_status lcm_user_add(lcm_db *db, const char *login, const char *name, lcm_role role,
                        const char *place, const char *password, const lcm_user *by, long long *id,
                        lcm_err *err);
/* The account called login, or with that id (LCM_NOTFOUND when none). */
lcm_status lcm_user_get(lcm_db *db, const char *login, lcm_user *out, lcm_err *err);
lcm_status lcm_user_by_id(lcm_db *db, long long id, lcm_user *out, lcm_err *err);
/* Check a password. Unknown login, wrong password and disabled account are one error,
 * LCM_CONSTRAINT "wrong login or password" (the same message, and the same work: an
 * unknown login is checked against a dummy hash), so nobody learns which logins exist. */
lcm_status lcm_user_verify(lcm_db *db, const char *login, const char *password, lcm_user *out,
                           lcm_err *err);
/* Disable (1) or enable (0) an account; audit "user.disable" / "user.enable". */
lcm_status lcm_user_set_disabled(lcm_db *db, const char *login, int disabled, const lcm_user *by,
                                 lcm_err *err);
/* Replace the password; audit "user.passwd" (the password is never written anywhere). */
lcm_status lcm_user_set_password(lcm_db *db, const char *login, const char *password,
                                 const lcm_user *by, lcm_err *err);
/* Every account, by login: *out malloc'd (the caller frees it), *n rows. */
lcm_status lcm_user_list(lcm_db *db, lcm_user **out, size_t *n, lcm_err *err);

/* A random password of LCM_PASSWORD_GEN_LEN letters and digits without look-alikes (no
 * 0/O, 1/l/I), from libsodium's randombytes. */
lcm_status lcm_password_generate(char out[LCM_PASSWORD_GEN_LEN + 1], lcm_err *err);

/* Authorisation by place: admin/analyst see every city; province sees the cities of its
 * province; city and interviewer their own city; reviewer none (1 = allowed). A disabled
 * account or NULL sees nothing. */
int lcm_user_sees_city(lcm_db *db, const lcm_user *u, const char *city_code);
int lcm_user_sees_province(const lcm_user *u, const char *province_code);

/* Append one audit row (by NULL = the command line: who = "命令行"), inside the caller's
 * transaction when there is one. at is UTC, YYYY-MM-DDTHH:MM:SSZ. */
lcm_status lcm_audit(lcm_db *db, const lcm_user *by, const char *action, const char *object,
                     const char *place, const char *detail, lcm_err *err);

typedef struct lcm_audit_row {
    long long id;
    char at[32];
    long long user_id; /* 0 for the command line */
    char who[64];
    char action[64];
    char object[256];
    char place[16];
    char detail[512];
} lcm_audit_row;
/* The audit rows, oldest first, of login (NULL: everyone; "命令行" for the command line)
 * since the UTC time since (NULL: all; compared as text, so "2026-12-05" works). Each row
 * is passed to fn (non-zero return stops). */
lcm_status lcm_audit_each(lcm_db *db, const char *login, const char *since,
                          int (*fn)(const lcm_audit_row *row, void *ctx), void *ctx, lcm_err *err);

/* ---- sign-in throttling (the server's /login) --------------------------------------------
 * Failures are counted per login and per address; LCM_LOGIN_FAILURES in a row lock that
 * login (or address) for LCM_LOGIN_LOCK_S seconds. A failure more than LCM_LOGIN_LOCK_S
 * after the previous one starts the count again. now: seconds since the epoch. */
#define LCM_LOGIN_FAILURES 5
#define LCM_LOGIN_LOCK_S (15 * 60)
#define LCM_LOGIN_IP_FAILURES 20
/* Seconds the login or the address is still locked for (0: not locked). */
long lcm_login_locked(lcm_db *db, const char *login, const char *ip, long long now);
/* Record a failed sign-in for login and ip; *locked (may be NULL) gets 1 when this failure
 * locked one of them. */
lcm_status lcm_login_failed(lcm_db *db, const char *login, const char *ip, long long now,
                            int *locked, lcm_err *err);
/* A successful sign-in clears the count of the login (not of the address). */
lcm_status lcm_login_succeeded(lcm_db *db, const char *login, lcm_err *err);

#endif
