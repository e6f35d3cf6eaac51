/*
 * rating_store.c - recording expert ratings: assignments, a reviewer's rating with its level,
 * score and evidence, the blind view of a cell, adjudication and the discordant cells.
 * Every write is one transaction: a refused rating leaves the store as it was.
 */
#include "rating.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void bind_cell(sqlite3_stmt *st, const lcm_rating_cell *c) {
    sqlite3_bind_text(st, 1, c->city, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, c->year);
    sqlite3_bind_text(st, 3, c->point, -1, SQLITE_STATIC);
}

/* One integer from sql with the cell bound to ?1-?3 and text to ?4 (may be NULL); -1 on error. */
static long long one_int(lcm_db *db, const char *sql, const lcm_rating_cell *c, const char *text,
                         lcm_err *err) {
    sqlite3_stmt *st = NULL;
    if (lcm_db_prepare(db, sql, &st, err) != LCM_OK)
        return -1;
    if (c)
        bind_cell(st, c);
    if (text)
        sqlite3_bind_text(st, c ? 4 : 1, text, -1, SQLITE_STATIC);
    long long v = -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    else
        lcm_db_fail(db, err, "reading ratings");
    sqlite3_finalize(st);
    return v;
}

/* The city exists and the point is a rating point. */
static lcm_status check_cell(lcm_db *db, const lcm_rating_cell *c, lcm_err *err) {
    long long n = one_int(db, "SELECT count(*) FROM cities WHERE code = ?1", NULL, c->city, err);
    if (n < 0)
        return LCM_DB;
    if (n == 0)
        return lcm_err_set(err, LCM_NOTFOUND, "no such city: '%s'", c->city);
    n = one_int(db, "SELECT count(*) FROM indicators WHERE code = ?1 AND kind = 'rating'", NULL,
                c->point, err);
    if (n < 0)
        return LCM_DB;
    if (n == 0)
        return lcm_err_set(err, LCM_NOTFOUND, "not a rating point: '%s'", c->point);
    if (c->year < 2000 || c->year > 2100)
        return lcm_err_set(err, LCM_INVAL, "bad year: '%d'", c->year);
    return LCM_OK;
}

