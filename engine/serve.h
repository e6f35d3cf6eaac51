/*
 * serve.h - `lcmon serve`: the questionnaires of a database answered in a browser
 * (docs/serve.md).
 *
 * A libmicrohttpd server (engine/serve_http.c) renders one page per group of a form with
 * the same engine that checks imports and runs the terminal interview (form*.c, expr_*.c,
 * interview*.c): relevance, constraints, calculations, choice filters and required answers
 * are evaluated there, never in the browser. Every page posted is saved as a draft in the
 * form's response table and committed before the answer is sent, so a page the browser
 * saw acknowledged survives a crash of the server. Sessions and paradata are in the
 * tables serve_sessions and serve_paradata (engine/schema.c, migration 10).
 *
 * The request parsing lcmon does itself (form-urlencoded bodies, the Cookie header) is
 * here so that tests and the fuzz target (tests/fuzz/fuzz_serve.c) reach it directly.
 */
#ifndef LCM_SERVE_H
#define LCM_SERVE_H

#include "lcmon.h"
#include "strbuf.h"

#include <stddef.h>

typedef struct lcm_serve_opts {
    const char *db_path;
    const char *listen;        /* "HOST:PORT" (default 127.0.0.1:8080) */
    const char *base_url;      /* the address people use (behind a proxy); NULL = http://listen */
    unsigned threads;          /* worker threads (0: one per processor) */
    int rate_limit;            /* new answers per IP per minute on open links; 0 = no limit */
    size_t max_upload;         /* bytes of one uploaded file (0: LCM_SERVE_MAX_UPLOAD) */
    unsigned checkpoint_pages; /* log pages written between checkpoints (0: LCM_SERVE_CHECKPOINT) */
} lcm_serve_opts;

#define LCM_SERVE_CHECKPOINT 8000 /* default pages (of 4 KB) between checkpoints */

#define LCM_SERVE_MAX_UPLOAD (10u * 1024 * 1024) /* default bytes of one uploaded file */

/* The type of an uploaded file from its first bytes: "image/jpeg", "image/png",
 * "image/webp", "audio/mpeg", "audio/mp4", "video/mp4", "video/webm", "application/pdf";
 * NULL when lcmon does not know it. *ext (may be NULL) gets the file name's ending. */
const char *lcm_serve_sniff(const void *data, size_t n, const char **ext);
/* 1 when a question of media_type ("image", "audio", "video", "file") takes mime. */
int lcm_serve_upload_allowed(const char *media_type, const char *mime);

/* Run the server until SIGTERM or SIGINT, then let requests in flight finish and return.
 * Prints "lcmon serve: URL" on stdout once listening. */
lcm_status lcm_serve_run(const lcm_serve_opts *o, lcm_err *err);

/* ---- request parsing ------------------------------------------------------------------ */

/* Limits on what a request may carry. */
#define LCM_SERVE_MAX_BODY 65536 /* bytes of a POST body */
#define LCM_SERVE_MAX_PAIRS 512  /* name=value pairs in a body */
#define LCM_SERVE_MAX_VALUE 8192 /* bytes of one decoded value */
#define LCM_SERVE_MAX_NAME 128   /* bytes of one decoded name */

typedef struct lcm_serve_pair {
    char *name, *value; /* decoded, NUL-terminated, valid UTF-8 without NUL or control bytes
                           other than tab, CR and LF in values */
} lcm_serve_pair;

typedef struct lcm_serve_form {
    lcm_serve_pair *pairs;
    size_t n;
} lcm_serve_form;

/* Decode an application/x-www-form-urlencoded body (or query string) of len bytes.
 * '+' is a space, %XX a byte; a malformed escape, invalid UTF-8, a control byte, or more
 * than the limits above is LCM_PARSE with a message naming the pair. *out is the caller's
 * (lcm_serve_form_free), empty on failure. */
lcm_status lcm_serve_form_decode(const char *body, size_t len, lcm_serve_form *out, lcm_err *err);
void lcm_serve_form_free(lcm_serve_form *f);
/* The first value of name, NULL when absent. */
const char *lcm_serve_form_get(const lcm_serve_form *f, const char *name);

/* The value of cookie name in a Cookie header ("a=1; b=2"); 1 when found and it fits in
 * cap bytes with its NUL, else 0. Values are taken as they are (lcmon's are hex). */
int lcm_serve_cookie(const char *header, const char *name, char *out, size_t cap);

/* Append text to sb with & < > " ' escaped for HTML text and attribute values. */
void lcm_serve_html(lcm_strbuf *sb, const char *text);

#endif
