/*
 * test_form.c - reading XLSForm CSV: the shipped household questionnaire (the field names
 * estimation reads, its skip logic), public-style forms written the way ODK and
 * KoboToolbox sample forms are (BOM, "label::English (en)", or_other, media and
 * required_message columns), broken forms and broken variants of the public ones, each of
 * which must fail with a message naming file, line and column; every problem of a form at
 * once; or_other; and the type checks of single answers.
 */
#include "testing.h"

#include "form.h"
#include "form_inst.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static lcm_form *read_dir(const char *rel) {
    lcm_form *f = NULL;
    lcm_err err = {0};
    if (lcm_form_read_dir(lcmt_path(rel), &f, &err) != LCM_OK)
        fprintf(stderr, "\n  %s: %s\n", rel, err.msg);
    return f;
}

static const lcm_field *field(const lcm_form *f, const char *name) {
    int i = lcm_form_find(f, name);
    if (i < 0)
        fprintf(stderr, "\n  no field '%s'\n", name);
    CU_ASSERT_FATAL(i >= 0);
    return lcm_form_field(f, (size_t)i);
}

static const char *relevant(const lcm_form *f, const char *name) {
    const lcm_field *fd = field(f, name);
    return fd->relevant ? lcm_expr_source(fd->relevant) : "";
}

static void form__household_reads(void) {
    lcm_form *f = read_dir("surveys/household");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_STRING_EQUAL(lcm_form_id(f), "household");
    CU_ASSERT_STRING_EQUAL(lcm_form_version(f), "2026.1");
    CU_ASSERT_STRING_EQUAL(lcm_form_table(f), "resp_household_2026_1");
    CU_ASSERT_EQUAL(lcm_form_nlangs(f), 2);
    CU_ASSERT_STRING_EQUAL(lcm_form_lang(f, lcm_form_lang_index(f, NULL)), "zh");
    CU_ASSERT_STRING_EQUAL(lcm_form_lang(f, lcm_form_lang_index(f, "en")), "en");
    /* The location lands in the standard columns estimation groups by. */
    const lcm_field *city = field(f, "CITY");
    CU_ASSERT_STRING_EQUAL(city->column, "city");
    CU_ASSERT_EQUAL(city->reference, LCM_REF_CITY);
    CU_ASSERT_STRING_EQUAL(field(f, "community")->column, "psu");
    CU_ASSERT_STRING_EQUAL(field(f, "stratum")->column, "stratum");
    CU_ASSERT_STRING_EQUAL(field(f, "household_no")->column, "household_id");
    CU_ASSERT_STRING_EQUAL(field(f, "interviewer")->column, "interviewer");
    const lcm_field *age = field(f, "m_age");
    CU_ASSERT_STRING_EQUAL(age->table, "resp_household_2026_1__members");
    CU_ASSERT_EQUAL(lcm_form_field(f, (size_t)age->repeat)->type, LCM_FT_BEGIN_REPEAT);
    CU_ASSERT_STRING_EQUAL(lcm_expr_source(lcm_form_field(f, (size_t)age->repeat)->repeat_count),
                           "${hh_size}");
    CU_ASSERT_STRING_EQUAL(lcm_form_text(f, age->label, lcm_form_lang_index(f, "en")),
                           "Age (years)");
    CU_ASSERT_EQUAL(lcm_form_find(f, "nosuch"), -1);
    lcm_form_free(f);
}

