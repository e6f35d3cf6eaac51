/*
 * test_csvin.c - the streaming CSV reader (engine/csvin.c) and the UTF-8 helpers
 * (engine/strbuf.c): line numbers, BOM, quoting, and the errors bad input must produce.
 */
#define _GNU_SOURCE /* fopencookie, to make a 2 GB input without storing it */
#include "csvin.h"
#include "strbuf.h"
#include "testing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct collected {
    lcm_strbuf text; /* rows as "line:f1|f2|...\n" */
} collected;

static lcm_status collect(void *ud, const lcm_csv_row *row, lcm_err *err) {
    collected *c = ud;
    (void)err;
    lcm_strbuf_addf(&c->text, "%ld:", row->line);
    for (size_t i = 0; i < row->n; i++)
        lcm_strbuf_addf(&c->text, "%s%s", i ? "|" : "", row->field[i]);
    lcm_strbuf_addc(&c->text, '\n');
    return LCM_OK;
}

static lcm_status collect_nothing(void *ud, const lcm_csv_row *row, lcm_err *err) {
    (void)ud, (void)row, (void)err;
    return LCM_OK;
}

static lcm_status read_bytes(const char *data, size_t len, collected *c, lcm_err *err) {
    FILE *fp = fmemopen((void *)data, len, "rb");
    if (!fp)
        return LCM_IO;
    lcm_status st = lcm_csv_read_stream(fp, "t.csv", collect, c, err);
    fclose(fp);
    return st;
}

static lcm_status read_string(const char *data, collected *c, lcm_err *err) {
    return read_bytes(data, strlen(data), c, err);
}

static void csv__rows_carry_their_starting_line(void) {
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"a,b\n1,2\n", "1:a|b\n2:1|2\n"},
        {"\xEF\xBB\xBFname,城市\nx,北京市\n", "1:name|城市\n2:x|北京市\n"},
        {"a,b\r\n1,2\r\n", "1:a|b\n2:1|2\n"},
        {"a,b\n\"multi\nline\",2\n3,4\n", "1:a|b\n2:multi\nline|2\n4:3|4\n"},
        {"a,b\n\n1,\"say \"\"hi\"\"\"\n", "1:a|b\n3:1|say \"hi\"\n"},
        {"a,b\n1,2", "1:a|b\n2:1|2\n"},
        {"a,,c\n", "1:a||c\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        collected c = {LCM_STRBUF_INIT};
        lcm_err err = {0};
        CU_ASSERT_EQUAL(read_string(cases[i].in, &c, &err), LCM_OK);
        if (strcmp(c.text.buf, cases[i].want) != 0)
            fprintf(stderr, "\n  case %zu: got '%s'", i, c.text.buf);
        CU_ASSERT_STRING_EQUAL(c.text.buf, cases[i].want);
        lcm_strbuf_release(&c.text);
    }
}

/* Expected failures: each bad input and the message it must produce. */
#define IN(s) s, sizeof s - 1

