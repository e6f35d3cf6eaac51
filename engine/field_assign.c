/*
 * field_assign.c - interviewers' sample lists (lcm_field_assign_csv) and the assignments an
 * interviewer works through (engine/field.h).
 *
 * A sample list is read in one transaction: the first bad cell stops the read with
 * "file:line:column (name): problem" and nothing is kept. Household numbers and addresses
 * are personal data: they are stored (the interviewer needs them at the door) but never
 * printed by lcmon, and no export reads these tables.
 */
#include "csvin.h"
#include "field_int.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { COL_HH, COL_ADDR, COL_COMM, COL_STRATUM, COL_WEIGHT, NCOL };
static const char *const col_names[NCOL] = {"household_id", "address", "community", "stratum",
                                            "design_weight"};
static const int col_required[NCOL] = {1, 1, 1, 0, 0};

typedef struct assign_state {
    lcm_db *db;
    long long campaign_id, interviewer_id;
    char city[8];
    int at[NCOL]; /* column of each known field, -1 when absent */
    sqlite3_stmt *township, *ins;
    long loaded;
} assign_state;

static lcm_status cell_error(const lcm_csv_row *row, int col, const char *name, lcm_err *err,
                             const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static lcm_status cell_error(const lcm_csv_row *row, int col, const char *name, lcm_err *err,
                             const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return lcm_err_set(err, LCM_PARSE, "%s:%ld:%d (%s): %s", row->file, row->line, col + 1, name,
                       msg);
}

static lcm_status header(assign_state *s, const lcm_csv_row *row, lcm_err *err) {
    for (int k = 0; k < NCOL; k++)
        s->at[k] = -1;
    for (size_t i = 0; i < row->n; i++) {
        int k = 0;
        while (k < NCOL && strcmp(row->field[i], col_names[k]) != 0)
            k++;
        if (k == NCOL)
            return lcm_err_set(err, LCM_PARSE,
                               "%s:%ld:%zu: unknown column '%s' (a sample list has household_id, "
                               "address, community, and optionally stratum, design_weight)",
                               row->file, row->line, i + 1, row->field[i]);
        s->at[k] = (int)i;
    }
    for (int k = 0; k < NCOL; k++)
        if (col_required[k] && s->at[k] < 0)
            return lcm_err_set(err, LCM_PARSE, "%s:%ld: missing column '%s'", row->file, row->line,
                               col_names[k]);
    return LCM_OK;
}

static const char *cell(const assign_state *s, const lcm_csv_row *row, int k) {
    int i = s->at[k];
    return i >= 0 && (size_t)i < row->n ? row->field[i] : "";
}

static lcm_status data_row(assign_state *s, const lcm_csv_row *row, lcm_err *err) {
    const char *hh = cell(s, row, COL_HH), *addr = cell(s, row, COL_ADDR),
               *comm = cell(s, row, COL_COMM), *stratum = cell(s, row, COL_STRATUM),
               *weight = cell(s, row, COL_WEIGHT);
    if (!lcm__field_text_ok(hh, 20))
        return cell_error(row, s->at[COL_HH], "household_id", err,
                          "a household number is 1 to 20 characters");
    if (!lcm__field_text_ok(addr, 200))
        return cell_error(row, s->at[COL_ADDR], "address", err,
                          "an address is 1 to 200 characters");
    size_t n = strlen(comm);
    int digits = n == 12;
    for (size_t i = 0; digits && i < n; i++)
        digits = comm[i] >= '0' && comm[i] <= '9';
    if (!digits)
        return cell_error(row, s->at[COL_COMM], "community", err,
                          "a community is a 12-digit division code: '%s'", comm);
    char town[10];
    memcpy(town, comm, 9);
    town[9] = '\0';
    sqlite3_reset(s->township);
    sqlite3_bind_text(s->township, 1, town, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s->township) != SQLITE_ROW)
        return cell_error(row, s->at[COL_COMM], "community", err,
                          "no township %s in the reference data", town);
    char county[8], city[8];
    lcm__field_copy(county, sizeof county, sqlite3_column_text(s->township, 0));
    lcm__field_copy(city, sizeof city, sqlite3_column_text(s->township, 1));
    long counts[3] = {sqlite3_column_int(s->township, 2), sqlite3_column_int(s->township, 3),
                      sqlite3_column_int(s->township, 4)};
    sqlite3_reset(s->township);
    if (strcmp(city, s->city) != 0)
        return cell_error(row, s->at[COL_COMM], "community", err,
                          "community '%s' is not in the campaign's city", comm);
    long num = strtol(comm + 9, NULL, 10);
    int kind = num >= 1 && num <= 200 ? 0 : num >= 201 && num <= 400 ? 1 : num >= 401 ? 2 : -1;
    if (kind < 0 || num - kind * 200 > counts[kind])
        return cell_error(row, s->at[COL_COMM], "community", err,
                          "community '%s' is beyond the township's village-level units in the "
                          "reference data",
                          comm);
    if (*stratum && !lcm__field_text_ok(stratum, 40))
        return cell_error(row, s->at[COL_STRATUM], "stratum", err,
                          "a stratum is at most 40 characters");
    double w = NAN;
    if (*weight) {
        char *end = NULL;
        errno = 0;
        w = strtod(weight, &end);
        if (errno || *end || !(w > 0) || !isfinite(w))
            return cell_error(row, s->at[COL_WEIGHT], "design_weight", err,
                              "a design weight is a positive number: '%s'", weight);
    }
    sqlite3_stmt *st = s->ins;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, s->campaign_id);
    sqlite3_bind_int64(st, 2, s->interviewer_id);
    sqlite3_bind_text(st, 3, hh, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, addr, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, county, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 6, town, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 7, comm, -1, SQLITE_TRANSIENT);
    if (*stratum)
        sqlite3_bind_text(st, 8, stratum, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, 8);
    lcm_db_bind_real_or_null(st, 9, w);
    sqlite3_bind_text(st, 10, row->file, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 11, row->line);
    int r = sqlite3_step(st);
    sqlite3_reset(st);
    if ((r & 0xff) == SQLITE_CONSTRAINT)
        return cell_error(row, s->at[COL_HH], "household_id", err,
                          "household number '%s' is already assigned in this campaign", hh);
    if (r != SQLITE_DONE)
        return lcm_db_fail(s->db, err, "storing an assignment");
    s->loaded++;
    return LCM_OK;
}

