/*
 * test_expr.c - the XLSForm expression language: precedence, div/mod, empty-is-NaN, XPath
 * comparison rules between strings and numbers, selected()/count-selected(), regex(),
 * if()/coalesce(), repeat aggregates, and the error (with its column) each bad expression
 * gets, type errors found at resolution included. About 160 expressions in all.
 * Expected values follow the XPath 1.0 spec (w3.org/TR/xpath §3.4, §4) and the ODK XForms
 * function list; a comment names the rule where it is not plain arithmetic.
 */
#include "testing.h"

#include "expr.h"
#include "expr_int.h"

#define lcm__regex_digits_test lcm__regex_digits

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A small fake form: slots 0..5 are plain fields, slot 6 a repeat, 7 a field inside it. */
static const char *const names[] = {"a", "b", "name", "sex", "langs", "birth", "members", "age"};
static const char *const plain[] = {"5", "", "张三丰", "2", "1 3", "1990-05-17"};
static const char *const ages[] = {"30", "5", "70"};
static long current_member = -1; /* repeat context: -1 = outside the repeat */

static int resolve(void *ud, const char *name, int *multi) {
    (void)ud;
    for (int i = 0; i < 8; i++)
        if (strcmp(names[i], name) == 0) {
            *multi = i == 6 ? LCM_EXPR_REPEAT : i == 7 ? LCM_EXPR_IN_REPEAT : LCM_EXPR_ONE;
            return i;
        }
    return -1;
}

static lcm_status get(void *ud, int slot, long index, lcm_value *out, lcm_err *err) {
    (void)ud, (void)err;
    if (slot < 6)
        return lcm_value_set_str(out, plain[slot]);
    if (slot == 7) {
        long i = index >= 0 ? index : current_member >= 0 ? current_member : 0;
        return lcm_value_set_str(out, i < 3 ? ages[i] : "");
    }
    return lcm_value_set_str(out, "");
}

static long count(void *ud, int slot) {
    (void)ud;
    return slot >= 6 ? 3 : 1;
}

/* Evaluate src as a string (a NaN number is ""); NULL on any failure, err filled. */
static char *eval(const char *src, const char *self, lcm_err *err) {
    lcm_expr *e = NULL;
    char *out = NULL;
    lcm_expr_env env = {NULL,         get,  count, self, current_member + 1,
                        "2024-06-30", NULL, NULL,  0,    NULL};
    if (lcm_expr_parse(src, &e, err) == LCM_OK && lcm_expr_resolve(e, resolve, NULL, err) == LCM_OK)
        lcm_expr_eval_string(e, &env, &out, err);
    lcm_expr_free(e);
    return out;
}

static void check(const char *src, const char *want) {
    lcm_err err = {0};
    char *got = eval(src, "7", &err);
    if (!got || strcmp(got, want) != 0)
        fprintf(stderr, "\n  %s: got '%s' (%s), want '%s'\n", src, got ? got : "(null)", err.msg,
                want);
    CU_ASSERT_PTR_NOT_NULL(got);
    if (got)
        CU_ASSERT_STRING_EQUAL(got, want);
    free(got);
}

