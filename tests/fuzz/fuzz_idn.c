/* fuzz_idn.c - libFuzzer target for the IDN conversion path (idn.c):
 * whatever the bytes, a Unicode name converts to lower-case A-labels that
 * the host-name parser takes, or is refused with a reason; a name shown in
 * Unicode (rdc_idn_to_display) is valid UTF-8 that converts back to exactly
 * the A-labels it came from; a target typed in Unicode parses to the wire
 * form of its A-labels; nothing overflows its buffer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "idn.h"
#include "rdnscheck.h"
#include "target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    char ascii[RDC_NAME_TEXT_MAX], shown[RDC_NAME_TEXT_MAX], back[RDC_NAME_TEXT_MAX];
    const char *why = NULL;

    /* input: Unicode to A-labels */
    if (rdc_idn_to_ascii(s, size, ascii, sizeof ascii, &why)) {
        size_t n = strlen(ascii);
        if (n >= sizeof ascii)
            abort();
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)ascii[i] < 0x20 || (unsigned char)ascii[i] >= 0x7f ||
                (ascii[i] >= 'A' && ascii[i] <= 'Z'))
                abort();
    } else if (why == NULL || *why == '\0') {
        abort();
    }

    /* display: A-labels (or anything) to Unicode, only when it round-trips */
    char *z = malloc(size + 1);
    if (z == NULL)
        return 0;
    memcpy(z, data, size);
    z[size] = '\0';
    if (rdc_idn_to_display(z, shown, sizeof shown)) {
        if (strlen(shown) >= sizeof shown || !rdc_idn_safe(shown) ||
            !rdc_idn_to_ascii(shown, strlen(shown), back, sizeof back, NULL))
            abort();
        for (size_t i = 0; z[i]; i++) /* the input, lower case, is its A-labels */
            if ((z[i] >= 'A' && z[i] <= 'Z' ? z[i] + 32 : z[i]) != back[i])
                abort();
        if (strlen(back) != strlen(z))
            abort();
    }
    (void)rdc_idn_safe(z);
    free(z);

    /* a target typed in Unicode: its wire form is that of its A-labels */
    rdc_target_t t;
    char err[256];
    if (rdc_target_parse(s, size, 1, &t, err, sizeof err) && t.kind == RDC_T_HOST && t.idn) {
        uint8_t wire[RDC_NAME_WIRE_MAX + 1];
        if (!rdc_idn_to_ascii(s, size, ascii, sizeof ascii, NULL) ||
            !rdc_name_from_text(ascii, strlen(ascii), wire, NULL) || !rdc_name_equal(wire, t.host))
            abort();
    }
    return 0;
}
