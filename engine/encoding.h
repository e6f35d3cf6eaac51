/*
 * encoding.h - getting outside text into lcmon as UTF-8.
 *
 * Files from 问卷星 or saved by Excel on a Chinese Windows are GBK/GB18030; everything
 * inside lcmon is UTF-8. An lcm_input opens a file and hands out a stream that yields
 * UTF-8 whatever the file holds: detection looks at the byte-order mark first, then
 * checks the whole file as strict UTF-8, then as GB18030 (a superset of GBK and GB2312),
 * and GB18030 is converted with iconv as it is read, in bounded chunks.
 *
 * One stray byte must not flip a whole file: text that is UTF-8 but for a few bytes (its
 * valid 3-4 byte characters outnumber the bad bytes, or its multi-byte characters
 * outnumber them three times; GB18030 text read as UTF-8 shows 0.01-0.04 and 0.2-0.35 per
 * bad byte) is UTF-8, and its first bad byte an error at file:line:column. Only text that
 * is not UTF-8-shaped is tried as GB18030. --encoding (LCM_ENC_UTF8, LCM_ENC_GB18030)
 * skips detection and reads as told. UTF-16, with a byte-order mark or without (NULs
 * between ASCII letters), is refused as such.
 */
#ifndef LCM_ENCODING_H
#define LCM_ENCODING_H

#include "csvin.h"
#include "error.h"

#include <stdio.h>

typedef enum lcm_encoding { LCM_ENC_AUTO, LCM_ENC_UTF8, LCM_ENC_GB18030 } lcm_encoding;

/* Parse "auto", "utf-8" (or "utf8") or "gb18030" (also "gbk", "gb2312", which it contains);
 * returns 0, or -1 for anything else. */
int lcm_encoding_parse(const char *s, lcm_encoding *out);
/* "auto", "utf-8" or "gb18030"; static string. */
const char *lcm_encoding_name(lcm_encoding enc);

/* Work out the encoding of the file at path: BOM, else strict UTF-8 over the whole file,
 * else (unless the file is UTF-8 but for a few bytes: an error at the first of them)
 * GB18030 over the whole file. A file that is neither is an error naming the first
 * line:column where UTF-8 fails and the one where GB18030 fails. Reads the file, keeps
 * nothing: memory does not grow with the file. */
lcm_status lcm_encoding_detect(const char *path, lcm_encoding *out, lcm_err *err);

typedef struct lcm_input lcm_input;

/* Open path for reading as UTF-8 text. enc AUTO detects (see above) first. A UTF-16 file,
 * or a BOM that contradicts enc, is refused. *out is the caller's, for lcm_input_close. */
lcm_status lcm_input_open(const char *path, lcm_encoding enc, lcm_input **out, lcm_err *err);
/* The UTF-8 stream, borrowed: valid until lcm_input_close. */
FILE *lcm_input_stream(lcm_input *in);
/* The encoding the file was read as (never AUTO). */
lcm_encoding lcm_input_encoding(const lcm_input *in);
/* Bytes of the file consumed so far and its size (for a progress bar). */
void lcm_input_progress(const lcm_input *in, long long *done, long long *total);
/* Read the input as CSV through csvin; a conversion failure is reported with its
 * file:line:column rather than as a read error. */
lcm_status lcm_input_read_csv(lcm_input *in, const lcm_csv_opts *opts, lcm_csv_row_fn fn, void *ud,
                              lcm_err *err);
/* Close; NULL is accepted. */
void lcm_input_close(lcm_input *in);

#endif
