/*
 * serve_time.c - times on the staff pages in Beijing time. The store keeps UTC ISO 8601
 * (2026-12-05T21:04:24Z); coordinators, province liaisons and the ministry read Beijing
 * time, so a page shows 2026-12-06 05:04 and says once, beside the table or in the column
 * header, that its times are 北京时间. Exports keep the stored text.
 */
#include "serve_int.h"
#include "timestamp.h"

#include <string.h>

const char *lcm__shown_time(const char *stored, char buf[LCM__TIME_SIZE]) {
    char bj[LCM_TIMESTAMP_BEIJING_SIZE];
    if (lcm_timestamp_beijing(stored, bj) != 0)
        return stored ? stored : "";
    memcpy(buf, bj, LCM__TIME_SIZE - 1); /* "YYYY-MM-DD HH:MM", the seconds left off */
    buf[LCM__TIME_SIZE - 1] = '\0';
    return buf;
}
