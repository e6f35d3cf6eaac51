/*
 * test_estimate.c - lcmon's estimation path from the store (engine/survey.c,
 * engine/estimate.c) against R's survey package: the same numbers as analysis/svy's own
 * fixtures once the data have gone through SQLite, label coding and domain crossing, and
 * the confidence intervals lcmon adds (t on design df, logit, Korn-Graubard).
 *
 * References: tests/fixtures/svy/reference.csv (tests/r/svy_fixtures.R, case "strat") and
 * tests/fixtures/estimate/ci_reference.csv (tests/r/estimate_ci.R), both from R's apistrat.
 */
#include "csvin.h"
#include "estimate.h"
#include "strbuf.h"
#include "testing.h"
#include "weight.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Load a CSV into a table of the same columns (values bound as text, "nan" as NULL). */
typedef struct table_load {
    lcm_db *db;
    const char *table;
    sqlite3_stmt *ins;
} table_load;

static lcm_status load_row(void *ud, const lcm_csv_row *row, lcm_err *err) {
    table_load *t = ud;
    if (row->index == 0) {
        lcm_strbuf ddl = LCM_STRBUF_INIT, ins = LCM_STRBUF_INIT;
        lcm_strbuf_addf(&ddl, "CREATE TABLE \"%s\" (", t->table);
        lcm_strbuf_addf(&ins, "INSERT INTO \"%s\" VALUES (", t->table);
        for (size_t i = 0; i < row->n; i++) {
            lcm_strbuf_addf(&ddl, "%s\"%s\" NUMERIC", i ? ", " : "", row->field[i]);
            lcm_strbuf_adds(&ins, i ? ", ?" : "?");
        }
        lcm_strbuf_adds(&ddl, ")");
        lcm_strbuf_adds(&ins, ")");
        lcm_status st = lcm_db_exec(t->db, ddl.buf, err);
        if (st == LCM_OK)
            st = lcm_db_prepare(t->db, ins.buf, &t->ins, err);
        lcm_strbuf_release(&ddl);
        lcm_strbuf_release(&ins);
        return st;
    }
    sqlite3_reset(t->ins);
    for (size_t i = 0; i < row->n; i++) {
        if (strcmp(row->field[i], "nan") == 0 || !row->len[i])
            sqlite3_bind_null(t->ins, (int)i + 1);
        else
            sqlite3_bind_text(t->ins, (int)i + 1, row->field[i], -1, SQLITE_TRANSIENT);
    }
    return sqlite3_step(t->ins) == SQLITE_DONE ? LCM_OK : lcm_db_fail(t->db, err, "loading");
}

/* A fresh database holding the fixture DIR/NAME.csv as dataset table ds_NAME with the given
 * design. */
static lcm_db *fixture_db_in(const char *dir, const char *name, lcm_source *src,
                             const lcm_design_decl *decl) {
    char path[1024], file[256], table[64];
    snprintf(path, sizeof path, "%s", lcmt_tmp("est.db"));
    snprintf(file, sizeof file, "%s/%s.csv", dir, name);
    snprintf(table, sizeof table, "ds_%s", name);
    remove(path);
    lcm_db *db = NULL;
    lcm_err err = {0};
    if (lcm_db_open(path, LCM_OPEN_CREATE, &db, &err) != LCM_OK)
        return NULL;
    remove(path);
    table_load t = {db, table, NULL};
    lcm_status st = lcm_csv_read(lcmt_path(file), load_row, &t, &err);
    sqlite3_finalize(t.ins);
    if (st != LCM_OK) {
        fprintf(stderr, "%s\n", err.msg);
        lcm_db_close(db);
        return NULL;
    }
    *src = (lcm_source){.kind = LCM_SOURCE_DATASET};
    snprintf(src->name, sizeof src->name, "%s", name);
    snprintf(src->table, sizeof src->table, "%s", table);
    if (lcm_design_set(db, src, 0, decl, &err) != LCM_OK) {
        fprintf(stderr, "%s\n", err.msg);
        lcm_db_close(db);
        return NULL;
    }
    return db;
}

/* The same for a fixture of tests/fixtures/svy. */
static lcm_db *fixture_db(const char *name, lcm_source *src, const lcm_design_decl *decl) {
    return fixture_db_in("tests/fixtures/svy", name, src, decl);
}

/* R: svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat) */
static lcm_db *apistrat_db(lcm_source *src) {
    lcm_design_decl decl = {.lonely = LCM_SVY_LONELY_FAIL};
    strcpy(decl.strata, "stype");
    strcpy(decl.weight, "pw");
    strcpy(decl.fpc1, "fpc");
    return fixture_db("apistrat", src, &decl);
}

/* A reference number from one of the fixture CSVs: the row whose first columns equal key[]
 * (NULL = any), column col. */
typedef struct ref_find {
    const char *const *key;
    int nkey;
    const char *col;
    double value;
    int found;
} ref_find;

static lcm_status find_row(void *ud, const lcm_csv_row *row, lcm_err *err) {
    ref_find *f = ud;
    static int col;
    (void)err;
    if (row->index == 0) {
        col = lcm_csv_find(row, f->col);
        return LCM_OK;
    }
    for (int i = 0; i < f->nkey; i++)
        if (f->key[i] && ((size_t)i >= row->n || strcmp(row->field[i], f->key[i]) != 0))
            return LCM_OK;
    if (col >= 0 && !f->found) {
        f->value = strtod(row->field[col], NULL);
        f->found = 1;
    }
    return LCM_OK;
}

static double ref(const char *file, const char *const *key, int nkey, const char *col) {
    ref_find f = {key, nkey, col, 0, 0};
    lcm_err err = {0};
    lcm_csv_read(lcmt_path(file), find_row, &f, &err);
    CU_ASSERT_FATAL(f.found);
    return f.value;
}

