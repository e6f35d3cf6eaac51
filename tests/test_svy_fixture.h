/*
 * test_svy_fixture.h - reading the CSV fixtures that tests/r/svy_fixtures.R writes: numeric
 * data tables (NA as "nan") and the reference table of R's estimates. Shared by the
 * test_svy*.c suites; the reader itself is tested in test_svy_fixture.c.
 */
#ifndef LCMT_SVY_FIXTURE_H
#define LCMT_SVY_FIXTURE_H

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
