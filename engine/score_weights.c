/*
 * score_weights.c - a weights file (CSV: code,weight) read through csvin, so a bad line is
 * reported as `file:line:column: problem (field f)` and nothing is applied unless the whole
 * file is good. Weights are relative within a parent: the scorer rescales them to sum to 1.
 * A file with no rows, or whose listed weights leave a parent (or the whole index) with
 * nothing to score it, is refused rather than read as equal weights or blank scores.
 */
#include "csvin.h"
#include "score.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct wf_state {
    lcm_score_node *node;
    size_t nnode;
    int with_context;
    int col_code, col_weight;
    double *w;  /* per node, NaN when not listed */
    long *line; /* where each node was listed */
    long header_line, rows;
} wf_state;

static lcm_status wf_header(wf_state *s, const lcm_csv_row *row, lcm_err *err) {
    s->col_code = lcm_csv_find(row, "code");
    s->col_weight = lcm_csv_find(row, "weight");
    s->header_line = row->line;
    if (s->col_code < 0 || s->col_weight < 0)
        return lcm_err_set(err, LCM_PARSE, "%s:%ld:%zu: missing column '%s' (need code,weight)",
                           row->file, row->line, row->n + 1, s->col_code < 0 ? "code" : "weight");
    return LCM_OK;
}

static lcm_status wf_row(void *ud, const lcm_csv_row *row, lcm_err *err) {
    wf_state *s = ud;
    if (row->index == 0)
        return wf_header(s, row, err);
    if (row->n == 1 && row->len[0] == 0)
        return LCM_OK;                                                   /* blank line */
    size_t cc = (size_t)s->col_code + 1, cw = (size_t)s->col_weight + 1; /* columns, 1-based */
    if ((size_t)s->col_code >= row->n || (size_t)s->col_weight >= row->n)
        return lcm_err_set(err, LCM_PARSE, "%s:%ld:%zu: too few fields (field %s)", row->file,
                           row->line, row->n + 1,
                           (size_t)s->col_code >= row->n ? "code" : "weight");
    s->rows++;
    const char *code = row->field[s->col_code], *wtext = row->field[s->col_weight];
    int j = -1;
    for (size_t i = 1; i < s->nnode && j < 0; i++)
        if (strcmp(s->node[i].code, code) == 0)
            j = (int)i;
    if (j < 0)
        return lcm_err_set(err, LCM_PARSE, "%s:%ld:%zu: unknown indicator code '%s' (field code)",
                           row->file, row->line, cc, code);
    char *end = NULL;
    errno = 0;
    double w = strtod(wtext, &end);
    if (!*wtext || *end || errno || !isfinite(w) || w < 0)
        return lcm_err_set(err, LCM_PARSE,
                           "%s:%ld:%zu: weight '%s' is not a non-negative number (field weight)",
                           row->file, row->line, cw, wtext);
    if (!isnan(s->w[j]))
        return lcm_err_set(
            err, LCM_PARSE,
            "%s:%ld:%zu: indicator '%s' listed twice, first on line %ld (field code)", row->file,
            row->line, cc, code, s->line[j]);
    if (s->node[j].context && w > 0 && !s->with_context)
        return lcm_err_set(err, LCM_PARSE,
                           "%s:%ld:%zu: '%s' is a background point, scored only with "
                           "--with-context (field weight)",
                           row->file, row->line, cw, code);
    s->w[j] = w, s->line[j] = row->line;
    return LCM_OK;
}

/* A parent with some children listed must list every scored child. */
static lcm_status wf_complete(const wf_state *s, const char *path, lcm_err *err) {
    size_t cc = (size_t)s->col_code + 1;
    for (size_t i = 1; i < s->nnode; i++) {
        const lcm_score_node *nd = &s->node[i];
        if (!isnan(s->w[i]) || !nd->included)
            continue;
        for (size_t k = 1; k < s->nnode; k++)
            if (s->node[k].parent == nd->parent && !isnan(s->w[k]))
                return lcm_err_set(err, LCM_PARSE,
                                   "%s:%ld:%zu: lists '%s' but not its sibling '%s' (field code)",
                                   path, s->line[k], cc, s->node[k].code, nd->code);
    }
    return LCM_OK;
}

/* 1 when node p or one of its ancestors is listed with weight 0 (left out on purpose). */
static int left_out(const wf_state *s, int p) {
    for (; p > 0; p = s->node[p].parent)
        if (s->w[p] == 0)
            return 1;
    return 0;
}

/* Listed children that all weigh 0 would leave their parent (the whole index, for the first
 * level) without anything to score it: refused, unless the parent itself is weighted 0. */
static lcm_status wf_nonzero(const wf_state *s, const char *path, lcm_err *err) {
    size_t cw = (size_t)s->col_weight + 1;
    for (size_t p = 0; p < s->nnode; p++) {
        size_t listed = 0, first = 0;
        double sum = 0;
        for (size_t k = 1; k < s->nnode; k++)
            if (s->node[k].parent == (int)p && !isnan(s->w[k])) {
                if (listed++ == 0 || s->line[k] < s->line[first])
                    first = k;
                sum += s->w[k];
            }
        if (listed == 0 || sum > 0 || left_out(s, (int)p))
            continue;
        return p == 0 ? lcm_err_set(err, LCM_PARSE,
                                    "%s:%ld:%zu: every first-level weight is 0: nothing would be "
                                    "scored (field weight)",
                                    path, s->line[first], cw)
                      : lcm_err_set(err, LCM_PARSE,
                                    "%s:%ld:%zu: every point under '%s' has weight 0: weight '%s' "
                                    "itself 0 to leave it out (field weight)",
                                    path, s->line[first], cw, s->node[p].code, s->node[p].code);
    }
    return LCM_OK;
}

lcm_status lcm_score_weights_file(const char *path, lcm_score_node *node, size_t nnode,
                                  int with_context, lcm_err *err) {
    wf_state s = {node, nnode, with_context, -1, -1, NULL, NULL, 1, 0};
    s.w = malloc(nnode * sizeof *s.w);
    s.line = calloc(nnode, sizeof *s.line);
    lcm_status rc = s.w && s.line ? LCM_OK : lcm_err_set(err, LCM_NOMEM, "out of memory");
    for (size_t i = 0; rc == LCM_OK && i < nnode; i++)
        s.w[i] = NAN;
    if (rc == LCM_OK)
        rc = lcm_csv_read(path, wf_row, &s, err);
    if (rc == LCM_OK && s.col_code < 0)
        rc = lcm_err_set(err, LCM_PARSE, "%s:1:1: empty weights file (need code,weight)", path);
    if (rc == LCM_OK && s.rows == 0) /* not "equal weights": the file was meant to say something */
        rc = lcm_err_set(err, LCM_PARSE,
                         "%s:%ld:1: no weights below the header (need rows code,weight)", path,
                         s.header_line);
    if (rc == LCM_OK)
        rc = wf_complete(&s, path, err);
    if (rc == LCM_OK)
        rc = wf_nonzero(&s, path, err);
    for (size_t i = 1; rc == LCM_OK && i < nnode; i++)
        if (!isnan(s.w[i])) {
            node[i].weight = s.w[i];
            node[i].included = s.w[i] > 0;
            node[i].weight_method = "file";
        }
    free(s.w);
    free(s.line);
    return rc;
}
