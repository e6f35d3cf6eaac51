/*
 * test_qr.c - QR codes (engine/qr.c): the symbol's fixed patterns where ISO/IEC 18004 puts
 * them, the version its capacity table calls for, the PNG's pixels equal to the modules,
 * the SVG's squares equal to the dark modules, and (when zbarimg from Debian's zbar-tools is
 * installed) the PNG decoded back to the text.
 */
#include "testing.h"

#include "qr.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

/* 29 bytes: ISO/IEC 18004:2015 table 7, byte mode at level M holds 26 bytes in version 2
 * and 42 in version 3, so this needs version 3 (29 x 29 modules). */
static const char *const url29 = "https://x.cn/c/household-1100";

static int at(const lcm_qr *q, int x, int y) {
    return q->dark[y * q->width + x];
}

/* A finder pattern (7 x 7: dark ring, light ring, dark 3 x 3) with its corner at x, y. */
static int finder_ok(const lcm_qr *q, int x0, int y0) {
    for (int y = 0; y < 7; y++)
        for (int x = 0; x < 7; x++) {
            int ring = x == 0 || y == 0 || x == 6 || y == 6;
            int core = x >= 2 && x <= 4 && y >= 2 && y <= 4;
            if (at(q, x0 + x, y0 + y) != (ring || core))
                return 0;
        }
    return 1;
}

static void qr__symbol_has_version_and_fixed_patterns(void) {
    lcm_qr *q = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL(strlen(url29), 29);
    CU_ASSERT_EQUAL_FATAL(lcm_qr_encode(url29, &q, &err), LCM_OK);
    CU_ASSERT_EQUAL(q->version, 3);
    CU_ASSERT_EQUAL(q->width, 17 + 4 * 3); /* ISO/IEC 18004 6.3.1: 4V + 17 */
    int w = q->width;
    CU_ASSERT(finder_ok(q, 0, 0));
    CU_ASSERT(finder_ok(q, w - 7, 0));
    CU_ASSERT(finder_ok(q, 0, w - 7));
    /* separators are light; timing patterns alternate dark on even positions (6.3.5) */
    for (int i = 0; i < 8; i++) {
        CU_ASSERT_EQUAL(at(q, i, 7), 0);
        CU_ASSERT_EQUAL(at(q, 7, i), 0);
        CU_ASSERT_EQUAL(at(q, w - 8, i), 0);
    }
    for (int i = 8; i < w - 8; i++) {
        CU_ASSERT_EQUAL(at(q, i, 6), i % 2 == 0);
        CU_ASSERT_EQUAL(at(q, 6, i), i % 2 == 0);
    }
    /* the dark module at (8, 4V + 9) (6.9.1) */
    CU_ASSERT_EQUAL(at(q, 8, 4 * 3 + 9), 1);
    /* version 2 and up: an alignment pattern centred at (22, 22) in version 3 (annex E) */
    CU_ASSERT_EQUAL(at(q, 22, 22), 1);
    CU_ASSERT_EQUAL(at(q, 21, 22), 0);
    CU_ASSERT_EQUAL(at(q, 20, 22), 1);
    lcm_qr_free(q);
    CU_ASSERT_EQUAL(lcm_qr_encode("", &q, &err), LCM_INVAL);
    CU_ASSERT_PTR_NULL(q);
}