/* The names and types the simulator and the estimation pipeline are written against. */
static void form__household_fields_estimation_reads(void) {
    static const struct {
        const char *name;
        lcm_field_type type;
        const char *list; /* selects: the list */
    } want[] = {
        {"city", LCM_FT_TEXT, NULL},
        {"county", LCM_FT_TEXT, NULL},
        {"township", LCM_FT_TEXT, NULL},
        {"community", LCM_FT_TEXT, NULL},
        {"community_type", LCM_FT_SELECT_ONE, "community_type"},
        {"stratum", LCM_FT_CALCULATE, NULL},
        {"household_no", LCM_FT_TEXT, NULL},
        {"interviewer", LCM_FT_TEXT, NULL},
        {"consent", LCM_FT_SELECT_ONE, "yesno"},
        {"sex", LCM_FT_SELECT_ONE, "sex"},
        {"age", LCM_FT_INTEGER, NULL},
        {"age_band", LCM_FT_CALCULATE, NULL},
        {"edu", LCM_FT_SELECT_ONE, "edu"},
        {"work", LCM_FT_SELECT_ONE, "work"},
        {"disability", LCM_FT_SELECT_ONE, "yesno"},
        {"hh_size", LCM_FT_INTEGER, NULL},
        {"members", LCM_FT_BEGIN_REPEAT, NULL},
        {"m_rel", LCM_FT_SELECT_ONE, "rel"},
        {"m_sex", LCM_FT_SELECT_ONE, "sex"},
        {"m_age", LCM_FT_INTEGER, NULL},
        {"m_edu", LCM_FT_SELECT_ONE, "edu"},
        {"m_work", LCM_FT_SELECT_ONE, "work"},
        {"m_disability", LCM_FT_SELECT_ONE, "yesno"},
        {"m_learned", LCM_FT_SELECT_ONE, "yesno"},
        {"aware", LCM_FT_SELECT_MULTIPLE, "services_none"},
        {"sat_overall", LCM_FT_RANGE, NULL},
        {"barriers", LCM_FT_SELECT_MULTIPLE, "barriers"},
        {"barriers_other", LCM_FT_TEXT, NULL},
        {"learn_hours", LCM_FT_INTEGER, NULL},
        {"aware_n", LCM_FT_CALCULATE, NULL},
        {"aware_share", LCM_FT_CALCULATE, NULL},
        {"used_n", LCM_FT_CALCULATE, NULL},
        {"participated", LCM_FT_CALCULATE, NULL},
        {"sat_index", LCM_FT_CALCULATE, NULL},
        {"sat_top2", LCM_FT_CALCULATE, NULL},
    };
    static const char *const services[] = {"cc", "eu", "pc", "rd", "ol", "vt", "cb", "st"};
    lcm_form *f = read_dir("surveys/household");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const lcm_field *fd = field(f, want[i].name);
        CU_ASSERT_EQUAL(fd->type, want[i].type);
        if (want[i].list)
            CU_ASSERT_STRING_EQUAL(fd->list->name, want[i].list);
    }
    /* Everything that holds a value after consent sits in the group asked only with it. */
    int body = lcm_form_find(f, "body");
    CU_ASSERT_STRING_EQUAL(relevant(f, "body"), "${consent} = 1");
    for (size_t i = (size_t)lcm_form_find(f, "consent") + 1; i < lcm_form_nfields(f); i++) {
        const lcm_field *fd = lcm_form_field(f, i);
        int p = fd->parent;
        while (p >= 0 && p != body)
            p = lcm_form_field(f, (size_t)p)->parent;
        if (fd->column && p != body)
            fprintf(stderr, "\n  '%s' is asked without consent\n", fd->name);
        CU_ASSERT(!fd->column || p == body);
    }
    CU_ASSERT_TRUE(field(f, "consent")->required);
    /* The services of the seed, in order, with the three questions each: use only when
     * known, how often and how satisfied only when used, satisfaction on 1 to 5. */
    const lcm_choice_list *aware = field(f, "aware")->list;
    CU_ASSERT_EQUAL(aware->n, 9);
    CU_ASSERT_STRING_EQUAL(aware->items[8].name, "none");
    for (size_t s = 0; s < 8; s++) {
        char name[32], want_rel[64];
        CU_ASSERT_STRING_EQUAL(aware->items[s].name, services[s]);
        snprintf(name, sizeof name, "use_%s", services[s]);
        snprintf(want_rel, sizeof want_rel, "selected(${aware}, '%s')", services[s]);
        CU_ASSERT_STRING_EQUAL(relevant(f, name), want_rel);
        CU_ASSERT_STRING_EQUAL(field(f, name)->list->name, "yesno");
        snprintf(want_rel, sizeof want_rel, "${use_%s} = 1", services[s]);
        snprintf(name, sizeof name, "freq_%s", services[s]);
        CU_ASSERT_STRING_EQUAL(relevant(f, name), want_rel);
        CU_ASSERT_STRING_EQUAL(field(f, name)->list->name, "freq");
        snprintf(name, sizeof name, "sat_%s", services[s]);
        const lcm_field *sat = field(f, name);
        CU_ASSERT_STRING_EQUAL(relevant(f, name), want_rel);
        CU_ASSERT_EQUAL(sat->type, LCM_FT_RANGE);
        CU_ASSERT_TRUE(sat->required);
        CU_ASSERT(sat->range_start == 1 && sat->range_end == 5 && sat->range_step == 1);
        CU_ASSERT_PTR_NOT_NULL(strstr(lcm_form_text(f, sat->hint, 0), "1 很不满意"));
    }
    CU_ASSERT_STRING_EQUAL(relevant(f, "sat_overall"), "${used_n} > 0");
    /* barriers is or_other: 'other' added to the list, its text follows, no 0/1 column. */
    const lcm_field *barriers = field(f, "barriers");
    CU_ASSERT_TRUE(barriers->or_other);
    CU_ASSERT_EQUAL(barriers->list->n, 8);
    CU_ASSERT_STRING_EQUAL(barriers->list->items[7].name, "other");
    CU_ASSERT_STRING_EQUAL(lcm_form_text(f, barriers->list->items[7].label, 0), "其他");
    CU_ASSERT_FALSE(lcm_field_choice_column(barriers, 7));
    CU_ASSERT_TRUE(lcm_field_choice_column(barriers, 6));
    CU_ASSERT_TRUE(field(f, "barriers_other")->generated);
    CU_ASSERT_STRING_EQUAL(relevant(f, "barriers_other"), "selected(${barriers}, 'other')");
    CU_ASSERT_EQUAL(lcm_form_find(f, "barriers_other"), lcm_form_find(f, "barriers") + 1);
    lcm_form_free(f);
}

