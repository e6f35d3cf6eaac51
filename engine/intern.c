/*
 * intern.c - an open-addressing hash table from labels to dense ids (FNV-1a hashing,
 * linear probing, table kept at most half full).
 */
#include "intern.h"

#include <stdlib.h>
#include <string.h>

struct lcm_intern {
    char **labels;  /* by id */
    size_t count;   /* labels stored */
    size_t lcap;    /* capacity of labels */
    int64_t *slots; /* hash table of ids, -1 = empty */
    size_t nslots;  /* power of two */
};

static uint64_t hash(const char *s, size_t len) {
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

lcm_intern *lcm_intern_new(void) {
    lcm_intern *in = calloc(1, sizeof *in);
    if (!in)
        return NULL;
    in->nslots = 64;
    in->slots = malloc(in->nslots * sizeof *in->slots);
    if (!in->slots) {
        free(in);
        return NULL;
    }
    memset(in->slots, 0xff, in->nslots * sizeof *in->slots);
    return in;
}

void lcm_intern_free(lcm_intern *in) {
    if (!in)
        return;
    for (size_t i = 0; i < in->count; i++)
        free(in->labels[i]);
    free(in->labels);
    free(in->slots);
    free(in);
}

static size_t probe(const lcm_intern *in, const char *s, size_t len) {
    size_t mask = in->nslots - 1, i = hash(s, len) & mask;
    while (in->slots[i] >= 0) {
        const char *l = in->labels[in->slots[i]];
        if (strlen(l) == len && memcmp(l, s, len) == 0)
            return i;
        i = (i + 1) & mask;
    }
    return i;
}

static int rehash(lcm_intern *in) {
    size_t n = in->nslots * 2;
    int64_t *slots = malloc(n * sizeof *slots);
    if (!slots)
        return -1;
    memset(slots, 0xff, n * sizeof *slots);
    free(in->slots);
    in->slots = slots;
    in->nslots = n;
    for (size_t id = 0; id < in->count; id++) {
        const char *l = in->labels[id];
        in->slots[probe(in, l, strlen(l))] = (int64_t)id;
    }
    return 0;
}

int64_t lcm_intern_id(lcm_intern *in, const char *s, size_t len) {
    size_t at = probe(in, s, len);
    if (in->slots[at] >= 0)
        return in->slots[at];
    if ((in->count + 1) * 2 > in->nslots) {
        if (rehash(in) != 0)
            return -1;
        at = probe(in, s, len);
    }
    if (in->count == in->lcap) {
        size_t cap = in->lcap ? in->lcap * 2 : 32;
        char **l = realloc(in->labels, cap * sizeof *l);
        if (!l)
            return -1;
        in->labels = l;
        in->lcap = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy)
        return -1;
    memcpy(copy, s, len);
    copy[len] = '\0';
    int64_t id = (int64_t)in->count;
    in->labels[in->count++] = copy;
    in->slots[at] = id;
    return id;
}

int64_t lcm_intern_find(const lcm_intern *in, const char *s) {
    size_t at = probe(in, s, strlen(s));
    return in->slots[at];
}

const char *lcm_intern_label(const lcm_intern *in, int64_t id) {
    return id >= 0 && (size_t)id < in->count ? in->labels[id] : NULL;
}

size_t lcm_intern_count(const lcm_intern *in) {
    return in->count;
}