/* The first integer column of a query with the run id bound as ?1. */
static int query_run_int(lcm_db *db, const char *sql, long long run) {
    sqlite3_stmt *st = NULL;
    int v = -1;
    if (sqlite3_prepare_v2(lcm_db_sqlite(db), sql, -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, run);
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int(st, 0);
    }
    sqlite3_finalize(st);
    return v;
}

static const lcm_est_row *find_est(const lcm_est_result *r, const char *domain,
                                   const char *category) {
    for (size_t i = 0; i < lcm_est_result_count(r); i++) {
        const lcm_est_row *row = lcm_est_result_row(r, i);
        if ((domain == NULL || strcmp(row->by[0], domain) == 0) &&
            (category == NULL || (row->category && strcmp(row->category, category) == 0)))
            return row;
    }
    return NULL;
}

static void estimate__store_path_matches_r_means_and_domains(void) {
    lcm_source src;
    lcm_db *db = apistrat_db(&src);
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    const char *vars[] = {"api00"}, *by[] = {"stype"};
    lcm_est_request req = {src, 0, vars, 1, by, 1, LCM_EST_MEAN, LCM_CI_WALD, 0.95, 30, 1, NULL, 0};
    lcm_est_result *r = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_estimate_run(db, &req, &r, &err), LCM_OK);
    CU_ASSERT_EQUAL(lcm_est_result_count(r), 3);
    static const char *const doms[] = {"0", "1", "2"};
    for (int k = 0; k < 3; k++) {
        const lcm_est_row *row = find_est(r, doms[k], NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(row);
        const char *key[] = {"strat", "mean", "api00", "stype", doms[k]};
        LCMT_ASSERT_REL(row->est.estimate,
                        ref("tests/fixtures/svy/reference.csv", key, 5, "estimate"), 1e-10);
        LCMT_ASSERT_REL(row->est.se, ref("tests/fixtures/svy/reference.csv", key, 5, "se"), 1e-8);
        const char *ckey[] = {"mean_t", doms[k]};
        LCMT_ASSERT_REL(row->ci_low,
                        ref("tests/fixtures/estimate/ci_reference.csv", ckey, 2, "ci_low"), 1e-8);
        LCMT_ASSERT_REL(row->ci_high,
                        ref("tests/fixtures/estimate/ci_reference.csv", ckey, 2, "ci_high"), 1e-8);
    }
    /* stored with its run: 3 rows, parameters naming the design */
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(lcm_db_sqlite(db),
                       "SELECT count(*), min(r.params LIKE '%\"strata\":\"stype\"%') FROM "
                       "estimates e JOIN runs r ON r.id = e.run_id WHERE e.run_id = ?1",
                       -1, &st, NULL);
    sqlite3_bind_int64(st, 1, lcm_est_result_run(r));
    CU_ASSERT_EQUAL(sqlite3_step(st), SQLITE_ROW);
    CU_ASSERT_EQUAL(sqlite3_column_int(st, 0), 3);
    CU_ASSERT_EQUAL(sqlite3_column_int(st, 1), 1);
    sqlite3_finalize(st);
    lcm_est_result_free(r);
    lcm_db_close(db);
}

static void estimate__proportion_intervals_match_svyciprop(void) {
    lcm_source src;
    lcm_db *db = apistrat_db(&src);
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    const char *vars[] = {"yes"}, *by[] = {"stype"};
    static const struct {
        lcm_ci_kind ci;
        const char *name;
    } kinds[] = {{LCM_CI_LOGIT, "prop_logit"}, {LCM_CI_BETA, "prop_beta"}};
    for (int m = 0; m < 2; m++) {
        for (int whole = 0; whole < 2; whole++) {
            lcm_est_request req = {
                src,  0,  vars, 1,    by, whole ? 0 : 1, LCM_EST_PROP, kinds[m].ci,
                0.95, 30, 0,    NULL, 0};
            lcm_est_result *r = NULL;
            lcm_err err = {0};
            CU_ASSERT_EQUAL_FATAL(lcm_estimate_run(db, &req, &r, &err), LCM_OK);
            for (int k = 0; k < (whole ? 1 : 3); k++) {
                char dom[8];
                snprintf(dom, sizeof dom, "%d", k);
                const lcm_est_row *row = find_est(r, whole ? NULL : dom, "1");
                CU_ASSERT_PTR_NOT_NULL_FATAL(row);
                const char *key[] = {kinds[m].name, whole ? "all" : dom};
                const char *f = "tests/fixtures/estimate/ci_reference.csv";
                /* svyciprop's logit point comes from a glm fit (tolerance 1e-8 on the
                 * coefficient), so the estimate agrees to that, the interval likewise */
                LCMT_ASSERT_REL(row->est.estimate, ref(f, key, 2, "estimate"), 1e-8);
                LCMT_ASSERT_REL(row->ci_low, ref(f, key, 2, "ci_low"), 1e-7);
                LCMT_ASSERT_REL(row->ci_high, ref(f, key, 2, "ci_high"), 1e-7);
            }
            lcm_est_result_free(r);
        }
    }
    lcm_db_close(db);
}

/* The reference row (case, domain, category) of ci_nan_reference.csv, column col. */
static double nan_ref(const char *c, const char *dom, const char *cat, const char *col) {
    const char *key[] = {c, dom, cat};
    return ref("tests/fixtures/estimate/ci_nan_reference.csv", key, 3, col);
}

/* lcmon's interval equals R's, NaN where R's is NaN (issue 12, item 11: a domain without
 * design df got the normal quantile's interval, a proportion of 0 or 1 the interval [p, p];
 * R gives NaN). R's logit method at p = 0 or 1 is a non-converged glm (an interval ~1e-10
 * wide next to 0 or 1, tests/r/estimate_ci_nan.R): there lcmon gives NaN as beta does. */