static void form__public_style_forms_read(void) {
    lcm_form *f = read_dir("tests/fixtures/forms/kobo_training");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    /* "label::English (en)" is language en; default_language "English (en)" too. */
    CU_ASSERT_STRING_EQUAL(lcm_form_lang(f, lcm_form_lang_index(f, NULL)), "en");
    const lcm_field *pick = field(f, "city_pick");
    CU_ASSERT_PTR_NOT_NULL(pick->choice_filter);
    CU_ASSERT_EQUAL(pick->list->nextra, 1);
    CU_ASSERT_STRING_EQUAL(pick->list->extra_names[0], "province");
    CU_ASSERT_STRING_EQUAL(field(f, "start")->column, "started_at");
    CU_ASSERT_STRING_EQUAL(field(f, "course")->table, "resp_training_followup_2023120401__course");
    lcm_form_free(f);
    /* ODK-style, saved by Excel as "CSV UTF-8": BOM, CRLF, an unmarked label column, an
     * image column in choices.csv, or_other on a select_one. */
    f = read_dir("tests/fixtures/forms/odk_wash");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_STRING_EQUAL(lcm_form_id(f), "wash_household");
    CU_ASSERT_EQUAL(lcm_form_nlangs(f), 1);
    CU_ASSERT_EQUAL(field(f, "today")->type, LCM_FT_TODAY);
    CU_ASSERT_EQUAL(field(f, "visit_date")->type, LCM_FT_DATE);
    CU_ASSERT_EQUAL(field(f, "latrine_type")->list->nextra, 0); /* image is media */
    const lcm_field *src = field(f, "water_source");
    CU_ASSERT_TRUE(src->or_other);
    CU_ASSERT_STRING_EQUAL(src->list->items[src->list->n - 1].name, "other");
    CU_ASSERT_STRING_EQUAL(lcm_form_text(f, src->list->items[src->list->n - 1].label, 0), "Other");
    CU_ASSERT_STRING_EQUAL(lcm_form_text(f, field(f, "water_source_other")->label, 0),
                           "Specify other");
    CU_ASSERT_STRING_EQUAL(field(f, "child_d01")->table,
                           "resp_wash_household_2024031501__children");
    lcm_form_free(f);
    /* Kobo-style: two languages, required_message and media columns, cascading selects. */
    f = read_dir("tests/fixtures/forms/kobo_library");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(lcm_form_nlangs(f), 2);
    CU_ASSERT_STRING_EQUAL(
        lcm_form_text(f, field(f, "visits")->label, lcm_form_lang_index(f, "zh")),
        "近3个月您到馆几次？");
    CU_ASSERT_EQUAL(field(f, "library")->list->nextra, 2);
    CU_ASSERT_TRUE(field(f, "purpose")->or_other);
    CU_ASSERT_STRING_EQUAL(
        lcm_form_text(f, field(f, "purpose_other")->label, lcm_form_lang_index(f, "zh")),
        "请注明其他");
    CU_ASSERT(field(f, "rating")->range_end == 5);
    lcm_form_free(f);
}

static const char settings[] = "form_id,version\nt,1\n";
static const char choices[] = "list_name,name,label\nyn,1,yes\nyn,0,no\nlang,其他,Other\n"
                              "mo,a,A\nmo,other,Other\n";

/* Each broken form and the start of a message it must get (file:line:column). */
static const struct {
    const char *survey, *choices, *settings, *error;
} broken[] = {
    {"type,name,label\ninteger,a,A\n", NULL, "form_id,version\n,1\n",
     "settings.csv:2:1: no form_id"},
    {"type,name,label\ninteger,a,A\n", NULL, "form_id,version\nt x,1\n",
     "settings.csv:2:1: form_id 't x' must start with a letter"},
    {"type,name,label\ninteger,a,A\n", NULL, "form_id,version\nt,1;drop\n",
     "settings.csv:2:2: version '1;drop' must be 1 to 32"},
    {"name,label\na,A\n", NULL, settings, "survey.csv:1: missing column 'type'"},
    {"type,name,label\ninteger,a,A\nsignature,b,B\n", NULL, settings,
     "survey.csv:3:1: type 'signature' is not supported"},
    {"type,name,label\nselect_one nolist,a,A\n", choices, settings,
     "survey.csv:2:1: no choice list 'nolist' in choices.csv"},
    {"type,name,label\nselect_one yn or_more,a,A\n", choices, settings,
     "survey.csv:2:1: 'or_more' after the list name 'yn' is not supported"},
    {"type,name,label,choice_filter\nselect_one yn or_other,a,A,name != '0'\n", choices, settings,
     "survey.csv:2:4: or_other cannot go with a choice_filter"},
    {"type,name,label\nselect_one yn or_other,a,A\ntext,a_other,B\n", choices, settings,
     "survey.csv:3:2: name 'a_other' is already used on line 2 by the text or_other adds"},
    {"type,name,label\nselect_one,a,A\n", choices, settings,
     "survey.csv:2:1: select_one needs a list name"},
    {"type,name,label\ninteger,1a,A\n", NULL, settings,
     "survey.csv:2:2: name '1a' must start with a letter or '_'"},
    {"type,name,label\ninteger,\"a\"\"b\",A\n", NULL, settings, "survey.csv:2:2: name 'a\"b' must"},
    {"type,name,label\ninteger,age,A\ntext,age,B\n", NULL, settings,
     "survey.csv:3:2: name 'age' is already used on line 2"},
    {"type,name,label\ninteger,,A\n", NULL, settings, "survey.csv:2:2: integer row has no name"},
    {"type,name,label,relevant\ninteger,a,A,\ninteger,b,B,${a}-1 > 0\n", NULL, settings,
     "survey.csv:3:4: relevant of 'b', character 5: '-' right after a field reference"},
    {"type,name,label,constraint\ninteger,a,A,. > ${nosuch}\n", NULL, settings,
     "survey.csv:2:4: constraint of 'a', character 5: no field named 'nosuch'"},
    {"type,name,label,calculation\ncalculate,x,,${y} + 1\ncalculate,y,,${x} * 2\n", NULL, settings,
     "survey.csv:2:4: calculation of 'x' depends on itself"},
    {"type,name,label\nbegin group,g,G\ninteger,a,A\n", NULL, settings,
     "survey.csv:2:1: 'begin group g' is never closed"},
    {"type,name,label\nbegin repeat,r,R\ninteger,a,A\nend group,,\n", NULL, settings,
     "survey.csv:4:1: end group closes 'begin repeat r' of line 2"},
    {"type,name,label\nend repeat,,\n", NULL, settings,
     "survey.csv:2:1: end repeat without a begin"},
    {"type,name,label\nbegin repeat,r,R\nbegin repeat,s,S\ntext,q,Q\nend repeat,,\nend repeat,,\n"
     "begin repeat,s,S\ntext,p,P\nend repeat,,\n",
     NULL, settings, "survey.csv:7:2: repeat 's' is already a repeat on line 3"},
    {"type,name,label\ninteger,a,\n", NULL, settings, "survey.csv:2:3: question 'a' has no label"},
    {"type,name,label\ncalculate,a,\n", NULL, settings, "survey.csv:2:1: calculate 'a' has no"},
    {"type,name,label,default\ncalculate,a,,5\n", NULL, settings,
     "survey.csv:2:1: calculate 'a' has no calculation (nor a default that is an expression)"},
    {"type,name,label\nselect_multiple lang,l,L\n", choices, settings,
     "choices.csv:4:2: choice '其他' of list 'lang' is used by select_multiple 'l'"},
    {"type,name,label\nselect_multiple yn,q,Q\ninteger,q_1,A\n", choices, settings,
     "survey.csv:3:2: column 'q_1' is already made by 'q' on line 2"},
    {"type,name,label,required\ninteger,a,A,maybe\n", NULL, settings,
     "survey.csv:2:4: required of 'a', character 1: unknown name 'maybe'"},
    /* A default is checked against its constraint while the form is read, before the plan
     * that knows which constraints read only '.' exists (found by fuzz_form: it crashed). */
    {"type,name,label,default,constraint\ninteger,a,A,7,. < 5\n", NULL, settings,
     "survey.csv:2:4: default of 'a': field 'a': '7' breaks the constraint . < 5"},
    {"type,name,label,lcmon_column\ninteger,a,A,instance_id\n", NULL, settings,
     "survey.csv:2:4: lcmon_column 'instance_id' is not a standard column a field can fill"},
    {"type,name,label,lcmon_column\ntext,a,A,wave\n", NULL, settings,
     "survey.csv:2:4: 'a' fills wave, so it must be an integer"},
    {"type,name,label,repeat_count\ninteger,a,A,3\n", NULL, settings,
     "survey.csv:2:4: repeat_count on 'a', which is not a begin repeat"},
    {"type,name,label,parameters\nrange,a,A,start=5 end=1\n", NULL, settings,
     "survey.csv:2:4: range needs start <= end and step > 0"},
    /* type errors of expressions, at load */
    {"type,name,label,relevant\nselect_one yn,a,A,\ninteger,b,B,${a} = 2\n", choices, settings,
     "survey.csv:3:4: relevant of 'b', character 8: '2' is not a choice of list 'yn'"},
    {"type,name,label,relevant\nselect_multiple yn,a,A,\ninteger,b,B,\"selected(${a}, 'y')\"\n",
     choices, settings,
     "survey.csv:3:4: relevant of 'b', character 16: 'y' is not a choice of list 'yn'"},
    {"type,name,label,calculation\ninteger,a,A,\ncalculate,s,,sum(${a})\n", NULL, settings,
     "survey.csv:3:4: calculation of 's', character 5: sum() needs a repeat or a field inside one"},
    {"type,name,label,calculation\nbegin repeat,r,R,\ninteger,a,A,\nend repeat,,,\n"
     "calculate,s,,${r} + 1\n",
     NULL, settings, "survey.csv:5:4: calculation of 's', character 1: '${r}' is a repeat"},
    {"type,name,label\ninteger,a,A,oops\n", NULL, settings,
     "survey.csv:2:4: value in a column with no header"},
    {"", NULL, settings, "survey.csv:1: empty file"},
    {"type,name,label\ntext,a,\"unclosed\n", NULL, settings, "survey.csv:"},
    {"type,name,label\ninteger,a,A\n", "list_name,name,label\nyn,1,yes\nyn,1,again\n", settings,
     "choices.csv:3:2: list 'yn' has choice '1' twice (settings allow_choice_duplicates = yes"},
    {"type,name,label\ninteger,a,A\n", "list_name,name,label\n,1,yes\n", settings,
     "choices.csv:2:1: choice without a list_name"},
};

