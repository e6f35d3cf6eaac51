/*
 * dashboard.c - the numbers of the supervisor's dashboard (dashboard.h): outcomes by area,
 * stratum and PSU, the submitted interviews with their durations, and the quality flags.
 * The tables people read are made from these in dashboard_table.c.
 */
#include "dashboard.h"

#include "composite.h"
#include "field_int.h"
#include "form.h"
#include "timestamp.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- AAPOR classes -------------------------------------------------------------------- */

/* How each disposition code of field.h maps onto the classes of AAPOR's Standard Definitions
 * (10th edition, 2023; table 2, in-person household surveys), as lcm_field_outcomes_get
 * counts them:
 *   1.1 complete                                   -> I
 *   1.2 partial                                    -> P
 *   2.11 refusal, 2.12 break-off                   -> R  (2.10 refusals and break-offs)
 *   2.24 no one at home, 2.25 respondent away      -> NC (2.20 non-contact)
 *   2.32 unable (health), 2.33 language            -> O  (2.30 other)
 *   3.17 unreachable or unsafe, 3.18 no address    -> UH (3.10 unknown if housing unit)
 *   pending (no disposition yet)                   -> UO (3.90 other unknown eligibility)
 *   4.50 not a housing unit, 4.60 vacant, 4.70 no eligible respondent -> NE (left out)
 * A household's latest disposition counts, final or not (a 2.24 visited again later is a
 * non-contact until the next visit says otherwise). The rates, from the section "Response
 * rates" and "Refusal rates" of the Standard Definitions:
 *   RR1  = I / ((I + P) + (R + NC + O) + (UH + UO))
 *   REF1 = R / ((I + P) + (R + NC + O) + (UH + UO))
 * (the same formulas as R's packages outcomerate and responserates implement). */
void lcm_dash_outcomes_add(lcm_dash_outcomes *o, const char *c, long n) {
    o->assigned += n;
    if (!c || !*c)
        o->unknown_o += n;
    else if (strcmp(c, "1.1") == 0)
        o->complete += n;
    else if (strcmp(c, "1.2") == 0)
        o->partial += n;
    else if (strncmp(c, "2.1", 3) == 0)
        o->refusal += n;
    else if (strncmp(c, "2.2", 3) == 0)
        o->noncontact += n;
    else if (c[0] == '2')
        o->other += n;
    else if (c[0] == '3')
        o->unknown_hh += n;
    else
        o->ineligible += n;
}

void lcm_dash_outcomes_rates(lcm_dash_outcomes *o) {
    long den = (o->complete + o->partial) + (o->refusal + o->noncontact + o->other) +
               (o->unknown_hh + o->unknown_o);
    o->rr1 = den > 0 ? (double)o->complete / (double)den : NAN;
    o->ref1 = den > 0 ? (double)o->refusal / (double)den : NAN;
}

/* ---- flags ---------------------------------------------------------------------------- */

static const char *const flag_codes[LCM_DASH_NFLAG] = {"speeder", "straight", "duplicate", "night"};
static const char *const flag_labels[LCM_DASH_NFLAG] = {"过快作答", "直线作答", "答案雷同",
                                                        "非工作时间"};

const char *lcm_dash_flag_code(lcm_dash_flag_kind k) {
    return k < LCM_DASH_NFLAG ? flag_codes[k] : "";
}

const char *lcm_dash_flag_label(lcm_dash_flag_kind k) {
    return k < LCM_DASH_NFLAG ? flag_labels[k] : "";
}

int lcm_dash_flag_parse(const char *code) {
    for (int k = 0; code && k < LCM_DASH_NFLAG; k++)
        if (strcmp(code, flag_codes[k]) == 0)
            return k;
    return -1;
}

/* ---- helpers -------------------------------------------------------------------------- */

static void copy(char *dst, size_t cap, sqlite3_stmt *st, int col) {
    const unsigned char *s = sqlite3_column_text(st, col);
    snprintf(dst, cap, "%s", s ? (const char *)s : "");
}

