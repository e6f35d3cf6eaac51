/*
 * network.c - the register's state: storing applications and moving cities along the
 * status order applied -> recommended -> admitted, with a history row for every change.
 * A province may return an application for revision (returned), the city corrects and
 * resubmits it (applied again, same checks as the first time); the ministry admits or
 * declines (declined, final).
 *
 * A recommendation or an admission names several cities; it is one transaction that
 * either moves all of them or none, and it lists every city it refuses with the reason,
 * so a province fixes its list once. Status checks run inside the IMMEDIATE transaction,
 * so two clerks admitting the same city at once cannot both succeed.
 */
#include "network.h"
#include "network_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- problems ---- */

void lcm_net_problems_init(lcm_net_problems *p, lcm_net_lang lang) {
    memset(p, 0, sizeof *p);
    p->lang = lang;
}

void lcm_net_problems_release(lcm_net_problems *p) {
    for (size_t i = 0; i < p->n; i++) {
        free(p->items[i].subject);
        free(p->items[i].what);
    }
    free(p->items);
    lcm_net_problems_init(p, p->lang);
}

void lcm_net_problem_add(lcm_net_problems *p, long line, const char *subject, const char *fmt,
                         ...) {
    char what[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        lcm_net_problem *items = realloc(p->items, cap * sizeof *items);
        if (!items) {
            p->oom = 1;
            return;
        }
        p->items = items, p->cap = cap;
    }
    lcm_net_problem *it = &p->items[p->n];
    it->line = line;
    it->subject = strdup(subject);
    it->what = strdup(what);
    if (!it->subject || !it->what) {
        free(it->subject), free(it->what);
        p->oom = 1;
        return;
    }
    p->n++;
}

/* ---- labels ---- */

const char *lcm_net_label(const char *key, lcm_net_lang lang) {
    static const char *const zh[][2] = {
        {"applied", "已申请"},
        {"recommended", "已推荐"},
        {"admitted", "已加入"},
        {"returned", "已退回"},
        {"declined", "未通过"},
        {"no", "否"},
        {"gnlc", "全球学习型城市网络成员"},
        {"alliance", "原全国学习型城市建设联盟城市"},
        {"municipality", "直辖市"},
        {"provincial_capital", "省会城市"},
        {"separately_planned", "计划单列市"},
        {"prefecture", "地级市"},
        {"county_level", "县级市"},
        {"east", "东部"},
        {"central", "中部"},
        {"west", "西部"},
    };
    if (!key || lang == LCM_NET_EN)
        return key; /* English output keeps the keys: stable for scripts */
    for (size_t i = 0; i < sizeof zh / sizeof zh[0]; i++)
        if (strcmp(key, zh[i][0]) == 0)
            return zh[i][1];
    return key;
}

/* ---- resolving cities and provinces ---- */

static lcm_status lookup_code(lcm_db *db, const char *sql, const char *given, char *out,
                              size_t size, const char *what, lcm_err *err) {
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db, sql, &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, given, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
    else if (step == SQLITE_DONE)
        rc = lcm_err_set(err, LCM_NOTFOUND, "unknown %s: '%s'", what, given);
    else
        rc = lcm_db_fail(db, err, "looking up a code");
    sqlite3_finalize(st);
    return rc;
}

/* A county-level city (县级市) that is not yet a city of the store: a county-level unit of the
 * reference data whose name ends in 市 (昆山市 320583). ?1 its code or name. */
#define COUNTY_CITY_SQL                                                                            \
    "SELECT code, name, province_code FROM admin_units WHERE level = 'county'"                     \
    " AND length(code) = 6 AND name LIKE '%市' AND (code = ?1 OR name = ?1)"

lcm_status lcm_net_city_code(lcm_db *db, const char *city, char out[LCM_NET_CITY_CODE],
                             lcm_err *err) {
    lcm_status rc = lookup_code(db, "SELECT code FROM cities WHERE code = ?1 OR name = ?1", city,
                                out, LCM_NET_CITY_CODE, "city", err);
    if (rc == LCM_NOTFOUND)
        rc = lookup_code(db, "SELECT code FROM (" COUNTY_CITY_SQL ")", city, out, LCM_NET_CITY_CODE,
                         "city", err);
    return rc;
}

