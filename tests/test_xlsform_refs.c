/*
 * test_xlsform_refs.c - what pyxform refuses across sheets (engine/form_refs.c): ${name} in
 * labels, choice labels, trigger and instance_name naming no question; the entities sheet
 * and save_to (ODK entities). Each expected verdict is pyxform 4.5's on the same form, per
 * the rule named in the case; the forms are written here.
 */
#include "form.h"
#include "testing.h"

#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Check the form of a folder holding survey.csv (and entities.csv, choices.csv when given):
 * LCM_OK, or the first problem in err. */
static lcm_status check(const char *survey, const char *entities, const char *choices,
                        lcm_err *err) {
    static int n;
    char dir[4096], path[4200], name[32];
    snprintf(name, sizeof name, "refs_%d", n++);
    snprintf(dir, sizeof dir, "%s", lcmt_tmp(name));
    mkdir(dir, 0700);
    const char *files[3] = {survey, entities, choices};
    const char *names[3] = {"survey.csv", "entities.csv", "choices.csv"};
    for (int i = 0; i < 3; i++)
        if (files[i]) {
            snprintf(path, sizeof path, "%s/%s", dir, names[i]);
            lcmt_write(path, files[i], strlen(files[i]));
        }
    lcm_form *f = NULL;
    char **problems = NULL;
    lcm_status st = lcm_form_check_dir(dir, &f, &problems, err);
    lcm_form_problems_free(problems);
    lcm_form_free(f);
    return st;
}

static void expect(const char *survey, const char *entities, const char *choices,
                   const char *problem) {
    lcm_err err = {0};
    lcm_status st = check(survey, entities, choices, &err);
    if (problem) {
        CU_ASSERT_NOT_EQUAL(st, LCM_OK);
        if (!lcmt_has(err.msg, problem))
            fprintf(stderr, "\n  want '%s', got '%s'\n", problem, err.msg);
        CU_ASSERT(lcmt_has(err.msg, problem));
    } else {
        if (st != LCM_OK)
            fprintf(stderr, "\n  unexpected: %s\n", err.msg);
        CU_ASSERT_EQUAL(st, LCM_OK);
    }
}

/* XLSForm: a ${name} in a label, hint or media cell must name an element of the survey
 * (meta/instanceID counts unless omit_instanceID); a trigger names a question someone
 * answers. */
static void xlsform_refs__names_in_texts(void) {
    expect("type,name,label\ntext,q1,Q1\nnote,n,Saw ${q1}\n", NULL, NULL, NULL);
    expect("type,name,label\ntext,q1,Q1\nnote,n,Saw ${q1x}\n", NULL, NULL,
           "survey.csv:3:3: label names '${q1x}', which is no question");
    expect("type,name,label\ntext,q1,Q1 ${instanceID}\n", NULL, NULL, NULL);
    expect("type,name,label\nselect_one c,q1,Q1\ntext,q2,Q2\n", NULL,
           "list_name,name,label::English (en)\nc,a,A ${q2}\nc,b,B ${q3}\n",
           "choices.csv:3:3: label::English (en) names '${q3}'");
    expect("type,name,label,trigger,calculation\ninteger,a,A,,\ndateTime,b,,${a},now()\n", NULL,
           NULL, NULL);
    expect("type,name,label,trigger,calculation\ninteger,a,A,,\ndateTime,b,,${c},now()\n", NULL,
           NULL, "survey.csv:3:4: trigger names '${c}'");
    expect("type,name,label,trigger,calculation\ncalculate,a,A,,1+1\ndateTime,b,,${a},now()\n",
           NULL, NULL, "trigger '${a}' is a calculate");
    expect("type,name,label,trigger\ninteger,t,T,\nbackground-geopoint,g,,\n", NULL, NULL,
           "survey.csv:3:4: a background-geopoint needs a trigger");
}

/* ODK entities spec (XLSForm docs, "Entities"): the sheet's columns and names, the label a
 * creation needs, save_to's list#property form and its uniqueness. */
