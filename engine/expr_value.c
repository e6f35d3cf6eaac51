/*
 * expr_value.c - values of the expression language and their XPath conversions, plus the
 * ISO date arithmetic ODK applies (a date is a number of days since 1970-01-01).
 */
#include "expr_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lcm_value_free(lcm_value *v) {
    if (!v)
        return;
    if (!v->borrowed)
        free(v->str);
    v->str = NULL;
    v->borrowed = 0;
    v->kind = LCM_VAL_NUM;
    v->num = 0;
}

lcm_status lcm_value_set_str(lcm_value *v, const char *s) {
    v->kind = LCM_VAL_STR;
    v->num = 0;
    v->borrowed = 0;
    if (!(v->str = strdup(s ? s : ""))) {
        v->kind = LCM_VAL_NUM;
        return LCM_NOMEM;
    }
    return LCM_OK;
}

void lcm_value_borrow(lcm_value *v, const char *s) {
    v->kind = LCM_VAL_STR;
    v->num = 0;
    v->str = (char *)(s ? s : "");
    v->borrowed = 1;
}

/* Days from civil date (Howard Hinnant's days_from_civil, proleptic Gregorian). */
static long days_from_civil(long y, long m, long d) {
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int days_in_month(long y, long m) {
    static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dim[m - 1];
}

double lcm__date_days(const char *s, int *ok) {
    *ok = 0;
    for (int i = 0; i < 10; i++) {
        int want_dash = i == 4 || i == 7;
        if (want_dash ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
            return 0;
    }
    if (s[10] != '\0')
        return 0;
    long y = strtol(s, NULL, 10), m = strtol(s + 5, NULL, 10), d = strtol(s + 8, NULL, 10);
    if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return 0;
    *ok = 1;
    return (double)days_from_civil(y, m, d);
}

void lcm__date_format(double days, char *buf, size_t size) {
    if (!isfinite(days) || fabs(days) > 1e7) {
        snprintf(buf, size, "%s", "");
        return;
    }
    long z = (long)floor(days) + 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp + (mp < 10 ? 3 : -9);
    snprintf(buf, size, "%04ld-%02ld-%02ld", yoe + era * 400 + (m <= 2), m, d);
}

/* XPath number() of a string: optional sign, digits, optional fraction, nothing else. */
static double string_number(const char *s) {
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    /* Most answers are small whole numbers: read them exactly without strtod (a double
     * holds every integer of up to 15 digits, so the result is the same). */
    const char *q = s + (*s == '-');
    double whole = 0;
    int n = 0;
    while (q[n] >= '0' && q[n] <= '9' && n < 16)
        whole = whole * 10 + (q[n] - '0'), n++;
    if (n > 0 && n < 16 && q[n] == '\0')
        return *s == '-' ? -whole : whole;
    int ok;
    char date[11];
    if (q == s && n == 4 && s[4] == '-' && strlen(s) >= 10) {
        snprintf(date, sizeof date, "%.10s", s);
        double days = lcm__date_days(date, &ok);
        if (ok && (s[10] == '\0' || s[10] == 'T' || s[10] == ' '))
            return days;
    }
    const char *p = s + (*s == '-');
    int digits = 0;
    while (*p >= '0' && *p <= '9')
        p++, digits++;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++)
            digits++;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    if (!digits || *p)
        return NAN;
    return strtod(s, NULL);
}

double lcm_value_number(const lcm_value *v) {
    return v->kind == LCM_VAL_STR ? string_number(v->str) : v->num;
}

double lcm__string_number(const char *s) {
    return string_number(s);
}

int lcm_value_bool(const lcm_value *v) {
    if (v->kind == LCM_VAL_STR)
        return v->str[0] != '\0';
    return v->num != 0 && !isnan(v->num);
}

/* "%.15g" of x without snprintf (a third of the calculations' time in an import) when x
 * has at most 6 decimals, 1e-4 <= |x| < 1e9: x * 10^d is then an integer m of at most 15
 * digits for the least such d, and x is m / 10^d to within 2^-53 of itself, far inside the
 * half unit of the 15th digit that %.15g rounds to; %g writes no exponent in that range.
 * 1 when buf holds it. tests/test_expr.c compares it with snprintf. */
static size_t ull_text(unsigned long long u, char *out) {
    char tmp[24];
    size_t n = 0;
    do
        tmp[n++] = (char)('0' + u % 10);
    while (u /= 10);
    for (size_t k = 0; k < n; k++)
        out[k] = tmp[n - 1 - k];
    return n;
}

static int short_decimal(double x, char *buf) {
    double a = fabs(x), scale = 1;
    if (!(a >= 1e-4 && a < 1e9))
        return 0;
    for (int d = 1; d <= 6; d++) {
        scale *= 10;
        double y = a * scale;
        if (y != floor(y))
            continue;
        unsigned long long m = (unsigned long long)y, p10 = (unsigned long long)scale;
        unsigned long long whole = m / p10, frac = m % p10;
        char digits[8], *p = buf;
        if (x < 0)
            *p++ = '-';
        p += ull_text(whole, p);
        if (frac == 0) { /* x is an integer to 15 digits */
            *p = '\0';
            return 1;
        }
        *p++ = '.';
        for (int k = d - 1; k >= 0; k--, frac /= 10)
            digits[k] = (char)('0' + frac % 10);
        int n = d;
        while (n > 1 && digits[n - 1] == '0')
            n--;
        memcpy(p, digits, (size_t)n);
        p[n] = '\0';
        return 1;
    }
    return 0;
}

char *lcm_value_string(const lcm_value *v) {
    char buf[64];
    if (v->kind == LCM_VAL_STR)
        return strdup(v->str);
    if (v->kind == LCM_VAL_BOOL)
        return strdup(v->num ? "true" : "false");
    double x = v->num;
    if (isnan(x))
        snprintf(buf, sizeof buf, "NaN");
    else if (isinf(x))
        snprintf(buf, sizeof buf, "%sInfinity", x < 0 ? "-" : "");
    else if (x == floor(x) && fabs(x) < 1e15) { /* exact below 2^53; no "-0" */
        long long k = (long long)x;
        unsigned long long u = k < 0 ? 0ULL - (unsigned long long)k : (unsigned long long)k;
        char *p = buf + sizeof buf - 1;
        *p = '\0';
        do
            *--p = (char)('0' + u % 10);
        while (u /= 10);
        if (k < 0)
            *--p = '-';
        return strdup(p);
    } else if (!short_decimal(x, buf))
        snprintf(buf, sizeof buf, "%.15g", x);
    return strdup(buf);
}
