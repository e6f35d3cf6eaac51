/*
 * test_serve_time.c - stored UTC times shown in Beijing time (engine/timestamp.c
 * lcm_timestamp_beijing, engine/serve_time.c lcm__shown_time). The reference of every value:
 * Beijing time is UTC+8 all year (China Standard Time; no daylight saving since 1991), so each
 * expected text is the stored time plus 8 hours, the day, month and year carried by hand on
 * the Gregorian calendar (leap years: divisible by 4, not by 100 unless by 400). A sweep
 * compares with glibc's gmtime_r of the same instant plus 8 hours, an independent answer.
 */
#include "serve_int.h"
#include "testing.h"
#include "timestamp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void expect(const char *stored, const char *want) {
    char out[LCM_TIMESTAMP_BEIJING_SIZE];
    int rc = lcm_timestamp_beijing(stored, out);
    CU_ASSERT_EQUAL(rc, 0);
    CU_ASSERT_STRING_EQUAL(out, want);
    if (rc != 0 || strcmp(out, want) != 0)
        fprintf(stderr, "\n  %s: wanted '%s', got '%s' (%d)\n", stored, want, out, rc);
}

/* UTC + 8 h across the day, month and year ends and the leap days. */
static void serve_time__utc_plus_8(void) {
    expect("2026-12-05T21:04:24Z", "2026-12-06 05:04:24"); /* 21:04 + 8 h = 05:04 next day */
    expect("2026-12-06T03:00:00Z", "2026-12-06 11:00:00"); /* same day */
    expect("2026-12-31T16:30:00Z", "2027-01-01 00:30:00"); /* the year rolls over */
    expect("2026-12-31T15:59:59Z", "2026-12-31 23:59:59"); /* one second before it */
    expect("2026-04-30T16:00:00Z", "2026-05-01 00:00:00"); /* 30-day month ends */
    expect("2026-01-31T20:00:00Z", "2026-02-01 04:00:00"); /* 31-day month ends */
    expect("2028-02-28T20:00:00Z", "2028-02-29 04:00:00"); /* 2028 is a leap year */
    expect("2028-02-29T16:00:00Z", "2028-03-01 00:00:00");
    expect("2027-02-28T20:00:00Z", "2027-03-01 04:00:00"); /* 2027 is not */
    expect("2000-02-28T16:00:00Z", "2000-02-29 00:00:00"); /* divisible by 400: leap */
    expect("2100-02-28T16:00:00Z", "2100-03-01 00:00:00"); /* by 100, not 400: not leap */
    expect("1970-01-01T00:00:00Z", "1970-01-01 08:00:00");
    expect("1969-12-31T16:00:00Z", "1970-01-01 00:00:00"); /* before the epoch */
}

/* Other zones are brought to UTC first; a fraction of a second is dropped. */
static void serve_time__zones_and_fractions(void) {
    expect("2026-05-01T10:00:00.250Z", "2026-05-01 18:00:00");
    expect("2026-05-01T10:00:00+08:00", "2026-05-01 10:00:00"); /* Beijing already */
    expect("2026-12-31T20:00:00-05:00", "2027-01-01 09:00:00"); /* 01:00 UTC + 8 h */
    expect("2026-01-01T00:00:00+14:00", "2025-12-31 18:00:00"); /* 10:00 UTC + 8 h */
    expect("2026-01-01T05:30:00+05:30", "2026-01-01 08:00:00"); /* 00:00 UTC + 8 h */
    expect("2026-06-30T23:59:59-12:00", "2026-07-01 19:59:59"); /* 11:59:59 UTC + 8 h */
    expect("  2026-12-05T21:04:24Z ", "2026-12-06 05:04:24");   /* spaces around */
}

