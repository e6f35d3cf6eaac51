/*
 * test_encoding.c - engine/encoding.c: BOM, strict UTF-8, GB18030 detection and
 * conversion, and the file:line:column errors for text that is neither.
 * GB18030 bytes were made with glibc's iconv: printf '城市,北京市' | iconv -t gb18030.
 */
#include "encoding.h"
#include "strbuf.h"
#include "testing.h"

#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GB_CITY "\xB3\xC7\xCA\xD0"            /* 城市 */
#define GB_BEIJING "\xB1\xB1\xBE\xA9\xCA\xD0" /* 北京市 */

/* A file of `pad` bytes of ASCII rows followed by tail: puts tail where a chunk ends. */
static const char *padded_file(const char *name, size_t pad, const char *tail) {
    size_t n = strlen(tail);
    char *buf = malloc(pad + n);
    for (size_t i = 0; i < pad; i++)
        buf[i] = (i % 8 == 7) ? '\n' : 'a';
    memcpy(buf + pad, tail, n);
    const char *path = lcmt_write(lcmt_tmp(name), buf, pad + n);
    free(buf);
    return path;
}

static void encoding__detects_bom_utf8_and_gb18030(void) {
    static const struct {
        const char *data;
        lcm_encoding want;
    } cases[] = {
        {"city,year\n1100,2024\n", LCM_ENC_UTF8},
        {"城市,年份\n北京市,2024\n", LCM_ENC_UTF8},
        {GB_CITY "," GB_BEIJING "\n", LCM_ENC_GB18030},
        {"\xEF\xBB\xBF"
         "a,b\n",
         LCM_ENC_UTF8},
        {"\x84\x31\x95\x33" GB_CITY "\n", LCM_ENC_GB18030},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lcm_encoding got = LCM_ENC_AUTO;
        lcm_err err = {0};
        const char *path = lcmt_write(lcmt_tmp("d.csv"), cases[i].data, strlen(cases[i].data));
        CU_ASSERT_EQUAL(lcm_encoding_detect(path, &got, &err), LCM_OK);
        CU_ASSERT_EQUAL(got, cases[i].want);
    }
}

/* GBK text after 100 KB of ASCII: deciding from the first chunk would say UTF-8. */
static void encoding__reads_the_whole_file_before_deciding(void) {
    lcm_encoding got = LCM_ENC_AUTO;
    const char *path = padded_file("late.csv", 100000, GB_BEIJING "\n");
    CU_ASSERT_EQUAL(lcm_encoding_detect(path, &got, NULL), LCM_OK);
    CU_ASSERT_EQUAL(got, LCM_ENC_GB18030);
    /* A UTF-8 character cut in two by the 64 KiB chunk boundary is still UTF-8. */
    path = padded_file("split.csv", 65535, "北京\n");
    CU_ASSERT_EQUAL(lcm_encoding_detect(path, &got, NULL), LCM_OK);
    CU_ASSERT_EQUAL(got, LCM_ENC_UTF8);
}

static void encoding__neither_names_line_and_column(void) {
    lcm_encoding got;
    lcm_err err = {0};
    char path[4096];
    snprintf(path, sizeof path, "%s", lcmt_write(lcmt_tmp("bad.csv"), "a,b\nxy\xFFz,1\n", 11));
    CU_ASSERT_EQUAL(lcm_encoding_detect(path, &got, &err), LCM_PARSE);
    char want[4200];
    snprintf(want, sizeof want,
             "%s:2:3: neither UTF-8 (byte 0xFF) nor GB18030 (fails at 2:3): save the file as "
             "UTF-8",
             path);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    /* The scan skips ASCII eight bytes at a time and counts lines and columns across
     * such runs: the bad byte after long lines and a Chinese character is still placed. */
    static const char long_lines[] = "instance_id,city,wave\nabcdefghijklmnopqrstuvwxyz0123,"
                                     "北京,2024\nabcdefghijklmnop,学习\xFF";
    snprintf(path, sizeof path, "%s",
             lcmt_write(lcmt_tmp("long.csv"), long_lines, sizeof long_lines - 1));
    CU_ASSERT_EQUAL(lcm_encoding_detect(path, &got, &err), LCM_PARSE);
    snprintf(want, sizeof want,
             "%s:3:20: byte 0xFF is not UTF-8, in a file that is otherwise UTF-8", path);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, want));
    if (!strstr(err.msg, want))
        fprintf(stderr, "\n  got '%s'\n", err.msg);
    snprintf(path, sizeof path, "%s",
             lcmt_write(lcmt_tmp("u16.csv"),
                        "\xFF\xFE"
                        "a\0,\0",
                        6));
    CU_ASSERT_EQUAL(lcm_encoding_detect(path, &got, &err), LCM_PARSE);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "UTF-16 text is not supported"));
}

