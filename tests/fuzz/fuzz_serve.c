/*
 * fuzz_serve.c - libFuzzer target for the request parsing `lcmon serve` does itself
 * (serve.h): any bytes as a form-urlencoded body and as a Cookie header, and every decoded
 * text escaped as HTML. Request bodies are outside input; none of this may crash or leak,
 * a decoded pair must keep within the limits, and escaped text must hold no markup.
 */
#include "serve.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    lcm_serve_form f;
    if (lcm_serve_form_decode((const char *)data, size, &f, NULL) == LCM_OK) {
        if (f.n > LCM_SERVE_MAX_PAIRS)
            abort();
        for (size_t i = 0; i < f.n; i++) {
            if (strlen(f.pairs[i].name) > LCM_SERVE_MAX_NAME ||
                strlen(f.pairs[i].value) > LCM_SERVE_MAX_VALUE)
                abort();
            lcm_strbuf sb = LCM_STRBUF_INIT;
            lcm_serve_html(&sb, f.pairs[i].value);
            if (strpbrk(sb.buf, "<>\"'"))
                abort();
            lcm_strbuf_release(&sb);
        }
        lcm_serve_form_get(&f, "_csrf");
        lcm_serve_form_free(&f);
    }
    char *header = malloc(size + 1), out[64];
    if (!header)
        return 0;
    memcpy(header, data, size);
    header[size] = '\0';
    if (lcm_serve_cookie(header, "lcm_s", out, sizeof out) && strlen(out) >= sizeof out)
        abort();
    free(header);
    return 0;
}
