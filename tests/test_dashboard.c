/*
 * test_dashboard.c - the supervisor's dashboard (engine/dashboard.h) on the fixture of
 * test_dash_fixture.c, whose comment works every expected number out by hand: AAPOR RR1
 * and REF1 by city, stratum, PSU, province and nation, medians, interviews per interviewer
 * and day, and each quality flag catching its one interview and nothing else; then
 * `lcmon dashboard` and its CSV files read back and compared with the engine's numbers.
 */
#include "test_dash_fixture.h"
#include "testing.h"

#include "dashboard.h"
#include "strbuf.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static lcm_db *open_fixture(void) {
    const char *path = dasht_db();
    CU_ASSERT_PTR_NOT_NULL_FATAL(path);
    lcm_db *db = NULL;
    CU_ASSERT_EQUAL_FATAL(lcm_db_open(path, LCM_OPEN_READONLY, &db, NULL), LCM_OK);
    return db;
}

static const lcm_dash_row *find_row(const lcm_dash_row *rows, size_t n, const char *code) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].code, code) == 0)
            return &rows[i];
    return NULL;
}

/* The instance ids flagged with kind, comma-separated, in order of submission. */
static void flagged(const lcm_dash *d, lcm_dash_flag_kind k, char *out, size_t cap) {
    out[0] = '\0';
    for (size_t i = 0; i < d->niv; i++)
        if (d->iv[i].flags & (1u << k)) {
            size_t l = strlen(out);
            snprintf(out + l, cap - l, "%s%s", l ? "," : "", d->iv[i].instance_id);
        }
}

