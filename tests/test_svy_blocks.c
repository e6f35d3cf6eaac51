/*
 * test_svy_blocks.c - calibrated estimates by domain when every domain touches only its own
 * margins' cells (issue 19: margins by city x sex and city x age band, estimates by city).
 * analysis/svy_calib.c and svy_estimate.c keep only the nonzeros of that block structure;
 * the numbers must be those of the dense code they replaced. The expected values below were
 * printed by this test (LCMT_DUMP_BLOCKS=1) from the dense code at commit de2e730 (main's
 * svy_estimate.c / svy_calib.c) and are compared to 1e-12; R's agreement with the same code
 * on its own cases is tests/test_svy.c's calibrate__* (tests/fixtures/svy, rake, post, greg).
 *
 * The sample: 12 cities (strata) x 4 PSUs x 3 SSUs x 5 rows, sex and age band from a fixed
 * linear congruential sequence; the population totals are the sample weights times a row
 * factor in [0.9, 1.3), so the margins agree with each other and raking converges.
 */
#include "svy.h"
#include "testing.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NCITY 12
#define NROW (NCITY * 4 * 3 * 5)

typedef struct sample {
    int64_t strata[NROW], psu[NROW], ssu[NROW];
    double w[NROW], fpc1[NROW], y[NROW], x[NROW], z[NROW], wpop[NROW];
    int32_t city[NROW], sex[NROW], cs[NROW], ca[NROW];
} sample;

static void make_sample(sample *s) {
    uint32_t r = 20241205u;
#define NEXT() (r = r * 1664525u + 1013904223u, (double)(r >> 8) / 16777216.0)
    for (int k = 0; k < NROW; k++) {
        int c = k / 60, p = (k / 15) % 4, u = (k / 5) % 3;
        s->strata[k] = c, s->psu[k] = c * 4 + p, s->ssu[k] = (c * 4 + p) * 3 + u;
        s->fpc1[k] = 40;
        s->w[k] = 20 + 30 * NEXT();
        s->sex[k] = NEXT() < 0.5;
        int age = (int)(3 * NEXT());
        s->city[k] = c;
        s->cs[k] = c * 2 + s->sex[k];
        s->ca[k] = c * 3 + age;
        s->y[k] = k == 17 ? NAN : 10 + c + 5 * NEXT() + 2 * s->sex[k];
        s->x[k] = 1 + NEXT();
        s->z[k] = age == 1 ? 1.0 : 0.0;
        s->wpop[k] = s->w[k] * (0.9 + 0.4 * NEXT());
    }
#undef NEXT
}

static void cell_totals(const sample *s, const int32_t *cell, size_t ncell, double *pop) {
    memset(pop, 0, ncell * sizeof *pop);
    for (int k = 0; k < NROW; k++)
        pop[cell[k]] += s->wpop[k];
}

/* The estimates and SEs of (mean y, total z, ratio y/x) by city, by sex and overall. */
#define NOUT ((NCITY + 2 + 1) * 3)

static void estimates(const lcm_svy_design *d, const sample *s, double *out) {
    lcm_svy_var v[3] = {
        {LCM_SVY_MEAN, s->y, NULL}, {LCM_SVY_TOTAL, s->z, NULL}, {LCM_SVY_RATIO, s->y, s->x}};
    lcm_svy_by by[3] = {{s->city, NCITY}, {s->sex, 2}, {NULL, 1}};
    lcm_svy_est e[NOUT];
    char err[256] = "";
    CU_ASSERT_FATAL(lcm_svy_estimate(d, v, 3, by, 3, e, err, sizeof err) == LCM_OK);
    for (int i = 0; i < NOUT; i++)
        out[2 * i] = e[i].estimate, out[2 * i + 1] = e[i].se;
}

/* design 0: one stage (city strata, PSUs); 1: two stages with fpc; method 0 rake on
 * city x sex and city x age, 1 post-stratified on city x sex, 2 linear on city x sex and
 * city x (age band 2) */