static void csv__bad_input_names_file_and_line(void) {
    static const struct {
        const char *in;
        size_t len; /* bytes of in: some hold NULs */
        lcm_status st;
        const char *msg;
    } cases[] = {
        {IN("a,b\n1,\xFF\xFE\n"), LCM_PARSE, "t.csv:2:2 (b): invalid UTF-8 in field (byte 0xFF)"},
        {IN("a,b\n1,\"open\n"), LCM_PARSE, "t.csv:2:2: file ends inside a quoted field"},
        {IN("a,b\n1,x\"y\"\n"), LCM_PARSE, "t.csv:2:2: stray quote"},
        {IN("a,b\n1,\"x\"y\n"), LCM_PARSE, "t.csv:2:2: stray quote"},
        {IN("a,b\n\xC0\x80,2\n"), LCM_PARSE, "t.csv:2:1 (a): invalid UTF-8 in field (byte 0xC0)"},
        {IN("a,b\nx\xE4\xBA\xAC\xE9y,2\n"), LCM_PARSE,
         "t.csv:2:1 (a): invalid UTF-8 in field (byte 0xE9)"},
        /* issue 13 item 4: a NUL used to end the text where it stood ("8<NUL>7.5" read as 8) */
        {IN("a,value\n1,8\0007.5\n"), LCM_PARSE,
         "t.csv:2:2 (value): NUL byte at byte 2 of the field (a damaged or binary file)"},
        {IN("a\0,b\n1,2\n"), LCM_PARSE, "t.csv:1:1: NUL byte at byte 2 of the field"},
        /* UTF-16LE without a byte-order mark, read as bytes */
        {IN("c\0i\0t\0y\0\n\0"), LCM_PARSE,
         "t.csv:1:1: NUL bytes between the characters: this is UTF-16 text, which lcmon does "
         "not read; save it as 'CSV UTF-8'"},
        /* issue 13 item 6: a column given twice (the last used to win) */
        {IN("city,wave,value, wave\n1,2,3,4\n"), LCM_PARSE,
         "t.csv:1:4: column 'wave' given twice (also column 2)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        collected c = {LCM_STRBUF_INIT};
        lcm_err err = {0};
        CU_ASSERT_EQUAL(read_bytes(cases[i].in, cases[i].len, &c, &err), cases[i].st);
        if (strncmp(err.msg, cases[i].msg, strlen(cases[i].msg)) != 0)
            fprintf(stderr, "\n  case %zu: got '%s'", i, err.msg);
        CU_ASSERT_EQUAL(strncmp(err.msg, cases[i].msg, strlen(cases[i].msg)), 0);
        lcm_strbuf_release(&c.text);
    }
}

static lcm_status stop_at_second(void *ud, const lcm_csv_row *row, lcm_err *err) {
    (void)ud;
    if (row->index == 1)
        return lcm_err_set(err, LCM_CONSTRAINT, "%s:%ld: stop", row->file, row->line);
    return LCM_OK;
}

static void csv__callback_failure_stops_the_read(void) {
    FILE *fp = fmemopen((void *)"h\n1\n2\n", 6, "rb");
    lcm_err err = {0};
    CU_ASSERT_EQUAL(lcm_csv_read_stream(fp, "s.csv", stop_at_second, NULL, &err), LCM_CONSTRAINT);
    CU_ASSERT_STRING_EQUAL(err.msg, "s.csv:2: stop");
    fclose(fp);
    CU_ASSERT_EQUAL(lcm_csv_read(lcmt_tmp("missing.csv"), stop_at_second, NULL, &err), LCM_IO);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "No such file or directory"));
}

static void utf8__counts_characters_not_bytes(void) {
    CU_ASSERT_EQUAL(lcm_utf8_len("abc", 3), 3);
    CU_ASSERT_EQUAL(lcm_utf8_len("学习型城市", strlen("学习型城市")), 5);
    CU_ASSERT_EQUAL(lcm_utf8_len("A学1", strlen("A学1")), 3);
    CU_ASSERT_EQUAL(lcm_utf8_len("\xF0\x9F\x93\x9A", 4), 1);  /* 📚, 4 bytes */
    CU_ASSERT_EQUAL(lcm_utf8_len("\xED\xA0\x80", 3), -1);     /* a surrogate */
    CU_ASSERT_EQUAL(lcm_utf8_len("\xE5\xAD", 2), -1);         /* cut short */
    CU_ASSERT_EQUAL(lcm_utf8_len("\xF4\x90\x80\x80", 4), -1); /* above U+10FFFF */
    /* ASCII is counted eight bytes at a time: what follows a long ASCII run still counts,
     * and a bad byte after it is still found, at any offset. */
    CU_ASSERT_EQUAL(lcm_utf8_len("abcdefghijklmnop学", strlen("abcdefghijklmnop学")), 17);
    CU_ASSERT_EQUAL(lcm_utf8_len("abcdefgh\xE5\xAD", 10), -1);
    CU_ASSERT_EQUAL(lcm_utf8_len("abcdefghi\x80jklmnopq", 18), -1);
    CU_ASSERT_EQUAL(lcm_utf8_len("0123456789abcdef", 12), 12); /* n, not the NUL, ends it */
    CU_ASSERT_EQUAL(lcm_utf8_len("abcdefgh", 0), 0);
}