/* A county-level city entering the register becomes a city of the store (tier
 * county_level), so that its inputs can be imported and scored. */
static lcm_status add_county_city(lcm_db *db, const char *code, lcm_err *err) {
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db,
                                   "INSERT OR IGNORE INTO cities(code, name, province_code, tier)"
                                   " SELECT code, name, province_code, 'county_level' FROM"
                                   " (" COUNTY_CITY_SQL ")",
                                   &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = lcm_db_fail(db, err, "adding a county-level city");
    sqlite3_finalize(st);
    return rc;
}

lcm_status lcm_net_province_code(lcm_db *db, const char *province, char out[3], lcm_err *err) {
    return lookup_code(db, "SELECT code FROM provinces WHERE code = ?1 OR name = ?1", province, out,
                       3, "province", err);
}

/* ---- transactions ---- */

/* BEGIN IMMEDIATE, or a savepoint inside a transaction the caller (the web server, which
 * adds its audit row) already holds. *own says which one to end. */
static lcm_status tx_begin(lcm_db *db, int *own, lcm_err *err) {
    *own = sqlite3_get_autocommit(lcm_db_sqlite(db)) != 0;
    return *own ? lcm_db_begin(db, err) : lcm_db_exec(db, "SAVEPOINT lcm_net", err);
}

static lcm_status tx_end(lcm_db *db, int own, lcm_status rc, lcm_err *err) {
    if (rc == LCM_OK)
        return own ? lcm_db_commit(db, err) : lcm_db_exec(db, "RELEASE lcm_net", err);
    if (own)
        lcm_db_rollback(db);
    else
        sqlite3_exec(lcm_db_sqlite(db), "ROLLBACK TO lcm_net; RELEASE lcm_net", NULL, NULL, NULL);
    return rc;
}

/* ---- applying ---- */

static lcm_status insert_history(lcm_db *db, const char *city, const char *from, const char *to,
                                 const char *by, const char *note, lcm_err *err) {
    static const char sql[] = "INSERT INTO network_history(city_code, from_status, to_status, "
                              "actor, note) VALUES (?1, ?2, ?3, ?4, ?5)";
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db, sql, &st, err);
    if (rc != LCM_OK)
        return rc;
    const char *v[] = {city, from, to, by, note};
    for (int i = 0; i < 5; i++)
        sqlite3_bind_text(st, i + 1, v[i], -1, SQLITE_STATIC); /* NULL binds NULL */
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = lcm_db_fail(db, err, "recording the change");
    sqlite3_finalize(st);
    return rc;
}

/* Status of city in the register into out ("" when it is not there). */
static lcm_status member_status(lcm_db *db, const char *city, char out[16], lcm_err *err) {
    out[0] = '\0';
    lcm_status rc = lookup_code(db, "SELECT status FROM network_members WHERE city_code = ?1", city,
                                out, 16, "member", err);
    return rc == LCM_NOTFOUND ? LCM_OK : rc;
}

static lcm_status insert_member(lcm_db *db, const lcm_net_application *app, lcm_err *err) {
    static const char sql[] =
        "INSERT INTO network_members(city_code, status, direct_join, applied_on, population, "
        "population_year, area, area_year, gdp_per_capita, gdp_per_capita_year, "
        "education_years, education_years_year, source) "
        "VALUES (?1, 'applied', coalesce(?2, 'no'), ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";
    static const char *const fields[] = {"city.code",
                                         "application.direct_join",
                                         "application.date",
                                         "basic.population",
                                         "basic.population_year",
                                         "basic.area",
                                         "basic.area_year",
                                         "basic.gdp_per_capita",
                                         "basic.gdp_per_capita_year",
                                         "basic.education_years",
                                         "basic.education_years_year"};
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db, sql, &st, err);
    if (rc != LCM_OK)
        return rc;
    /* Numbers go in as text and the columns' REAL/INTEGER affinity converts them. */
    for (int i = 0; i < 11; i++)
        sqlite3_bind_text(st, i + 1, lcm_net_app_get(app, fields[i]), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 12, app->source, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = lcm_db_fail(db, err, "storing the application");
    sqlite3_finalize(st);
    return rc;
}

