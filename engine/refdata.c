/*
 * refdata.c - loading the shipped reference data and indicator framework into a database.
 *
 * The files live in surveys/ (surveys/reference/ derived from the national division tables by
 * scripts/derive-reference, surveys/framework.csv from the ministry's guide); an installed
 * lcmon has them in PREFIX/share/lcmon (lcm_datadir below). Each file is described by a table row:
 * its path, the upsert that stores one row, and the header columns bound to ?1, ?2, … in order, so
 * loading twice replaces rather than duplicates, and a missing column names the file.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include "csvin.h"
#include "lcmon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <unistd.h>

#define MAX_COLS 20

typedef struct ref_file {
    const char *path; /* below the data directory */
    const char *sql;  /* upsert; parameters ?1.. are cols[] in order, ?N+1 = row index */
    const char *cols[MAX_COLS];
} ref_file;

static const ref_file ref_files[] = {
    {"reference/provinces.csv",
     "INSERT INTO provinces(code, name, region3, region4, name_en) VALUES (?1, ?2, ?3, ?4, ?5) "
     "ON CONFLICT(code) DO UPDATE SET name = excluded.name, region3 = excluded.region3, "
     "region4 = excluded.region4, name_en = excluded.name_en",
     {"code", "name", "region3", "region4", "name_en"}},
    {"reference/cities.csv",
     "INSERT INTO cities(code, name, province_code, tier, name_en) VALUES (?1, ?2, ?3, ?4, ?5) "
     "ON CONFLICT(code) DO UPDATE SET name = excluded.name, province_code = "
     "excluded.province_code, tier = excluded.tier, name_en = excluded.name_en",
     {"code", "name", "province_code", "tier", "name_en"}},
    {"reference/counties.csv",
     "INSERT INTO admin_units(code, name, level, city_code, province_code) "
     "VALUES (?1, ?2, 'county', ?3, ?4) ON CONFLICT(code) DO UPDATE SET name = excluded.name, "
     "city_code = excluded.city_code, province_code = excluded.province_code",
     {"code", "name", "city_code", "province_code"}},
    {"reference/townships.csv",
     "INSERT INTO admin_units(code, name, level, parent_code, city_code, province_code, "
     "residents_committees, village_committees, other_villages) "
     "SELECT ?1, ?2, 'township', c.code, c.city_code, c.province_code, ?4, ?5, ?6 "
     "FROM admin_units c WHERE c.code = ?3 AND c.level = 'county' "
     "ON CONFLICT(code) DO UPDATE SET name = excluded.name, parent_code = excluded.parent_code,"
     " city_code = excluded.city_code, province_code = excluded.province_code, "
     "residents_committees = excluded.residents_committees, "
     "village_committees = excluded.village_committees, other_villages = excluded.other_villages",
     {"code", "name", "county_code", "residents_committees", "village_committees",
      "other_villages"}},
    {"framework.csv",
     "INSERT INTO indicators(code, level, parent, first_level, group_zh, group_en, name_zh, "
     "name_en, kind, unit, direction, target_low, target_high, weight, survey_field, per_10k, "
     "plausible_low, plausible_high, ord) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
     "?12, ?13, ?14, ?15, coalesce(?16, 0), ?17, ?18, ?19) "
     "ON CONFLICT(code) DO UPDATE SET level = excluded.level, parent = excluded.parent, "
     "first_level = excluded.first_level, group_zh = excluded.group_zh, "
     "group_en = excluded.group_en, name_zh = excluded.name_zh, name_en = excluded.name_en, "
     "kind = excluded.kind, unit = excluded.unit, direction = excluded.direction, "
     "target_low = excluded.target_low, target_high = excluded.target_high, "
     "weight = excluded.weight, survey_field = excluded.survey_field, per_10k = excluded.per_10k, "
     "plausible_low = excluded.plausible_low, plausible_high = excluded.plausible_high, "
     "ord = excluded.ord",
     {"code", "level", "parent", "first_level", "group_zh", "group_en", "name_zh", "name_en",
      "kind", "unit", "direction", "target_low", "target_high", "weight", "survey_field", "per_10k",
      "plausible_low", "plausible_high"}},
};

