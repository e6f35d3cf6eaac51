/*
 * approval.c - data approval of a city's monitoring inputs for a year: states, the checked
 * transitions between them, the history, and the lock the importers consult
 * (engine/approval.h, docs/approval.md).
 */
#include "approval.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const state_codes[] = {"open", "submitted", "province_accepted", "returned",
                                          "accepted"};
static const char *const state_labels[] = {"填报中", "已上报", "省级已审核", "已退回",
                                           "部级已确认"};
static const char *const action_codes[] = {"submit", "accept", "return", "reopen"};
static const char *const action_labels[] = {"上报", "审核通过", "退回", "重新开放"};
static const char *const level_codes[] = {"city", "province", "ministry"};
static const char *const level_labels[] = {"城市", "省级", "部级"};

#define COUNT(a) ((int)(sizeof(a) / sizeof(a)[0]))

static const char *pick(const char *const *names, int n, int i) {
    return i >= 0 && i < n ? names[i] : "?";
}

static int find(const char *const *names, int n, const char *code) {
    for (int i = 0; code && i < n; i++)
        if (strcmp(names[i], code) == 0)
            return i;
    return -1;
}

const char *lcm_approval_state_code(lcm_approval_state s) {
    return pick(state_codes, COUNT(state_codes), (int)s);
}
const char *lcm_approval_state_label(lcm_approval_state s) {
    return pick(state_labels, COUNT(state_labels), (int)s);
}
const char *lcm_approval_action_code(lcm_approval_action a) {
    return pick(action_codes, COUNT(action_codes), (int)a);
}
const char *lcm_approval_action_label(lcm_approval_action a) {
    return pick(action_labels, COUNT(action_labels), (int)a);
}
const char *lcm_approval_level_code(lcm_approval_level l) {
    return pick(level_codes, COUNT(level_codes), (int)l);
}
const char *lcm_approval_level_label(lcm_approval_level l) {
    return pick(level_labels, COUNT(level_labels), (int)l);
}

int lcm_approval_state_parse(const char *code, lcm_approval_state *out) {
    int i = find(state_codes, COUNT(state_codes), code);
    return i < 0 ? 0 : (*out = (lcm_approval_state)i, 1);
}
int lcm_approval_action_parse(const char *code, lcm_approval_action *out) {
    int i = find(action_codes, COUNT(action_codes), code);
    return i < 0 ? 0 : (*out = (lcm_approval_action)i, 1);
}
int lcm_approval_level_parse(const char *code, lcm_approval_level *out) {
    int i = find(level_codes, COUNT(level_codes), code);
    return i < 0 ? 0 : (*out = (lcm_approval_level)i, 1);
}

int lcm_approval_state_locks(lcm_approval_state s) {
    return s == LCM_APPROVAL_SUBMITTED || s == LCM_APPROVAL_PROVINCE_ACCEPTED ||
           s == LCM_APPROVAL_ACCEPTED;
}

int lcm_approval_next_level(lcm_approval_state s, lcm_approval_action a) {
    switch (a) {
    case LCM_APPROVAL_SUBMIT:
        return s == LCM_APPROVAL_OPEN || s == LCM_APPROVAL_RETURNED ? LCM_APPROVAL_CITY : -1;
    case LCM_APPROVAL_ACCEPT:
    case LCM_APPROVAL_RETURN:
        return s == LCM_APPROVAL_SUBMITTED           ? LCM_APPROVAL_PROVINCE
               : s == LCM_APPROVAL_PROVINCE_ACCEPTED ? LCM_APPROVAL_MINISTRY
                                                     : -1;
    case LCM_APPROVAL_REOPEN:
        return s == LCM_APPROVAL_ACCEPTED ? LCM_APPROVAL_MINISTRY : -1;
    }
    return -1;
}

/* What a state allows, for refusals. */
static const char *allows(lcm_approval_state s) {
    switch (s) {
    case LCM_APPROVAL_OPEN:
        return "the city can submit it";
    case LCM_APPROVAL_SUBMITTED:
        return "the province can accept or return it";
    case LCM_APPROVAL_PROVINCE_ACCEPTED:
        return "the ministry can accept or return it";
    case LCM_APPROVAL_RETURNED:
        return "the city can correct and submit it again";
    case LCM_APPROVAL_ACCEPTED:
        return "the ministry can reopen it";
    }
    return "";
}

