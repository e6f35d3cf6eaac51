/*
 * fuzz_assign.c - libFuzzer target for interviewers' sample lists (`lcmon serve assign`,
 * lcm_field_assign_csv): the input is the CSV file. An in-memory database holds one city
 * with one county and one township (3 residents' and 2 village committees), a campaign and
 * an interviewer. Every problem must name the file; a list that loads stores exactly the
 * rows it says, each with a community of that township, and is removed for the next input.
 */
#include "field.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static lcm_db *db;
static long long campaign, interviewer;
static char path[64];

static void setup(void) {
    if (lcm_db_open(":memory:", LCM_OPEN_CREATE, &db, NULL) != LCM_OK)
        __builtin_trap();
    if (lcm_db_exec(db,
                    "INSERT INTO provinces VALUES ('11', '北京市', 'east', 'east', 'Beijing');"
                    "INSERT INTO cities(code, name, province_code, tier) VALUES ('1100', "
                    "'北京市', '11', 'municipality');"
                    "INSERT INTO admin_units(code, name, level, city_code, province_code) "
                    "VALUES ('110101', '东城区', 'county', '1100', '11');"
                    "INSERT INTO admin_units(code, name, level, parent_code, city_code, "
                    "province_code, residents_committees, village_committees) VALUES "
                    "('110101001', '东华门街道', 'township', '110101', '1100', '11', 3, 2);"
                    "INSERT INTO forms(form_id, version, digest, table_name, definition) "
                    "VALUES ('household', '1', 'x', 'resp_household_1', '');"
                    "INSERT INTO field_campaigns(slug, form_id, form_version, city_code, wave, "
                    "mode) VALUES ('c', 'household', '1', '1100', 2026, 'open');"
                    "INSERT INTO field_interviewers(name, token_hash) VALUES ('i', 'h');",
                    NULL) != LCM_OK)
        __builtin_trap();
    campaign = 1, interviewer = 1;
    snprintf(path, sizeof path, "/tmp/fuzz_assign_%ld.csv", (long)getpid());
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!db)
        setup();
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return 0;
    fwrite(data, 1, size, fp);
    fclose(fp);
    lcm_err err = {0};
    long n = -1;
    lcm_status st = lcm_field_assign_csv(db, campaign, interviewer, path, &n, &err);
    sqlite3 *h = lcm_db_sqlite(db);
    sqlite3_stmt *q = NULL;
    long stored = -1, outside = -1;
    sqlite3_prepare_v2(h,
                       "SELECT count(*), sum(substr(community, 1, 9) <> '110101001') FROM "
                       "field_assignments",
                       -1, &q, NULL);
    if (q && sqlite3_step(q) == SQLITE_ROW)
        stored = sqlite3_column_int(q, 0), outside = sqlite3_column_int(q, 1);
    sqlite3_finalize(q);
    if (st == LCM_OK) {
        if (n < 1 || stored != n || outside != 0)
            __builtin_trap();
    } else {
        if (stored != 0 || n != 0) /* a refused list leaves nothing */
            __builtin_trap();
        if (st != LCM_NOMEM && !strstr(err.msg, path))
            __builtin_trap(); /* every problem names the file */
    }
    lcm_db_exec(db, "DELETE FROM field_assignments", NULL);
    remove(path);
    return 0;
}
