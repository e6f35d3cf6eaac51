/*
 * network_attach.c - the evidence of an application (附件2 part 四: PDF texts and photos),
 * kept in the database with its SHA-256, type and size, so that the province and the
 * ministry see what the city sent and the register does not depend on files lying about.
 *
 * The type is judged by the file's first bytes only (PDF, JPEG, PNG: what a browser shows
 * and what the form asks for), never by its name or by what a browser says it is. The
 * name a file is kept under is made by lcmon from its kind, hash and type: nothing a user
 * typed becomes a name, and the same file attached twice is one row.
 */
#include "field.h"
#include "network.h"
#include "network_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int starts(const unsigned char *b, size_t n, const char *magic, size_t m) {
    return n >= m && memcmp(b, magic, m) == 0;
}

const char *lcm_net_sniff(const void *data, size_t n, const char **ext) {
    const unsigned char *b = data;
    const char *mime = NULL, *e = NULL;
    if (starts(b, n, "%PDF-", 5))
        mime = "application/pdf", e = "pdf";
    else if (starts(b, n, "\xff\xd8\xff", 3))
        mime = "image/jpeg", e = "jpg";
    else if (starts(b, n, "\x89PNG\r\n\x1a\n", 8))
        mime = "image/png", e = "png";
    if (ext)
        *ext = e;
    return mime;
}

int lcm__net_attachment_kind(lcm_db *db, const char *city, const char *name, char kind[12]) {
    sqlite3_stmt *st = NULL;
    int found = 0;
    kind[0] = '\0';
    if (lcm_db_prepare(db,
                       "SELECT kind FROM network_attachments WHERE city_code = ?1 AND name = ?2",
                       &st, NULL) != LCM_OK)
        return 0;
    sqlite3_bind_text(st, 1, city, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        snprintf(kind, 12, "%s", (const char *)sqlite3_column_text(st, 0));
        found = 1;
    }
    sqlite3_finalize(st);
    return found;
}

/* Refusals that need no database: size and type against the kind asked for. Sets *kind
 * to the kind the content gives when none was asked. */
static int refuse_file(const void *data, size_t n, const char **kind, const char *source,
                       const char **mime, const char **ext, lcm_net_problems *pr) {
    *mime = lcm_net_sniff(data, n, ext);
    if (n == 0) {
        lcm_net_problem_add(pr, 0, source, L(pr, "empty file", "文件是空的"));
        return 1;
    }
    if (n > LCM_NET_ATTACH_MAX) {
        lcm_net_problem_add(pr, 0, source,
                            L(pr, "too large: %zu bytes, at most %u (10 MB)",
                              "文件过大：%zu字节，不得超过%u字节（10MB）"),
                            n, LCM_NET_ATTACH_MAX);
        return 1;
    }
    int pdf = *mime && strcmp(*mime, "application/pdf") == 0;
    if (!*mime) {
        lcm_net_problem_add(
            pr, 0, source,
            L(pr, "not a PDF, JPEG or PNG file inside", "文件内容不是PDF、JPEG或PNG格式"));
        return 1;
    }
    if (!*kind) {
        *kind = pdf ? "evidence" : "photo";
    } else if (strcmp(*kind, "evidence") == 0 && !pdf) {
        lcm_net_problem_add(pr, 0, source,
                            L(pr, "text material must be a PDF file: this one is %s",
                              "文本材料须为PDF文件：该文件为%s"),
                            *mime);
        return 1;
    } else if (strcmp(*kind, "photo") == 0 && pdf) {
        lcm_net_problem_add(pr, 0, source,
                            L(pr, "a photo must be a JPEG or PNG image: this one is a PDF",
                              "照片须为JPEG或PNG图片：该文件为PDF"));
        return 1;
    } else if (strcmp(*kind, "evidence") != 0 && strcmp(*kind, "photo") != 0) {
        lcm_net_problem_add(pr, 0, source,
                            L(pr, "unknown kind of attachment %s (evidence or photo)",
                              "未知的材料类别%s（应为evidence或photo）"),
                            *kind);
        return 1;
    }
    return 0;
}

static lcm_status store(lcm_db *db, const char *city, const char *kind, const char *name,
                        const char *mime, const char *sha, const void *data, size_t n,
                        lcm_err *err) {
    sqlite3_stmt *st = NULL;
    lcm_status rc =
        lcm_db_prepare(db,
                       "INSERT OR IGNORE INTO network_attachments(city_code, kind, name, mime,"
                       " size, sha256, data, uploaded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
                       " strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
                       &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, city, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, mime, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)n);
    sqlite3_bind_text(st, 6, sha, -1, SQLITE_STATIC);
    sqlite3_bind_blob64(st, 7, data, n, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = lcm_db_fail(db, err, "storing the attachment");
    sqlite3_finalize(st);
    return rc;
}