static void copy_col(char *dst, size_t cap, sqlite3_stmt *st, int col) {
    const char *t = (const char *)sqlite3_column_text(st, col);
    snprintf(dst, cap, "%s", t ? t : "");
}

static lcm_approval_state state_col(sqlite3_stmt *st, int col) {
    lcm_approval_state s = LCM_APPROVAL_OPEN;
    lcm_approval_state_parse((const char *)sqlite3_column_text(st, col), &s);
    return s;
}

/* Columns read into an lcm_approval, from cities c, the city-year's year y and data_approvals
 * a (LEFT JOINed). */
#define APPROVAL_COLS                                                                              \
    "c.code, c.name, c.province_code, y, a.state, a.updated_at, a.updated_by, a.comment,"          \
    " (SELECT count(*) FROM indicator_values v WHERE v.city_code = c.code AND v.year = y),"        \
    " (SELECT count(*) FROM city_stats s WHERE s.city_code = c.code AND s.year = y),"              \
    " (SELECT count(*) FROM self_assessments x WHERE x.city_code = c.code AND x.year = y)"

static void read_row(sqlite3_stmt *st, lcm_approval *out) {
    memset(out, 0, sizeof *out);
    copy_col(out->city, sizeof out->city, st, 0);
    copy_col(out->city_name, sizeof out->city_name, st, 1);
    copy_col(out->province, sizeof out->province, st, 2);
    out->year = sqlite3_column_int(st, 3);
    out->state = state_col(st, 4);
    copy_col(out->updated_at, sizeof out->updated_at, st, 5);
    copy_col(out->updated_by, sizeof out->updated_by, st, 6);
    copy_col(out->comment, sizeof out->comment, st, 7);
    out->values = sqlite3_column_int(st, 8);
    out->stats = sqlite3_column_int(st, 9);
    out->selfs = sqlite3_column_int(st, 10);
}

lcm_status lcm_approval_get(lcm_db *db, const char *city, int year, lcm_approval *out,
                            lcm_err *err) {
    static const char sql[] = "SELECT " APPROVAL_COLS " FROM (SELECT ?2 AS y) JOIN cities c"
                              " LEFT JOIN data_approvals a ON a.city_code = c.code AND a.year = y"
                              " WHERE c.code = ?1";
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db, sql, &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, city, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, year);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        read_row(st, out);
    else if (step == SQLITE_DONE)
        rc = lcm_err_set(err, LCM_NOTFOUND, "unknown city: '%s' (see 'lcmon cities')", city);
    else
        rc = lcm_db_fail(db, err, "cannot read the approval state");
    sqlite3_finalize(st);
    return rc;
}

static lcm_status read_rows(lcm_db *db, sqlite3_stmt *st, lcm_approval **rows, size_t *n,
                            lcm_err *err);

lcm_status lcm_approval_list(lcm_db *db, const char *city, const char *province, int year,
                             lcm_approval **rows, size_t *n, lcm_err *err) {
    static const char sql[] =
        "WITH cy(city_code, y) AS (SELECT city_code, year FROM indicator_values"
        "  UNION SELECT city_code, year FROM city_stats"
        "  UNION SELECT city_code, year FROM self_assessments"
        "  UNION SELECT city_code, year FROM data_approvals)"
        " SELECT " APPROVAL_COLS " FROM cy JOIN cities c ON c.code = cy.city_code"
        " LEFT JOIN data_approvals a ON a.city_code = cy.city_code AND a.year = y"
        " WHERE (?1 IS NULL OR c.code = ?1) AND (?2 IS NULL OR c.province_code = ?2)"
        " AND (?3 = 0 OR y = ?3) ORDER BY c.code, y";
    sqlite3_stmt *st = NULL;
    *rows = NULL, *n = 0;
    lcm_status rc = lcm_db_prepare(db, sql, &st, err);
    if (rc != LCM_OK)
        return rc;
    if (city)
        sqlite3_bind_text(st, 1, city, -1, SQLITE_TRANSIENT);
    if (province)
        sqlite3_bind_text(st, 2, province, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 3, year);
    return read_rows(db, st, rows, n, err);
}

