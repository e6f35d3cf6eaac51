/*
 * test_form_pyxform.c - XLSForm as pyxform takes it (issue 17): forms pyxform accepts that
 * lcmon once refused are read AND handled — a choice_filter column no choice has (empty for
 * every choice, with a warning), `osm L`, a calculate whose value is its dynamic default,
 * the `calculate` header, a survey of no rows, a list with its own `other` under or_other,
 * allow_choice_duplicates, a field named like a standard column (its own column, with a
 * warning). Fixtures are written here (pyxform's corpus is not copied).
 */
#include "testing.h"

#include "form.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char settings[] = "form_id,version\nt,1\n";

static lcm_form *read_ok(const char *survey, const char *choices, const char *sets) {
    lcm_form *f = NULL;
    lcm_err err = {0};
    if (lcm_form_read_texts(survey, choices, sets ? sets : settings, &f, &err) != LCM_OK)
        fprintf(stderr, "\n  %s\n", err.msg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    return f;
}

static const lcm_field *field(const lcm_form *f, const char *name) {
    int i = lcm_form_find(f, name);
    CU_ASSERT_FATAL(i >= 0);
    return lcm_form_field(f, (size_t)i);
}

static int has_warning(const lcm_form *f, const char *want) {
    for (size_t i = 0; i < lcm_form_nwarnings(f); i++)
        if (strcmp(lcm_form_warning(f, i), want) == 0)
            return 1;
    for (size_t i = 0; i < lcm_form_nwarnings(f); i++)
        fprintf(stderr, "\n  warning: %s", lcm_form_warning(f, i));
    fprintf(stderr, "\n  wanted: %s\n", want);
    return 0;
}

/* pyxform passes a choice_filter on unchecked; ODK reads a column the item lacks as
 * empty. lcmon does the same and says so. */
static void form_pyxform__filter_column_missing_is_empty(void) {
    lcm_form *f = read_ok("type,name,label,choice_filter\n"
                          "text,t,T,\n"
                          "select_one yn,a,A,state = ${t}\n"
                          "select_one yn,b,B,state = ''\n",
                          "list_name,name,label\nyn,y,Yes\nyn,n,No\n", NULL);
    CU_ASSERT(has_warning(f, "survey.csv:3:4: choice_filter of 'a' names 'state', which is not a "
                             "column of list 'yn': it is empty for every choice"));
    lcm_instance *in = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_instance_new(f, &in, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_instance_set(in, lcm_form_find(f, "t"), 0, "ca", &err), LCM_OK);
    const lcm_field *a = field(f, "a"), *b = field(f, "b");
    int vis = -1;
    CU_ASSERT_EQUAL(
        lcm_instance_choice_visible(in, lcm_form_find(f, "a"), 0, &a->list->items[0], &vis, &err),
        LCM_OK);
    CU_ASSERT_EQUAL(vis, 0); /* '' = 'ca' */
    CU_ASSERT_EQUAL(
        lcm_instance_choice_visible(in, lcm_form_find(f, "b"), 0, &b->list->items[1], &vis, &err),
        LCM_OK);
    CU_ASSERT_EQUAL(vis, 1); /* '' = '' */
    lcm_instance_free(in);
    lcm_form_free(f);
}

static void form_pyxform__osm_with_tags_is_a_file(void) {
    lcm_form *f =
        read_ok("type,name,label\nosm building_tags,b,Building\nosm,r,Road\n", NULL, NULL);
    const lcm_field *b = field(f, "b");
    CU_ASSERT_EQUAL(b->type, LCM_FT_TEXT);
    CU_ASSERT_EQUAL(b->text_kind, LCM_TK_MEDIA);
    CU_ASSERT_STRING_EQUAL(b->media_type, "osm");
    CU_ASSERT_STRING_EQUAL(b->column, "b");
    lcm_form_free(f);
}

/* A calculate without a calculation takes its dynamic default once (pyxform: setvalue on
 * first load); a value set by other means (an import) stays. The header `calculate` is
 * pyxform's alias of `calculation`. */
static void form_pyxform__calculate_from_its_default(void) {
    lcm_form *f = read_ok("type,name,label,calculate,default\n"
                          "integer,a,A,,\n"
                          "calculate,c,,,${a} + 1\n"
                          "calculate,d,,${a} * 2,\n",
                          NULL, NULL);
    CU_ASSERT_PTR_NULL(field(f, "c")->calculation);
    CU_ASSERT_PTR_NOT_NULL(field(f, "c")->default_expr);
    CU_ASSERT_STRING_EQUAL(lcm_expr_source(field(f, "d")->calculation), "${a} * 2");
    lcm_instance *in = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_instance_new(f, &in, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_instance_set(in, lcm_form_find(f, "a"), 0, "4", &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_instance_update(in, &err), LCM_OK);
    CU_ASSERT_STRING_EQUAL(lcm_instance_get(in, lcm_form_find(f, "c"), 0), "5");
    CU_ASSERT_STRING_EQUAL(lcm_instance_get(in, lcm_form_find(f, "d"), 0), "8");
    /* given once: a later change of a does not move it */
    CU_ASSERT_EQUAL(lcm_instance_set(in, lcm_form_find(f, "a"), 0, "10", &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_instance_update(in, &err), LCM_OK);
    CU_ASSERT_STRING_EQUAL(lcm_instance_get(in, lcm_form_find(f, "c"), 0), "5");
    CU_ASSERT_STRING_EQUAL(lcm_instance_get(in, lcm_form_find(f, "d"), 0), "20");
    /* a value set by other means stays */
    CU_ASSERT_EQUAL(lcm_instance_reset(in, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_instance_set(in, lcm_form_find(f, "c"), 0, "42", &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_instance_update(in, &err), LCM_OK);
    CU_ASSERT_STRING_EQUAL(lcm_instance_get(in, lcm_form_find(f, "c"), 0), "42");
    lcm_instance_free(in);
    lcm_form_free(f);
}

static void form_pyxform__survey_without_rows(void) {
    lcm_form *f = read_ok("type,name,label\n", NULL, NULL);
    CU_ASSERT_EQUAL(lcm_form_nfields(f), 0);
    CU_ASSERT_STRING_EQUAL(lcm_form_table(f), "resp_t_1");
    lcm_form_free(f);
}

/* or_other over a list with its own `other`: that choice, with its label, moved last. */
static void form_pyxform__own_other_under_or_other(void) {
    lcm_form *f = read_ok("type,name,label\nselect_one c or_other,q,Q\n",
                          "list_name,name,label\nc,other,Something else\nc,a,A\n", NULL);
    const lcm_field *q = field(f, "q");
    CU_ASSERT_EQUAL(q->list->n, 2);
    CU_ASSERT_STRING_EQUAL(q->list->items[0].name, "a");
    CU_ASSERT_STRING_EQUAL(q->list->items[1].name, "other");
    CU_ASSERT_STRING_EQUAL(lcm_form_text(f, q->list->items[1].label, 0), "Something else");
    CU_ASSERT_STRING_EQUAL(field(f, "q_other")->column, "q_other");
    lcm_form_free(f);
}

/* allow_choice_duplicates: the cascade's county under two states; a select_multiple stores
 * a name given twice in one column. */
static void form_pyxform__choice_duplicates_allowed(void) {
    static const char choices[] = "list_name,name,label,st\n"
                                  "s,tx,Texas,\ns,wa,Washington,\n"
                                  "c,king,King,wa\nc,king,King,tx\nc,pierce,Pierce,wa\n";
    static const char survey[] = "type,name,label,choice_filter\n"
                                 "select_one s,s,S,\nselect_one c,c,C,st = ${s}\n"
                                 "select_multiple c,m,M,\n";
    lcm_form *f = NULL;
    lcm_err err = {0};
    CU_ASSERT_NOT_EQUAL(lcm_form_read_texts(survey, choices, settings, &f, &err), LCM_OK);
    CU_ASSERT(lcmt_has(err.msg, "choices.csv:5:2: list 'c' has choice 'king' twice"));
    f = read_ok(survey, choices, "form_id,version,allow_choice_duplicates\nt,1,yes\n");
    const lcm_field *c = field(f, "c"), *m = field(f, "m");
    CU_ASSERT_EQUAL(c->list->n, 3);
    lcm_instance *in = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_instance_new(f, &in, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_instance_set(in, lcm_form_find(f, "s"), 0, "tx", &err), LCM_OK);
    int vis[3];
    for (size_t k = 0; k < 3; k++)
        lcm_instance_choice_visible(in, lcm_form_find(f, "c"), 0, &c->list->items[k], &vis[k],
                                    &err);
    CU_ASSERT(!vis[0] && vis[1] && !vis[2]); /* king of Texas only */
    CU_ASSERT_EQUAL(lcm_form_validate_value(f, lcm_form_find(f, "c"), "king", &err), LCM_OK);
    CU_ASSERT(lcm_field_choice_column(m, 0) && !lcm_field_choice_column(m, 1) &&
              lcm_field_choice_column(m, 2));
    lcm_instance_free(in);
    lcm_form_free(f);
}

/* pyxform knows no standard columns: a field `city` without lcmon_column is stored in a
 * column of its own, and the form says where. */
static void form_pyxform__field_named_like_a_standard_column(void) {
    lcm_form *f = read_ok("type,name,label\ntext,city,City\nbegin repeat,r,R\n"
                          "text,position,P\nend repeat,,\n",
                          NULL, NULL);
    CU_ASSERT_STRING_EQUAL(field(f, "city")->column, "city_2");
    CU_ASSERT_STRING_EQUAL(field(f, "position")->column, "position_4");
    CU_ASSERT(has_warning(f, "survey.csv:2:2: field 'city' is stored in column 'city_2': 'city' "
                             "is a standard column of the response table (give the field "
                             "lcmon_column if it holds that standard value)"));
    lcm_form_free(f);
}

/* Write the files (name, text pairs, NULL-ended) into a fresh folder below the test's
 * temporary one; returns the folder (static buffer). */
static const char *form_dir(const char *name, const char *const *files) {
    static char dir[4096];
    snprintf(dir, sizeof dir, "%s", lcmt_tmp(name));
    mkdir(dir, 0700);
    for (size_t i = 0; files[i]; i += 2) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        remove(path);
        lcmt_write(path, files[i + 1], strlen(files[i + 1]));
    }
    return dir;
}

/* select_one_from_file with the file not beside the form: pyxform accepts the form (the
 * device gets the file); lcmon checks it with a warning and takes no answers to it, and
 * `form load` asks for the file. With the file there, its choices are the list. */
static void form_pyxform__choices_file_missing_at_check(void) {
    static const char survey[] = "type,name,label\nselect_one_from_file towns.csv,t,Town\n"
                                 "select_multiple_from_file towns.csv,m,Towns\n";
    const char *dir = form_dir("extmiss", (const char *const[]){"survey.csv", survey, NULL});
    char d[4096];
    snprintf(d, sizeof d, "%s", dir);
    lcm_form *f = NULL;
    char **problems = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_form_check_dir(d, &f, &problems, &err), LCM_OK);
    CU_ASSERT(has_warning(f, "survey.csv:2:1: data file 'towns.csv' is not beside the form: its "
                             "choices are known once it is (form load needs it)"));
    CU_ASSERT_STRING_EQUAL(lcm_form_missing_file(f),
                           "survey.csv:2:1: data file 'towns.csv' is not beside the form");
    lcm_instance *in = NULL;
    CU_ASSERT_EQUAL(lcm_instance_new(f, &in, &err), LCM_NOTFOUND);
    CU_ASSERT_PTR_NULL(in);
    CU_ASSERT(lcmt_has(err.msg, "data file 'towns.csv' is not beside the form: answers need it"));
    lcm_form_free(f);
    char db[4096], *out = NULL, *errs = NULL;
    snprintf(db, sizeof db, "%s", lcmt_tmp("extmiss.db"));
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"init", db, NULL}, NULL, &out, &errs), 0);
    free(out), free(errs);
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"form", "load", db, d, NULL}, NULL, &out, &errs), 1);
    CU_ASSERT(lcmt_has(errs, "survey.csv:2:1: data file 'towns.csv' is not beside the form: put "
                             "it beside survey.csv to load the form"));
    free(out), free(errs);
    /* the file given: its rows are the choices */
    form_dir("extmiss",
             (const char *const[]){"towns.csv", "name,label\nn1,North\ns1,South\n", NULL});
    CU_ASSERT_EQUAL_FATAL(lcm_form_check_dir(d, &f, &problems, &err), LCM_OK);
    CU_ASSERT_PTR_NULL(lcm_form_missing_file(f));
    CU_ASSERT_EQUAL(lcm_form_nwarnings(f), 0);
    CU_ASSERT_EQUAL(field(f, "t")->list->n, 2);
    CU_ASSERT_EQUAL(lcm_form_validate_value(f, lcm_form_find(f, "t"), "s1", &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_form_validate_value(f, lcm_form_find(f, "t"), "e1", &err), LCM_CONSTRAINT);
    lcm_form_free(f);
}