/* The whole form as filled, so nothing the city wrote is lost to the typed columns. */
static lcm_status insert_values(lcm_db *db, const lcm_net_application *app, const char *city,
                                lcm_err *err) {
    static const char sql[] =
        "INSERT INTO network_application_fields(city_code, field, value) VALUES (?1, ?2, ?3)";
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db, sql, &st, err);
    for (size_t i = 0; rc == LCM_OK && i < app->n; i++) {
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, city, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, app->values[i].name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, app->values[i].value, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = lcm_db_fail(db, err, "storing the application");
    }
    sqlite3_finalize(st);
    return rc;
}

/* A resubmitted application replaces the stored one: typed columns, the fields as filled,
 * the source; the province's earlier opinion and date go (it has not recommended this). */
static lcm_status update_member(lcm_db *db, const lcm_net_application *app, lcm_err *err) {
    static const char sql[] =
        "UPDATE network_members SET status = 'applied', direct_join = coalesce(?2, 'no'),"
        " applied_on = ?3, population = ?4, population_year = ?5, area = ?6, area_year = ?7,"
        " gdp_per_capita = ?8, gdp_per_capita_year = ?9, education_years = ?10,"
        " education_years_year = ?11, source = ?12, opinion = NULL, recommended_on = NULL"
        " WHERE city_code = ?1";
    static const char *const fields[] = {"city.code",
                                         "application.direct_join",
                                         "application.date",
                                         "basic.population",
                                         "basic.population_year",
                                         "basic.area",
                                         "basic.area_year",
                                         "basic.gdp_per_capita",
                                         "basic.gdp_per_capita_year",
                                         "basic.education_years",
                                         "basic.education_years_year"};
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db, sql, &st, err);
    if (rc != LCM_OK)
        return rc;
    for (int i = 0; i < 11; i++)
        sqlite3_bind_text(st, i + 1, lcm_net_app_get(app, fields[i]), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 12, app->source, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = lcm_db_fail(db, err, "storing the application");
    sqlite3_finalize(st);
    if (rc == LCM_OK && (rc = lcm_db_prepare(db,
                                             "DELETE FROM network_application_fields"
                                             " WHERE city_code = ?1",
                                             &st, err)) == LCM_OK) {
        sqlite3_bind_text(st, 1, lcm_net_app_get(app, "city.code"), -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = lcm_db_fail(db, err, "replacing the application");
        sqlite3_finalize(st);
    }
    return rc;
}

/* Subject of a problem about the application's city: "4401 广州市". */
static void app_subject(const lcm_net_application *app, char *out, size_t cap) {
    const char *city = lcm_net_app_get(app, "city.code");
    const char *name = lcm_net_app_get(app, "city.name");
    snprintf(out, cap, "%s %s", city ? city : "", name ? name : "");
}

lcm_status lcm_net_apply(lcm_db *db, const lcm_net_application *app, const char *by,
                         lcm_net_problems *problems, lcm_err *err) {
    const char *city = lcm_net_app_get(app, "city.code");
    char status[16], subject[160];
    int own = 0;
    if (!city)
        return lcm_err_set(err, LCM_INVAL, "application '%s' names no city", app->source);
    app_subject(app, subject, sizeof subject);
    lcm_status rc = tx_begin(db, &own, err);
    if (rc != LCM_OK)
        return rc;
    rc = member_status(db, city, status, err);
    if (rc == LCM_OK && strcmp(status, "returned") == 0) {
        lcm_net_problem_add(problems, 0, subject,
                            L(problems,
                              "was returned for revision: correct the application and resubmit "
                              "it (network resubmit)",
                              "申请已退回修改：请修改后重新提交（network resubmit）"));
        rc = LCM_CONSTRAINT;
    } else if (rc == LCM_OK && status[0]) {
        lcm_net_problem_add(
            problems, 0, subject,
            L(problems, "already in the register with status %s", "该城市已在名册中，状态为%s"),
            lcm_net_label(status, problems->lang));
        rc = LCM_CONSTRAINT;
    }
    if (rc == LCM_OK && (rc = add_county_city(db, city, err)) == LCM_OK &&
        (rc = insert_member(db, app, err)) == LCM_OK &&
        (rc = insert_values(db, app, city, err)) == LCM_OK)
        rc = insert_history(db, city, NULL, "applied", by, app->source, err);
    return tx_end(db, own, rc, err);
}

lcm_status lcm_net_resubmit(lcm_db *db, const lcm_net_application *app, const char *by,
                            lcm_net_problems *problems, lcm_err *err) {
    const char *city = lcm_net_app_get(app, "city.code");
    char status[16], subject[160];
    int own = 0;
    if (!city)
        return lcm_err_set(err, LCM_INVAL, "application '%s' names no city", app->source);
    app_subject(app, subject, sizeof subject);
    lcm_status rc = tx_begin(db, &own, err);
    if (rc != LCM_OK)
        return rc;
    rc = member_status(db, city, status, err);
    if (rc == LCM_OK && !status[0]) {
        lcm_net_problem_add(problems, 0, subject,
                            L(problems, "has not applied: nothing to resubmit (network apply)",
                              "尚未申请，无可重新提交的申请（请用network apply）"));
        rc = LCM_CONSTRAINT;
    } else if (rc == LCM_OK && strcmp(status, "returned") != 0) {
        lcm_net_problem_add(problems, 0, subject,
                            L(problems,
                              "cannot be resubmitted: its status is %s (only an application "
                              "returned for revision can be)",
                              "不能重新提交：当前状态为%s（只有已退回修改的申请才能重新提交）"),
                            lcm_net_label(status, problems->lang));
        rc = LCM_CONSTRAINT;
    }
    if (rc == LCM_OK && (rc = update_member(db, app, err)) == LCM_OK &&
        (rc = insert_values(db, app, city, err)) == LCM_OK)
        rc = insert_history(db, city, "returned", "applied", by, app->source, err);
    return tx_end(db, own, rc, err);
}

/* ---- recommending and admitting ---- */

typedef struct member {
    char code[LCM_NET_CITY_CODE];
    char label[160]; /* "4401 广州市": the subject of problems */
    char province[3];
    char province_name[64];
    char status[16]; /* "" when not in the register */
    char direct[16];
    int applied_year;
} member;

typedef struct transition {
    const char *to;       /* the new status */
    const char *province; /* recommend: the recommending province's code */
    const char *province_name;
    const char *opinion; /* recommend: its opinion */
    int year;            /* admit: the year of admission */
    const char *update;  /* ?1 city, ?2 opinion, ?3 year */
    /* Add a problem when m may not move to `to`. */
    void (*refuse)(const struct transition *t, const member *m, lcm_net_problems *pr);
} transition;

static lcm_status load_member(lcm_db *db, const char *code, member *m, lcm_err *err) {
    static const char sql[] =
        "SELECT c.code, c.code || ' ' || c.name, c.province_code, p.name, coalesce(m.status, ''),"
        " coalesce(m.direct_join, ''), coalesce(CAST(substr(m.applied_on, 1, 4) AS INTEGER), 0)"
        " FROM cities c JOIN provinces p ON p.code = c.province_code"
        " LEFT JOIN network_members m ON m.city_code = c.code WHERE c.code = ?1";
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db, sql, &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        char *out[] = {m->code, m->label, m->province, m->province_name, m->status, m->direct};
        size_t size[] = {sizeof m->code,          sizeof m->label,  sizeof m->province,
                         sizeof m->province_name, sizeof m->status, sizeof m->direct};
        for (int i = 0; i < 6; i++)
            snprintf(out[i], size[i], "%s", (const char *)sqlite3_column_text(st, i));
        m->applied_year = sqlite3_column_int(st, 6);
    } else {
        rc = lcm_db_fail(db, err, "reading the register");
    }
    sqlite3_finalize(st);
    return rc;
}

