/*
 * fuzz_rate_web.c - libFuzzer target for what /rate of `lcmon serve` reads from a request
 * (engine/serve_rate.c): the input's first line is the path (/rate/CITY/YEAR/POINT), the rest a
 * form-urlencoded body (level, score, evidence, comment). The path parses to bounded parts or
 * not at all; the fields go through the same checks as the page (lcm_rating_level_parse,
 * lcm__rate_parse_score, lcm_rating_check_score, lcm_rating_check_evidence) and then
 * lcm_rating_record, on an in-memory database made once (甲市 1101, its 2024 statistic 2.1.1,
 * 2.3.1 assigned to reviewer fz). The record is stored exactly when the checks pass, and then
 * reads back as posted; a refused one leaves the ratings unchanged.
 */
#include "rating.h"
#include "serve_int.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static lcm_db *db;
static const lcm_rating_cell cell = {"1101", 2024, "2.3.1"};

static void setup(void) {
    const char *rev[] = {"fz"};
    lcm_err err = {0};
    if (lcm_db_open(":memory:", LCM_OPEN_CREATE, &db, &err) != LCM_OK ||
        lcm_framework_load(db, lcm_datadir(), &err) != LCM_OK ||
        sqlite3_exec(lcm_db_sqlite(db),
                     "INSERT INTO provinces(code, name, region3, region4) VALUES"
                     " ('11', 'P11', 'east', 'east');"
                     "INSERT INTO cities(code, name, province_code, tier) VALUES"
                     " ('1101', '甲市', '11', 'prefecture');"
                     "INSERT INTO indicator_values(city_code, year, indicator_code, value, source)"
                     " VALUES ('1101', 2024, '2.1.1', 1, 'fuzz')",
                     NULL, NULL, NULL) != SQLITE_OK ||
        lcm_rating_assign(db, &cell, rev, 1, &err) != LCM_OK) {
        fprintf(stderr, "fuzz_rate_web: %s\n",
                err.msg[0] ? err.msg : sqlite3_errmsg(lcm_db_sqlite(db)));
        abort();
    }
}

static long long nratings(void) {
    sqlite3_stmt *st = NULL;
    long long n = -1;
    if (sqlite3_prepare_v2(lcm_db_sqlite(db), "SELECT count(*) FROM ratings", -1, &st, NULL) ==
            SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static int ready;
    if (!ready) {
        setup();
        ready = 1;
    }
    const uint8_t *nl = memchr(data, '\n', size);
    size_t plen = nl ? (size_t)(nl - data) : size;
    char *path = malloc(plen + 1);
    if (!path)
        abort();
    memcpy(path, data, plen);
    path[plen] = '\0';
    char city[16], point[16];
    int year = 0;
    if (lcm__rate_parse_path(path, city, &year, point)) {
        if (!*city || strlen(city) > 15 || !*point || strlen(point) > 15 || year < 0 || year > 9999)
            abort();
        for (const char *c = city; *c; c++)
            if (!isalnum((unsigned char)*c))
                abort();
    }
    free(path);
    lcm_serve_form f;
    const char *body = nl ? (const char *)nl + 1 : "";
    size_t blen = nl ? size - plen - 1 : 0;
    if (lcm_serve_form_decode(body, blen, &f, NULL) != LCM_OK)
        return 0;
    const char *lv = lcm_serve_form_get(&f, "level"), *sc = lcm_serve_form_get(&f, "score");
    const char *ev = lcm_serve_form_get(&f, "evidence"), *cm = lcm_serve_form_get(&f, "comment");
    int level = lv ? lcm_rating_level_parse(lv) : 0;
    double score = NAN;
    if (!lcm__rate_parse_score(sc, &score)) { /* refused by the page before the engine */
        lcm_serve_form_free(&f);
        return 0;
    }
    if (!isnan(score) && !isfinite(score))
        abort();
    int ok = level >= 1 && level <= LCM_RATING_NLEVEL;
    if (ok && lcm_rating_check_score(level, &score, NULL) != LCM_OK)
        ok = 0;
    if (ok && (score < 0 || score > 100 || lcm_rating_level_of(score) != level))
        abort(); /* a score the check let through must lie in the level's band */
    if (ok && lcm_rating_check_evidence(db, &cell, ev, NULL) != LCM_OK)
        ok = 0;
    long long before = nratings();
    lcm_rating_entry e = {"fz", level, score, ev, cm};
    lcm_status st = lcm_rating_record(db, &cell, &e, NULL);
    if ((st == LCM_OK) != ok)
        abort(); /* the page's checks and the engine's agree */
    if (st == LCM_OK) {
        lcm_rating_view v;
        if (lcm_rating_view_as(db, &cell, "fz", &v, NULL) != LCM_OK || v.n != 1 ||
            v.row[0].level != level || v.row[0].score != score ||
            strcmp(v.row[0].evidence, ev) != 0 || ((cm != NULL) != (v.row[0].comment != NULL)) ||
            (cm && strcmp(cm, v.row[0].comment) != 0))
            abort();
        lcm_rating_view_free(&v);
    } else if (nratings() != before)
        abort();
    lcm_serve_form_free(&f);
    return 0;
}
