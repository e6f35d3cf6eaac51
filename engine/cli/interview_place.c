/*
 * interview_place.c - places chosen by name in the terminal interview (interview_place.h).
 */
#include "interview_place.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Index of the first field of f that holds level k's code: the city column or a city
 * reference, a county or township reference; -1 when none. */
static int level_field(const lcm_form *f, lcm_field_level k) {
    for (size_t i = 0; i < lcm_form_nfields(f); i++) {
        const lcm_field *fd = lcm_form_field(f, i);
        if (fd->repeat >= 0)
            continue;
        if ((k == LCM_PLACE_CITY &&
             (fd->reference == LCM_REF_CITY || (fd->column && strcmp(fd->column, "city") == 0))) ||
            (k == LCM_PLACE_COUNTY && fd->reference == LCM_REF_COUNTY) ||
            (k == LCM_PLACE_TOWNSHIP && fd->reference == LCM_REF_TOWNSHIP))
            return (int)i;
    }
    return -1;
}

int cli_place_for(lcm_db *db, const lcm_form *f, const lcm_instance *in, int field, long row,
                  int en, cli_place *pp) {
    memset(pp, 0, sizeof *pp);
    const lcm_field *fd = lcm_form_field(f, (size_t)field);
    if (row != 0 || fd->type != LCM_FT_TEXT)
        return 0;
    const char *parent = NULL;
    if (field == level_field(f, LCM_PLACE_CITY)) {
        pp->level = LCM_PLACE_CITY;
    } else if (fd->reference == LCM_REF_COUNTY) {
        int up = level_field(f, LCM_PLACE_CITY);
        pp->level = LCM_PLACE_COUNTY;
        parent = up >= 0 ? lcm_instance_get(in, up, 0) : lcm_instance_meta(in, "city");
        if ((!parent || !*parent) && lcm_instance_meta(in, "city"))
            parent = lcm_instance_meta(in, "city");
    } else if (fd->reference == LCM_REF_TOWNSHIP) {
        int up = level_field(f, LCM_PLACE_COUNTY);
        pp->level = LCM_PLACE_TOWNSHIP;
        parent = up >= 0 ? lcm_instance_get(in, up, 0) : NULL;
    } else if (fd->column && strcmp(fd->column, "psu") == 0 &&
               level_field(f, LCM_PLACE_TOWNSHIP) >= 0) {
        pp->level = LCM_PLACE_COMMUNITY;
        parent = lcm_instance_get(in, level_field(f, LCM_PLACE_TOWNSHIP), 0);
    } else {
        return 0;
    }
    if (pp->level != LCM_PLACE_CITY && (!parent || !*parent))
        return 0;
    if (lcm_field_places(db, pp->level, parent, &pp->list, &pp->n, NULL) != LCM_OK || pp->n == 0) {
        cli_place_release(pp);
        return 0;
    }
    pp->en = en;
    return 1;
}

void cli_place_release(cli_place *pp) {
    free(pp->list);
    memset(pp, 0, sizeof *pp);
}

static const char *name_of(const cli_place *pp, const lcm_field_place *p) {
    return pp->en && *p->name_en ? p->name_en : p->name;
}

void cli_place_show(const cli_place *pp, FILE *out) {
    if (pp->n <= CLI_PLACE_LIST_MAX) {
        for (size_t k = 0; k < pp->n; k++)
            fprintf(out, "\n  %2zu  %s", k + 1, name_of(pp, &pp->list[k]));
        fprintf(out, "\n  %s",
                pp->en ? "(type a number, a name or part of one; a code is taken as well)"
                       : "（输入编号或名称，也可输入名称的一部分或代码）");
    } else {
        fprintf(out, "\n  %s",
                pp->en ? "(type the name or part of it; a code is taken as well)"
                       : "（输入名称或名称的一部分，也可输入代码）");
    }
}

const char *cli_place_name(const cli_place *pp, const char *code) {
    for (size_t k = 0; code && *code && k < pp->n; k++)
        if (strcmp(pp->list[k].code, code) == 0)
            return name_of(pp, &pp->list[k]);
    return code;
}

static int all_digits(const char *s) {
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return 0;
    return 1;
}

/* Does name contain part (ASCII compared without case, for English names)? */
static int contains(const char *name, const char *part) {
    size_t n = strlen(part);
    for (const char *p = name; *p; p++)
        if (strncasecmp(p, part, n) == 0)
            return 1;
    return 0;
}

const char *cli_place_resolve(const cli_place *pp, const char *input, FILE *out) {
    if (!*input || strcmp(input, "<") == 0)
        return input;
    if (all_digits(input)) {
        size_t len = strlen(input);
        if (len == strlen(pp->list[0].code))
            return input; /* a code */
        long k = strtol(input, NULL, 10);
        if (pp->n <= CLI_PLACE_LIST_MAX && k >= 1 && (size_t)k <= pp->n)
            return pp->list[k - 1].code;
        return input;
    }
    for (size_t k = 0; k < pp->n; k++)
        if (strcmp(pp->list[k].name, input) == 0 || strcasecmp(pp->list[k].name_en, input) == 0)
            return pp->list[k].code;
    size_t hits = 0, hit = 0;
    for (size_t k = 0; k < pp->n; k++)
        if (contains(pp->list[k].name, input) ||
            (*pp->list[k].name_en && contains(pp->list[k].name_en, input)))
            hits++, hit = k;
    if (hits == 1)
        return pp->list[hit].code;
    if (hits == 0)
        return input; /* the form says what is wrong with it */
    fprintf(out, "  ! %s", pp->en ? "several places match:" : "有多个地名符合：");
    size_t shown = 0;
    for (size_t k = 0; k < pp->n && shown < 20; k++)
        if (contains(pp->list[k].name, input) ||
            (*pp->list[k].name_en && contains(pp->list[k].name_en, input))) {
            fprintf(out, " %s", name_of(pp, &pp->list[k]));
            shown++;
        }
    fprintf(out, "%s\n", hits > shown ? " …" : "");
    return NULL;
}