static lcm_status on_row(void *ud, const lcm_csv_row *row, lcm_err *err) {
    assign_state *s = ud;
    if (row->index == 0)
        return header(s, row, err);
    if (row->n == 1 && row->len[0] == 0)
        return LCM_OK; /* a blank line */
    return data_row(s, row, err);
}

lcm_status lcm_field_assign_csv(lcm_db *db, long long campaign_id, long long interviewer_id,
                                const char *path, long *loaded, lcm_err *err) {
    if (loaded)
        *loaded = 0;
    lcm_field_campaign c;
    lcm_status rc = lcm_field_campaign_by_id(db, campaign_id, &c, err);
    if (rc != LCM_OK)
        return rc;
    assign_state s;
    memset(&s, 0, sizeof s);
    s.db = db;
    s.campaign_id = campaign_id;
    s.interviewer_id = interviewer_id;
    snprintf(s.city, sizeof s.city, "%s", c.city);
    sqlite3_stmt *st = NULL;
    if ((rc = lcm_db_prepare(db, "SELECT 1 FROM field_interviewers WHERE id = ?1", &st, err)) !=
        LCM_OK)
        return rc;
    sqlite3_bind_int64(st, 1, interviewer_id);
    int r = sqlite3_step(st);
    sqlite3_finalize(st);
    if (r != SQLITE_ROW)
        return lcm_err_set(err, LCM_NOTFOUND, "no such interviewer: %lld", interviewer_id);
    if ((rc = lcm_db_begin(db, err)) != LCM_OK)
        return rc;
    if ((rc = lcm_db_prepare(db,
                             "SELECT t.parent_code, t.city_code, t.residents_committees, "
                             "t.village_committees, t.other_villages FROM admin_units t WHERE "
                             "t.code = ?1 AND t.level = 'township'",
                             &s.township, err)) == LCM_OK)
        rc = lcm_db_prepare(db,
                            "INSERT INTO field_assignments(campaign_id, interviewer_id, "
                            "household_id, address, county_code, township_code, community, "
                            "stratum, design_weight, source, line) VALUES (?1, ?2, ?3, ?4, ?5, "
                            "?6, ?7, ?8, ?9, ?10, ?11)",
                            &s.ins, err);
    if (rc == LCM_OK)
        rc = lcm_csv_read(path, on_row, &s, err);
    sqlite3_finalize(s.township);
    sqlite3_finalize(s.ins);
    if (rc == LCM_OK && s.loaded == 0)
        rc = lcm_err_set(err, LCM_PARSE, "%s: no households in the sample list", path);
    if (rc == LCM_OK)
        rc = lcm_db_commit(db, err);
    if (rc != LCM_OK) {
        lcm_db_rollback(db);
        return rc;
    }
    if (loaded)
        *loaded = s.loaded;
    return LCM_OK;
}

