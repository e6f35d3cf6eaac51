/*
 * feedback_coverage.c - the network-coverage section of the national report: admitted
 * prefecture-level cities against the 2025 targets, as a table and a chart. Kept apart
 * because it is the one part that reads the network register.
 */
#include "feedback_int.h"
#include "network.h"
#include "strbuf.h"

#include <stdlib.h>

#include <math.h>
#include <string.h>

/* In words, before the province table: which provinces are short of their 2025 target and
 * by how many cities, most first. */
static void shortfall(rb *b, const lcm_coverage *cov) {
    long total = 0;
    size_t n = 0;
    for (size_t i = 0; i < cov->n; i++)
        if (cov->rows[i].level == LCM_COV_PROVINCE && lcm_cov_needed(&cov->rows[i]) > 0)
            n++, total += lcm_cov_needed(&cov->rows[i]);
    if (n == 0) {
        rb_para(b, RB_T(b, "各省加入网络的地市级城市都已达到所在地区的2025年目标。",
                        "Every province has reached its region's 2025 target."));
        return;
    }
    lcm_strbuf list = LCM_STRBUF_INIT;
    int *done = calloc(cov->n, sizeof *done);
    for (size_t k = 0; done && k < n; k++) { /* most needed first, then by code */
        size_t best = cov->n;
        for (size_t i = 0; i < cov->n; i++)
            if (!done[i] && cov->rows[i].level == LCM_COV_PROVINCE &&
                lcm_cov_needed(&cov->rows[i]) > 0 &&
                (best == cov->n ||
                 lcm_cov_needed(&cov->rows[i]) > lcm_cov_needed(&cov->rows[best])))
                best = i;
        done[best] = 1;
        lcm_strbuf_addf(&list, RB_T(b, "%s%s%ld个", "%s%s %ld"), k ? RB_T(b, "，", ", ") : "",
                        RB_T(b, cov->rows[best].name_zh, cov->rows[best].name_en),
                        lcm_cov_needed(&cov->rows[best]));
    }
    free(done);
    rb_para(b, lcm_arena_printf(b->a,
                                RB_T(b,
                                     "%zu个省尚未达到所在地区的2025年目标，共需再加入%ld个地市级"
                                     "城市：%s。",
                                     "%zu provinces are short of their region's 2025 target, "
                                     "%ld prefecture-level cities in all: %s."),
                                n, total, list.buf ? list.buf : ""));
    lcm_strbuf_release(&list);
}

