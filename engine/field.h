/*
 * field.h - fieldwork around `lcmon serve`: campaigns, respondent and interviewer tokens,
 * assignments of sampled households, AAPOR dispositions, and places chosen by name.
 *
 * The web server (engine/serve*.c) renders and checks questionnaires; this module is the
 * store it asks who may answer what:
 *
 *   campaign     one form version in one city and wave, reached at /c/<slug> (a public link
 *                and QR code for posters and WeChat). Mode `open`: anyone with the link may
 *                answer (the server gives each new respondent a token of its own so that it
 *                can resume); mode `token`: only holders of one-time tokens.
 *   token        a respondent's one-time key, reached at /t/<token>. 128 random bits written
 *                as 26 lowercase base32 letters; only its SHA-256 is stored, so a copy of the
 *                database does not hold usable links. It is bound to the instance it started
 *                (resume = open that draft again) and answers once: after submit it opens
 *                nothing but a "thank you" page.
 *   interviewer  a person (name = personal data) with a token of their own (/i/<token>) until
 *                accounts arrive with the roles issue; a new token revokes the old one.
 *   assignment   a sampled household given to an interviewer in a campaign: household number,
 *                address (both personal data), community (12-digit code = PSU), with the
 *                county and township derived from it, stratum and design weight when the
 *                sample list has them; the instance once opened, and its disposition.
 *   disposition  AAPOR Standard Definitions (2023) codes for in-person household surveys:
 *                1.1 complete, 1.2 partial, 2.11 refusal, 2.12 break-off, 2.24 no one at home,
 *                2.25 respondent away, 2.32 unable (health), 2.33 language, 3.17 unsafe or
 *                unreachable, 3.18 address not found, 4.50 not a residence, 4.60 vacant,
 *                4.70 no eligible respondent; a pending assignment has none.
 *
 * All functions return an lcm_status and fill err; none prints. Functions that write run as
 * one statement or one transaction of their own, except where "inside the caller's
 * transaction" is said: the server submits an instance and marks its token or assignment in
 * one transaction (lcm_db_begin, lcm_instance_save, lcm_field_token_submit, lcm_db_commit).
 * Tables: field_campaigns, field_tokens, field_interviewers, field_assignments (schema 10).
 */
#ifndef LCM_FIELD_H
#define LCM_FIELD_H

#include "lcmon.h"

#include <stddef.h>

/* A token as given to people: 26 characters of [a-z2-7], NUL-terminated. */
#define LCM_FIELD_TOKEN_LEN 26
/* Slugs: 1 to 64 characters of [a-z0-9-], starting with a letter or digit. */
#define LCM_FIELD_SLUG_MAX 64

/* ---- tokens and hashing (also for the server's own secrets) ---------------------------- */

/* A fresh random token (getrandom(2)) into out[LCM_FIELD_TOKEN_LEN + 1]. */
lcm_status lcm_field_token_new(char out[LCM_FIELD_TOKEN_LEN + 1], lcm_err *err);
/* SHA-256 (FIPS 180-4) of n bytes as 64 lowercase hex digits into hex[65]. */
void lcm_field_sha256_hex(const void *data, size_t n, char hex[65]);
/* The raw 32-byte digest. */
void lcm_field_sha256(const void *data, size_t n, unsigned char out[32]);
/* 1 when s looks like a token (length and alphabet), before any database look-up. */
int lcm_field_token_ok(const char *s);

/* ---- campaigns ------------------------------------------------------------------------ */

typedef enum lcm_field_mode {
    LCM_FIELD_OPEN,  /* the public link admits anyone (rate limits and duplicate checks apply) */
    LCM_FIELD_TOKEN, /* only one-time tokens admit */
} lcm_field_mode;

typedef struct lcm_field_campaign {
    long long id;
    char slug[LCM_FIELD_SLUG_MAX + 1];
    char form_id[64];
    char form_version[64];
    char city[8];       /* 4-digit city code */
    char city_name[64]; /* from the reference data */
    int wave;           /* year */
    lcm_field_mode mode;
    int closed;       /* 1 after lcm_field_campaign_close: links show "closed" */
    long tokens;      /* respondent tokens issued */
    long submitted;   /* instances submitted through this campaign's tokens */
    long assignments; /* households assigned */
} lcm_field_campaign;

/* Add a campaign for form_id (version NULL = the most recently loaded version), city code
 * and wave. slug NULL makes one: "<form>-<city>-<wave>" (with "-2", "-3"… when taken).
 * The form must be loaded (LCM_NOTFOUND), the city in the reference data (LCM_NOTFOUND),
 * the wave a year 2000..2100 (LCM_INVAL); the same form version, city and wave twice is
 * LCM_EXISTS, as is a slug already used. *out (may be NULL) gets the campaign. */
lcm_status lcm_field_campaign_add(lcm_db *db, const char *form_id, const char *version,
                                  const char *city, int wave, lcm_field_mode mode, const char *slug,
                                  lcm_field_campaign *out, lcm_err *err);