/* A choices file with a label language the form's sheets lack: the form keeps its own
 * languages (the labels read before it have a slot for each of those only, and reading a
 * slot past them read beyond the array), the file's label in a known language is read and
 * the other left, as external_choices.csv's are. */
static void form_pyxform__choices_file_with_another_language(void) {
    const char *dir = form_dir(
        "extlang",
        (const char *const[]){"survey.csv",
                              "type,name,label::中文 (zh)\nselect_one yn,a,甲\n"
                              "select_one_from_file towns.csv,t,镇\n",
                              "choices.csv", "list_name,name,label::中文 (zh)\nyn,1,是\nyn,2,否\n",
                              "towns.csv",
                              "name,label::中文 (zh),label::English (en)\nn1,北,North\n", NULL});
    char d[4096];
    snprintf(d, sizeof d, "%s", dir);
    lcm_form *f = NULL;
    char **problems = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_form_check_dir(d, &f, &problems, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_form_nlangs(f), 1);
    CU_ASSERT_STRING_EQUAL(lcm_form_lang(f, 0), "zh");
    CU_ASSERT_EQUAL(lcm_form_lang_index(f, "en"), lcm_form_lang_index(f, NULL));
    const lcm_choice_list *yn = field(f, "a")->list, *towns = field(f, "t")->list;
    CU_ASSERT_STRING_EQUAL(lcm_form_text(f, yn->items[1].label, lcm_form_lang_index(f, "zh")),
                           "否");
    CU_ASSERT_STRING_EQUAL(lcm_form_text(f, towns->items[0].label, lcm_form_lang_index(f, "zh")),
                           "北");
    lcm_form_free(f);
}

