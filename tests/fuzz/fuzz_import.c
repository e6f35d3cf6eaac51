/*
 * fuzz_import.c - libFuzzer target for the CSV import path: encoding detection and
 * GB18030 conversion, csvin, header mapping and cell checks of every importer.
 * The first byte of the input picks the importer (bits 0-2: stats, ratings, facilities,
 * dataset, responses to the household form; 5 honours), the delimiter (bits 3-4), the responses
 * format (bits 5-6) and --replace (bit 7); the rest is the file. The database
 * is made once, in memory, with the reference data and the household questionnaire.
 */
#include "dataset.h"
#include "form.h"
#include "import.h"
#include "import_resp.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static lcm_db *db;
static char path[64];

static int setup(void) {
    char dir[4096];
    lcm_form *f = NULL;
    snprintf(path, sizeof path, "/tmp/fuzz_import.%ld.csv", (long)getpid());
    snprintf(dir, sizeof dir, "%s/household", lcm_datadir());
    if (lcm_db_open(":memory:", LCM_OPEN_CREATE, &db, NULL) != LCM_OK ||
        lcm_reference_load(db, lcm_datadir(), NULL, NULL) != LCM_OK ||
        lcm_form_read_dir(dir, &f, NULL) != LCM_OK || lcm_form_store(db, f, NULL, NULL) != LCM_OK)
        abort();
    lcm_form_free(f);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static int ready;
    if (!ready)
        ready = !setup();
    if (size < 1)
        return 0;
    FILE *fp = fopen(path, "wb");
    if (!fp || fwrite(data + 1, 1, size - 1, fp) != size - 1)
        abort();
    fclose(fp);
    static const unsigned char delims[] = {0, ';', '\t', '|'};
    lcm_import_opts o = {LCM_ENC_AUTO, delims[data[0] >> 3 & 3], 5, data[0] >> 7, 0, NULL, NULL};
    lcm_resp_opts r = {.base = o,
                       .form_id = "household",
                       .wave = 2024,
                       .format = (lcm_resp_format)(data[0] >> 5 & 3)};
    lcm_import_result res;
    lcm_dataset_report rep;
    lcm_err err;
    if ((data[0] & 7) == 5) {
        lcm_import_honours(db, path, &o, &res, &err);
        return 0;
    }
    switch ((data[0] & 7) % 5) {
    case 0:
        lcm_import_stats(db, path, &o, &res, &err);
        break;
    case 1:
        lcm_import_ratings(db, path, &o, &res, &err);
        break;
    case 2:
        lcm_import_facilities(db, path, &o, &res, &err);
        break;
    case 3:
        o.replace = 1;
        lcm_dataset_import(db, path, "fz", &o, &rep, &res, &err);
        lcm_dataset_report_free(&rep);
        break;
    default:
        lcm_import_responses(db, path, &r, &res, NULL, &err);
    }
    lcm_import_result_free(&res);
    unlink(path);
    return 0;
}