static lcm_status oom(lcm_err *err) {
    return lcm_err_set(err, LCM_NOMEM, "out of memory building the dashboard");
}

/* Grow *arr (element size sz) to hold one more than *n; the new element zeroed. */
static void *push(void *arr, size_t *n, size_t *cap, size_t sz, lcm_err *err, lcm_status *rc) {
    char **a = arr;
    if (*n == *cap) {
        size_t nc = *cap ? 2 * *cap : 16;
        char *p = realloc(*a, nc * sz);
        if (!p) {
            *rc = oom(err);
            return NULL;
        }
        *a = p, *cap = nc;
    }
    char *e = *a + (*n)++ * sz;
    memset(e, 0, sz);
    return e;
}

/* The scope as SQL over field_campaigns c and cities ci, with ?1 = scope name, ?2 = place.
 * Constant text: the place is bound, never pasted. */
#define SCOPE_SQL                                                                                  \
    " (?1 = 'nation' OR (?1 = 'province' AND ci.province_code = ?2) OR "                           \
    "(?1 = 'city' AND c.city_code = ?2)) "

static const char *scope_name(lcm_dash_scope s) {
    return s == LCM_DASH_CITY ? "city" : s == LCM_DASH_PROVINCE ? "province" : "nation";
}

static void bind_scope(sqlite3_stmt *st, const lcm_dash *d) {
    sqlite3_bind_text(st, 1, scope_name(d->scope), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, d->place, -1, SQLITE_STATIC);
}

/* Beijing time (UTC+8) of an ISO UTC time "YYYY-MM-DDTHH:MM:SS[.fff]Z" into local
 * "YYYY-MM-DD HH:MM:SS" (lcm_timestamp_beijing); *tod gets the seconds since local midnight.
 * 0 when unreadable. */
static int beijing(const char *utc, char local[LCM_TIMESTAMP_BEIJING_SIZE], long *tod) {
    if (lcm_timestamp_beijing(utc, local) != 0)
        return 0;
    int h = 0, mi = 0, s = 0;
    sscanf(local + 11, "%2d:%2d:%2d", &h, &mi, &s);
    *tod = h * 3600L + mi * 60L + s;
    return 1;
}

/* ---- the place -------------------------------------------------------------------------- */