static void expr__precedence_and_arithmetic(void) {
    static const char *const cases[][2] = {
        {"1 + 2 * 3", "7"},
        {"(1 + 2) * 3", "9"},
        {"10 - 4 - 3", "3"}, /* left-associative */
        {"7 div 2", "3.5"},
        {"7 mod 3", "1"},
        {"-7 mod 3", "-1"}, /* XPath mod keeps the dividend's sign, like C fmod */
        {"- - 2", "2"},
        {"string(1 div 0)", "Infinity"}, /* XPath §3.5: IEEE 754 */
        {"1 div 0", ""},                 /* stored calculations keep only finite numbers */
        {"0.1 + 0.2", "0.3"},
        {"1 < 2 and 2 < 1 or 3 = 3", "true"},
        {"1 = 1 = 1", "true"}, /* (1 = 1) = 1: boolean vs number compares booleans */
        {"${a} * 2", "10"},
        {"${b} + 1", ""}, /* empty is NaN, a NaN calculation stores as empty */
        {"coalesce(${b}, 0) + 1", "1"},
        {". + 1", "8"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check(cases[i][0], cases[i][1]);
}

static void expr__xpath_comparisons(void) {
    static const char *const cases[][2] = {
        {"${a} = 5", "true"},      /* number vs string: as numbers */
        {"${a} = '5.0'", "false"}, /* string vs string: as strings */
        {"${a} = 5.0", "true"},
        {"${sex} != '1'", "true"},
        {"'10' < '9'", "false"}, /* relational operators always compare numbers */
        {"${b} < 1", "false"},   /* NaN compares false both ways */
        {"${b} >= 1", "false"},
        {"${b} = ''", "true"},
        {"${birth} < today()", "true"}, /* ISO dates are day numbers */
        {"int((today() - ${birth}) div 365.25)", "34"},
        {"date(0)", "1970-01-01"},
        {"date(number('2024-02-28') + 1)", "2024-02-29"},
        {"true() = 'false'", "true"}, /* boolean vs string: non-empty string is true */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check(cases[i][0], cases[i][1]);
}

static void expr__functions(void) {
    static const char *const cases[][2] = {
        {"if(${a} > 3, 'big', 'small')", "big"},
        {"if(true(), 1, regex('x', ${name}))", "1"}, /* the branch not taken is not run */
        {"not(${b})", "true"},
        {"selected(${langs}, '3')", "true"},
        {"selected(${langs}, '2')", "false"},
        {"selected-at(${langs}, 1)", "3"},
        {"count-selected(${langs})", "2"},
        {"string-length(${name})", "3"}, /* characters, not the 9 UTF-8 bytes */
        {"substr(${name}, 1, 2)", "三"},
        {"substr('abcdef', 2)", "cdef"},
        {"concat(${name}, '-', ${a})", "张三丰-5"},
        {"contains(${name}, '三')", "true"},
        {"starts-with('4401', '44')", "true"},
        {"ends-with('4401', '44')", "false"},
        {"regex('13812345678', '^1[3-9]\\d{9}$')", "true"}, /* \d as in Java patterns */
        {"regex('1381234567', '^1[3-9]\\d{9}$')", "false"},
        {"regex('44a1', concat('^', '[0-9]+$'))", "false"}, /* pattern computed at run time */
        {"number('12')", "12"},
        {"string(number('12abc'))", "NaN"},
        {"string(number('x'))", "NaN"},
        {"int(-3.7)", "-3"},
        {"round(2.5)", "3"},
        {"round(3.14159, 2)", "3.14"},
        {"floor(-1.5)", "-2"},
        {"ceiling(1.2)", "2"},
        {"abs(-4)", "4"},
        {"pow(2, 10)", "1024"},
        {"normalize-space('  a   b ')", "a b"},
        {"min(3, 1, 2)", "1"},
        {"max(3, ${a}, 2)", "5"},
        {"today()", "2024-06-30"},
        {"boolean('0')", "true"}, /* a non-empty string */
        {"false() or 0", "false"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check(cases[i][0], cases[i][1]);
}

static void expr__repeat_aggregates(void) {
    static const char *const cases[][2] = {
        {"count(${members})", "3"},
        {"sum(${age})", "105"},
        {"min(${age})", "5"},
        {"max(${age})", "70"},
        {"indexed-repeat(${age}, ${members}, 3)", "70"},
        {"indexed-repeat(${age}, ${members}, 4)", ""},
        {"position(..)", "0"},
        {"${age}", "30"}, /* outside the repeat: the first instance, as XPath takes it */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check(cases[i][0], cases[i][1]);
    current_member = 1;
    check("position(..)", "2");
    check("${age} + 1", "6");
    current_member = -1;
}

/* The ODK XForms functions survey forms use (ODK XForms spec, "Functions"; dates checked
 * with Python's datetime: 1990-05-17 is day 7441 after 1970-01-01, a Thursday). Ages in
 * the fake repeat are 30, 5, 70. */
static void expr__odk_functions(void) {
    static const char *const cases[][2] = {
        {"count(${members}[age >= 60])", "1"},
        {"count(${members}[age < 18 or age > 65])", "2"},
        {"count(${members}[position() > 1])", "2"},
        {"count(${members}[2])", "1"},
        {"join(', ', ${age})", "30, 5, 70"},
        {"join('-', 'a', ${a})", "a-5"},
        {"decimal-date-time('1970-01-02T12:00:00')", "1.5"},
        {"decimal-date-time(${birth})", "7441"},
        {"format-date(${birth}, '%Y/%n/%e %b %a %d.%m.%y')", "1990/5/17 May Thu 17.05.90"},
        {"format-date-time('2024-06-30T08:05:09', '%H:%M:%S %h')", "08:05:09 8"},
        {"format-date('not a date', '%Y')", ""},
        {"once(${a})", "7"}, /* '.' already holds 7: once keeps it */
        {"current()", "7"},
        {"pulldata('fruits', 'name', 'key', 'mango')", ""}, /* no file attached: empty */
        {"${last-saved#a}", ""},                            /* no form saved before */
        {"instance('c1')/root/item[name = ${a}]/label", ""},
        {"jr:choice-name(${sex}, '${sex}')", "2"}, /* no labels in this env: the value */
        {"selected-at(${langs}, 0)", "1"},
        {"pow(${a}, 2)", "25"},
        {"normalize-space(concat(' ', ${name}, '  x '))", "张三丰 x"},
        {"indexed-repeat(${age}, ${members}, 2)", "5"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check(cases[i][0], cases[i][1]);
    lcm_err err = {0};
    char *got = eval("once(${a})", "", &err); /* '.' empty: once takes its argument */
    CU_ASSERT_PTR_NOT_NULL_FATAL(got);
    CU_ASSERT_STRING_EQUAL(got, "5");
    free(got);
}

/* Empty answers are NaN as numbers and false as booleans (docs/methods.md §6); `=` between a
 * number and a string compares numbers, between two strings compares text, and < > always
 * compare numbers (XPath 1.0 §3.4); div and mod are IEEE division and C's fmod. */
static void expr__empty_strings_and_mixed_types(void) {
    static const char *const cases[][2] = {
        {"${b} * 2", ""},
        {"- ${b}", ""},
        {"${a} div ${b}", ""},
        {"${b} = 0", "false"}, /* NaN equals nothing */
        {"${b} != 0", "true"},
        {"${b} + 0 = ${b} + 0", "false"},
        {"string(number(''))", "NaN"},
        {"string-length(${b})", "0"},
        {"concat(${b}, 'x')", "x"},
        {"if(${b}, 'y', 'n')", "n"}, /* an empty string is false */
        {"if(${b} = '', 'empty', 'set')", "empty"},
        {"coalesce(${b}, ${a})", "5"},
        {"coalesce('', '')", ""},
        {"true() and ''", "false"},
        {"'abc' = 0", "false"},
        {"'abc' != 0", "true"},
        {"'1.0' = 1", "true"},   /* number vs string: as numbers */
        {"'01' = '1'", "false"}, /* string vs string: as text */
        {"'01' = 1", "true"},
        {"' 5 ' = 5", "true"}, /* number() trims */
        {"${a} = '5'", "true"},
        {"${a} < '10'", "true"}, /* as numbers; as text '5' > '10' */
        {"'b' > 'a'", "false"},  /* relational operators never compare text */
        {"5 mod -3", "2"},
        {"-5 mod 3", "-2"},
        {"10 div 4 mod 2", "0.5"}, /* same level, from the left: 2.5 mod 2 */
        {"2 * 3 mod 4", "2"},
        {"1 div 3 * 3", "1"},
        {"- 2 * 3", "-6"},
        {"2 - - 2", "4"},
        {"1 - 2 - 3", "-4"},
        {"1 + 2 = 3 and 4 > 3", "true"},
        {"1 = 2 or 2 = 2 and 3 = 4", "false"}, /* and binds tighter than or */
        {"round(-2.5)", "-2"},                 /* XPath round: halves towards +infinity */
        {"selected(${langs}, ' 3 ')", "true"},
        {"selected(${langs}, 3)", "true"},
        {"selected('', 'x')", "false"},
        {"count-selected('a  b ')", "2"},
        {"count-selected(${b})", "0"},
        {"regex('', '^$')", "true"},
        {"regex('abc', 'B')", "false"},
        {"regex('a.b', '^a\\.b$')", "true"},
        {"if(0, 1, if(1, 2, 3))", "2"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check(cases[i][0], cases[i][1]);
    /* across the roster */
    check("sum(${age}) div count(${members})", "35");
    check("max(${age}) - min(${age})", "65");
    current_member = 2;
    check("position(..) = 3", "true");
    check("indexed-repeat(${age}, ${members}, position(..) - 1)", "5");
    check("${age} > sum(${age}) div count(${members})", "true");
    current_member = -1;
}

static void expr__errors_name_their_column(void) {
    static const char *const cases[][2] = {
        {"", "column 1: empty expression"},
        {"1 +", "column 4: expected a value, a field reference ${name} or a function call (the "
                "expression ends here)"},
        {"${a}-1", "column 5: '-' right after a field reference"},
        {"${nosuch} + 1", "column 1: no field named 'nosuch'"},
        {"1 + age", "column 5: unknown name 'age': write ${age} to use a field"},
        {"frob(1)", "column 1: unknown function 'frob'"},
        {"if(1, 2)", "column 1: if() takes 3 arguments, not 2"},
        {"count(3)", "column 7: argument 1 of count() must be a field reference"},
        {"'abc", "column 1: string not closed"},
        {"(1 + 2", "column 7: expected ')'"},
        {"1 2", "column 3: unexpected text after the end"},
        {"${a} = 1 and", "column 13: expected a value"},
        {"and 1", "column 1: operator 'and' needs a value before it"},
        {"regex(${name}, '[a-')", "column 16: bad regular expression '[a-'"},
        {"1 # 2", "column 3: unexpected character '#'"},
        /* patterns that would make glibc's regcomp take gigabytes */
        {"regex(., 'a+++')", "column 10: regular expression 'a+++' has a repetition right"},
        {"regex(., '((((a))))')", "column 10: regular expression '((((a))))' has groups nested"},
        {"regex(., '(ab){50}')", "column 10: regular expression '(ab){50}' has a count"},
        {"${ a}", "column 1: '${' must be followed by a field name"},
        {"position(1)", "column 10: write position(..)"},
        {"1 + ..", "column 7: '..' is only understood before /name or inside position(..)"},
        {"count(${members}[agex > 1])", "column 18: no field named 'agex'"},
        {"jr:choice-name(${a}, 'a')", "column 22: the second argument of jr:choice-name()"},
        {"instance('l')/root/", "column 20: expected a name after '/'"},
        {"${members}[age > 1", "column 19: expected ']' closing the predicate"},
        {"'名字' = 1 +", "column 11: expected a value"}, /* columns count characters */
        {"${a} = 'x", "column 8: string not closed"},
        {"1 = = 2", "column 5: expected a value"},
        {"not()", "column 1: not() takes 1 argument, not 0"},
        {"substr()", "column 1: substr() cannot take 0 arguments"},
        {"count(${age}, 1)", "column 1: count() takes 1 argument, not 2"},
        /* type errors, found when the names are resolved */
        {"count(${a})", "column 7: count() needs a repeat or a field inside one, and '${a}' has "
                        "one value"},
        {"sum(${sex}) + 1", "column 5: sum() needs a repeat or a field inside one"},
        {"${members} + 1", "column 1: '${members}' is a repeat, not a value"},
        {"sum(${members})", "column 5: '${members}' is a repeat, not a value"},
        {"indexed-repeat(${a}, ${members}, 1)",
         "column 16: the first argument of indexed-repeat() must be a field inside a repeat"},
        {"indexed-repeat(${age}, ${a}, 1)",
         "column 24: the second argument of indexed-repeat() must be a repeat"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lcm_err err = {0};
        char *got = eval(cases[i][0], NULL, &err);
        CU_ASSERT_PTR_NULL(got);
        CU_ASSERT(err.status == LCM_PARSE || err.status == LCM_UNSUPPORTED);
        if (strncmp(err.msg, cases[i][1], strlen(cases[i][1])) != 0)
            fprintf(stderr, "\n  '%s': got '%s', want '%s'\n", cases[i][0], err.msg, cases[i][1]);
        CU_ASSERT_EQUAL(strncmp(err.msg, cases[i][1], strlen(cases[i][1])), 0);
        free(got);
    }
}

static void expr__nesting_is_bounded(void) {
    char src[4000];
    lcm_err err = {0};
    size_t n = 0;
    for (int i = 0; i < 1000; i++)
        src[n++] = '(';
    src[n++] = '1';
    for (int i = 0; i < 1000; i++)
        src[n++] = ')';
    src[n] = '\0';
    CU_ASSERT_PTR_NULL(eval(src, NULL, &err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "nested too deeply"));
    n = 0;
    for (int i = 0; i < 600; i++)
        n += (size_t)snprintf(src + n, sizeof src - n, "1+");
    snprintf(src + n, sizeof src - n, "1");
    CU_ASSERT_PTR_NULL(eval(src, NULL, &err));
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "nested too deeply"));
    /* 150 alternatives, well inside the bound, still parse. */
    n = 0;
    for (int i = 0; i < 150; i++)
        n += (size_t)snprintf(src + n, sizeof src - n, "%s${a} = %d", i ? " or " : "", i);
    char *got = eval(src, NULL, &err);
    CU_ASSERT_PTR_NOT_NULL(got);
    if (got)
        CU_ASSERT_STRING_EQUAL(got, "true");
    free(got);
}

static void expr__uses_self_and_refs(void) {
    lcm_expr *e = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL(lcm_expr_parse(". > ${a} and sum(${age}) < 200", &e, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_expr_resolve(e, resolve, NULL, &err), LCM_OK);
    CU_ASSERT_TRUE(lcm_expr_uses_self(e));
    CU_ASSERT_STRING_EQUAL(lcm_expr_source(e), ". > ${a} and sum(${age}) < 200");
    lcm_expr_free(e);
    CU_ASSERT_EQUAL(lcm_expr_parse("${a} > 1", &e, &err), LCM_OK);
    CU_ASSERT_FALSE(lcm_expr_uses_self(e));
    lcm_expr_free(e);
}

/* The shortcuts of the evaluator give what the general path gives: a literal digits-only
 * pattern is counted instead of run through regexec (a pattern computed at run time
 * still is), and a whole number is read without strtod. */
static void expr__shortcuts_agree_with_general_path(void) {
    static const char *const patterns[] = {
        "^[0-9]{4}$", "^\\d{6}$",  "^[0-9]{2,3}$", "^[0-9]+$",     "^[0-9]*$",  "^[0-9]{0}$",
        "^[0-9]{4}",  "[0-9]{4}$", "^[0-9]{4}x$",  "^[0-9]{3,2}$", "^[a-z]{4}$"};
    static const char *const values[] = {"",       "1",    "12",    "123",   "1234", "12345",
                                         "123456", "12a4", " 1234", "1234 ", "-123", "١٢٣٤"};
    static const int fast[] = {1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0};
    char src[200], computed[200];
    for (size_t p = 0; p < sizeof patterns / sizeof patterns[0]; p++) {
        int lo = -1, hi = -1;
        CU_ASSERT_EQUAL(lcm__regex_digits_test(patterns[p], &lo, &hi), fast[p]);
        CU_ASSERT_STRING_EQUAL(lcm__fn_get(LCM__FN_IF)->name, "if");
        CU_ASSERT_STRING_EQUAL(lcm__fn_get(LCM__FN_COALESCE)->name, "coalesce");
        for (size_t v = 0; v < sizeof values / sizeof values[0]; v++) {
            lcm_err err = {0};
            snprintf(src, sizeof src, "regex('%s', '%s')", values[v], patterns[p]);
            snprintf(computed, sizeof computed, "regex('%s', concat('', '%s'))", values[v],
                     patterns[p]);
            char *a = eval(src, "", &err), *b = eval(computed, "", &err);
            CU_ASSERT_EQUAL(a == NULL, b == NULL); /* '{3,2}' is refused both ways */
            CU_ASSERT_EQUAL(a == NULL, p == 9);
            if (a && b && strcmp(a, b) != 0)
                fprintf(stderr, "\n  %s: %s, general path %s\n", src, a, b);
            if (a && b)
                CU_ASSERT_STRING_EQUAL(a, b);
            free(a), free(b);
        }
    }
    static const char *const numbers[][2] = {
        {"'007' + 1", "8"},
        {"'-12' * 2", "-24"},
        {"'-0' + 0", "0"},
        {"' 42 ' + 0", "42"},
        {"'999999999999999' - 1", "999999999999998"},       /* 15 digits: exact */
        {"'1234567890123456' + 0", "1.23456789012346e+15"}, /* 16: strtod, %.15g */
        {"'12.5' * 2", "25"},
        {"'1e3' + 0", ""}, /* XPath numbers have no exponent: NaN */
        {"'2024-06-30' - '2024-06-01'", "29"},
        {"'4' = 4.0", "true"},
        /* arithmetic reads numbers straight from answers, if() and coalesce() */
        {"coalesce(${b}, 2) + 1", "3"},
        {"coalesce(${name}, 2) + 1", ""}, /* not empty, so the name itself: NaN */
        {"if(${a} > 1, '3', 'x') * 2", "6"},
        {"if(${a} < 1, '3', 'x') * 2", ""},
        {"(${a} = 5) + (${b} != '') + (${sex} = '2') + 1", "3"},
        {"-coalesce(${a}, 0) * (. div 7)", "-5"},
        {"coalesce(coalesce(${b}, ''), 4) - 1", "3"},
        {"(${a} > 4 and ${b} = '') * 10", "10"},
    };
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++)
        check(numbers[i][0], numbers[i][1]);
}

/* Comparisons of one answer with a literal, selected() and and/or of them are evaluated
 * by lcm_expr_eval_bool without building values; each gives what the general path
 * (lcm_expr_eval, then XPath boolean()) gives. */
static void expr__simple_predicates_agree_with_general_path(void) {
    static const char *const cases[] = {
        "${a} = 5",
        "${a} = '5'",
        "${a} = '5.0'",
        "${a} = 5.0",
        "${a} != 5",
        "5 = ${a}",
        "'5' != ${a}",
        "${b} = ''",
        "${b} != ''",
        "${b} = 0",
        "${b} != 0",
        "${b} < 1",
        "${b} >= 1",
        "${a} < 10",
        "${a} < '10'",
        "10 > ${a}",
        "${a} <= 5",
        "5 >= ${a}",
        "${a} > 4.5",
        "'4' < ${a}",
        "${name} = '张三丰'",
        "${name} > 'a'",
        "${birth} < '2000-01-01'",
        ". >= 16 and . <= 100",
        ". < 0 or . > 6",
        ". = 7",
        ". = '7.0'",
        "selected(${langs}, '3')",
        "selected(${langs}, ' 1 ')",
        "selected(${langs}, '2')",
        "selected(${langs}, '')",
        "selected(${b}, 'x')",
        "selected(., '7')",
        "${sex} = 2 and selected(${langs}, '1') or ${a} = 0",
        "${age} >= 6", /* inside the repeat: the current member */
    };
    for (long member = -1; member < 3; member += 3) {
        current_member = member;
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            lcm_expr *e = NULL;
            lcm_err err = {0};
            lcm_expr_env env = {NULL,         get,  count, "7", current_member + 1,
                                "2024-06-30", NULL, NULL,  0,   NULL};
            CU_ASSERT_EQUAL_FATAL(lcm_expr_parse(cases[i], &e, &err), LCM_OK);
            CU_ASSERT_EQUAL_FATAL(lcm_expr_resolve(e, resolve, NULL, &err), LCM_OK);
            CU_ASSERT_EQUAL(e->simple, 1);
            lcm_value v = {0};
            int fast = -1;
            CU_ASSERT_EQUAL(lcm_expr_eval(e, &env, &v, &err), LCM_OK);
            CU_ASSERT_EQUAL(lcm_expr_eval_bool(e, &env, &fast, &err), LCM_OK);
            if (fast != lcm_value_bool(&v))
                fprintf(stderr, "\n  %s: %d, general path %d\n", cases[i], fast,
                        lcm_value_bool(&v));
            CU_ASSERT_EQUAL(fast, lcm_value_bool(&v));
            lcm_value_free(&v);
            lcm_expr_free(e);
        }
    }
    current_member = -1;
    /* Not of the shape: left to the general path. */
    static const char *const general[] = {"${a} = ${b}", "1 = 1", "selected(${langs}, 3)",
                                          "${a} + 1 = 6", "not(${a} = 5)"};
    for (size_t i = 0; i < sizeof general / sizeof general[0]; i++) {
        lcm_expr *e = NULL;
        lcm_err err = {0};
        CU_ASSERT_EQUAL_FATAL(lcm_expr_parse(general[i], &e, &err), LCM_OK);
        CU_ASSERT_EQUAL_FATAL(lcm_expr_resolve(e, resolve, NULL, &err), LCM_OK);
        CU_ASSERT_EQUAL(e->simple, 0);
        lcm_expr_free(e);
    }
}

/* A number as text is what "%.15g" writes (JavaRosa's string of a number, which
 * lcm_value_string writes without snprintf where it can): quotients like the household
 * form's aware_n div 8 and its satisfaction index, a million pseudo-random values of 1 to
 * 6 decimals over the whole range, and values either side of the limits of the short path. */
static void expr__number_text_is_printf(void) {
    char want[64];
    long bad = 0, checked = 0;
    unsigned long long seed = 20261205;
    for (long i = 0; i < 1200000; i++) {
        double x;
        if (i < 100000)
            x = (double)(i - 50000) / (i % 2 ? 8 : 3);
        else if (i < 200000)
            x = (double)(i - 150000) * 0.01 + 0.2 * (double)(i % 3);
        else {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            int dec = (int)(seed >> 60) % 7;                      /* 0..6 decimals */
            double mag = ldexp(1.0, (int)(seed >> 40 & 63) - 20); /* 2^-20 .. 2^43 */
            x = round((double)(seed >> 11) / 9007199254740992.0 * mag * pow(10, dec)) /
                pow(10, dec) * ((seed >> 10 & 1) ? -1 : 1);
            if (i % 5 == 0) /* and plain doubles of no short decimal form */
                x = (double)(seed >> 11) / 9007199254740992.0 * mag;
        }
        lcm_value v = {LCM_VAL_NUM, x, NULL, 0};
        char *got = lcm_value_string(&v);
        snprintf(want, sizeof want, "%.15g", x);
        if (x == floor(x) && fabs(x) < 1e15) /* integers: "%.0f", no exponent, no "-0" */
            snprintf(want, sizeof want, "%.0f", x == 0 ? 0.0 : x);
        if (!got || strcmp(got, want) != 0) {
            if (bad++ < 5)
                fprintf(stderr, "\n  %.17g: '%s', %%.15g '%s'", x, got ? got : "(null)", want);
        }
        checked++;
        free(got);
    }
    static const double edges[] = {1e-4,      9.9999e-5, 0.30000000000000004, 1e9 - 0.5,
                                   1e9 + 0.5, -1e-4,     0.1 + 0.7,           58.333333333333336,
                                   2.675,     1.0000005, 999999999.999999,    0.000123456};
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
        lcm_value v = {LCM_VAL_NUM, edges[i], NULL, 0};
        char *got = lcm_value_string(&v);
        snprintf(want, sizeof want, "%.15g", edges[i]);
        CU_ASSERT_STRING_EQUAL(got, want);
        free(got);
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(checked, 1200000);
}

const lcmt_case lcmt_expr_cases[] = {
    {"expr__number_text_is_printf", expr__number_text_is_printf},
    {"expr__precedence_and_arithmetic", expr__precedence_and_arithmetic},
    {"expr__xpath_comparisons", expr__xpath_comparisons},
    {"expr__functions", expr__functions},
    {"expr__odk_functions", expr__odk_functions},
    {"expr__repeat_aggregates", expr__repeat_aggregates},
    {"expr__empty_strings_and_mixed_types", expr__empty_strings_and_mixed_types},
    {"expr__errors_name_their_column", expr__errors_name_their_column},
    {"expr__nesting_is_bounded", expr__nesting_is_bounded},
    {"expr__uses_self_and_refs", expr__uses_self_and_refs},
    {"expr__shortcuts_agree_with_general_path", expr__shortcuts_agree_with_general_path},
    {"expr__simple_predicates_agree_with_general_path",
     expr__simple_predicates_agree_with_general_path},
    {NULL, NULL},
};