/* 1 when one of the problems starts with want. */
static int has_problem(char *const *problems, const char *want) {
    for (size_t i = 0; problems && problems[i]; i++)
        if (strncmp(problems[i], want, strlen(want)) == 0)
            return 1;
    return 0;
}

static void show_problems(const char *what, char *const *problems, const char *want) {
    fprintf(stderr, "\n  %s: want '%s' among:\n", what, want);
    for (size_t i = 0; problems && problems[i]; i++)
        fprintf(stderr, "    %s\n", problems[i]);
}

static void form__broken_forms_name_the_cell(void) {
    for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
        lcm_form *f = NULL;
        char **problems = NULL;
        lcm_err err = {0};
        lcm_status st = lcm_form_check_texts(broken[i].survey, broken[i].choices,
                                             broken[i].settings, &f, &problems, &err);
        char label[32];
        snprintf(label, sizeof label, "case %zu", i);
        CU_ASSERT_NOT_EQUAL(st, LCM_OK);
        CU_ASSERT_PTR_NULL(f);
        CU_ASSERT_PTR_NOT_NULL(problems);
        if (!has_problem(problems, broken[i].error)) {
            show_problems(label, problems, broken[i].error);
            CU_FAIL("wrong message");
        }
        /* lcm_form_read_texts reports the first of them. */
        CU_ASSERT_EQUAL(
            lcm_form_read_texts(broken[i].survey, broken[i].choices, broken[i].settings, &f, &err),
            st);
        CU_ASSERT_STRING_EQUAL(err.msg, problems ? problems[0] : "");
        lcm_form_problems_free(problems);
        lcm_form_free(f);
    }
}

/* Replace `from` by `to` on line `line` of text (from must be there: a fixture that
 * drifts makes the test fail, not pass quietly). */
static char *edit(const char *text, long line, const char *from, const char *to) {
    const char *p = text;
    for (long l = 1; l < line && p; l++)
        p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL;
    const char *eol = p ? strchr(p, '\n') : NULL, *hit = p ? strstr(p, from) : NULL;
    if (!hit || (eol && hit > eol))
        return NULL;
    size_t n = strlen(text) - strlen(from) + strlen(to) + 1;
    char *out = malloc(n);
    if (out)
        snprintf(out, n, "%.*s%s%s", (int)(hit - text), text, to, hit + strlen(from));
    return out;
}

