/*
 * network_values.c - the formats of single values in an application: characters as the
 * form counts them, dates, plain decimals, and the evidence files (PDF, photos) whose
 * kind is judged by their first bytes, not only by their names.
 */
#include "network_int.h"
#include "strbuf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* Characters as the form counts them: Unicode characters, line breaks left out so that
 * paragraphs do not eat the limit. */
long lcm__net_chars(const char *s) {
    long n = lcm_utf8_len(s, strlen(s));
    for (; *s; s++)
        n -= *s == '\n' || *s == '\r';
    return n;
}

int lcm__net_digits(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return n > 0;
}

/* YYYY-MM or YYYY-MM-DD with a real month and day. */
int lcm__net_date(const char *s) {
    size_t n = strlen(s);
    if ((n != 7 && n != 10) || !lcm__net_digits(s, 4) || s[4] != '-' || !lcm__net_digits(s + 5, 2))
        return 0;
    int y = atoi(s), m = atoi(s + 5);
    if (m < 1 || m > 12)
        return 0;
    if (n == 7)
        return 1;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    int d = atoi(s + 8);
    return s[7] == '-' && lcm__net_digits(s + 8, 2) && d >= 1 && d <= mdays[m - 1] &&
           !(m == 2 && d == 29 && !leap);
}

/* A plain decimal: digits with an optional fraction, nothing else (no signs, exponents,
 * thousands separators or units, which the form puts in the label). */
int lcm__net_decimal(const char *s, double *out) {
    size_t i = 0;
    while (isdigit((unsigned char)s[i]))
        i++;
    if (i == 0)
        return 0;
    if (s[i] == '.') {
        size_t j = ++i;
        while (isdigit((unsigned char)s[i]))
            i++;
        if (i == j)
            return 0;
    }
    if (s[i])
        return 0;
    *out = strtod(s, NULL);
    return 1;
}

int lcm__net_control(const char *s) {
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p < 0x20 && *p != '\n' && *p != '\r' && *p != '\t') || *p == 0x7F)
            return 1;
    return 0;
}

static const char *extension(const char *path) {
    const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
    return dot && (!slash || dot > slash) ? dot + 1 : "";
}

static int ext_in(const char *ext, const char *const *list) {
    for (; *list; list++)
        if (strcasecmp(ext, *list) == 0)
            return 1;
    return 0;
}

/* The first bytes of the file tell its kind: PDF, or one of the photo formats. */
static int file_signature_ok(const char *path, lcm_net_type type) {
    unsigned char h[8] = {0};
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return 0;
    size_t n = fread(h, 1, sizeof h, fp);
    fclose(fp);
    if (type == LCM_NET_PDF)
        return n >= 5 && memcmp(h, "%PDF-", 5) == 0;
    return (n >= 3 && h[0] == 0xFF && h[1] == 0xD8 && h[2] == 0xFF) ||
           (n >= 8 && memcmp(h, "\x89PNG\r\n\x1a\n", 8) == 0) ||
           (n >= 4 && (memcmp(h, "II*\0", 4) == 0 || memcmp(h, "MM\0*", 4) == 0));
}

void lcm__net_check_file(lcm_net_problems *pr, const char *dir, const lcm_net_value *v,
                         lcm_net_type type) {
    static const char *const pdf_ext[] = {"pdf", NULL};
    static const char *const photo_ext[] = {"jpg", "jpeg", "png", "tif", "tiff", NULL};
    char path[8192];
    struct stat st;
    int pdf = type == LCM_NET_PDF;
    snprintf(path, sizeof path, "%s%s", v->value[0] == '/' ? "" : dir, v->value);
    if (!ext_in(extension(v->value), pdf ? pdf_ext : photo_ext))
        lcm_net_problem_add(
            pr, v->line, v->name,
            pdf ? L(pr, "text material must be a .pdf file: %s", "文本材料须为PDF格式（.pdf）：%s")
                : L(pr, "a photo must be a .jpg, .jpeg, .png, .tif or .tiff file: %s",
                    "照片须为JPEG、PNG或TIFF文件：%s"),
            v->value);
    else if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        lcm_net_problem_add(pr, v->line, v->name, L(pr, "no such file: %s", "找不到文件：%s"),
                            path);
    else if (!file_signature_ok(path, type))
        lcm_net_problem_add(pr, v->line, v->name,
                            pdf ? L(pr, "not a PDF file inside: %s", "文件内容不是PDF：%s")
                                : L(pr, "not a JPEG, PNG or TIFF image inside: %s",
                                    "文件内容不是JPEG、PNG或TIFF图片：%s"),
                            path);
}