/* A province acts only on its own cities. */
static int other_province(const transition *t, const member *m, lcm_net_problems *pr) {
    if (strcmp(m->province, t->province) == 0)
        return 0;
    lcm_net_problem_add(pr, 0, m->label,
                        L(pr, "belongs to %s, not %s: a province acts only on its own cities",
                          "属于%s，不属于%s：省级部门只能处理本省城市"),
                        m->province_name, t->province_name);
    return 1;
}

static void refuse_recommend(const transition *t, const member *m, lcm_net_problems *pr) {
    if (other_province(t, m, pr))
        return;
    if (strcmp(m->status, "returned") == 0)
        lcm_net_problem_add(pr, 0, m->label,
                            L(pr,
                              "cannot be recommended: it was returned for revision and has not "
                              "been resubmitted",
                              "不能推荐：申请已退回修改，城市尚未重新提交"));
    else if (strcmp(m->status, "applied") != 0)
        lcm_net_problem_add(
            pr, 0, m->label,
            L(pr, "cannot be recommended: its status is already %s", "不能推荐：当前状态已是%s"),
            lcm_net_label(m->status, pr->lang));
}

static void refuse_return(const transition *t, const member *m, lcm_net_problems *pr) {
    if (!other_province(t, m, pr) && strcmp(m->status, "applied") != 0)
        lcm_net_problem_add(pr, 0, m->label,
                            L(pr,
                              "cannot be returned: its status is %s (a province returns only "
                              "an application it has not yet recommended)",
                              "不能退回：当前状态为%s（省级部门只能退回尚未推荐的申请）"),
                            lcm_net_label(m->status, pr->lang));
}