/* Broken variants of the public-style forms: one cell changed, the message expected. */
static const struct {
    const char *form;
    int file; /* 0 survey.csv, 1 choices.csv, 2 settings.csv */
    long line;
    const char *from, *to, *error; /* error NULL: the change is fine */
} variants[] = {
    {"odk_wash", 0, 14, "select_one water_source or_other", "select_one water_sources or_other",
     "survey.csv:14:1: no choice list 'water_sources' in choices.csv"},
    {"odk_wash", 0, 20, "${has_latrine} = 'yes'", "${has_latrin} = 'yes'",
     "survey.csv:20:6: relevant of 'latrine_type', character 1: no field named 'has_latrin'"},
    {"odk_wash", 0, 20, "${has_latrine} = 'yes'", "${has_latrine} = 'oui'",
     "survey.csv:20:6: relevant of 'latrine_type', character 18: 'oui' is not a choice of list "
     "'yes_no' (the choices of '${has_latrine}')"},
    {"odk_wash", 0, 15, ". >= 0 and . <= 600", ". >= 0 and <= 600",
     "survey.csv:15:7: constraint of 'water_minutes', character 12: expected a value"},
    {"odk_wash", 0, 10, "date,visit_date", "signature,visit_date",
     "survey.csv:10:1: type 'signature' is not supported"},
    {"odk_wash", 0, 24, "text,child_name", "text,child name",
     "survey.csv:24:2: name 'child name' must start with a letter or '_'"},
    {"odk_wash", 0, 30, "sum(${child_d01})", "sum(${n_children})",
     "survey.csv:30:9: calculation of 'n_diarrhoea', character 5: sum() needs a repeat"},
    {"odk_wash", 0, 29, "count(${children})", "count(${n_diarrhoea})",
     "survey.csv:29:9: calculation of 'n_children', character 7: count() needs a repeat"},
    {"odk_wash", 0, 31, "${child_name}, ${children}", "${children}, ${child_name}",
     "survey.csv:31:9: calculation of 'first_child', character 16: '${children}' is a repeat"},
    {"odk_wash", 0, 28, "end_repeat", "end_group",
     "survey.csv:28:1: end group closes 'begin repeat children' of line 23"},
    {"odk_wash", 0, 11, "consent,Does the respondent agree to be interviewed?", "consent,",
     "survey.csv:11:3: question 'consent' has no label"},
    {"odk_wash", 0, 19, "toilet facility?,,yes", "toilet facility?,,sometimes",
     "survey.csv:19:5: required of 'has_latrine', character 1: unknown name 'sometimes'"},
    {"odk_wash", 0, 21, ". >= 1 and . <= 50", "${latrine_type}-1 >= 0",
     "survey.csv:21:7: constraint of 'latrine_shared_hh', character 16: '-' right after a field"},
    {"odk_wash", 1, 6, "public_tap,", "piped_yard,",
     "choices.csv:6:2: list 'water_source' has choice 'piped_yard' twice"},
    {"odk_wash", 1, 10, "treatment,boil", "treatment,boil water",
     "choices.csv:10:2: choice 'boil water' of list 'treatment' is used by select_multiple"},
    /* a list with its own 'other' under or_other: that choice is the or_other one */
    {"odk_wash", 1, 4, "water_source,piped_dwelling,", "water_source,other,",
     "survey.csv:15:6: relevant of 'water_minutes', character 20: 'piped_dwelling' is not"},
    {"odk_wash", 2, 2, "2024031501", "2024 03 15",
     "settings.csv:2:3: version '2024 03 15' must be 1 to 32 letters"},
    {"kobo_library", 0, 13, "start=1 end=5 step=1", "start=1 end=5 step=0",
     "survey.csv:13:15: range needs start <= end and step > 0"},
    {"kobo_library", 0, 16, "round(${visits} div 3, 1)", "round(${visits} div 3, 1",
     "survey.csv:16:16: calculation of 'visits_per_month', character 25: expected ',' or ')'"},
    {"kobo_library", 0, 12, "select_multiple purpose or_other", "select_multiple purpose other",
     "survey.csv:12:1: 'other' after the list name 'purpose' is not supported"},
    {"kobo_library", 0, 11, "${visits} > 0", "${visits} > 0 and ${visit_count} > 0",
     "survey.csv:11:9: relevant of 'visit', character 19: no field named 'visit_count'"},
    /* and one that is no mistake: another code in choices.csv still reads */
    {"kobo_library", 1, 4, "city,4401", "city,4401x", NULL},
};

static void form__broken_public_forms_name_the_cell(void) {
    static const char *const files[] = {"survey.csv", "choices.csv", "settings.csv"};
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
        char *text[3] = {NULL, NULL, NULL}, **problems = NULL, rel[256], label[64];
        for (int k = 0; k < 3; k++) {
            snprintf(rel, sizeof rel, "tests/fixtures/forms/%s/%s", variants[i].form, files[k]);
            text[k] = lcmt_slurp(lcmt_path(rel), NULL);
        }
        char *changed =
            edit(text[variants[i].file], variants[i].line, variants[i].from, variants[i].to);
        snprintf(label, sizeof label, "variant %zu (%s)", i, variants[i].form);
        if (!changed)
            fprintf(stderr, "\n  %s: '%s' is not on line %ld\n", label, variants[i].from,
                    variants[i].line);
        CU_ASSERT_PTR_NOT_NULL_FATAL(changed);
        free(text[variants[i].file]);
        text[variants[i].file] = changed;
        lcm_form *f = NULL;
        lcm_err err = {0};
        lcm_status st = lcm_form_check_texts(text[0], text[1], text[2], &f, &problems, &err);
        if (!variants[i].error) {
            CU_ASSERT_EQUAL(st, LCM_OK);
        } else {
            CU_ASSERT_NOT_EQUAL(st, LCM_OK);
            if (!has_problem(problems, variants[i].error)) {
                show_problems(label, problems, variants[i].error);
                CU_FAIL("wrong message");
            }
        }
        lcm_form_problems_free(problems);
        lcm_form_free(f);
        for (int k = 0; k < 3; k++)
            free(text[k]);
    }
}