/* Not a time with a zone: -1 and nothing written; never a crash. */
static void serve_time__refuses(void) {
    static const char *const bad[] = {
        "",                          /* empty */
        "not a time",                /* text */
        "2026-12-05T21:04:24",       /* no zone: a local time of unknown place */
        "2026-12-05 21:04",          /* no zone */
        "2026-02-30T00:00:00Z",      /* no such day */
        "2027-02-29T00:00:00Z",      /* 2027 is not a leap year */
        "2026-12-05T24:00:00Z",      /* no such hour */
        "2026-12-05T21:04:24Zjunk",  /* something after */
        "2026-12-05T21:04:24+15:00", /* no such zone */
        "2026-12-05",                /* a date */
        "2026-12-05T",               /* cut short */
        "<b>2026-12-05T21:04:24Z",   /* markup */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char out[LCM_TIMESTAMP_BEIJING_SIZE] = "x";
        CU_ASSERT_EQUAL(lcm_timestamp_beijing(bad[i], out), -1);
        CU_ASSERT_STRING_EQUAL(out, "");
    }
    char out[LCM_TIMESTAMP_BEIJING_SIZE] = "x";
    CU_ASSERT_EQUAL(lcm_timestamp_beijing(NULL, out), -1);
    CU_ASSERT_STRING_EQUAL(out, "");
}

/* Every 7919 s (a prime: all hours and minutes come round) from 2024 to 2029, against glibc's
 * gmtime_r of the instant plus 8 hours. */
static void serve_time__agrees_with_gmtime(void) {
    long bad = 0;
    for (time_t t = 1704067200; t < 1893456000; t += 7919) { /* 2024-01-01 to 2030-01-01 UTC */
        struct tm tm;
        char stored[32], want[32], out[LCM_TIMESTAMP_BEIJING_SIZE];
        gmtime_r(&t, &tm);
        strftime(stored, sizeof stored, "%Y-%m-%dT%H:%M:%SZ", &tm);
        time_t bj = t + 8 * 3600;
        gmtime_r(&bj, &tm);
        strftime(want, sizeof want, "%Y-%m-%d %H:%M:%S", &tm);
        if (lcm_timestamp_beijing(stored, out) != 0 || strcmp(out, want) != 0) {
            if (bad++ < 5)
                fprintf(stderr, "\n  %s: wanted '%s', got '%s'\n", stored, want, out);
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
}

/* What a page shows: minutes, no seconds; anything else as it is (the page escapes it). */
static void serve_time__shown(void) {
    char buf[LCM__TIME_SIZE];
    CU_ASSERT_STRING_EQUAL(lcm__shown_time("2026-12-31T16:30:59Z", buf), "2027-01-01 00:30");
    CU_ASSERT_STRING_EQUAL(lcm__shown_time("2026-12-05T21:04:24Z", buf), "2026-12-06 05:04");
    CU_ASSERT_STRING_EQUAL(lcm__shown_time("", buf), "");
    CU_ASSERT_STRING_EQUAL(lcm__shown_time(NULL, buf), "");
    CU_ASSERT_STRING_EQUAL(lcm__shown_time("2026-13-01T00:00:00Z", buf), "2026-13-01T00:00:00Z");
    CU_ASSERT_STRING_EQUAL(lcm__shown_time("<b>x</b>", buf), "<b>x</b>");
    lcm_strbuf sb;
    lcm_strbuf_init(&sb);
    lcm_serve_html(&sb, lcm__shown_time("<b>x</b>", buf));
    char *html = lcm_strbuf_detach(&sb);
    CU_ASSERT_STRING_EQUAL(html, "&lt;b&gt;x&lt;/b&gt;");
    free(html);
    /* the test's own detector of the stored form */
    CU_ASSERT_TRUE(lcmt_has_utc_iso("<td>2026-12-05T21:04:24Z</td>"));
    CU_ASSERT_TRUE(lcmt_has_utc_iso("at 2026-12-05T21:04Z"));
    CU_ASSERT_FALSE(lcmt_has_utc_iso("<td>2026-12-06 05:04</td>"));
    CU_ASSERT_FALSE(lcmt_has_utc_iso(NULL));
}

const lcmt_case lcmt_serve_time_cases[] = {
    {"utc_plus_8", serve_time__utc_plus_8},
    {"zones_and_fractions", serve_time__zones_and_fractions},
    {"refuses", serve_time__refuses},
    {"agrees_with_gmtime", serve_time__agrees_with_gmtime},
    {"shown", serve_time__shown},
    {NULL, NULL},
};
