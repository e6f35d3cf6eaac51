/*
 * serve_rate_form.c - the labels of the network application's fields for /rate (serve_rate.c),
 * kept apart because network.h and rating.h (through score.h) cannot share a file.
 */
#include "network.h"
#include "serve_int.h"

#include <stdlib.h>

struct lcm_net_form *lcm__app_form_load(void) {
    lcm_net_form *f = calloc(1, sizeof *f);
    if (f && lcm_net_form_load(lcm_datadir(), f, NULL) != LCM_OK) {
        free(f);
        f = NULL;
    }
    return f;
}

void lcm__app_form_free(struct lcm_net_form *f) {
    if (f)
        lcm_net_form_release(f);
    free(f);
}

const char *lcm__app_field_label(const struct lcm_net_form *f, const char *field, int en) {
    int k = f ? lcm_net_form_find(f, field) : -1;
    if (k < 0)
        return NULL;
    const char *label = en ? f->fields[k].label_en : f->fields[k].label_zh;
    return label && *label ? label : f->fields[k].label_zh;
}