/* The campaign at slug (LCM_NOTFOUND when none). */
lcm_status lcm_field_campaign_get(lcm_db *db, const char *slug, lcm_field_campaign *out,
                                  lcm_err *err);
/* The campaign with id. */
lcm_status lcm_field_campaign_by_id(lcm_db *db, long long id, lcm_field_campaign *out,
                                    lcm_err *err);
/* Every campaign, oldest first; *out is the caller's to free(). */
lcm_status lcm_field_campaigns(lcm_db *db, lcm_field_campaign **out, size_t *n, lcm_err *err);
/* Close (closed = 1) or reopen (0) a campaign. */
lcm_status lcm_field_campaign_close(lcm_db *db, long long id, int closed, lcm_err *err);
/* 1 when s is a valid slug. */
int lcm_field_slug_ok(const char *s);

/* ---- respondent tokens ---------------------------------------------------------------- */

typedef enum lcm_field_token_state {
    LCM_FIELD_TOKEN_FRESH,     /* never opened: start a new instance */
    LCM_FIELD_TOKEN_DRAFT,     /* bound to a draft: resume it */
    LCM_FIELD_TOKEN_SUBMITTED, /* answered once: open nothing */
    LCM_FIELD_TOKEN_REVOKED,   /* withdrawn by the survey team */
} lcm_field_token_state;

typedef struct lcm_field_token {
    long long campaign_id;
    long serial;          /* 1, 2, … within the campaign (printed on invitations) */
    char instance_id[48]; /* "" while FRESH */
    lcm_field_token_state state;
} lcm_field_token;

/* Issue n respondent tokens for a campaign in one transaction; tokens[i] (n entries of
 * LCM_FIELD_TOKEN_LEN + 1 bytes, the caller's buffer) get the plain tokens, which are not
 * stored and cannot be shown again; serials[i] (may be NULL) their serial numbers. */
lcm_status lcm_field_tokens_issue(lcm_db *db, long long campaign_id, size_t n,
                                  char (*tokens)[LCM_FIELD_TOKEN_LEN + 1], long *serials,
                                  lcm_err *err);
/* Look a token up (LCM_NOTFOUND for a malformed or unknown token: one message for both, so
 * the answer tells nothing about which tokens exist). */
lcm_status lcm_field_token_find(lcm_db *db, const char *token, lcm_field_token *out, lcm_err *err);
/* Bind a FRESH token to the instance it started (a draft the caller saved). Binding again
 * to the same instance is OK; to another one, or a SUBMITTED/REVOKED token: LCM_CONFLICT. */
lcm_status lcm_field_token_bind(lcm_db *db, const char *token, const char *instance_id,
                                lcm_err *err);
/* Mark the token SUBMITTED, inside the caller's transaction (with the instance's save).
 * LCM_CONFLICT when it was already submitted or revoked, or is bound to another instance. */
lcm_status lcm_field_token_submit(lcm_db *db, const char *token, const char *instance_id,
                                  lcm_err *err);
/* Withdraw a token (by campaign and serial); LCM_NOTFOUND when there is none. */
lcm_status lcm_field_token_revoke(lcm_db *db, long long campaign_id, long serial, lcm_err *err);

/* ---- interviewers and assignments ------------------------------------------------------ */

typedef struct lcm_field_interviewer {
    long long id;
    char name[128];      /* personal data */
    long assigned, done; /* assignments, and those with a final disposition */
} lcm_field_interviewer;

/* Add the interviewer called name (1..40 characters of UTF-8 text, no control characters)
 * or, when known, give them a new token (the old one stops working). token gets the plain
 * token, shown once. *created (may be NULL) says which happened. */
lcm_status lcm_field_interviewer_token(lcm_db *db, const char *name,
                                       char token[LCM_FIELD_TOKEN_LEN + 1], int *created,
                                       lcm_err *err);
/* The interviewer holding token (LCM_NOTFOUND for unknown or revoked tokens). */
lcm_status lcm_field_interviewer_find(lcm_db *db, const char *token, lcm_field_interviewer *out,
                                      lcm_err *err);
/* The interviewer called name (LCM_NOTFOUND when none). */
lcm_status lcm_field_interviewer_get(lcm_db *db, const char *name, lcm_field_interviewer *out,
                                     lcm_err *err);

typedef struct lcm_field_assignment {
    long long id;
    long long campaign_id;
    long long interviewer_id;
    char household_id[64];                       /* personal data */
    char address[512];                           /* personal data */
    char county[8], township[12], community[16]; /* codes; community is the PSU */
    char community_name[64]; /* "居委会 003" / "村委会 201": the reference data has no names */
    char township_name[64], county_name[64];
    char stratum[64];     /* "" when the sample list has none */
    double design_weight; /* NaN when none */
    char instance_id[48]; /* "" before the interview was opened */
    char disposition[8];  /* AAPOR code, "" while pending */
    char note[256];       /* what the interviewer wrote with a non-interview */
} lcm_field_assignment;