static lcm_status place_name(lcm_db *db, lcm_dash *d, lcm_err *err) {
    if (d->scope == LCM_DASH_NATION) {
        snprintf(d->place_name, sizeof d->place_name, "全国");
        d->place[0] = '\0';
        return LCM_OK;
    }
    sqlite3_stmt *st = NULL;
    lcm_status rc =
        lcm_db_prepare(db,
                       d->scope == LCM_DASH_CITY ? "SELECT name FROM cities WHERE code = ?1"
                                                 : "SELECT name FROM provinces WHERE code = ?1",
                       &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_text(st, 1, d->place, -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        copy(d->place_name, sizeof d->place_name, st, 0);
    else if (r == SQLITE_DONE)
        rc = lcm_err_set(err, LCM_NOTFOUND, "no such %s in the reference data: '%s'",
                         d->scope == LCM_DASH_CITY ? "city" : "province", d->place);
    else
        rc = lcm_db_fail(db, err, "reading the place");
    sqlite3_finalize(st);
    return rc;
}

/* ---- areas, strata, PSUs ------------------------------------------------------------------ */

static int row_cmp(const void *a, const void *b) {
    return strcmp(((const lcm_dash_row *)a)->code, ((const lcm_dash_row *)b)->code);
}

static lcm_dash_row *area_find(const lcm_dash *d, const char *code) {
    lcm_dash_row key;
    snprintf(key.code, sizeof key.code, "%s", code);
    return d->nareas ? bsearch(&key, d->areas, d->nareas, sizeof key, row_cmp) : NULL;
}

/* The areas: cities (province and city scope) or provinces (nation) having campaigns. */
static lcm_status load_areas(lcm_db *db, lcm_dash *d, lcm_err *err) {
    const char *sql =
        d->scope == LCM_DASH_NATION
            ? "SELECT DISTINCT ci.province_code, p.name, '', '' FROM field_campaigns c JOIN "
              "cities ci ON ci.code = c.city_code JOIN provinces p ON p.code = ci.province_code "
              "WHERE" SCOPE_SQL "ORDER BY 1"
            : "SELECT DISTINCT c.city_code, ci.name, '', '' FROM field_campaigns c JOIN cities "
              "ci ON ci.code = c.city_code WHERE" SCOPE_SQL "ORDER BY 1";
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db, sql, &st, err);
    if (rc != LCM_OK)
        return rc;
    bind_scope(st, d);
    size_t cap = 0;
    int r;
    while (rc == LCM_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
        lcm_dash_row *w = push(&d->areas, &d->nareas, &cap, sizeof *w, err, &rc);
        if (!w)
            break;
        copy(w->code, sizeof w->code, st, 0);
        copy(w->name, sizeof w->name, st, 1);
        w->median_s = NAN;
    }
    if (rc == LCM_OK && r != SQLITE_DONE)
        rc = lcm_db_fail(db, err, "reading the campaigns");
    sqlite3_finalize(st);
    return rc;
}

static lcm_status count_campaigns(lcm_db *db, lcm_dash *d, lcm_err *err) {
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db,
                                   "SELECT count(*) FROM field_campaigns c JOIN cities ci ON "
                                   "ci.code = c.city_code WHERE" SCOPE_SQL,
                                   &st, err);
    if (rc != LCM_OK)
        return rc;
    bind_scope(st, d);
    if (sqlite3_step(st) == SQLITE_ROW)
        d->ncampaigns = (size_t)sqlite3_column_int64(st, 0);
    else
        rc = lcm_db_fail(db, err, "counting campaigns");
    sqlite3_finalize(st);
    return rc;
}

/* Assignments grouped by a key and disposition, ordered by the key: each run of one key
 * becomes a row of *rows (kind 0 strata, 1 PSUs, 2 areas: counted into the area rows). */
static lcm_status group_outcomes(lcm_db *db, lcm_dash *d, int kind, lcm_err *err) {
    static const char *const sql[3] = {
        "SELECT coalesce(a.stratum, ''), '', '', '', coalesce(a.disposition, ''), count(*) "
        "FROM field_assignments a JOIN field_campaigns c ON c.id = a.campaign_id JOIN cities "
        "ci ON ci.code = c.city_code WHERE" SCOPE_SQL "GROUP BY 1, 5 ORDER BY 1, 5",
        "SELECT a.community, coalesce(t.name, ''), c.city_code, ci.name, "
        "coalesce(a.disposition, ''), count(*) FROM field_assignments a JOIN field_campaigns c "
        "ON c.id = a.campaign_id JOIN cities ci ON ci.code = c.city_code LEFT JOIN admin_units "
        "t ON t.code = a.township_code WHERE" SCOPE_SQL "GROUP BY 1, 5 ORDER BY 1, 5",
        "SELECT CASE WHEN ?1 = 'nation' THEN ci.province_code ELSE c.city_code END, '', '', '', "
        "coalesce(a.disposition, ''), count(*) FROM field_assignments a JOIN field_campaigns c "
        "ON c.id = a.campaign_id JOIN cities ci ON ci.code = c.city_code WHERE" SCOPE_SQL
        "GROUP BY 1, 5 ORDER BY 1, 5",
    };
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db, sql[kind], &st, err);
    if (rc != LCM_OK)
        return rc;
    bind_scope(st, d);
    lcm_dash_row **rows = kind == 0 ? &d->strata : &d->psus;
    size_t *n = kind == 0 ? &d->nstrata : &d->npsus, cap = 0;
    lcm_dash_row *w = NULL;
    int r;
    while (rc == LCM_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
        const char *key = (const char *)sqlite3_column_text(st, 0);
        key = key ? key : "";
        const char *disp = (const char *)sqlite3_column_text(st, 4);
        long k = (long)sqlite3_column_int64(st, 5);
        if (kind == 2) {
            lcm_dash_row *a = area_find(d, key);
            if (a)
                lcm_dash_outcomes_add(&a->o, disp, k);
            continue;
        }
        if (!w || strcmp(w->code, key) != 0) {
            if (!(w = push(rows, n, &cap, sizeof *w, err, &rc)))
                break;
            snprintf(w->code, sizeof w->code, "%s", key);
            copy(w->name, sizeof w->name, st, 1);
            if (kind == 1 && strlen(key) == 12) {
                /* "东华门街道 居委会 003": the township and the committee (field.h) */
                char zh[64], en[64];
                lcm__field_community_name(strtol(key + 9, NULL, 10), zh, sizeof zh, en, sizeof en);
                size_t l = strlen(w->name);
                snprintf(w->name + l, sizeof w->name - l, "%s%s", l ? " " : "", zh);
            }
            copy(w->city, sizeof w->city, st, 2);
            copy(w->city_name, sizeof w->city_name, st, 3);
            w->median_s = NAN;
        }
        lcm_dash_outcomes_add(&w->o, disp, k);
        if (kind == 0)
            lcm_dash_outcomes_add(&d->total, disp, k);
    }
    if (rc == LCM_OK && r != SQLITE_DONE)
        rc = lcm_db_fail(db, err, "counting assignments");
    sqlite3_finalize(st);
    for (size_t i = 0; i < *n; i++)
        lcm_dash_outcomes_rates(&(*rows)[i].o);
    return rc;
}

