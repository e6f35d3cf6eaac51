/*
 * approval.h - data approval of a city's monitoring inputs for a year (issue 15), after
 * DHIS2's multi-level data approval: the city submits, the province accepts (the data go up)
 * or returns them with a comment, the ministry accepts or returns; accepted data are locked
 * until the ministry reopens them. docs/approval.md.
 *
 *   open 填报中 --submit (city)--> submitted 已上报
 *   submitted --accept (province)--> province_accepted 省级已审核
 *   submitted --return (province, comment)--> returned 已退回
 *   province_accepted --accept (ministry)--> accepted 部级已确认
 *   province_accepted --return (ministry, comment)--> returned
 *   returned --submit (city)--> submitted
 *   accepted --reopen (ministry)--> open
 *
 * The inputs of a city-year are its rows of indicator_values, city_stats and
 * self_assessments for that year, its honours awarded in that year or before (4.2.2 counts
 * them) and its facilities opened by then or with no year (2.2.1, 2.2.3). While the
 * city-year is submitted, province_accepted or accepted they are locked: triggers refuse
 * every insert, update and delete (migration 19), and the importers refuse the row first
 * with a message naming file, line, column, city and year. Reviewers' ratings and survey
 * measures are not the city's inputs and are not locked.
 *
 * Every action is one row of data_approval_history (who, when, comment, from and to state);
 * data_approvals holds the current state (no row: open).
 */
#ifndef LCM_APPROVAL_H
#define LCM_APPROVAL_H

#include "auth.h"
#include "lcmon.h"

#include <stddef.h>

typedef enum lcm_approval_state {
    LCM_APPROVAL_OPEN,
    LCM_APPROVAL_SUBMITTED,
    LCM_APPROVAL_PROVINCE_ACCEPTED,
    LCM_APPROVAL_RETURNED,
    LCM_APPROVAL_ACCEPTED
} lcm_approval_state;

typedef enum lcm_approval_action {
    LCM_APPROVAL_SUBMIT,
    LCM_APPROVAL_ACCEPT,
    LCM_APPROVAL_RETURN,
    LCM_APPROVAL_REOPEN
} lcm_approval_action;

/* Who acts: the city coordinator, the province officer, the ministry. */
typedef enum lcm_approval_level {
    LCM_APPROVAL_CITY,
    LCM_APPROVAL_PROVINCE,
    LCM_APPROVAL_MINISTRY
} lcm_approval_level;

/* Codes as stored ("open", "submit", "city", ...) and Chinese labels (填报中, 上报, 城市). */
const char *lcm_approval_state_code(lcm_approval_state s);
const char *lcm_approval_state_label(lcm_approval_state s);
const char *lcm_approval_action_code(lcm_approval_action a);
const char *lcm_approval_action_label(lcm_approval_action a);
const char *lcm_approval_level_code(lcm_approval_level l);
const char *lcm_approval_level_label(lcm_approval_level l);
/* Parse a code; 1 when known. */
int lcm_approval_state_parse(const char *code, lcm_approval_state *out);
int lcm_approval_action_parse(const char *code, lcm_approval_action *out);
int lcm_approval_level_parse(const char *code, lcm_approval_level *out);

/* 1 while the state locks the inputs (submitted, province_accepted, accepted). */
int lcm_approval_state_locks(lcm_approval_state s);

/* One city-year as the approval sees it. */
typedef struct lcm_approval {
    char city[16], city_name[64], province[4];
    int year;
    lcm_approval_state state;
    char updated_at[32]; /* '' while never acted on */
    char updated_by[128];
    char comment[1024];        /* of the last action (a return's reason) */
    long values, stats, selfs; /* rows of indicator_values, city_stats, self_assessments */
} lcm_approval;

/* The state of city in year (open when never acted on). LCM_NOTFOUND for an unknown city. */
lcm_status lcm_approval_get(lcm_db *db, const char *city, int year, lcm_approval *out,
                            lcm_err *err);

/* Every city-year with inputs (or an approval state), in city and year order, restricted to
 * city (NULL: any), province (NULL: any, else a 2-digit code) and year (0: any). *rows is the
 * caller's (free()). */
lcm_status lcm_approval_list(lcm_db *db, const char *city, const char *province, int year,
                             lcm_approval **rows, size_t *n, lcm_err *err);

