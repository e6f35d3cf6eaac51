/*
 * survey.h - survey data in the store as estimation sees it: a source (a form's response
 * table or an imported dataset), the design declared for it, and the columns estimation
 * needs, loaded into arrays with labels turned into integer codes.
 */
#ifndef LCM_SURVEY_H
#define LCM_SURVEY_H

#include "intern.h"
#include "lcmon.h"
#include "svy.h"

#include <stddef.h>
#include <stdint.h>

typedef enum lcm_source_kind { LCM_SOURCE_FORM, LCM_SOURCE_DATASET } lcm_source_kind;

/* Where survey rows live. */
typedef struct lcm_source {
    lcm_source_kind kind;
    char name[128];  /* form id or dataset name, as the user gave it */
    char table[192]; /* the SQL table holding the rows (validated identifier) */
    int unreviewed;  /* forms: 1 counts the interviews of lcmon serve not yet reviewed too
                        (received, resubmitted); 0, the default, approved ones only
                        (engine/review.h: lcm_review_where) */
} lcm_source;

/* Find the table behind a form (its latest loaded version) or a dataset. */
lcm_status lcm_source_resolve(lcm_db *db, lcm_source_kind kind, const char *name, lcm_source *out,
                              lcm_err *err);

/* 1 for the answers every estimate treats as item nonresponse (docs/forms.md): the choice
 * names `dk` (不清楚/说不好, don't know) and `rf` (拒答, refused). They are stored as answered
 * and read as missing, in means, totals, proportions and by-variables alike. */
int lcm_survey_nonresponse(const char *answer);

/* The source behind a form's rows of one wave (wave 0 = every wave): the table of the form
 * version those rows were answered on; when they span several versions, a view over them
 * harmonised through the crosswalk (crosswalk.h), and note (cap bytes, may be NULL) says
 * which versions and crosswalk (else note is ""). Without rows, the latest version's table,
 * as lcm_source_resolve. Datasets as lcm_source_resolve. */
lcm_status lcm_source_resolve_wave(lcm_db *db, lcm_source_kind kind, const char *name, int wave,
                                   lcm_source *out, char *note, size_t cap, lcm_err *err);
/* 1 when src is such a harmonised view (read only; no columnar copy). */
int lcm_source_harmonised(const lcm_source *src);

/* 1 when table has a column named col (names compared as SQLite does). */
int lcm_table_has_column(lcm_db *db, const char *table, const char *col);

/* 1 when s is usable as a column or table name: [A-Za-z_][A-Za-z0-9_]*, at most 63 bytes.
 * Only such names are ever quoted into SQL. */
int lcm_sql_name_ok(const char *s);

/* Replicate weights declared with a design (schema 8): built by lcmon from the design
 * (R's as.svrepdesign: jk1, jkn, bootstrap) or imported from columns of the source (R's
 * svrepdesign: bootstrap, jk1, brr, fay, sdr, other). */
typedef struct lcm_rep_decl {
    char type[16];      /* "" = no replicates, else one of the names above */
    int import;         /* 1: columns holds the imported replicate weights */
    long nrep;          /* built bootstrap: number of replicates */
    unsigned long seed; /* built bootstrap: seed of lcmon's generator */
    char columns[4096]; /* imported: COL,COL,... or PREFIX* (every column starting so) */
    double scale;       /* imported: NAN = the type's default as R's svrepdesign sets it */
    double rho;         /* imported fay: Fay's rho, else NAN */
    int mse;            /* centre the variance at the full-sample estimate */
    int multipliers;    /* imported columns multiply the sampling weights (R's
                           combined.weights = FALSE) instead of being the final weights */
} lcm_rep_decl;

/* The design declared for a source and wave (wave 0 = every wave), as column names. */
typedef struct lcm_design_decl {
    char strata[64], psu[64], ssu[64], fpc1[64], fpc2[64], weight[64]; /* "" = not given */
    lcm_svy_lonely lonely;
    lcm_rep_decl rep;
} lcm_design_decl;

/* 1 when name is a replicate type lcmon builds (built) or imports (!built). */
int lcm_rep_type_ok(const char *name, int built);

