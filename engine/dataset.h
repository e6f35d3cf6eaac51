/*
 * dataset.h - plain CSV files stored as datasets, for estimation (--dataset NAME) and
 * export, when survey data come from elsewhere than an lcmon form.
 *
 * A dataset NAME is a table ds_NAME with one typed column per CSV column, registered in
 * `datasets` with its columns in `dataset_columns` (name, the header as written, type,
 * count of empty cells). Types are inferred from every value in the file: integer when
 * all are whole numbers without leading zeros (so codes like 0101 stay text), real when
 * all are numbers, text otherwise.
 */
#ifndef LCM_DATASET_H
#define LCM_DATASET_H

#include "import.h"

typedef enum lcm_col_type { LCM_COL_INTEGER, LCM_COL_REAL, LCM_COL_TEXT } lcm_col_type;

/* "integer", "real" or "text"; static string. */
const char *lcm_col_type_name(lcm_col_type t);

#define LCM_DATASET_MAX_NAME 40   /* bytes of a dataset name */
#define LCM_DATASET_MAX_COLS 2000 /* SQLite's default column limit */
#define LCM_COLUMN_MAX_NAME 32    /* Stata's limit, so names export unchanged */

typedef struct lcm_dataset_column {
    char name[LCM_COLUMN_MAX_NAME + 1]; /* column name: letters, digits, _ */
    char *label;                        /* the header as the file wrote it, owned */
    lcm_col_type type;
    long missing; /* empty cells */
} lcm_dataset_column;

typedef struct lcm_dataset_report {
    lcm_dataset_column *cols; /* owned; free with lcm_dataset_report_free */
    size_t ncols;
    int unchanged; /* 1: the same data was stored under this name already */
} lcm_dataset_report;

void lcm_dataset_report_free(lcm_dataset_report *rep);

/* 1 when name is a valid dataset name: a letter, then letters, digits or _, at most
 * LCM_DATASET_MAX_NAME bytes. */
int lcm_dataset_name_ok(const char *name);

/* Turn a header into a column name (letters, digits and _ kept, other runs become one _,
 * a name starting with a digit or empty gets a v<position> form), at most
 * LCM_COLUMN_MAX_NAME bytes. Uniqueness is the caller's concern. */
void lcm_column_name(const char *header, size_t position, char out[LCM_COLUMN_MAX_NAME + 1]);

/* Import the CSV at path as dataset name: reads the file twice (types, then rows), writes
 * in one transaction. A dataset of that name holding the same rows is left alone
 * (rep->unchanged); other rows replace it only with opts->replace, else LCM_EXISTS.
 * Problems (a row with the wrong number of fields) are reported as for other imports. */
lcm_status lcm_dataset_import(lcm_db *db, const char *path, const char *name,
                              const lcm_import_opts *opts, lcm_dataset_report *rep,
                              lcm_import_result *res, lcm_err *err);

#endif