static void dashboard__aapor_classes_of_each_code(void) {
    /* field.h's codes onto AAPOR's classes (Standard Definitions 2023, table 2) */
    static const struct {
        const char *code;
        size_t off;
    } map[] = {
        {"1.1", offsetof(lcm_dash_outcomes, complete)},
        {"1.2", offsetof(lcm_dash_outcomes, partial)},
        {"2.11", offsetof(lcm_dash_outcomes, refusal)},
        {"2.12", offsetof(lcm_dash_outcomes, refusal)},
        {"2.24", offsetof(lcm_dash_outcomes, noncontact)},
        {"2.25", offsetof(lcm_dash_outcomes, noncontact)},
        {"2.32", offsetof(lcm_dash_outcomes, other)},
        {"2.33", offsetof(lcm_dash_outcomes, other)},
        {"3.17", offsetof(lcm_dash_outcomes, unknown_hh)},
        {"3.18", offsetof(lcm_dash_outcomes, unknown_hh)},
        {"", offsetof(lcm_dash_outcomes, unknown_o)},
        {"4.50", offsetof(lcm_dash_outcomes, ineligible)},
        {"4.60", offsetof(lcm_dash_outcomes, ineligible)},
        {"4.70", offsetof(lcm_dash_outcomes, ineligible)},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        lcm_dash_outcomes o = {0};
        lcm_dash_outcomes_add(&o, map[i].code, 3);
        CU_ASSERT_EQUAL(o.assigned, 3);
        CU_ASSERT_EQUAL(*(const long *)((const char *)&o + map[i].off), 3);
    }
    /* I 5, P 1, R 2, NC 1, O 1, UH 1, UO 1, NE 1: 5/12 and 2/12 (fixture comment) */
    lcm_dash_outcomes o = {0};
    const char *codes[] = {"1.1",  "1.1",  "1.1",  "1.1",  "1.1", "1.2", "2.11",
                           "2.12", "2.24", "2.33", "3.18", "",    "4.60"};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        lcm_dash_outcomes_add(&o, codes[i], 1);
    lcm_dash_outcomes_rates(&o);
    CU_ASSERT_DOUBLE_EQUAL(o.rr1, 5.0 / 12.0, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(o.ref1, 2.0 / 12.0, 1e-15);
    lcm_dash_outcomes none = {0};
    lcm_dash_outcomes_add(&none, "4.70", 2);
    lcm_dash_outcomes_rates(&none);
    CU_ASSERT(isnan(none.rr1) && isnan(none.ref1));
}

static void dashboard__city_numbers_equal_the_hand_worked_ones(void) {
    lcm_db *db = open_fixture();
    lcm_dash d;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_dash_build(db, LCM_DASH_CITY, "4401", &d, &err), LCM_OK);
    CU_ASSERT_STRING_EQUAL(d.place_name, "广州市");
    CU_ASSERT_EQUAL(d.ncampaigns, 1);
    CU_ASSERT_EQUAL(d.total.assigned, 13);
    CU_ASSERT_EQUAL(d.total.complete, 5);
    CU_ASSERT_DOUBLE_EQUAL(d.total.rr1, 5.0 / 12.0, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(d.total.ref1, 2.0 / 12.0, 1e-15);
    CU_ASSERT_EQUAL_FATAL(d.nstrata, 2);
    const lcm_dash_row *s = find_row(d.strata, d.nstrata, "城区");
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(s->o.assigned, 5);
    CU_ASSERT_DOUBLE_EQUAL(s->o.rr1, 3.0 / 5.0, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(s->o.ref1, 1.0 / 5.0, 1e-15);
    s = find_row(d.strata, d.nstrata, "近郊");
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(s->o.assigned, 8);
    CU_ASSERT_EQUAL(s->o.ineligible, 1);
    CU_ASSERT_DOUBLE_EQUAL(s->o.rr1, 2.0 / 7.0, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(s->o.ref1, 1.0 / 7.0, 1e-15);
    CU_ASSERT_EQUAL(d.npsus, 6);
    const lcm_dash_row *p = find_row(d.psus, d.npsus, "440103002001");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(p->o.complete, 2);
    CU_ASSERT_DOUBLE_EQUAL(p->o.rr1, 1.0, 1e-15);
    CU_ASSERT_STRING_EQUAL(p->name, "岭南街道 居委会 001");
    CU_ASSERT_STRING_EQUAL(p->city_name, "广州市");
    p = find_row(d.psus, d.npsus, "440103003002");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(p->o.assigned, 3);
    CU_ASSERT_DOUBLE_EQUAL(p->o.rr1, 0.0, 1e-15);
    /* interviews, medians, flags */
    CU_ASSERT_EQUAL(d.submitted, 5);
    CU_ASSERT_DOUBLE_EQUAL(d.median_s, 600.0, 1e-9);
    char ids[256];
    flagged(&d, LCM_DASH_SPEEDER, ids, sizeof ids);
    CU_ASSERT_STRING_EQUAL(ids, "g03");
    flagged(&d, LCM_DASH_STRAIGHT, ids, sizeof ids);
    CU_ASSERT_STRING_EQUAL(ids, "g06");
    flagged(&d, LCM_DASH_DUPLICATE, ids, sizeof ids);
    CU_ASSERT_STRING_EQUAL(ids, "g07");
    flagged(&d, LCM_DASH_NIGHT, ids, sizeof ids);
    CU_ASSERT_STRING_EQUAL(ids, "g02");
    for (int k = 0; k < LCM_DASH_NFLAG; k++)
        CU_ASSERT_EQUAL(d.nflag[k], 1);
    for (size_t i = 0; i < d.niv; i++) {
        const lcm_dash_interview *v = &d.iv[i];
        if (strcmp(v->instance_id, "g06") == 0) {
            CU_ASSERT_STRING_EQUAL(v->straight_value, "4");
            CU_ASSERT_EQUAL(v->straight_items, 6);
            CU_ASSERT_STRING_EQUAL(v->local, "2026-05-11 08:00:00");
        }
        if (strcmp(v->instance_id, "g03") == 0) {
            CU_ASSERT_DOUBLE_EQUAL(v->duration_s, 150.0, 1e-9);
            CU_ASSERT_DOUBLE_EQUAL(v->campaign_median_s, 600.0, 1e-9);
        }
        if (strcmp(v->instance_id, "g02") == 0)
            CU_ASSERT_STRING_EQUAL(v->local, "2026-05-10 23:00:00");
    }
    /* per interviewer and day */
    CU_ASSERT_EQUAL_FATAL(d.ndays, 3);
    CU_ASSERT_STRING_EQUAL(d.days[0].interviewer, "王芳");
    CU_ASSERT_STRING_EQUAL(d.days[0].date, "2026-05-10");
    CU_ASSERT_EQUAL(d.days[0].interviews, 2);
    CU_ASSERT_STRING_EQUAL(d.days[1].date, "2026-05-11");
    CU_ASSERT_EQUAL(d.days[1].interviews, 1);
    CU_ASSERT_STRING_EQUAL(d.days[2].interviewer, "李强");
    CU_ASSERT_EQUAL(d.days[2].interviews, 2);
    CU_ASSERT_EQUAL_FATAL(d.nareas, 1);
    CU_ASSERT_EQUAL(d.areas[0].flagged, 4);
    lcm_dash_free(&d);
    lcm_db_close(db);
}

static void dashboard__province_and_nation_rows(void) {
    lcm_db *db = open_fixture();
    lcm_dash d;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_dash_build(db, LCM_DASH_PROVINCE, "44", &d, &err), LCM_OK);
    CU_ASSERT_STRING_EQUAL(d.place_name, "广东省");
    CU_ASSERT_EQUAL(d.total.assigned, 15);
    CU_ASSERT_DOUBLE_EQUAL(d.total.rr1, 6.0 / 14.0, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(d.total.ref1, 3.0 / 14.0, 1e-15);
    CU_ASSERT_EQUAL(d.submitted, 7);
    CU_ASSERT_DOUBLE_EQUAL(d.median_s, 540.0, 1e-9);
    CU_ASSERT_EQUAL_FATAL(d.nareas, 2);
    CU_ASSERT_STRING_EQUAL(d.areas[0].code, "4401");
    CU_ASSERT_STRING_EQUAL(d.areas[1].name, "深圳市");
    CU_ASSERT_DOUBLE_EQUAL(d.areas[1].o.rr1, 0.5, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(d.areas[1].o.ref1, 0.5, 1e-15);
    CU_ASSERT_EQUAL(d.areas[1].submitted, 2);
    CU_ASSERT_DOUBLE_EQUAL(d.areas[1].median_s, 390.0, 1e-9);
    CU_ASSERT_EQUAL(d.areas[1].flagged, 0);
    /* the flags do not change with the scope: judged within each campaign */
    for (int k = 0; k < LCM_DASH_NFLAG; k++)
        CU_ASSERT_EQUAL(d.nflag[k], 1);
    /* 赵敏's day in 深圳; w01 (self-completion) is in no interviewer's row */
    CU_ASSERT_EQUAL(d.ndays, 4);
    lcm_dash_free(&d);
    CU_ASSERT_EQUAL_FATAL(lcm_dash_build(db, LCM_DASH_NATION, NULL, &d, &err), LCM_OK);
    CU_ASSERT_STRING_EQUAL(d.place_name, "全国");
    CU_ASSERT_EQUAL(d.ncampaigns, 3);
    CU_ASSERT_EQUAL(d.total.assigned, 16);
    CU_ASSERT_DOUBLE_EQUAL(d.total.rr1, 6.0 / 15.0, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(d.total.ref1, 3.0 / 15.0, 1e-15);
    CU_ASSERT_EQUAL_FATAL(d.nareas, 2);
    CU_ASSERT_STRING_EQUAL(d.areas[0].code, "11");
    CU_ASSERT_STRING_EQUAL(d.areas[0].name, "北京市");
    CU_ASSERT_DOUBLE_EQUAL(d.areas[0].o.rr1, 0.0, 1e-15);
    CU_ASSERT_STRING_EQUAL(d.areas[1].code, "44");
    CU_ASSERT_DOUBLE_EQUAL(d.areas[1].o.rr1, 6.0 / 14.0, 1e-15);
    CU_ASSERT_EQUAL(d.areas[1].flagged, 4);
    lcm_dash_free(&d);
    /* bad places */
    CU_ASSERT_EQUAL(lcm_dash_build(db, LCM_DASH_CITY, "9999", &d, &err), LCM_NOTFOUND);
    LCMT_ASSERT_HAS(err.msg, "no such city in the reference data: '9999'");
    lcm_dash_free(&d);
    CU_ASSERT_EQUAL(lcm_dash_build(db, LCM_DASH_PROVINCE, "4'4", &d, &err), LCM_INVAL);
    lcm_dash_free(&d);
    /* a city without campaigns: empty tables, no rates */
    CU_ASSERT_EQUAL(lcm_dash_build(db, LCM_DASH_CITY, "1200", &d, &err), LCM_OK);
    CU_ASSERT_EQUAL(d.total.assigned, 0);
    CU_ASSERT(isnan(d.total.rr1));
    CU_ASSERT(isnan(d.median_s));
    lcm_dash_free(&d);
    lcm_db_close(db);
}

/* ---- CSV read back ------------------------------------------------------------------------ */

/* The CSV file path split into rows of cells (no quoted commas in these tables but the
 * detail column, which this reader handles). *n gets the rows, header included. */
typedef struct csvt {
    char *text;
    char **cell; /* rows * ncol */
    size_t rows, ncol;
} csvt;

static int csv_read(const char *path, csvt *t) {
    memset(t, 0, sizeof *t);
    if (!(t->text = lcmt_slurp(path, NULL)))
        return 0;
    size_t cap = 0, n = 0, cols = 0;
    char *p = t->text, *w = t->text;
    while (*p) {
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            t->cell = realloc(t->cell, cap * sizeof *t->cell);
        }
        t->cell[n++] = w;
        int q = *p == '"';
        if (q)
            p++;
        while (*p) {
            if (q && *p == '"' && p[1] == '"')
                *w++ = '"', p += 2;
            else if (q && *p == '"')
                q = 0, p++;
            else if (!q && (*p == ',' || *p == '\r'))
                break;
            else
                *w++ = *p++;
        }
        cols++;
        int eol = *p == '\r';
        *w = '\0';
        p += eol ? 2 : 1;
        w = p;
        if (eol) {
            if (!t->ncol)
                t->ncol = cols;
            cols = 0;
            t->rows++;
        }
    }
    return t->ncol > 0;
}

static const char *csv_at(const csvt *t, size_t row, const char *key) {
    for (size_t k = 0; k < t->ncol; k++)
        if (strcmp(t->cell[k], key) == 0 && row < t->rows)
            return t->cell[row * t->ncol + k];
    return NULL;
}

static void csv_free(csvt *t) {
    free(t->text), free(t->cell);
}

/* A shown number equals the engine's to the digits shown (a percentage or minutes with one
 * decimal: within half a unit of the last place). */
static int shown_equals(const char *cell, double want, double scale) {
    if (!cell)
        return 0;
    if (isnan(want))
        return *cell == '\0';
    char *end;
    double got = strtod(cell, &end);
    int ok = *end == '\0' && fabs(got - want * scale) <= 0.05 + 1e-9;
    if (!ok)
        fprintf(stderr, "\n  shown '%s', engine %.6f\n", cell, want * scale);
    return ok;
}

static void dashboard__cli_and_csv_equal_the_engine(void) {
    lcm_db *db = open_fixture();
    lcm_dash d;
    CU_ASSERT_EQUAL_FATAL(lcm_dash_build(db, LCM_DASH_PROVINCE, "44", &d, NULL), LCM_OK);
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", lcmt_tmp("dash-csv"));
    const char *args[] = {"dashboard", dasht_db(), "--province", "44", "--csv", dir, NULL};
    char *out = NULL, *err = NULL;
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, &out, &err), 0);
    LCMT_ASSERT_HAS(out, "督导看板（广东省）");
    LCMT_ASSERT_HAS(out, "应答率RR1（%）");
    LCMT_ASSERT_HAS(out, "42.9");
    LCMT_ASSERT_HAS(out, "岭南街道 居委会 001");
    CU_ASSERT(!strstr(out, "王芳") && !strstr(out, "G01"));
    free(out), free(err);
    char path[4300];
    csvt t;
    /* areas: every number of every row */
    snprintf(path, sizeof path, "%s/areas.csv", dir);
    CU_ASSERT_FATAL(csv_read(path, &t));
    CU_ASSERT_EQUAL(t.rows, 1 + d.nareas);
    for (size_t i = 0; i < d.nareas && i + 1 < t.rows; i++) {
        const lcm_dash_row *r = &d.areas[i];
        CU_ASSERT_STRING_EQUAL(csv_at(&t, i + 1, "code"), r->code);
        CU_ASSERT(shown_equals(csv_at(&t, i + 1, "assigned"), (double)r->o.assigned, 1));
        CU_ASSERT(shown_equals(csv_at(&t, i + 1, "completed"), (double)r->o.complete, 1));
        CU_ASSERT(shown_equals(csv_at(&t, i + 1, "rr1_pct"), r->o.rr1, 100));
        CU_ASSERT(shown_equals(csv_at(&t, i + 1, "ref1_pct"), r->o.ref1, 100));
        CU_ASSERT(shown_equals(csv_at(&t, i + 1, "submitted"), (double)r->submitted, 1));
        CU_ASSERT(shown_equals(csv_at(&t, i + 1, "median_min"), r->median_s, 1.0 / 60));
        CU_ASSERT(shown_equals(csv_at(&t, i + 1, "flagged"), (double)r->flagged, 1));
    }
    csv_free(&t);
    /* strata */
    snprintf(path, sizeof path, "%s/strata.csv", dir);
    CU_ASSERT_FATAL(csv_read(path, &t));
    CU_ASSERT_EQUAL(t.rows, 1 + d.nstrata);
    for (size_t i = 0; i < d.nstrata && i + 1 < t.rows; i++) {
        const lcm_dash_row *r = &d.strata[i];
        CU_ASSERT_STRING_EQUAL(csv_at(&t, i + 1, "stratum"), r->code[0] ? r->code : "（未分层）");
        CU_ASSERT(shown_equals(csv_at(&t, i + 1, "assigned"), (double)r->o.assigned, 1));
        CU_ASSERT(shown_equals(csv_at(&t, i + 1, "refusal"), (double)r->o.refusal, 1));
        CU_ASSERT(shown_equals(csv_at(&t, i + 1, "unknown_other"), (double)r->o.unknown_o, 1));
        CU_ASSERT(shown_equals(csv_at(&t, i + 1, "rr1_pct"), r->o.rr1, 100));
        CU_ASSERT(shown_equals(csv_at(&t, i + 1, "ref1_pct"), r->o.ref1, 100));
    }
    csv_free(&t);
    /* PSUs */
    snprintf(path, sizeof path, "%s/psus.csv", dir);
    CU_ASSERT_FATAL(csv_read(path, &t));
    CU_ASSERT_EQUAL(t.rows, 1 + d.npsus);
    for (size_t i = 0; i < d.npsus && i + 1 < t.rows; i++) {
        CU_ASSERT_STRING_EQUAL(csv_at(&t, i + 1, "psu"), d.psus[i].code);
        CU_ASSERT(shown_equals(csv_at(&t, i + 1, "completed"), (double)d.psus[i].o.complete, 1));
        CU_ASSERT(shown_equals(csv_at(&t, i + 1, "rr1_pct"), d.psus[i].o.rr1, 100));
    }
    csv_free(&t);
    /* summary */
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    CU_ASSERT_FATAL(csv_read(path, &t));
    for (size_t i = 1; i < t.rows; i++) {
        const char *item = csv_at(&t, i, "item"), *v = csv_at(&t, i, "value");
        if (strcmp(item, "应答率RR1（%）") == 0)
            CU_ASSERT(shown_equals(v, d.total.rr1, 100));
        if (strcmp(item, "拒访率REF1（%）") == 0)
            CU_ASSERT(shown_equals(v, d.total.ref1, 100));
        if (strcmp(item, "中位时长（分钟）") == 0)
            CU_ASSERT(shown_equals(v, d.median_s, 1.0 / 60));
        if (strcmp(item, "分配户数") == 0)
            CU_ASSERT(shown_equals(v, (double)d.total.assigned, 1));
        for (int k = 0; k < LCM_DASH_NFLAG; k++)
            if (strcmp(item, lcm_dash_flag_label((lcm_dash_flag_kind)k)) == 0)
                CU_ASSERT(shown_equals(v, (double)d.nflag[k], 1));
    }
    csv_free(&t);
    /* days */
    snprintf(path, sizeof path, "%s/days.csv", dir);
    CU_ASSERT_FATAL(csv_read(path, &t));
    CU_ASSERT_EQUAL(t.rows, 1 + d.ndays);
    for (size_t i = 0; i < d.ndays && i + 1 < t.rows; i++) {
        CU_ASSERT_STRING_EQUAL(csv_at(&t, i + 1, "date"), d.days[i].date);
        CU_ASSERT(shown_equals(csv_at(&t, i + 1, "interviews"), (double)d.days[i].interviews, 1));
    }
    CU_ASSERT_PTR_NULL(csv_at(&t, 0, "interviewer")); /* no names without --personal */
    csv_free(&t);
    /* flags: exactly the four (kind, instance) pairs */
    snprintf(path, sizeof path, "%s/flags.csv", dir);
    CU_ASSERT_FATAL(csv_read(path, &t));
    CU_ASSERT_EQUAL(t.rows, 5);
    static const char *const want[4][2] = {
        {"过快作答", "g03"}, {"直线作答", "g06"}, {"答案雷同", "g07"}, {"非工作时间", "g02"}};
    for (size_t i = 0; i < 4 && i + 1 < t.rows; i++) {
        CU_ASSERT_STRING_EQUAL(csv_at(&t, i + 1, "flag"), want[i][0]);
        CU_ASSERT_STRING_EQUAL(csv_at(&t, i + 1, "instance_id"), want[i][1]);
    }
    CU_ASSERT(t.rows >= 2 && shown_equals(csv_at(&t, 1, "duration_min"), 150.0, 1.0 / 60));
    csv_free(&t);
    /* no personal data in any file, none private */
    for (int k = 0; k < LCM_DASH_NTABLE; k++) {
        snprintf(path, sizeof path, "%s/%s.csv", dir, lcm_dash_table_name((lcm_dash_table_id)k));
        char *text = lcmt_slurp(path, NULL);
        CU_ASSERT_PTR_NOT_NULL(text);
        CU_ASSERT(text && !strstr(text, "王芳") && !strstr(text, "李强") && !strstr(text, "G0") &&
                  !strstr(text, "某路"));
        free(text);
    }
    /* --personal: names and household numbers, files 0600; existing files need --force */
    const char *again[] = {"dashboard", dasht_db(), "--province", "44",
                           "--csv",     dir,        "--personal", NULL};
    CU_ASSERT_EQUAL(lcmt_run(again, NULL, NULL, &err), 1);
    LCMT_ASSERT_HAS(err, "exists (--force replaces it)");
    free(err);
    char pdir[4096];
    snprintf(pdir, sizeof pdir, "%s", lcmt_tmp("dash-csv-personal"));
    const char *personal[] = {"dashboard", dasht_db(), "--province", "44",
                              "--csv",     pdir,       "--personal", NULL};
    CU_ASSERT_EQUAL(lcmt_run(personal, NULL, NULL, NULL), 0);
    snprintf(path, sizeof path, "%s/flags.csv", pdir);
    char *text = lcmt_slurp(path, NULL);
    LCMT_ASSERT_HAS(text, "王芳");
    LCMT_ASSERT_HAS(text, "G02");
    free(text);
    struct stat sb;
    CU_ASSERT(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600);
    lcm_dash_free(&d);
    lcm_db_close(db);
}

static void dashboard__cli_usage_and_data_errors(void) {
    const char *none[] = {"dashboard", dasht_db(), NULL};
    const char *two[] = {"dashboard", dasht_db(), "--city", "4401", "--national", NULL};
    const char *bad[] = {"dashboard", dasht_db(), "--city", "9999", NULL};
    char *err = NULL;
    CU_ASSERT_EQUAL(lcmt_run(none, NULL, NULL, &err), 2);
    LCMT_ASSERT_HAS(err, "give exactly one of --city, --province, --national");
    free(err);
    CU_ASSERT_EQUAL(lcmt_run(two, NULL, NULL, NULL), 2);
    CU_ASSERT_EQUAL(lcmt_run(bad, NULL, NULL, &err), 1);
    LCMT_ASSERT_HAS(err, "lcmon: no such city in the reference data: '9999'");
    free(err);
}

static void dashboard__progress_chart_shows_the_completion_shares(void) {
    lcm_db *db = open_fixture();
    lcm_dash d;
    CU_ASSERT_EQUAL_FATAL(lcm_dash_build(db, LCM_DASH_PROVINCE, "44", &d, NULL), LCM_OK);
    const char **label = NULL;
    double *pct = NULL;
    size_t n = 0;
    CU_ASSERT_EQUAL_FATAL(lcm_dash_chart_values(&d, &label, &pct, &n, NULL), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(n, 2);
    /* 广州 5 of 13, 深圳 1 of 2 (fixture comment) */
    CU_ASSERT_STRING_EQUAL(label[0], "广州市");
    CU_ASSERT_DOUBLE_EQUAL(pct[0], 100.0 * 5 / 13, 1e-12);
    CU_ASSERT_STRING_EQUAL(label[1], "深圳市");
    CU_ASSERT_DOUBLE_EQUAL(pct[1], 50.0, 1e-12);
    free(label), free(pct);
    char *svg = NULL;
    size_t len = 0;
    lcm_err err = {0};
    lcm_status st = lcm_dash_chart_svg(&d, &svg, &len, &err);
    if (st == LCM_EXTERNAL)
        fprintf(stderr, "\n  skipped: %s\n", err.msg); /* no gnuplot on this machine */
    else {
        CU_ASSERT_EQUAL(st, LCM_OK);
        LCMT_ASSERT_HAS(svg, "<svg");
        LCMT_ASSERT_HAS(svg, "深圳市");
        LCMT_ASSERT_HAS(svg, "各城市完成进度");
        CU_ASSERT_EQUAL(len, svg ? strlen(svg) : 0);
    }
    free(svg);
    lcm_dash_free(&d);
    /* a city: one bar per stratum */
    CU_ASSERT_EQUAL_FATAL(lcm_dash_build(db, LCM_DASH_CITY, "4401", &d, NULL), LCM_OK);
    CU_ASSERT_EQUAL_FATAL(lcm_dash_chart_values(&d, &label, &pct, &n, NULL), LCM_OK);
    CU_ASSERT_EQUAL(n, 2);
    CU_ASSERT(n == 2 && strcmp(label[0], "城区") == 0 && fabs(pct[0] - 60.0) < 1e-12);
    free(label), free(pct);
    lcm_dash_free(&d);
    lcm_db_close(db);
}

/* A dashboard CSV cell is written as lcmon's exports write one: a name a spreadsheet would
 * run as a formula is guarded by an apostrophe, an outer space or a comma quoted, numbers
 * (a negative one too) as they are. */
static void dashboard__csv_cells_are_quoted_and_guarded_as_exports(void) {
    char c0[] = "=HYPERLINK(\"x\")", c1[] = "-12.5", c2[] = "王芳", c3[] = " 张三", c4[] = "a,b",
         c5[] = "@x", c6[] = "";
    char *cells[] = {c0, c1, c2, c3, c4, c5, c6};
    lcm_dash_table t = {.name = "t", .title = "t", .ncol = 7, .nrow = 1, .cell = cells};
    for (int k = 0; k < 7; k++)
        t.key[k] = "k";
    lcm_strbuf sb = LCM_STRBUF_INIT;
    lcm_dash_table_csv(&t, &sb);
    CU_ASSERT_STRING_EQUAL(sb.buf, "k,k,k,k,k,k,k\r\n\"'=HYPERLINK(\"\"x\"\")\",-12.5,王芳,\" "
                                   "张三\",\"a,b\",'@x,\r\n");
    lcm_strbuf_release(&sb);
}

const lcmt_case lcmt_dashboard_cases[] = {
    {"csv_cells_are_quoted_and_guarded_as_exports",
     dashboard__csv_cells_are_quoted_and_guarded_as_exports},
    {"progress_chart_shows_the_completion_shares",
     dashboard__progress_chart_shows_the_completion_shares},
    {"aapor_classes_of_each_code", dashboard__aapor_classes_of_each_code},
    {"city_numbers_equal_the_hand_worked_ones", dashboard__city_numbers_equal_the_hand_worked_ones},
    {"province_and_nation_rows", dashboard__province_and_nation_rows},
    {"cli_and_csv_equal_the_engine", dashboard__cli_and_csv_equal_the_engine},
    {"cli_usage_and_data_errors", dashboard__cli_usage_and_data_errors},
    {NULL, NULL},
};