/* ---- interviews ------------------------------------------------------------------------ */

static lcm_status load_interviews(lcm_db *db, lcm_dash *d, long long **campaign_of, lcm_err *err) {
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(
        db,
        "SELECT s.instance_id, s.campaign, c.city_code, ci.name, ci.province_code, "
        "coalesce(a.interviewer_id, 0), coalesce(i.name, ''), coalesce(a.household_id, ''), "
        "s.submitted_at, coalesce(s.duplicate_of, ''), c.id, "
        "(SELECT count(*) FROM serve_paradata p WHERE p.instance_id = s.instance_id), "
        "(SELECT coalesce(sum(time_ms), 0) FROM serve_paradata p WHERE p.instance_id = "
        "s.instance_id) FROM serve_submissions s JOIN field_campaigns c ON c.slug = s.campaign "
        "JOIN cities ci ON ci.code = c.city_code LEFT JOIN field_assignments a ON a.instance_id "
        "= s.instance_id AND a.campaign_id = c.id LEFT JOIN field_interviewers i ON i.id = "
        "a.interviewer_id WHERE" SCOPE_SQL "ORDER BY s.submitted_at, s.instance_id",
        &st, err);
    if (rc != LCM_OK)
        return rc;
    bind_scope(st, d);
    size_t cap = 0, ccap = 0, nc = 0;
    int r;
    while (rc == LCM_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
        lcm_dash_interview *v = push(&d->iv, &d->niv, &cap, sizeof *v, err, &rc);
        long long *cid = v ? push(campaign_of, &nc, &ccap, sizeof *cid, err, &rc) : NULL;
        if (!cid)
            break;
        copy(v->instance_id, sizeof v->instance_id, st, 0);
        copy(v->campaign, sizeof v->campaign, st, 1);
        copy(v->city, sizeof v->city, st, 2);
        copy(v->city_name, sizeof v->city_name, st, 3);
        copy(v->province, sizeof v->province, st, 4);
        v->interviewer_id = sqlite3_column_int64(st, 5);
        copy(v->interviewer, sizeof v->interviewer, st, 6);
        copy(v->household, sizeof v->household, st, 7);
        copy(v->submitted_utc, sizeof v->submitted_utc, st, 8);
        copy(v->duplicate_of, sizeof v->duplicate_of, st, 9);
        *cid = sqlite3_column_int64(st, 10);
        long pages = (long)sqlite3_column_int64(st, 11);
        long long ms = sqlite3_column_int64(st, 12);
        v->duration_s = pages > 0 && ms > 0 ? (double)ms / 1000.0 : NAN;
        v->campaign_median_s = NAN;
    }
    if (rc == LCM_OK && r != SQLITE_DONE)
        rc = lcm_db_fail(db, err, "reading the submitted interviews");
    sqlite3_finalize(st);
    return rc;
}

