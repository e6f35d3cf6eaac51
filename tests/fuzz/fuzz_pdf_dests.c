/*
 * fuzz_pdf_dests.c - libFuzzer target for the reading of a printed report's PDF
 * (lcm_pdf_anchor_pages, engine/pdf.c): the input is the PDF file. Whatever it holds, the
 * pages found are within the page tree read (1..4096) or 0, and nothing is read outside
 * the file (the PDF holds NUL bytes and truncated objects; page trees may loop).
 */
#include "pdf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static char path[64];
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/fuzz_pdf_dests.%ld.pdf", (long)getpid());
    FILE *fp = fopen(path, "wb");
    if (!fp || fwrite(data, 1, size, fp) != size)
        abort();
    fclose(fp);
    int pages[12];
    int found = lcm_pdf_anchor_pages(path, "s", 12, pages);
    int seen = 0;
    for (int i = 0; i < 12; i++) {
        if (pages[i] < 0 || pages[i] > 4096)
            abort();
        seen += pages[i] > 0;
    }
    if (found != seen)
        abort();
    unlink(path);
    return 0;
}
