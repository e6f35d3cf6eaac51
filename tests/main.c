/*
 * main.c - the CUnit runner: registers every suite found by CMake (lcmt_suites.inc)
 * and runs them with the basic interface, whose summary lands in the CI log.
 * `lcmon_tests SUITE [TEST]` runs one suite or one test.
 */
#include "testing.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <string.h>

#define LCMT_SUITE(name) extern const lcmt_case lcmt_##name##_cases[];
#include "lcmt_suites.inc"
#undef LCMT_SUITE

typedef struct {
    const char *name;
    const lcmt_case *cases;
} suite_entry;

static const suite_entry suites[] = {
#define LCMT_SUITE(name) {#name, lcmt_##name##_cases},
#include "lcmt_suites.inc"
#undef LCMT_SUITE
    {NULL, NULL}};

int main(int argc, char **argv) {
    const char *only_suite = argc > 1 ? argv[1] : NULL;
    const char *only_test = argc > 2 ? argv[2] : NULL;
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 3;
    for (const suite_entry *s = suites; s->name; s++) {
        if (only_suite && strcmp(only_suite, s->name) != 0)
            continue;
        CU_pSuite suite = CU_add_suite(s->name, NULL, NULL);
        if (!suite)
            goto fail;
        for (const lcmt_case *c = s->cases; c->name; c++) {
            if (only_test && strcmp(only_test, c->name) != 0)
                continue;
            if (!CU_add_test(suite, c->name, c->fn))
                goto fail;
        }
    }
    CU_basic_set_mode(CU_BRM_NORMAL);
    CU_basic_run_tests();
    unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    unsigned ran = CU_get_number_of_tests_run();
    CU_cleanup_registry();
    if (ran == 0) {
        fprintf(stderr, "lcmon_tests: no test ran\n");
        return 1;
    }
    return failed ? 1 : 0;
fail:
    fprintf(stderr, "lcmon_tests: %s\n", CU_get_error_msg());
    CU_cleanup_registry();
    return 3;
}