/* Rows of st (an APPROVAL_COLS select) into *rows. */
static lcm_status read_rows(lcm_db *db, sqlite3_stmt *st, lcm_approval **rows, size_t *n,
                            lcm_err *err) {
    lcm_status rc = LCM_OK;
    size_t cap = 0;
    int step;
    *rows = NULL, *n = 0;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            lcm_approval *grown = realloc(*rows, cap * sizeof *grown);
            if (!grown) {
                rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
                break;
            }
            *rows = grown;
        }
        read_row(st, &(*rows)[(*n)++]);
    }
    if (rc == LCM_OK && step != SQLITE_DONE)
        rc = lcm_db_fail(db, err, "cannot list the approval states");
    sqlite3_finalize(st);
    if (rc != LCM_OK)
        free(*rows), *rows = NULL, *n = 0;
    return rc;
}

lcm_status lcm_approval_left_out(lcm_db *db, int year, int members_only, lcm_approval **rows,
                                 size_t *n, lcm_err *err) {
    static const char sql[] =
        "SELECT " APPROVAL_COLS " FROM (SELECT ?1 AS y) JOIN cities c"
        " LEFT JOIN data_approvals a ON a.city_code = c.code AND a.year = y"
        " WHERE c.code IN (SELECT city_code FROM indicator_values WHERE year = ?1"
        "  UNION SELECT city_code FROM ratings WHERE year = ?1"
        "  UNION SELECT city_code FROM survey_measures WHERE year = ?1)"
        " AND (?2 = 0 OR c.code IN (SELECT city_code FROM network_members"
        "  WHERE status = 'admitted' AND admitted_year <= ?1))"
        " AND coalesce(a.state, 'open') <> 'accepted' ORDER BY c.code";
    sqlite3_stmt *st = NULL;
    *rows = NULL, *n = 0;
    lcm_status rc = lcm_db_prepare(db, sql, &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_int(st, 1, year);
    sqlite3_bind_int(st, 2, members_only != 0);
    return read_rows(db, st, rows, n, err);
}

static int blank(const char *s) {
    for (; s && *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return 0;
    return 1;
}

/* The check of an action against the state and the level; LCM_OK when allowed. */
static lcm_status check_action(const lcm_approval *cur, lcm_approval_action a,
                               lcm_approval_level level, const char *comment, lcm_err *err) {
    int next = lcm_approval_next_level(cur->state, a);
    if (next < 0)
        return lcm_err_set(err, LCM_CONFLICT,
                           "cannot %s the inputs of city %s (%s) for %d: they are %s (%s), and "
                           "only %s",
                           action_codes[a], cur->city, cur->city_name, cur->year,
                           state_labels[cur->state], state_codes[cur->state], allows(cur->state));
    if (next != (int)level)
        return lcm_err_set(err, LCM_CONFLICT,
                           "the %s level cannot %s the inputs of city %s (%s) for %d: they are "
                           "%s (%s), and %s",
                           level_codes[level], action_codes[a], cur->city, cur->city_name,
                           cur->year, state_labels[cur->state], state_codes[cur->state],
                           allows(cur->state));
    if (a == LCM_APPROVAL_RETURN && blank(comment))
        return lcm_err_set(err, LCM_INVAL,
                           "a return needs a comment saying what the city should correct "
                           "(--comment)");
    if (a == LCM_APPROVAL_SUBMIT && cur->values + cur->stats + cur->selfs == 0)
        return lcm_err_set(err, LCM_NOTFOUND,
                           "no inputs of city %s (%s) for %d to submit (import them with "
                           "'lcmon import stats')",
                           cur->city, cur->city_name, cur->year);
    return LCM_OK;
}

static lcm_approval_state target(lcm_approval_action a, lcm_approval_level level) {
    switch (a) {
    case LCM_APPROVAL_SUBMIT:
        return LCM_APPROVAL_SUBMITTED;
    case LCM_APPROVAL_ACCEPT:
        return level == LCM_APPROVAL_MINISTRY ? LCM_APPROVAL_ACCEPTED
                                              : LCM_APPROVAL_PROVINCE_ACCEPTED;
    case LCM_APPROVAL_RETURN:
        return LCM_APPROVAL_RETURNED;
    case LCM_APPROVAL_REOPEN:
        return LCM_APPROVAL_OPEN;
    }
    return LCM_APPROVAL_OPEN;
}

static lcm_status write_action(lcm_db *db, const lcm_approval *cur, lcm_approval_action a,
                               lcm_approval_level level, lcm_approval_state to, const char *who,
                               long long user_id, const char *comment, lcm_err *err) {
    static const char put[] =
        "INSERT INTO data_approvals(city_code, year, state, updated_at, updated_by, comment)"
        " VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%SZ','now'), ?4, ?5)"
        " ON CONFLICT(city_code, year) DO UPDATE SET state = excluded.state,"
        " updated_at = excluded.updated_at, updated_by = excluded.updated_by,"
        " comment = excluded.comment";
    static const char hist[] =
        "INSERT INTO data_approval_history(city_code, year, action, level, from_state,"
        " to_state, user_id, who, at, comment) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
        " strftime('%Y-%m-%dT%H:%M:%SZ','now'), ?9)";
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db, put, &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, cur->city, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, cur->year);
    sqlite3_bind_text(st, 3, state_codes[to], -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, who, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, comment ? comment : "", -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = lcm_db_fail(db, err, "cannot store the approval state");
    sqlite3_finalize(st);
    if (rc != LCM_OK || (rc = lcm_db_prepare(db, hist, &st, err)) != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, cur->city, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, cur->year);
    sqlite3_bind_text(st, 3, action_codes[a], -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, level_codes[level], -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, state_codes[cur->state], -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, state_codes[to], -1, SQLITE_STATIC);
    if (user_id > 0)
        sqlite3_bind_int64(st, 7, user_id);
    sqlite3_bind_text(st, 8, who, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 9, comment ? comment : "", -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = lcm_db_fail(db, err, "cannot store the approval history");
    sqlite3_finalize(st);
    return rc;
}

lcm_status lcm_approval_act(lcm_db *db, const char *city, int year, lcm_approval_action a,
                            lcm_approval_level level, const char *who, long long user_id,
                            const char *comment, lcm_approval *out, lcm_err *err) {
    if ((int)a < 0 || (int)a >= COUNT(action_codes) || (int)level < 0 ||
        (int)level >= COUNT(level_codes) || !who || !*who)
        return lcm_err_set(err, LCM_INVAL, "approval: bad action, level or actor");
    if (year < 2000 || year > 2100)
        return lcm_err_set(err, LCM_INVAL, "not a year from 2000 to 2100: %d", year);
    int own = sqlite3_get_autocommit(lcm_db_sqlite(db));
    lcm_status rc = own ? lcm_db_begin(db, err) : LCM_OK; /* read and write as one */
    lcm_approval cur;
    if (rc == LCM_OK)
        rc = lcm_approval_get(db, city, year, &cur, err);
    if (rc == LCM_OK)
        rc = check_action(&cur, a, level, comment, err);
    lcm_approval_state to = target(a, level);
    if (rc == LCM_OK)
        rc = write_action(db, &cur, a, level, to, who, user_id, comment, err);
    if (rc == LCM_OK && own)
        rc = lcm_db_commit(db, err);
    if (rc != LCM_OK) {
        if (own)
            lcm_db_rollback(db);
        return rc;
    }
    if (out)
        rc = lcm_approval_get(db, city, year, out, err);
    return rc;
}

lcm_status lcm_approval_history(lcm_db *db, const char *city, int year, lcm_approval_event **rows,
                                size_t *n, lcm_err *err) {
    static const char sql[] =
        "SELECT id, coalesce(user_id, 0), at, who, action, level, from_state, to_state, comment"
        " FROM data_approval_history WHERE city_code = ?1 AND year = ?2 ORDER BY id";
    sqlite3_stmt *st = NULL;
    *rows = NULL, *n = 0;
    lcm_status rc = lcm_db_prepare(db, sql, &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, city, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, year);
    size_t cap = 0;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            lcm_approval_event *grown = realloc(*rows, cap * sizeof *grown);
            if (!grown) {
                rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
                break;
            }
            *rows = grown;
        }
        lcm_approval_event *e = &(*rows)[(*n)++];
        memset(e, 0, sizeof *e);
        e->id = sqlite3_column_int64(st, 0), e->user_id = sqlite3_column_int64(st, 1);
        copy_col(e->at, sizeof e->at, st, 2);
        copy_col(e->who, sizeof e->who, st, 3);
        lcm_approval_action_parse((const char *)sqlite3_column_text(st, 4), &e->action);
        lcm_approval_level_parse((const char *)sqlite3_column_text(st, 5), &e->level);
        e->from = state_col(st, 6), e->to = state_col(st, 7);
        copy_col(e->comment, sizeof e->comment, st, 8);
    }
    if (rc == LCM_OK && step != SQLITE_DONE)
        rc = lcm_db_fail(db, err, "cannot read the approval history");
    sqlite3_finalize(st);
    if (rc != LCM_OK)
        free(*rows), *rows = NULL, *n = 0;
    return rc;
}

int lcm_approval_locked(lcm_db *db, const char *city, int year, int from_year_on, int *locked_year,
                        lcm_approval_state *state) {
    static const char sql[] =
        "SELECT year, state FROM data_approvals WHERE city_code = ?1"
        " AND (year = ?2 OR (?3 AND year >= ?2))"
        " AND state IN ('submitted','province_accepted','accepted') ORDER BY year LIMIT 1";
    sqlite3_stmt *st = NULL;
    if (lcm_db_prepare_cached(db, sql, &st, NULL) != LCM_OK)
        return -1;
    sqlite3_bind_text(st, 1, city, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, year);
    sqlite3_bind_int(st, 3, from_year_on != 0);
    int step = sqlite3_step(st), locked = step == SQLITE_ROW;
    if (locked) {
        if (locked_year)
            *locked_year = sqlite3_column_int(st, 0);
        if (state)
            *state = state_col(st, 1);
    }
    sqlite3_reset(st);
    return locked || step == SQLITE_DONE ? locked : -1;
}

void lcm_approval_lock_message(char *buf, size_t cap, const char *city, int year,
                               lcm_approval_state state) {
    snprintf(buf, cap, "the inputs of city %s for %d are %s (%s) and locked: %s", city, year,
             lcm_approval_state_label(state), lcm_approval_state_code(state),
             state == LCM_APPROVAL_ACCEPTED
                 ? "the ministry must reopen them first ('lcmon approval reopen')"
                 : "they are under review and can be changed once returned ('lcmon approval "
                   "return')");
}

int lcm_approval_role_level(const lcm_user *u) {
    if (!u || u->disabled)
        return -1;
    switch (u->role) {
    case LCM_ROLE_CITY:
        return LCM_APPROVAL_CITY;
    case LCM_ROLE_PROVINCE:
        return LCM_APPROVAL_PROVINCE;
    case LCM_ROLE_ADMIN:
        return LCM_APPROVAL_MINISTRY;
    default:
        return -1;
    }
}

/* The account may act on city's inputs: a role that approves, and the city in its place. */
static lcm_status may_act(lcm_db *db, const lcm_user *u, int level, const char *city,
                          lcm_err *err) {
    int own = lcm_approval_role_level(u);
    if (own < 0)
        return lcm_err_set(err, LCM_CONSTRAINT,
                           "account '%s' (%s%s) cannot approve data: city coordinators submit, "
                           "province officers and the ministry's administrators accept or "
                           "return",
                           u->login, lcm_role_label(u->role), u->disabled ? ", disabled" : "");
    if (level >= 0 && level != own)
        return lcm_err_set(err, LCM_INVAL, "account '%s' (%s) acts at the %s level, not the %s",
                           u->login, lcm_role_label(u->role), level_codes[own], level_codes[level]);
    if (!lcm_user_sees_city(db, u, city))
        return lcm_err_set(err, LCM_CONSTRAINT,
                           "account '%s' (%s of %s) cannot act on city %s: not in its place",
                           u->login, lcm_role_label(u->role), u->place, city);
    return LCM_OK;
}

lcm_status lcm_approval_act_as(lcm_db *db, const lcm_user *u, int level, const char *city, int year,
                               lcm_approval_action a, const char *comment, lcm_approval *out,
                               lcm_err *err) {
    if ((int)a < 0 || (int)a >= COUNT(action_codes) || level >= COUNT(level_codes))
        return lcm_err_set(err, LCM_INVAL, "approval: bad action or level");
    int own = sqlite3_get_autocommit(lcm_db_sqlite(db));
    lcm_status rc = own ? lcm_db_begin(db, err) : LCM_OK;
    lcm_approval cur, after;
    if (rc == LCM_OK)
        rc = lcm_approval_get(db, city, year, &cur, err);
    if (rc == LCM_OK && u) {
        rc = may_act(db, u, level, city, err);
        level = lcm_approval_role_level(u);
    } else if (rc == LCM_OK && level < 0) { /* the command line: the level the state waits for */
        level = lcm_approval_next_level(cur.state, a);
        if (level < 0) /* nobody can: lcm_approval_act's refusal names the state */
            level = a == LCM_APPROVAL_SUBMIT ? LCM_APPROVAL_CITY : LCM_APPROVAL_MINISTRY;
    }
    if (rc == LCM_OK)
        rc = lcm_approval_act(db, city, year, a, (lcm_approval_level)level, u ? u->login : "命令行",
                              u ? u->id : 0, comment, &after, err);
    if (rc == LCM_OK) {
        char object[64], detail[1200];
        snprintf(object, sizeof object, "%s/%d", city, year);
        snprintf(detail, sizeof detail, "%s -> %s%s%s", state_codes[cur.state],
                 state_codes[after.state], comment && *comment ? ": " : "", comment ? comment : "");
        char action[32];
        snprintf(action, sizeof action, "approval.%s", action_codes[a]);
        rc = lcm_audit(db, u, action, object, city, detail, err);
    }
    if (rc == LCM_OK && own)
        rc = lcm_db_commit(db, err);
    if (rc != LCM_OK) {
        if (own)
            lcm_db_rollback(db);
        return rc;
    }
    if (out)
        *out = after;
    return LCM_OK;
}

lcm_status lcm_approval_inputs(lcm_db *db, const char *city, int year, lcm_approval_input **rows,
                               size_t *n, double *population, long *honours, long *facilities,
                               lcm_err *err) {
    static const char sql[] =
        "SELECT i.code, i.name_zh, coalesce(i.unit, ''), v.value, s.value,"
        " coalesce(v.source, s.source, '') FROM indicators i"
        " LEFT JOIN indicator_values v ON v.indicator_code = i.code AND v.city_code = ?1"
        "  AND v.year = ?2"
        " LEFT JOIN self_assessments s ON s.indicator_code = i.code AND s.city_code = ?1"
        "  AND s.year = ?2"
        " WHERE v.indicator_code IS NOT NULL OR s.indicator_code IS NOT NULL ORDER BY i.ord";
    static const char counts[] =
        "SELECT (SELECT value FROM city_stats WHERE city_code = ?1 AND year = ?2"
        "  AND stat = 'population'),"
        " (SELECT count(*) FROM honours WHERE city_code = ?1 AND year <= ?2),"
        " (SELECT count(*) FROM facilities WHERE city_code = ?1"
        "  AND (year_opened IS NULL OR year_opened <= ?2))";
    sqlite3_stmt *st = NULL;
    *rows = NULL, *n = 0, *population = NAN, *honours = 0, *facilities = 0;
    lcm_status rc = lcm_db_prepare(db, counts, &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, city, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, year);
    if (sqlite3_step(st) == SQLITE_ROW) {
        if (sqlite3_column_type(st, 0) != SQLITE_NULL)
            *population = sqlite3_column_double(st, 0);
        *honours = sqlite3_column_int(st, 1), *facilities = sqlite3_column_int(st, 2);
    } else
        rc = lcm_db_fail(db, err, "cannot read the inputs");
    sqlite3_finalize(st);
    if (rc != LCM_OK || (rc = lcm_db_prepare(db, sql, &st, err)) != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, city, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, year);
    size_t cap = 0;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 32;
            lcm_approval_input *grown = realloc(*rows, cap * sizeof *grown);
            if (!grown) {
                rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
                break;
            }
            *rows = grown;
        }
        lcm_approval_input *in = &(*rows)[(*n)++];
        memset(in, 0, sizeof *in);
        copy_col(in->code, sizeof in->code, st, 0);
        copy_col(in->name, sizeof in->name, st, 1);
        copy_col(in->unit, sizeof in->unit, st, 2);
        in->verified =
            sqlite3_column_type(st, 3) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 3);
        in->self = sqlite3_column_type(st, 4) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 4);
        copy_col(in->source, sizeof in->source, st, 5);
    }
    if (rc == LCM_OK && step != SQLITE_DONE)
        rc = lcm_db_fail(db, err, "cannot read the inputs");
    sqlite3_finalize(st);
    if (rc != LCM_OK)
        free(*rows), *rows = NULL, *n = 0;
    return rc;
}
