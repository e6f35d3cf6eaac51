/*
 * fuzz_expr.c - libFuzzer target for the expression language: any bytes are parsed as an
 * expression and as a choice filter, resolved against four fake fields (one of them a
 * repeat, one a field inside it), checked for the literals compared with fields, and
 * evaluated. Forms are outside input; none of this may crash or leak.
 */
#include "expr.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int resolve(void *ud, const char *name, int *multi) {
    (void)ud;
    size_t h = strlen(name) + (unsigned char)name[0];
    *multi = h % 4 == 3 ? LCM_EXPR_REPEAT : h % 4 == 2 ? LCM_EXPR_IN_REPEAT : LCM_EXPR_ONE;
    return h % 5 == 4 ? -1 : (int)(h % 4);
}

static lcm_status get(void *ud, int slot, long index, lcm_value *out, lcm_err *err) {
    static const char *const values[] = {"12", "", "a b 3", "2024-02-29"};
    (void)ud, (void)index, (void)err;
    return lcm_value_set_str(out, values[slot & 3]);
}

static long count(void *ud, int slot) {
    (void)ud;
    return slot == 3 ? 3 : 1;
}

static lcm_status column(void *ud, const char *name, lcm_value *out, lcm_err *err) {
    (void)ud, (void)err;
    return lcm_value_set_str(out, name);
}

static void literal(void *ud, int slot, const char *text, int col) {
    (void)slot, (void)col;
    *(size_t *)ud += strlen(text);
}

static void run(const char *src, int filter) {
    lcm_expr *e = NULL;
    lcm_err err = {0};
    lcm_status st = filter ? lcm_expr_parse_filter(src, &e, &err) : lcm_expr_parse(src, &e, &err);
    if (st == LCM_OK && lcm_expr_resolve(e, resolve, NULL, &err) == LCM_OK) {
        size_t seen = 0;
        lcm_expr_literals(e, literal, &seen);
        lcm_expr_env env = {NULL, get, count, "7", 2, "2024-06-30", column, NULL, 0, NULL};
        char *s = NULL;
        if (lcm_expr_eval_string(e, &env, &s, &err) == LCM_OK)
            free(s);
    }
    lcm_expr_free(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *src = malloc(size + 1);
    if (!src)
        return 0;
    memcpy(src, data, size);
    src[size] = '\0';
    run(src, 0);
    run(src, 1);
    free(src);
    return 0;
}