static void check_nan_interval(const lcm_est_row *row, const char *c, const char *dom,
                               const char *cat) {
    CU_ASSERT_PTR_NOT_NULL_FATAL(row);
    double est = nan_ref(c, dom, cat, "estimate"), lo = nan_ref(c, dom, cat, "ci_low"),
           hi = nan_ref(c, dom, cat, "ci_high");
    CU_ASSERT_EQUAL(row->est.df, nan_ref(c, dom, cat, "df"));
    if (!strcmp(c, "prop_logit") && (est < 1e-9 || est > 1 - 1e-9)) {
        CU_ASSERT(hi - lo < 1e-9); /* R's artefact, not an interval */
        CU_ASSERT(row->est.estimate == 0 || row->est.estimate == 1);
        CU_ASSERT(isnan(row->ci_low) && isnan(row->ci_high));
        return;
    }
    LCMT_ASSERT_REL(row->est.estimate, est, 1e-9);
    CU_ASSERT_EQUAL(isnan(row->ci_low), isnan(lo));
    CU_ASSERT_EQUAL(isnan(row->ci_high), isnan(hi));
    if (!isnan(lo))
        LCMT_ASSERT_REL(row->ci_low, lo, 1e-8);
    if (!isnan(hi))
        LCMT_ASSERT_REL(row->ci_high, hi, 1e-8);
}

static void estimate__intervals_nan_as_r(void) {
    lcm_source src;
    lcm_design_decl decl = {.lonely = LCM_SVY_LONELY_FAIL};
    strcpy(decl.strata, "str");
    strcpy(decl.psu, "psu");
    strcpy(decl.weight, "w");
    lcm_db *db = fixture_db_in("tests/fixtures/estimate", "ci_nan", &src, &decl);
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    const char *doms[] = {"A", "B", "C"}, *xv[] = {"x"}, *yv[] = {"y"}, *by[] = {"dom"};
    static const double half[] = {0.5};
    static const struct {
        lcm_est_kind kind;
        lcm_ci_kind ci;
        const char *name;
    } cases[] = {{LCM_EST_MEAN, LCM_CI_WALD, "mean_t"},
                 {LCM_EST_PROP, LCM_CI_LOGIT, "prop_logit"},
                 {LCM_EST_PROP, LCM_CI_BETA, "prop_beta"},
                 {LCM_EST_PROP, LCM_CI_WALD, "prop_wald"},
                 {LCM_EST_QUANTILE, LCM_CI_WALD, "quantile"}};
    int nans = 0;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
        for (int whole = 0; whole < 2; whole++) {
            int prop = cases[k].kind == LCM_EST_PROP, q = cases[k].kind == LCM_EST_QUANTILE;
            lcm_est_request req = {
                src,           0,           prop ? yv : xv, 1,  by, whole ? 0 : 1,
                cases[k].kind, cases[k].ci, 0.95,           30, 0,  q ? half : NULL,
                q ? 1 : 0};
            lcm_est_result *r = NULL;
            lcm_err err = {0};
            CU_ASSERT_EQUAL_FATAL(lcm_estimate_run(db, &req, &r, &err), LCM_OK);
            for (int d = 0; d < (whole ? 1 : 3); d++)
                for (int cat = 0; cat < (prop ? 2 : 1); cat++) {
                    const char *cs = prop ? (cat ? "1" : "0") : q ? "0.5" : "";
                    const lcm_est_row *row = find_est(r, whole ? NULL : doms[d], prop ? cs : NULL);
                    check_nan_interval(row, cases[k].name, whole ? "all" : doms[d], cs);
                    nans += row && isnan(row->ci_low);
                }
            lcm_est_result_free(r);
        }
    CU_ASSERT_EQUAL(nans, 17); /* mean A; logit, beta A B C x2; wald A x2; quantile A B */
    lcm_db_close(db);
}

/* The CLI shows an interval R gives as NaN as a dash with a note under the table; csv leaves
 * it empty and json null, like every other missing number. */
static void estimate__cli_shows_nan_interval_as_dash(void) {
    char db[1024], *out = NULL;
    snprintf(db, sizeof db, "%s", lcmt_tmp("ci_nan_cli.db"));
    remove(db);
    CU_ASSERT_EQUAL_FATAL(lcmt_run((const char *[]){"init", db, NULL}, NULL, NULL, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(lcmt_run((const char *[]){"import", "dataset", db,
                                                    lcmt_path("tests/fixtures/estimate/ci_nan.csv"),
                                                    "--name", "cin", NULL},
                                   NULL, NULL, NULL),
                          0);
    CU_ASSERT_EQUAL_FATAL(
        lcmt_run((const char *[]){"design", "set", db, "--dataset", "cin", "--strata", "str",
                                  "--psu", "psu", "--weight", "w", NULL},
                 NULL, NULL, NULL),
        0);
    const char *base[] = {"estimate", db,     "--dataset", "cin", "--var",      "y",
                          "--stat",   "prop", "--by",      "dom", "--no-store", "--format"};
    const char *args[16];
    memcpy(args, base, sizeof base);
    args[13] = NULL;
    args[12] = "table";
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, &out, NULL), 0);
    LCMT_ASSERT_HAS(out, "A    y         0         0.545455   0       \u2014        \u2014   0");
    LCMT_ASSERT_HAS(out, "\u2014 no confidence interval for 2 estimates without design degrees");
    LCMT_ASSERT_HAS(out, "\u2014 no logit interval for 4 proportions of 0 or 1");
    free(out);
    args[12] = "csv";
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, &out, NULL), 0);
    LCMT_ASSERT_HAS(out, "\nB,y,1,0,0,,,2,");
    CU_ASSERT(out && !strstr(out, "\u2014"));
    free(out);
    args[12] = "json";
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, &out, NULL), 0);
    LCMT_ASSERT_HAS(out, "\"ci_low\": null, \"ci_high\": null, \"df\": 0,");
    free(out);
}

/* A lonely stratum is named by its value in the data, not by lcmon's internal code
 * (issue 12, item 12: "stratum 5 has only one PSU"). */
