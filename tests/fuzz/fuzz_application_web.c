/*
 * fuzz_application_web.c - libFuzzer target for the application as the web form posts it
 * (/apply: name/value pairs checked by lcm_net_check_pairs). The input is the form body's
 * decoded pairs, one "name=value" a line (a value's line breaks as "\\n" stay literal); the
 * pairs are checked against the shipped form, the reference cities and the attachments of
 * an in-memory database made once. Whatever is posted, the check answers LCM_OK,
 * LCM_CONSTRAINT (problems listed) or an error that says why, and never reads a file.
 */
#include "network.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static lcm_db *db;
static lcm_net_form form;

static void setup(void) {
    char name[LCM_NET_ATTACH_NAME];
    lcm_net_problems pr;
    lcm_net_problems_init(&pr, LCM_NET_ZH);
    static const char pdf[] = "%PDF-1.4\n%%EOF\n";
    if (lcm_db_open(":memory:", LCM_OPEN_CREATE, &db, NULL) != LCM_OK ||
        lcm_reference_load(db, lcm_datadir(), NULL, NULL) != LCM_OK ||
        lcm_net_form_load(lcm_datadir(), &form, NULL) != LCM_OK ||
        lcm_net_attach(db, "4401", NULL, pdf, sizeof pdf - 1, "fuzz", name, &pr, NULL) != LCM_OK)
        abort();
    lcm_net_problems_release(&pr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static int ready;
    if (!ready) {
        setup();
        ready = 1;
    }
    char *text = malloc(size + 1);
    const char **pairs = calloc(2 * (size + 1), sizeof *pairs);
    if (!text || !pairs)
        abort();
    memcpy(text, data, size);
    text[size] = '\0';
    size_t n = 0;
    for (char *line = text, *next; line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        char *eq = strchr(line, '=');
        if (!eq)
            continue;
        *eq = '\0';
        pairs[2 * n] = line, pairs[2 * n + 1] = eq + 1, n++;
    }
    lcm_net_application app = {0};
    lcm_net_problems problems;
    lcm_net_problems_init(&problems, (size & 1) ? LCM_NET_EN : LCM_NET_ZH);
    lcm_err err = {0};
    lcm_status st = lcm_net_check_pairs(db, &form, "fuzz", pairs, n, &app, &problems, &err);
    if (st != LCM_OK && st != LCM_CONSTRAINT && !err.msg[0])
        __builtin_trap(); /* a refusal says why */
    lcm_net_problems_release(&problems);
    lcm_net_application_release(&app);
    free(pairs);
    free(text);
    return 0;
}
