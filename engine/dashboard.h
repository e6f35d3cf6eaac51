/*
 * dashboard.h - a supervisor's dashboard of fieldwork (issue #15): progress against the
 * sample, response and refusal rates, interviews per interviewer and day, duration, and
 * quality flags, for the campaigns of one city, of one province, or of the whole nation.
 *
 * Everything is read from the fieldwork store (engine/field.h: field_campaigns,
 * field_assignments, field_interviewers), the server's paradata and submission records
 * (serve_paradata, serve_submissions) and the forms' response tables. Nothing is written.
 *
 *   outcomes     assignments counted by AAPOR class (see lcm_dash_outcomes_add for how each
 *                disposition code maps) with RR1 and REF1.
 *   areas        one row per city of a province, per province of the nation, or the city.
 *   strata       progress by stratum of the sample lists ("" = no stratum given).
 *   PSUs         progress by primary sampling unit: the community (residents' or village
 *                committee, 12-digit code), as the sample lists and the response tables'
 *                `psu` column have it (field.h), shown with its township.
 *   days         interviews submitted per interviewer per day (Beijing time, UTC+8).
 *   flags        interviews to look at, each with its instance id:
 *                  speeder     duration (the sum of the time spent on each page, from
 *                              serve_paradata) under a third of the median duration of the
 *                              interviews of the same campaign (same questionnaire, same
 *                              city: a flag does not change with the scope looked at)
 *                  straight    straight-lining on the satisfaction grid: the questions outside
 *                              repeats whose name begins with "sat_" (the household forms'
 *                              satisfaction block: sat_cc … sat_overall in 2026.1,
 *                              sat_cc_college … in 2027.1) with at least LCM_DASH_GRID_MIN of
 *                              them answered, every answer the same
 *                  duplicate   the same answers fingerprint as an earlier interview of the
 *                              campaign (serve_submissions.duplicate_of)
 *                  night       an interviewer's interview submitted before 08:00 or after 21:00
 *                              Beijing time (self-completion at night is not suspect)
 *
 * Tables for people (CLI, web, CSV) come from lcm_dash_table_get: the same cells everywhere.
 * Interviewer names, household numbers and addresses are personal data: only with personal.
 */
#ifndef LCM_DASHBOARD_H
#define LCM_DASHBOARD_H

#include "lcmon.h"
#include "strbuf.h"

#include <stddef.h>

/* The fewest answered satisfaction items that can be called straight-lining. */
#define LCM_DASH_GRID_MIN 5

typedef enum lcm_dash_scope {
    LCM_DASH_CITY,     /* place: a 4-digit city code */
    LCM_DASH_PROVINCE, /* place: a 2-digit province code */
    LCM_DASH_NATION,   /* place: ignored */
} lcm_dash_scope;

/* Assignments by AAPOR class (Standard Definitions, 10th edition, 2023) and the rates. */
typedef struct lcm_dash_outcomes {
    long assigned;
    long complete;   /* I  */
    long partial;    /* P  */
    long refusal;    /* R  (refusals and break-offs) */
    long noncontact; /* NC */
    long other;      /* O  */
    long unknown_hh; /* UH (unknown if housing unit / occupied) */
    long unknown_o;  /* UO (unknown, other: here the households not yet visited) */
    long ineligible; /* NE (not in any denominator) */
    double rr1;      /* I / ((I+P) + (R+NC+O) + (UH+UO)); NaN when the denominator is 0 */
    double ref1;     /* R / ((I+P) + (R+NC+O) + (UH+UO)); NaN likewise */
} lcm_dash_outcomes;

/* Count n assignments with disposition code ("" = pending) into o. */
void lcm_dash_outcomes_add(lcm_dash_outcomes *o, const char *code, long n);
/* Fill o->rr1 and o->ref1 from the counts. */
void lcm_dash_outcomes_rates(lcm_dash_outcomes *o);

/* One row of the area, stratum or PSU table. */
typedef struct lcm_dash_row {
    char code[64];  /* area: city or province code; stratum: the stratum; PSU: community */
    char name[160]; /* area: its name; PSU: "township name community name" */
    char city[8];   /* PSU: its city code */
    char city_name[64];
    lcm_dash_outcomes o;
    long submitted;  /* area: interviews submitted on the web */
    double median_s; /* area: median duration in seconds (NaN when none known) */
    long flagged;    /* area: interviews with at least one flag */
} lcm_dash_row;

typedef struct lcm_dash_day {
    long long interviewer_id;
    char interviewer[128]; /* personal data */
    char city[8], city_name[64];
    char date[11]; /* Beijing date YYYY-MM-DD */
    long interviews;
} lcm_dash_day;

typedef enum lcm_dash_flag_kind {
    LCM_DASH_SPEEDER,
    LCM_DASH_STRAIGHT,
    LCM_DASH_DUPLICATE,
    LCM_DASH_NIGHT,
    LCM_DASH_NFLAG
} lcm_dash_flag_kind;

