/*
 * timestamp.c - parsing dates and times in the few shapes survey tools write them, with
 * the calendar checked (a scanf would take 2025-02-30 and 25:61).
 */
#include "timestamp.h"

#include <string.h>

const char lcm_timestamp_forms[] = "2025-06-05T14:41:03, 2025-06-05 14:41 or 2025/6/5 14:41:03, "
                                   "with an optional zone such as +08:00";

/* Read 1 to max digits (at least min) at *p into *v; returns 0, or -1. */
static int digits(const char **p, int min, int max, int *v) {
    int n = 0;
    *v = 0;
    while (n < max && **p >= '0' && **p <= '9')
        *v = *v * 10 + (*(*p)++ - '0'), n++;
    return n >= min ? 0 : -1;
}

static int days_in(int year, int month) {
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

/* Write v as width digits (v < 10^width) at p; returns the end. Written by hand: snprintf
 * was 3% of an import, which parses a time on every row. */
static char *put_digits(char *p, unsigned v, int width) {
    for (int k = width - 1; k >= 0; k--, v /= 10)
        p[k] = (char)('0' + v % 10);
    return p + width;
}

static int fail(const char **why, const char *msg, char *out) {
    if (why)
        *why = msg;
    out[0] = '\0';
    return -1;
}

int lcm_timestamp_parse(const char *text, char out[LCM_TIMESTAMP_SIZE], const char **why) {
    static const char shape[] = "not a date and time";
    const char *p = text;
    int y, mo, d, h, mi, s = 0, zh = 0, zm = 0;
    char sep, fraction[11] = "", zone[8] = "";
    while (*p == ' ' || *p == '\t')
        p++;
    if (digits(&p, 4, 4, &y) || (*p != '-' && *p != '/'))
        return fail(why, shape, out);
    sep = *p++;
    int wide = sep == '-' ? 2 : 1; /* ISO has two digits; 问卷星 writes 2025/6/5 */
    if (digits(&p, wide, 2, &mo) || *p++ != sep || digits(&p, wide, 2, &d))
        return fail(why, shape, out);
    if (!((*p == 'T' && sep == '-') || *p == ' '))
        return fail(why, *p ? shape : "a date without a time", out);
    p++;
    if (digits(&p, wide, 2, &h) || *p++ != ':' || digits(&p, 2, 2, &mi))
        return fail(why, shape, out);
    if (*p == ':') {
        p++;
        if (digits(&p, 2, 2, &s))
            return fail(why, shape, out);
        if (*p == '.' || *p == ',') { /* a fraction of a second, kept as given */
            size_t n = 0;
            fraction[n++] = '.';
            for (p++; *p >= '0' && *p <= '9'; p++)
                if (n < 10)
                    fraction[n++] = *p;
                else
                    return fail(why, "more than 9 digits of a second", out);
            if (n == 1)
                return fail(why, shape, out);
            fraction[n] = '\0';
        }
    }
    if (*p == 'Z' && sep == '-')
        p++, memcpy(zone, "+00:00", 7);
    else if ((*p == '+' || *p == '-') && sep == '-') {
        char sign = *p++;
        if (digits(&p, 2, 2, &zh))
            return fail(why, shape, out);
        if (*p == ':')
            p++;
        if (*p >= '0' && *p <= '9' && digits(&p, 2, 2, &zm))
            return fail(why, shape, out);
        if (zm > 59 || (sign == '+' ? zh * 60 + zm > 14 * 60 : zh * 60 + zm > 12 * 60))
            return fail(why, "zone out of range (-12:00 to +14:00)", out);
        zone[0] = sign, zone[3] = ':', zone[6] = '\0';
        put_digits(zone + 1, (unsigned)zh % 100u, 2), put_digits(zone + 4, (unsigned)zm % 100u, 2);
    }
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p)
        return fail(why, shape, out);
    if (y < 1900 || y > 2100)
        return fail(why, "year out of range (1900-2100)", out);
    if (mo < 1 || mo > 12)
        return fail(why, "no such month", out);
    if (d < 1 || d > days_in(y, mo))
        return fail(why, "no such day in that month", out);
    if (h > 23 || mi > 59 || s > 59)
        return fail(why, "no such time of day (hours 0-23, minutes and seconds 0-59)", out);
    /* "%04u-%02u-%02uT%02u:%02u:%02u%s%s"; every part was checked above (the fraction has
     * at most 10 bytes, the zone 6: 19 + 16 < LCM_TIMESTAMP_SIZE) */
    char *o = put_digits(out, (unsigned)y, 4);
    *o++ = '-', o = put_digits(o, (unsigned)mo, 2);
    *o++ = '-', o = put_digits(o, (unsigned)d, 2);
    *o++ = 'T', o = put_digits(o, (unsigned)h, 2);
    *o++ = ':', o = put_digits(o, (unsigned)mi, 2);
    *o++ = ':', o = put_digits(o, (unsigned)s, 2);
    size_t nf = strlen(fraction), nz = strlen(zone);
    memcpy(o, fraction, nf), memcpy(o + nf, zone, nz + 1);
    return 0;
}

/* Days since 1970-01-01 of a date, and back (H. Hinnant, "chrono-Compatible Low-Level Date
 * Algorithms": days_from_civil, civil_from_days). */
static long days_from_civil(long y, long m, long d) {
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400;
    long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static void civil_from_days(long z, long *y, long *m, long *d) {
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097, doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

/* The number of width digits at p (checked digits: the stored form). */
static long num(const char *p, int width) {
    long v = 0;
    while (width-- > 0)
        v = v * 10 + (*p++ - '0');
    return v;
}

int lcm_timestamp_beijing(const char *text, char out[LCM_TIMESTAMP_BEIJING_SIZE]) {
    char iso[LCM_TIMESTAMP_SIZE];
    out[0] = '\0';
    if (!text || lcm_timestamp_parse(text, iso, NULL) != 0)
        return -1;
    /* YYYY-MM-DDTHH:MM:SS[.fff]±HH:MM */
    size_t n = strlen(iso);
    const char *zone = iso + n - 6;
    if (n < 25 || (zone[0] != '+' && zone[0] != '-'))
        return -1;
    long offset = (zone[0] == '-' ? -1 : 1) * (num(zone + 1, 2) * 60 + num(zone + 4, 2));
    long minutes = num(iso + 11, 2) * 60 + num(iso + 14, 2) - offset + 8 * 60;
    long days = days_from_civil(num(iso, 4), num(iso + 5, 2), num(iso + 8, 2));
    /* minutes is within -14 h .. 23:59 + 20 h: at most one day either way */
    days += minutes < 0 ? -1 : minutes >= 1440 ? 1 : 0;
    minutes = (minutes % 1440 + 1440) % 1440;
    long y, m, d;
    civil_from_days(days, &y, &m, &d);
    char *o = put_digits(out, (unsigned)y, 4);
    *o++ = '-', o = put_digits(o, (unsigned)m, 2);
    *o++ = '-', o = put_digits(o, (unsigned)d, 2);
    *o++ = ' ', o = put_digits(o, (unsigned)(minutes / 60), 2);
    *o++ = ':', o = put_digits(o, (unsigned)(minutes % 60), 2);
    *o++ = ':', o = put_digits(o, (unsigned)num(iso + 17, 2), 2);
    *o = '\0';
    return 0;
}