/* select_one_external L: the list L of the sheet external_choices, which pyxform requires;
 * search() on a select from a file is refused, as pyxform refuses it. */
static void form_pyxform__external_choices_sheet(void) {
    static const char survey[] = "type,name,label,choice_filter\ntext,q1,Q1,\n"
                                 "select_one_external l2,q2,Q2,q1=${q1}\n";
    const char *dir = form_dir("extsheet", (const char *const[]){"survey.csv", survey, NULL});
    char d[4096];
    snprintf(d, sizeof d, "%s", dir);
    lcm_form *f = NULL;
    char **problems = NULL;
    lcm_err err = {0};
    CU_ASSERT_NOT_EQUAL(lcm_form_check_dir(d, &f, &problems, &err), LCM_OK);
    CU_ASSERT(lcmt_has(err.msg, "survey.csv:3:1: select_one_external needs the sheet "
                                "external_choices (external_choices.csv beside survey.csv)"));
    lcm_form_problems_free(problems);
    form_dir("extsheet", (const char *const[]){"external_choices.csv",
                                               "list_name,name,q1\nl2,a,x\nl2,b,y\n", NULL});
    CU_ASSERT_EQUAL_FATAL(lcm_form_check_dir(d, &f, &problems, &err), LCM_OK);
    const lcm_field *q2 = field(f, "q2");
    CU_ASSERT_EQUAL(q2->type, LCM_FT_SELECT_ONE);
    CU_ASSERT_EQUAL(q2->list->n, 2);
    CU_ASSERT_EQUAL(lcm_form_validate_value(f, lcm_form_find(f, "q2"), "b", &err), LCM_OK);
    lcm_instance *in = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_instance_new(f, &in, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_instance_set(in, lcm_form_find(f, "q1"), 0, "y", &err), LCM_OK);
    int vis[2];
    for (size_t k = 0; k < 2; k++)
        lcm_instance_choice_visible(in, lcm_form_find(f, "q2"), 0, &q2->list->items[k], &vis[k],
                                    &err);
    CU_ASSERT(!vis[0] && vis[1]);
    lcm_instance_free(in);
    lcm_form_free(f);
    dir = form_dir("search", (const char *const[]){"survey.csv",
                                                   "type,name,label,appearance\n"
                                                   "select_one_from_file towns.csv,t,T,"
                                                   "search('towns')\n",
                                                   NULL});
    snprintf(d, sizeof d, "%s", dir);
    CU_ASSERT_NOT_EQUAL(lcm_form_check_dir(d, &f, &problems, &err), LCM_OK);
    CU_ASSERT(lcmt_has(err.msg, "survey.csv:2:4: 't' is a select from a file and uses search()"));
    lcm_form_problems_free(problems);
}