/* "speeder", "straight", "duplicate", "night" (URLs, CSV) and 过快 … (people). */
const char *lcm_dash_flag_code(lcm_dash_flag_kind k);
const char *lcm_dash_flag_label(lcm_dash_flag_kind k);
/* The kind named code, or -1. */
int lcm_dash_flag_parse(const char *code);

/* One submitted interview in the scope. */
typedef struct lcm_dash_interview {
    char instance_id[48];
    char campaign[72]; /* slug */
    char city[8], city_name[64], province[4];
    long long interviewer_id; /* 0: self-completion */
    char interviewer[128];    /* personal data */
    char household[64];       /* personal data ("" for self-completion) */
    char submitted_utc[32];   /* as stored */
    char local[20];           /* Beijing "YYYY-MM-DD HH:MM:SS" */
    double duration_s;        /* NaN: no paradata */
    double campaign_median_s; /* median duration of its campaign */
    char duplicate_of[48];    /* "" */
    char straight_value[64];  /* the one answer of a straight-liner, "" */
    int straight_items;       /* answered satisfaction items */
    unsigned flags;           /* 1u << lcm_dash_flag_kind */
} lcm_dash_interview;

typedef struct lcm_dash {
    lcm_dash_scope scope;
    char place[8];
    char place_name[64]; /* 广州市, 广东省, 全国 */
    size_t ncampaigns;
    lcm_dash_outcomes total;
    long submitted;
    double median_s;
    long nflag[LCM_DASH_NFLAG]; /* interviews flagged, per kind */
    lcm_dash_row *areas, *strata, *psus;
    size_t nareas, nstrata, npsus;
    lcm_dash_day *days;
    size_t ndays;
    lcm_dash_interview *iv; /* in order of submission */
    size_t niv;
} lcm_dash;

/* Build the dashboard of a scope. An unknown city or province is LCM_NOTFOUND; a place
 * without campaigns gives empty tables. lcm_dash_free it (also after an error). */
lcm_status lcm_dash_build(lcm_db *db, lcm_dash_scope scope, const char *place, lcm_dash *out,
                          lcm_err *err);
void lcm_dash_free(lcm_dash *d);

/* ---- tables for people ----------------------------------------------------------------- */

typedef enum lcm_dash_table_id {
    LCM_DASH_T_SUMMARY,
    LCM_DASH_T_AREAS,
    LCM_DASH_T_STRATA,
    LCM_DASH_T_PSUS,
    LCM_DASH_T_DAYS,
    LCM_DASH_T_FLAGS,
    LCM_DASH_NTABLE
} lcm_dash_table_id;

typedef struct lcm_dash_table {
    const char *name;  /* "summary", "areas" … (CSV file stem, ?table=) */
    const char *title; /* 概况 … */
    int ncol;
    const char *key[12];  /* CSV header */
    const char *head[12]; /* column headings in Chinese */
    int numeric[12];
    size_t nrow;
    char **cell; /* nrow * ncol, row-major, "" for none */
    char **link; /* flags table: nrow instance ids (for links), else NULL */
} lcm_dash_table;

/* The table id's name, or NULL; and the id of name, or -1. */
const char *lcm_dash_table_name(lcm_dash_table_id t);
int lcm_dash_table_parse(const char *name);
/* The cells of table t. Numbers: counts as integers, rates in percent with one decimal,
 * durations in minutes with one decimal. personal adds interviewer names (days, flags) and
 * household numbers (flags). flag >= 0 keeps only the flags of that kind (flags table). */
lcm_status lcm_dash_table_get(const lcm_dash *d, lcm_dash_table_id t, int personal, int flag,
                              lcm_dash_table *out, lcm_err *err);
void lcm_dash_table_free(lcm_dash_table *t);
/* RFC 4180 CSV of the table (header of keys, CRLF line ends) appended to sb. */
void lcm_dash_table_csv(const lcm_dash_table *t, lcm_strbuf *sb);

/* ---- the progress chart ---------------------------------------------------------------- */

/* What the progress chart shows: per stratum (city scope) or per area, the label and the
 * completed households in percent of those assigned (NaN when none); *label and *pct are
 * the caller's to free() (the labels point into d). */
lcm_status lcm_dash_chart_values(const lcm_dash *d, const char ***label, double **pct, size_t *n,
                                 lcm_err *err);
/* The chart drawn by gnuplot (plots/chart.h's bars, the median dashed) as SVG text, the
 * caller's to free(). LCM_NOTFOUND when there is nothing to draw; LCM_EXTERNAL when gnuplot
 * is missing or fails. */
lcm_status lcm_dash_chart_svg(const lcm_dash *d, char **svg, size_t *len, lcm_err *err);

#endif
