/*
 * fuzz_form.c - libFuzzer target for the XLSForm reader: the input is split at the first
 * two form feeds into survey.csv, choices.csv and settings.csv (missing parts get small
 * valid defaults). Every problem reported must name its file; a form that reads is then
 * given one empty instance with a row in each repeat, finished as a draft, to run its
 * expressions once.
 */
#include "form.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char default_choices[] = "list_name,name,label\nyn,1,yes\nyn,0,no\n";
static const char default_settings[] = "form_id,version\nfuzz,1\n";

static void run(const char *survey, const char *choices, const char *settings) {
    lcm_form *f = NULL;
    lcm_instance *in = NULL;
    lcm_err err = {0};
    char **problems = NULL;
    lcm_status st = lcm_form_check_texts(survey, choices, settings, &f, &problems, &err);
    for (size_t i = 0; problems && problems[i]; i++)
        if (strncmp(problems[i], "survey.csv", 10) != 0 &&
            strncmp(problems[i], "choices.csv", 11) != 0 &&
            strncmp(problems[i], "settings.csv", 12) != 0 && strncmp(problems[i], "…", 3) != 0)
            __builtin_trap(); /* every problem names its file */
    lcm_form_problems_free(problems);
    if (st == LCM_OK && lcm_instance_new(f, &in, &err) == LCM_OK) {
        for (size_t i = 0; i < lcm_form_nfields(f); i++)
            if (lcm_form_field(f, i)->type == LCM_FT_BEGIN_REPEAT) {
                long pos;
                lcm_instance_add_row(in, (int)i, &pos, &err);
            }
        lcm_instance_finish(in, 0, &err);
        lcm_instance_draft(in, &err);
    }
    lcm_instance_free(in);
    lcm_form_free(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char *choices = strchr(text, '\f'), *settings = NULL;
    if (choices) {
        *choices++ = '\0';
        if ((settings = strchr(choices, '\f')) != NULL)
            *settings++ = '\0';
    }
    run(text, choices ? choices : default_choices, settings ? settings : default_settings);
    free(text);
    return 0;
}
