/* fuzz_target.c - libFuzzer target for the target parser (addresses, CIDR,
 * host names) and the canonical printing of what it accepts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rdc_target_t t;
    char err[512];
    if (!rdc_target_parse((const char *)data, size, 1u << 24, &t, err, sizeof err)) {
        if (err[0] == '\0')
            abort(); /* every refusal has a reason */
        return 0;
    }
    char buf[RDC_ADDR_TEXT_MAX], rev[RDC_REVNAME_MAX];
    if (t.kind == RDC_T_ADDR) {
        rdc_addr_format(&t.addr, buf);
        rdc_addr_reverse_name(&t.addr, rev);
        /* the canonical form must parse back to the same address */
        rdc_addr_t back;
        if (!rdc_addr_parse(buf, strlen(buf), &back) || !rdc_addr_equal(&back, &t.addr))
            abort();
    } else if (t.kind == RDC_T_CIDR) {
        rdc_addr_t last;
        rdc_cidr_nth(&t.cidr, t.count - 1, &last);
        rdc_addr_format(&last, buf);
    } else {
        char text[RDC_NAME_TEXT_MAX];
        rdc_name_to_text(t.host, text);
        uint8_t wire[RDC_NAME_WIRE_MAX + 1];
        if (!rdc_name_from_text(text, strlen(text), wire, NULL) || !rdc_name_equal(wire, t.host))
            abort();
    }
    return 0;
}
