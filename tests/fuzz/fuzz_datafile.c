/*
 * fuzz_datafile.c - libFuzzer target for the data files read with a form: the input, split
 * at the first form feed, is a select_one_from_file list (places.csv, read with a fixed
 * survey from a folder, as `lcmon form check DIR` reads it) and a crosswalk.csv (checked as
 * `lcmon estimate` reads it across versions). Every problem must name a file.
 */
#include "crosswalk.h"
#include "form.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

static void put(const char *name, const char *text) {
    char p[128];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *fp = fopen(p, "wb");
    if (!fp || fwrite(text, 1, strlen(text), fp) != strlen(text))
        abort();
    fclose(fp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/fuzz_datafile.%ld", (long)getpid());
        mkdir(dir, 0700);
        put("survey.csv", "type,name,label,choice_filter\ntext,c,City,\n"
                          "select_one_from_file places.csv,p,Place,c = ${c}\n");
        put("settings.csv", "form_id,version\nfuzz,1\n");
    }
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char *xwalk = strchr(text, '\f');
    if (xwalk)
        *xwalk++ = '\0';
    put("places.csv", text);
    lcm_form *f = NULL;
    char **problems = NULL;
    lcm_err err = {0};
    lcm_form_check_dir(dir, &f, &problems, &err);
    for (size_t i = 0; problems && problems[i]; i++)
        if (!strstr(problems[i], ".csv") && strncmp(problems[i], "…", 3) != 0)
            __builtin_trap(); /* every problem names its file */
    lcm_form_problems_free(problems);
    lcm_form_free(f);
    if (xwalk && lcm_xwalk_check(xwalk, &err) != LCM_OK && !strstr(err.msg, "crosswalk.csv"))
        __builtin_trap();
    free(text);
    return 0;
}
