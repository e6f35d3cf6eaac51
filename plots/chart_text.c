/*
 * chart_text.c - the font that can show the charts' Chinese text. (The charts have no words
 * of their own: titles, axis labels, legend entries and marks all come from the spec.)
 */
#include "chart_internal.h"

#include <stdio.h>
#include <unistd.h>

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
