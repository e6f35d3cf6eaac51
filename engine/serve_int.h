/*
 * serve_int.h - what the files of `lcmon serve` share (engine only): the server, one
 * request, a browser session, and the questionnaire pages of a form.
 *
 *   serve_http.c   libmicrohttpd, limits, headers, routing, signals
 *   serve_store.c  sessions, paradata and submissions (tables of migration 10)
 *   serve_page.c   questionnaire pages: render, check and save a page, review, submit
 *   serve_field.c  campaigns, tokens and interviewers (engine/field.h) seen from the web
 *   serve_static.c the style sheet and script, compiled in
 *   serve_auth.c   accounts on the web: /login, /logout, /home, who may open what
 *   serve_users.c  /admin/users: the administrators' page of accounts
 *   serve_review.c /review: city coordinators review interviews; returned ones on /i/a
 *   serve_rate.c   /rate: expert reviewers rate the rating points assigned to them
 */
#ifndef LCM_SERVE_INT_H
#define LCM_SERVE_INT_H

#include "auth.h"
#include "form.h"
#include "interview.h"
#include "serve.h"

#include <pthread.h>
#include <stdatomic.h>

/* A form as the server shows it: its pages (units) worked out once. */
typedef enum lcm__unit_kind {
    LCM__U_SINGLE, /* one question or note on a page of its own */
    LCM__U_GROUP,  /* a group without groups inside: its questions on one page */
    LCM__U_REPEAT, /* a repeat: a page per row */
} lcm__unit_kind;

typedef struct lcm__unit {
    int head; /* the field (begin group/repeat, or the question) */
    lcm__unit_kind kind;
    int *items; /* questions and notes shown, in order */
    size_t nitems;
} lcm__unit;

/* Places chosen by name (lcmon_reference and the community code). */
enum {
    LCM__PLACE_NONE = -1,
    LCM__PLACE_CITY,
    LCM__PLACE_COUNTY,
    LCM__PLACE_TOWNSHIP,
    LCM__PLACE_COMMUNITY
};

typedef struct lcm__sform {
    lcm_form *f;
    char form_id[64], version[64];
    lcm__unit *units;
    size_t nunits;
    int *place;        /* per field: LCM__PLACE_* */
    int *place_parent; /* per field: the place field one level up, -1 */
    int count_field;   /* unused */
    /* per connection of the pool: the remembered results of the form's expressions
     * (form_memo.c), lent to each request's instance and taken back when it is freed */
    struct lcm__memo **memo;
} lcm__sform;

typedef struct lcm__server {
    lcm_serve_opts o;
    char base[512]; /* base URL without the trailing '/' */
    int secure;     /* base URL is https: cookies get Secure */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_mutex_t wmu; /* held from BEGIN to COMMIT: one writer at a time */
    /* the checkpoint thread (serve_http.c) and its connection */
    pthread_t ckpt_thread;
    pthread_mutex_t ckpt_mu;
    pthread_cond_t ckpt_cv;
    atomic_int ckpt_want;
    atomic_int ckpt_from; /* the log's pages at the last checkpoint */
    int ckpt_stop;
    lcm_db *ckpt_db;
    /* the one connection that writes (held with wmu, from lcm__begin to lcm__commit): a
     * connection's pages are dropped whenever another one has committed, so one writer
     * keeps the pages every write goes through (the tables' upper levels) in memory */
    lcm_db *wdb;
    /* group commit (serve_store.c): the pages a respondent saves are written inside one
     * transaction of wdb shared by the requests of about a millisecond (each in a
     * savepoint of its own), committed by a thread of its own; each request's answer waits
     * (its connection suspended) until the commit it is part of. Guarded by gmu (taken
     * after wmu when both are). */
    pthread_mutex_t gmu;
    pthread_cond_t gcv;          /* the committer waits for a group */
    int group_open;              /* wdb is in the group's transaction */
    long long group_gen;         /* number of the group open or to be opened next */
    long long group_t0_us;       /* when it began (CLOCK_MONOTONIC) */
    size_t group_n;              /* requests in it */
    unsigned char group_ok[64];  /* how group gen % 64 ended: 1 committed, 0 failed */
    struct lcm__waiter *waiting; /* requests waiting for the group to commit */
    size_t nwaiting, capwaiting;
    int group_stop;
    pthread_t committer;
    lcm_db **dbs; /* connection pool for reading, one per worker thread */
    int *dbfree;
    size_t ndbs, nfree;
    lcm__sform **forms; /* loaded forms, kept until the server stops */
    size_t nforms;
    struct lcm__rate *rates; /* per IP: answers started this minute */
    size_t nrates;
    struct lcm__place_cache *places; /* places read lately (serve_field.c) */
    size_t nplaces;
} lcm__server;