lcm_status lcm_rating_assign(lcm_db *db, const lcm_rating_cell *c, const char *const *reviewer,
                             size_t n, lcm_err *err) {
    lcm_status rc = check_cell(db, c, err);
    if (rc != LCM_OK)
        return rc;
    for (size_t i = 0; i < n; i++)
        if (!reviewer[i] || !*reviewer[i])
            return lcm_err_set(err, LCM_INVAL, "empty reviewer name");
    if ((rc = lcm_db_begin(db, err)) != LCM_OK)
        return rc;
    long long stray = one_int(db,
                              "SELECT count(*) FROM ratings r WHERE city_code = ?1 AND year = ?2"
                              " AND indicator_code = ?3 AND NOT EXISTS (SELECT 1 FROM"
                              " rating_assignments a WHERE a.city_code = r.city_code AND"
                              " a.year = r.year AND a.indicator_code = r.indicator_code AND"
                              " a.reviewer = r.reviewer)",
                              c, NULL, err);
    if (stray < 0)
        rc = LCM_DB;
    else if (stray > 0)
        rc = lcm_err_set(err, LCM_CONSTRAINT,
                         "city %s point %s %d already has ratings by reviewers not assigned: "
                         "assign before rating",
                         c->city, c->point, c->year);
    sqlite3_stmt *st = NULL;
    if (rc == LCM_OK)
        rc = lcm_db_prepare(db,
                            "INSERT OR IGNORE INTO rating_assignments(city_code, year,"
                            " indicator_code, reviewer) VALUES (?1, ?2, ?3, ?4)",
                            &st, err);
    for (size_t i = 0; rc == LCM_OK && i < n; i++) {
        sqlite3_reset(st);
        bind_cell(st, c);
        sqlite3_bind_text(st, 4, reviewer[i], -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = lcm_db_fail(db, err, "assigning reviewers");
    }
    sqlite3_finalize(st);
    if (rc == LCM_OK)
        return lcm_db_commit(db, err);
    lcm_db_rollback(db);
    return rc;
}

/* application:FIELD (a field of the city's stored application) or stat:CODE (a statistic of
 * the city and year). */
lcm_status lcm_rating_check_evidence(lcm_db *db, const lcm_rating_cell *c, const char *ev,
                                     lcm_err *err) {
    static const char app[] = "application:", stat[] = "stat:";
    const char *sql = NULL, *key = NULL;
    if (!ev || !*ev)
        return lcm_err_set(err, LCM_CONSTRAINT,
                           "a rating needs its evidence: application:FIELD or stat:CODE of "
                           "city %s",
                           c->city);
    if (strncmp(ev, app, sizeof app - 1) == 0)
        key = ev + sizeof app - 1,
        sql = "SELECT count(*) FROM network_application_fields WHERE city_code = ?1 AND field = ?2";
    else if (strncmp(ev, stat, sizeof stat - 1) == 0)
        key = ev + sizeof stat - 1,
        sql = "SELECT count(*) FROM indicator_values WHERE city_code = ?1 AND indicator_code = ?2"
              " AND year = ?3";
    else
        return lcm_err_set(err, LCM_CONSTRAINT,
                           "evidence must be application:FIELD or stat:CODE: '%s'", ev);
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db, sql, &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, c->city, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    if (ev[0] == 's')
        sqlite3_bind_int(st, 3, c->year);
    long long n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    if (n < 0)
        return lcm_db_fail(db, err, "checking the evidence");
    if (n == 0)
        return lcm_err_set(err, LCM_CONSTRAINT, "no such material stored for city %s%s: '%s'",
                           c->city, ev[0] == 's' ? " in that year" : "", ev);
    return LCM_OK;
}

lcm_status lcm_rating_check_score(int level, double *score, lcm_err *err) {
    if (level < 1 || level > LCM_RATING_NLEVEL)
        return lcm_err_set(err, LCM_CONSTRAINT, "level must be 1-5 (优秀..不合格): '%d'", level);
    const lcm_rating_level *L = &lcm_rating_levels[level - 1];
    if (isnan(*score))
        *score = L->dflt;
    else if (!(lcm_rating_level_of(*score) == level && *score >= 0 && *score <= 100))
        return lcm_err_set(err, LCM_CONSTRAINT,
                           "score %g is outside the band of %s (%g-%g%s): '%g'", *score, L->zh,
                           L->lo, L->hi, level == 1 ? "" : ", upper end excluded", *score);
    return LCM_OK;
}

lcm_status lcm_rating_record(lcm_db *db, const lcm_rating_cell *c, const lcm_rating_entry *e,
                             lcm_err *err) {
    double score = e->score;
    lcm_status rc = check_cell(db, c, err);
    if (rc == LCM_OK && (!e->reviewer || !*e->reviewer))
        rc = lcm_err_set(err, LCM_INVAL, "a rating needs its reviewer's name");
    if (rc == LCM_OK)
        rc = lcm_rating_check_score(e->level, &score, err);
    if (rc == LCM_OK)
        rc = lcm_rating_check_evidence(db, c, e->evidence, err);
    /* a transaction of its own, or a savepoint inside the caller's (lcmon serve) */
    int own = sqlite3_get_autocommit(lcm_db_sqlite(db));
    if (rc != LCM_OK ||
        (rc = own ? lcm_db_begin(db, err) : lcm_db_exec(db, "SAVEPOINT lcm_rating", err)) != LCM_OK)
        return rc;
    long long assigned = one_int(db,
                                 "SELECT count(*) FROM rating_assignments WHERE city_code = ?1"
                                 " AND year = ?2 AND indicator_code = ?3",
                                 c, NULL, err);
    long long mine = one_int(db,
                             "SELECT count(*) FROM rating_assignments WHERE city_code = ?1"
                             " AND year = ?2 AND indicator_code = ?3 AND reviewer = ?4",
                             c, e->reviewer, err);
    if (assigned < 0 || mine < 0)
        rc = LCM_DB;
    else if (assigned > 0 && mine == 0)
        rc = lcm_err_set(err, LCM_CONSTRAINT, "reviewer not assigned to city %s point %s %d: '%s'",
                         c->city, c->point, c->year, e->reviewer);
    sqlite3_stmt *st = NULL;
    if (rc == LCM_OK)
        rc = lcm_db_prepare(db,
                            "INSERT INTO ratings(city_code, year, indicator_code, reviewer, score,"
                            " comment, level, evidence, rated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
                            " ?7, ?8, strftime('%Y-%m-%dT%H:%M:%SZ','now'))"
                            " ON CONFLICT (city_code, year, indicator_code, reviewer) DO UPDATE"
                            " SET score = excluded.score, comment = excluded.comment,"
                            " level = excluded.level, evidence = excluded.evidence,"
                            " rated_at = excluded.rated_at",
                            &st, err);
    if (rc == LCM_OK) {
        bind_cell(st, c);
        sqlite3_bind_text(st, 4, e->reviewer, -1, SQLITE_STATIC);
        sqlite3_bind_double(st, 5, score);
        sqlite3_bind_text(st, 6, e->comment, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 7, e->level);
        sqlite3_bind_text(st, 8, e->evidence, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = lcm_db_fail(db, err, "storing the rating");
    }
    sqlite3_finalize(st);
    if (!own) {
        if (rc == LCM_OK)
            return lcm_db_exec(db, "RELEASE lcm_rating", err);
        lcm_db_exec(db, "ROLLBACK TO lcm_rating; RELEASE lcm_rating", NULL);
        return rc;
    }
    if (rc == LCM_OK)
        return lcm_db_commit(db, err);
    lcm_db_rollback(db);
    return rc;
}

static char *dup_text(sqlite3_stmt *st, int col) {
    const char *t = (const char *)sqlite3_column_text(st, col);
    return t ? strdup(t) : NULL;
}

lcm_status lcm_rating_view_as(lcm_db *db, const lcm_rating_cell *c, const char *reviewer,
                              lcm_rating_view *out, lcm_err *err) {
    memset(out, 0, sizeof *out);
    lcm_status rc = check_cell(db, c, err);
    if (rc != LCM_OK)
        return rc;
    long long assigned = one_int(db,
                                 "SELECT count(*) FROM rating_assignments WHERE city_code = ?1"
                                 " AND year = ?2 AND indicator_code = ?3",
                                 c, NULL, err);
    long long rated = one_int(db,
                              "SELECT count(*) FROM ratings WHERE city_code = ?1 AND year = ?2"
                              " AND indicator_code = ?3",
                              c, NULL, err);
    long long counted = one_int(db,
                                "SELECT count(*) FROM ratings_counted WHERE city_code = ?1"
                                " AND year = ?2 AND indicator_code = ?3",
                                c, NULL, err);
    if (assigned < 0 || rated < 0 || counted < 0)
        return LCM_DB;
    if (reviewer && assigned > 0 &&
        one_int(db,
                "SELECT count(*) FROM rating_assignments WHERE city_code = ?1 AND year = ?2"
                " AND indicator_code = ?3 AND reviewer = ?4",
                c, reviewer, err) == 0)
        return lcm_err_set(err, LCM_CONSTRAINT,
                           "reviewer not assigned to city %s point %s %d: '%s'", c->city, c->point,
                           c->year, reviewer);
    out->assigned = (size_t)assigned, out->rated = (size_t)rated, out->complete = counted > 0;
    if (!reviewer)
        return LCM_OK;
    sqlite3_stmt *st = NULL;
    /* blind: only one's own rating until the cell is complete */
    rc = lcm_db_prepare(db,
                        "SELECT reviewer, level, score, evidence, comment FROM ratings"
                        " WHERE city_code = ?1 AND year = ?2 AND indicator_code = ?3"
                        " AND (?5 OR reviewer = ?4) ORDER BY reviewer = ?4 DESC, reviewer",
                        &st, err);
    if (rc != LCM_OK)
        return rc;
    bind_cell(st, c);
    sqlite3_bind_text(st, 4, reviewer, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, out->complete);
    out->row = calloc((size_t)rated + 1, sizeof *out->row);
    if (!out->row)
        rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
    while (rc == LCM_OK && out->n < (size_t)rated && sqlite3_step(st) == SQLITE_ROW) {
        lcm_rating_seen *s = &out->row[out->n++];
        s->reviewer = dup_text(st, 0), s->level = sqlite3_column_int(st, 1);
        s->score = sqlite3_column_double(st, 2);
        s->evidence = dup_text(st, 3), s->comment = dup_text(st, 4);
    }
    sqlite3_finalize(st);
    if (rc != LCM_OK)
        lcm_rating_view_free(out);
    return rc;
}

void lcm_rating_view_free(lcm_rating_view *v) {
    for (size_t i = 0; v->row && i < v->n; i++)
        free(v->row[i].reviewer), free(v->row[i].evidence), free(v->row[i].comment);
    free(v->row);
    memset(v, 0, sizeof *v);
}

/* Each row of st (bound by the caller, finalized here) filled into a new element of *out
 * (elements of size bytes, *n of them); on failure the caller frees the *n filled. */
static lcm_status each_row(lcm_db *db, sqlite3_stmt *st, void **out, size_t size, size_t *n,
                           void (*fill)(sqlite3_stmt *st, void *elem), lcm_err *err) {
    size_t cap = 0;
    int step;
    lcm_status rc = LCM_OK;
    *out = NULL, *n = 0;
    while (rc == LCM_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 16;
            void *g = realloc(*out, cap * size);
            if (!g) {
                rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
                break;
            }
            *out = g;
        }
        fill(st, (char *)*out + (*n)++ * size);
    }
    if (rc == LCM_OK && step != SQLITE_DONE)
        rc = lcm_db_fail(db, err, "reading ratings");
    sqlite3_finalize(st);
    return rc;
}

static void fill_task(sqlite3_stmt *st, void *elem) {
    lcm_rating_task *t = elem;
    t->city = dup_text(st, 0), t->city_name = dup_text(st, 1), t->point = dup_text(st, 2);
    t->point_name = dup_text(st, 3), t->year = sqlite3_column_int(st, 4);
}

lcm_status lcm_rating_tasks(lcm_db *db, const char *reviewer, lcm_rating_task **out, size_t *n,
                            lcm_err *err) {
    *out = NULL, *n = 0;
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(
        db,
        "SELECT DISTINCT a.city_code, coalesce(c.name, a.city_code), a.indicator_code,"
        " i.name_zh, a.year, i.ord FROM rating_assignments a LEFT JOIN cities c"
        " ON c.code = a.city_code JOIN indicators i ON i.code = a.indicator_code"
        " WHERE ?1 IS NULL OR a.reviewer = ?1 ORDER BY a.year DESC, a.city_code, i.ord",
        &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, reviewer, -1, SQLITE_STATIC);
    void *rows = NULL;
    rc = each_row(db, st, &rows, sizeof **out, n, fill_task, err);
    *out = rows;
    if (rc != LCM_OK) {
        lcm_rating_tasks_free(*out, *n);
        *out = NULL, *n = 0;
    }
    return rc;
}

void lcm_rating_tasks_free(lcm_rating_task *t, size_t n) {
    for (size_t i = 0; t && i < n; i++)
        free(t[i].city), free(t[i].city_name), free(t[i].point), free(t[i].point_name);
    free(t);
}

static void fill_material(sqlite3_stmt *st, void *elem) {
    lcm_rating_material *m = elem;
    m->evidence = dup_text(st, 0), m->label = dup_text(st, 1);
}

lcm_status lcm_rating_materials(lcm_db *db, const lcm_rating_cell *c, lcm_rating_material **out,
                                size_t *n, lcm_err *err) {
    *out = NULL, *n = 0;
    sqlite3_stmt *st = NULL;
    /* the same tables lcm_rating_check_evidence looks in */
    lcm_status rc = lcm_db_prepare(
        db,
        "SELECT e, l FROM (SELECT 'application:' || field AS e, NULL AS l, 0 AS k, 0 AS o"
        " FROM network_application_fields WHERE city_code = ?1 UNION ALL SELECT 'stat:' ||"
        " v.indicator_code, i.name_zh, 1, coalesce(i.ord, 0) FROM indicator_values v"
        " LEFT JOIN indicators i ON i.code = v.indicator_code WHERE v.city_code = ?1"
        " AND v.year = ?2) ORDER BY k, o, e",
        &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, c->city, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, c->year);
    void *rows = NULL;
    rc = each_row(db, st, &rows, sizeof **out, n, fill_material, err);
    *out = rows;
    if (rc != LCM_OK) {
        lcm_rating_materials_free(*out, *n);
        *out = NULL, *n = 0;
    }
    return rc;
}

void lcm_rating_materials_free(lcm_rating_material *m, size_t n) {
    for (size_t i = 0; m && i < n; i++)
        free(m[i].evidence), free(m[i].label);
    free(m);
}

lcm_status lcm_rating_adjudicate(lcm_db *db, const lcm_rating_cell *c, int level, double score,
                                 const char *by, const char *note, lcm_err *err) {
    lcm_status rc = check_cell(db, c, err);
    if (rc == LCM_OK && (!by || !*by))
        rc = lcm_err_set(err, LCM_INVAL, "an adjudication needs the adjudicator's name");
    if (rc == LCM_OK)
        rc = lcm_rating_check_score(level, &score, err);
    if (rc != LCM_OK)
        return rc;
    long long counted = one_int(db,
                                "SELECT count(*) FROM ratings_counted WHERE city_code = ?1"
                                " AND year = ?2 AND indicator_code = ?3",
                                c, NULL, err);
    if (counted < 0)
        return LCM_DB;
    if (counted == 0)
        return lcm_err_set(err, LCM_CONSTRAINT,
                           "city %s point %s %d is not fully rated yet: nothing to adjudicate",
                           c->city, c->point, c->year);
    sqlite3_stmt *st = NULL;
    rc = lcm_db_prepare(db,
                        "INSERT OR REPLACE INTO rating_adjudications(city_code, year,"
                        " indicator_code, level, score, adjudicator, note) VALUES (?1, ?2, ?3,"
                        " ?4, ?5, ?6, ?7)",
                        &st, err);
    if (rc == LCM_OK) {
        bind_cell(st, c);
        sqlite3_bind_int(st, 4, level);
        sqlite3_bind_double(st, 5, score);
        sqlite3_bind_text(st, 6, by, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 7, note, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = lcm_db_fail(db, err, "storing the adjudication");
    }
    sqlite3_finalize(st);
    return rc;
}

lcm_status lcm_rating_discordant(lcm_db *db, int year, lcm_rating_discord **out, size_t *n,
                                 lcm_err *err) {
    static const char sql[] =
        "SELECT r.city_code, c.name, r.indicator_code, min(r.level), max(r.level),"
        " group_concat(r.reviewer || ' ' || CASE r.level WHEN 1 THEN '优秀' WHEN 2 THEN '良好'"
        "  WHEN 3 THEN '合格' WHEN 4 THEN '基本合格' ELSE '不合格' END || ' ' ||"
        "  printf('%g', r.score), '; '), a.level, a.score"
        " FROM (SELECT * FROM ratings_counted WHERE year = ?1 ORDER BY reviewer) r"
        " JOIN cities c ON c.code = r.city_code JOIN indicators i ON i.code = r.indicator_code"
        " LEFT JOIN rating_adjudications a ON a.city_code = r.city_code AND a.year = r.year"
        "  AND a.indicator_code = r.indicator_code"
        " GROUP BY r.city_code, r.indicator_code HAVING max(r.level) - min(r.level) > 1"
        " ORDER BY r.city_code, min(i.ord)";
    *out = NULL, *n = 0;
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db, sql, &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_int(st, 1, year);
    size_t cap = 0;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 32;
            lcm_rating_discord *g = realloc(*out, cap * sizeof *g);
            if (!g) {
                rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
                break;
            }
            *out = g;
        }
        lcm_rating_discord *d = &(*out)[(*n)++];
        d->city = dup_text(st, 0), d->city_name = dup_text(st, 1), d->point = dup_text(st, 2);
        d->best = sqlite3_column_int(st, 3), d->worst = sqlite3_column_int(st, 4);
        d->ratings = dup_text(st, 5);
        d->adj_level = sqlite3_column_type(st, 6) == SQLITE_NULL ? 0 : sqlite3_column_int(st, 6);
        d->adj_score = d->adj_level ? sqlite3_column_double(st, 7) : NAN;
    }
    if (rc == LCM_OK && step != SQLITE_DONE)
        rc = lcm_db_fail(db, err, "reading the discordant ratings");
    sqlite3_finalize(st);
    if (rc != LCM_OK) {
        lcm_rating_discord_free(*out, *n);
        *out = NULL, *n = 0;
    }
    return rc;
}

void lcm_rating_discord_free(lcm_rating_discord *d, size_t n) {
    for (size_t i = 0; d && i < n; i++)
        free(d[i].city), free(d[i].city_name), free(d[i].point), free(d[i].ratings);
    free(d);
}