typedef struct rows {
    lcm_strbuf text;
} rows;

static lcm_status collect(void *ud, const lcm_csv_row *row, lcm_err *err) {
    rows *r = ud;
    (void)err;
    lcm_strbuf_addf(&r->text, "%ld:", row->line);
    for (size_t i = 0; i < row->n; i++)
        lcm_strbuf_addf(&r->text, "%s%s", i ? "|" : "", row->field[i]);
    lcm_strbuf_addc(&r->text, '\n');
    return LCM_OK;
}

static lcm_status read_as(const char *path, lcm_encoding enc, rows *r, lcm_encoding *used,
                          lcm_err *err) {
    lcm_input *in = NULL;
    lcm_status st = lcm_input_open(path, enc, &in, err);
    if (st == LCM_OK) {
        *used = lcm_input_encoding(in);
        st = lcm_input_read_csv(in, NULL, collect, r, err);
    }
    lcm_input_close(in);
    return st;
}

static void input__converts_gb18030_to_utf8(void) {
    rows r = {LCM_STRBUF_INIT};
    lcm_encoding used = LCM_ENC_AUTO;
    const char *data = "code," GB_CITY "\n1100,\"" GB_BEIJING "\n" GB_BEIJING "\"\n1200,x\n";
    const char *path = lcmt_write(lcmt_tmp("gb.csv"), data, strlen(data));
    CU_ASSERT_EQUAL(read_as(path, LCM_ENC_AUTO, &r, &used, NULL), LCM_OK);
    CU_ASSERT_EQUAL(used, LCM_ENC_GB18030);
    CU_ASSERT_STRING_EQUAL(r.text.buf, "1:code|城市\n2:1100|北京市\n北京市\n4:1200|x\n");
    lcm_strbuf_release(&r.text);
    /* A GB18030 character cut by the converter's chunk boundary comes out whole. */
    path = padded_file("gbsplit.csv", 65535, GB_BEIJING "\n");
    CU_ASSERT_EQUAL(read_as(path, LCM_ENC_GB18030, &r, &used, NULL), LCM_OK);
    CU_ASSERT_PTR_NOT_NULL(strstr(r.text.buf, "8192:aaaaaaa北京市\n"));
    lcm_strbuf_release(&r.text);
}

static void input__bad_gb18030_and_contradicting_bom(void) {
    rows r = {LCM_STRBUF_INIT};
    lcm_encoding used;
    lcm_err err = {0};
    char path[4096], want[4200];
    snprintf(path, sizeof path, "%s",
             lcmt_write(lcmt_tmp("gbbad.csv"), "a,b\n1,2\n" GB_CITY "\x80,3\n", 15));
    CU_ASSERT_EQUAL(read_as(path, LCM_ENC_GB18030, &r, &used, &err), LCM_PARSE);
    snprintf(want, sizeof want, "%s:3:3: not GB18030 (bytes 0x80 0x2C)", path);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    snprintf(path, sizeof path, "%s",
             lcmt_write(lcmt_tmp("bom.csv"),
                        "\xEF\xBB\xBF"
                        "a\n",
                        5));
    CU_ASSERT_EQUAL(read_as(path, LCM_ENC_GB18030, &r, &used, &err), LCM_PARSE);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "starts with a UTF-8 byte-order mark but --encoding "
                                           "gb18030 was given"));
    lcm_strbuf_release(&r.text);
    lcm_encoding e;
    CU_ASSERT_EQUAL(lcm_encoding_parse("GBK", &e), 0);
    CU_ASSERT_EQUAL(e, LCM_ENC_GB18030);
    CU_ASSERT_EQUAL(lcm_encoding_parse("latin1", &e), -1);
}

/* Issue 13 item 3: a UTF-8 file with one Windows-1252 byte (é, 0xE9) was read as GB18030
 * whole, every Chinese text garbled. Now the byte is an error at its line:column; with
 * --encoding the file is read as told. */
