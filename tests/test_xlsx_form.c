/*
 * test_xlsx_form.c - XLSForm workbooks (.xlsx) read directly (engine/form_xlsx.c). The
 * workbooks are written here with libxlsxwriter: the household questionnaire of
 * surveys/household as a workbook (shared strings, and inline strings in constant-memory
 * mode; every cell that reads as a number written as a number) must give the same form as
 * the folder; cells are placed by their reference; a missing survey sheet, a corrupt zip and
 * a zip bomb are refused naming the file.
 */
#include "csvin.h"
#include "form.h"
#include "strbuf.h"
#include "testing.h"

#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>
#include <zip.h>

typedef struct {
    lxw_worksheet *ws;
    lxw_row_t row;
} sheet_writer;

/* Each CSV row into the sheet; cells that read whole as a number are written as numbers. */
static lcm_status put_row(void *ud, const lcm_csv_row *row, lcm_err *err) {
    (void)err;
    sheet_writer *w = ud;
    for (size_t i = 0; i < row->n; i++) {
        char *cell = strndup(row->field[i], row->len[i]), *end;
        double d = *cell ? strtod(cell, &end) : 0;
        if (*cell && !*end)
            worksheet_write_number(w->ws, w->row, (lxw_col_t)i, d, NULL);
        else if (*cell)
            worksheet_write_string(w->ws, w->row, (lxw_col_t)i, cell, NULL);
        free(cell);
    }
    w->row++;
    return LCM_OK;
}

/* surveys/household written as the workbook path (inline strings when inline_strings). */
static void household_workbook(const char *path, int inline_strings) {
    lxw_workbook_options opt = {.constant_memory = (uint8_t)inline_strings, .tmpdir = NULL};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    static const char *const sheets[] = {"survey", "choices", "settings"};
    for (int i = 0; i < 3; i++) {
        sheet_writer w = {workbook_add_worksheet(wb, sheets[i]), 0};
        char rel[256];
        snprintf(rel, sizeof rel, "surveys/household/%s.csv", sheets[i]);
        lcm_err err = {0};
        CU_ASSERT_EQUAL(lcm_csv_read(lcmt_path(rel), put_row, &w, &err), LCM_OK);
    }
    CU_ASSERT_EQUAL(workbook_close(wb), LXW_NO_ERROR);
}

static int same_texts(const lcm_form *a, const lcm_form *b, const char *const *x,
                      const char *const *y) {
    for (size_t l = 0; l < lcm_form_nlangs(a); l++) {
        const char *s = x ? x[l] : NULL, *t = y ? y[l] : NULL;
        if ((s == NULL) != (t == NULL) || (s && strcmp(s, t) != 0))
            return 0;
    }
    (void)b;
    return 1;
}

/* Every field of the two forms alike: name, type, column, table, labels, line, list. */
static void assert_same_form(const lcm_form *a, const lcm_form *b) {
    CU_ASSERT_STRING_EQUAL(lcm_form_id(a), lcm_form_id(b));
    CU_ASSERT_STRING_EQUAL(lcm_form_version(a), lcm_form_version(b));
    CU_ASSERT_STRING_EQUAL(lcm_form_title(a), lcm_form_title(b));
    CU_ASSERT_STRING_EQUAL(lcm_form_table(a), lcm_form_table(b));
    CU_ASSERT_EQUAL_FATAL(lcm_form_nlangs(a), lcm_form_nlangs(b));
    CU_ASSERT_EQUAL_FATAL(lcm_form_nfields(a), lcm_form_nfields(b));
    for (size_t i = 0; i < lcm_form_nfields(a); i++) {
        const lcm_field *x = lcm_form_field(a, i), *y = lcm_form_field(b, i);
        CU_ASSERT_STRING_EQUAL(x->name, y->name);
        CU_ASSERT_EQUAL(x->type, y->type);
        CU_ASSERT_EQUAL(x->line, y->line);
        CU_ASSERT_EQUAL(x->required, y->required);
        CU_ASSERT((x->column == NULL) == (y->column == NULL));
        if (x->column && y->column)
            CU_ASSERT_STRING_EQUAL(x->column, y->column);
        CU_ASSERT(same_texts(a, b, x->label, y->label));
        CU_ASSERT(same_texts(a, b, x->hint, y->hint));
        CU_ASSERT((x->relevant == NULL) == (y->relevant == NULL));
        CU_ASSERT((x->list == NULL) == (y->list == NULL));
        if (x->list && y->list) {
            CU_ASSERT_EQUAL(x->list->n, y->list->n);
            for (size_t k = 0; k < x->list->n && k < y->list->n; k++)
                CU_ASSERT_STRING_EQUAL(x->list->items[k].name, y->list->items[k].name);
        }
    }
}