lcm_status lcm_net_attach(lcm_db *db, const char *city, const char *kind, const void *data,
                          size_t n, const char *source, char name[LCM_NET_ATTACH_NAME],
                          lcm_net_problems *problems, lcm_err *err) {
    const char *mime = NULL, *ext = NULL;
    char status[16], sha[65], code[LCM_NET_CITY_CODE];
    int own = 0;
    name[0] = '\0';
    lcm_status rc = lcm_net_city_code(db, city, code, err);
    if (rc != LCM_OK)
        return rc;
    if (refuse_file(data, n, &kind, source, &mime, &ext, problems))
        return problems->oom ? lcm_err_set(err, LCM_NOMEM, "out of memory") : LCM_CONSTRAINT;
    if ((rc = lcm__net_tx_begin(db, &own, err)) != LCM_OK)
        return rc;
    rc = lcm__net_member_status(db, code, status, err);
    if (rc == LCM_OK && status[0] && strcmp(status, "returned") != 0) {
        lcm_net_problem_add(problems, 0, source,
                            L(problems,
                              "the application of %s cannot change now: its status is %s "
                              "(attach before applying, or after it is returned for revision)",
                              "%s的申请当前不能修改：状态为%s（须在申请前或退回修改后上传材料）"),
                            code, lcm_net_label(status, problems->lang));
        rc = LCM_CONSTRAINT;
    }
    if (rc == LCM_OK) {
        lcm_field_sha256_hex(data, n, sha);
        snprintf(name, LCM_NET_ATTACH_NAME, "%s-%.16s.%s", kind, sha, ext);
        if ((rc = lcm__net_add_county_city(db, code, err)) == LCM_OK)
            rc = store(db, code, kind, name, mime, sha, data, n, err);
    }
    rc = lcm__net_tx_end(db, own, rc, err);
    if (rc != LCM_OK)
        name[0] = '\0';
    return rc;
}

static void read_meta(sqlite3_stmt *st, lcm_net_attachment *a) {
    memset(a, 0, sizeof *a);
    snprintf(a->city, sizeof a->city, "%s", (const char *)sqlite3_column_text(st, 0));
    snprintf(a->kind, sizeof a->kind, "%s", (const char *)sqlite3_column_text(st, 1));
    snprintf(a->name, sizeof a->name, "%s", (const char *)sqlite3_column_text(st, 2));
    snprintf(a->mime, sizeof a->mime, "%s", (const char *)sqlite3_column_text(st, 3));
    a->size = sqlite3_column_int64(st, 4);
    snprintf(a->sha256, sizeof a->sha256, "%s", (const char *)sqlite3_column_text(st, 5));
    snprintf(a->uploaded_at, sizeof a->uploaded_at, "%s", (const char *)sqlite3_column_text(st, 6));
}

#define META_COLS "city_code, kind, name, mime, size, sha256, uploaded_at"

lcm_status lcm_net_attachments(lcm_db *db, const char *city, lcm_net_attachment **out, size_t *n,
                               lcm_err *err) {
    sqlite3_stmt *st = NULL;
    *out = NULL, *n = 0;
    size_t cap = 0;
    lcm_status rc = lcm_db_prepare(db,
                                   "SELECT " META_COLS " FROM network_attachments"
                                   " WHERE city_code = ?1 ORDER BY id",
                                   &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, city, -1, SQLITE_STATIC);
    int step;
    while (rc == LCM_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            size_t c = cap ? cap * 2 : 8;
            lcm_net_attachment *a = realloc(*out, c * sizeof *a);
            if (!a) {
                rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
                break;
            }
            *out = a, cap = c;
        }
        read_meta(st, &(*out)[(*n)++]);
    }
    if (rc == LCM_OK && step != SQLITE_DONE)
        rc = lcm_db_fail(db, err, "reading the attachments");
    sqlite3_finalize(st);
    if (rc != LCM_OK) {
        free(*out);
        *out = NULL, *n = 0;
    }
    return rc;
}

lcm_status lcm_net_attachment_get(lcm_db *db, const char *city, const char *name,
                                  lcm_net_attachment *meta, unsigned char **data, size_t *n,
                                  lcm_err *err) {
    sqlite3_stmt *st = NULL;
    *data = NULL, *n = 0;
    lcm_status rc = lcm_db_prepare(db,
                                   "SELECT " META_COLS ", data FROM network_attachments"
                                   " WHERE city_code = ?1 AND name = ?2",
                                   &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, city, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        read_meta(st, meta);
        size_t len = (size_t)sqlite3_column_bytes(st, 7);
        const void *blob = sqlite3_column_blob(st, 7);
        if (!(*data = malloc(len ? len : 1)))
            rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
        else {
            if (len)
                memcpy(*data, blob, len);
            *n = len;
        }
    } else if (step == SQLITE_DONE) {
        rc = lcm_err_set(err, LCM_NOTFOUND, "no attachment '%s' of city %s", name, city);
    } else {
        rc = lcm_db_fail(db, err, "reading the attachment");
    }
    sqlite3_finalize(st);
    return rc;
}
