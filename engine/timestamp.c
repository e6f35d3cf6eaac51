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
