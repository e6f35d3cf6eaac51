/*
 * test_svy_fixture.h - reading the CSV fixtures that tests/r/svy_fixtures.R writes: numeric
 * data tables (NA as "nan") and the reference table of R's estimates. Shared by the
 * test_svy*.c suites; the reader itself is tested in test_svy_fixture.c.
 */
#ifndef LCMT_SVY_FIXTURE_H
#define LCMT_SVY_FIXTURE_H

#include "svy.h"

#include <stddef.h>
#include <stdint.h>

/* A numeric table: ncol columns of nrow doubles each. */
typedef struct svyt_table {
    size_t nrow, ncol;
    char **name;  /* ncol column names */
    double **col; /* ncol arrays of nrow values */
} svyt_table;

/* Loads tests/fixtures/svy/<file> (a path below the source tree); 0 on success. */
int svyt_load(const char *rel, svyt_table *t);
void svyt_free(svyt_table *t);

/* Column by name, or NULL. */
const double *svyt_col(const svyt_table *t, const char *name);

/* Column converted to malloc'd int64 codes / int32 domain ids (NaN -> -1); caller frees. */
int64_t *svyt_codes(const svyt_table *t, const char *name);
int32_t *svyt_ids(const svyt_table *t, const char *name);

/* A design case of the R scripts: the data file and the columns of each design role. */
typedef struct svyt_case {
    const char *name, *file;
    const char *strata, *psu, *ssu, *fpc1, *fpc2, *weights;
    lcm_svy_lonely lonely;
} svyt_case;

/* The designs of tests/r/svy_fixtures.R (and svy_quantile.R) cases of the same names:
 * strat: svydesign(id=~1, strata=~stype, weights=~pw, fpc=~fpc, data=apistrat);
 * clus1: svydesign(id=~dnum, weights=~pw, fpc=~fpc, data=apiclus1);
 * clus2: svydesign(id=~dnum+snum, fpc=~fpc1+fpc2, data=apiclus2), weights from the fpc;
 * clus2wr: svydesign(id=~dnum+snum, weights=~pw, data=apiclus2), with replacement. */
extern const svyt_case svyt_strat, svyt_clus1, svyt_clus2, svyt_clus2wr;

/* Loads the case's data file into t and builds its design (asserting success); the caller
 * frees both. */
lcm_svy_design *svyt_build(const svyt_case *c, svyt_table *t);

/* One row of reference.csv. */
typedef struct svyt_ref {
    char case_[32], stat[16], var[32], by[32];
    int domain;
    double estimate, se, df, deff, n;
} svyt_ref;

/* All rows of a reference file whose case equals name; malloc'd array, *n rows. */
svyt_ref *svyt_refs(const char *rel, const char *name, size_t *n);

/* Relative closeness used for R references, |a-b| <= rel * max(|a|,|b|) (or both NaN);
 * on failure prints what differs to stderr with the label. */
int svyt_close(double got, double want, double rel, const char *label);

#endif