static void estimate__lonely_stratum_named_by_value(void) {
    static const char csv[] = "str,psu,w,x\n4451-rural,a,1,3\n4451-rural,b,1,4\n"
                              "4451-urban,c,2,5\n4451-urban,c,2,6\n";
    char db[1024], data[1024], *err = NULL;
    snprintf(db, sizeof db, "%s", lcmt_tmp("lonely_named.db"));
    snprintf(data, sizeof data, "%s", lcmt_write(lcmt_tmp("lonely_named.csv"), csv, strlen(csv)));
    remove(db);
    CU_ASSERT_EQUAL_FATAL(lcmt_run((const char *[]){"init", db, NULL}, NULL, NULL, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(
        lcmt_run((const char *[]){"import", "dataset", db, data, "--name", "lon", NULL}, NULL, NULL,
                 NULL),
        0);
    CU_ASSERT_EQUAL_FATAL(
        lcmt_run((const char *[]){"design", "set", db, "--dataset", "lon", "--strata", "str",
                                  "--psu", "psu", "--weight", "w", NULL},
                 NULL, NULL, NULL),
        0);
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"estimate", db, "--dataset", "lon", "--var", "x",
                                              "--no-store", NULL},
                             NULL, NULL, &err),
                    1);
    CU_ASSERT_STRING_EQUAL(err, "lcmon: estimation: stratum '4451-urban' has only one PSU at "
                                "stage 1\n");
    free(err), err = NULL;
    /* weight builds the same design to calibrate it: a design error there names the
     * stratum by its value too (an fpc that varies within 4451-urban) */
    static const char fcsv[] = "str,psu,w,x,f\n4451-rural,a,1,3,10\n4451-rural,b,1,4,10\n"
                               "4451-urban,c,2,5,10\n4451-urban,d,2,6,20\n";
    char fdata[1024]; /* lcmt_tmp's buffer is overwritten by the next call */
    snprintf(fdata, sizeof fdata, "%s",
             lcmt_write(lcmt_tmp("lonely_named_fpc.csv"), fcsv, strlen(fcsv)));
    static const char margins[] = "margin,level,population\nstr,4451-rural,10\nstr,4451-urban,20\n";
    const char *m = lcmt_write(lcmt_tmp("lonely_named_margins.csv"), margins, strlen(margins));
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"import", "dataset", db, fdata, "--name", "lonf", NULL}, NULL,
                 NULL, NULL),
        0);
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"design", "set", db, "--dataset", "lonf", "--strata", "str",
                                  "--psu", "psu", "--weight", "w", "--fpc", "f", NULL},
                 NULL, NULL, NULL),
        0);
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"weight", "poststratify", db, "--dataset", "lonf",
                                              "--margins", m, NULL},
                             NULL, NULL, &err),
                    1);
    LCMT_ASSERT_HAS(err, "fpc at stage 1 varies within stratum '4451-urban'");
    free(err);
}

static void estimate__bad_columns_and_values_are_named(void) {
    lcm_source src;
    lcm_db *db = apistrat_db(&src);
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    lcm_err err = {0};
    const char *bad[] = {"no_such_col"}, *inj[] = {"api00\"; DROP TABLE x; --"};
    lcm_est_request req = {src,         0,    bad, 1, NULL, 0, LCM_EST_MEAN,
                           LCM_CI_WALD, 0.95, 30,  0, NULL, 0};
    lcm_est_result *r = NULL;
    CU_ASSERT_EQUAL(lcm_estimate_run(db, &req, &r, &err), LCM_NOTFOUND);
    CU_ASSERT_STRING_EQUAL(err.msg, "dataset 'apistrat' has no column 'no_such_col' (variable)");
    req.vars = inj;
    CU_ASSERT_EQUAL(lcm_estimate_run(db, &req, &r, &err), LCM_INVAL);
    CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "not a valid column name"));
    CU_ASSERT_EQUAL(lcm_db_exec(db, "UPDATE ds_apistrat SET api00 = 'n/a' WHERE rowid = 7", &err),
                    LCM_OK);
    req.vars = (const char *[]){"api00"};
    CU_ASSERT_EQUAL(lcm_estimate_run(db, &req, &r, &err), LCM_CONSTRAINT);
    CU_ASSERT_STRING_EQUAL(err.msg, "table 'ds_apistrat' row 7: variable column 'api00' is not "
                                    "a number: 'n/a'");
    CU_ASSERT_PTR_NULL(r);
    lcm_db_close(db);
}

/* Calibrate apiclus1 (R: svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc)) through
 * lcm_weight_run, then estimate api00 overall and by stype through the store path. */
static void check_calibrated(lcm_calib_method method, const char *margins, const char *file,
                             const char *case_name) {
    lcm_design_decl decl = {.lonely = LCM_SVY_LONELY_FAIL};
    strcpy(decl.psu, "dnum");
    strcpy(decl.weight, "pw");
    strcpy(decl.fpc1, "fpc");
    lcm_source src;
    lcm_db *db = fixture_db("apiclus1", &src, &decl);
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    lcm_calib_decl c = {method,
                        method == LCM_CALIB_LINEAR ? 50 : 10,
                        method == LCM_CALIB_LINEAR ? 1e-7 : 1,
                        -INFINITY,
                        INFINITY,
                        lcmt_slurp(lcmt_path(margins), NULL)};
    lcm_weight_report rep;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_weight_run(db, &src, 0, &c, &rep, &err), LCM_OK);
    CU_ASSERT_EQUAL(rep.n, 183);
    LCMT_ASSERT_REL(rep.after.sum, 6194, 1e-9); /* 4421 + 755 + 1018 */
    const char *vars[] = {"api00"}, *by[] = {"stype"};
    for (int whole = 0; whole < 2; whole++) {
        lcm_est_request req = {src,  0,  vars, 1,    by, whole ? 0 : 1, LCM_EST_MEAN, LCM_CI_WALD,
                               0.95, 30, 0,    NULL, 0};
        lcm_est_result *r = NULL;
        CU_ASSERT_EQUAL_FATAL(lcm_estimate_run(db, &req, &r, &err), LCM_OK);
        for (int k = 0; k < (whole ? 1 : 3); k++) {
            char dom[8];
            snprintf(dom, sizeof dom, "%d", k);
            const lcm_est_row *row = whole ? lcm_est_result_row(r, 0) : find_est(r, dom, NULL);
            CU_ASSERT_PTR_NOT_NULL_FATAL(row);
            const char *key5[] = {case_name, "mean", "api00", whole ? "all" : "stype",
                                  whole ? "0" : dom};
            const char *key2[] = {case_name, whole ? "all" : dom};
            int svy = strstr(file, "svy/") != NULL;
            LCMT_ASSERT_REL(row->est.estimate,
                            ref(file, svy ? key5 : key2, svy ? 5 : 2, "estimate"), 1e-9);
            LCMT_ASSERT_REL(row->est.se, ref(file, svy ? key5 : key2, svy ? 5 : 2, "se"), 1e-8);
        }
        lcm_est_result_free(r);
    }
    free(c.margins_text);
    lcm_db_close(db);
}

