/*
 * test_export_syntax.c - what a person opening an export sees (issue 12, item 15): only
 * complete interviews unless --include-drafts; beside .dta and .sav a Stata do-file and
 * SPSS syntax declaring the design (svyset, CSPLAN) and the value labels; a scale question
 * with value labels from its hint, a derived variable with its calculation as label,
 * timestamps as dates; an xlsx workbook with numeric codes as numbers and a codebook sheet.
 *
 * Data: `lcmon simulate --cities 1 --waves 2025 --households 12 --seed 5`, its first
 * interview turned into a draft; every expected number is read from the same database.
 */
#include "testing.h"

#include <sys/stat.h>

#include <readstat.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAIN "resp_household_2026_1"

static const char *sim_db(void) {
    static char db[4096];
    if (db[0])
        return db;
    snprintf(db, sizeof db, "%s", lcmt_tmp("export_syntax.db"));
    remove(db);
    CU_ASSERT_EQUAL_FATAL(lcmt_run((const char *[]){"init", db, NULL}, NULL, NULL, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(
        lcmt_run((const char *[]){"simulate", db, "--cities", "1", "--waves", "2025",
                                  "--households", "12", "--seed", "5", NULL},
                 NULL, NULL, NULL),
        0);
    CU_ASSERT_EQUAL_FATAL(
        lcmt_run((const char *[]){"design", "set", db, "--form", "household", "--strata", "stratum",
                                  "--psu", "psu", "--weight", "design_weight", NULL},
                 NULL, NULL, NULL),
        0);
    sqlite3 *s = NULL;
    CU_ASSERT_EQUAL_FATAL(sqlite3_open(db, &s), SQLITE_OK);
    CU_ASSERT_EQUAL(sqlite3_exec(s,
                                 "UPDATE " MAIN " SET status = 'draft' WHERE rowid = (SELECT "
                                 "min(rowid) FROM " MAIN ")",
                                 NULL, NULL, NULL),
                    SQLITE_OK);
    sqlite3_close(s);
    return db;
}

/* The text of the first value of a query on the database. */
static char *query_text(const char *sql) {
    sqlite3 *s = NULL;
    sqlite3_stmt *st = NULL;
    char *out = NULL;
    if (sqlite3_open(sim_db(), &s) == SQLITE_OK &&
        sqlite3_prepare_v2(s, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
        sqlite3_column_text(st, 0))
        out = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(s);
    return out;
}

static long query_long(const char *sql) {
    char *t = query_text(sql);
    long v = t ? strtol(t, NULL, 10) : -1;
    free(t);
    return v;
}

static int export_to(const char *format, const char *path, int drafts, char **out) {
    /* --force: the tests export to the same paths more than once */
    const char *args[] = {
        "export", sim_db(), "--form", "household", "--format",
        format,   "--out",  path,     "--force",   drafts ? "--include-drafts" : NULL,
        NULL};
    return lcmt_run(args, NULL, out, NULL);
}

static void export_syntax__drafts_left_out_unless_asked(void) {
    char path[4096], want[128], *out = NULL;
    long all = query_long("SELECT count(*) FROM " MAIN),
         complete = query_long("SELECT count(*) FROM " MAIN " WHERE status = 'complete'"),
         members = query_long("SELECT count(*) FROM " MAIN "__members"),
         members_complete =
             query_long("SELECT count(*) FROM " MAIN "__members WHERE instance_id "
                        "IN (SELECT instance_id FROM " MAIN " WHERE status = 'complete')");
    CU_ASSERT(all == complete + 1 && members > members_complete);
    snprintf(path, sizeof path, "%s", lcmt_tmp("drafts.csv"));
    CU_ASSERT_EQUAL(export_to("csv", path, 0, &out), 0);
    snprintf(want, sizeof want, "wrote %ld rows x", complete);
    LCMT_ASSERT_HAS(out, want);
    snprintf(want, sizeof want, "wrote %ld rows x 9 columns of 'members'", members_complete);
    LCMT_ASSERT_HAS(out, want);
    char *csv = lcmt_slurp(path, NULL);
    CU_ASSERT_EQUAL(lcmt_count_lines(csv), complete + 1);
    CU_ASSERT(csv && !strstr(csv, ",draft,"));
    free(csv), free(out);
    CU_ASSERT_EQUAL(export_to("csv", path, 1, &out), 0);
    snprintf(want, sizeof want, "wrote %ld rows x", all);
    LCMT_ASSERT_HAS(out, want);
    snprintf(want, sizeof want, "wrote %ld rows x 9 columns of 'members'", members);
    LCMT_ASSERT_HAS(out, want);
    free(out);
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian, Howard Hinnant's algorithm). */
static long days_from_civil(long y, long m, long d) {
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/* Seconds from 1970-01-01 of the local clock time in an ISO timestamp (offset ignored). */
static double local_seconds(const char *iso) {
    long y, mo, d, h, mi, s;
    CU_ASSERT_FATAL(sscanf(iso, "%ld-%ld-%ldT%ld:%ld:%ld", &y, &mo, &d, &h, &mi, &s) == 6);
    return (double)days_from_civil(y, mo, d) * 86400.0 + (double)(h * 3600 + mi * 60 + s);
}

typedef struct readback {
    char text[16384];
    int started_col, obs0_started_set;
    double started;   /* first observation's started_at */
    char format[32];  /* started_at's display format */
    char sat_set[64]; /* sat_overall's label set */
} readback;

static void add(readback *r, const char *a, const char *b) {
    size_t n = strlen(r->text);
    snprintf(r->text + n, sizeof r->text - n, "%s%s", a, b);
}

static int on_variable(int index, readstat_variable_t *v, const char *labels, void *ctx) {
    readback *r = ctx;
    const char *name = readstat_variable_get_name(v), *label = readstat_variable_get_label(v);
    if (!strcmp(name, "started_at")) {
        r->started_col = index;
        const char *f = readstat_variable_get_format(v);
        snprintf(r->format, sizeof r->format, "%s", f ? f : "");
    }
    if (!strcmp(name, "sat_overall"))
        snprintf(r->sat_set, sizeof r->sat_set, "%s", labels ? labels : "");
    if (!strcmp(name, "aware_n") || !strcmp(name, "sat_top2")) {
        add(r, name, "=");
        add(r, label ? label : "", ";");
    }
    return READSTAT_HANDLER_OK;
}

static int on_value_label(const char *set, readstat_value_t value, const char *label, void *ctx) {
    readback *r = ctx;
    char v[64];
    snprintf(v, sizeof v, "[%s %g=", set, readstat_double_value(value));
    add(r, v, label);
    add(r, "]", "");
    return READSTAT_HANDLER_OK;
}

static int on_value(int obs, readstat_variable_t *v, readstat_value_t value, void *ctx) {
    readback *r = ctx;
    if (obs == 0 && readstat_variable_get_index(v) == r->started_col &&
        !readstat_value_is_system_missing(value)) {
        r->started = readstat_double_value(value);
        r->obs0_started_set = 1;
    }
    return READSTAT_HANDLER_OK;
}

/* .dta and .sav: timestamps as Stata %tc / SPSS DATETIME numbers of the stored local time,
 * the scale's value labels from its hint, derived variables labelled with their
 * calculation. */
static void export_syntax__dates_scales_and_derived_labels(void) {
    /* the first complete interview, as lcmon stores it */
    char *iso = query_text("SELECT started_at FROM " MAIN
                           " WHERE status = 'complete' ORDER BY rowid LIMIT 1");
    CU_ASSERT_PTR_NOT_NULL_FATAL(iso);
    double unix_s = local_seconds(iso);
    for (int dta = 0; dta < 2; dta++) {
        char path[4096];
        snprintf(path, sizeof path, "%s", lcmt_tmp(dta ? "syn.dta" : "syn.sav"));
        CU_ASSERT_EQUAL_FATAL(export_to(dta ? "dta" : "sav", path, 0, NULL), 0);
        readback r;
        memset(&r, 0, sizeof r);
        r.started_col = -1;
        readstat_parser_t *p = readstat_parser_init();
        readstat_set_variable_handler(p, on_variable);
        readstat_set_value_label_handler(p, on_value_label);
        readstat_set_value_handler(p, on_value);
        CU_ASSERT_EQUAL(dta ? readstat_parse_dta(p, path, &r) : readstat_parse_sav(p, path, &r),
                        READSTAT_OK);
        readstat_parser_free(p);
        /* Stata: ms since 1960-01-01 (-315619200 s from 1970); SPSS: s since 1582-10-14
         * (12219379200 s before 1970) */
        double want = dta ? (unix_s + 315619200.0) * 1000.0 : unix_s + 12219379200.0;
        CU_ASSERT_STRING_EQUAL(r.format, dta ? "%tc" : "DATETIME20");
        CU_ASSERT(r.obs0_started_set);
        CU_ASSERT_DOUBLE_EQUAL(r.started, want, 0.5);
        char sat[512];
        snprintf(sat, sizeof sat,
                 "[%s 1=很不满意][%s 2=不太满意][%s 3=一般][%s 4=比较满意][%s 5=很满意]", r.sat_set,
                 r.sat_set, r.sat_set, r.sat_set, r.sat_set);
        LCMT_ASSERT_HAS(r.text, sat);
        LCMT_ASSERT_HAS(r.text,
                        "aware_n=派生变量：count-selected(${aware}) - if(selected(${aware}, "
                        "'none'), 1, 0);");
    }
    free(iso);
}

/* The do-file and the SPSS syntax beside the data: open it, repeat the labels, declare the
 * design as `lcmon design set` did. */
static void export_syntax__do_file_and_spss_syntax(void) {
    char path[4096], *out = NULL;
    snprintf(path, sizeof path, "%s", lcmt_tmp("syn.dta"));
    CU_ASSERT_EQUAL_FATAL(export_to("dta", path, 0, &out), 0);
    LCMT_ASSERT_HAS(out, "wrote the Stata do-file '");
    free(out);
    char *d = lcmt_slurp(lcmt_tmp("syn.do"), NULL);
    LCMT_ASSERT_HAS(d, "version 14\nuse `\"syn.dta\"', clear\n");
    LCMT_ASSERT_HAS(d, "label variable sex `\"受访者性别\"'\n");
    LCMT_ASSERT_HAS(d, "label define sex 1 `\"男\"' 2 `\"女\"', replace\nlabel values sex sex\n");
    LCMT_ASSERT_HAS(d, "label define sat_overall 1 `\"很不满意\"' 2 `\"不太满意\"' 3 `\"一般\"' 4 "
                       "`\"比较满意\"' 5 `\"很满意\"', replace\n");
    /* a $ in a label must not expand as a Stata global */
    LCMT_ASSERT_HAS(d, "label variable aware_share `\"派生变量：\\${aware_n} div 8\"'\n");
    LCMT_ASSERT_HAS(d, "svyset psu [pweight = design_weight], strata(stratum) "
                       "singleunit(missing) vce(linearized)\n");
    free(d);
    snprintf(path, sizeof path, "%s", lcmt_tmp("syn.sav"));
    CU_ASSERT_EQUAL_FATAL(export_to("sav", path, 0, &out), 0);
    LCMT_ASSERT_HAS(out, "wrote the SPSS syntax '");
    free(out);
    char *s = lcmt_slurp(lcmt_tmp("syn.sps"), NULL);
    LCMT_ASSERT_HAS(s, "GET FILE = 'syn.sav'.\n");
    LCMT_ASSERT_HAS(s, "VARIABLE LABELS\n  instance_id '实例编号'\n");
    LCMT_ASSERT_HAS(s, "VALUE LABELS sex\n  1 '男'\n  2 '女'.\n");
    LCMT_ASSERT_HAS(s, "CSPLAN ANALYSIS\n  /PLAN FILE = 'design.csaplan'\n  /PLANVARS "
                       "ANALYSISWEIGHT = design_weight\n  /DESIGN STRATA = stratum CLUSTER = "
                       "psu\n  /ESTIMATOR TYPE = WR.\n");
    free(s);
}

/* xlsx: whole-number codes are numbers (<c ...><v>2</v>, not a string), timestamps Excel
 * dates, and the last sheet is the codebook (constant-memory mode writes strings inline). */
static void export_syntax__xlsx_numbers_dates_and_codebook(void) {
    char path[4096];
    size_t n = 0;
    snprintf(path, sizeof path, "%s", lcmt_tmp("syn.xlsx"));
    CU_ASSERT_EQUAL_FATAL(export_to("xlsx", path, 0, NULL), 0);
    unsigned char *z = (unsigned char *)lcmt_slurp(path, &n);
    CU_ASSERT_PTR_NOT_NULL_FATAL(z);
    char *wb = lcmt_zip_member(z, n, "xl/workbook.xml"),
         *sh1 = lcmt_zip_member(z, n, "xl/worksheets/sheet1.xml"),
         *strs = lcmt_zip_member(z, n, "xl/worksheets/sheet3.xml");
    LCMT_ASSERT_HAS(wb, "<sheet name=\"codebook\" sheetId=\"3\"");
    /* first data row (row 2): sex is a number; started_at an Excel serial with a date style */
    long sex =
        query_long("SELECT sex FROM " MAIN " WHERE status = 'complete' ORDER BY rowid LIMIT 1");
    char *iso = query_text("SELECT started_at FROM " MAIN
                           " WHERE status = 'complete' ORDER BY rowid LIMIT 1");
    CU_ASSERT_PTR_NOT_NULL_FATAL(iso);
    char *row2 = sh1 ? strstr(sh1, "<row r=\"2\"") : NULL;
    CU_ASSERT_PTR_NOT_NULL_FATAL(row2);
    /* Excel serial: days since 1899-12-30 (25569 days before 1970) */
    double serial = local_seconds(iso) / 86400.0 + 25569.0;
    char want[128];
    snprintf(want, sizeof want, "<v>%.17g</v>", serial);
    char *cell = strstr(row2, "<c r=\"H2\""); /* started_at is the 8th column */
    CU_ASSERT_PTR_NOT_NULL_FATAL(cell);
    CU_ASSERT(strstr(cell, " s=\"") && strstr(cell, " s=\"") < strstr(cell, "</c>"));
    double got = strtod(strstr(cell, "<v>") + 3, NULL);
    CU_ASSERT_DOUBLE_EQUAL(got, serial, 1e-6);
    /* sex (column Q) a number, not a string */
    char *q = strstr(row2, "<c r=\"Q2\"");
    CU_ASSERT_PTR_NOT_NULL_FATAL(q);
    CU_ASSERT(strncmp(q, "<c r=\"Q2\">", 10) == 0);
    CU_ASSERT_EQUAL(strtol(strstr(q, "<v>") + 3, NULL, 10), sex);
    /* the codebook's cells */
    LCMT_ASSERT_HAS(strs, "<t>1 = 男; 2 = 女</t>");
    LCMT_ASSERT_HAS(strs, "<t>1 = 很不满意; 2 = 不太满意; 3 = 一般; 4 = 比较满意; 5 = 很满意</t>");
    LCMT_ASSERT_HAS(strs, "<t>started_at</t></is></c><c r=\"C9\" t=\"inlineStr\"><is><t>开始时间"
                          "</t></is></c><c r=\"D9\" t=\"inlineStr\"><is><t>date-time</t>");
    free(wb), free(sh1), free(strs), free(z), free(iso);
}

/* A label cannot end the do-file's compound quote early: in `"…"' the pair "' would close
 * the string and the rest of the label would run as Stata commands. */
static void export_syntax__label_cannot_end_the_stata_string(void) {
    char dir[4096], db[4096], data[4096], dta[4096], dofile[4096];
    snprintf(dir, sizeof dir, "%s", lcmt_tmp("quote_form"));
    mkdir(dir, 0700);
    char p[4200];
    static const char survey[] = "type,name,label::zh\n"
                                 "select_one yn,q1,\"是否\"\"' shell echo hi //\"\n";
    static const char choices[] = "list_name,name,label::zh\nyn,1,是\nyn,0,否\n";
    static const char settings[] = "form_id,version,form_title,default_language\nsq,1,引号,zh\n";
    snprintf(p, sizeof p, "%s/survey.csv", dir), lcmt_write(p, survey, strlen(survey));
    snprintf(p, sizeof p, "%s/choices.csv", dir), lcmt_write(p, choices, strlen(choices));
    snprintf(p, sizeof p, "%s/settings.csv", dir), lcmt_write(p, settings, strlen(settings));
    snprintf(db, sizeof db, "%s", lcmt_tmp("quote.db"));
    snprintf(data, sizeof data, "%s", lcmt_write(lcmt_tmp("quote.csv"), "q1\n1\n", 5));
    snprintf(dta, sizeof dta, "%s", lcmt_tmp("quote.dta"));
    snprintf(dofile, sizeof dofile, "%s", lcmt_tmp("quote.do"));
    remove(db);
    CU_ASSERT_EQUAL_FATAL(lcmt_run((const char *[]){"init", db, NULL}, NULL, NULL, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(
        lcmt_run((const char *[]){"form", "load", db, dir, NULL}, NULL, NULL, NULL), 0);
    CU_ASSERT_EQUAL_FATAL(lcmt_run((const char *[]){"import", "responses", db, data, "--form", "sq",
                                                    "--wave", "2025", NULL},
                                   NULL, NULL, NULL),
                          0);
    CU_ASSERT_EQUAL_FATAL(lcmt_run((const char *[]){"export", db, "--form", "sq", "--format", "dta",
                                                    "--out", dta, "--force", NULL},
                                   NULL, NULL, NULL),
                          0);
    char *d = lcmt_slurp(dofile, NULL);
    /* the quote after the double quote is U+2019: the string ends only at its own "' */
    LCMT_ASSERT_HAS(d, "label variable q1 `\"是否\"\xe2\x80\x99 shell echo hi //\"'\n");
    free(d);
}

const lcmt_case lcmt_export_syntax_cases[] = {
    {"export_syntax__label_cannot_end_the_stata_string",
     export_syntax__label_cannot_end_the_stata_string},
    {"export_syntax__drafts_left_out_unless_asked", export_syntax__drafts_left_out_unless_asked},
    {"export_syntax__dates_scales_and_derived_labels",
     export_syntax__dates_scales_and_derived_labels},
    {"export_syntax__do_file_and_spss_syntax", export_syntax__do_file_and_spss_syntax},
    {"export_syntax__xlsx_numbers_dates_and_codebook",
     export_syntax__xlsx_numbers_dates_and_codebook},
    {NULL, NULL},
};
