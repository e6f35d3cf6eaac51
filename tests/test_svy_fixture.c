/*
 * test_svy_fixture.c - the CSV reader behind the svy suites (fixtures from
 * tests/r/svy_fixtures.R), and its own small tests.
 */
#include "test_svy_fixture.h"
#include "testing.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Splits line in place at commas; returns the number of fields (at most max). */
static size_t split(char *line, char **field, size_t max) {
    size_t n = 0;
    line[strcspn(line, "\r\n")] = 0;
    for (char *p = line; n < max;) {
        field[n++] = p;
        char *c = strchr(p, ',');
        if (!c)
            break;
        *c = 0;
        p = c + 1;
    }
    return n;
}

void svyt_free(svyt_table *t) {
    for (size_t j = 0; j < t->ncol; j++) {
        free(t->name ? t->name[j] : NULL);
        free(t->col ? t->col[j] : NULL);
    }
    free(t->name);
    free(t->col);
    memset(t, 0, sizeof *t);
}

int svyt_load(const char *rel, svyt_table *t) {
    static char line[1 << 16];
    char *field[256];
    memset(t, 0, sizeof *t);
    FILE *f = fopen(lcmt_path(rel), "r");
    if (!f || !fgets(line, sizeof line, f)) {
        if (f)
            fclose(f);
        return -1;
    }
    t->ncol = split(line, field, 256);
    t->name = calloc(t->ncol, sizeof *t->name);
    t->col = calloc(t->ncol, sizeof *t->col);
    for (size_t j = 0; j < t->ncol; j++)
        t->name[j] = strdup(field[j]);
    size_t cap = 0;
    while (fgets(line, sizeof line, f)) {
        if (split(line, field, 256) != t->ncol)
            continue;
        if (t->nrow == cap) {
            cap = cap ? 2 * cap : 256;
            for (size_t j = 0; j < t->ncol; j++)
                t->col[j] = realloc(t->col[j], cap * sizeof **t->col);
        }
        for (size_t j = 0; j < t->ncol; j++)
            t->col[j][t->nrow] = strtod(field[j], NULL);
        t->nrow++;
    }
    fclose(f);
    return 0;
}

const double *svyt_col(const svyt_table *t, const char *name) {
    for (size_t j = 0; j < t->ncol; j++)
        if (strcmp(t->name[j], name) == 0)
            return t->col[j];
    return NULL;
}

int64_t *svyt_codes(const svyt_table *t, const char *name) {
    const double *c = svyt_col(t, name);
    int64_t *out = c ? malloc(t->nrow * sizeof *out) : NULL;
    for (size_t i = 0; out && i < t->nrow; i++)
        out[i] = isnan(c[i]) ? -1 : (int64_t)c[i];
    return out;
}

int32_t *svyt_ids(const svyt_table *t, const char *name) {
    const double *c = svyt_col(t, name);
    int32_t *out = c ? malloc(t->nrow * sizeof *out) : NULL;
    for (size_t i = 0; out && i < t->nrow; i++)
        out[i] = isnan(c[i]) ? -1 : (int32_t)c[i];
    return out;
}

svyt_ref *svyt_refs(const char *rel, const char *name, size_t *n) {
    static char line[4096];
    char *field[16];
    svyt_ref *r = NULL;
    size_t cap = 0;
    *n = 0;
    FILE *f = fopen(lcmt_path(rel), "r");
    if (!f)
        return NULL;
    if (!fgets(line, sizeof line, f)) {
        fclose(f);
        return NULL;
    }
    while (fgets(line, sizeof line, f)) {
        if (split(line, field, 16) != 10 || strcmp(field[0], name) != 0)
            continue;
        if (*n == cap) {
            cap = cap ? 2 * cap : 64;
            r = realloc(r, cap * sizeof *r);
        }
        svyt_ref *x = &r[(*n)++];
        snprintf(x->case_, sizeof x->case_, "%.*s", (int)sizeof x->case_ - 1, field[0]);
        snprintf(x->stat, sizeof x->stat, "%.*s", (int)sizeof x->stat - 1, field[1]);
        snprintf(x->var, sizeof x->var, "%.*s", (int)sizeof x->var - 1, field[2]);
        snprintf(x->by, sizeof x->by, "%.*s", (int)sizeof x->by - 1, field[3]);
        x->domain = atoi(field[4]);
        x->estimate = strtod(field[5], NULL);
        x->se = strtod(field[6], NULL);
        x->df = strtod(field[7], NULL);
        x->deff = strtod(field[8], NULL);
        x->n = strtod(field[9], NULL);
    }
    fclose(f);
    return r;
}