/* ---- reading and working assignments --------------------------------------------------- */

#define ASSIGN_COLS                                                                                \
    "SELECT a.id, a.campaign_id, a.interviewer_id, a.household_id, a.address, a.county_code, "     \
    "a.township_code, a.community, coalesce(a.stratum, ''), a.design_weight, "                     \
    "coalesce(a.instance_id, ''), coalesce(a.disposition, ''), coalesce(a.note, ''), "             \
    "coalesce(t.name, ''), coalesce(k.name, '') FROM field_assignments a LEFT JOIN admin_units t " \
    "ON t.code = a.township_code LEFT JOIN admin_units k ON k.code = a.county_code "

static void assign_row(sqlite3_stmt *st, lcm_field_assignment *a) {
    memset(a, 0, sizeof *a);
    a->id = sqlite3_column_int64(st, 0);
    a->campaign_id = sqlite3_column_int64(st, 1);
    a->interviewer_id = sqlite3_column_int64(st, 2);
    lcm__field_copy(a->household_id, sizeof a->household_id, sqlite3_column_text(st, 3));
    lcm__field_copy(a->address, sizeof a->address, sqlite3_column_text(st, 4));
    lcm__field_copy(a->county, sizeof a->county, sqlite3_column_text(st, 5));
    lcm__field_copy(a->township, sizeof a->township, sqlite3_column_text(st, 6));
    lcm__field_copy(a->community, sizeof a->community, sqlite3_column_text(st, 7));
    lcm__field_copy(a->stratum, sizeof a->stratum, sqlite3_column_text(st, 8));
    a->design_weight =
        sqlite3_column_type(st, 9) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 9);
    lcm__field_copy(a->instance_id, sizeof a->instance_id, sqlite3_column_text(st, 10));
    lcm__field_copy(a->disposition, sizeof a->disposition, sqlite3_column_text(st, 11));
    lcm__field_copy(a->note, sizeof a->note, sqlite3_column_text(st, 12));
    lcm__field_copy(a->township_name, sizeof a->township_name, sqlite3_column_text(st, 13));
    lcm__field_copy(a->county_name, sizeof a->county_name, sqlite3_column_text(st, 14));
    char en[64];
    lcm__field_community_name(strtol(a->community + 9, NULL, 10), a->community_name,
                              sizeof a->community_name, en, sizeof en);
}

lcm_status lcm_field_assignments(lcm_db *db, long long interviewer_id, long long campaign_id,
                                 lcm_field_assignment **out, size_t *n, lcm_err *err) {
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db,
                                   ASSIGN_COLS "WHERE a.interviewer_id = ?1 AND (?2 = 0 OR "
                                               "a.campaign_id = ?2) ORDER BY a.id",
                                   &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_int64(st, 1, interviewer_id);
    sqlite3_bind_int64(st, 2, campaign_id);
    size_t cap = 0;
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 16;
            lcm_field_assignment *p = realloc(*out, cap * sizeof *p);
            if (!p) {
                rc = lcm_err_set(err, LCM_NOMEM, "out of memory");
                break;
            }
            *out = p;
        }
        assign_row(st, &(*out)[(*n)++]);
    }
    if (rc == LCM_OK && r != SQLITE_DONE)
        rc = lcm_db_fail(db, err, "listing assignments");
    sqlite3_finalize(st);
    if (rc != LCM_OK) {
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return rc;
}