static void weight__poststratify_matches_r(void) {
    check_calibrated(LCM_CALIB_POSTSTRATIFY, "tests/fixtures/estimate/margins_post.csv",
                     "tests/fixtures/svy/reference.csv", "post");
}

static void weight__rake_matches_r(void) {
    check_calibrated(LCM_CALIB_RAKE, "tests/fixtures/estimate/margins_rake.csv",
                     "tests/fixtures/svy/reference.csv", "rake");
}

static void weight__linear_calibration_matches_r(void) {
    check_calibrated(LCM_CALIB_LINEAR, "tests/fixtures/estimate/margins_rake.csv",
                     "tests/fixtures/estimate/calib_reference.csv", "greg_cat");
}

static void weight__missing_cell_is_named_and_nothing_written(void) {
    lcm_design_decl decl = {.lonely = LCM_SVY_LONELY_FAIL};
    strcpy(decl.psu, "dnum");
    strcpy(decl.weight, "pw");
    lcm_source src;
    lcm_db *db = fixture_db("apiclus1", &src, &decl);
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    char text[] = "margin,level,population\nstype,0,4421\nstype,2,1018\n";
    lcm_calib_decl c = {LCM_CALIB_POSTSTRATIFY, 10, 1, -INFINITY, INFINITY, text};
    lcm_weight_report rep;
    lcm_err err = {0};
    CU_ASSERT_EQUAL(lcm_weight_run(db, &src, 0, &c, &rep, &err), LCM_DESIGN);
    CU_ASSERT_STRING_EQUAL(err.msg, "sample cell '1' of margin 'stype' has no population count "
                                    "in the margins");
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(lcm_db_sqlite(db),
                       "SELECT (SELECT count(*) FROM calibrations) + (SELECT count(*) FROM "
                       "pragma_table_info('ds_apiclus1') WHERE name = 'final_weight')",
                       -1, &st, NULL);
    CU_ASSERT_EQUAL(sqlite3_step(st), SQLITE_ROW);
    CU_ASSERT_EQUAL(sqlite3_column_int(st, 0), 0);
    sqlite3_finalize(st);
    /* bad margins files: each names file, line and field */
    static const struct {
        const char *text, *msg;
    } bad[] = {
        {"margin,level,population\nstype,0,-5\n",
         "m.csv:2:3 (population): not a positive count: '-5'"},
        {"margin,level,population\ncity:sex,4403,100\n",
         "m.csv:2:2 (level): '4403' needs 2 values joined by ':'"},
        {"margin,level,population\nst ype,0,10\n",
         "m.csv:2:1 (margin): not a column name or a crossing a:b of at most 4: 'st ype'"},
        {"margin,level,population\nstype,0,10\nstype,0,11\n",
         "m.csv:3:2 (level): duplicate level '0' of margin 'stype'"},
        {"margin,level\n",
         "m.csv:1: missing column 'population' (expected margin,level,population)"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        lcm_margin_set ms;
        CU_ASSERT_NOT_EQUAL(lcm_margins_parse(bad[i].text, "m.csv", &ms, &err), LCM_OK);
        CU_ASSERT_STRING_EQUAL(err.msg, bad[i].msg);
    }
    lcm_db_close(db);
}

/* ---- quantiles, replicates and wave changes through the store ------------------------ */

#define QREF "tests/fixtures/svy/quantile_reference.csv"

static const double probs[] = {0.05, 0.25, 0.5, 0.75, 0.9};

static const lcm_est_row *find_quantile(const lcm_est_result *r, const char *var,
                                        const char *domain, double p) {
    for (size_t i = 0; i < lcm_est_result_count(r); i++) {
        const lcm_est_row *row = lcm_est_result_row(r, i);
        if (!strcmp(row->variable, var) && !strcmp(row->by[0], domain) && row->p == p)
            return row;
    }
    return NULL;
}

/* Quantiles of api00, acs_k3 and enroll by stype through lcm_estimate_run, against the rows
 * of case `name` in quantile_reference.csv (tests/r/svy_quantile.R): quantiles and interval
 * ends exactly (data values), SEs to 1e-8, df and n exactly. */
static void check_store_quantiles(lcm_db *db, const lcm_source *src, const char *name) {
    const char *vars[] = {"api00", "acs_k3", "enroll"}, *by[] = {"stype"};
    lcm_est_request req = {*src,        0,    vars, 3, by,    1, LCM_EST_QUANTILE,
                           LCM_CI_WALD, 0.95, 30,   1, probs, 5};
    lcm_est_result *r = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_estimate_run(db, &req, &r, &err), LCM_OK);
    size_t checked = 0;
    for (int v = 0; v < 3; v++)
        for (int k = 0; k < 3; k++)
            for (int q = 0; q < 5; q++) {
                char dom[8], p[32];
                snprintf(dom, sizeof dom, "%d", k);
                snprintf(p, sizeof p, "%.17g", probs[q]); /* as R's sprintf("%.17g") */
                const lcm_est_row *row = find_quantile(r, vars[v], dom, probs[q]);
                if (!row) /* acs_k3 is missing for whole school types: no row, no reference */
                    continue;
                const char *key[] = {name, vars[v], "stype", dom, p};
                CU_ASSERT_EQUAL(row->est.estimate, ref(QREF, key, 5, "quantile"));
                double lo = ref(QREF, key, 5, "ci_low"), hi = ref(QREF, key, 5, "ci_high");
                CU_ASSERT((isnan(lo) && isnan(row->ci_low)) || row->ci_low == lo);
                CU_ASSERT((isnan(hi) && isnan(row->ci_high)) || row->ci_high == hi);
                double se = ref(QREF, key, 5, "se");
                CU_ASSERT((isnan(se) && isnan(row->est.se)) || lcmt_close(row->est.se, se, 1e-8));
                CU_ASSERT_EQUAL(row->est.df, ref(QREF, key, 5, "df"));
                CU_ASSERT_EQUAL((double)row->est.nrows, ref(QREF, key, 5, "n"));
                checked++;
            }
    CU_ASSERT(checked >= 35);
    /* stored as stat 'quantile' with the probability as the category */
    CU_ASSERT_EQUAL(query_run_int(db,
                                  "SELECT count(*) FROM estimates WHERE run_id = ?1 AND stat = "
                                  "'quantile' AND category = '0.25' AND variable = 'api00'",
                                  lcm_est_result_run(r)),
                    3);
    lcm_est_result_free(r);
}

