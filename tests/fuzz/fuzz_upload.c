/*
 * fuzz_upload.c - libFuzzer target for what `lcmon serve` reads of an uploaded file itself
 * (serve_upload.c): any bytes sniffed for their type. A file is outside input; the sniffer
 * must not read past it, and a type it names must come with its file ending and be taken by
 * a `file` question (and by the question of its own kind only).
 */
#include "serve.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    unsigned char *copy = malloc(size ? size : 1); /* exactly size bytes: ASan sees overreads */
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    const char *ext = NULL, *mime = lcm_serve_sniff(copy, size, &ext);
    free(copy);
    if (!mime != !ext)
        abort();
    if (mime && !lcm_serve_upload_allowed("file", mime))
        abort();
    if (mime && lcm_serve_upload_allowed("image", mime) + lcm_serve_upload_allowed("audio", mime) +
                        lcm_serve_upload_allowed("video", mime) >
                    1)
        abort();
    return 0;
}