/* What the ministry decides on: a recommended city, or an applied one joining directly. */
static int before_ministry(const member *m) {
    return strcmp(m->status, "recommended") == 0 ||
           (strcmp(m->status, "applied") == 0 && strcmp(m->direct, "no") != 0);
}

static void refuse_admit(const transition *t, const member *m, lcm_net_problems *pr) {
    if (strcmp(m->status, "admitted") == 0)
        lcm_net_problem_add(pr, 0, m->label, L(pr, "already admitted", "已经加入网络"));
    else if (strcmp(m->status, "applied") == 0 && strcmp(m->direct, "no") == 0)
        lcm_net_problem_add(pr, 0, m->label,
                            L(pr,
                              "cannot be admitted before its province recommends it "
                              "(status applied, not joining directly)",
                              "须经省级推荐才能确定加入（当前状态：已申请，不属于直接加入）"));
    else if (!before_ministry(m))
        lcm_net_problem_add(
            pr, 0, m->label,
            L(pr, "cannot be admitted: its status is %s", "不能确定加入：当前状态为%s"),
            lcm_net_label(m->status, pr->lang));
    else if (t->year < m->applied_year)
        lcm_net_problem_add(
            pr, 0, m->label,
            L(pr, "cannot be admitted in %d: it applied in %d", "不能在%d年加入：申请时间为%d年"),
            t->year, m->applied_year);
}

static void refuse_decline(const transition *t, const member *m, lcm_net_problems *pr) {
    (void)t;
    if (!before_ministry(m))
        lcm_net_problem_add(
            pr, 0, m->label,
            L(pr,
              "cannot be declined: its status is %s (the ministry decides on "
              "recommended cities and those joining directly)",
              "不能作出未通过决定：当前状态为%s（部里只对已推荐或直接加入的城市作出决定）"),
            lcm_net_label(m->status, pr->lang));
}