static void strbuf__grows_and_detaches(void) {
    lcm_strbuf sb = LCM_STRBUF_INIT;
    CU_ASSERT_STRING_EQUAL(sb.buf, "");
    for (int i = 0; i < 1000; i++)
        lcm_strbuf_addf(&sb, "%d,", i);
    CU_ASSERT(lcm_strbuf_ok(&sb));
    CU_ASSERT_EQUAL(strncmp(sb.buf, "0,1,2,", 6), 0);
    CU_ASSERT_EQUAL(sb.len, strlen(sb.buf));
    char *s = lcm_strbuf_detach(&sb);
    CU_ASSERT_EQUAL(sb.len, 0);
    CU_ASSERT_STRING_EQUAL(sb.buf, "");
    CU_ASSERT_PTR_NOT_NULL(strstr(s, ",999,"));
    free(s);
    lcm_strbuf_release(&sb);
}

/* A stream of `size` bytes: a quote, then 'x' forever; made on the fly, never stored. */
typedef struct endless {
    long long left;
    int started;
} endless;

static ssize_t endless_read(void *cookie, char *buf, size_t n) {
    endless *e = cookie;
    size_t k = e->left < (long long)n ? (size_t)e->left : n;
    memset(buf, 'x', k);
    if (!e->started && k > 0)
        buf[0] = '"', e->started = 1;
    e->left -= (long long)k;
    return (ssize_t)k;
}

/* A 2 GB field, on one line or spread over many lines inside quotes, is refused once it
 * passes the cap: the reader never holds more than the cap plus one chunk. */
static void csv__huge_field_is_refused_not_buffered(void) {
    endless e = {2LL << 30, 0};
    FILE *fp = fopencookie(&e, "r", (cookie_io_functions_t){endless_read, NULL, NULL, NULL});
    lcm_err err = {0};
    CU_ASSERT_EQUAL(lcm_csv_read_stream(fp, "big.csv", collect_nothing, NULL, &err), LCM_PARSE);
    CU_ASSERT_STRING_EQUAL(err.msg, "big.csv:1:1: field longer than 16777216 bytes");
    CU_ASSERT(e.left > (2LL << 30) - (64LL << 20)); /* stopped early */
    fclose(fp);
    lcm_strbuf sb = LCM_STRBUF_INIT;
    lcm_strbuf_adds(&sb, "a,b\n1,\"");
    for (int i = 0; i < 2000; i++)
        lcm_strbuf_adds(&sb, "0123456789\n");
    lcm_strbuf_adds(&sb, "\"\n");
    fp = fmemopen(sb.buf, sb.len, "rb");
    lcm_csv_opts opts = {0, 1000, 0};
    CU_ASSERT_EQUAL(lcm_csv_read_opts(fp, "q.csv", &opts, collect_nothing, NULL, &err), LCM_PARSE);
    CU_ASSERT_STRING_EQUAL(err.msg, "q.csv:2:2: field longer than 1000 bytes");
    fclose(fp);
    lcm_strbuf_release(&sb);
}

static void csv__delimiter_option(void) {
    collected c = {LCM_STRBUF_INIT};
    lcm_csv_opts opts = {';', 0, 0};
    static const char data[] = "a;b\n1,5;\"x;y\"\n";
    FILE *fp = fmemopen((void *)data, strlen(data), "rb");
    CU_ASSERT_EQUAL(lcm_csv_read_opts(fp, "s.csv", &opts, collect, &c, NULL), LCM_OK);
    CU_ASSERT_STRING_EQUAL(c.text.buf, "1:a|b\n2:1,5|x;y\n");
    fclose(fp);
    lcm_strbuf_release(&c.text);
}

const lcmt_case lcmt_csvin_cases[] = {
    {"csv__huge_field_is_refused_not_buffered", csv__huge_field_is_refused_not_buffered},
    {"csv__delimiter_option", csv__delimiter_option},
    {"csv__rows_carry_their_starting_line", csv__rows_carry_their_starting_line},
    {"csv__bad_input_names_file_and_line", csv__bad_input_names_file_and_line},
    {"csv__callback_failure_stops_the_read", csv__callback_failure_stops_the_read},
    {"utf8__counts_characters_not_bytes", utf8__counts_characters_not_bytes},
    {"strbuf__grows_and_detaches", strbuf__grows_and_detaches},
    {NULL, NULL},
};
