/*
 * fuzz_application.c - libFuzzer target for a city's application to the network
 * (`lcmon network check FILE`, CSV field,value[,note]): the input is the file. It is read
 * and checked against the shipped application form and the reference cities of an
 * in-memory database made once; a file that cannot be read at all must say why.
 */
#include "network.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static lcm_db *db;
static lcm_net_form form;
static char path[64];

static void setup(void) {
    snprintf(path, sizeof path, "/tmp/fuzz_application.%ld.csv", (long)getpid());
    if (lcm_db_open(":memory:", LCM_OPEN_CREATE, &db, NULL) != LCM_OK ||
        lcm_reference_load(db, lcm_datadir(), NULL, NULL) != LCM_OK ||
        lcm_net_form_load(lcm_datadir(), &form, NULL) != LCM_OK)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static int ready;
    if (!ready) {
        setup();
        ready = 1;
    }
    FILE *fp = fopen(path, "wb");
    if (!fp || fwrite(data, 1, size, fp) != size)
        abort();
    fclose(fp);
    lcm_net_application app = {0};
    lcm_net_problems problems;
    lcm_net_problems_init(&problems, (size & 1) ? LCM_NET_EN : LCM_NET_ZH);
    lcm_err err = {0};
    lcm_status st = lcm_net_check(db, &form, path, &app, &problems, &err);
    if (st != LCM_OK && st != LCM_CONSTRAINT && !err.msg[0])
        __builtin_trap(); /* an unreadable file says why */
    lcm_net_problems_release(&problems);
    lcm_net_application_release(&app);
    unlink(path);
    return 0;
}
