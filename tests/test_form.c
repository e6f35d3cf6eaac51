/*
 * test_form.c - reading XLSForm CSV: the shipped household questionnaire, a public-style
 * (KoboToolbox-like) form, and broken forms, each of which must fail with a message naming
 * file, line and column; and the type checks of single answers.
 */
#include "testing.h"

#include "form.h"

#include <stdlib.h>
#include <string.h>

static lcm_form *read_dir(const char *rel) {
    lcm_form *f = NULL;
    lcm_err err = {0};
    if (lcm_form_read_dir(lcmt_path(rel), &f, &err) != LCM_OK)
        fprintf(stderr, "\n  %s: %s\n", rel, err.msg);
    return f;
}

static void form__household_reads(void) {
    lcm_form *f = read_dir("surveys/household");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_STRING_EQUAL(lcm_form_id(f), "household");
    CU_ASSERT_STRING_EQUAL(lcm_form_table(f), "resp_household_2024_1");
    CU_ASSERT_EQUAL(lcm_form_nlangs(f), 2);
    CU_ASSERT_STRING_EQUAL(lcm_form_lang(f, lcm_form_lang_index(f, NULL)), "zh");
    CU_ASSERT_STRING_EQUAL(lcm_form_lang(f, lcm_form_lang_index(f, "en")), "en");
    /* The location lands in the standard columns estimation groups by. */
    const lcm_field *city = lcm_form_field(f, (size_t)lcm_form_find(f, "CITY"));
    CU_ASSERT_STRING_EQUAL(city->column, "city");
    CU_ASSERT_EQUAL(city->reference, LCM_REF_CITY);
    CU_ASSERT_STRING_EQUAL(lcm_form_field(f, (size_t)lcm_form_find(f, "community"))->column, "psu");
    CU_ASSERT_STRING_EQUAL(lcm_form_field(f, (size_t)lcm_form_find(f, "stratum"))->column,
                           "stratum");
    const lcm_field *age = lcm_form_field(f, (size_t)lcm_form_find(f, "m_age"));
    CU_ASSERT_STRING_EQUAL(age->table, "resp_household_2024_1__members");
    CU_ASSERT_EQUAL(lcm_form_field(f, (size_t)age->repeat)->type, LCM_FT_BEGIN_REPEAT);
    CU_ASSERT_STRING_EQUAL(lcm_form_text(f, age->label, lcm_form_lang_index(f, "en")),
                           "Age (years)");
    CU_ASSERT_EQUAL(lcm_form_find(f, "nosuch"), -1);
    lcm_form_free(f);
}

static void form__public_style_form_reads(void) {
    lcm_form *f = read_dir("tests/fixtures/forms/kobo_training");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    /* "label::English (en)" is language en; default_language "English (en)" too. */
    CU_ASSERT_STRING_EQUAL(lcm_form_lang(f, lcm_form_lang_index(f, NULL)), "en");
    const lcm_field *pick = lcm_form_field(f, (size_t)lcm_form_find(f, "city_pick"));
    CU_ASSERT_PTR_NOT_NULL(pick->choice_filter);
    CU_ASSERT_EQUAL(pick->list->nextra, 1);
    CU_ASSERT_STRING_EQUAL(pick->list->extra_names[0], "province");
    CU_ASSERT_STRING_EQUAL(lcm_form_field(f, (size_t)lcm_form_find(f, "start"))->column,
                           "started_at");
    CU_ASSERT_STRING_EQUAL(lcm_form_field(f, (size_t)lcm_form_find(f, "course"))->table,
                           "resp_training_followup_2023120401__course");
    lcm_form_free(f);
}

static const char settings[] = "form_id,version\nt,1\n";
static const char choices[] = "list_name,name,label\nyn,1,yes\nyn,0,no\nlang,其他,Other\n";