/* Resolve and check one city named on the command line; a problem when it may not move. */
static lcm_status check_city(lcm_db *db, const transition *t, const char *given, member *m,
                             lcm_net_problems *pr, lcm_err *err) {
    lcm_err lookup = {0};
    memset(m, 0, sizeof *m);
    lcm_status rc = lcm_net_city_code(db, given, m->code, &lookup);
    if (rc == LCM_NOTFOUND) {
        lcm_net_problem_add(pr, 0, given, L(pr, "no such city", "没有这个城市"));
        return LCM_OK;
    }
    if (rc != LCM_OK) {
        *err = lookup;
        return rc;
    }
    if ((rc = load_member(db, m->code, m, err)) != LCM_OK)
        return rc;
    if (!m->status[0])
        lcm_net_problem_add(pr, 0, m->label,
                            L(pr, "has not applied: not in the register", "尚未申请：不在名册中"));
    else
        t->refuse(t, m, pr);
    return LCM_OK;
}

static lcm_status move_city(lcm_db *db, const transition *t, const member *m, const char *by,
                            lcm_err *err) {
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db, t->update, &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, m->code, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, t->opinion, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, t->year);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = lcm_db_fail(db, err, "changing the status");
    sqlite3_finalize(st);
    char year[16];
    snprintf(year, sizeof year, "%d", t->year);
    if (rc == LCM_OK) /* the note: the province's opinion, or the year of admission */
        rc = insert_history(db, m->code, m->status, t->to, by, t->opinion ? t->opinion : year, err);
    return rc;
}

static int listed_before(const member *ms, size_t i) {
    for (size_t j = 0; j < i; j++)
        if (ms[i].code[0] && strcmp(ms[j].code, ms[i].code) == 0)
            return 1;
    return 0;
}

/* Check every city first, then move them all, inside one transaction. */
static lcm_status run_transition(lcm_db *db, const transition *t, const char *const *cities,
                                 size_t n, const char *by, lcm_net_problems *pr, lcm_err *err) {
    member *ms = calloc(n ? n : 1, sizeof *ms);
    int own = 0;
    if (!ms)
        return lcm_err_set(err, LCM_NOMEM, "out of memory");
    lcm_status rc = tx_begin(db, &own, err);
    if (rc != LCM_OK) {
        free(ms);
        return rc;
    }
    for (size_t i = 0; rc == LCM_OK && i < n; i++) {
        size_t before = pr->n;
        rc = check_city(db, t, cities[i], &ms[i], pr, err);
        if (rc == LCM_OK && pr->n == before && listed_before(ms, i))
            lcm_net_problem_add(pr, 0, ms[i].label, L(pr, "listed twice", "重复列出"));
    }
    if (rc == LCM_OK && (pr->n > 0 || pr->oom))
        rc = pr->oom ? lcm_err_set(err, LCM_NOMEM, "out of memory") : LCM_CONSTRAINT;
    for (size_t i = 0; rc == LCM_OK && i < n; i++)
        rc = move_city(db, t, &ms[i], by, err);
    rc = tx_end(db, own, rc, err);
    free(ms);
    return rc;
}

lcm_status lcm_net_recommend(lcm_db *db, const char *province, const char *const *cities, size_t n,
                             const char *opinion, const char *by, lcm_net_problems *problems,
                             lcm_err *err) {
    char code[3], name[64];
    if (!opinion || !*opinion)
        return lcm_err_set(err, LCM_INVAL, "a recommendation needs the province's opinion");
    lcm_status rc = lcm_net_province_code(db, province, code, err);
    if (rc == LCM_OK)
        rc = lookup_code(db, "SELECT name FROM provinces WHERE code = ?1", code, name, sizeof name,
                         "province", err);
    if (rc != LCM_OK)
        return rc;
    transition t = {"recommended",
                    code,
                    name,
                    opinion,
                    0,
                    "UPDATE network_members SET status = 'recommended', opinion = ?2,"
                    " recommended_on = date('now', 'localtime') WHERE city_code = ?1",
                    refuse_recommend};
    return run_transition(db, &t, cities, n, by, problems, err);
}

