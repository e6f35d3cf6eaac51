/*
 * lcmt_http.h - tests of `lcmon serve` over loopback: a server started on a database, a
 * tiny HTTP client (no new test dependency), and signing in as an account (engine/auth.h).
 *
 *     int port;
 *     pid_t pid = lcmt_serve_start(db, &port);
 *     char cookie[40], csrf[40];
 *     CU_ASSERT_EQUAL(lcmt_sign_in(port, "st", "password1", cookie, csrf), 303);
 *     lcmt_resp r = lcmt_http(port, "GET", "/home", cookie, NULL);
 *     ...
 *     lcmt_resp_free(&r);
 *     CU_ASSERT_EQUAL(lcmt_serve_stop(pid), 0);
 */
#ifndef LCMT_HTTP_H
#define LCMT_HTTP_H

#include <sys/types.h>

typedef struct lcmt_resp {
    int status;        /* -1 when the server could not be reached */
    char *head, *body; /* malloc'd: the status line and headers, the body */
    char cookie[40];   /* lcm_s from Set-Cookie, "" when none */
} lcmt_resp;

void lcmt_resp_free(lcmt_resp *r);

/* Start `lcmon serve db --listen 127.0.0.1:0 --rate-limit 0`; the pid (-1 on failure),
 * *port the port it listens on (0 when it did not say). */
pid_t lcmt_serve_start(const char *db, int *port);
/* SIGTERM, wait; the exit status (0 for a clean stop), -1 when it did not exit normally. */
int lcmt_serve_stop(pid_t pid);

/* One request over a fresh connection. cookie (the lcm_s value) and form (an
 * application/x-www-form-urlencoded body, sent when not NULL) may be NULL. */
lcmt_resp lcmt_http(int port, const char *method, const char *path, const char *cookie,
                    const char *form);
/* The value of header name (case-insensitive) into out; "" when absent. Returns out. */
const char *lcmt_header(const lcmt_resp *r, const char *name, char *out, size_t cap);
/* The CSRF token of a page (the hidden _csrf field) into csrf; "" when none. */
const char *lcmt_csrf_of(const char *body, char csrf[40]);

/* Sign in as login with password: GET /login, POST it with the page's CSRF token. Returns
 * the status of the POST (303 when signed in); then *cookie is the new session and *csrf
 * its token (read from /home). */
int lcmt_sign_in(int port, const char *login, const char *password, char cookie[40], char csrf[40]);

/* A signed-in session: its cookie and CSRF token (lcmt_sign_in). lcmt_get_as: GET path in
 * the session (w NULL: none); lcmt_post_as: POST "_csrf=TOKEN&form" in it. Both return the
 * status and, when body is not NULL, a malloc'd copy of the page in *body. */
typedef struct lcmt_who {
    char cookie[40], csrf[40];
} lcmt_who;
int lcmt_get_as(int port, const lcmt_who *w, const char *path, char **body);
int lcmt_post_as(int port, const lcmt_who *w, const char *path, const char *form, char **body);

/* Add an account to the database at db (lcm_user_add; place "" for none, name = login);
 * 0 on success. */
int lcmt_add_user(const char *db, const char *login, const char *role, const char *place,
                  const char *password);

/* What a staff page shows of a stored UTC time: the engine's conversion to Beijing time
 * (lcm_timestamp_beijing, UTC+8) to the minute, "2027-01-01 00:30" for
 * 2026-12-31T16:30:00Z; a failed assertion and "" when stored is not a time with a zone.
 * Returns out. */
const char *lcmt_shown_time(const char *stored, char out[20]);

#endif
