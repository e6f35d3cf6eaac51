/*
 * composite_agg.c - the indicator tree and the way scores travel up it (Handbook §6): weighted
 * arithmetic and geometric means and Copeland's rule, with missing children re-weighted only
 * when enough of them are present; and competition ranks overall or within groups.
 */
#include "composite.h"
#include "message.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const agg_names[LCM_CI_NAGG] = {"arithmetic", "geometric", "copeland"};

const char *lcm_ci_agg_name(lcm_ci_agg a) {
    return (unsigned)a < LCM_CI_NAGG ? agg_names[a] : "?";
}

int lcm_ci_agg_parse(const char *name) {
    for (int i = 0; i < LCM_CI_NAGG; i++)
        if (strcmp(name, agg_names[i]) == 0)
            return i;
    return -1;
}

struct lcm_ci_tree {
    size_t nnode;
    int *parent;
    size_t *first; /* children of i are kids[first[i] .. first[i+1]) */
    int *kids;
};

lcm_status lcm_ci_tree_new(size_t nnode, const int *parent, lcm_ci_tree **out, char *err,
                           size_t errlen) {
    *out = NULL;
    for (size_t i = 0; i < nnode; i++)
        if (parent[i] >= (int)i || parent[i] < -1) {
            lcm__an_msg(err, errlen, "node %zu has parent %d, which does not come before it", i,
                        parent[i]);
            return LCM_INVAL;
        }
    lcm_ci_tree *t = calloc(1, sizeof *t);
    if (!t)
        return LCM_NOMEM;
    t->nnode = nnode;
    t->parent = malloc((nnode + 1) * sizeof *t->parent);
    t->first = calloc(nnode + 2, sizeof *t->first);
    t->kids = malloc((nnode + 1) * sizeof *t->kids);
    if (!t->parent || !t->first || !t->kids) {
        lcm_ci_tree_free(t);
        return LCM_NOMEM;
    }
    for (size_t i = 0; i < nnode; i++) { /* counting sort of nodes by parent */
        t->parent[i] = parent[i];
        if (parent[i] >= 0)
            t->first[parent[i] + 2]++;
    }
    for (size_t i = 2; i <= nnode + 1; i++)
        t->first[i] += t->first[i - 1];
    for (size_t i = 0; i < nnode; i++)
        if (parent[i] >= 0)
            t->kids[t->first[parent[i] + 1]++] = (int)i;
    *out = t;
    return LCM_OK;
}

void lcm_ci_tree_free(lcm_ci_tree *t) {
    if (!t)
        return;
    free(t->parent);
    free(t->first);
    free(t->kids);
    free(t);
}

size_t lcm_ci_tree_nnode(const lcm_ci_tree *t) {
    return t->nnode;
}

size_t lcm_ci_tree_children(const lcm_ci_tree *t, size_t i, const int **kids) {
    *kids = t->kids + t->first[i];
    return t->first[i + 1] - t->first[i];
}

void lcm_ci_weights_equal(const lcm_ci_tree *t, const int *include, double *w) {
    for (size_t i = 0; i < t->nnode; i++)
        w[i] = include && !include[i] ? 0.0 : 1.0;
    lcm_ci_weights_normalise(t, w);
}

void lcm_ci_weights_normalise(const lcm_ci_tree *t, double *w) {
    for (size_t i = 0; i < t->nnode; i++) {
        const int *k;
        size_t m = lcm_ci_tree_children(t, i, &k);
        double sum = 0;
        for (size_t j = 0; j < m; j++)
            sum += w[k[j]];
        for (size_t j = 0; sum > 0 && j < m; j++)
            w[k[j]] /= sum;
    }
}

void lcm_ci_weights_drop(const lcm_ci_tree *t, const lcm_ci_treatment *tr, double *w) {
    for (size_t i = t->nnode; i-- > 0;) { /* children come after their parents */
        const int *k;
        size_t m = lcm_ci_tree_children(t, i, &k), weighted = 0;
        if (m == 0) {
            if (tr[i].constant == LCM_CI_CONST_DROPPED)
                w[i] = 0;
            continue;
        }
        for (size_t j = 0; j < m; j++)
            weighted += w[k[j]] > 0;
        if (weighted == 0 && i > 0)
            w[i] = 0;
    }
    lcm_ci_weights_normalise(t, w);
}

/* Weighted arithmetic or geometric mean of one unit's present children, or NaN below the
 * data threshold. */
