/*
 * interview_place.h - places chosen by name in the terminal interview (cmd_interview.c):
 * a question that takes a division code (the city column or lcmon_reference city, county,
 * township, and the community that fills psu below a township question) is offered as a
 * list of names one level below the answer above, from the reference data
 * (lcm_field_places). The interviewer types a number of the list, a name or a unique part of
 * one; a code is still taken as typed, so scripted interviews keep working.
 */
#ifndef LCM_INTERVIEW_PLACE_H
#define LCM_INTERVIEW_PLACE_H

#include "field.h"
#include "form.h"

#include <stdio.h>

/* Lists of at most this many places are printed, numbered; longer ones (the 337 cities)
 * are searched by name. */
#define CLI_PLACE_LIST_MAX 80

typedef struct cli_place {
    lcm_field_level level;
    lcm_field_place *list; /* the places below the answer above, code order */
    size_t n;
    int en; /* show English names where there are */
} cli_place;

/* When field (row) of in (an instance of f) is a place question whose level above is
 * answered, fill pp (release with cli_place_release) and return 1; else 0. */
int cli_place_for(lcm_db *db, const lcm_form *f, const lcm_instance *in, int field, long row,
                  int en, cli_place *pp);
void cli_place_release(cli_place *pp);

/* Print the list (or how to search it). */
void cli_place_show(const cli_place *pp, FILE *out);
/* The name of the place whose code is code, or code itself when it is none of the list. */
const char *cli_place_name(const cli_place *pp, const char *code);

/* The answer to give for what was typed: a place's code for a list number, a name or a
 * unique part of a name; the input itself otherwise (a code, or something the form will
 * refuse with its own message). Several places matching: returns NULL after printing them
 * on out, so the question comes again. */
const char *cli_place_resolve(const cli_place *pp, const char *input, FILE *out);

#endif