/* Medians per campaign and the speeders. */
static lcm_status speeders(lcm_dash *d, const long long *cid, lcm_err *err) {
    size_t n = d->niv;
    double *x = malloc((n ? n : 1) * sizeof *x), *scratch = malloc((n ? n : 1) * sizeof *x);
    int *group = malloc((n ? n : 1) * sizeof *group);
    if (!x || !scratch || !group) {
        free(x), free(scratch), free(group);
        return oom(err);
    }
    for (size_t i = 0; i < n; i++) {
        x[i] = d->iv[i].duration_s;
        group[i] = -1;
    }
    /* number the campaigns in order of appearance */
    int ng = 0;
    for (size_t i = 0; i < n; i++) {
        if (group[i] >= 0)
            continue;
        for (size_t j = i; j < n; j++)
            if (cid[j] == cid[i])
                group[j] = ng;
        ng++;
    }
    for (int g = 0; g < ng; g++) {
        double med = lcm_ci_group_median(x, group, g, n, scratch);
        for (size_t i = 0; i < n; i++)
            if (group[i] == g) {
                d->iv[i].campaign_median_s = med;
                if (!isnan(x[i]) && !isnan(med) && x[i] < med / 3.0)
                    d->iv[i].flags |= 1u << LCM_DASH_SPEEDER;
            }
    }
    d->median_s = lcm_ci_group_median(x, NULL, 0, n, scratch);
    for (size_t a = 0; a < d->nareas; a++) {
        const char *code = d->areas[a].code;
        for (size_t i = 0; i < n; i++)
            group[i] =
                strcmp(d->scope == LCM_DASH_NATION ? d->iv[i].province : d->iv[i].city, code) == 0;
        d->areas[a].median_s = lcm_ci_group_median(x, group, 1, n, scratch);
    }
    free(x), free(scratch), free(group);
    return LCM_OK;
}

/* Double the quotes of an SQL identifier into sb, quoted. */
static void add_ident(lcm_strbuf *sb, const char *s) {
    lcm_strbuf_addc(sb, '"');
    for (; *s; s++) {
        if (*s == '"')
            lcm_strbuf_addc(sb, '"');
        lcm_strbuf_addc(sb, *s);
    }
    lcm_strbuf_addc(sb, '"');
}

/* 1 when field is an item of the satisfaction grid (see dashboard.h). */
static int grid_item(const lcm_field *fd) {
    return fd->column && fd->repeat < 0 && strncmp(fd->name, "sat_", 4) == 0 &&
           fd->type != LCM_FT_CALCULATE && fd->type != LCM_FT_NOTE && fd->type < LCM_FT_BEGIN_GROUP;
}