static double mean_of_children(const int *k, size_t m, const double *w, const double *s, size_t n,
                               size_t unit, int geometric, double threshold) {
    double sw = 0, acc = 0;
    size_t weighted = 0, present = 0;
    for (size_t j = 0; j < m; j++) {
        if (!(w[k[j]] > 0))
            continue;
        weighted++;
        double v = s[(size_t)k[j] * n + unit];
        if (isnan(v))
            continue;
        present++;
        sw += w[k[j]];
        acc += w[k[j]] * (geometric ? log(v) : v);
    }
    if (present == 0 || (double)present < threshold * (double)weighted - 1e-12)
        return NAN;
    return geometric ? exp(acc / sw) : acc / sw;
}

/* Copeland's rule for one parent: unit a beats b when the weight of children on which a is
 * higher (ties counting half) exceeds half the weight they both have; the score is wins minus
 * losses over the units with a present parent, scaled from [-(m-1), m-1] to [0, 100]. */
static lcm_status copeland(const int *k, size_t m, const double *w, double *s, size_t n,
                           size_t node) {
    double *out = s + node * n;
    size_t ranked = 0;
    for (size_t a = 0; a < n; a++)
        ranked += !isnan(out[a]);
    double *score = calloc(n ? n : 1, sizeof *score);
    if (!score)
        return LCM_NOMEM;
    for (size_t a = 0; a < n; a++)
        for (size_t b = a + 1; !isnan(out[a]) && b < n; b++) {
            if (isnan(out[b]))
                continue;
            double for_a = 0, both = 0;
            for (size_t j = 0; j < m; j++) {
                double va = s[(size_t)k[j] * n + a], vb = s[(size_t)k[j] * n + b];
                if (!(w[k[j]] > 0) || isnan(va) || isnan(vb))
                    continue;
                both += w[k[j]];
                for_a += va > vb ? w[k[j]] : va == vb ? w[k[j]] / 2 : 0;
            }
            int sgn = (for_a > both / 2) - (for_a < both / 2);
            score[a] += sgn, score[b] -= sgn;
        }
    for (size_t a = 0; a < n; a++)
        if (!isnan(out[a]))
            out[a] = ranked > 1
                         ? (score[a] + (double)(ranked - 1)) / (2.0 * (double)(ranked - 1)) * 100
                         : 50;
    free(score);
    return LCM_OK;
}

lcm_status lcm_ci_aggregate(const lcm_ci_tree *t, const double *w, double *s, size_t n,
                            lcm_ci_agg agg, double threshold, char *err, size_t errlen) {
    if ((unsigned)agg >= LCM_CI_NAGG) {
        lcm__an_msg(err, errlen, "unknown aggregation %d", (int)agg);
        return LCM_INVAL;
    }
    for (size_t i = t->nnode; i-- > 0;) {
        const int *k;
        size_t m = lcm_ci_tree_children(t, i, &k);
        if (m == 0)
            continue;
        /* Copeland's missing-data rule is the same as the means': the threshold decides which
         * units get a parent score at all; the pairwise contest then runs among them. */
        for (size_t u = 0; u < n; u++)
            s[i * n + u] = mean_of_children(k, m, w, s, n, u, agg == LCM_CI_GEOM, threshold);
        if (agg == LCM_CI_COPELAND && copeland(k, m, w, s, n, i) != LCM_OK)
            return LCM_NOMEM;
    }
    return LCM_OK;
}

typedef struct rank_item {
    int group;
    double score;
    size_t unit;
} rank_item;

static int by_group_score(const void *pa, const void *pb) {
    const rank_item *a = pa, *b = pb;
    if (a->group != b->group)
        return a->group < b->group ? -1 : 1;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    return a->unit < b->unit ? -1 : a->unit > b->unit;
}

lcm_status lcm_ci_rank(const double *score, size_t n, const int *group, int *rank) {
    rank_item *it = malloc((n ? n : 1) * sizeof *it);
    if (!it)
        return LCM_NOMEM;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        rank[i] = 0;
        if (!isnan(score[i]))
            it[m++] = (rank_item){group ? group[i] : 0, score[i], i};
    }
    qsort(it, m, sizeof *it, by_group_score);
    int pos = 0;
    for (size_t j = 0; j < m; j++) {
        pos = j == 0 || it[j].group != it[j - 1].group ? 1 : pos + 1;
        int tied = j > 0 && it[j].group == it[j - 1].group && it[j].score == it[j - 1].score;
        rank[it[j].unit] = tied ? rank[it[j - 1].unit] : pos;
    }
    free(it);
    return LCM_OK;
}
