/*
 * bench_estimate.c - times lcmon's one-pass domain estimation (analysis/svy) on a two-stage
 * stratified household sample: cities are strata, communities PSUs, households SSUs (one
 * respondent each), fpc at both stages; 20 variables estimated as means by city and by
 * city x age band, then their quartiles with Woodruff intervals. Driven by bench/estimate,
 * which also runs R's svyby (means) and svyquantile (quartiles) on the same data.
 *
 *   bench_estimate --csv data.csv --out results.csv [--qout quartiles.csv]
 *                                                     read the sample R generated
 *   bench_estimate --generate NCITIES                 make a sample in memory (20 PSUs x 50
 *                                                     households per city) and time it
 */
#include "svy.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NY 20
#define NAGE 6
#define NQ 3 /* quartiles */

typedef struct sample {
    size_t n;
    int64_t *city, *psu, *hh;
    int32_t *age, *dom_city, *dom_city_age;
    double *fpc1, *fpc2, *w, *y[NY];
    size_t ncity;
} sample;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int alloc_sample(sample *s, size_t n) {
    s->n = n;
    s->city = malloc(n * sizeof *s->city);
    s->psu = malloc(n * sizeof *s->psu);
    s->hh = malloc(n * sizeof *s->hh);
    s->age = malloc(n * sizeof *s->age);
    s->dom_city = malloc(n * sizeof *s->dom_city);
    s->dom_city_age = malloc(n * sizeof *s->dom_city_age);
    s->fpc1 = malloc(n * sizeof *s->fpc1);
    s->fpc2 = malloc(n * sizeof *s->fpc2);
    s->w = malloc(n * sizeof *s->w);
    int ok = s->city && s->psu && s->hh && s->age && s->dom_city && s->dom_city_age && s->fpc1 &&
             s->fpc2 && s->w;
    for (int j = 0; j < NY; j++)
        ok = ok && (s->y[j] = malloc(n * sizeof *s->y[j])) != NULL;
    return ok;
}

static void free_sample(sample *s) {
    free(s->city), free(s->psu), free(s->hh), free(s->age), free(s->dom_city);
    free(s->dom_city_age), free(s->fpc1), free(s->fpc2), free(s->w);
    for (int j = 0; j < NY; j++)
        free(s->y[j]);
}

/* Columns: city,psu,hh,age,fpc1,fpc2,w,y1..y20 (as bench/estimate_gen.R writes them). */
static int read_csv(const char *path, sample *s) {
    FILE *f = fopen(path, "r");
    char line[4096];
    size_t n = 0, cap = 0;
    if (!f || !fgets(line, sizeof line, f))
        return 0;
    while (fgets(line, sizeof line, f))
        n++;
    rewind(f);
    if (!fgets(line, sizeof line, f) || !alloc_sample(s, n)) {
        fclose(f);
        return 0;
    }
    size_t maxcity = 0;
    for (size_t k = 0; k < n && fgets(line, sizeof line, f); k++, cap++) {
        char *p = line;
        double v[7 + NY];
        for (int j = 0; j < 7 + NY; j++) {
            v[j] = strtod(p, &p);
            if (*p == ',')
                p++;
        }
        s->city[k] = (int64_t)v[0], s->psu[k] = (int64_t)v[1], s->hh[k] = (int64_t)v[2];
        s->age[k] = (int32_t)v[3], s->fpc1[k] = v[4], s->fpc2[k] = v[5], s->w[k] = v[6];
        for (int j = 0; j < NY; j++)
            s->y[j][k] = v[7 + j];
        if ((size_t)s->city[k] > maxcity)
            maxcity = (size_t)s->city[k];
    }
    fclose(f);
    s->ncity = maxcity; /* city codes are 1..ncity */
    return cap == n;
}

/* xorshift64*: a small deterministic generator for the in-memory sample */
static uint64_t rng_state = 88172645463325252ull;
static double unif(void) {
    rng_state ^= rng_state >> 12, rng_state ^= rng_state << 25, rng_state ^= rng_state >> 27;
    return (double)((rng_state * 2685821657736338717ull) >> 11) * 0x1.0p-53;
}

static int generate(size_t ncity, sample *s) {
    size_t npsu = 20, nhh = 50, n = ncity * npsu * nhh, k = 0;
    if (!alloc_sample(s, n))
        return 0;
    s->ncity = ncity;
    for (size_t c = 1; c <= ncity; c++) {
        double level = 50 + 20 * unif();
        for (size_t i = 1; i <= npsu; i++) {
            double eff = 5 * (unif() - 0.5);
            for (size_t h = 1; h <= nhh; h++, k++) {
                s->city[k] = (int64_t)c, s->psu[k] = (int64_t)i, s->hh[k] = (int64_t)h;
                s->age[k] = (int32_t)(unif() * NAGE) + 1;
                s->fpc1[k] = 200, s->fpc2[k] = 2000;
                s->w[k] = 200.0 / 20 * 2000.0 / 50 * (0.5 + unif());
                for (int j = 0; j < NY; j++)
                    s->y[j][k] = j < 15 ? level + eff + 10 * unif() + s->age[k]
                                        : (double)(unif() < 0.3 + 0.05 * s->age[k]);
            }
        }
    }
    return 1;
}

