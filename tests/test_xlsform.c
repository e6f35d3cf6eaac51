/*
 * test_xlsform.c - XLSForm as people write it (pyxform is the reference compiler): settings
 * defaults, header spellings, the types lcmon stores as text and what each accepts, label
 * rules, the reserved name `meta`. Expected verdicts are pyxform 4.5's on the same form
 * (each case names the XLSForm rule it follows).
 */
#include "form.h"
#include "testing.h"

#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const settings = "form_id,version\nt,1\n";

/* The form from the texts, or NULL with the first problem in err. */
static lcm_form *read_form(const char *survey, const char *choices, const char *set, lcm_err *err) {
    lcm_form *f = NULL;
    return lcm_form_read_texts(survey, choices, set, &f, err) == LCM_OK ? f : NULL;
}

/* pyxform needs no settings sheet: form_id is the file's (here the folder's) name, version
 * "1" in lcmon (responses are stored per version); a sheet without version is the same. */
static void xlsform__settings_are_optional(void) {
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", lcmt_tmp("library_visit"));
    mkdir(dir, 0700);
    char path[4200];
    snprintf(path, sizeof path, "%s/survey.csv", dir);
    lcmt_write(path, "type,name,label\ninteger,a,A\n", 27);
    lcm_form *f = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_form_read_dir(dir, &f, &err), LCM_OK);
    CU_ASSERT_STRING_EQUAL(lcm_form_id(f), "library_visit");
    CU_ASSERT_STRING_EQUAL(lcm_form_version(f), "1");
    lcm_form_free(f);
    /* A settings sheet with form_id and no version (ODK Central's own test forms). */
    f = read_form("type,name,label\ninteger,a,A\n", NULL, "form_id\nmytestform\n", &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_STRING_EQUAL(lcm_form_id(f), "mytestform");
    CU_ASSERT_STRING_EQUAL(lcm_form_version(f), "1");
    lcm_form_free(f);
    /* Without a folder to name it, a form needs its form_id. */
    CU_ASSERT_PTR_NULL(read_form("type,name,label\ninteger,a,A\n", NULL, NULL, &err));
    CU_ASSERT(lcmt_has(err.msg, "settings.csv:1:1: no form_id"));
    /* A folder name that cannot be an id says so. */
    snprintf(dir, sizeof dir, "%s", lcmt_tmp("2 visits"));
    mkdir(dir, 0700);
    snprintf(path, sizeof path, "%s/survey.csv", dir);
    lcmt_write(path, "type,name,label\ninteger,a,A\n", 27);
    CU_ASSERT_NOT_EQUAL(lcm_form_read_dir(dir, &f, &err), LCM_OK);
    CU_ASSERT(lcmt_has(err.msg, "form_id '2 visits' (the folder's name; give one"));
}