/* Straight-lining: the interviews of one campaign (cid) read from the form's table. */
static lcm_status straight_campaign(lcm_db *db, lcm_dash *d, const long long *cid, long long c,
                                    lcm_err *err) {
    sqlite3_stmt *st = NULL;
    char form_id[64] = "", version[64] = "";
    lcm_status rc = lcm_db_prepare(
        db, "SELECT form_id, form_version FROM field_campaigns WHERE id = ?1", &st, err);
    if (rc != LCM_OK)
        return rc;
    sqlite3_bind_int64(st, 1, c);
    if (sqlite3_step(st) == SQLITE_ROW) {
        copy(form_id, sizeof form_id, st, 0);
        copy(version, sizeof version, st, 1);
    }
    sqlite3_finalize(st);
    lcm_form *f = NULL;
    if ((rc = lcm_form_get(db, form_id, version, &f, err)) != LCM_OK)
        return rc;
    lcm_strbuf sql = LCM_STRBUF_INIT;
    int nitems = 0;
    const char *table = NULL;
    lcm_strbuf_adds(&sql, "SELECT ");
    for (size_t i = 0; i < lcm_form_nfields(f); i++) {
        const lcm_field *fd = lcm_form_field(f, i);
        if (!grid_item(fd))
            continue;
        lcm_strbuf_adds(&sql, nitems ? ", " : "");
        add_ident(&sql, fd->column);
        table = fd->table;
        nitems++;
    }
    if (nitems >= LCM_DASH_GRID_MIN && table) {
        lcm_strbuf_adds(&sql, " FROM ");
        add_ident(&sql, table);
        lcm_strbuf_adds(&sql, " WHERE instance_id = ?1");
        if (!lcm_strbuf_ok(&sql))
            rc = oom(err);
        else
            rc = lcm_db_prepare(db, sql.buf, &st, err);
        for (size_t i = 0; rc == LCM_OK && i < d->niv; i++) {
            if (cid[i] != c)
                continue;
            sqlite3_reset(st);
            sqlite3_bind_text(st, 1, d->iv[i].instance_id, -1, SQLITE_STATIC);
            int r = sqlite3_step(st);
            if (r == SQLITE_DONE)
                continue; /* the answers are not (or no longer) in the table */
            if (r != SQLITE_ROW) {
                rc = lcm_db_fail(db, err, "reading satisfaction answers");
                break;
            }
            int answered = 0, same = 1;
            const char *first = NULL;
            for (int k = 0; k < nitems; k++) {
                char num[32];
                const char *v = (const char *)sqlite3_column_text(st, k);
                if (sqlite3_column_type(st, k) == SQLITE_FLOAT) /* a range's 4.0 is 4 */
                    snprintf(num, sizeof num, "%.15g", sqlite3_column_double(st, k)), v = num;
                if (!v || !*v)
                    continue;
                answered++;
                if (!first)
                    snprintf(d->iv[i].straight_value, sizeof d->iv[i].straight_value, "%s",
                             first = v);
                else if (strcmp(d->iv[i].straight_value, v) != 0)
                    same = 0;
            }
            d->iv[i].straight_items = answered;
            if (answered >= LCM_DASH_GRID_MIN && same)
                d->iv[i].flags |= 1u << LCM_DASH_STRAIGHT;
            else
                d->iv[i].straight_value[0] = '\0';
        }
        sqlite3_finalize(st);
    }
    lcm_strbuf_release(&sql);
    lcm_form_free(f);
    return rc;
}

static int ll_cmp(const void *a, const void *b) {
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x < y ? -1 : x > y;
}

/* Each campaign with interviews once (a national dashboard has tens of thousands). */
static lcm_status straightliners(lcm_db *db, lcm_dash *d, const long long *cid, lcm_err *err) {
    if (d->niv == 0)
        return LCM_OK;
    long long *u = malloc(d->niv * sizeof *u);
    if (!u)
        return oom(err);
    memcpy(u, cid, d->niv * sizeof *u);
    qsort(u, d->niv, sizeof *u, ll_cmp);
    lcm_status rc = LCM_OK;
    for (size_t i = 0; rc == LCM_OK && i < d->niv; i++)
        if (i == 0 || u[i] != u[i - 1])
            rc = straight_campaign(db, d, cid, u[i], err);
    free(u);
    return rc;
}

/* ---- interviews per interviewer and day ------------------------------------------------ */

static int day_cmp(const void *a, const void *b) {
    const lcm_dash_day *x = a, *y = b;
    int c = strcmp(x->city, y->city);
    if (c)
        return c;
    if (x->interviewer_id != y->interviewer_id)
        return x->interviewer_id < y->interviewer_id ? -1 : 1;
    return strcmp(x->date, y->date);
}