/* Mean of api00 by stype through the store against reference.csv rows of case `name`
 * (tests/r/svy_fixtures.R). */
static void check_store_means(lcm_db *db, const lcm_source *src, const char *name) {
    const char *vars[] = {"api00"}, *by[] = {"stype"};
    lcm_est_request req = {*src,        0,    vars, 1, by,   1, LCM_EST_MEAN,
                           LCM_CI_WALD, 0.95, 30,   0, NULL, 0};
    lcm_est_result *r = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_estimate_run(db, &req, &r, &err), LCM_OK);
    for (int k = 0; k < 3; k++) {
        char dom[8];
        snprintf(dom, sizeof dom, "%d", k);
        const lcm_est_row *row = find_est(r, dom, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(row);
        const char *key[] = {name, "mean", "api00", "stype", dom};
        const char *f = "tests/fixtures/svy/reference.csv";
        LCMT_ASSERT_REL(row->est.estimate, ref(f, key, 5, "estimate"), 1e-10);
        LCMT_ASSERT_REL(row->est.se, ref(f, key, 5, "se"), 1e-8);
        CU_ASSERT_EQUAL(row->est.df, ref(f, key, 5, "df"));
    }
    lcm_est_result_free(r);
}

/* svy_quantile.R case "strat": svydesign(id=~1, strata=~stype, weights=~pw, fpc=~fpc) */
static void estimate__quantiles_through_store_match_r(void) {
    lcm_source src;
    lcm_db *db = apistrat_db(&src);
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    check_store_quantiles(db, &src, "strat");
    lcm_db_close(db);
}

static lcm_design_decl clus1_decl(void) {
    lcm_design_decl decl = {.lonely = LCM_SVY_LONELY_FAIL};
    strcpy(decl.psu, "dnum");
    strcpy(decl.weight, "pw");
    strcpy(decl.fpc1, "fpc");
    decl.rep.scale = decl.rep.rho = NAN;
    return decl;
}

/* Cases "jk1" of svy_fixtures.R and svy_quantile.R: as.svrepdesign(dclus1, type="JK1"),
 * declared as design set --replicates jk1 and stored with the design. */
static void estimate__jk1_replicates_through_store_match_r(void) {
    lcm_design_decl decl = clus1_decl();
    strcpy(decl.rep.type, "jk1");
    lcm_source src;
    lcm_db *db = fixture_db("apiclus1", &src, &decl);
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    lcm_design_decl back;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_design_get(db, &src, 0, &back, &err), LCM_OK);
    CU_ASSERT_STRING_EQUAL(back.rep.type, "jk1");
    CU_ASSERT(!back.rep.import && isnan(back.rep.scale));
    check_store_means(db, &src, "jk1");
    check_store_quantiles(db, &src, "jk1");
    lcm_db_close(db);
}

/* Cases "boot": R's 50 bootstrap replicates of dclus1 (set.seed(42), as.svrepdesign(dclus1,
 * type="bootstrap")), imported from the columns rw1..rw50 of apiclus1_boot.csv (written by
 * svy_quantile.R as final weights) with R's scale from bootmeta.csv. */
static void estimate__imported_bootstrap_through_store_matches_r(void) {
    lcm_design_decl decl = clus1_decl();
    strcpy(decl.rep.type, "bootstrap");
    strcpy(decl.rep.columns, "rw*");
    decl.rep.import = 1;
    decl.rep.scale = ref("tests/fixtures/svy/bootmeta.csv", NULL, 0, "scale");
    lcm_source src;
    lcm_db *db = fixture_db("apiclus1_boot", &src, &decl);
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    check_store_means(db, &src, "boot");
    check_store_quantiles(db, &src, "boot");
    /* a pattern matching nothing, and a missing replicate weight, are named */
    lcm_err err = {0};
    strcpy(decl.rep.columns, "zz*");
    CU_ASSERT_EQUAL(lcm_design_set(db, &src, 0, &decl, &err), LCM_NOTFOUND);
    CU_ASSERT_STRING_EQUAL(err.msg, "dataset 'apiclus1_boot' has no column starting with 'zz'");
    strcpy(decl.rep.columns, "rw1");
    CU_ASSERT_EQUAL(lcm_design_set(db, &src, 0, &decl, &err), LCM_INVAL);
    CU_ASSERT_STRING_EQUAL(err.msg, "replicate weights need at least 2 columns, got 1");
    CU_ASSERT_EQUAL(lcm_db_exec(db, "UPDATE ds_apiclus1_boot SET rw7 = NULL WHERE rowid = 3", &err),
                    LCM_OK);
    const char *vars[] = {"api00"};
    lcm_est_request req = {src,         0,    vars, 1, NULL, 0, LCM_EST_MEAN,
                           LCM_CI_WALD, 0.95, 30,   0, NULL, 0};
    lcm_est_result *r = NULL;
    CU_ASSERT_EQUAL(lcm_estimate_run(db, &req, &r, &err), LCM_CONSTRAINT);
    CU_ASSERT_STRING_EQUAL(
        err.msg, "table 'ds_apiclus1_boot' row 3: replicate weight column 'rw7' is empty");
    lcm_db_close(db);
}