typedef struct load_state {
    lcm_db *db;
    const ref_file *rf;
    sqlite3_stmt *stmt;
    int map[MAX_COLS]; /* header index of each parameter */
    int ncols;
    long rows;
} load_state;

static lcm_status load_row(void *ud, const lcm_csv_row *row, lcm_err *err) {
    load_state *ls = ud;
    if (row->index == 0) {
        for (ls->ncols = 0; ls->ncols < MAX_COLS && ls->rf->cols[ls->ncols]; ls->ncols++) {
            int at = lcm_csv_find(row, ls->rf->cols[ls->ncols]);
            if (at < 0)
                return lcm_err_set(err, LCM_PARSE, "%s:%ld: missing column '%s'", row->file,
                                   row->line, ls->rf->cols[ls->ncols]);
            ls->map[ls->ncols] = at;
        }
        return LCM_OK;
    }
    sqlite3_reset(ls->stmt);
    sqlite3_clear_bindings(ls->stmt);
    for (int i = 0; i < ls->ncols; i++) {
        size_t at = (size_t)ls->map[i];
        if (at >= row->n || row->len[at] == 0)
            sqlite3_bind_null(ls->stmt, i + 1);
        else
            sqlite3_bind_text(ls->stmt, i + 1, row->field[at], (int)row->len[at], SQLITE_STATIC);
    }
    if (sqlite3_bind_parameter_count(ls->stmt) > ls->ncols)
        sqlite3_bind_int64(ls->stmt, ls->ncols + 1, row->index);
    if (sqlite3_step(ls->stmt) != SQLITE_DONE)
        return lcm_err_set(err, LCM_CONSTRAINT, "%s:%ld: %s", row->file, row->line,
                           sqlite3_errmsg(lcm_db_sqlite(ls->db)));
    if (sqlite3_changes(lcm_db_sqlite(ls->db)) == 0)
        return lcm_err_set(err, LCM_CONSTRAINT, "%s:%ld: row refers to an unknown unit", row->file,
                           row->line);
    ls->rows++;
    return LCM_OK;
}

static lcm_status count_query(lcm_db *db, const char *sql, long *out, lcm_err *err) {
    sqlite3_stmt *st = NULL;
    lcm_status rc = lcm_db_prepare(db, sql, &st, err);
    if (rc == LCM_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            *out = (long)sqlite3_column_int64(st, 0);
        else
            rc = lcm_db_fail(db, err, "counting reference rows");
    }
    sqlite3_finalize(st);
    return rc;
}

/* Load ref_files[first..last) and count what the tables then hold, in one transaction. */
static lcm_status load_files(lcm_db *db, const char *datadir, size_t first, size_t last,
                             lcm_load_counts *counts, lcm_err *err) {
    lcm_status rc = lcm_db_begin(db, err);
    if (rc != LCM_OK)
        return rc;
    for (size_t i = first; i < last; i++) {
        char path[4096];
        load_state ls = {db, &ref_files[i], NULL, {0}, 0, 0};
        snprintf(path, sizeof path, "%s/%s", datadir, ref_files[i].path);
        if ((rc = lcm_db_prepare(db, ref_files[i].sql, &ls.stmt, err)) == LCM_OK)
            rc = lcm_csv_read(path, load_row, &ls, err);
        sqlite3_finalize(ls.stmt);
        if (rc != LCM_OK)
            goto fail;
    }
    lcm_load_counts c = {0};
    struct {
        const char *sql;
        long *out;
    } q[] = {
        {"SELECT count(*) FROM provinces", &c.provinces},
        {"SELECT count(*) FROM cities", &c.cities},
        {"SELECT count(*) FROM admin_units WHERE level = 'county'", &c.counties},
        {"SELECT count(*) FROM admin_units WHERE level = 'township'", &c.townships},
        {"SELECT coalesce(sum(residents_committees + village_committees + other_villages), 0) "
         "FROM admin_units",
         &c.villages},
        {"SELECT count(*) FROM indicators", &c.indicators},
        {"SELECT count(*) FROM indicators WHERE level = 3", &c.points},
    };
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++)
        if ((rc = count_query(db, q[i].sql, q[i].out, err)) != LCM_OK)
            goto fail;
    if ((rc = lcm_db_commit(db, err)) != LCM_OK)
        goto fail;
    if (counts)
        *counts = c;
    return LCM_OK;
