/*
 * fuzz_weights.c - libFuzzer target for the indicator weights file of `lcmon score
 * --weights FILE` (CSV code,weight). The input is the file, read against a small fixed tree
 * of indicators (one background point among them); the first byte's low bit turns
 * --with-context on. Checked: a file that reads gives finite non-negative weights, one that
 * does not names the file and leaves every node as it was.
 */
#include "score.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NNODE 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static char path[64];
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/fuzz_weights.%ld.csv", (long)getpid());
    if (size < 1)
        return 0;
    FILE *fp = fopen(path, "wb");
    if (!fp || fwrite(data + 1, 1, size - 1, fp) != size - 1)
        abort();
    fclose(fp);
    static char codes[NNODE][8] = {"", "1", "1.1", "1.1.1", "1.1.2", "2", "2.1", "2.2"};
    static const int parents[NNODE] = {-1, 0, 1, 2, 2, 0, 5, 5};
    lcm_score_node node[NNODE], before[NNODE];
    memset(node, 0, sizeof node);
    for (int i = 0; i < NNODE; i++) {
        node[i].code = codes[i];
        node[i].parent = parents[i];
        node[i].level = i == 0 ? 0 : (int)(strlen(codes[i]) + 1) / 2;
        node[i].context = i == 3; /* 1.1.1: a background point */
        node[i].included = i != 3;
        node[i].weight = i == 3 ? 0 : 1;
        node[i].weight_method = "equal";
    }
    memcpy(before, node, sizeof node);
    lcm_err err = {0};
    if (lcm_score_weights_file(path, node, NNODE, data[0] & 1, &err) == LCM_OK) {
        for (int i = 0; i < NNODE; i++)
            if (!isfinite(node[i].weight) || node[i].weight < 0)
                __builtin_trap();
    } else if (memcmp(node, before, sizeof node) != 0 ||
               (err.status != LCM_NOMEM && !strstr(err.msg, path))) {
        __builtin_trap(); /* untouched nodes, and the file named */
    }
    unlink(path);
    return 0;
}