static void xlsform_refs__entities_sheet_and_save_to(void) {
    const char *one = "type,name,label,save_to\ntext,q1,Q1,p1\ntext,q2,Q2,p2\n";
    expect(one, "list_name,label\ntrees,${q1}\n", NULL, NULL);
    expect(one, NULL, NULL, "survey.csv:2:4: save_to needs an entity declared in entities.csv");
    expect(one, "list_name,label,colour\ntrees,${q1},x\n", NULL,
           "entities.csv:1:3: column 'colour' is not one of");
    expect(one, "list_name,label\ntr.ees,${q1}\n", NULL, "entity list name 'tr.ees' must");
    expect(one, "list_name,label\n__trees,${q1}\n", NULL, "entity list name '__trees' must");
    expect(one, "list_name\ntrees\n", NULL, "'trees' creates entities but has no label");
    expect(one, "list_name,entity_id\ntrees,${q1}\n", NULL, NULL); /* an update: no label */
    expect(one, "list_name,update_if\ntrees,${q1} != ''\n", NULL,
           "has an update_if but no entity_id");
    expect(one, "list_name,label\ntrees,${q9}\n", NULL, "entities.csv:2:2: label names '${q9}'");
    expect("type,name,label,save_to\ntext,q1,Q1,p1\ntext,q2,Q2,p1\n", "list_name,label\ntrees,T\n",
           NULL, "survey.csv:3:4: entity property 'p1' is already");
    expect("type,name,label,save_to\ntext,q1,Q1,name\n", "list_name,label\ntrees,T\n", NULL,
           "save_to property 'name' is reserved");
    expect("type,name,label,save_to\nbegin_group,g,G,p1\ntext,q1,Q1,\nend_group,,,\n",
           "list_name,label\ntrees,T\n", NULL, "a begin group cannot be saved");
    /* Two entities: each property says whose it is, and each sits in a group of its own. */
    expect("type,name,label,save_to\ntext,q1,Q1,trees#p1\nbegin_group,g,G,\n"
           "text,q2,Q2,birds#p1\nend_group,,,\n",
           "list_name,label\ntrees,T\nbirds,B\n", NULL, NULL);
    expect("type,name,label,save_to\ntext,q1,Q1,p1\ntext,q2,Q2,birds#p1\n",
           "list_name,label\ntrees,T\nbirds,B\n", NULL,
           "with several entities write list#property");
    expect("type,name,label,save_to\ntext,q1,Q1,trees#p1\ntext,q2,Q2,birds#p1\n",
           "list_name,label\ntrees,T\nbirds,B\n", NULL,
           "entities.csv:3:1: entity list 'birds' would sit in 'the survey', where the entity of "
           "line 2 already sits");
    expect("type,name,label,save_to\ntext,q1,Q1,fish#p1\n", "list_name,label\ntrees,T\n", NULL,
           "save_to 'fish#p1' names an entity list that entities.csv does not declare");
}

/* An entity lives in one repeat: save_to inside and outside a repeat cannot mix, nor can
 * references to two sibling repeats. A reference around its repeat is fine. */
static void xlsform_refs__entity_in_one_repeat(void) {
    expect("type,name,label,save_to\ntext,q0,Q0,\nbegin_repeat,r,R,\ntext,q1,Q1,p1\n"
           "end_repeat,,,\n",
           "list_name,label\ntrees,\"concat(${q1}, ${q0})\"\n", NULL, NULL);
    expect("type,name,label,save_to\ntext,q0,Q0,p0\nbegin_repeat,r,R,\ntext,q1,Q1,p1\n"
           "end_repeat,,,\n",
           "list_name,label\ntrees,T\n", NULL, "survey.csv:4:4: save_to of entity list 'trees'");
    expect("type,name,label,save_to\nbegin_repeat,r,R,\ntext,q1,Q1,p1\nend_repeat,,,\n"
           "begin_repeat,s,S,\ntext,q2,Q2,\nend_repeat,,,\n",
           "list_name,label\ntrees,${q2}\n", NULL, "entities.csv:2:2: entity list 'trees' refers");
}

/* pyxform adds <repeat>_count for a repeat_count that is not a single ${name}; the name
 * must be free. A repeat may not take the root's name ("data"); an audit is "audit". */
static void xlsform_refs__names_pyxform_takes(void) {
    expect("type,name,label,repeat_count\ninteger,r1_count,N,\nbegin_repeat,r1,R,${r1_count}\n"
           "text,q,Q,\nend_repeat,,,\n",
           NULL, NULL, NULL);
    expect("type,name,label,repeat_count\ninteger,r1_count,N,\nbegin_repeat,r1,R,2\n"
           "text,q,Q,\nend_repeat,,,\n",
           NULL, NULL, "repeat_count of 'r1' is an expression, for which XLSForm adds a field");
    expect("type,name,label\nbegin repeat,data,R\ntext,q,Q\nend repeat,,\n", NULL, NULL,
           "repeat 'data' takes the name of the form's root");
    expect("type,name,label\naudit,bobby,\n", NULL, NULL, "an audit is always named 'audit'");
    expect("type,name,label\naudit,,\n", NULL, NULL, NULL);
}