/* One row per interview, sorted, then equal keys merged: no search per interview. */
static lcm_status per_day(lcm_dash *d, lcm_err *err) {
    size_t cap = 0;
    lcm_status rc = LCM_OK;
    for (size_t i = 0; i < d->niv; i++) {
        const lcm_dash_interview *v = &d->iv[i];
        if (v->interviewer_id == 0 || !v->local[0])
            continue;
        lcm_dash_day *w = push(&d->days, &d->ndays, &cap, sizeof *w, err, &rc);
        if (!w)
            return rc;
        w->interviewer_id = v->interviewer_id;
        snprintf(w->interviewer, sizeof w->interviewer, "%s", v->interviewer);
        snprintf(w->city, sizeof w->city, "%s", v->city);
        snprintf(w->city_name, sizeof w->city_name, "%s", v->city_name);
        snprintf(w->date, sizeof w->date, "%.10s", v->local);
        w->interviews = 1;
    }
    if (d->ndays == 0)
        return rc;
    qsort(d->days, d->ndays, sizeof *d->days, day_cmp);
    size_t k = 0;
    for (size_t i = 1; i < d->ndays; i++) {
        if (day_cmp(&d->days[k], &d->days[i]) == 0)
            d->days[k].interviews += d->days[i].interviews;
        else
            d->days[++k] = d->days[i];
    }
    d->ndays = k + 1;
    return rc;
}

/* ---- the whole ----------------------------------------------------------------------- */

lcm_status lcm_dash_build(lcm_db *db, lcm_dash_scope scope, const char *place, lcm_dash *d,
                          lcm_err *err) {
    memset(d, 0, sizeof *d);
    d->scope = scope;
    d->median_s = NAN;
    if (scope != LCM_DASH_NATION) {
        size_t len = place ? strlen(place) : 0, want = scope == LCM_DASH_CITY ? 4 : 2;
        if (len != want || strspn(place, "0123456789") != len)
            return lcm_err_set(err, LCM_INVAL, "a %s is given by its %zu-digit code: '%s'",
                               scope == LCM_DASH_CITY ? "city" : "province", want,
                               place ? place : "");
        snprintf(d->place, sizeof d->place, "%s", place);
    }
    long long *cid = NULL;
    lcm_status rc = place_name(db, d, err);
    if (rc == LCM_OK)
        rc = count_campaigns(db, d, err);
    if (rc == LCM_OK)
        rc = load_areas(db, d, err);
    for (int k = 0; k < 3 && rc == LCM_OK; k++)
        rc = group_outcomes(db, d, k, err);
    for (size_t a = 0; a < d->nareas; a++)
        lcm_dash_outcomes_rates(&d->areas[a].o);
    lcm_dash_outcomes_rates(&d->total);
    if (rc == LCM_OK)
        rc = load_interviews(db, d, &cid, err);
    if (rc == LCM_OK)
        rc = speeders(d, cid, err);
    if (rc == LCM_OK)
        rc = straightliners(db, d, cid, err);
    for (size_t i = 0; rc == LCM_OK && i < d->niv; i++) {
        lcm_dash_interview *v = &d->iv[i];
        long tod = 0;
        if (beijing(v->submitted_utc, v->local, &tod) && v->interviewer_id != 0 &&
            (tod < 8 * 3600L || tod > 21 * 3600L))
            v->flags |= 1u << LCM_DASH_NIGHT;
        if (v->duplicate_of[0])
            v->flags |= 1u << LCM_DASH_DUPLICATE;
        for (int k = 0; k < LCM_DASH_NFLAG; k++)
            if (v->flags & (1u << k))
                d->nflag[k]++;
        lcm_dash_row *a = area_find(d, d->scope == LCM_DASH_NATION ? v->province : v->city);
        if (a) {
            a->submitted++;
            a->flagged += v->flags != 0;
        }
    }
    d->submitted = (long)d->niv;
    if (rc == LCM_OK)
        rc = per_day(d, err);
    free(cid);
    return rc;
}

void lcm_dash_free(lcm_dash *d) {
    if (!d)
        return;
    free(d->areas), free(d->strata), free(d->psus), free(d->days), free(d->iv);
    memset(d, 0, sizeof *d);
}