/* tests/r/estimate_change.R: wave 2024 = apistrat with svydesign(id=~1, strata=~stype,
 * weights=~pw, fpc=~fpc), wave 2025 = apiclus1 with svydesign(id=~dnum, weights=~pw,
 * fpc=~fpc), stacked in waves.csv; the change by stype of mean api00, mean acs_k3, the
 * proportion yes = 1 and the median of api00. */
static void estimate__compare_waves_matches_r(void) {
    lcm_design_decl d24 = {.lonely = LCM_SVY_LONELY_FAIL}, d25 = clus1_decl();
    strcpy(d24.strata, "stype");
    strcpy(d24.weight, "pw");
    strcpy(d24.fpc1, "fpc");
    lcm_source src;
    lcm_db *db = fixture_db_in("tests/fixtures/estimate", "waves", &src, &d24);
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_design_set(db, &src, 2025, &d25, &err), LCM_OK);
    static const struct {
        const char *stat, *var, *category;
        lcm_est_kind kind;
    } cases[] = {{"mean", "api00", NULL, LCM_EST_MEAN},
                 {"mean", "acs_k3", NULL, LCM_EST_MEAN},
                 {"prop", "yes", "1", LCM_EST_PROP},
                 {"quantile", "api00", NULL, LCM_EST_QUANTILE}};
    const double median[] = {0.5};
    const char *f = "tests/fixtures/estimate/change_reference.csv";
    size_t checked = 0;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const char *vars[] = {cases[c].var}, *by[] = {"stype"};
        lcm_est_request req = {src,         0,    vars, 1, by,     1, cases[c].kind,
                               LCM_CI_WALD, 0.95, 30,   1, median, 1};
        lcm_est_comparison *cmp = NULL;
        CU_ASSERT_EQUAL_FATAL(lcm_estimate_compare(db, &req, 2024, 2025, &cmp, &err), LCM_OK);
        for (size_t i = 0; i < lcm_est_comparison_count(cmp); i++) {
            const lcm_est_change_row *ch = lcm_est_comparison_row(cmp, i);
            const lcm_est_row *any = ch->a ? ch->a : ch->b;
            if (cases[c].category && strcmp(any->category, cases[c].category))
                continue;
            const char *key[] = {cases[c].stat, cases[c].var, any->by[0]};
            CU_ASSERT_PTR_NOT_NULL_FATAL(ch->a);
            CU_ASSERT_PTR_NOT_NULL_FATAL(ch->b);
            LCMT_ASSERT_REL(ch->a->est.estimate, ref(f, key, 3, "est1"), 1e-10);
            LCMT_ASSERT_REL(ch->b->est.estimate, ref(f, key, 3, "est2"), 1e-10);
            LCMT_ASSERT_REL(ch->a->est.se, ref(f, key, 3, "se1"), 1e-8);
            LCMT_ASSERT_REL(ch->b->est.se, ref(f, key, 3, "se2"), 1e-8);
            LCMT_ASSERT_REL(ch->change.diff, ref(f, key, 3, "diff"), 1e-8);
            LCMT_ASSERT_REL(ch->change.se, ref(f, key, 3, "se"), 1e-8);
            LCMT_ASSERT_REL(ch->change.df, ref(f, key, 3, "df"), 1e-8);
            LCMT_ASSERT_REL(ch->change.p, ref(f, key, 3, "p"), 1e-8);
            checked++;
        }
        lcm_est_comparison_free(cmp);
    }
    CU_ASSERT_EQUAL(checked, 10); /* acs_k3 has answers in elementary schools only */
    /* a wave without rows is named */
    const char *vars[] = {"api00"};
    lcm_est_request req = {src,         0,    vars, 1, NULL, 0, LCM_EST_MEAN,
                           LCM_CI_WALD, 0.95, 30,   0, NULL, 0};
    lcm_est_comparison *cmp = NULL;
    CU_ASSERT_EQUAL(lcm_estimate_compare(db, &req, 2024, 2030, &cmp, &err), LCM_NOTFOUND);
    CU_ASSERT_STRING_EQUAL(err.msg, "wave 2030: no rows in dataset 'waves' for that wave");
    CU_ASSERT_PTR_NULL(cmp);
    lcm_db_close(db);
}

/* The commands themselves: import a dataset, declare a JK1 design, estimate quantiles
 * (svy_quantile.R case "jk1": median api00 of elementary schools 652, interval [553, 733],
 * SE 41.962214940532647) and compare waves; misuse exits 2 and data errors 1, each named. */
