/*
 * chart_text.c - the charts' own words in Chinese and English, and the font that can show
 * them. Titles and axis labels about data come from the caller; these are the fixed texts
 * (legend entries, default axis names) that the charts add themselves.
 */
#include "chart_internal.h"

#include <stdio.h>
#include <unistd.h>

static const char *const texts[LCM__T_COUNT][2] = {
    [LCM__T_PEER_MEDIAN] = {"同类城市中位数", "peer median"},
    [LCM__T_OTHER_CITIES] = {"其他城市", "other cities"},
    [LCM__T_CI95] = {"95% 置信区间", "95% CI"},
    [LCM__T_CITY_CI95] = {"95% 置信区间", "95% CI"},
    [LCM__T_YEAR] = {"年份", "year"},
    [LCM__T_REGION] = {"地区", "region"},
    [LCM__T_NATION] = {"全国", "nation"},
    [LCM__T_RANK_AXIS] = {"排名（1 = 最好）", "rank (1 = best)"},
    [LCM__T_RANK_MEDIAN] = {"排名中位数", "median rank"},
    [LCM__T_RANK_INTERVAL] = {"5%–95% 区间", "5–95% interval"},
    [LCM__T_Q_KEEP] = {"继续保持", "keep up the good work"},
    [LCM__T_Q_CONCENTRATE] = {"重点改进", "concentrate here"},
    [LCM__T_Q_LOW] = {"次要改进", "low priority"},
    [LCM__T_Q_OVERKILL] = {"可能过度投入", "possible overkill"},
    [LCM__T_SCORE_AXIS] = {"得分（0–100）", "score (0–100)"},
    [LCM__T_NORM_SCORE] = {"标准化得分（0–100）", "normalised score (0–100)"},
    [LCM__T_COVERAGE] = {"覆盖率（%）", "coverage (%)"},
    [LCM__T_TARGET] = {"2025年目标", "2025 target"},
    [LCM__T_FIRST_LEVEL] = {"一级指标", "first-level indicators"},
    [LCM__T_SECOND_LEVEL] = {"二级指标", "second-level indicators"},
    [LCM__T_NO_DATA] = {"无数据", "no data"},
    [LCM__T_MISSING] = {"缺失", "missing"},
};

const char *lcm__txt(lcm_lang lang, lcm__text t) {
    if ((unsigned)t >= LCM__T_COUNT)
        return "";
    return texts[t][lang == LCM_LANG_EN ? 1 : 0];
}

/* Where Debian (fonts-noto-cjk), Fedora and Arch put the file. cairo finds fonts by family
 * name through fontconfig, so the path only tells whether the family is there. */
static const char *const font_files[] = {
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
};

const char *lcm_chart_font_file(void) {
    for (size_t i = 0; i < sizeof font_files / sizeof font_files[0]; i++)
        if (access(font_files[i], R_OK) == 0)
            return font_files[i];
    return NULL;
}

const char *lcm_chart_font(void) {
    return lcm_chart_font_file() ? "Noto Sans CJK SC" : "Sans";
}

const char *lcm__font(const lcm_chart_opts *o) {
    return o->font && *o->font ? o->font : lcm_chart_font();
}
