/*
 * network.h - the register of the national learning-city network (全国学习型城市网络).
 *
 * A city applies with the form of the seed's 附件2 (defined as data in
 * surveys/application/form.csv), its province recommends it with an opinion (附件3), the
 * ministry admits it in a year. The status order is applied -> recommended -> admitted; a
 * city already in UNESCO's Global Network of Learning Cities or the former national alliance
 * may go from applied straight to admitted, as the seed allows. Every change is kept in
 * network_history. Coverage of the 2025 targets is computed from the admitted cities.
 *
 * Library code: nothing here prints. Checks collect every problem they find in an
 * lcm_net_problems list (in Chinese or English) instead of stopping at the first one.
 */
#ifndef LCM_NETWORK_H
#define LCM_NETWORK_H

#include "lcmon.h"

#include <stddef.h>

/* Room for a city code: 4 digits, or 6 for a county-level city (县级市), and the NUL. */
#define LCM_NET_CITY_CODE 7

typedef enum lcm_net_lang { LCM_NET_ZH, LCM_NET_EN } lcm_net_lang;

/* ---- problems: everything wrong with one input, in the reader's language ---- */

typedef struct lcm_net_problem {
    long line;     /* line of the input it concerns, 0 when there is none (a missing field) */
    char *subject; /* the field or city concerned, owned */
    char *what;    /* what is wrong, owned */
} lcm_net_problem;

typedef struct lcm_net_problems {
    lcm_net_lang lang;
    lcm_net_problem *items;
    size_t n, cap;
    int oom; /* an allocation failed: the list is incomplete */
} lcm_net_problems;

