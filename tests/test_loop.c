/*
 * test_loop.c - `begin loop over L` / `end loop` expanded at load as pyxform does
 * (builder.py _create_loop_from_dict): a group named and labelled as the loop, holding a
 * group per choice of L (not `none`) with the loop's rows, `%(name)s` and `%(label)s`
 * replaced by the choice's name and label in each language. tests/fixtures/loop is
 * written for this test.
 */
#include "testing.h"

#include "form.h"

#include <stdio.h>
#include <string.h>

static void loop__expands_to_a_group_per_choice(void) {
    lcm_form *f = NULL;
    lcm_err e = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_form_read_dir(lcmt_path("tests/fixtures/loop"), &f, &e), LCM_OK);
    size_t zh = lcm_form_lang_index(f, "zh"), en = lcm_form_lang_index(f, "en");
    /* has, tl, pit, n, end, flush, n, end, end: `none` makes no group */
    CU_ASSERT_EQUAL_FATAL(lcm_form_nfields(f), 9);
    const struct {
        const char *name;
        lcm_field_type type;
        const char *zh, *en, *column, *relevant;
    } want[] = {
        {"has", LCM_FT_SELECT_MULTIPLE, "家里有哪些厕所", "Which toilets does the home have", "has",
         NULL},
        {"tl", LCM_FT_BEGIN_GROUP, "厕所", "Toilets", NULL, NULL},
        {"pit", LCM_FT_BEGIN_GROUP, "旱厕", "Pit latrine", NULL, NULL},
        {"n", LCM_FT_INTEGER, "旱厕的数量", "Number of Pit latrine", "n",
         "selected(${has}, 'pit')"},
        {"", LCM_FT_END_GROUP, "", "", NULL, NULL},
        {"flush", LCM_FT_BEGIN_GROUP, "水冲厕所", "Flush toilet", NULL, NULL},
        {"n", LCM_FT_INTEGER, "水冲厕所的数量", "Number of Flush toilet", "flush_n",
         "selected(${has}, 'flush')"},
        {"", LCM_FT_END_GROUP, "", "", NULL, NULL},
        {"", LCM_FT_END_GROUP, "", "", NULL, NULL},
    };
    for (size_t i = 0; i < 9; i++) {
        const lcm_field *fd = lcm_form_field(f, i);
        CU_ASSERT_STRING_EQUAL(fd->name, want[i].name);
        CU_ASSERT_EQUAL(fd->type, want[i].type);
        CU_ASSERT_STRING_EQUAL(lcm_form_text(f, fd->label, zh), want[i].zh);
        CU_ASSERT_STRING_EQUAL(lcm_form_text(f, fd->label, en), want[i].en);
        if (want[i].column)
            CU_ASSERT(fd->column && strcmp(fd->column, want[i].column) == 0);
        if (want[i].relevant)
            CU_ASSERT(fd->relevant && strcmp(lcm_expr_source(fd->relevant), want[i].relevant) == 0);
    }
    CU_ASSERT_EQUAL(lcm_form_field(f, 3)->parent, 2); /* n inside pit inside tl */
    CU_ASSERT_EQUAL(lcm_form_field(f, 2)->parent, 1);
    /* the substituted relevance works: only the pit's count is asked */
    lcm_instance *in = NULL;
    int rel = -1;
    CU_ASSERT_EQUAL_FATAL(lcm_instance_new(f, &in, &e), LCM_OK);
    CU_ASSERT_EQUAL(lcm_instance_set(in, 0, 0, "pit", &e), LCM_OK);
    CU_ASSERT_EQUAL(lcm_instance_relevant(in, 3, 0, &rel, &e), LCM_OK);
    CU_ASSERT_EQUAL(rel, 1);
    CU_ASSERT_EQUAL(lcm_instance_relevant(in, 6, 0, &rel, &e), LCM_OK);
    CU_ASSERT_EQUAL(rel, 0);
    lcm_instance_free(in);
    lcm_form_free(f);
}

/* A loop over a list choices.csv lacks is a problem naming the row. */
static void loop__over_a_missing_list_names_the_row(void) {
    lcm_form *f = NULL;
    char **problems = NULL;
    lcm_err e = {0};
    const char *survey = "type,name,label\nbegin loop over nosuch,l,L\ninteger,q,Q %(label)s\n"
                         "end loop,,\n";
    CU_ASSERT_NOT_EQUAL(lcm_form_check_texts_as(survey, "list_name,name,label\nc,a,A\n", NULL, "x",
                                                &f, &problems, &e),
                        LCM_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(problems);
    CU_ASSERT(lcmt_has(problems[0], "survey.csv:2:1: no choice list 'nosuch' in choices.csv"));
    lcm_form_problems_free(problems);
    lcm_form_free(f);
}

const lcmt_case lcmt_loop_cases[] = {
    {"loop__expands_to_a_group_per_choice", loop__expands_to_a_group_per_choice},
    {"loop__over_a_missing_list_names_the_row", loop__over_a_missing_list_names_the_row},
    {NULL, NULL},
};
