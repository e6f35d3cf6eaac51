/*
 * serve_upload.c - files answered to image, audio, video and file questions of the web
 * form. The type is read from the file's first bytes (its magic number), never from the
 * name or the Content-Type the browser sent; a type the question does not take is refused
 * beside it. A file is kept in the database (serve_uploads) under a name lcmon makes from
 * its SHA-256 and type, and that name is the answer, as ODK's answer is the file's name.
 * Nothing here touches the file system.
 */
#include "field.h"
#include "serve_int.h"

#include <sqlite3.h>
#include <string.h>

static int starts(const unsigned char *b, size_t n, size_t at, const char *magic, size_t m) {
    return n >= at + m && memcmp(b + at, magic, m) == 0;
}

const char *lcm_serve_sniff(const void *data, size_t n, const char **ext) {
    const unsigned char *b = data;
    const char *mime = NULL, *e = NULL;
    if (starts(b, n, 0, "\xff\xd8\xff", 3))
        mime = "image/jpeg", e = "jpg";
    else if (starts(b, n, 0, "\x89PNG\r\n\x1a\n", 8))
        mime = "image/png", e = "png";
    else if (starts(b, n, 0, "RIFF", 4) && starts(b, n, 8, "WEBP", 4))
        mime = "image/webp", e = "webp";
    else if (starts(b, n, 0, "%PDF-", 5))
        mime = "application/pdf", e = "pdf";
    else if (starts(b, n, 4, "ftyp", 4) && n >= 12)
        mime = starts(b, n, 8, "M4A ", 4) ? "audio/mp4" : "video/mp4",
        e = starts(b, n, 8, "M4A ", 4) ? "m4a" : "mp4";
    else if (starts(b, n, 0, "\x1a\x45\xdf\xa3", 4))
        mime = "video/webm", e = "webm";
    else if (starts(b, n, 0, "ID3", 3) || (n >= 2 && b[0] == 0xff && (b[1] & 0xe6) == 0xe2))
        mime = "audio/mpeg", e = "mp3"; /* an MPEG-1/2 layer III frame header */
    if (ext)
        *ext = e;
    return mime;
}

int lcm_serve_upload_allowed(const char *media_type, const char *mime) {
    if (!mime || !media_type)
        return 0;
    if (strcmp(media_type, "image") == 0)
        return strncmp(mime, "image/", 6) == 0;
    if (strcmp(media_type, "audio") == 0)
        return strncmp(mime, "audio/", 6) == 0;
    if (strcmp(media_type, "video") == 0)
        return strncmp(mime, "video/", 6) == 0;
    return strcmp(media_type, "file") == 0; /* any type lcmon recognises */
}

lcm__file *lcm__upload_find(const lcm__req *r, const char *name) {
    for (size_t i = 0; i < r->nfiles; i++)
        if (strcmp(r->files[i].name, name) == 0)
            return &r->files[i];
    return NULL;
}

lcm_status lcm__upload_store(lcm__req *r, const char *instance_id, const char *field, long row,
                             const lcm__file *f, lcm_err *err) {
    sqlite3 *h = lcm_db_sqlite(r->db);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(
        h,
        "INSERT OR REPLACE INTO serve_uploads (instance_id, field, row, name, mime, size, "
        "sha256, data, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
        "strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
        -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, instance_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, field, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, row);
        sqlite3_bind_text(st, 4, f->stored, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, f->mime, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 6, (sqlite3_int64)f->len);
        sqlite3_bind_text(st, 7, f->sha256, -1, SQLITE_STATIC);
        sqlite3_bind_blob64(st, 8, f->data ? (const void *)f->data : "", f->len, SQLITE_STATIC);
        rc = sqlite3_step(st);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE && rc != SQLITE_OK)
        return lcm_err_set(err, LCM_DB, "storing the file of '%s': %s", field, sqlite3_errmsg(h));
    return LCM_OK;
}