static void form__every_problem_at_once(void) {
    /* Four independent mistakes: all four come back, sorted by file, line and column. */
    static const char survey[] = "type,name,label,relevant,constraint\n"
                                 "integer,age,Age,,. >> 0\n"
                                 "select_one nolist,b,B,,\n"
                                 "integer,c,,,\n"
                                 "text,d,D,${nosuch} = 1,\n";
    static const char bad_choices[] = "list_name,name,label\nyn,1,yes\nyn,1,no\n";
    static const char *const want[] = {
        "survey.csv:2:5: constraint of 'age', character 4: expected a value",
        "survey.csv:3:1: no choice list 'nolist' in choices.csv",
        "survey.csv:4:3: question 'c' has no label",
        "survey.csv:5:4: relevant of 'd', character 1: no field named 'nosuch'",
        "choices.csv:3:2: list 'yn' has choice '1' twice",
    };
    lcm_form *f = NULL;
    char **problems = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL(lcm_form_check_texts(survey, bad_choices, settings, &f, &problems, &err),
                    LCM_PARSE);
    CU_ASSERT_PTR_NOT_NULL_FATAL(problems);
    size_t n = 0;
    for (; problems[n]; n++)
        if (n < 5 && strncmp(problems[n], want[n], strlen(want[n])) != 0)
            fprintf(stderr, "\n  problem %zu: got '%s'\n  want '%s'\n", n, problems[n], want[n]);
    CU_ASSERT_EQUAL(n, 5);
    for (size_t i = 0; i < 5 && i < n; i++)
        CU_ASSERT_EQUAL(strncmp(problems[i], want[i], strlen(want[i])), 0);
    CU_ASSERT_STRING_EQUAL(err.msg, problems[0]);
    lcm_form_problems_free(problems);
    /* A form with more problems than are kept says how many more there were. */
    char *many = malloc(64 * (LCM_FORM_MAX_PROBLEMS + 10) + 64);
    CU_ASSERT_PTR_NOT_NULL_FATAL(many);
    size_t len = (size_t)sprintf(many, "type,name,label\n");
    for (int i = 0; i < LCM_FORM_MAX_PROBLEMS + 10; i++)
        len += (size_t)sprintf(many + len, "signature,g%d,G\n", i);
    CU_ASSERT_EQUAL(lcm_form_check_texts(many, NULL, settings, &f, &problems, &err),
                    LCM_UNSUPPORTED);
    CU_ASSERT_PTR_NOT_NULL_FATAL(problems);
    CU_ASSERT_PTR_NOT_NULL(problems[LCM_FORM_MAX_PROBLEMS]);
    if (problems[LCM_FORM_MAX_PROBLEMS])
        CU_ASSERT_STRING_EQUAL(problems[LCM_FORM_MAX_PROBLEMS], "… and 10 more problems");
    CU_ASSERT_PTR_NULL(problems[LCM_FORM_MAX_PROBLEMS + 1]);
    lcm_form_problems_free(problems);
    free(many);
}