/* XLSForm "dynamic defaults": a default that is an expression is evaluated when the
 * question is first shown (here: 3 answered to q0, so q1 starts at 3 + 1); a literal
 * default stays a literal, and a literal of the wrong type is still refused. */
static void xlsform_refs__dynamic_defaults(void) {
    lcm_err err = {0};
    lcm_form *f = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_form_read_texts("type,name,label,default\ninteger,q0,Q0,7\n"
                                              "integer,q1,Q1,${q0} + 1\ndate,d,D,today()\n",
                                              NULL, "form_id,version\nt,1\n", &f, &err),
                          LCM_OK);
    lcm_instance *in = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_instance_new(f, &in, &err), LCM_OK);
    char *v = NULL;
    CU_ASSERT_EQUAL(lcm_instance_default(in, 0, 0, &v, &err), LCM_OK);
    CU_ASSERT_STRING_EQUAL(v ? v : "(null)", "7");
    free(v);
    CU_ASSERT_EQUAL(lcm_instance_set(in, 0, 0, "3", &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_instance_default(in, 1, 0, &v, &err), LCM_OK);
    CU_ASSERT_STRING_EQUAL(v ? v : "(null)", "4");
    free(v);
    CU_ASSERT_PTR_NULL(lcm_form_field(f, 1)->default_value); /* never shown as a literal */
    CU_ASSERT_EQUAL(lcm_instance_default(in, 2, 0, &v, &err), LCM_OK);
    CU_ASSERT_EQUAL(v ? strlen(v) : 0, 10); /* today's YYYY-MM-DD */
    free(v);
    lcm_instance_free(in);
    lcm_form_free(f);
    /* a literal of another type: no default, with a warning (test_form_pyxform.c) */
    expect("type,name,label,default\ninteger,q0,Q0,2.5\n", NULL, NULL, NULL);
}

/* pyxform: names are unique within their nearest group or repeat, compared with case. The
 * response table compares column names without case, so the later one is qualified:
 * "<group>_<name>" in another group, "<name>_<line>" beside one differing in case. */
static void xlsform_refs__same_name_in_two_groups(void) {
    lcm_err err = {0};
    lcm_form *f = NULL;
    CU_ASSERT_EQUAL_FATAL(
        lcm_form_read_texts("type,name,label\nbegin group,g1,G1\ninteger,q,Q\nend group,,\n"
                            "begin group,g2,G2\ninteger,q,Q\nend group,,\n"
                            "text,age,A\ntext,AGE,B\n",
                            NULL, "form_id,version\nt,1\n", &f, &err),
        LCM_OK);
    CU_ASSERT_STRING_EQUAL(lcm_form_field(f, 1)->column, "q");
    CU_ASSERT_STRING_EQUAL(lcm_form_field(f, 4)->column, "g2_q");
    CU_ASSERT_STRING_EQUAL(lcm_form_field(f, 6)->column, "age");
    CU_ASSERT_STRING_EQUAL(lcm_form_field(f, 7)->column, "AGE_9");
    CU_ASSERT_EQUAL(lcm_form_find(f, "AGE"), 7); /* the exact name first */
    lcm_form_free(f);
    expect("type,name,label\nbegin group,g1,G1\ninteger,q,Q\ninteger,q,Q\nend group,,\n", NULL,
           NULL, "survey.csv:4:2: name 'q' is already used on line 3");
}

const lcmt_case lcmt_xlsform_refs_cases[] = {
    {"xlsform_refs__same_name_in_two_groups", xlsform_refs__same_name_in_two_groups},
    {"xlsform_refs__dynamic_defaults", xlsform_refs__dynamic_defaults},
    {"xlsform_refs__names_in_texts", xlsform_refs__names_in_texts},
    {"xlsform_refs__entities_sheet_and_save_to", xlsform_refs__entities_sheet_and_save_to},
    {"xlsform_refs__entity_in_one_repeat", xlsform_refs__entity_in_one_repeat},
    {"xlsform_refs__names_pyxform_takes", xlsform_refs__names_pyxform_takes},
    {NULL, NULL},
};