lcm_status lcm_field_assignment_get(lcm_db *db, long long id, long long interviewer_id,
                                    lcm_field_assignment *out, lcm_err *err) {
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare_cached(
        db, ASSIGN_COLS "WHERE a.id = ?1 AND a.interviewer_id = ?2", &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, interviewer_id);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        lcm_field_assignment a;
        assign_row(st, &a);
        if (out)
            *out = a;
    } else if (r == SQLITE_DONE) {
        rc = lcm_err_set(err, LCM_NOTFOUND, "no such assignment: %lld", id);
    } else {
        rc = lcm_db_fail(db, err, "reading an assignment");
    }
    sqlite3_reset(st); /* cached: kept by db */
    return rc;
}

static int is_final(const char *code) {
    const lcm_field_disposition *d = lcm_field_disposition_find(code);
    return d && d->final;
}

/* Set instance (may be NULL = keep) and disposition (may be NULL = keep) of an assignment
 * that is interviewer_id's and not final. */
static lcm_status update(lcm_db *db, long long id, long long interviewer_id,
                         const char *instance_id, const char *code, const char *note,
                         lcm_err *err) {
    lcm_field_assignment a;
    lcm_status rc = lcm_field_assignment_get(db, id, interviewer_id, &a, err);
    if (rc != LCM_OK)
        return rc;
    if (is_final(a.disposition))
        return lcm_err_set(err, LCM_CONFLICT, "assignment %lld is closed already (%s)", id,
                           a.disposition);
    if (instance_id && *a.instance_id && strcmp(a.instance_id, instance_id) != 0)
        return lcm_err_set(err, LCM_CONFLICT, "assignment %lld has an interview of its own", id);
    sqlite3_stmt *st = NULL;
    if ((rc = lcm_db_prepare(db,
                             "UPDATE field_assignments SET instance_id = coalesce(?3, "
                             "instance_id), disposition = coalesce(?4, disposition), note = "
                             "CASE WHEN ?4 IS NULL THEN note ELSE ?5 END, updated_at = "
                             "strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?1 AND "
                             "interviewer_id = ?2",
                             &st, err)) != LCM_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, interviewer_id);
    if (instance_id)
        sqlite3_bind_text(st, 3, instance_id, -1, SQLITE_STATIC);
    if (code)
        sqlite3_bind_text(st, 4, code, -1, SQLITE_STATIC);
    if (note && *note)
        sqlite3_bind_text(st, 5, note, -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    sqlite3_finalize(st);
    return r == SQLITE_DONE ? LCM_OK : lcm_db_fail(db, err, "updating an assignment");
}

lcm_status lcm_field_assignment_open(lcm_db *db, long long id, long long interviewer_id,
                                     const char *instance_id, lcm_err *err) {
    return update(db, id, interviewer_id, instance_id, NULL, NULL, err);
}

lcm_status lcm_field_assignment_dispose(lcm_db *db, long long id, long long interviewer_id,
                                        const char *code, const char *note, lcm_err *err) {
    const lcm_field_disposition *d = lcm_field_disposition_find(code);
    if (!d || !d->interviewer)
        return lcm_err_set(err, LCM_INVAL, "not an outcome code for a non-interview: '%s'",
                           code ? code : "");
    if (note && *note && !lcm__field_text_ok(note, 200))
        return lcm_err_set(err, LCM_INVAL, "a note is at most 200 characters of text");
    return update(db, id, interviewer_id, NULL, code, note, err);
}

lcm_status lcm_field_assignment_complete(lcm_db *db, long long id, long long interviewer_id,
                                         const char *instance_id, lcm_err *err) {
    return update(db, id, interviewer_id, instance_id, "1.1", NULL, err);
}
