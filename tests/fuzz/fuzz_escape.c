/* fuzz_escape.c - libFuzzer target for presentation escaping and the JSON,
 * Nagios and Prometheus writers: whatever the bytes, the output is printable
 * ASCII, JSON strings and label values are well formed, plugin text has no
 * '|', and nothing overflows its buffer. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "report_mon.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t cap = 8 + (size ? data[0] : 0);
    char *buf = malloc(cap);
    if (buf == NULL)
        return 0;
    size_t n = rdc_escape_bytes(data, size, buf, cap);
    if (n >= cap || strlen(buf) != n)
        abort();
    for (size_t i = 0; i < n; i++)
        if (buf[i] < 0x20 || buf[i] > 0x7e)
            abort();

    /* JSON: raw bytes (up to a NUL) must come out as one valid string */
    char *raw = malloc(size + 1);
    char *out = NULL;
    size_t outlen = 0;
    FILE *f = open_memstream(&out, &outlen);
    if (raw && f) {
        memcpy(raw, data, size);
        raw[size] = '\0';
        rdc_json_string(f, raw);
        fclose(f);
        if (outlen < 2 || out[0] != '"' || out[outlen - 1] != '"')
            abort();
        for (size_t i = 1; i + 1 < outlen; i++) {
            unsigned char c = (unsigned char)out[i];
            if (c < 0x20 || c > 0x7e)
                abort();
            if (c == '"')
                abort(); /* an unescaped quote inside */
            if (c == '\\')
                i++; /* skip the escaped character */
        }
    } else if (f) {
        fclose(f);
    }
    /* Nagios text and a Prometheus label value, from raw bytes (what the
     * writers see is escaped upstream already; these must hold anyway) */
    if (raw) {
        rdc_buf_t b = {0};
        rdc_nagios_text(&b, raw);
        if (!b.failed && b.s && (strchr(b.s, '|') || b.len != strlen(raw)))
            abort();
        rdc_buf_free(&b);
        rdc_prom_label_value(&b, raw);
        for (size_t i = 0; !b.failed && i < b.len; i++) {
            if (b.s[i] == '"' || b.s[i] == '\n')
                abort(); /* would end the value or the line */
            if (b.s[i] == '\\') {
                if (i + 1 == b.len || !strchr("\\\"n", b.s[i + 1]))
                    abort();
                i++;
            }
        }
        rdc_buf_free(&b);
    }
    free(out);
    free(raw);
    free(buf);
    return 0;
}