fail:
    lcm_db_rollback(db);
    return rc;
}

#define NFILES (sizeof ref_files / sizeof ref_files[0])

lcm_status lcm_reference_load(lcm_db *db, const char *datadir, lcm_load_counts *counts,
                              lcm_err *err) {
    return load_files(db, datadir, 0, NFILES, counts, err);
}

lcm_status lcm_framework_load(lcm_db *db, const char *datadir, lcm_err *err) {
    return load_files(db, datadir, NFILES - 1, NFILES, NULL, err);
}

/* Directory holding the running executable, from /proc/self/exe (Linux); 0 on success. */
static int exe_dir(char *out, size_t size) {
    ssize_t n = readlink("/proc/self/exe", out, size - 1);
    if (n <= 0 || (size_t)n >= size - 1)
        return -1;
    out[n] = '\0';
    char *slash = strrchr(out, '/');
    if (!slash || slash == out)
        return -1;
    *slash = '\0';
    return 0;
}

/* The build tree's programs (lcmon, lcmon_tests, the fuzz targets, all in LCM_BUILD_DIR)
 * read the source tree, so an edit of surveys/ shows at once; any other copy of the binary
 * is an installed one and reads PREFIX/share/lcmon beside its PREFIX/bin, wherever the
 * prefix is (cmake --install --prefix, the .deb's /usr). */
const char *lcm_datadir(void) {
    static char dir[PATH_MAX];
    const char *env = getenv("LCMON_DATADIR");
    if (env && *env)
        return env;
    if (dir[0])
        return dir;
    char exe[PATH_MAX], build[PATH_MAX];
    if (exe_dir(exe, sizeof exe) != 0)
        return LCM_INSTALL_DATADIR; /* no /proc: the prefix configured at build time */
    if (realpath(LCM_BUILD_DIR, build) && strcmp(exe, build) == 0)
        return LCM_SOURCE_DATADIR;
    char *slash = strrchr(exe, '/'); /* PREFIX/bin -> PREFIX */
    *slash = '\0';
    if ((size_t)snprintf(dir, sizeof dir, "%s/%s", exe, LCM_INSTALL_DATADIR_REL) >= sizeof dir)
        return LCM_INSTALL_DATADIR;
    return dir;
}

lcm_status lcm_seed_text(char **out, lcm_err *err) {
    char path[4096];
    snprintf(path, sizeof path, "%s/seed/learning-city-guide.txt", lcm_datadir());
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return lcm_err_set(err, LCM_IO, "cannot read the seed text: '%s'", path);
    char *buf = NULL;
    size_t len = 0, cap = 0, got;
    do {
        if (len + 4096 + 1 > cap) {
            char *g = realloc(buf, cap = cap ? 2 * cap : 65536);
            if (!g) {
                free(buf), fclose(f);
                return lcm_err_set(err, LCM_NOMEM, "out of memory reading '%s'", path);
            }
            buf = g;
        }
        len += got = fread(buf + len, 1, 4096, f);
    } while (got > 0);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return lcm_err_set(err, LCM_IO, "cannot read the seed text: '%s'", path);
    }
    buf[len] = '\0';
    *out = buf;
    return LCM_OK;
}