/* Each broken form and the start of the message it must get (file:line:column). */
static const struct {
    const char *survey, *choices, *settings, *error;
} broken[] = {
    {"type,name,label\ninteger,a,A\n", NULL, "form_id\nt\n",
     "settings.csv:1: missing column 'version'"},
    {"type,name,label\ninteger,a,A\n", NULL, "form_id,version\nt x,1\n",
     "settings.csv:2:1: form_id 't x' must start with a letter"},
    {"type,name,label\ninteger,a,A\n", NULL, "form_id,version\nt,1;drop\n",
     "settings.csv:2:2: version '1;drop' must be 1 to 32"},
    {"name,label\na,A\n", NULL, settings, "survey.csv:1: missing column 'type'"},
    {"type,name,label\ninteger,a,A\ngeopoint,b,B\n", NULL, settings,
     "survey.csv:3:1: type 'geopoint' is not supported"},
    {"type,name,label\nselect_one nolist,a,A\n", choices, settings,
     "survey.csv:2:1: no choice list 'nolist' in choices.csv"},
    {"type,name,label\nselect_one yn or_other,a,A\n", choices, settings,
     "survey.csv:2:1: type 'select_one yn or_other' is not supported"},
    {"type,name,label\ninteger,1a,A\n", NULL, settings,
     "survey.csv:2:2: name '1a' must start with a letter or '_'"},
    {"type,name,label\ninteger,\"a\"\"b\",A\n", NULL, settings, "survey.csv:2:2: name 'a\"b' must"},
    {"type,name,label\ninteger,age,A\ntext,AGE,B\n", NULL, settings,
     "survey.csv:3:2: name 'AGE' is already used on line 2"},
    {"type,name,label\ninteger,,A\n", NULL, settings, "survey.csv:2:2: integer row has no name"},
    {"type,name,label,relevant\ninteger,a,A,\ninteger,b,B,${a}-1 > 0\n", NULL, settings,
     "survey.csv:3:4: relevant of 'b', character 5: '-' right after a field reference"},
    {"type,name,label,constraint\ninteger,a,A,. > ${nosuch}\n", NULL, settings,
     "survey.csv:2: constraint of 'a', character 5: no field named 'nosuch'"},
    {"type,name,label,calculation\ncalculate,x,,${y} + 1\ncalculate,y,,${x} * 2\n", NULL, settings,
     "survey.csv:2: calculation of 'x' depends on itself"},
    {"type,name,label\nbegin group,g,G\ninteger,a,A\n", NULL, settings,
     "survey.csv:2: 'begin group g' is never closed"},
    {"type,name,label\nbegin repeat,r,R\ninteger,a,A\nend group,,\n", NULL, settings,
     "survey.csv:4: end group closes 'begin repeat r' of line 2"},
    {"type,name,label\nbegin repeat,r,R\nbegin repeat,s,S\nend repeat,,\nend repeat,,\n", NULL,
     settings, "survey.csv:3: repeat 's' inside repeat 'r' is not supported"},
    {"type,name,label\ninteger,a,\n", NULL, settings, "survey.csv:2: question 'a' has no label"},
    {"type,name,label\ninteger,status,Status\n", NULL, settings,
     "survey.csv:2: column 'status' is a standard column"},
    {"type,name,label\nselect_multiple lang,l,L\n", choices, settings,
     "choices.csv:4: choice '其他' of list 'lang' is used by select_multiple 'l'"},
    {"type,name,label\nselect_multiple yn,q,Q\ninteger,q_1,A\n", choices, settings,
     "survey.csv:3: column 'q_1' is already made by 'q' on line 2"},
    {"type,name,label,required\ninteger,a,A,maybe\n", NULL, settings,
     "survey.csv:2:4: required must be yes or no, not 'maybe'"},
    {"type,name,label,default\ninteger,a,A,abc\n", NULL, settings,
     "survey.csv:2: default of 'a': field 'a': 'abc' is not a whole number"},
    {"type,name,label,lcmon_column\ninteger,a,A,instance_id\n", NULL, settings,
     "survey.csv:2:4: lcmon_column 'instance_id' is not a standard column a field can fill"},
    {"type,name,label,choice_filter\nselect_one yn,a,A,region = 'x'\n", choices, settings,
     "survey.csv:2: choice_filter of 'a' names 'region', which is not a column"},
    {"type,name,label\ninteger,a,A\n", "list_name,name,label\nyn,1,yes\nyn,1,again\n", settings,
     "choices.csv:3:2: list 'yn' has choice '1' twice"},
    {"type,name,label\ninteger,a,A,oops\n", NULL, settings,
     "survey.csv:2:4: value in a column with no header"},
    {"type,name,label\n", NULL, settings, "survey.csv: no questions"},
    {"", NULL, settings, "survey.csv:1: empty file"},
    {"type,name,label\ntext,a,\"unclosed\n", NULL, settings, "survey.csv:"},
};

static void form__broken_forms_name_the_cell(void) {
    for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
        lcm_form *f = NULL;
        lcm_err err = {0};
        lcm_status st =
            lcm_form_read_texts(broken[i].survey, broken[i].choices, broken[i].settings, &f, &err);
        CU_ASSERT_NOT_EQUAL(st, LCM_OK);
        CU_ASSERT_PTR_NULL(f);
        if (strncmp(err.msg, broken[i].error, strlen(broken[i].error)) != 0) {
            fprintf(stderr, "\n  case %zu: got '%s'\n  want '%s'\n", i, err.msg, broken[i].error);
            CU_FAIL("wrong message");
        }
        lcm_form_free(f);
    }
}

static void form__validate_value_by_type(void) {
    lcm_form *f = read_dir("surveys/household");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    static const struct {
        const char *field, *value;
        int ok;
    } cases[] = {
        {"age", "45", 1},
        {"age", "4.5", 0},
        {"age", "abc", 0},
        {"age", "14", 0}, /* constraint on '.' alone: 15 to 100 */
        {"age", "", 1},   /* empty: required is checked on the whole instance */
        {"sex", "2", 1},
        {"sex", "3", 0},
        {"aware", "cc pl", 1},
        {"aware", "cc xx", 0},
        {"aware", "cc cc", 0},
        {"sat_overall", "5", 1},
        {"sat_overall", "6", 0},
        {"sat_overall", "2.5", 0},
        {"city", "440", 0},
        {"city", "4401", 1},
        {"intro", "x", 0},            /* a note */
        {"township", "440106001", 1}, /* refers to ${county}: left to finish */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lcm_err err = {0};
        lcm_status st =
            lcm_form_validate_value(f, lcm_form_find(f, cases[i].field), cases[i].value, &err);
        if ((st == LCM_OK) != cases[i].ok)
            fprintf(stderr, "\n  %s='%s': %s\n", cases[i].field, cases[i].value, err.msg);
        CU_ASSERT_EQUAL(st == LCM_OK, cases[i].ok);
        if (!cases[i].ok)
            CU_ASSERT_EQUAL(strncmp(err.msg, "field '", 7), 0);
    }
    lcm_err err = {0};
    lcm_form_validate_value(f, lcm_form_find(f, "age"), "120", &err);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "受访者应在15至100岁之间")); /* the zh message */
    lcm_form_free(f);
}

const lcmt_case lcmt_form_cases[] = {
    {"form__household_reads", form__household_reads},
    {"form__public_style_form_reads", form__public_style_form_reads},
    {"form__broken_forms_name_the_cell", form__broken_forms_name_the_cell},
    {"form__validate_value_by_type", form__validate_value_by_type},
    {NULL, NULL},
};