/* A browser session (table serve_sessions). */
typedef struct lcm__session {
    char id[33], csrf[33];
    char mode[8]; /* anon, cawi, capi */
    char lang[8];
    char page[96];
    char campaign[72];
    char token[40]; /* respondent token of /t/, "" when none */
    char form_id[64], form_version[64];
    char instance_id[48];
    long long interviewer_id, assignment_id;
    int found; /* loaded from the cookie */
    /* read with it, for lcm__auth_load: the account signed in (0 for none), and the
     * seconds since the session began and since it was last seen */
    long long user_id, age_s, idle_s;
} lcm__session;

/* A file of a multipart post, as it came (name: the form field, "q:photo"). */
typedef struct lcm__file {
    char name[LCM_SERVE_MAX_NAME + 1];
    unsigned char *data;
    size_t len;
    int too_big; /* over the server's --max-upload: data dropped */
    /* set when accepted: */
    const char *mime;
    char sha256[65];
    char stored[96]; /* the name lcmon gives it: the answer */
} lcm__file;

typedef struct lcm__req {
    lcm__server *srv;
    lcm_db *db;
    int dbi; /* db is srv->dbs[dbi] */
    struct MHD_Connection *conn;
    const char *method, *path;
    lcm_serve_form query, body;
    char ip[64];
    long long now_ms;
    lcm__session sess;
    /* the response */
    unsigned status;
    lcm_strbuf out;
    const char *ctype;
    const void *bin; /* a static body instead of out */
    size_t nbin;
    char location[600];
    char at[256]; /* the address of the page answered to a POST (Content-Location), "" */
    int set_cookie;
    int cache;             /* static file: may be cached */
    int wlocked;           /* holds srv->wmu (lcm__begin): db is srv->wdb meanwhile */
    lcm_db *rdb;           /* the pool's connection, while db is srv->wdb */
    int in_group;          /* lcm__begin_group: writing inside the group's transaction */
    lcm_instance *fresh;   /* saved by lcm__instance_start, for ctx_open to show, not read back:
                              a group has not committed it yet (freed with the request) */
    long long group;       /* the group written to (after lcm__commit): its answer waits */
    char disposition[160]; /* Content-Disposition of a download, "" for a page */
    lcm__file *files;      /* files of a multipart post */
    size_t nfiles;
    /* the account signed in to this session (serve_auth.c, lcm__auth_load) */
    lcm_user user;
    int signed_in;
} lcm__req;

/* serve_upload.c: the file posted as form field name, NULL; store f (accepted) under the
 * instance, field and row (inside the caller's transaction). */
lcm__file *lcm__upload_find(const lcm__req *r, const char *name);
lcm_status lcm__upload_store(lcm__req *r, const char *instance_id, const char *field, long row,
                             const lcm__file *f, lcm_err *err);

/* serve_store.c */
lcm_status lcm__random_hex(char *out, size_t nbytes, lcm_err *err);
lcm_status lcm__session_load(lcm__req *r, const char *id, lcm_err *err);
lcm_status lcm__session_new(lcm__req *r, const char *mode, lcm_err *err);
lcm_status lcm__session_save(lcm__req *r, lcm_err *err);
/* The page where the instance was last left, in whichever session (another device). */
lcm_status lcm__session_page_of(lcm__req *r, const char *instance_id, lcm_err *err);
/* Paradata of page of the session's instance, inside the caller's transaction: shown_ms
 * (when the page was shown, from the form), submitted now; back = it was left backwards. */
lcm_status lcm__paradata(lcm__req *r, const char *page, long long shown_ms, int back, lcm_err *err);
/* Record a submitted instance's answers fingerprint; *dup gets an earlier instance of the
 * same campaign with the same answers in the last day, "" when none. */