static uint32_t get32(const unsigned char *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void qr__png_pixels_are_the_modules(void) {
    unsigned char *png = NULL;
    size_t n = 0;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_qr_png(url29, 2, &png, &n, &err), LCM_OK);
    lcm_qr *q = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_qr_encode(url29, &q, &err), LCM_OK);
    CU_ASSERT_FATAL(n > 8 + 25 + 12 + 12);
    CU_ASSERT_EQUAL(memcmp(png, "\x89PNG\r\n\x1a\n", 8), 0);
    CU_ASSERT_EQUAL(get32(png + 8), 13);
    CU_ASSERT_EQUAL(memcmp(png + 12, "IHDR", 4), 0);
    uint32_t px = get32(png + 16);
    CU_ASSERT_EQUAL(px, (uint32_t)(q->width + 2 * LCM_QR_QUIET) * 2);
    CU_ASSERT_EQUAL(png[24], 1); /* bit depth */
    CU_ASSERT_EQUAL(png[25], 0); /* greyscale */
    CU_ASSERT_EQUAL(get32(png + 29), (uint32_t)crc32(0, png + 12, 17));
    const unsigned char *idat = png + 33;
    uint32_t zlen = get32(idat);
    CU_ASSERT_EQUAL_FATAL(memcmp(idat + 4, "IDAT", 4), 0);
    CU_ASSERT_EQUAL(get32(idat + 8 + zlen), (uint32_t)crc32(0, idat + 4, zlen + 4));
    size_t stride = 1 + (px + 7) / 8;
    uLongf rawn = (uLongf)(stride * px);
    unsigned char *raw = malloc(rawn);
    CU_ASSERT_EQUAL_FATAL(uncompress(raw, &rawn, idat + 8, zlen), Z_OK);
    CU_ASSERT_EQUAL(rawn, stride * px);
    long wrong = 0;
    for (uint32_t y = 0; y < px; y++) {
        CU_ASSERT_EQUAL(raw[y * stride], 0); /* filter None */
        for (uint32_t x = 0; x < px; x++) {
            int white = (raw[y * stride + 1 + x / 8] >> (7 - x % 8)) & 1;
            int mx = (int)(x / 2) - LCM_QR_QUIET, my = (int)(y / 2) - LCM_QR_QUIET;
            int dark = mx >= 0 && my >= 0 && mx < q->width && my < q->width && at(q, mx, my);
            wrong += white == dark;
        }
    }
    CU_ASSERT_EQUAL(wrong, 0);
    CU_ASSERT_EQUAL(memcmp(png + n - 8, "IEND", 4), 0);
    free(raw);
    free(png);
    lcm_qr_free(q);
}

static void qr__svg_squares_are_the_dark_modules(void) {
    char *svg = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_qr_svg(url29, &svg, &err), LCM_OK);
    lcm_qr *q = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_qr_encode(url29, &q, &err), LCM_OK);
    long dark = 0;
    for (int i = 0; i < q->width * q->width; i++)
        dark += q->dark[i];
    LCMT_ASSERT_HAS(svg, "viewBox=\"0 0 37 37\""); /* 29 + 2 x 4 */
    /* every run "M x y h n v1 h-n z" covers n modules; the first starts at the quiet zone */
    LCMT_ASSERT_HAS(svg, "d=\"M4 4h7v1h-7z");
    long covered = 0;
    for (const char *p = strstr(svg, "d=\""); p && (p = strchr(p, 'h')) != NULL; p++) {
        if (p[1] == '-')
            continue;
        covered += strtol(p + 1, NULL, 10);
    }
    CU_ASSERT_EQUAL(covered, dark);
    free(svg);
    lcm_qr_free(q);
}

static void qr__png_decodes_back_with_zbarimg_when_installed(void) {
    if (access("/usr/bin/zbarimg", X_OK) != 0) {
        fprintf(stderr, "\n  zbarimg not installed (Debian zbar-tools): decoding skipped\n");
        return;
    }
    const char *texts[] = {url29, "http://127.0.0.1:8080/t/abcdefghijklmnopqrstuvwxy2",
                           "学习型城市 household 2026"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s", lcmt_tmp("qr.png"));
        remove(path);
        lcm_err err = {0};
        CU_ASSERT_EQUAL_FATAL(lcm_qr_write(texts[i], NULL, path, 0, &err), LCM_OK);
        int fd[2];
        CU_ASSERT_EQUAL_FATAL(pipe(fd), 0);
        pid_t pid = fork();
        if (pid == 0) {
            dup2(fd[1], 1);
            close(fd[0]);
            FILE *null = freopen("/dev/null", "w", stderr); /* zbarimg's D-Bus chatter */
            (void)null;
            execl("/usr/bin/zbarimg", "zbarimg", "--raw", "-q", path, (char *)NULL);
            _exit(127);
        }
        close(fd[1]);
        char buf[512];
        size_t got = 0;
        ssize_t k;
        while ((k = read(fd[0], buf + got, sizeof buf - 1 - got)) > 0)
            got += (size_t)k;
        close(fd[0]);
        int status = 0;
        waitpid(pid, &status, 0);
        buf[got] = '\0';
        if (got && buf[got - 1] == '\n')
            buf[got - 1] = '\0';
        CU_ASSERT_EQUAL(WEXITSTATUS(status), 0);
        CU_ASSERT_STRING_EQUAL(buf, texts[i]);
    }
}

const lcmt_case lcmt_qr_cases[] = {
    {"symbol_has_version_and_fixed_patterns", qr__symbol_has_version_and_fixed_patterns},
    {"png_pixels_are_the_modules", qr__png_pixels_are_the_modules},
    {"svg_squares_are_the_dark_modules", qr__svg_squares_are_the_dark_modules},
    {"png_decodes_back_with_zbarimg_when_installed",
     qr__png_decodes_back_with_zbarimg_when_installed},
    {NULL, NULL},
};