int svyt_close(double got, double want, double rel, const char *label) {
    lcmt_note_rel(got, want);
    if (isnan(got) && isnan(want))
        return 1;
    double scale = fmax(fabs(got), fabs(want));
    if (fabs(got - want) <= rel * scale || got == want)
        return 1;
    fprintf(stderr, "\n  %s: got %.17g, R %.17g (rel %.3g)\n", label, got, want,
            scale > 0 ? fabs(got - want) / scale : 0.0);
    return 0;
}

const svyt_case svyt_strat = {"strat",
                              "tests/fixtures/svy/apistrat.csv",
                              "stype",
                              NULL,
                              NULL,
                              "fpc",
                              NULL,
                              "pw",
                              LCM_SVY_LONELY_FAIL};
const svyt_case svyt_clus1 = {"clus1",
                              "tests/fixtures/svy/apiclus1.csv",
                              NULL,
                              "dnum",
                              NULL,
                              "fpc",
                              NULL,
                              "pw",
                              LCM_SVY_LONELY_FAIL};
const svyt_case svyt_clus2 = {"clus2",
                              "tests/fixtures/svy/apiclus2.csv",
                              NULL,
                              "dnum",
                              "snum",
                              "fpc1",
                              "fpc2",
                              NULL,
                              LCM_SVY_LONELY_FAIL};
const svyt_case svyt_clus2wr = {
    "clus2wr",          "tests/fixtures/svy/apiclus2.csv", NULL, "dnum", "snum", NULL, NULL, "pw",
    LCM_SVY_LONELY_FAIL};

lcm_svy_design *svyt_build(const svyt_case *c, svyt_table *t) {
    char err[256] = "";
    CU_ASSERT_FATAL(svyt_load(c->file, t) == 0);
    int64_t *s = c->strata ? svyt_codes(t, c->strata) : NULL;
    int64_t *p = c->psu ? svyt_codes(t, c->psu) : NULL;
    int64_t *u = c->ssu ? svyt_codes(t, c->ssu) : NULL;
    lcm_svy_spec spec = {.n = t->nrow,
                         .strata = s,
                         .psu = p,
                         .ssu = u,
                         .fpc1 = c->fpc1 ? svyt_col(t, c->fpc1) : NULL,
                         .fpc2 = c->fpc2 ? svyt_col(t, c->fpc2) : NULL,
                         .weights = c->weights ? svyt_col(t, c->weights) : NULL,
                         .lonely = c->lonely};
    lcm_svy_design *d = NULL;
    lcm_status st = lcm_svy_design_new(&spec, &d, err, sizeof err);
    if (st != LCM_OK)
        fprintf(stderr, "\n  %s: %s (%s)\n", c->name, lcm_strerror(st), err);
    CU_ASSERT_FATAL(st == LCM_OK);
    free(s);
    free(p);
    free(u);
    return d;
}

static void reader_reads_numbers_and_nan(void) {
    svyt_table t;
    CU_ASSERT_FATAL(svyt_load("tests/fixtures/svy/apistrat.csv", &t) == 0);
    CU_ASSERT_EQUAL(t.nrow, 200);
    const double *acs = svyt_col(&t, "acs_k3");
    CU_ASSERT_PTR_NOT_NULL_FATAL(acs);
    size_t nan = 0;
    for (size_t i = 0; i < t.nrow; i++)
        nan += isnan(acs[i]);
    CU_ASSERT_EQUAL(nan, 103); /* R: sum(is.na(apistrat$acs.k3)) */
    svyt_free(&t);
}

static void reader_finds_reference_rows(void) {
    size_t n = 0;
    svyt_ref *r = svyt_refs("tests/fixtures/svy/reference.csv", "strat", &n);
    CU_ASSERT(n > 10);
    CU_ASSERT_STRING_EQUAL(r[0].case_, "strat");
    free(r);
}

const lcmt_case lcmt_svy_fixture_cases[] = {
    {"reader_reads_numbers_and_nan", reader_reads_numbers_and_nan},
    {"reader_finds_reference_rows", reader_finds_reference_rows},
    {NULL, NULL},
};