/* Means by city and by city x age band in one call; writes them to out when given. */
static lcm_status run_means(const lcm_svy_design *d, sample *s, const lcm_svy_by *by,
                            const char *out) {
    char err[256] = "";
    lcm_svy_var vars[NY];
    for (int j = 0; j < NY; j++)
        vars[j] = (lcm_svy_var){LCM_SVY_MEAN, s->y[j], NULL};
    size_t nres = lcm_svy_nresults(by, 2, NY);
    lcm_svy_est *est = malloc(nres * sizeof *est);
    lcm_status st = est ? lcm_svy_estimate(d, vars, NY, by, 2, est, err, sizeof err) : LCM_NOMEM;
    if (st != LCM_OK)
        fprintf(stderr, "bench_estimate: %s: %s\n", lcm_strerror(st), err);
    FILE *f = st == LCM_OK && out ? fopen(out, "w") : NULL;
    if (f) {
        fprintf(f, "by,domain,var,estimate,se\n");
        for (size_t D = 0; D < s->ncity * (1 + NAGE); D++)
            for (int j = 0; j < NY; j++) {
                const lcm_svy_est *e = &est[D * NY + (size_t)j];
                int city = D < s->ncity;
                fprintf(f, "%s,%zu,y%d,%.17g,%.17g\n", city ? "city" : "city_age",
                        city ? D : D - s->ncity, j + 1, e->estimate, e->se);
            }
        fclose(f);
    }
    free(est);
    return st;
}

/* Quartiles with Woodruff intervals for the same variables and domains. */
static lcm_status run_quantiles(const lcm_svy_design *d, sample *s, const lcm_svy_by *by,
                                const char *out) {
    static const double probs[NQ] = {0.25, 0.5, 0.75};
    char err[256] = "";
    const double *y[NY];
    for (int j = 0; j < NY; j++)
        y[j] = s->y[j];
    size_t nres = lcm_svy_quantile_nresults(by, 2, NY, NQ);
    lcm_svy_quant *q = malloc(nres * sizeof *q);
    lcm_status st =
        q ? lcm_svy_quantile(d, y, NY, probs, NQ, 0.95, by, 2, q, err, sizeof err) : LCM_NOMEM;
    if (st != LCM_OK)
        fprintf(stderr, "bench_estimate: %s: %s\n", lcm_strerror(st), err);
    FILE *f = st == LCM_OK && out ? fopen(out, "w") : NULL;
    if (f) {
        fprintf(f, "by,domain,var,p,quantile,se\n");
        for (size_t D = 0; D < s->ncity * (1 + NAGE); D++)
            for (int j = 0; j < NY; j++)
                for (int k = 0; k < NQ; k++) {
                    const lcm_svy_quant *e = &q[(D * NY + (size_t)j) * NQ + (size_t)k];
                    int city = D < s->ncity;
                    fprintf(f, "%s,%zu,y%d,%g,%.17g,%.17g\n", city ? "city" : "city_age",
                            city ? D : D - s->ncity, j + 1, e->p, e->estimate, e->se);
                }
        fclose(f);
    }
    free(q);
    return st;
}

int main(int argc, char **argv) {
    sample s = {0};
    const char *out = NULL, *qout = NULL;
    if ((argc == 5 || argc == 7) && strcmp(argv[1], "--csv") == 0 &&
        strcmp(argv[3], "--out") == 0 && (argc == 5 || strcmp(argv[5], "--qout") == 0)) {
        if (!read_csv(argv[2], &s)) {
            fprintf(stderr, "bench_estimate: cannot read '%s'\n", argv[2]);
            return 1;
        }
        out = argv[4];
        qout = argc == 7 ? argv[6] : NULL;
    } else if (argc == 3 && strcmp(argv[1], "--generate") == 0) {
        if (!generate((size_t)strtoul(argv[2], NULL, 10), &s)) {
            fprintf(stderr, "bench_estimate: out of memory\n");
            return 1;
        }
    } else {
        fprintf(stderr, "usage: bench_estimate --csv DATA --out RESULTS [--qout QUANTILES] | "
                        "--generate NCITIES\n");
        return 2;
    }
    double t0 = now();
    for (size_t k = 0; k < s.n; k++) {
        s.dom_city[k] = (int32_t)s.city[k] - 1;
        s.dom_city_age[k] = ((int32_t)s.city[k] - 1) * NAGE + s.age[k] - 1;
    }
    lcm_svy_spec spec = {.n = s.n,
                         .strata = s.city,
                         .psu = s.psu,
                         .ssu = s.hh,
                         .fpc1 = s.fpc1,
                         .fpc2 = s.fpc2,
                         .weights = s.w,
                         .lonely = LCM_SVY_LONELY_FAIL};
    lcm_svy_design *d = NULL;
    char err[256] = "";
    lcm_status st = lcm_svy_design_new(&spec, &d, err, sizeof err);
    if (st != LCM_OK) {
        fprintf(stderr, "bench_estimate: %s: %s\n", lcm_strerror(st), err);
        return 1;
    }
    double t1 = now();
    lcm_svy_by by[2] = {{s.dom_city, s.ncity}, {s.dom_city_age, s.ncity * NAGE}};
    st = run_means(d, &s, by, out);
    double t2 = now();
    if (st == LCM_OK)
        st = run_quantiles(d, &s, by, qout);
    double t3 = now();
    if (st != LCM_OK)
        return 1;
    printf("rows %zu  cities %zu  domains %zu  variables %d\n", s.n, s.ncity, s.ncity * (1 + NAGE),
           NY);
    printf("lcmon design %.3f s  estimate %.3f s  total %.3f s\n", t1 - t0, t2 - t1, t2 - t0);
    printf("lcmon quartiles with Woodruff intervals %.3f s\n", t3 - t2);
    lcm_svy_design_free(d);
    free_sample(&s);
    return 0;
}
