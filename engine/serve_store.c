/*
 * serve_store.c - what `lcmon serve` keeps besides the answers: browser sessions,
 * paradata per page, and the fingerprint of every submitted instance (tables of schema
 * migration 10, see engine/schema.c). Session ids and CSRF tokens are 128 random bits
 * from getrandom(2), as hex.
 */
#include "form_inst.h"
#include "review.h"
#include "serve_int.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

long long lcm__now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* UTC ISO 8601 of a time in milliseconds. */
static void iso(long long ms, char buf[32]) {
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

lcm_status lcm__random_hex(char *out, size_t nbytes, lcm_err *err) {
    unsigned char b[64];
    if (nbytes > sizeof b)
        return lcm_err_set(err, LCM_INVAL, "too many random bytes");
    size_t got = 0;
    while (got < nbytes) {
        ssize_t n = getrandom(b + got, nbytes - got, 0);
        if (n <= 0)
            return lcm_err_set(err, LCM_IO, "no random bytes from the system");
        got += (size_t)n;
    }
    for (size_t i = 0; i < nbytes; i++)
        snprintf(out + 2 * i, 3, "%02x", b[i]);
    return LCM_OK;
}

static void col(sqlite3_stmt *st, int i, char *out, size_t cap) {
    const unsigned char *t = sqlite3_column_text(st, i);
    snprintf(out, cap, "%s", t ? (const char *)t : "");
}

lcm_status lcm__session_load(lcm__req *r, const char *id, lcm_err *err) {
    sqlite3_stmt *st;
    lcm_status rc = lcm_db_prepare_cached(
        r->db,
        "SELECT csrf, mode, lang, page, campaign, token, form_id, form_version, instance_id, "
        "interviewer_id, assignment_id, user_id, ?2 - CAST(strftime('%s', created_at) AS "
        "INTEGER), ?2 - CAST(strftime('%s', seen_at) AS INTEGER) FROM serve_sessions WHERE id = ?1",
        &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, r->now_ms / 1000);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        lcm__session *s = &r->sess;
        snprintf(s->id, sizeof s->id, "%s", id);
        col(st, 0, s->csrf, sizeof s->csrf);
        col(st, 1, s->mode, sizeof s->mode);
        col(st, 2, s->lang, sizeof s->lang);
        col(st, 3, s->page, sizeof s->page);
        col(st, 4, s->campaign, sizeof s->campaign);
        col(st, 5, s->token, sizeof s->token);
        col(st, 6, s->form_id, sizeof s->form_id);
        col(st, 7, s->form_version, sizeof s->form_version);
        col(st, 8, s->instance_id, sizeof s->instance_id);
        s->interviewer_id = sqlite3_column_int64(st, 9);
        s->assignment_id = sqlite3_column_int64(st, 10);
        s->user_id = sqlite3_column_int64(st, 11);
        s->age_s = sqlite3_column_int64(st, 12);
        s->idle_s = sqlite3_column_int64(st, 13);
        s->found = 1;
        rc = LCM_OK;
    } else
        rc = step == SQLITE_DONE ? lcm_err_set(err, LCM_NOTFOUND, "no such session")
                                 : lcm_db_fail(r->db, err, "reading a session");
    sqlite3_reset(st);
    return rc;
}