lcm_status lcm_net_admit(lcm_db *db, const char *const *cities, size_t n, int year, const char *by,
                         lcm_net_problems *problems, lcm_err *err) {
    /* The seed starts the national network in 2023. */
    if (year < 2023 || year > 2100)
        return lcm_err_set(err, LCM_INVAL, "year of admission must lie in 2023-2100: '%d'", year);
    transition t = {"admitted",
                    NULL,
                    NULL,
                    NULL,
                    year,
                    "UPDATE network_members SET status = 'admitted', admitted_year = ?3"
                    " WHERE city_code = ?1",
                    refuse_admit};
    return run_transition(db, &t, cities, n, by, problems, err);
}

/* The province's code and name into code and name; LCM_NOTFOUND when unknown. */
static lcm_status province_of(lcm_db *db, const char *province, char code[3], char name[64],
                              lcm_err *err) {
    lcm_status rc = lcm_net_province_code(db, province, code, err);
    if (rc == LCM_OK)
        rc = lookup_code(db, "SELECT name FROM provinces WHERE code = ?1", code, name, 64,
                         "province", err);
    return rc;
}

lcm_status lcm_net_return(lcm_db *db, const char *province, const char *const *cities, size_t n,
                          const char *comment, const char *by, lcm_net_problems *problems,
                          lcm_err *err) {
    char code[3], name[64];
    if (!comment || !*comment)
        return lcm_err_set(err, LCM_INVAL, "returning an application needs a comment");
    lcm_status rc = province_of(db, province, code, name, err);
    if (rc != LCM_OK)
        return rc;
    transition t = {
        "returned",   code, name,
        comment,      0,    "UPDATE network_members SET status = 'returned' WHERE city_code = ?1",
        refuse_return};
    return run_transition(db, &t, cities, n, by, problems, err);
}

lcm_status lcm_net_decline(lcm_db *db, const char *const *cities, size_t n, const char *reason,
                           const char *by, lcm_net_problems *problems, lcm_err *err) {
    if (!reason || !*reason)
        return lcm_err_set(err, LCM_INVAL, "declining needs the reason");
    transition t = {
        "declined",    NULL, NULL,
        reason,        0,    "UPDATE network_members SET status = 'declined' WHERE city_code = ?1",
        refuse_decline};
    return run_transition(db, &t, cities, n, by, problems, err);
}

lcm_status lcm_net_state_get(lcm_db *db, const char *city, lcm_net_state *out, lcm_err *err) {
    memset(out, 0, sizeof *out);
    lcm_status rc = member_status(db, city, out->status, err);
    sqlite3_stmt *st = NULL;
    if (rc == LCM_OK && out->status[0] &&
        (rc = lcm_db_prepare(db,
                             "SELECT actor, changed_at, coalesce(note, '') FROM network_history"
                             " WHERE city_code = ?1 ORDER BY id DESC LIMIT 1",
                             &st, err)) == LCM_OK) {
        sqlite3_bind_text(st, 1, city, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) {
            snprintf(out->by, sizeof out->by, "%s", (const char *)sqlite3_column_text(st, 0));
            snprintf(out->at, sizeof out->at, "%s", (const char *)sqlite3_column_text(st, 1));
            snprintf(out->note, sizeof out->note, "%s", (const char *)sqlite3_column_text(st, 2));
        }
        sqlite3_finalize(st);
    }
    return rc;
}

/* For network_attach.c. */
lcm_status lcm__net_tx_begin(lcm_db *db, int *own, lcm_err *err) {
    return tx_begin(db, own, err);
}

lcm_status lcm__net_tx_end(lcm_db *db, int own, lcm_status rc, lcm_err *err) {
    return tx_end(db, own, rc, err);
}

lcm_status lcm__net_member_status(lcm_db *db, const char *city, char out[16], lcm_err *err) {
    return member_status(db, city, out, err);
}

lcm_status lcm__net_add_county_city(lcm_db *db, const char *code, lcm_err *err) {
    return add_county_city(db, code, err);
}