static void check_household(int inline_strings) {
    const char *path = lcmt_tmp(inline_strings ? "household_inline.xlsx" : "household.xlsx");
    char book[4096];
    snprintf(book, sizeof book, "%s", path);
    household_workbook(book, inline_strings);
    lcm_form *dir = NULL, *xlsx = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL_FATAL(lcm_form_read_dir(lcmt_path("surveys/household"), &dir, &err), LCM_OK);
    if (lcm_form_read_dir(book, &xlsx, &err) != LCM_OK)
        fprintf(stderr, "\n  %s\n", err.msg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(xlsx);
    CU_ASSERT_STRING_EQUAL(lcm_form_version(xlsx), "2026.1"); /* written as the number 2026.1 */
    assert_same_form(dir, xlsx);
    lcm_form_free(dir);
    lcm_form_free(xlsx);
}

static void xlsx_form__household_shared_strings(void) {
    check_household(0);
}

static void xlsx_form__household_inline_strings(void) {
    check_household(1);
}

/* `form load` and `form show` of the workbook give what the folder gives. */
static void xlsx_form__cli_show_matches_folder(void) {
    char book[4096], db1[4096], db2[4096];
    snprintf(book, sizeof book, "%s", lcmt_tmp("household_cli.xlsx"));
    household_workbook(book, 0);
    snprintf(db1, sizeof db1, "%s", lcmt_tmp("xlsx_dir.db"));
    snprintf(db2, sizeof db2, "%s", lcmt_tmp("xlsx_book.db"));
    char *out = NULL, *err = NULL, *show1 = NULL, *show2 = NULL;
    const char *check[] = {"form", "check", book, NULL};
    CU_ASSERT_EQUAL(lcmt_run(check, NULL, &out, &err), 0);
    CU_ASSERT(lcmt_has(out, "form 'household' version '2026.1' is valid"));
    free(out), free(err);
    const char *init1[] = {"init", db1, NULL}, *init2[] = {"init", db2, NULL};
    CU_ASSERT_EQUAL(lcmt_run(init1, NULL, NULL, NULL), 0);
    CU_ASSERT_EQUAL(lcmt_run(init2, NULL, NULL, NULL), 0);
    const char *load1[] = {"form", "load", db1, lcmt_path("surveys/household"), NULL};
    CU_ASSERT_EQUAL(lcmt_run(load1, NULL, NULL, NULL), 0);
    const char *load2[] = {"form", "load", db2, book, NULL};
    CU_ASSERT_EQUAL(lcmt_run(load2, NULL, NULL, &err), 0);
    free(err);
    const char *s1[] = {"form", "show", db1, "household", "--format", "csv", NULL};
    const char *s2[] = {"form", "show", db2, "household", "--format", "csv", NULL};
    CU_ASSERT_EQUAL(lcmt_run(s1, NULL, &show1, NULL), 0);
    CU_ASSERT_EQUAL(lcmt_run(s2, NULL, &show2, NULL), 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(show1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(show2);
    CU_ASSERT(strlen(show1) > 1000);
    CU_ASSERT_STRING_EQUAL(show1, show2);
    free(show1), free(show2);
}

/* Gaps, numbers, booleans and inline/shared strings, each cell where its reference says. */
static void xlsx_form__cells_by_reference(void) {
    char book[4096];
    snprintf(book, sizeof book, "%s", lcmt_tmp("gaps.xlsx"));
    lxw_workbook *wb = workbook_new(book);
    lxw_worksheet *s = workbook_add_worksheet(wb, "survey");
    worksheet_write_string(s, 0, 0, "type", NULL);
    worksheet_write_string(s, 0, 1, "name", NULL);
    /* the label header as rich text: two runs, "la" plain and "bel" bold, read as one */
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    lxw_rich_string_tuple la = {.format = NULL, .string = (char[]){"la"}},
                          bel = {.format = bold, .string = (char[]){"bel"}};
    lxw_rich_string_tuple *runs[] = {&la, &bel, NULL};
    CU_ASSERT_EQUAL(worksheet_write_rich_string(s, 0, 2, runs, NULL), LXW_NO_ERROR);
    worksheet_write_string(s, 0, 4, "default", NULL); /* column D left empty: no header */
    worksheet_write_string(s, 0, 5, "required", NULL);
    /* row 2 empty; row 3 */
    worksheet_write_string(s, 2, 0, "integer", NULL);
    worksheet_write_string(s, 2, 1, "a", NULL);
    worksheet_write_string(s, 2, 2, "A, with \"quotes\"\nand a line", NULL);
    worksheet_write_number(s, 2, 4, 1.0, NULL); /* "1", not "1.0" */
    worksheet_write_boolean(s, 2, 5, 1, NULL);
    worksheet_write_string(s, 3, 0, "decimal", NULL);
    worksheet_write_string(s, 3, 1, "b", NULL);
    worksheet_write_string(s, 3, 2, "B", NULL);
    worksheet_write_number(s, 3, 4, 0.1, NULL);
    lxw_worksheet *t = workbook_add_worksheet(wb, "settings");
    worksheet_write_string(t, 0, 0, "form_id", NULL);
    worksheet_write_string(t, 0, 1, "version", NULL);
    worksheet_write_string(t, 1, 0, "gaps", NULL);
    worksheet_write_number(t, 1, 1, 3, NULL);
    CU_ASSERT_EQUAL_FATAL(workbook_close(wb), LXW_NO_ERROR);
    lcm_form *f = NULL;
    lcm_err err = {0};
    if (lcm_form_read_dir(book, &f, &err) != LCM_OK)
        fprintf(stderr, "\n  %s\n", err.msg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_STRING_EQUAL(lcm_form_version(f), "3");
    CU_ASSERT_EQUAL_FATAL(lcm_form_nfields(f), 2);
    const lcm_field *a = lcm_form_field(f, 0), *b = lcm_form_field(f, 1);
    CU_ASSERT_STRING_EQUAL(a->name, "a");
    CU_ASSERT_EQUAL(a->line, 3); /* the row of the sheet */
    CU_ASSERT_STRING_EQUAL(a->label[0], "A, with \"quotes\"\nand a line");
    CU_ASSERT_STRING_EQUAL(a->default_value, "1");
    CU_ASSERT_EQUAL(a->required, 1); /* TRUE */
    CU_ASSERT_STRING_EQUAL(b->name, "b");
    CU_ASSERT_STRING_EQUAL(b->default_value, "0.1");
    CU_ASSERT_EQUAL(b->required, 0);
    lcm_form_free(f);

    /* A problem on row 6 after a label spanning two lines names row 6, column 1. */
    snprintf(book, sizeof book, "%s", lcmt_tmp("bad_type.xlsx"));
    wb = workbook_new(book);
    s = workbook_add_worksheet(wb, "survey");
    worksheet_write_string(s, 0, 0, "type", NULL);
    worksheet_write_string(s, 0, 1, "name", NULL);
    worksheet_write_string(s, 0, 2, "label", NULL);
    worksheet_write_string(s, 1, 0, "text", NULL);
    worksheet_write_string(s, 1, 1, "a", NULL);
    worksheet_write_string(s, 1, 2, "two\nlines", NULL);
    worksheet_write_string(s, 5, 0, "no_such_type", NULL);
    worksheet_write_string(s, 5, 1, "b", NULL);
    worksheet_write_string(s, 5, 2, "B", NULL);
    CU_ASSERT_EQUAL_FATAL(workbook_close(wb), LXW_NO_ERROR);
    char **problems = NULL;
    CU_ASSERT_NOT_EQUAL(lcm_form_check_dir(book, &f, &problems, &err), LCM_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(problems);
    char want[4200];
    snprintf(want, sizeof want, "%s:survey:6:1: ", book);
    if (!lcmt_has(problems[0], want))
        fprintf(stderr, "\n  got '%s'\n", problems[0]);
    CU_ASSERT(lcmt_has(problems[0], want));
    CU_ASSERT(lcmt_has(err.msg, want));
    lcm_form_problems_free(problems);
    /* and the command line says so once, without a folder prefix */
    char *out = NULL, *msg = NULL;
    const char *args[] = {"form", "check", book, NULL};
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, &out, &msg), 1);
    snprintf(want, sizeof want, "lcmon: %s:survey:6:1: ", book);
    CU_ASSERT(lcmt_has(msg, want));
    free(out), free(msg);
}

static void xlsx_form__missing_survey_sheet(void) {
    char book[4096];
    snprintf(book, sizeof book, "%s", lcmt_tmp("nosurvey.xlsx"));
    lxw_workbook *wb = workbook_new(book);
    lxw_worksheet *s = workbook_add_worksheet(wb, "Sheet1");
    worksheet_write_string(s, 0, 0, "type", NULL);
    CU_ASSERT_EQUAL_FATAL(workbook_close(wb), LXW_NO_ERROR);
    lcm_form *f = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL(lcm_form_read_dir(book, &f, &err), LCM_PARSE);
    CU_ASSERT_PTR_NULL(f);
    CU_ASSERT(lcmt_has(err.msg, book));
    CU_ASSERT(lcmt_has(err.msg, "no sheet named 'survey'"));
}

static void xlsx_form__corrupt_zip(void) {
    char book[4096], cut[4096];
    snprintf(book, sizeof book, "%s", lcmt_tmp("whole.xlsx"));
    household_workbook(book, 0);
    size_t n = 0;
    char *bytes = lcmt_slurp(book, &n);
    CU_ASSERT_PTR_NOT_NULL_FATAL(bytes);
    /* the first half: no central directory */
    snprintf(cut, sizeof cut, "%s", lcmt_tmp("cut.xlsx"));
    lcmt_write(cut, bytes, n / 2);
    lcm_form *f = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL(lcm_form_read_dir(cut, &f, &err), LCM_PARSE);
    CU_ASSERT(lcmt_has(err.msg, cut));
    CU_ASSERT(lcmt_has(err.msg, "not an .xlsx workbook"));
    /* a damaged member: bytes of the deflated data changed (the CRC or inflate fails) */
    for (size_t i = 200; i < n / 2; i += 97)
        bytes[i] ^= 0x55;
    lcmt_write(cut, bytes, n);
    memset(&err, 0, sizeof err);
    CU_ASSERT_NOT_EQUAL(lcm_form_read_dir(cut, &f, &err), LCM_OK);
    CU_ASSERT_PTR_NULL(f);
    CU_ASSERT(lcmt_has(err.msg, cut));
    free(bytes);
    /* not a zip at all, from the command line: exit 1, the file named */
    lcmt_write(cut, "type,name,label\n", 16);
    char *msg = NULL;
    const char *args[] = {"form", "check", cut, NULL};
    CU_ASSERT_EQUAL(lcmt_run(args, NULL, NULL, &msg), 1);
    CU_ASSERT(lcmt_has(msg, cut));
    CU_ASSERT(lcmt_has(msg, "not an .xlsx workbook"));
    free(msg);
}

/* A member inflating past 64 MiB is refused while inflating (it is ~65 KiB deflated). */
static void xlsx_form__zip_bomb(void) {
    char book[4096];
    snprintf(book, sizeof book, "%s", lcmt_tmp("bomb.xlsx"));
    size_t n = (65u << 20);
    char *xml = malloc(n);
    CU_ASSERT_PTR_NOT_NULL_FATAL(xml);
    memset(xml, ' ', n);
    memcpy(xml, "<workbook>", 10);
    int ze = 0;
    zip_t *z = zip_open(book, ZIP_CREATE | ZIP_TRUNCATE, &ze);
    CU_ASSERT_PTR_NOT_NULL_FATAL(z);
    zip_source_t *src = zip_source_buffer(z, xml, n, 0);
    CU_ASSERT(zip_file_add(z, "xl/workbook.xml", src, 0) >= 0);
    CU_ASSERT_EQUAL(zip_close(z), 0);
    free(xml);
    lcm_form *f = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL(lcm_form_read_dir(book, &f, &err), LCM_PARSE);
    CU_ASSERT(lcmt_has(err.msg, book));
    CU_ASSERT(lcmt_has(err.msg, "xl/workbook.xml inflates to more than 64 MiB"));
}

/* A zip with the parts given (deflated), for workbooks libxlsxwriter would not write. */
static void write_zip(const char *path, const char *const *names, char *const *texts,
                      const size_t *sizes, size_t n) {
    int ze = 0;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &ze);
    CU_ASSERT_PTR_NOT_NULL_FATAL(z);
    for (size_t i = 0; i < n; i++) {
        zip_source_t *src = zip_source_buffer(z, texts[i], sizes[i], 0);
        CU_ASSERT(zip_file_add(z, names[i], src, 0) >= 0);
    }
    CU_ASSERT_EQUAL(zip_close(z), 0);
}

static char wb_xml[] =
    "<workbook xmlns:r=\"r\"><sheets><sheet name=\"survey\" r:id=\"rId1\"/></sheets></workbook>";
static char rels_xml[] = "<Relationships><Relationship Id=\"rId1\" "
                         "Target=\"worksheets/sheet1.xml\"/></Relationships>";

/* One shared string of 1 MiB named by 20 cells would make a 20 MiB sheet: refused as the
 * cells are read, before they are all held ("(refused)" is that bound's message; the CSV
 * text's own bound, checked after, says only "larger than 16 MiB as CSV"). */
static void xlsx_form__shared_string_amplification(void) {
    char book[4096];
    snprintf(book, sizeof book, "%s", lcmt_tmp("amplify.xlsx"));
    size_t big = 1u << 20;
    char *sst = malloc(big + 64);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sst);
    strcpy(sst, "<sst><si><t>");
    memset(sst + 12, 'x', big);
    strcpy(sst + 12 + big, "</t></si></sst>");
    lcm_strbuf sheet;
    lcm_strbuf_init(&sheet);
    lcm_strbuf_adds(&sheet, "<worksheet><sheetData><row r=\"1\">");
    for (int c = 0; c < 20; c++)
        lcm_strbuf_addf(&sheet, "<c r=\"%c1\" t=\"s\"><v>0</v></c>", 'A' + c);
    lcm_strbuf_adds(&sheet, "</row></sheetData></worksheet>");
    const char *names[] = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml",
                           "xl/worksheets/sheet1.xml"};
    char *texts[] = {wb_xml, rels_xml, sst, sheet.buf};
    size_t sizes[] = {strlen(wb_xml), strlen(rels_xml), strlen(sst), sheet.len};
    write_zip(book, names, texts, sizes, 4);
    free(sst);
    lcm_strbuf_release(&sheet);
    lcm_form *f = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL(lcm_form_read_dir(book, &f, &err), LCM_PARSE);
    char want[4200];
    snprintf(want, sizeof want, "%s:survey: sheet larger than 16 MiB as CSV (refused)", book);
    if (!lcmt_has(err.msg, want))
        fprintf(stderr, "\n  got '%s'\n", err.msg);
    CU_ASSERT(lcmt_has(err.msg, want));
}