lcm_status lcm__session_new(lcm__req *r, const char *mode, lcm_err *err) {
    lcm__session *s = &r->sess;
    char lang[8];
    snprintf(lang, sizeof lang, "%s", s->lang[0] ? s->lang : "zh");
    memset(s, 0, sizeof *s);
    snprintf(s->lang, sizeof s->lang, "%s", lang);
    snprintf(s->mode, sizeof s->mode, "%s", mode);
    lcm_status rc;
    if ((rc = lcm__random_hex(s->id, 16, err)) != LCM_OK ||
        (rc = lcm__random_hex(s->csrf, 16, err)) != LCM_OK)
        return rc;
    sqlite3_stmt *st;
    if ((rc = lcm_db_prepare_cached(r->db,
                                    "INSERT INTO serve_sessions (id, csrf, mode, lang, ip, "
                                    "created_at, seen_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
                                    &st, err)) != LCM_OK)
        return rc;
    char now[32];
    iso(r->now_ms, now);
    sqlite3_bind_text(st, 1, s->id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, s->csrf, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, s->mode, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, s->lang, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, r->ip, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 6, now, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(st) == SQLITE_DONE ? LCM_OK : lcm_db_fail(r->db, err, "starting a session");
    sqlite3_reset(st);
    if (rc == LCM_OK) {
        s->found = 1;
        r->set_cookie = 1;
    }
    return rc;
}

lcm_status lcm__session_save(lcm__req *r, lcm_err *err) {
    const lcm__session *s = &r->sess;
    sqlite3_stmt *st;
    lcm_status rc = lcm_db_prepare_cached(
        r->db,
        "UPDATE serve_sessions SET mode = ?2, lang = ?3, page = ?4, campaign = ?5, token = ?6, "
        "form_id = ?7, form_version = ?8, instance_id = ?9, interviewer_id = ?10, "
        "assignment_id = ?11, seen_at = ?12 WHERE id = ?1",
        &st, err);
    if (rc != LCM_OK)
        return rc;
    char now[32];
    iso(r->now_ms, now);
    const char *t[] = {s->id,    s->mode,    s->lang,         s->page,       s->campaign,
                       s->token, s->form_id, s->form_version, s->instance_id};
    for (int i = 0; i < 9; i++)
        sqlite3_bind_text(st, i + 1, t[i], -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 10, s->interviewer_id);
    sqlite3_bind_int64(st, 11, s->assignment_id);
    sqlite3_bind_text(st, 12, now, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(st) == SQLITE_DONE ? LCM_OK : lcm_db_fail(r->db, err, "saving a session");
    sqlite3_reset(st);
    return rc;
}

lcm_status lcm__paradata(lcm__req *r, const char *page, long long shown_ms, int back,
                         lcm_err *err) {
    sqlite3_stmt *st;
    lcm_status rc = lcm_db_prepare_cached(
        r->db,
        "INSERT INTO serve_paradata (instance_id, page, first_shown, submitted, time_ms, "
        "submits, back_count) VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6) "
        "ON CONFLICT (instance_id, page) DO UPDATE SET "
        "first_shown = coalesce(min(first_shown, excluded.first_shown), first_shown, "
        "excluded.first_shown), submitted = excluded.submitted, "
        "time_ms = time_ms + excluded.time_ms, submits = submits + 1, "
        "back_count = back_count + excluded.back_count",
        &st, err);
    if (rc != LCM_OK)
        return rc;
    char shown[32], now[32];
    /* The time the page was shown comes back with the form: believe it only when it is a
     * time between a day ago and now. */
    int known = shown_ms > r->now_ms - 86400000LL && shown_ms <= r->now_ms;
    iso(shown_ms, shown);
    iso(r->now_ms, now);
    sqlite3_bind_text(st, 1, r->sess.instance_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, page, -1, SQLITE_TRANSIENT);
    if (known)
        sqlite3_bind_text(st, 3, shown, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, 3);
    sqlite3_bind_text(st, 4, now, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 5, known ? r->now_ms - shown_ms : 0);
    sqlite3_bind_int(st, 6, back ? 1 : 0);
    rc = sqlite3_step(st) == SQLITE_DONE ? LCM_OK : lcm_db_fail(r->db, err, "recording paradata");
    sqlite3_reset(st);
    return rc;
}

/* FNV-1a 64 of every answer but the times, the device and what the server fills (the
 * household number and interviewer of self-completion): two instances with the same
 * fingerprint gave the same answers to every question. */
static void fingerprint(const lcm_instance *in, char out[17]) {
    const lcm_form *f = in->f;
    unsigned long long h = 1469598103934665603ULL;
    size_t nf = lcm_form_nfields(f);
    for (size_t i = 0; i < nf; i++) {
        const lcm_field *fd = lcm_form_field(f, i);
        if (!fd->column || fd->type >= LCM_FT_START || fd->type == LCM_FT_CALCULATE)
            continue;
        if (fd->repeat < 0 &&
            (strcmp(fd->column, "household_id") == 0 || strcmp(fd->column, "interviewer") == 0))
            continue; /* filled by the server in self-completion: not the respondent's */
        long rows = fd->repeat >= 0 ? lcm_instance_rows(in, fd->repeat) : 1;
        for (long row = 1; row <= rows; row++) {
            const char *v = lcm_instance_get(in, (int)i, fd->repeat >= 0 ? row : 0);
            for (const unsigned char *p = (const unsigned char *)v;; p++) {
                h = (h ^ *p) * 1099511628211ULL; /* the NUL too: "ab","c" != "a","bc" */
                if (!*p)
                    break;
            }
        }
    }
    snprintf(out, 17, "%016llx", h);
}

lcm_status lcm__submission(lcm__req *r, const lcm_instance *in, char dup[48], lcm_err *err) {
    char fp[17], now[32], since[32];
    fingerprint(in, fp);
    iso(r->now_ms, now);
    iso(r->now_ms - 86400000LL, since);
    dup[0] = '\0';
    sqlite3_stmt *st;
    lcm_status rc = lcm_db_prepare_cached(
        r->db,
        "SELECT instance_id FROM serve_submissions WHERE campaign = ?1 AND fingerprint = ?2 "
        "AND submitted_at >= ?3 AND instance_id <> ?4 ORDER BY submitted_at LIMIT 1",
        &st, err);
    if (rc != LCM_OK)
        return rc;
    const char *id = lcm_instance_meta(in, "instance_id");
    sqlite3_bind_text(st, 1, r->sess.campaign, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, fp, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, since, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, id, -1, SQLITE_TRANSIENT);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        col(st, 0, dup, 48);
    sqlite3_reset(st);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return lcm_db_fail(r->db, err, "looking for duplicate answers");
    if ((rc = lcm_db_prepare_cached(r->db,
                                    "INSERT OR REPLACE INTO serve_submissions (instance_id, "
                                    "campaign, fingerprint, ip, submitted_at, duplicate_of) "
                                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                    &st, err)) != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, r->sess.campaign, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, fp, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, r->ip, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, now, -1, SQLITE_TRANSIENT);
    if (dup[0])
        sqlite3_bind_text(st, 6, dup, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, 6);
    rc = sqlite3_step(st) == SQLITE_DONE ? LCM_OK
                                         : lcm_db_fail(r->db, err, "recording a submission");
    sqlite3_reset(st);
    /* waits for the city coordinator's review (engine/review.h); one returned with issues
     * is resubmitted */
    const char *iv = lcm_instance_meta(in, "interviewer");
    lcm_review_by by = {.user_id = r->signed_in ? r->user.id : 0,
                        .who = strcmp(r->sess.mode, "capi") == 0 && iv && *iv ? iv : "受访者自填"};
    if (rc == LCM_OK)
        rc = lcm_review_submitted(r->db, r->sess.form_id, r->sess.form_version, id,
                                  lcm_instance_meta(in, "city"), &by, err);
    return rc;
}

lcm_status lcm__session_page_of(lcm__req *r, const char *instance_id, lcm_err *err) {
    sqlite3_stmt *st;
    lcm_status rc = lcm_db_prepare_cached(r->db,
                                          "SELECT page FROM serve_sessions WHERE instance_id = ?1 "
                                          "ORDER BY seen_at DESC, rowid DESC LIMIT 1",
                                          &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, instance_id, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW)
        col(st, 0, r->sess.page, sizeof r->sess.page);
    sqlite3_reset(st);
    return LCM_OK;
}

/* ---- writes: one writer at a time, statements kept ------------------------------- */

/* A cached statement without parameters, run once. */
static lcm_status run_cached(lcm_db *db, const char *sql, lcm_err *err) {
    sqlite3_stmt *st;
    lcm_status rc = lcm_db_prepare_cached(db, sql, &st, err);
    if (rc != LCM_OK)
        return rc;
    rc = sqlite3_step(st) == SQLITE_DONE ? LCM_OK : lcm_db_fail(db, err, sql);
    sqlite3_reset(st);
    return rc;
}

/* The worker threads write one at a time, queued on a mutex: SQLite's own wait for its
 * single writer sleeps (1, 2, 5 … ms) and would hold up every connection of the waiting
 * thread's event loop. They write through the server's one writing connection (srv->wdb),
 * which r->db is until lcm__commit or lcm__rollback. BEGIN and COMMIT are prepared once. */

static void write_start(lcm__req *r) {
    r->wlocked = 1;
    r->rdb = r->db;
    r->db = r->srv->wdb;
}

static void write_end(lcm__req *r) {
    r->db = r->rdb;
    r->wlocked = 0;
    r->in_group = 0;
    pthread_mutex_unlock(&r->srv->wmu);
}

/* ---- group commit -------------------------------------------------------------------
 *
 * A saved page costs a transaction: BEGIN, the log's pages written to the file (COMMIT),
 * the locks, a fifth of the server's time under load (perf). Saved pages are
 * written instead inside one transaction shared by the requests of GROUP_WINDOW_US, each in
 * a savepoint of its own (a failed one is rolled back to it, alone), and committed together
 * by the committer thread; each request's answer goes out once its group has committed, so
 * an acknowledged page is as durable as before. A group whose COMMIT fails answers every
 * request in it with the server's error, and nothing of it is stored. */
#define GROUP_WINDOW_US 2000
#define GROUP_MAX 64 /* requests: committed at once when this many */

static long long mono_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* End the open group, wmu held: COMMIT, or ROLLBACK when that fails or when SQLite has
 * rolled the transaction back already (an I/O error, a full disk); then resume the
 * requests that wait for it (that only marks their connections and wakes their threads). */
void lcm__group_end(lcm__server *s) {
    if (!s->group_open)
        return;
    sqlite3 *h = lcm_db_sqlite(s->wdb);
    int ok = !sqlite3_get_autocommit(h) && run_cached(s->wdb, "COMMIT", NULL) == LCM_OK;
    if (!ok) {
        fprintf(stderr, "lcmon: serve: %zu saved pages were not stored (commit: %s)\n", s->group_n,
                sqlite3_errmsg(h));
        if (!sqlite3_get_autocommit(h))
            lcm_db_rollback(s->wdb);
    }
    pthread_mutex_lock(&s->gmu);
    s->group_ok[s->group_gen % 64] = (unsigned char)ok;
    s->group_open = 0;
    s->group_n = 0;
    s->group_gen++;
    lcm__waiter *w = s->waiting;
    size_t n = s->nwaiting;
    s->waiting = NULL;
    s->nwaiting = s->capwaiting = 0;
    pthread_mutex_unlock(&s->gmu);
    for (size_t i = 0; i < n; i++) {
        *w[i].ok = ok;
        MHD_resume_connection(w[i].conn);
    }
    free(w);
}

void lcm__group_flush(lcm__server *s) {
    pthread_mutex_lock(&s->wmu);
    lcm__group_end(s);
    pthread_mutex_unlock(&s->wmu);
}

void *lcm__group_committer(void *arg) {
    lcm__server *s = arg;
    pthread_mutex_lock(&s->gmu);
    for (;;) {
        while (!s->group_open && !s->group_stop)
            pthread_cond_wait(&s->gcv, &s->gmu);
        if (!s->group_open) /* stopping, and nothing left to commit */
            break;
        long long left;
        while (s->group_open && s->group_n < GROUP_MAX &&
               (left = s->group_t0_us + GROUP_WINDOW_US - mono_us()) > 0) {
            struct timespec until;
            clock_gettime(CLOCK_MONOTONIC, &until);
            until.tv_nsec += (long)(left * 1000);
            until.tv_sec += until.tv_nsec / 1000000000L;
            until.tv_nsec %= 1000000000L;
            pthread_cond_timedwait(&s->gcv, &s->gmu, &until);
        }
        pthread_mutex_unlock(&s->gmu);
        lcm__group_flush(s);
        pthread_mutex_lock(&s->gmu);
    }
    pthread_mutex_unlock(&s->gmu);
    return NULL;
}

int lcm__group_wait(lcm__req *r, struct MHD_Connection *c, int *ok) {
    lcm__server *s = r->srv;
    long long gen = r->group - 1;
    pthread_mutex_lock(&s->gmu);
    if (s->group_open && s->group_gen == gen) {
        if (s->nwaiting == s->capwaiting) {
            size_t cap = s->capwaiting ? 2 * s->capwaiting : 64;
            lcm__waiter *more = realloc(s->waiting, cap * sizeof *more);
            if (!more) { /* cannot wait: the answer says the server failed */
                pthread_mutex_unlock(&s->gmu);
                *ok = 0;
                return 0;
            }
            s->waiting = more, s->capwaiting = cap;
        }
        MHD_suspend_connection(c);
        s->waiting[s->nwaiting++] = (lcm__waiter){c, ok};
        pthread_mutex_unlock(&s->gmu);
        return 1;
    }
    *ok = s->group_ok[gen % 64]; /* ended a moment ago */
    pthread_mutex_unlock(&s->gmu);
    return 0;
}

lcm_status lcm__begin(lcm__req *r, lcm_err *err) {
    pthread_mutex_lock(&r->srv->wmu);
    lcm__group_end(r->srv); /* a write of its own: the saved pages before it are committed first */
    write_start(r);
    lcm_status rc = run_cached(r->db, "BEGIN IMMEDIATE", err);
    if (rc != LCM_OK)
        write_end(r);
    return rc;
}

lcm_status lcm__begin_group(lcm__req *r, lcm_err *err) {
    lcm__server *s = r->srv;
    pthread_mutex_lock(&s->wmu);
    if ((s->group_open && sqlite3_get_autocommit(lcm_db_sqlite(s->wdb))) || r->group)
        lcm__group_end(s); /* rolled back by SQLite after an error: those requests failed;
                              or this request wrote in a group already: that one ends first */
    if (r->group && !s->group_ok[(r->group - 1) % 64]) {
        pthread_mutex_unlock(&s->wmu);
        return lcm_err_set(err, LCM_IO, "what this request saved before was not stored");
    }
    write_start(r);
    lcm_status rc = LCM_OK;
    if (!s->group_open && (rc = run_cached(r->db, "BEGIN IMMEDIATE", err)) == LCM_OK) {
        pthread_mutex_lock(&s->gmu);
        s->group_open = 1;
        s->group_t0_us = mono_us();
        pthread_cond_signal(&s->gcv);
        pthread_mutex_unlock(&s->gmu);
    }
    if (rc == LCM_OK)
        rc = run_cached(r->db, "SAVEPOINT lcm_request", err);
    if (rc != LCM_OK) {
        write_end(r);
        return rc;
    }
    r->in_group = 1;
    return LCM_OK;
}

lcm_status lcm__commit(lcm__req *r, lcm_err *err) {
    lcm__server *s = r->srv;
    if (r->in_group) {
        lcm_status rc = run_cached(r->db, "RELEASE lcm_request", err);
        if (rc != LCM_OK)
            return rc; /* the caller rolls back */
        pthread_mutex_lock(&s->gmu);
        r->group = s->group_gen + 1;
        if (++s->group_n >= GROUP_MAX)
            pthread_cond_signal(&s->gcv);
        pthread_mutex_unlock(&s->gmu);
        write_end(r);
        return LCM_OK;
    }
    lcm_status rc = run_cached(r->db, "COMMIT", err);
    if (rc == LCM_OK && r->wlocked)
        write_end(r);
    return rc;
}

void lcm__rollback(lcm__req *r) {
    if (r->in_group) {
        sqlite3 *h = lcm_db_sqlite(r->db);
        if (!sqlite3_get_autocommit(h) &&
            run_cached(r->db, "ROLLBACK TO lcm_request", NULL) == LCM_OK)
            run_cached(r->db, "RELEASE lcm_request", NULL);
        if (sqlite3_get_autocommit(h))
            lcm__group_end(r->srv); /* the whole group is gone: its requests failed */
        write_end(r);
        return;
    }
    lcm_db_rollback(r->db);
    if (r->wlocked)
        write_end(r);
}