/* `required` holding an expression (pyxform passes it to the bind): the answer is needed
 * where the expression is true, per instance and per row, when the instance is finished
 * (import, serve) and by lcm_instance_required (interview, the web page's mark). */
static void form_pyxform__required_expression(void) {
    lcm_form *f = read_ok("type,name,label,required\n"
                          "integer,age,Age,\n"
                          "text,school,School,${age} < 18\n"
                          "begin repeat,r,R,\n"
                          "integer,k,K,\n"
                          "text,why,Why,${k} > 1\n"
                          "end repeat,,,\n",
                          NULL, NULL);
    CU_ASSERT_EQUAL(field(f, "school")->required, 0);
    CU_ASSERT_STRING_EQUAL(lcm_expr_source(field(f, "school")->required_if), "${age} < 18");
    int school = lcm_form_find(f, "school"), why = lcm_form_find(f, "why"),
        k = lcm_form_find(f, "k"), r = lcm_form_find(f, "r");
    lcm_instance *in = NULL;
    lcm_err err = {0};
    int need = -1;
    long pos = 0;
    CU_ASSERT_EQUAL_FATAL(lcm_instance_new(f, &in, &err), LCM_OK);
    lcm_instance_set_meta(in, "city", "4401", &err);
    CU_ASSERT_EQUAL(lcm_instance_set(in, lcm_form_find(f, "age"), 0, "15", &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_instance_required(in, school, 0, &need, &err), LCM_OK);
    CU_ASSERT_EQUAL(need, 1);
    CU_ASSERT_EQUAL(lcm_instance_finish(in, 1, &err), LCM_CONSTRAINT);
    CU_ASSERT(lcmt_has(err.msg, "school"));
    CU_ASSERT(lcmt_has(err.msg, "is required but has no answer"));
    CU_ASSERT_EQUAL(lcm_instance_set(in, lcm_form_find(f, "age"), 0, "40", &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_instance_required(in, school, 0, &need, &err), LCM_OK);
    CU_ASSERT_EQUAL(need, 0);
    /* per row: row 1 has k = 1 (not needed), row 2 k = 3 (needed) */
    CU_ASSERT_EQUAL(lcm_instance_add_row(in, r, &pos, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_instance_set(in, k, 1, "1", &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_instance_add_row(in, r, &pos, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_instance_set(in, k, 2, "3", &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_instance_required(in, why, 1, &need, &err), LCM_OK);
    CU_ASSERT_EQUAL(need, 0);
    CU_ASSERT_EQUAL(lcm_instance_required(in, why, 2, &need, &err), LCM_OK);
    CU_ASSERT_EQUAL(need, 1);
    CU_ASSERT_EQUAL(lcm_instance_finish(in, 1, &err), LCM_CONSTRAINT);
    CU_ASSERT(lcmt_has(err.msg, "why"));
    CU_ASSERT_EQUAL(lcm_instance_set(in, why, 2, "far", &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_instance_finish(in, 1, &err), LCM_OK);
    lcm_instance_free(in);
    lcm_form_free(f);
    /* an expression that does not parse names its cell */
    CU_ASSERT_NOT_EQUAL(lcm_form_read_texts("type,name,label,required\ninteger,a,A,${a} <\n", NULL,
                                            settings, &f, &err),
                        LCM_OK);
    CU_ASSERT(lcmt_has(err.msg, "survey.csv:2:4: required of 'a', character"));
}

/* Forms pyxform refuses as a whole, refused here with the cell (form_pyx.c). */
static void form_pyxform__whole_form_rules(void) {
    static const struct {
        const char *survey, *choices, *want;
    } cases[] = {
        {"type,name,label\ncsv-external,d,\nbegin group,g,G\nxml-external,d,\nend group,,\n", NULL,
         "survey.csv:4:2: instance name 'd' is declared twice (also on line 2)"},
        {"type,name,label,calculation\nxml-external,fruits,,\n"
         "calculate,c,,\"pulldata('fruits', 'a', 'b', 'c')\"\n",
         NULL,
         "survey.csv:3:4: instance name 'fruits' of pulldata() would also name the xml-external of "
         "line 2 (jr://file/fruits.xml)"},
        {"type,name,label,calculation\nxml-external,__last-saved,,\ninteger,a,A,\n"
         "calculate,b,,${last-saved#a} + 1\n",
         NULL, "survey.csv:4:4: instance name '__last-saved' of ${last-saved#…}"},
        {"type,name,label\ntext,q1,Q1\nbegin group,g,G\ntext,q1,${q1}\nend group,,\n", NULL,
         "survey.csv:4:3: label names '${q1}', which several rows carry"},
        {"type,name,label\nbegin group,g,G\nbegin repeat,r,R\ntext,a,A\nend repeat,,\nend group,,\n"
         "begin repeat,r,R\ntext,b,B\nend repeat,,\n",
         NULL, "survey.csv:7:2: repeat 'r' is named like the repeat of line 3"},
        {"type,name,label,appearance\nselect_one c,a,A,search('x')\nselect_one c,b,B,\n",
         "list_name,name,label\nc,1,One\n",
         "survey.csv:2:4: 'a' uses search() on list 'c', which 'b' (line 3) uses without it"},
        {"type,name,label,parameters,appearance\nrange,q,Q,tick_labelset=c,no-ticks\n",
         "list_name,name,label\nc,1,Low\nc,9,High\n",
         "survey.csv:2:4: range 'q' with appearance no-ticks: the values of tick_labelset 'c' must "
         "be its start and end (1 and 10), once each"},
        {"type,name,label,parameters,appearance\nrange,q,Q,tick_labelset=c,no-ticks\n",
         "list_name,name,label\nc,1,Low\nc,5,Mid\nc,10,High\n", "survey.csv:2:4: range 'q'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lcm_form *f = NULL;
        char **problems = NULL;
        lcm_err err = {0};
        CU_ASSERT_NOT_EQUAL(
            lcm_form_check_texts(cases[i].survey, cases[i].choices, settings, &f, &problems, &err),
            LCM_OK);
        int found = 0;
        for (size_t k = 0; problems && problems[k]; k++)
            found |= strncmp(problems[k], cases[i].want, strlen(cases[i].want)) == 0;
        if (!found) {
            fprintf(stderr, "\n  case %zu: want '%s' among:\n", i, cases[i].want);
            for (size_t k = 0; problems && problems[k]; k++)
                fprintf(stderr, "    %s\n", problems[k]);
        }
        CU_ASSERT(found);
        lcm_form_problems_free(problems);
        lcm_form_free(f);
    }
    /* and what pyxform takes: one source under one name, the same file twice, ticks that
     * are start and end (a value given twice under allow_choice_duplicates) */
    lcm_form *f = read_ok("type,name,label,calculation,parameters,appearance\n"
                          "csv-external,fruits,,,,\n"
                          "calculate,c,,\"pulldata('fruits', 'a', 'b', 'c')\",,\n"
                          "range,q,Q,,tick_labelset=t,no-ticks\n",
                          "list_name,name,label\nt,1,Low\nt,1,Low again\nt,10,High\n",
                          "form_id,version,allow_choice_duplicates\nt,1,yes\n");
    lcm_form_free(f);
}

/* A literal default of another type: none, with a warning ('foo' for an integer); a date
 * with a spreadsheet's midnight is the date; one breaking the constraint stays refused. */
static void form_pyxform__literal_defaults(void) {
    lcm_form *f = read_ok(
        "type,name,label,default\ninteger,n,N,foo\ndate,d,D,1900-01-01 00:00:00\n", NULL, NULL);
    CU_ASSERT_PTR_NULL(field(f, "n")->default_value);
    CU_ASSERT_PTR_NULL(field(f, "n")->default_expr);
    CU_ASSERT(has_warning(f, "survey.csv:2:4: default of 'n': field 'n': 'foo' is not a whole "
                             "number: the question starts empty"));
    CU_ASSERT_STRING_EQUAL(field(f, "d")->default_value, "1900-01-01");
    lcm_form_free(f);
    /* ${last-saved#x} in x's own calculation reads the last saved form: no cycle */
    f = read_ok("type,name,label,calculation\ninteger,foo,Foo,${last-saved#foo} + 1\n", NULL, NULL);
    lcm_form_free(f);
    lcm_err err = {0};
    CU_ASSERT_NOT_EQUAL(lcm_form_read_texts("type,name,label,default,constraint\n"
                                            "integer,a,A,7,. < 5\n",
                                            NULL, settings, &f, &err),
                        LCM_OK);
    CU_ASSERT(lcmt_has(err.msg, "survey.csv:2:4: default of 'a': field 'a': '7' breaks the"));
}

const lcmt_case lcmt_form_pyxform_cases[] = {
    {"form_pyxform__filter_column_missing_is_empty", form_pyxform__filter_column_missing_is_empty},
    {"form_pyxform__osm_with_tags_is_a_file", form_pyxform__osm_with_tags_is_a_file},
    {"form_pyxform__calculate_from_its_default", form_pyxform__calculate_from_its_default},
    {"form_pyxform__survey_without_rows", form_pyxform__survey_without_rows},
    {"form_pyxform__own_other_under_or_other", form_pyxform__own_other_under_or_other},
    {"form_pyxform__choice_duplicates_allowed", form_pyxform__choice_duplicates_allowed},
    {"form_pyxform__field_named_like_a_standard_column",
     form_pyxform__field_named_like_a_standard_column},
    {"form_pyxform__choices_file_missing_at_check", form_pyxform__choices_file_missing_at_check},
    {"form_pyxform__choices_file_with_another_language",
     form_pyxform__choices_file_with_another_language},
    {"form_pyxform__external_choices_sheet", form_pyxform__external_choices_sheet},
    {"form_pyxform__required_expression", form_pyxform__required_expression},
    {"form_pyxform__whole_form_rules", form_pyxform__whole_form_rules},
    {"form_pyxform__literal_defaults", form_pyxform__literal_defaults},
    {NULL, NULL},
};
