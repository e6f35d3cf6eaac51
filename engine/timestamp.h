/*
 * timestamp.h - dates and times from outside (started_at, ended_at, 问卷星's 提交答卷时间)
 * checked and brought to one stored form.
 *
 * Accepted: ISO 8601 date and time, 'T' or a space between them, with or without seconds
 * (and a fraction of them), with or without a zone (Z, +08:00, +0800, +08):
 *     2025-06-05T14:41:03   2025-06-05 14:41   2025-06-05T14:41:03.250+08:00
 * and 问卷星's slashes, month, day and hour with or without a leading zero:
 *     2025/6/5 14:41:03     2025/06/05 9:05
 * Stored form: YYYY-MM-DDTHH:MM:SS, then the fraction as given (.250), then the zone as
 * ±HH:MM (Z is +00:00); no zone given, none added (local time of the interview).
 * The date must exist (2025-02-30 does not), years 1900-2100, hours 0-23, minutes and
 * seconds 0-59, zones -12:00 to +14:00.
 */
#ifndef LCM_TIMESTAMP_H
#define LCM_TIMESTAMP_H

/* Room for the stored form: 19 + fraction (at most 9 digits and '.') + zone (6) + NUL. */
#define LCM_TIMESTAMP_SIZE 40

/* Parse text (spaces around it ignored) into out in the stored form; returns 0, or -1 with
 * *why (when why is not NULL) set to the problem in words (a static string such as "no
 * such day in that month"). out is left empty on failure. */
int lcm_timestamp_parse(const char *text, char out[LCM_TIMESTAMP_SIZE], const char **why);

/* Room for Beijing time "YYYY-MM-DD HH:MM:SS" and its NUL. */
#define LCM_TIMESTAMP_BEIJING_SIZE 20

/* Beijing time (UTC+8 all year: China keeps no daylight saving) of text, a time with a zone
 * in a form lcm_timestamp_parse accepts (stored times are UTC: 2026-12-31T16:30:00Z), into
 * out as "YYYY-MM-DD HH:MM:SS" (2027-01-01 00:30:00); the fraction of a second is dropped.
 * Returns 0, or -1 with out empty when text is NULL, not a time, or has no zone (a local time
 * of unknown place). Plain arithmetic: neither TZ nor the C library's time zone is read. */
int lcm_timestamp_beijing(const char *text, char out[LCM_TIMESTAMP_BEIJING_SIZE]);

/* The accepted forms, for messages: "2025-06-05T14:41:03, 2025-06-05 14:41 or
 * 2025/6/5 14:41:03, with an optional zone such as +08:00". */
extern const char lcm_timestamp_forms[];

#endif