lcm_status lcm__submission(lcm__req *r, const lcm_instance *in, char dup[48], lcm_err *err);
long long lcm__now_ms(void);
/* BEGIN IMMEDIATE / COMMIT / ROLLBACK of the server's writing connection, one writer at a
 * time; r->db is that connection from lcm__begin to lcm__commit or lcm__rollback. A write
 * begun with lcm__begin_group goes into the group's transaction instead (a savepoint):
 * lcm__commit keeps it there and sets r->group, and the request's answer must wait for
 * that group to commit (serve_http.c suspends its connection). Only a request whose answer
 * reads nothing it wrote from the database may write in a group: what it wrote is not
 * committed before its answer goes out. lcm__begin commits an open group first. */
lcm_status lcm__begin(lcm__req *r, lcm_err *err);
lcm_status lcm__begin_group(lcm__req *r, lcm_err *err);
lcm_status lcm__commit(lcm__req *r, lcm_err *err);
void lcm__rollback(lcm__req *r);
/* A request waiting for group gen to commit: its connection and what it answers. */
typedef struct lcm__waiter {
    struct MHD_Connection *conn;
    int *ok; /* set to 1 (committed) or 0 (failed) before the connection is resumed */
} lcm__waiter;
/* Wait for r's group: 1 when the connection is suspended and queued to be resumed once
 * the group ends (*ok is set then); 0 when it has already ended, with *ok set. */
int lcm__group_wait(lcm__req *r, struct MHD_Connection *c, int *ok);
/* The committer thread, and ending the open group now (shutdown). */
void *lcm__group_committer(void *server);
void lcm__group_flush(lcm__server *s);
/* End the open group now (COMMIT) and resume its requests; wmu held. */
void lcm__group_end(lcm__server *s);

/* serve_page.c */
lcm_status lcm__sform_get(lcm__req *r, const char *form_id, const char *version, lcm__sform **out,
                          lcm_err *err);
/* Start a new instance for the session (form, campaign meta set by the caller through
 * meta: pairs column, value, NULL-terminated), saved as a draft. */
lcm_status lcm__instance_start(lcm__req *r, lcm__sform *sf, const char *const *meta,
                               const char *const *answers, lcm_err *err);
void lcm__page_get(lcm__req *r);
void lcm__page_post(lcm__req *r);
void lcm__review_get(lcm__req *r);
void lcm__done_get(lcm__req *r);

/* serve_http.c: page frame and plain answers */
const char *lcm__say(const lcm__req *r, const char *zh, const char *en);
void lcm__head(lcm__req *r, const char *title);
void lcm__foot(lcm__req *r);
void lcm__message(lcm__req *r, unsigned status, const char *zh, const char *en);
void lcm__redirect(lcm__req *r, const char *path);
void lcm__csrf_field(lcm__req *r);
/* 1 when the POST carries the session's CSRF token (else the 403 is answered). */
int lcm__csrf_ok(lcm__req *r);

/* Self-completion (CAWI): the questions only an interviewer answers are not asked. A field
 * filling the standard column household_id or interviewer is filled by the server (the
 * invitation's serial "T000123", a random "W" + 16 hex digits for an open link, and
 * LCM__CAWI_INTERVIEWER) and neither shown, nor read from a post, nor listed on the review. */
#define LCM__CAWI_INTERVIEWER "自填"
int lcm__cawi_hidden(const lcm__req *r, const lcm_field *fd);
lcm_status lcm__cawi_household(long serial, char out[24], lcm_err *err);

/* serve_field.c */
void lcm__campaign_get(lcm__req *r, const char *slug);
void lcm__token_get(lcm__req *r, const char *token);
void lcm__interviewer_get(lcm__req *r, const char *token);
void lcm__signin_get(lcm__req *r);
void lcm__signin_post(lcm__req *r);
void lcm__assignments_get(lcm__req *r);
void lcm__assignments_post(lcm__req *r);
void lcm__qr_get(lcm__req *r, const char *slug, int png);
/* After an instance is submitted, inside the transaction: mark its token or assignment. */
lcm_status lcm__field_submitted(lcm__req *r, lcm_err *err);
/* The places under parent for a place field (see field.h); *names gets zh or en names. */
typedef struct lcm__place {
    char code[16];
    char name[96];
} lcm__place;
lcm_status lcm__places(lcm__req *r, int level, const char *parent, lcm__place **out, size_t *n,
                       lcm_err *err);
void lcm__places_free(lcm__server *s);

/* serve_auth.c: accounts (engine/auth.h) on the web; docs/accounts.md.
 * Signed-in sessions end after LCM__IDLE_S without a request and LCM__MAX_AGE_S after
 * sign-in, whichever comes first (checked each time the session is loaded). */