/* "list name" for list_name, "label:en" for label::en (older spellings pyxform reads). */
static void xlsform__header_spellings(void) {
    lcm_err err = {0};
    lcm_form *f =
        read_form("type,name,label:en,label:fr\nselect_one yn,q,Q EN,Q FR\n",
                  "list name,name,label:en,label:fr\nyn,y,Yes,Oui\nyn,n,No,Non\n", settings, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(lcm_form_nlangs(f), 2);
    const lcm_field *q = lcm_form_field(f, 0);
    CU_ASSERT_EQUAL(q->type, LCM_FT_SELECT_ONE);
    CU_ASSERT_EQUAL(q->list->n, 2);
    CU_ASSERT_STRING_EQUAL(lcm_form_text(f, q->label, (size_t)lcm_form_lang_index(f, "fr")),
                           "Q FR");
    lcm_form_free(f);
    /* The oldest select spellings ("select one from L", "or specify other", "uri:…"). */
    f = read_form("type,name,label\nselect one from yn or specify other,a,A\n"
                  "select all that apply from yn,b,B\nuri:deviceid,d,\n",
                  "list_name,name,label\nyn,y,Yes\nyn,n,No\n", settings, &err);
    if (!f)
        fprintf(stderr, "\n  %s\n", err.msg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(lcm_form_field(f, 0)->type, LCM_FT_SELECT_ONE);
    CU_ASSERT(lcm_form_field(f, 0)->or_other);
    CU_ASSERT_EQUAL(lcm_form_field(f, 2)->type, LCM_FT_SELECT_MULTIPLE); /* 1 is a_other */
    CU_ASSERT_EQUAL(lcm_form_field(f, 3)->type, LCM_FT_DEVICEID);
    lcm_form_free(f);
}

/* Each type stored as text, a value it takes and one it refuses (XForms formats as ODK
 * Collect writes them). */
static void xlsform__text_types_check_their_values(void) {
    static const struct {
        const char *type, *good, *bad;
    } cases[] = {
        {"time", "08:56:00.000Z", "8:56"},
        {"time", "23:59", "24:00"},
        {"time", "08:56:00+08:00", "08:56:00+8"},
        {"dateTime", "2018-04-26T08:56:00.000Z", "2018-04-26"},
        {"dateTime", "2026-02-28 12:00", "2026-02-30T12:00"},
        {"geopoint", "43.3149254 -1.9869671 71.8 15.478", "91 0"},
        {"geopoint", "13.42 -25.43", "13.42"},
        {"geotrace", "43.31 -1.98 71.8 10.0;43.32 -1.99 71.8 10.0;", "43.31 -1.98;"},
        {"geoshape", "1 1;1 2;2 2;1 1;", "1 1;1 2;2 2;2 1;"},
        {"barcode", "000049499094", NULL},
        {"image", "1712345.jpg", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char survey[256];
        snprintf(survey, sizeof survey, "type,name,label\n%s,x,X\n", cases[i].type);
        lcm_err err = {0};
        lcm_form *f = read_form(survey, NULL, settings, &err);
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        CU_ASSERT_EQUAL(lcm_form_field(f, 0)->type, LCM_FT_TEXT);
        lcm_status good = lcm_form_validate_value(f, 0, cases[i].good, &err);
        if (good != LCM_OK)
            fprintf(stderr, "\n  %s refused '%s': %s\n", cases[i].type, cases[i].good, err.msg);
        CU_ASSERT_EQUAL(good, LCM_OK);
        if (cases[i].bad) {
            CU_ASSERT_EQUAL(lcm_form_validate_value(f, 0, cases[i].bad, &err), LCM_CONSTRAINT);
            CU_ASSERT(lcmt_has(err.msg, "field 'x'"));
        }
        lcm_form_free(f);
    }
}

/* rank L: every choice once, in order. */
static void xlsform__rank_names_each_choice_once(void) {
    lcm_err err = {0};
    lcm_form *f = read_form("type,name,label\nrank fruit,r,Rank them\n",
                            "list_name,name,label\nfruit,a,Apple\nfruit,b,Banana\nfruit,c,Cherry\n",
                            settings, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(lcm_form_validate_value(f, 0, "c a b", &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_form_validate_value(f, 0, "c a", &err), LCM_CONSTRAINT);
    CU_ASSERT(lcmt_has(err.msg, "each of the 3 choices"));
    CU_ASSERT_EQUAL(lcm_form_validate_value(f, 0, "c a a", &err), LCM_CONSTRAINT);
    CU_ASSERT_EQUAL(lcm_form_validate_value(f, 0, "c a d", &err), LCM_CONSTRAINT);
    lcm_form_free(f);
}

/* pyxform: a shown question needs a label or a hint (or media); a calculation or a
 * metadata type needs neither; `meta` is a reserved name. */
static void xlsform__labels_and_reserved_names(void) {
    lcm_err err = {0};
    lcm_form *f = read_form("type,name,label,hint,calculation\ntext,a,,h,\ntext,b,,,0 + 0\n"
                            "phonenumber,p,,,\naudit,audit,,,\ncsv-external,towns,,,\n",
                            NULL, settings, &err);
    if (!f)
        fprintf(stderr, "\n  %s\n", err.msg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT(lcm_form_field(f, 4)->external);
    lcm_form_free(f);
    CU_ASSERT_PTR_NULL(read_form("type,name,label\ninteger,a,\n", NULL, settings, &err));
    CU_ASSERT(lcmt_has(err.msg, "survey.csv:2:3: question 'a' has no label or hint"));
    CU_ASSERT_PTR_NULL(read_form("type,name,label\nbegin group,meta,M\ntext,a,A\nend group,,\n",
                                 NULL, settings, &err));
    CU_ASSERT(lcmt_has(err.msg, "survey.csv:2:2: the name 'meta' is reserved"));
}

/* range parameters: keys without case and the display keys pyxform accepts; others refused. */
static void xlsform__range_parameters(void) {
    lcm_err err = {0};
    lcm_form *f = read_form("type,name,label,parameters\nrange,q,Q,Start=2 eNd=9 SteP=1 "
                            "TICK_interval=2 placeHOLDER=6 tick_LABELset=c1\n",
                            NULL, settings, &err);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    const lcm_field *q = lcm_form_field(f, 0);
    CU_ASSERT_EQUAL(q->range_start, 2);
    CU_ASSERT_EQUAL(q->range_end, 9);
    CU_ASSERT_EQUAL(q->range_step, 1);
    CU_ASSERT_EQUAL(lcm_form_validate_value(f, 0, "10", &err), LCM_CONSTRAINT);
    lcm_form_free(f);
    CU_ASSERT_PTR_NULL(read_form("type,name,label,parameters\nrange,q,Q,start=1 colour=red\n", NULL,
                                 settings, &err));
    CU_ASSERT(lcmt_has(err.msg, "survey.csv:2:4: range takes the parameters start, end, step"));
    CU_ASSERT_PTR_NULL(
        read_form("type,name,label,parameters\nrange,q,Q,start=one\n", NULL, settings, &err));
    CU_ASSERT(lcmt_has(err.msg, "range parameter start must be a number, not 'one'"));
}

/* Parameters of other types: the keys and values pyxform takes (its messages quoted in
 * docs/forms.md). */
static void xlsform__parameters_of_other_types(void) {
    static const struct {
        const char *row, *error; /* NULL: accepted */
    } cases[] = {
        {"geopoint,g,G,allow-mock-accuracy=true capture-accuracy=5", NULL},
        {"geopoint,g,G,allow-mock-accuracy=maybe", "parameter allow-mock-accuracy cannot be"},
        {"geopoint,g,G,incremental=true", "a geopoint question takes no parameter 'incremental'"},
        {"geotrace,g,G,incremental=true", NULL},
        {"image,i,I,max-pixels=1024", NULL},
        {"image,i,I,max-pixels=10.5", "parameter max-pixels cannot be '10.5' (a whole number)"},
        {"audio,a,A,quality=voice-only", NULL},
        {"audio,a,A,quality=loud", "parameter quality cannot be 'loud'"},
        {"select_one yn,s,S,randomize=true seed=42", NULL},
        {"select_one yn,s,S,seed=42", "a seed needs randomize=true"},
        {"select_one yn,s,S,randomize=ukanga", "parameter randomize cannot be 'ukanga'"},
        {"text,t,T,rows=4", NULL},
        {"integer,n,N,anything=1", NULL}, /* pyxform reads no parameters of integers */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char survey[256];
        snprintf(survey, sizeof survey, "type,name,label,parameters\n%s\n", cases[i].row);
        lcm_err err = {0};
        lcm_form *f =
            read_form(survey, "list_name,name,label\nyn,y,Yes\nyn,n,No\n", settings, &err);
        if (!cases[i].error) {
            if (!f)
                fprintf(stderr, "\n  %s: %s\n", cases[i].row, err.msg);
            CU_ASSERT_PTR_NOT_NULL(f);
        } else {
            CU_ASSERT_PTR_NULL(f);
            if (!lcmt_has(err.msg, cases[i].error))
                fprintf(stderr, "\n  %s: got '%s'\n", cases[i].row, err.msg);
            CU_ASSERT(lcmt_has(err.msg, "survey.csv:2:4: "));
            CU_ASSERT(lcmt_has(err.msg, cases[i].error));
        }
        lcm_form_free(f);
    }
}

const lcmt_case lcmt_xlsform_cases[] = {
    {"xlsform__parameters_of_other_types", xlsform__parameters_of_other_types},
    {"xlsform__range_parameters", xlsform__range_parameters},
    {"xlsform__settings_are_optional", xlsform__settings_are_optional},
    {"xlsform__header_spellings", xlsform__header_spellings},
    {"xlsform__text_types_check_their_values", xlsform__text_types_check_their_values},
    {"xlsform__rank_names_each_choice_once", xlsform__rank_names_each_choice_once},
    {"xlsform__labels_and_reserved_names", xlsform__labels_and_reserved_names},
    {NULL, NULL},
};