void lcm_net_problems_init(lcm_net_problems *p, lcm_net_lang lang);
void lcm_net_problems_release(lcm_net_problems *p);
/* Append a problem; what is a printf format. Allocation failures set p->oom. */
void lcm_net_problem_add(lcm_net_problems *p, long line, const char *subject, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* ---- the application form (附件2) as data ---- */

typedef enum lcm_net_type {
    LCM_NET_TEXT,   /* free text, max_chars characters (not bytes) */
    LCM_NET_NUMBER, /* decimal number in [min, max] */
    LCM_NET_YEAR,   /* four-digit year in [min, max], not after the application */
    LCM_NET_DATE,   /* YYYY-MM or YYYY-MM-DD, not after the application */
    LCM_NET_PHONE,  /* office phone: landline (area code optional) or mobile */
    LCM_NET_MOBILE, /* mainland mobile number, 11 digits */
    LCM_NET_EMAIL,
    LCM_NET_CITY,   /* four-digit code of a city in the register's reference data */
    LCM_NET_CHOICE, /* one of choices, separated by '|' */
    LCM_NET_PDF,    /* a file that is a PDF */
    LCM_NET_PHOTO,  /* a file that is a JPEG, PNG or TIFF image */
    LCM_NET_REPEAT, /* a group of items "group.N.child", N = 1..max_items */
} lcm_net_type;

typedef struct lcm_net_field {
    char *name; /* "strategy.overview"; a repeat child is "group.child" */
    int part;   /* part of the form: 0 cover, 1-5 as printed (6 is the province's) */
    lcm_net_type type;
    int required;    /* for a repeat: at least one item */
    long max_chars;  /* 0 = no limit; for a repeat: all its text together */
    int max_items;   /* repeat only */
    double min, max; /* number and year only; min > max means no bounds */
    char *choices;   /* choice only: "a|b|c" */
    char *label_zh, *label_en;
    int group; /* index of the repeat group of a child, -1 otherwise */
} lcm_net_field;

typedef struct lcm_net_form {
    lcm_net_field *fields; /* in the order of the form */
    size_t n;
} lcm_net_form;

/* Read the form definition (datadir/application/form.csv). Errors name file, line and
 * column. Release with lcm_net_form_release. */
lcm_status lcm_net_form_load(const char *datadir, lcm_net_form *form, lcm_err *err);
void lcm_net_form_release(lcm_net_form *form);
/* Index of the field called name, or -1. */
int lcm_net_form_find(const lcm_net_form *form, const char *name);

/* ---- a filled application ---- */

typedef struct lcm_net_value {
    char *name;  /* as written: "meeting.2.date" */
    char *value; /* trimmed, never empty */
    long line;
    int field; /* index into the form */
    int item;  /* 1.. for a repeat child, 0 otherwise */
} lcm_net_value;

typedef struct lcm_net_application {
    char *source; /* file it was read from */
    lcm_net_value *values;
    size_t n, cap;
} lcm_net_application;

/* Value of a top-level field (NULL when not given); borrowed from app. */
const char *lcm_net_app_get(const lcm_net_application *app, const char *name);
void lcm_net_application_release(lcm_net_application *app);

/* Read the filled application at path (CSV with columns field and value, see
 * surveys/application/README.md) and check it against form and the cities in db. Every
 * violation goes to problems. Returns LCM_OK for a valid application, LCM_CONSTRAINT when
 * problems were found, another status (err filled) when the file cannot be read at all.
 * app is filled either way; release it. */
lcm_status lcm_net_check(lcm_db *db, const lcm_net_form *form, const char *path,
                         lcm_net_application *app, lcm_net_problems *problems, lcm_err *err);

/* The same checks on an application given as name/value pairs (the web form): pairs holds
 * 2 * n strings, name then value; empty values are not given; a problem's line is the
 * pair's number from 1. Evidence and photo fields must name attachments of the city
 * (lcm_net_attach): nothing here reads a file. source is what the register records as
 * where the application came from ("网上填报 by 张三"). */
lcm_status lcm_net_check_pairs(lcm_db *db, const lcm_net_form *form, const char *source,
                               const char *const *pairs, size_t n, lcm_net_application *app,
                               lcm_net_problems *problems, lcm_err *err);

/* The application of city as last stored (network_application_fields), values in the
 * order of the form, line 0. LCM_NOTFOUND when the city has none. Release app. */
lcm_status lcm_net_app_load(lcm_db *db, const lcm_net_form *form, const char *city,
                            lcm_net_application *app, lcm_err *err);

/* ---- the register ---- */

/* Statuses: applied, recommended, admitted, returned (the province sent the application
 * back for revision), declined (the ministry did not admit the city; final). Each
 * function below runs in its own transaction, or in a savepoint of the caller's. */

/* Store a checked application with status applied and a first history entry, in one
 * transaction. A city already in the register is a problem, not an update. */
lcm_status lcm_net_apply(lcm_db *db, const lcm_net_application *app, const char *by,
                         lcm_net_problems *problems, lcm_err *err);

/* A city whose application was returned corrects it and resubmits it: returned -> applied,
 * the stored application replaced by app (checked by the caller exactly as for apply),
 * the province's opinion cleared. Any other status is a problem (LCM_CONSTRAINT), and
 * nothing changes. */
lcm_status lcm_net_resubmit(lcm_db *db, const lcm_net_application *app, const char *by,
                            lcm_net_problems *problems, lcm_err *err);

/* Resolve a city given by code or name to its code (out has room for 5 bytes). A city that
 * is not in the reference data is LCM_NOTFOUND. */
lcm_status lcm_net_city_code(lcm_db *db, const char *city, char out[LCM_NET_CITY_CODE],
                             lcm_err *err);
/* Resolve a province given by two-digit code or name; LCM_NOTFOUND when unknown. */
lcm_status lcm_net_province_code(lcm_db *db, const char *province, char out[3], lcm_err *err);

/* The province recommends cities (codes or names) with its opinion (part 6 of the form):
 * applied -> recommended. All or nothing: any refusal (not applied, wrong province, listed
 * twice, ...) goes to problems, LCM_CONSTRAINT is returned and nothing changes. */
lcm_status lcm_net_recommend(lcm_db *db, const char *province, const char *const *cities, size_t n,
                             const char *opinion, const char *by, lcm_net_problems *problems,
                             lcm_err *err);

/* The ministry admits cities in year: recommended -> admitted, or applied -> admitted for
 * a city that joins directly. All or nothing, like lcm_net_recommend. */
lcm_status lcm_net_admit(lcm_db *db, const char *const *cities, size_t n, int year, const char *by,
                         lcm_net_problems *problems, lcm_err *err);

/* The province returns applications for revision with a comment (kept as the history
 * row's note): applied -> returned. All or nothing, like lcm_net_recommend. */
lcm_status lcm_net_return(lcm_db *db, const char *province, const char *const *cities, size_t n,
                          const char *comment, const char *by, lcm_net_problems *problems,
                          lcm_err *err);

/* The ministry declines cities with a reason: recommended (or applied and joining
 * directly) -> declined. All or nothing. */
lcm_status lcm_net_decline(lcm_db *db, const char *const *cities, size_t n, const char *reason,
                           const char *by, lcm_net_problems *problems, lcm_err *err);

/* Where a city stands: its status ("" when not in the register) and the latest history
 * row (who, when, note: the return comment, the opinion, the reason of a decline). */
typedef struct lcm_net_state {
    char status[16];
    char by[128];
    char at[32];
    char note[2048];
} lcm_net_state;
lcm_status lcm_net_state_get(lcm_db *db, const char *city, lcm_net_state *out, lcm_err *err);

/* ---- attachments: the evidence files, kept in the database ---- */

/* Largest attachment, in bytes. */
#define LCM_NET_ATTACH_MAX (10u * 1024 * 1024)
/* Room for an attachment's name: "evidence-" 16 hex digits ".pdf". */
#define LCM_NET_ATTACH_NAME 40

typedef struct lcm_net_attachment {
    char city[LCM_NET_CITY_CODE];
    char kind[12]; /* evidence (PDF) or photo (JPEG, PNG) */
    char name[LCM_NET_ATTACH_NAME];
    char mime[20];
    long long size;
    char sha256[65];
    char uploaded_at[24];
} lcm_net_attachment;

/* The type of a file by its first bytes: "application/pdf", "image/jpeg", "image/png",
 * or NULL for anything else; *ext (may be NULL) gets "pdf", "jpg" or "png". */
const char *lcm_net_sniff(const void *data, size_t n, const char **ext);

/* Store n bytes as an attachment of city's application. kind "evidence" takes a PDF,
 * "photo" a JPEG or PNG; NULL takes the kind from the content. The type is read from the
 * bytes, never from a name. Refused with a problem about `source` (the file's path or the
 * name the browser sent) and LCM_CONSTRAINT: empty, over LCM_NET_ATTACH_MAX, another
 * type, or an application that cannot change now (applied, recommended, admitted,
 * declined: only a city not yet in the register or one whose application was returned
 * attaches). name gets the name lcmon gives it, KIND-<first 16 hex digits of the
 * SHA-256>.EXT; the same file twice is stored once. */
lcm_status lcm_net_attach(lcm_db *db, const char *city, const char *kind, const void *data,
                          size_t n, const char *source, char name[LCM_NET_ATTACH_NAME],
                          lcm_net_problems *problems, lcm_err *err);

/* Every attachment of city, oldest first (*out malloc'd, free it). */
lcm_status lcm_net_attachments(lcm_db *db, const char *city, lcm_net_attachment **out, size_t *n,
                               lcm_err *err);

/* One attachment's description and bytes (*data malloc'd); LCM_NOTFOUND when city has
 * none called name. */
lcm_status lcm_net_attachment_get(lcm_db *db, const char *city, const char *name,
                                  lcm_net_attachment *meta, unsigned char **data, size_t *n,
                                  lcm_err *err);

/* Display name of a status, tier, region or direct-join key in lang (static string; the
 * key itself when unknown). */
const char *lcm_net_label(const char *key, lcm_net_lang lang);

/* ---- tables handed to the CLI and the xlsx writer ---- */

typedef struct lcm_net_table {
    int ncols;
    const char **keys;    /* column keys for csv/json: static strings */
    const char **headers; /* column headers in the table's language: static strings */
    const int *numeric;   /* 1 for number columns */
    char **cells;         /* nrows * ncols, owned, NULL = empty */
    size_t nrows, cap;
} lcm_net_table;

void lcm_net_table_release(lcm_net_table *t);
/* Cell (row, col), "" when empty; borrowed. */
const char *lcm_net_table_cell(const lcm_net_table *t, size_t row, int col);

/* The members of the register, optionally only those with status and/or of one
 * province (NULL = all): code, name, province, tier, status, how they join, dates. */
lcm_status lcm_net_list(lcm_db *db, const char *status, const char *province_code,
                        lcm_net_lang lang, lcm_net_table *out, lcm_err *err);

/* Every status change, oldest first, of one city or (city_code NULL) all: when, city,
 * from, to, who, note (the source file, the opinion or the year). */
lcm_status lcm_net_history(lcm_db *db, const char *city_code, lcm_net_lang lang, lcm_net_table *out,
                           lcm_err *err);

/* The provincial summary (附件3): the cities the province has recommended (whatever their
 * status now), with tier, date of application, basic data with their years and the
 * province's opinion. */
lcm_status lcm_net_summary(lcm_db *db, const char *province_code, int round, lcm_net_lang lang,
                           lcm_net_table *out, lcm_err *err);
/* round: only the cities recommended in that year (0 = every round). */

/* What 附件3 carries beside its table: the unit that fills it, contact, phone and date
 * (NULL or "" = left blank to fill by hand), the sheet's name (the province), and a 合计
 * row summing the columns sum_cols lists (-1 ends), labelled in label_col. */
typedef struct lcm_net_form_info {
    const char *sheet, *unit, *contact, *phone, *date;
    const char *total_label; /* "合计" */
    int label_col;
    int sum_cols[8];
} lcm_net_form_info;
/* Write a table as an .xlsx workbook at path: title row, subtitle row, header row, one
 * row per table row, numbers stored as numbers (an official form is printed from it); with
 * info, also the 合计 row, the footer rows, the sheet's name and A4 landscape print set-up. */
lcm_status lcm_net_table_xlsx(const lcm_net_table *t, const char *title, const char *subtitle,
                              const lcm_net_form_info *info, const char *path, lcm_err *err);

/* The printable 附件3 of province as an .xlsx at path, from its summary table t
 * (lcm_net_summary): title, province and number of cities, the 合计 row, 填报单位, 联系人,
 * 联系电话 (NULL = blank to fill by hand) and 填报日期 (the latest recommendation). */
typedef struct lcm_net_summary_opts {
    int round; /* the round the table holds, 0 = every round */
    lcm_net_lang lang;
    const char *unit, *contact, *phone;
} lcm_net_summary_opts;
lcm_status lcm_net_summary_xlsx(lcm_db *db, const char *province, const lcm_net_table *t,
                                const lcm_net_summary_opts *o, const char *path, lcm_err *err);

/* ---- coverage of the 2025 targets ---- */

typedef enum lcm_cov_level {
    LCM_COV_PROVINCE, /* prefecture-level cities of one province */
    LCM_COV_REGION,   /* east, central, west, east_central */
    LCM_COV_NATION,   /* every prefecture-level city */
    LCM_COV_TIER,     /* the roll-out tiers; municipalities count here only */
} lcm_cov_level;

typedef struct lcm_cov_row {
    lcm_cov_level level;
    char *key;     /* province code, region, tier or "all", owned */
    char *name_zh; /* owned */
    char *name_en; /* owned */
    char *region;  /* region3 of a province row, NULL otherwise; owned */
    long cities;   /* denominator */
    long admitted; /* numerator */
    int target;    /* 2025 target in percent (50 east and central, 30 west), 0 = none */
} lcm_cov_row;

typedef struct lcm_coverage {
    int year; /* admitted up to and including this year; 0 = every admitted city */
    lcm_cov_row *rows;
    size_t n, cap;
} lcm_coverage;

/* Coverage of prefecture-level cities (地市级: every tier but municipality) by admitted
 * members: one row per province with prefecture-level cities, per region (east, central,
 * west, east+central), the nation, then per roll-out tier including municipalities. Each
 * level sums numerators and denominators; no percentage is ever averaged. This is the data
 * function the coverage chart calls. */
lcm_status lcm_net_coverage(lcm_db *db, int year, lcm_coverage *out, lcm_err *err);
void lcm_net_coverage_release(lcm_coverage *c);
/* The regions' coverage for several years, shaped for the coverage chart of plots/
 * (lcm_chart_coverage: regions, series = years, values series-major, targets). */
#define LCM_NET_NREGION 4 /* east, central, west, east+central */
typedef struct lcm_net_cov_series {
    size_t nregion, nyear;
    const char *region_zh[LCM_NET_NREGION]; /* static strings */
    const char *region_en[LCM_NET_NREGION];
    double target[LCM_NET_NREGION]; /* percent */
    double *value;                  /* nyear * nregion percentages, year-major, owned */
} lcm_net_cov_series;

/* Coverage of each region up to each of years (0 = every admitted city), one
 * lcm_net_coverage per year. Release with lcm_net_cov_series_release. */
lcm_status lcm_net_coverage_series(lcm_db *db, const int *years, size_t nyears,
                                   lcm_net_cov_series *out, lcm_err *err);
void lcm_net_cov_series_release(lcm_net_cov_series *s);

/* admitted / cities in percent, or -1 when cities is 0. */
double lcm_cov_percent(const lcm_cov_row *r);
/* Cities still to admit to reach the target (never negative); 0 without a target. */
long lcm_cov_needed(const lcm_cov_row *r);

#endif