#define LCM__IDLE_S (30 * 60)
#define LCM__MAX_AGE_S (12 * 3600)
/* Fill r->user and r->signed_in from the session (handle() calls it once per request). */
void lcm__auth_load(lcm__req *r);
/* Not signed in: 303 to /login?next=<path>; signed in without one of role_bits
 * (LCM_ROLE_BIT(LCM_ROLE_CITY) | ...): the 403 page. Returns 1 when allowed. */
int lcm__need_role(lcm__req *r, unsigned role_bits);
/* The 403 page unless the signed-in user sees city_code (lcm_user_sees_city); not signed
 * in: 303 to /login. Returns 1 when allowed. */
int lcm__need_city(lcm__req *r, const char *city_code);
/* The same for a province code (lcm_user_sees_province). */
int lcm__need_province(lcm__req *r, const char *province_code);
/* The 403 page ("no permission"). */
void lcm__forbidden(lcm__req *r);
/* A page of a signed-in user: lcm__head, then a header with the title, the language switch
 * (path?lang=en|zh), the user's name and role and a sign-out button, a link home. */
void lcm__staff_head(lcm__req *r, const char *title, const char *path);
/* GET /home: the links of the signed-in user's role. */
void lcm__home_get(lcm__req *r);
/* /login, /logout, /home, /admin/users: 1 when it answered the request. */
int lcm__auth_route(lcm__req *r);
/* serve_users.c: /admin/users (administrators only). */
int lcm__users_route(lcm__req *r);
/* serve_approval.c: /data, data approval of the cities' inputs (docs/approval.md). */
int lcm__approval_route(lcm__req *r);
/* serve_dash.c: /dash, /dash.csv, /dash/flags, /dash/progress.svg (docs/dashboard.md). */
int lcm__dash_route(lcm__req *r);
/* Append the URL-encoded text (for a query parameter). */
void lcm__url_encode(lcm_strbuf *sb, const char *text);

/* serve_register.c: /apply, /register (the network register): 1 when it answered. */
int lcm__register_route(lcm__req *r);
/* serve_review.c: /review, a city coordinator's review of the city's interviews (engine/
 * review.h); 1 when it answered. lcm__review_returned: on /i/a, the interviewer's
 * interviews returned with issues, their comment and a button to edit and resubmit. */
int lcm__review_route(lcm__req *r);
void lcm__review_returned(lcm__req *r);
/* serve_rate.c: /rate, expert reviewers rate the cells assigned to them (engine/rating.h,
 * docs/ratings.md); 1 when it answered. */
int lcm__rate_route(lcm__req *r);
/* "/rate/CITY/YEAR/POINT" (CITY 1-15 letters and digits, YEAR 4 digits, POINT 1-15 digits
 * and dots): 1 and the parts, else 0. A score as typed: 1 and *v (NaN for "" or blanks), 0
 * when it is not a finite number. (tests/fuzz/fuzz_rate_web.c) */
int lcm__rate_parse_path(const char *path, char city[16], int *year, char point[16]);
int lcm__rate_parse_score(const char *s, double *v);
/* serve_util.c: text escaped into r->out (NULL as ""); the text of the page's language,
 * escaped; the 500 page of a request that failed (err->msg on stderr). */
void lcm__html(lcm__req *r, const char *text);
void lcm__say_html(lcm__req *r, const char *zh, const char *en);
void lcm__failed(lcm__req *r, const lcm_err *err);
/* serve_rate_form.c: the application form (NULL when it cannot be read) and a field's label
 * (NULL when the form has no such field). */
struct lcm_net_form;
struct lcm_net_form *lcm__app_form_load(void);
void lcm__app_form_free(struct lcm_net_form *f);
const char *lcm__app_field_label(const struct lcm_net_form *f, const char *field, int en);

/* serve_time.c: what a staff page shows of a stored UTC time (2026-12-31T16:30:00Z): Beijing
 * time without seconds in buf, "2027-01-01 00:30"; a value that is not a time with a zone
 * (empty, malformed) is returned as it is ("" for NULL). The result is text: escape it. */
#define LCM__TIME_SIZE 17
const char *lcm__shown_time(const char *stored, char buf[LCM__TIME_SIZE]);

/* serve_static.c */
extern const char lcm__css[];
extern const char lcm__js[];

#endif
