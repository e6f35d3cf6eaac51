/*
 * test_framework.c - the shipped indicator framework (surveys/framework.csv) against the
 * seed (surveys/seed/learning-city-guide.txt, the ministry's guide): its counts and
 * its names, character for character.
 */
#include "lcmon.h"
#include "testing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static lcm_db *framework_db(void) {
    lcm_db *db = NULL;
    lcm_err err = {0};
    if (lcm_db_open(":memory:", LCM_OPEN_CREATE, &db, &err) != LCM_OK)
        return NULL;
    if (lcm_framework_load(db, lcmt_path("surveys"), &err) != LCM_OK) {
        lcm_db_close(db);
        return NULL;
    }
    return db;
}

/* The seed with all whitespace removed (its table layout breaks names over lines). */
static char *seed_squeezed(void) {
    FILE *fp = fopen(lcmt_path("surveys/seed/learning-city-guide.txt"), "rb");
    if (!fp)
        return NULL;
    char *buf = malloc(1 << 20);
    size_t n = 0;
    int c;
    while (buf && (c = fgetc(fp)) != EOF && n < (1 << 20) - 1)
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            buf[n++] = (char)c;
    if (buf)
        buf[n] = '\0';
    fclose(fp);
    return buf;
}

static void framework__has_seed_counts(void) {
    lcm_db *db = framework_db();
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    /* Seed 附件1: 4 macro groups, 4 first-level, 17 second-level, 43 monitoring points. */
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(DISTINCT group_zh) FROM indicators"), 4);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM indicators WHERE level = 1"), 4);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM indicators WHERE level = 2"), 17);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM indicators WHERE level = 3"), 43);
    /* 1.1 发展基础 lists nine background points. */
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM indicators WHERE parent = '1.1'"), 9);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM indicators WHERE parent = '1.1' AND "
                                   "direction = 'context'"),
                    9);
    /* Every parent exists at the level above; sibling weights sum to one. */
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM indicators c LEFT JOIN indicators p ON "
                                   "p.code = c.parent WHERE c.level > 1 AND (p.code IS NULL OR "
                                   "p.level <> c.level - 1)"),
                    0);
    CU_ASSERT_EQUAL(lcmt_count(db,
                               "SELECT count(*) FROM (SELECT coalesce(parent, '') p, sum(weight) "
                               "w FROM indicators GROUP BY p HAVING abs(w - 1) > 1e-12)"),
                    0);
    lcm_db_close(db);
}

static void framework__names_match_seed_exactly(void) {
    lcm_db *db = framework_db();
    char *seed = seed_squeezed();
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    CU_ASSERT_PTR_NOT_NULL_FATAL(seed);
    /* A few names as printed in the seed's 附件1, checked exactly. */
    static const struct {
        const char *code, *name;
    } known[] = {
        {"1.1.1", "城市人均GDP(元)"},
        {"2.4.1", "在职人员继续教育参与率(%)"},
        {"3.3.2", "职工教育培训经费按职工工资总额的1.5%—2.5%提取使用"},
        {"4.2.1", "市民对城市终身学习资源和服务项目的知晓度、参与度、满意度"},
        {"2.2", "社区教育、老年教育发展情况"},
        {"3", "学习型城市建设保障"},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        sqlite3_stmt *st = NULL;
        sqlite3_prepare_v2(lcm_db_sqlite(db), "SELECT name_zh FROM indicators WHERE code = ?", -1,
                           &st, NULL);
        sqlite3_bind_text(st, 1, known[i].code, -1, SQLITE_STATIC);
        CU_ASSERT_EQUAL(sqlite3_step(st), SQLITE_ROW);
        CU_ASSERT_STRING_EQUAL((const char *)sqlite3_column_text(st, 0), known[i].name);
        sqlite3_finalize(st);
    }
    /* Every monitoring point's name occurs in the seed verbatim (whitespace aside). */
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(lcm_db_sqlite(db), "SELECT code, name_zh FROM indicators WHERE level = 3",
                       -1, &st, NULL);
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 1);
        if (!strstr(seed, name))
            fprintf(stderr, "\n  %s '%s' not in the seed", sqlite3_column_text(st, 0), name);
        CU_ASSERT_PTR_NOT_NULL(strstr(seed, name));
        n++;
    }
    CU_ASSERT_EQUAL(n, 43);
    sqlite3_finalize(st);
    free(seed);
    lcm_db_close(db);
}

static void framework__target_band_from_seed(void) {
    lcm_db *db = framework_db();
    CU_ASSERT_PTR_NOT_NULL_FATAL(db);
    /* Seed 3.3: 职工教育培训经费按职工工资总额的1.5%—2.5%提取使用. */
    CU_ASSERT_EQUAL(lcmt_count(db,
                               "SELECT count(*) FROM indicators WHERE direction = 'target_band' "
                               "AND code = '3.3.2' AND target_low = 1.5 AND target_high = 2.5"),
                    1);
    CU_ASSERT_EQUAL(lcmt_count(db, "SELECT count(*) FROM indicators WHERE kind = 'survey'"), 1);
    lcm_db_close(db);
}

const lcmt_case lcmt_framework_cases[] = {
    {"framework__has_seed_counts", framework__has_seed_counts},
    {"framework__names_match_seed_exactly", framework__names_match_seed_exactly},
    {"framework__target_band_from_seed", framework__target_band_from_seed},
    {NULL, NULL},
};