static void form__or_other_as_pyxform(void) {
    static const char survey[] = "type,name,label::zh,label::en\n"
                                 "select_one yn or_other,q,问,Q\n"
                                 "select_multiple yn or_other,m,多,M\n";
    lcm_form *f = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_form_read_texts(survey, choices, settings, &f, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_form_nfields(f), 4); /* q, q_other, m, m_other */
    const lcm_field *q = field(f, "q"), *m = field(f, "m");
    CU_ASSERT_EQUAL(q->list, m->list); /* one copy of yn with 'other' */
    CU_ASSERT_EQUAL(q->list->n, 3);
    CU_ASSERT_STRING_EQUAL(lcm_form_text(f, q->list->items[2].label, lcm_form_lang_index(f, "en")),
                           "Other");
    CU_ASSERT_STRING_EQUAL(lcm_form_text(f, q->list->items[2].label, lcm_form_lang_index(f, "zh")),
                           "其他");
    CU_ASSERT_EQUAL(field(f, "q_other")->line, q->line);
    CU_ASSERT_STRING_EQUAL(field(f, "m_other")->column, "m_other");
    CU_ASSERT_STRING_EQUAL(relevant(f, "m_other"), "selected(${m}, 'other')");
    /* 'other' is an answer now, and its text takes any value. */
    CU_ASSERT_EQUAL(lcm_form_validate_value(f, lcm_form_find(f, "q"), "other", &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_form_validate_value(f, lcm_form_find(f, "m"), "1 other", &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_form_validate_value(f, lcm_form_find(f, "m"), "2", &err), LCM_CONSTRAINT);
    lcm_form_free(f);
}

/* Finish an instance of the form in survey with answers "name=value" (NULL-ended) into
 * *out; returns the status, err filled. */
static lcm_status finish_with(const char *survey, const char *const *answers, lcm_form **f,
                              lcm_instance **in, lcm_err *err) {
    *f = NULL, *in = NULL;
    if (lcm_form_read_texts(survey, NULL, settings, f, err) != LCM_OK ||
        lcm_instance_new(*f, in, err) != LCM_OK)
        return LCM_INTERNAL;
    lcm_instance_set_meta(*in, "city", "4401", err);
    for (size_t i = 0; answers[i]; i++) {
        char name[32];
        const char *eq = strchr(answers[i], '=');
        snprintf(name, sizeof name, "%.*s", (int)(eq - answers[i]), answers[i]);
        lcm_instance_set(*in, lcm_form_find(*f, name), 0, eq + 1, err);
    }
    return lcm_instance_finish(*in, 1, err);
}

/* How an instance is brought up to date depends on the order of the form (form_plan.c):
 * in one pass when every relevant and calculation reads only fields above it (and then
 * checked in that pass when constraints do too), else again until nothing changes. Each
 * way gives the answers and the problems the form's rules say. */
static void form__evaluation_order(void) {
    lcm_form *f = read_dir("surveys/household"), *g = NULL;
    lcm_instance *in = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL(f->one_pass, 1);
    CU_ASSERT_EQUAL(f->fused, 1);
    /* The standard columns code names by index (form_int.h). */
    CU_ASSERT_STRING_EQUAL(lcm__std_cols[LCM__STD_ID].name, "instance_id");
    CU_ASSERT_STRING_EQUAL(lcm__std_cols[LCM__STD_CITY].name, "city");
    CU_ASSERT_STRING_EQUAL(lcm__std_cols[LCM__STD_WAVE].name, "wave");
    CU_ASSERT_STRING_EQUAL(lcm__std_cols[LCM__STD_DESIGN_WEIGHT].name, "design_weight");
    CU_ASSERT_STRING_EQUAL(lcm__std_cols[LCM__STD_FINAL_WEIGHT].name, "final_weight");
    CU_ASSERT_STRING_EQUAL(lcm__std_cols[LCM__STD_STATUS].name, "status");
    lcm_form_free(f);
    /* A calculation naming a field further down: passes until it settles. */
    static const char later[] = "type,name,label,calculation,relevant\n"
                                "calculate,total,,${b} + ${c},\n"
                                "integer,b,B,,\n"
                                "calculate,c,,${b} * 2,\n"
                                "integer,d,D,,${total} > 10\n";
    const char *const big[] = {"b=4", "d=1", NULL}, *const small[] = {"b=3", "d=1", NULL};
    CU_ASSERT_EQUAL(finish_with(later, big, &g, &in, &err), LCM_OK);
    CU_ASSERT_EQUAL(g->one_pass, 0);
    CU_ASSERT_STRING_EQUAL(lcm_instance_get(in, lcm_form_find(g, "total"), 0), "12");
    CU_ASSERT_STRING_EQUAL(lcm_instance_get(in, lcm_form_find(g, "d"), 0), "1");
    lcm_instance_free(in), lcm_form_free(g);
    CU_ASSERT_EQUAL(finish_with(later, small, &g, &in, &err), LCM_OK);
    CU_ASSERT_STRING_EQUAL(lcm_instance_get(in, lcm_form_find(g, "total"), 0), "9");
    CU_ASSERT_STRING_EQUAL(lcm_instance_get(in, lcm_form_find(g, "d"), 0), ""); /* not relevant */
    lcm_instance_free(in), lcm_form_free(g);
    /* A constraint naming a field further down: one pass, checked after it. */
    static const char check_later[] = "type,name,label,constraint\n"
                                      "integer,a,A,. < ${b}\n"
                                      "integer,b,B,\n";
    const char *const bad[] = {"a=5", "b=3", NULL}, *const good[] = {"a=2", "b=3", NULL};
    CU_ASSERT_EQUAL(finish_with(check_later, bad, &g, &in, &err), LCM_CONSTRAINT);
    CU_ASSERT_EQUAL(g->one_pass, 1);
    CU_ASSERT_EQUAL(g->fused, 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "field 'a': '5' breaks the constraint . < ${b}"));
    lcm_instance_free(in), lcm_form_free(g);
    CU_ASSERT_EQUAL(finish_with(check_later, good, &g, &in, &err), LCM_OK);
    lcm_instance_free(in), lcm_form_free(g);
    /* Checked in the pass: the first problem in form order is the one reported. */
    static const char fused[] = "type,name,label,constraint,required\n"
                                "integer,a,A,. > 1,\n"
                                "integer,b,B,. > ${a},yes\n"
                                "integer,c,C,,yes\n";
    const char *const two[] = {"a=2", "b=1", NULL}, *const one[] = {"a=2", "b=3", NULL};
    CU_ASSERT_EQUAL(finish_with(fused, two, &g, &in, &err), LCM_CONSTRAINT);
    CU_ASSERT_EQUAL(g->fused, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "field 'b': '1' breaks the constraint . > ${a}"));
    lcm_instance_free(in), lcm_form_free(g);
    CU_ASSERT_EQUAL(finish_with(fused, one, &g, &in, &err), LCM_CONSTRAINT);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "field 'c' is required but has no answer"));
    lcm_instance_free(in), lcm_form_free(g);
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
        {"age", "15", 0}, /* constraint on '.' alone: 16 to 100 */
        {"age", "16", 1},
        {"age", "101", 0},
        {"age", "", 1}, /* empty: required is checked on the whole instance */
        {"sex", "2", 1},
        {"sex", "3", 0},
        {"aware", "cc pc", 1},
        {"aware", "cc xx", 0},
        {"aware", "cc cc", 0},
        {"aware", "none", 1},
        {"aware", "cc none", 0}, /* 'none' goes alone */
        {"sat_overall", "5", 1},
        {"sat_overall", "6", 0},
        {"sat_overall", "2.5", 0},
        {"sat_cc", "1", 1},
        {"sat_cc", "0", 0},
        {"freq_ol", "4", 1},
        {"freq_ol", "5", 0},
        {"barriers", "time other", 1},
        {"barriers", "none", 0},
        {"learn_hours", "2000", 1},
        {"learn_hours", "2001", 0},
        {"learn_hours", "-0", 1}, /* constraint 0..2000 on '.': -0 is 0 */
        {"learn_hours", "00042", 1},
        {"learn_hours", "999999999999999999", 0},   /* 18 digits: a number, too many hours */
        {"learn_hours", "99999999999999999999", 0}, /* 20 digits: not a 64-bit integer */
        {"learn_hours", "12a", 0},
        {"learn_hours", "-", 0},
        {"sat_overall", "-0", 0},
        {"sat_overall", "4.0", 1}, /* a decimal on the scale */
        {"sat_overall", "0004", 1},
        {"hh_size", "0", 0},
        {"consent", "0", 1},
        {"consent", "2", 0},
        {"city", "440", 0},
        {"city", "4401", 1},
        {"intro", "x", 0},            /* a note */
        {"township", "440106001", 1}, /* refers to ${county}: left to finish */
        {"today", "2026-02-30", 1},   /* metadata: filled by lcmon, not checked as a date */
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
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "受访者应在16至100岁之间")); /* the zh message */
    lcm_form_free(f);
}

