/*
 * units.c - the framework's units in Chinese and English (see units.h).
 */
#include "units.h"

#include <string.h>

static const struct {
    const char *key, *zh, *en;
} units[] = {
    {"%", "%", "%"},
    {"个百分点", "个百分点", "percentage points"},
    {"元", "元", "yuan"},
    {"万元", "万元", "10,000 yuan"},
    {"人", "人", "persons"},
    {"万人", "万人", "10,000 persons"},
    {"人次", "人次", "person-times"},
    {"万人次", "万人次", "10,000 person-times"},
    {"人次/年", "人次/年", "person-times/year"},
    {"万人次/年", "万人次/年", "10,000 person-times/year"},
    {"年", "年", "years"},
    {"项", "项", "items"},
    {"个", "个", "units"},
    {"score", "分", "points"},
    {"分", "分", "points"},
    {"yes/no", "是/否", "yes/no"},
};

const char *lcm_unit_label(const char *unit, lcm_lang lang) {
    if (!unit)
        return "";
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcmp(unit, units[i].key) == 0)
            return lang == LCM_LANG_EN ? units[i].en : units[i].zh;
    return unit;
}