/* The action `a` taken at `level` on city-year: checked against the state (the table above)
 * and refused with LCM_CONFLICT and a message saying what the state allows; a return needs a
 * comment (LCM_INVAL), a submission inputs for the year (LCM_NOTFOUND). who names the actor
 * ("命令行" or the account's login), user_id its account (0: none). State and history change
 * in one transaction (the caller's, when one is open). *out (may be NULL) gets the new state. */
lcm_status lcm_approval_act(lcm_db *db, const char *city, int year, lcm_approval_action a,
                            lcm_approval_level level, const char *who, long long user_id,
                            const char *comment, lcm_approval *out, lcm_err *err);

/* The level that would take action a on a city-year in state s (submit: city; accept and
 * return: the province on submitted, the ministry on province_accepted; reopen: ministry), or
 * -1 when the state allows no such action. */
int lcm_approval_next_level(lcm_approval_state s, lcm_approval_action a);

/* The level an account acts at: a city coordinator the city, a province officer the
 * province, a ministry administrator the ministry; -1 for the roles that do not approve data
 * (analyst, interviewer, reviewer) and for a disabled account. */
int lcm_approval_role_level(const lcm_user *u);

/* lcm_approval_act by an account or the command line, with an audit row (auth.h: action
 * "approval.<action>", object "city/year", place the city, detail "from -> to: comment") in
 * the same transaction. u NULL is the command line (who 命令行): it acts at `level`, or, with
 * level < 0, at the level the state waits for. An account acts at its role's level (a
 * different level >= 0 is LCM_INVAL) and only on a city it sees (its own city, its
 * province's cities): otherwise LCM_CONSTRAINT naming the account, its role and the city. */
lcm_status lcm_approval_act_as(lcm_db *db, const lcm_user *u, int level, const char *city, int year,
                               lcm_approval_action a, const char *comment, lcm_approval *out,
                               lcm_err *err);

/* One monitoring point of a city-year's inputs, as the approval pages show it. */
typedef struct lcm_approval_input {
    char code[16], name[160], unit[32];
    double verified, self; /* indicator_values and self_assessments (NaN: none) */
    char source[128];      /* of the verified value, else of the self-assessment */
} lcm_approval_input;

/* The points with a verified value or a self-assessment for city and year, in framework
 * order; *population (NaN: none) the city_stats 常住人口, *honours the titles awarded up to
 * year, *facilities those opened by then or without a year. *rows is the caller's. */
lcm_status lcm_approval_inputs(lcm_db *db, const char *city, int year, lcm_approval_input **rows,
                               size_t *n, double *population, long *honours, long *facilities,
                               lcm_err *err);

/* One row of the history. */
typedef struct lcm_approval_event {
    long long id, user_id;
    char at[32], who[128];
    lcm_approval_action action;
    lcm_approval_level level;
    lcm_approval_state from, to;
    char comment[1024];
} lcm_approval_event;

/* The history of a city-year, oldest first. *rows is the caller's (free()). */
lcm_status lcm_approval_history(lcm_db *db, const char *city, int year, lcm_approval_event **rows,
                                size_t *n, lcm_err *err);

/* The cities an official score run of `year` leaves out: those with inputs that year as the
 * score reads them (indicator_values, ratings, survey_measures), network members admitted by
 * then when members_only, whose inputs are not accepted; with their state. *rows is the
 * caller's (free()). */
lcm_status lcm_approval_left_out(lcm_db *db, int year, int members_only, lcm_approval **rows,
                                 size_t *n, lcm_err *err);

/* Whether a write of city's inputs would change a locked city-year. from_year_on 0: the
 * inputs of `year` only (indicator_values, city_stats, self_assessments); 1: of every year
 * from `year` on (an honour awarded in `year`, a facility opened in `year`; year 0: any year,
 * a facility without a year). 1 when locked, with the first such year and its state;
 * 0 when free; -1 on a database error. */
int lcm_approval_locked(lcm_db *db, const char *city, int year, int from_year_on, int *locked_year,
                        lcm_approval_state *state);

/* The message for a write refused by the lock: names city, year and state and says who can
 * unlock it. */
void lcm_approval_lock_message(char *buf, size_t cap, const char *city, int year,
                               lcm_approval_state state);

#endif