static void calibrated(const sample *s, int two, int method, double *out) {
    lcm_svy_spec spec = {.n = NROW, .strata = s->strata, .psu = s->psu, .weights = s->w};
    if (two)
        spec.ssu = s->ssu, spec.fpc1 = s->fpc1;
    lcm_svy_design *d = NULL, *c = NULL;
    char err[256] = "";
    CU_ASSERT_FATAL(lcm_svy_design_new(&spec, &d, err, sizeof err) == LCM_OK);
    static double pcs[NCITY * 2], pca[NCITY * 3];
    cell_totals(s, s->cs, NCITY * 2, pcs);
    cell_totals(s, s->ca, NCITY * 3, pca);
    lcm_svy_margin m[2] = {{s->cs, NCITY * 2, pcs}, {s->ca, NCITY * 3, pca}};
    lcm_svy_calib_report rep;
    lcm_status st;
    if (method == 0) {
        st = lcm_svy_rake(d, m, 2, 100, 1e-9, &c, &rep, err, sizeof err);
    } else if (method == 1) {
        st = lcm_svy_poststratify(d, &m[0], &c, err, sizeof err);
    } else {
        enum { P = NCITY * 3 };
        static double col[P][NROW], tot[P];
        const double *x[P];
        memset(col, 0, sizeof col), memset(tot, 0, sizeof tot);
        for (int k = 0; k < NROW; k++) {
            col[s->cs[k]][k] = 1, tot[s->cs[k]] += s->wpop[k];
            if (s->ca[k] % 3 == 2)
                col[NCITY * 2 + s->city[k]][k] = 1, tot[NCITY * 2 + s->city[k]] += s->wpop[k];
        }
        for (int j = 0; j < P; j++)
            x[j] = col[j];
        st = lcm_svy_calibrate(d, x, P, tot, -INFINITY, INFINITY, 50, 1e-7, &c, &rep, err,
                               sizeof err);
    }
    CU_ASSERT_FATAL(st == LCM_OK);
    estimates(c, s, out);
    lcm_svy_design_free(c);
    lcm_svy_design_free(d);
}

#include "test_svy_blocks.h" /* expected[2][3][2 * NOUT], from the dense code */

static void blocks__sparse_calibration_equals_dense(void) {
    static sample s;
    make_sample(&s);
    int dump = getenv("LCMT_DUMP_BLOCKS") != NULL;
    if (dump)
        printf("\nstatic const double expected[2][3][2 * NOUT] = {\n");
    for (int two = 0; two < 2; two++) {
        if (dump)
            printf("{\n");
        for (int method = 0; method < 3; method++) {
            double got[2 * NOUT];
            calibrated(&s, two, method, got);
            if (dump) {
                printf("{");
                for (int i = 0; i < 2 * NOUT; i++)
                    printf("%.17g,%s", got[i], i % 4 == 3 ? "\n" : " ");
                printf("},\n");
                continue;
            }
            int bad = 0;
            for (int i = 0; i < 2 * NOUT; i++) {
                double want = expected[two][method][i];
                /* an SE that is 0 in exact arithmetic (the total of a calibrated cell
                 * indicator) is rounding noise in both codes: both must stay below 1e-8
                 * of the estimate */
                double zero = i % 2 ? 1e-8 * fabs(expected[two][method][i - 1]) : 0;
                int ok = fabs(got[i] - want) <= 1e-12 * fabs(want) ||
                         (isnan(got[i]) && isnan(want)) || (want < zero && got[i] < zero);
                if (!ok) {
                    if (bad++ < 5)
                        printf("\ndesign %d method %d value %d: %.17g, dense code %.17g\n", two,
                               method, i, got[i], want);
                }
            }
            CU_ASSERT_EQUAL(bad, 0);
        }
        if (dump)
            printf("},\n");
    }
    if (dump)
        printf("};\n");
}

const lcmt_case lcmt_svy_blocks_cases[] = {
    {"blocks__sparse_calibration_equals_dense", blocks__sparse_calibration_equals_dense},
    {NULL, NULL},
};
