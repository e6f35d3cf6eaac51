/*
 * measures_gaps.c - which groups of residents lag in a city (docs/compare.md §4): for the
 * satisfaction index and participation, every group of age band, education and urban/rural
 * (the household form's community type) against the other residents of the same city, by the
 * design-based t-test R's svyttest(y ~ I(group == g), subset(design, city == c)) computes,
 * stored per wave in group_gaps for the city report. The rows and design are loaded as
 * `lcmon estimate` loads them, so each stored row is what
 *     lcmon compare DB --form F --wave W --ttest V --group G --group-level g --where city=c
 * prints. Holm adjustment is left to the reader of the rows (the report adjusts over the
 * groups it shows).
 */
#include "comparison.h"
#include "estimate.h"
#include "measures.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const gap_vars[] = {"sat_index", "participated"};
static const char *const gap_groups[] = {"age_band", "edu", "community_type"};

lcm_status lcm__measures_gaps(lcm_db *db, const lcm_source *src, int wave, lcm_err *err) {
    const char *by[4] = {"city"};
    size_t nby = 1;
    for (size_t j = 0; j < 3; j++)
        if (lcm_table_has_column(db, src->table, gap_groups[j]))
            by[nby++] = gap_groups[j];
    for (size_t v = 0; v < 2; v++)
        if (!lcm_table_has_column(db, src->table, gap_vars[v]))
            return LCM_OK; /* not the household form: nothing to compare */
    lcm_est_request req = {.source = *src,
                           .wave = wave,
                           .vars = gap_vars,
                           .nvar = 2,
                           .by = by,
                           .nby = nby,
                           .kind = LCM_EST_MEAN,
                           .level = 0.95};
    lcm_survey_data d = {0};
    lcm_svy_design *design = NULL;
    sqlite3_stmt *del = NULL, *ins = NULL;
    int32_t *area = NULL, *grp = NULL;
    lcm_svy_gap *g = NULL;
    char msg[512] = "";
    lcm_status rc = lcm_estimate_load(db, &req, &d, &design, err);
    if (rc == LCM_OK &&
        (rc = lcm_db_prepare(db, "DELETE FROM group_gaps WHERE year = ?1", &del, err)) == LCM_OK &&
        (rc = lcm_db_prepare(db,
                             "INSERT INTO group_gaps(city_code, year, variable, by_var, grp, "
                             "mean_group, mean_rest, diff, se, ci_low, ci_high, df, p, n_group, "
                             "n_rest) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                             "?13, ?14, ?15)",
                             &ins, err)) == LCM_OK) {
        sqlite3_bind_int(del, 1, wave);
        if (sqlite3_step(del) != SQLITE_DONE)
            rc = lcm_db_fail(db, err, "clearing group gaps");
    }
    size_t narea = rc == LCM_OK ? lcm_intern_count(d.by_labels[0]) : 0;
    if (rc == LCM_OK && (!(area = malloc((d.n ? d.n : 1) * sizeof *area)) ||
                         !(grp = malloc((d.n ? d.n : 1) * sizeof *grp))))
        rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
    for (size_t i = 0; rc == LCM_OK && i < d.n; i++)
        area[i] = (int32_t)d.by_codes[0][i];
    for (size_t v = 0; rc == LCM_OK && v < 2; v++)
        for (size_t j = 1; rc == LCM_OK && j < nby; j++) {
            size_t ng = lcm_intern_count(d.by_labels[j]);
            free(g);
            if (!(g = calloc(narea * ng + 1, sizeof *g))) {
                rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
                break;
            }
            for (size_t i = 0; i < d.n; i++)
                grp[i] = (int32_t)d.by_codes[j][i];
            rc = lcm_svy_gaps(design, d.var[v], area, narea, grp, ng, 0.95, g, msg, sizeof msg);
            if (rc != LCM_OK) {
                rc = lcm_err_set(err, rc, "group gaps: %s", msg);
                break;
            }
            for (size_t a = 0; rc == LCM_OK && a < narea; a++)
                for (size_t k = 0; rc == LCM_OK && k < ng; k++) {
                    const lcm_svy_gap *o = &g[a * ng + k];
                    if (!o->n_group || !o->n_rest)
                        continue;
                    sqlite3_reset(ins);
                    sqlite3_bind_text(ins, 1, lcm_intern_label(d.by_labels[0], (int64_t)a), -1,
                                      SQLITE_TRANSIENT);
                    sqlite3_bind_int(ins, 2, wave);
                    sqlite3_bind_text(ins, 3, gap_vars[v], -1, SQLITE_STATIC);
                    sqlite3_bind_text(ins, 4, by[j], -1, SQLITE_STATIC);
                    sqlite3_bind_text(ins, 5, lcm_intern_label(d.by_labels[j], (int64_t)k), -1,
                                      SQLITE_TRANSIENT);
                    const double x[] = {o->mean_group, o->mean_rest, o->diff, o->se,
                                        o->ci_low,     o->ci_high,   o->df,   o->p};
                    for (int q = 0; q < 8; q++)
                        lcm_db_bind_real_or_null(ins, 6 + q, x[q]);
                    sqlite3_bind_int64(ins, 14, (sqlite3_int64)o->n_group);
                    sqlite3_bind_int64(ins, 15, (sqlite3_int64)o->n_rest);
                    if (sqlite3_step(ins) != SQLITE_DONE)
                        rc = lcm_db_fail(db, err, "storing group gaps");
                }
        }
    sqlite3_finalize(del);
    sqlite3_finalize(ins);
    free(area), free(grp), free(g);
    lcm_svy_design_free(design);
    lcm_survey_data_free(&d);
    return rc;
}