/* Load an interviewer's sample list from a CSV file into a campaign, in one transaction:
 * all rows or none. Columns (header names, any order; others are refused so a misspelt
 * column is not silently dropped):
 *   household_id   required, 1..20 characters, unique within the campaign
 *   address        required, 1..200 characters
 *   community      required, 12-digit code whose township is in the reference data and
 *                  whose city is the campaign's (residents' committees 001..n, village
 *                  committees 201..200+n, as the township's counts say)
 *   stratum        optional text (at most 40 characters)
 *   design_weight  optional positive number
 * The interviewer must exist (lcm_field_interviewer_token). Errors say
 * "file:line:column (name): problem". *loaded (may be NULL) gets the number of rows. */
lcm_status lcm_field_assign_csv(lcm_db *db, long long campaign_id, long long interviewer_id,
                                const char *path, long *loaded, lcm_err *err);
/* An interviewer's assignments (campaign_id 0 = every campaign), in the order loaded;
 * *out is the caller's to free(). */
lcm_status lcm_field_assignments(lcm_db *db, long long interviewer_id, long long campaign_id,
                                 lcm_field_assignment **out, size_t *n, lcm_err *err);
/* One assignment, only when it is interviewer_id's (LCM_NOTFOUND otherwise: an interviewer
 * cannot open another's household by changing a number in the URL). */
lcm_status lcm_field_assignment_get(lcm_db *db, long long id, long long interviewer_id,
                                    lcm_field_assignment *out, lcm_err *err);
/* Bind the assignment to the instance its interview started (LCM_CONFLICT when bound to
 * another or already final). */
lcm_status lcm_field_assignment_open(lcm_db *db, long long id, long long interviewer_id,
                                     const char *instance_id, lcm_err *err);
/* Record a disposition (AAPOR code an interviewer may give, see lcm_field_dispositions)
 * with an optional note (at most 200 characters); 1.1 only comes with
 * lcm_field_assignment_complete. After a final one (complete, refusal, vacant…) nothing
 * changes: LCM_CONFLICT; a non-final one (not at home, break-off) may be followed by
 * another visit. An unknown code is LCM_INVAL. */
lcm_status lcm_field_assignment_dispose(lcm_db *db, long long id, long long interviewer_id,
                                        const char *code, const char *note, lcm_err *err);
/* The assignment's interview was submitted: disposition 1.1, inside the caller's
 * transaction (with the instance's save). */
lcm_status lcm_field_assignment_complete(lcm_db *db, long long id, long long interviewer_id,
                                         const char *instance_id, lcm_err *err);

/* ---- AAPOR dispositions ---------------------------------------------------------------- */

typedef struct lcm_field_disposition {
    const char *code;    /* "2.11" */
    const char *zh, *en; /* labels */
    int final;           /* 1: the household is done with */
    int interviewer;     /* 1: an interviewer may record it for a non-interview */
} lcm_field_disposition;

/* The table of codes, in code order; *n gets its length. */
const lcm_field_disposition *lcm_field_dispositions(size_t *n);
/* The entry for code, or NULL. */
const lcm_field_disposition *lcm_field_disposition_find(const char *code);

/* Counts of a campaign's assignments by AAPOR class and the response rate RR1 =
 * I / ((I + P) + (R + NC + O) + (UH + UO)) (AAPOR Standard Definitions 2023, p. 61), where
 * pending households count as unknown eligibility; NaN when nothing is assigned. */
typedef struct lcm_field_outcomes {
    long complete, partial, refusal, noncontact, other, unknown, ineligible, pending;
    double rr1;
} lcm_field_outcomes;
lcm_status lcm_field_outcomes_get(lcm_db *db, long long campaign_id, lcm_field_outcomes *out,
                                  lcm_err *err);

/* ---- places, chosen by name ------------------------------------------------------------ */

typedef enum lcm_field_level {
    LCM_PLACE_CITY,      /* parent: a 2-digit province code, or NULL for every city */
    LCM_PLACE_COUNTY,    /* parent: a 4-digit city code */
    LCM_PLACE_TOWNSHIP,  /* parent: a 6-digit county code */
    LCM_PLACE_COMMUNITY, /* parent: a 9-digit township code; made from its counts: residents'
                            committees 001.., village committees 201.., others 401.. */
} lcm_field_level;

typedef struct lcm_field_place {
    char code[16];
    char name[96];    /* zh name; communities: "居委会 001" / "村委会 201" */
    char name_en[96]; /* pinyin for cities where known; communities: "Residents' committee 001" */
} lcm_field_place;

/* The places one level below parent, in code order; *out is the caller's to free(). An
 * unknown parent gives an empty list. The terminal interview and the server offer them as
 * cascading choices city → district/county → township → community. */
lcm_status lcm_field_places(lcm_db *db, lcm_field_level level, const char *parent,
                            lcm_field_place **out, size_t *n, lcm_err *err);

#endif