static void encoding__one_stray_byte_does_not_make_a_file_gb18030(void) {
    static const char data[] = "city,year,indicator,value,source\n"
                               "1100,2024,1.1.2,87.5,北京统计年鉴\n"
                               "1200,2024,1.1.2,80,Caf\xE9s 天津\n";
    char path[4096], want[4400];
    lcm_encoding got = LCM_ENC_AUTO;
    lcm_err err = {0};
    rows r = {LCM_STRBUF_INIT};
    snprintf(path, sizeof path, "%s", lcmt_write(lcmt_tmp("stray.csv"), data, sizeof data - 1));
    CU_ASSERT_EQUAL(lcm_encoding_detect(path, &got, &err), LCM_PARSE);
    snprintf(want, sizeof want,
             "%s:3:23: byte 0xE9 is not UTF-8, in a file that is otherwise UTF-8 (1 such byte): "
             "correct it, or give --encoding gb18030 if the file is GB18030",
             path);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    CU_ASSERT_EQUAL(read_as(path, LCM_ENC_AUTO, &r, &got, &err), LCM_PARSE);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    /* --encoding utf-8: the CSV reader names the cell and its field */
    CU_ASSERT_EQUAL(read_as(path, LCM_ENC_UTF8, &r, &got, &err), LCM_PARSE);
    snprintf(want, sizeof want, "%s:3:5 (source): invalid UTF-8 in field (byte 0xE9)", path);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    lcm_strbuf_release(&r.text);
    /* --encoding gb18030: read as told (the clerk's call), no error */
    r = (rows){LCM_STRBUF_INIT};
    CU_ASSERT_EQUAL(read_as(path, LCM_ENC_GB18030, &r, &got, &err), LCM_OK);
    CU_ASSERT_EQUAL(got, LCM_ENC_GB18030);
    lcm_strbuf_release(&r.text);
}

/* The rule above must not refuse real GB18030 text: the household questionnaire and the
 * framework, converted to GB18030 here with iconv, are still detected as GB18030 (their
 * Chinese read as UTF-8 gives many bad bytes and few valid characters). */
static void encoding__gb18030_files_are_still_gb18030(void) {
    static const char *const files[] = {"surveys/household/survey.csv", "surveys/framework.csv",
                                        "surveys/household/choices.csv"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        size_t n = 0;
        char *text = lcmt_slurp(lcmt_path(files[i]), &n);
        CU_ASSERT_PTR_NOT_NULL_FATAL(text);
        iconv_t cd = iconv_open("GB18030", "UTF-8");
        CU_ASSERT_FATAL(cd != (iconv_t)-1);
        size_t cap = 2 * n + 16, left = cap;
        char *gb = malloc(cap), *in = text, *out = gb;
        CU_ASSERT_NOT_EQUAL(iconv(cd, &in, &n, &out, &left), (size_t)-1);
        iconv_close(cd);
        lcm_encoding got = LCM_ENC_AUTO;
        lcm_err err = {0};
        const char *path = lcmt_write(lcmt_tmp("gbfile.csv"), gb, cap - left);
        CU_ASSERT_EQUAL(lcm_encoding_detect(path, &got, &err), LCM_OK);
        CU_ASSERT_EQUAL(got, LCM_ENC_GB18030);
        free(gb), free(text);
    }
}

/* UTF-16 without a byte-order mark (NULs between the letters) is named as such. */
static void encoding__utf16_without_bom_is_named(void) {
    static const char le[] = "c\0i\0t\0y\0\n\0";
    char path[4096], want[4400];
    lcm_encoding got = LCM_ENC_AUTO;
    lcm_err err = {0};
    rows r = {LCM_STRBUF_INIT};
    snprintf(path, sizeof path, "%s", lcmt_write(lcmt_tmp("u16le.csv"), le, sizeof le - 1));
    snprintf(want, sizeof want,
             "%s:1:1: NUL bytes between the characters: this is UTF-16 text (without a "
             "byte-order mark), which lcmon does not read; save it as 'CSV UTF-8'",
             path);
    CU_ASSERT_EQUAL(lcm_encoding_detect(path, &got, &err), LCM_PARSE);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    CU_ASSERT_EQUAL(read_as(path, LCM_ENC_UTF8, &r, &got, &err), LCM_PARSE);
    CU_ASSERT_STRING_EQUAL(err.msg, want);
    lcm_strbuf_release(&r.text);
}

const lcmt_case lcmt_encoding_cases[] = {
    {"encoding__one_stray_byte_does_not_make_a_file_gb18030",
     encoding__one_stray_byte_does_not_make_a_file_gb18030},
    {"encoding__gb18030_files_are_still_gb18030", encoding__gb18030_files_are_still_gb18030},
    {"encoding__utf16_without_bom_is_named", encoding__utf16_without_bom_is_named},
    {"encoding__detects_bom_utf8_and_gb18030", encoding__detects_bom_utf8_and_gb18030},
    {"encoding__reads_the_whole_file_before_deciding",
     encoding__reads_the_whole_file_before_deciding},
    {"encoding__neither_names_line_and_column", encoding__neither_names_line_and_column},
    {"input__converts_gb18030_to_utf8", input__converts_gb18030_to_utf8},
    {"input__bad_gb18030_and_contradicting_bom", input__bad_gb18030_and_contradicting_bom},
    {NULL, NULL},
};