/* An import reuses one instance for every row and remembers what each relevant and
 * calculation gave for the answers it names (form_memo.c). Over 1,000 instances, more
 * different answers than it keeps, every result is the one the rules give for that
 * instance's own answers, inside the roster too; today() and position(..) are evaluated
 * each time (they do not depend on the answers alone), and so is a field of the roster read
 * from outside it. */
static void form__remembered_results_are_the_instances_own(void) {
    static const char survey[] = "type,name,label,calculation,relevant\n"
                                 "integer,n,N,,\n"
                                 "calculate,dbl,,${n} * 2,\n"
                                 "calculate,size,,\"if(${n} > 500, 'big', 'small')\",\n"
                                 "integer,third,T,,${n} mod 3 = 0\n"
                                 "calculate,day,,\"concat(${n}, '@', today())\",\n"
                                 "begin repeat,rows,R,,\n"
                                 "integer,k,K,,\n"
                                 "calculate,kn,,${k} * 10 + ${n},\n"
                                 "calculate,pos,,position(..) + ${k},\n"
                                 "end repeat,,,,\n"
                                 "calculate,kfirst,,${k} + 1,\n";
    lcm_form *f = NULL;
    lcm_instance *in = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_form_read_texts(survey, NULL, settings, &f, &err), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_instance_new(f, &in, &err), LCM_OK);
    int n = lcm_form_find(f, "n"), third = lcm_form_find(f, "third"),
        rows = lcm_form_find(f, "rows");
    int k = lcm_form_find(f, "k"), bad = 0;
    for (int round = 0; round < 3; round++) /* up, down, 0-4 again and again */
        for (int v = 0; v < 1000; v++) {
            char text[32], want[64];
            long row;
            CU_ASSERT_EQUAL_FATAL(lcm_instance_reset(in, &err), LCM_OK);
            int x = round == 0 ? v : round == 1 ? 999 - v : v % 5;
            in->today = (round == 2 ? v / 5 : v) % 2 ? "2026-01-02" : "2026-01-01";
            snprintf(text, sizeof text, "%d", x);
            lcm_instance_set(in, n, 0, text, &err);
            lcm_instance_set(in, third, 0, "7", &err);
            for (int r = 0; r < 2; r++) {
                lcm_instance_add_row(in, rows, &row, &err);
                snprintf(want, sizeof want, "%d", (v + r) % 7);
                lcm_instance_set(in, k, row, want, &err);
            }
            if (lcm_instance_finish(in, 1, &err) != LCM_OK) {
                fprintf(stderr, "\n  %s\n", err.msg);
                bad++;
                continue;
            }
            snprintf(want, sizeof want, "%d", 2 * x);
            bad += strcmp(lcm_instance_get(in, lcm_form_find(f, "dbl"), 0), want) != 0;
            bad += strcmp(lcm_instance_get(in, lcm_form_find(f, "size"), 0),
                          x > 500 ? "big" : "small") != 0;
            bad += strcmp(lcm_instance_get(in, third, 0), x % 3 == 0 ? "7" : "") != 0;
            snprintf(want, sizeof want, "%d@%s", x, in->today);
            bad += strcmp(lcm_instance_get(in, lcm_form_find(f, "day"), 0), want) != 0;
            snprintf(want, sizeof want, "%d", v % 7 + 1); /* the first row's, as ODK reads it */
            bad += strcmp(lcm_instance_get(in, lcm_form_find(f, "kfirst"), 0), want) != 0;
            for (int r = 0; r < 2; r++) {
                snprintf(want, sizeof want, "%d", (v + r) % 7 * 10 + x);
                bad += strcmp(lcm_instance_get(in, lcm_form_find(f, "kn"), r + 1), want) != 0;
                snprintf(want, sizeof want, "%d", r + 1 + (v + r) % 7);
                bad += strcmp(lcm_instance_get(in, lcm_form_find(f, "pos"), r + 1), want) != 0;
            }
        }
    CU_ASSERT_EQUAL(bad, 0);
    lcm_instance_free(in);
    lcm_form_free(f);
}

const lcmt_case lcmt_form_cases[] = {
    {"form__remembered_results_are_the_instances_own",
     form__remembered_results_are_the_instances_own},
    {"form__evaluation_order", form__evaluation_order},
    {"form__household_reads", form__household_reads},
    {"form__household_fields_estimation_reads", form__household_fields_estimation_reads},
    {"form__public_style_forms_read", form__public_style_forms_read},
    {"form__broken_forms_name_the_cell", form__broken_forms_name_the_cell},
    {"form__broken_public_forms_name_the_cell", form__broken_public_forms_name_the_cell},
    {"form__every_problem_at_once", form__every_problem_at_once},
    {"form__or_other_as_pyxform", form__or_other_as_pyxform},
    {"form__validate_value_by_type", form__validate_value_by_type},
    {NULL, NULL},
};