static void estimate__cli_quantiles_replicates_and_waves(void) {
    char db[1024], clus[1024], waves[1024];
    snprintf(db, sizeof db, "%s", lcmt_tmp("cli_est.db"));
    snprintf(clus, sizeof clus, "%s", lcmt_path("tests/fixtures/svy/apiclus1.csv"));
    snprintf(waves, sizeof waves, "%s", lcmt_path("tests/fixtures/estimate/waves.csv"));
    remove(db);
    char *out = NULL, *err = NULL;
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"init", db, NULL}, NULL, NULL, NULL), 0);
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"import", "dataset", db, clus, "--name", "clus", NULL}, NULL,
                 NULL, NULL),
        0);
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"design", "set", db, "--dataset", "clus", "--psu", "dnum",
                                  "--weight", "pw", "--fpc", "fpc", "--replicates", "jk1", NULL},
                 NULL, &out, NULL),
        0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "replicates  jk1"));
    free(out);
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"estimate", db, "--dataset", "clus", "--var", "api00",
                                              "--by", "stype", "--stat", "quantile", "--quantiles",
                                              "0.5", "--format", "csv", NULL},
                             NULL, &out, &err),
                    0);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "stype,variable,p,estimate,se,ci_low,ci_high,df,deff,n,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\n0,api00,0.5,652,41.962214940532"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, ",553,733,14,,144,15,,"));
    free(out), free(err);
    /* two waves with their own designs */
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"import", "dataset", db, waves, "--name", "waves", NULL}, NULL,
                 NULL, NULL),
        0);
    const char *d24[] = {"design",   "set",   db,         "--dataset", "waves", "--wave", "2024",
                         "--strata", "stype", "--weight", "pw",        "--fpc", "fpc",    NULL};
    const char *d25[] = {"design", "set",  db,         "--dataset", "waves", "--wave", "2025",
                         "--psu",  "dnum", "--weight", "pw",        "--fpc", "fpc",    NULL};
    CU_ASSERT_EQUAL(lcmt_run(d24, NULL, NULL, NULL), 0);
    CU_ASSERT_EQUAL(lcmt_run(d25, NULL, NULL, NULL), 0);
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"estimate", db, "--dataset", "waves", "--var",
                                              "api00", "--by", "stype", "--compare-waves",
                                              "2024,2025", "--format", "csv", "--no-store", NULL},
                             NULL, &out, &err),
                    0);
    /* estimate_change.R, mean api00 of elementary schools: change -25.5619..., p 0.32746 */
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "stype,variable,category,estimate_2024,se_2024,n_2024,"
                                       "npsu_2024,estimate_2025,se_2025,n_2025,npsu_2025,change,"
                                       "se,df,p_value,flag"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "\n0,api00,,674.42999999999995,"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, ",-25.5619444444444"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, ",0.3274559039609"));
    free(out), free(err);
    static const struct {
        const char *args[8];
        int code;
        const char *msg;
    } bad[] = {
        {{"--var", "api00", "--stat", "quantile", "--quantiles", "1.5"},
         2,
         "bad value for --quantiles: '1.5'"},
        {{"--var", "api00", "--compare-waves", "2024"}, 2, "bad value for --compare-waves: '2024'"},
        {{"--var", "api00", "--wave", "2024", "--compare-waves", "2024,2025"},
         2,
         "give --wave or --compare-waves, not both"},
        {{"--var", "api00", "--quantiles", "0.5"}, 2, "--quantiles goes with --stat quantile"},
        {{"--var", "api00", "--compare-waves", "2024,2031"},
         1,
         "wave 2031: no design declared for dataset 'waves'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *argv[16] = {"estimate", db, "--dataset", "waves"};
        for (int a = 0; a < 8 && bad[i].args[a]; a++)
            argv[4 + a] = bad[i].args[a];
        CU_ASSERT_EQUAL(lcmt_run(argv, NULL, NULL, &err), bad[i].code);
        CU_ASSERT_PTR_NOT_NULL(strstr(err, bad[i].msg));
        free(err);
    }
    CU_ASSERT_EQUAL(lcmt_run((const char *[]){"design", "set", db, "--dataset", "waves", "--strata",
                                              "stype", "--replicates", "jk1", NULL},
                             NULL, NULL, &err),
                    1);
    CU_ASSERT_PTR_NOT_NULL(
        strstr(err, "jk1 replicates need an unstratified design: use jkn with --strata"));
    free(err);
    CU_ASSERT_EQUAL(
        lcmt_run((const char *[]){"design", "set", db, "--dataset", "waves", "--nrep", "10", NULL},
                 NULL, NULL, &err),
        2);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "--nrep and --seed go with --replicates bootstrap"));
    free(err);
    remove(db);
}

const lcmt_case lcmt_estimate_cases[] = {
    {"estimate__intervals_nan_as_r", estimate__intervals_nan_as_r},
    {"estimate__lonely_stratum_named_by_value", estimate__lonely_stratum_named_by_value},
    {"estimate__cli_shows_nan_interval_as_dash", estimate__cli_shows_nan_interval_as_dash},
    {"estimate__cli_quantiles_replicates_and_waves", estimate__cli_quantiles_replicates_and_waves},
    {"estimate__quantiles_through_store_match_r", estimate__quantiles_through_store_match_r},
    {"estimate__jk1_replicates_through_store_match_r",
     estimate__jk1_replicates_through_store_match_r},
    {"estimate__imported_bootstrap_through_store_matches_r",
     estimate__imported_bootstrap_through_store_matches_r},
    {"estimate__compare_waves_matches_r", estimate__compare_waves_matches_r},
    {"weight__poststratify_matches_r", weight__poststratify_matches_r},
    {"weight__rake_matches_r", weight__rake_matches_r},
    {"weight__linear_calibration_matches_r", weight__linear_calibration_matches_r},
    {"weight__missing_cell_is_named_and_nothing_written",
     weight__missing_cell_is_named_and_nothing_written},
    {"estimate__store_path_matches_r_means_and_domains",
     estimate__store_path_matches_r_means_and_domains},
    {"estimate__proportion_intervals_match_svyciprop",
     estimate__proportion_intervals_match_svyciprop},
    {"estimate__bad_columns_and_values_are_named", estimate__bad_columns_and_values_are_named},
    {NULL, NULL},
};
