/*
 * review.h - review of the interviews `lcmon serve` collected (issue 15, docs/review.md).
 *
 * A city coordinator sees each submitted interview of the city with its paradata and marks
 * it approved, has issues (with a comment back to the interviewer, who may edit and
 * resubmit) or rejected. States and who may move an interview between them:
 *
 *   received (待审核)         a submission of `lcmon serve` (lcm_review_submitted)
 *   approved (已通过)         from received or resubmitted, by a reviewer   (final)
 *   has_issues (需修改)       from received or resubmitted, with a comment
 *   rejected (已拒绝)         from received or resubmitted, by a reviewer   (final)
 *   resubmitted (已重新提交)  from has_issues, by the interviewer's edit and resubmission
 *   received again            from approved or rejected: an administrator's reopening
 *                             (lcm_review_by.admin); one with issues moves only by its
 *                             resubmission (the interviewer may be editing it)
 *
 * Tables submission_reviews (the current state of each) and submission_review_history
 * (every action, append-only by triggers). Estimates (engine/survey.c) count, of the
 * interviews collected by `lcmon serve`, only approved ones, unless the run asks for the
 * not-yet-reviewed too (received, resubmitted); imported interviews have no review and
 * count as before; rejected and has_issues ones never count. lcm_review_where is that rule.
 *
 * All functions return an lcm_status and fill err; none prints. Writers run inside the
 * caller's transaction when there is one, else in one of their own.
 */
#ifndef LCM_REVIEW_H
#define LCM_REVIEW_H

#include "lcmon.h"
#include "strbuf.h"

#include <stddef.h>

typedef enum lcm_review_state {
    LCM_REVIEW_RECEIVED,
    LCM_REVIEW_APPROVED,
    LCM_REVIEW_HAS_ISSUES,
    LCM_REVIEW_REJECTED,
    LCM_REVIEW_RESUBMITTED,
} lcm_review_state;

#define LCM_REVIEW_NSTATES 5
/* A comment: at most this many bytes of UTF-8. */
#define LCM_REVIEW_COMMENT_MAX 2000

/* "received" ... as stored; the Chinese label (待审核 ...). */
const char *lcm_review_state_code(lcm_review_state s);
const char *lcm_review_state_label(lcm_review_state s);
/* 1 and *out when code is a state's code or Chinese label, else 0. */
int lcm_review_state_parse(const char *code, lcm_review_state *out);

/* Who acts: user_id 0 and who "命令行" for the command line; admin may reopen; city, when
 * not NULL or "", limits the act to that city's interviews (others are not found, as if
 * they did not exist: a coordinator of another city learns nothing). */
typedef struct lcm_review_by {
    long long user_id;
    const char *who;
    int admin;
    const char *city;
} lcm_review_by;

/* One reviewed interview with its paradata (serve_paradata, serve_submissions) and the
 * standard columns of its answers. */
typedef struct lcm_review {
    char instance_id[48];
    char form_id[64], form_version[64];
    char city[16];
    lcm_review_state state;
    char *comment; /* the last action's comment ("" none) */
    long long user_id;
    char who[128];
    char at[32];           /* of the last action (UTC) */
    char submitted_at[32]; /* last submission (UTC), "" unknown */
    char duplicate_of[48]; /* an earlier instance with the same answers, "" */
    char interviewer[128];
    char household_id[64];
    long long duration_ms; /* time on the pages, summed */
    long pages;            /* pages shown */
    long backs;            /* times a page was left backwards */
} lcm_review;

/* What to list: city "" or NULL = every city; state -1 = every state; interviewer_id > 0
 * = the interviews of that interviewer's assignments only. */
typedef struct lcm_review_query {
    const char *city;
    int state;
    long long interviewer_id;
} lcm_review_query;

/* The reviews asked for, oldest submission first, into *out (*n of them; the caller frees
 * with lcm_review_free). */
lcm_status lcm_review_list(lcm_db *db, const lcm_review_query *q, lcm_review **out, size_t *n,
                           lcm_err *err);
/* One interview's review; LCM_NOTFOUND when it is not a serve submission (or not of
 * by->city when by is given). */
lcm_status lcm_review_get(lcm_db *db, const char *instance_id, const lcm_review_by *by,
                          lcm_review *out, lcm_err *err);
void lcm_review_free(lcm_review *r, size_t n);

/* Move an interview to state to with comment (NULL = none; required for has_issues),
 * recorded in the history with who did it. LCM_CONFLICT for a move the state machine
 * above does not allow (resubmitted is never set here), LCM_INVAL for a bad comment,
 * LCM_NOTFOUND for an interview that is not a serve submission (or not of by->city). */
lcm_status lcm_review_set(lcm_db *db, const char *instance_id, lcm_review_state to,
                          const char *comment, const lcm_review_by *by, lcm_err *err);

/* `lcmon serve` submitted an instance (inside the caller's transaction): a new one becomes
 * received; one with issues becomes resubmitted; any other state stays. */
lcm_status lcm_review_submitted(lcm_db *db, const char *form_id, const char *form_version,
                                const char *instance_id, const char *city, const lcm_review_by *by,
                                lcm_err *err);

/* The interviewer opens an interview that has issues to edit it (inside the caller's
 * transaction): its answers become a draft again, to be resubmitted. LCM_CONFLICT when its
 * state is not has_issues. */
lcm_status lcm_review_reopen_draft(lcm_db *db, const char *instance_id, lcm_err *err);

/* The rule of estimates as SQL appended to a WHERE clause over the rows of table (a form's
 * response table or view with an instance_id column): " AND ..." keeping imported
 * interviews and approved serve ones, and with unreviewed the received and resubmitted
 * ones too. */
void lcm_review_where(lcm_strbuf *sb, const char *table, int unreviewed);
/* "exclude" or "include", as runs' params and `--unreviewed` say it. */
const char *lcm_review_unreviewed_name(int unreviewed);

#endif