void rb_coverage_section(lcm_db *db, rb *b, int year, lcm_err *err) {
    lcm_coverage cov = {0};
    lcm_err e = {0};
    (void)err;
    rb_section(b, RB_T(b, "五、全国学习型城市网络覆盖情况", "5. Network coverage"));
    if (lcm_net_coverage(db, year, &cov, &e) != LCM_OK) {
        rb_para(b, e.msg);
        return;
    }
    /* regions and nation, then each province: admitted, cities, coverage, target, needed */
    for (int pass = 0; pass < 2; pass++) {
        size_t rows = 0;
        lcm_report_cell *cell = rb_cells(b, cov.n * 6);
        for (size_t i = 0; cell && i < cov.n; i++) {
            const lcm_cov_row *r = &cov.rows[i];
            if (pass == 0 ? r->level != LCM_COV_REGION && r->level != LCM_COV_NATION
                          : r->level != LCM_COV_PROVINCE)
                continue;
            lcm_report_cell *c = cell + rows * 6;
            c[0] = rb_text(b, RB_T(b, r->name_zh, r->name_en));
            const char *ref = lcm_arena_printf(
                b->a, "{\"stat\":\"coverage\",\"year\":%d,\"level\":\"%s\",\"key\":%s", year,
                r->level == LCM_COV_NATION     ? "nation"
                : r->level == LCM_COV_PROVINCE ? "province"
                                               : "region",
                rb_json_str(b, r->key));
            c[1] = rb_num_ref(b, (double)r->admitted, 0,
                              lcm_arena_printf(b->a, "%s,\"field\":\"admitted\"}", ref));
            c[2] = rb_num_ref(b, (double)r->cities, 0,
                              lcm_arena_printf(b->a, "%s,\"field\":\"cities\"}", ref));
            c[3] = rb_num_ref(b, lcm_cov_percent(r), 1,
                              lcm_arena_printf(b->a, "%s,\"field\":\"coverage_pct\"}", ref));
            c[4] = r->target ? rb_num(r->target, 0) : rb_text(b, "");
            c[5] = r->target ? rb_num_ref(b, (double)lcm_cov_needed(r), 0,
                                          lcm_arena_printf(b->a, "%s,\"field\":\"needed\"}", ref))
                             : rb_text(b, "");
            rows++;
        }
        static const char *head_zh[] = {"地区",        "已加入",          "地级市数",
                                        "覆盖率（%）", "2025年目标（%）", "尚需加入"};
        static const char *head_en[] = {"region",       "admitted",        "cities",
                                        "coverage (%)", "2025 target (%)", "still needed"};
        static const char *headp_zh[] = {"省份",        "已加入",          "地级市数",
                                         "覆盖率（%）", "2025年目标（%）", "尚需加入"};
        static const char *headp_en[] = {"province",     "admitted",        "cities",
                                         "coverage (%)", "2025 target (%)", "still needed"};
        lcm_report_table t = {
            pass == 0 ? RB_T(b, "地市级城市加入网络的比例", "Prefecture-level cities admitted")
                      : RB_T(b, "各省地市级城市加入网络的比例及达到2025年目标尚需加入的城市数",
                             "By province: cities admitted and still needed for the 2025 "
                             "target"),
            rows,
            6,
            pass == 0 ? (b->lang == LCM_LANG_EN ? head_en : head_zh)
                      : (b->lang == LCM_LANG_EN ? headp_en : headp_zh),
            cell,
            RB_T(b,
                 "覆盖率=已加入的地市级城市数/地市级城市总数（直辖市不计入）；省的目标为其所在"
                 "地区的目标；尚需加入=达到目标还需加入的城市数。",
                 "Coverage = admitted prefecture-level cities / all of them (municipalities "
                 "not counted); a province's target is its region's; still needed = cities "
                 "still to admit to reach the target.")};
        if (pass == 1)
            shortfall(b, &cov);
        if (cell && rows)
            rb_table(b, &t);
    }
    lcm_net_coverage_release(&cov);
    int years[3] = {year - 2, year - 1, year};
    lcm_net_cov_series s = {0};
    if (lcm_net_coverage_series(db, years, 3, &s, &e) != LCM_OK)
        return;
    const char **series = lcm_arena_alloc(b->a, 3 * sizeof *series);
    if (!series) {
        lcm_net_cov_series_release(&s);
        return;
    }
    for (int i = 0; i < 3; i++)
        series[i] = lcm_arena_printf(b->a, RB_T(b, "%d年", "%d"), years[i]);
    /* the series outlive s: the chart is drawn when the report is finished */
    size_t nv = s.nregion * s.nyear;
    double *value = lcm_arena_alloc(b->a, (nv ? nv : 1) * sizeof *value);
    double *target = lcm_arena_alloc(b->a, (s.nregion ? s.nregion : 1) * sizeof *target);
    const char **region = lcm_arena_alloc(b->a, (s.nregion ? s.nregion : 1) * sizeof *region);
    rb_chart_m *m =
        value && target && region
            ? rb_chart(b, RB_COVERAGE, "coverage", RB_T(b, "网络覆盖率", "network coverage"),
                       RB_T(b, "各地区地市级城市加入网络的比例，虚线为2025年目标",
                            "Share of prefecture-level cities admitted, dashed: 2025 targets"))
            : NULL;
    if (m) {
        memcpy(value, s.value, nv * sizeof *value);
        for (size_t i = 0; i < s.nregion; i++) {
            target[i] = s.target[i];
            region[i] =
                lcm_arena_strdup(b->a, b->lang == LCM_LANG_EN ? s.region_en[i] : s.region_zh[i]);
        }
        m->u.coverage = (lcm_chart_coverage){
            RB_T(b, "网络覆盖率与2025年目标", "Coverage against the 2025 targets"),
            RB_T(b, "覆盖率（%）", "coverage (%)"),
            s.nregion,
            s.nyear,
            region,
            series,
            value,
            target,
            RB_T(b, "2025年目标", "2025 target")};
    }
    lcm_net_cov_series_release(&s);
}
