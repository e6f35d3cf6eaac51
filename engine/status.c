/*
 * status.c - messages and names for lcm_status, generated from LCM_STATUS_MAP.
 */
#include "status.h"

static const char *const messages[] = {
#define LCM__X(name, msg) msg,
    LCM_STATUS_MAP(LCM__X)
#undef LCM__X
};

static const char *const names[] = {
#define LCM__X(name, msg) "LCM_" #name,
    LCM_STATUS_MAP(LCM__X)
#undef LCM__X
};

const char *lcm_strerror(lcm_status st) {
    if ((unsigned)st >= LCM_STATUS_COUNT)
        return "unknown status";
    return messages[st];
}

const char *lcm_status_name(lcm_status st) {
    if ((unsigned)st >= LCM_STATUS_COUNT)
        return "LCM_UNKNOWN";
    return names[st];
}