/* Parse a lonely-PSU policy name (fail, remove, certainty, adjust, average); 0 or -1. */
int lcm_lonely_parse(const char *s, lcm_svy_lonely *out);
const char *lcm_lonely_name(lcm_svy_lonely p);

/* "form" or "dataset": a source kind as stored and as messages name it. */
const char *lcm_source_kind_name(lcm_source_kind k);

/* Check every named column exists in the source, then store the declaration
 * (replacing an earlier one for the same source and wave). */
lcm_status lcm_design_set(lcm_db *db, const lcm_source *src, int wave, const lcm_design_decl *decl,
                          lcm_err *err);
/* The declaration for (source, wave), falling back to wave 0; LCM_NOTFOUND if none. */
lcm_status lcm_design_get(lcm_db *db, const lcm_source *src, int wave, lcm_design_decl *out,
                          lcm_err *err);

/* Rows of a source loaded for estimation. Label columns (strata, PSU, SSU, by-variables,
 * categorical variables) become codes through one interner per column. */
typedef struct lcm_survey_data {
    size_t n;
    int64_t *rowid;                         /* SQLite rowid of each row, to write results back */
    int64_t *strata, *psu, *ssu;            /* NULL when not in the design */
    lcm_intern *strata_labels, *psu_labels; /* their values (code -> label), for messages */
    double *fpc1, *fpc2, *weight;
    size_t nvar;
    char **var_names;
    double **var;        /* numeric values, NaN for missing */
    int64_t **var_codes; /* categorical codes (-1 missing), for proportions */
    lcm_intern **var_labels;
    size_t nby;
    char **by_names;
    int64_t **by_codes;
    lcm_intern **by_labels;
} lcm_survey_data;

/* Load the design columns, the variables (categorical when as_categories) and the by
 * columns of src, restricted to one wave when wave > 0 and, for forms, to complete
 * interviews that the review rule counts (src->unreviewed, engine/review.h). A value that is not a
 * number where one is needed is an error naming the table, row and column. The caller frees with
 * lcm_survey_data_free. */
lcm_status lcm_survey_load(lcm_db *db, const lcm_source *src, int wave, const lcm_design_decl *decl,
                           const char *const *vars, size_t nvar, int as_categories,
                           const char *const *by, size_t nby, lcm_survey_data *out, lcm_err *err);
/* As lcm_survey_load, always from the row store and never through the columnar copy
 * (docs/performance.md): for callers that write back by d->rowid (a VACUUM may renumber the
 * row ids of a table without an INTEGER PRIMARY KEY, and writes no row a trigger sees). */
lcm_status lcm_survey_load_rows(lcm_db *db, const lcm_source *src, int wave,
                                const lcm_design_decl *decl, const char *const *vars, size_t nvar,
                                int as_categories, const char *const *by, size_t nby,
                                lcm_survey_data *out, lcm_err *err);
void lcm_survey_data_free(lcm_survey_data *d);

/* Drops the columnar copies of table and their invalidation triggers (docs/performance.md),
 * in the caller's transaction: a bulk writer calls it before its rows, so it pays no trigger
 * per row; the next load reads the row store and makes both again. */
lcm_status lcm_survey_copy_forget(lcm_db *db, const char *table, lcm_err *err);

/* The design of the rows d holds, as decl declares it, into *out (the caller frees with
 * lcm_svy_design_free). Its messages name strata and PSUs by their values in the data
 * ("stratum '4451-urban' has only one PSU"), not by lcmon's internal numbers. */
lcm_status lcm_survey_design_build(const lcm_survey_data *d, const lcm_design_decl *decl,
                                   lcm_svy_design **out, lcm_err *err);

/* Imported replicate weights of decl for the rows d was loaded with (same source, wave and
 * filters, same order): *rw gets *nrep malloc'd columns of d->n values (the caller frees
 * each and the array). The columns are decl->rep.columns, a PREFIX* pattern expanded in
 * table order; an empty or non-numeric value is an error naming table, row and column. */
lcm_status lcm_survey_load_replicates(lcm_db *db, const lcm_source *src, int wave,
                                      const lcm_design_decl *decl, const lcm_survey_data *d,
                                      double ***rw, size_t *nrep, lcm_err *err);

#endif