/* 1,000,001 cells (62 rows of 16,384 "1"s, positions by order, no references): refused. */
static void xlsx_form__too_many_cells(void) {
    char book[4096];
    snprintf(book, sizeof book, "%s", lcmt_tmp("cells.xlsx"));
    lcm_strbuf sheet;
    lcm_strbuf_init(&sheet);
    lcm_strbuf_adds(&sheet, "<worksheet><sheetData>");
    for (long cells = 0; cells <= 1000000;) {
        lcm_strbuf_adds(&sheet, "<row>");
        for (int c = 0; c < 16384 && cells <= 1000000; c++, cells++)
            lcm_strbuf_adds(&sheet, "<c><v>1</v></c>");
        lcm_strbuf_adds(&sheet, "</row>");
    }
    lcm_strbuf_adds(&sheet, "</sheetData></worksheet>");
    CU_ASSERT_FATAL(lcm_strbuf_ok(&sheet));
    const char *names[] = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                           "xl/worksheets/sheet1.xml"};
    char *texts[] = {wb_xml, rels_xml, sheet.buf};
    size_t sizes[] = {strlen(wb_xml), strlen(rels_xml), sheet.len};
    write_zip(book, names, texts, sizes, 3);
    lcm_strbuf_release(&sheet);
    lcm_form *f = NULL;
    lcm_err err = {0};
    CU_ASSERT_EQUAL(lcm_form_read_dir(book, &f, &err), LCM_PARSE);
    char want[4200];
    snprintf(want, sizeof want, "%s: more than 1000000 cells", book);
    if (!lcmt_has(err.msg, want))
        fprintf(stderr, "\n  got '%s'\n", err.msg);
    CU_ASSERT(lcmt_has(err.msg, want));
}

const lcmt_case lcmt_xlsx_form_cases[] = {
    {"xlsx_form__household_shared_strings", xlsx_form__household_shared_strings},
    {"xlsx_form__household_inline_strings", xlsx_form__household_inline_strings},
    {"xlsx_form__cli_show_matches_folder", xlsx_form__cli_show_matches_folder},
    {"xlsx_form__cells_by_reference", xlsx_form__cells_by_reference},
    {"xlsx_form__missing_survey_sheet", xlsx_form__missing_survey_sheet},
    {"xlsx_form__corrupt_zip", xlsx_form__corrupt_zip},
    {"xlsx_form__zip_bomb", xlsx_form__zip_bomb},
    {"xlsx_form__shared_string_amplification", xlsx_form__shared_string_amplification},
    {"xlsx_form__too_many_cells", xlsx_form__too_many_cells},
    {NULL, NULL},
};
