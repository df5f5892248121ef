/* fuzz_range.c - libFuzzer target for check_rdns's threshold ranges
 * (threshold.c): every refusal has a reason and leaves a range that never
 * alerts; what is accepted keeps its text, parses back the same, has its
 * start at most its end, and alerts on its ends exactly as its '@' says. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "threshold.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rdc_range_t r, back;
    const char *why = NULL;
    if (!rdc_range_parse((const char *)data, size, &r, &why)) {
        if (why == NULL || why[0] == '\0' || r.set || rdc_range_alerts(&r, 0))
            abort();
        return 0;
    }
    if (!r.set || strlen(r.text) != size || memcmp(r.text, data, size) != 0)
        abort();
    if (!rdc_range_parse(r.text, strlen(r.text), &back, &why) || back.inside != r.inside ||
        back.start_inf != r.start_inf || back.end_inf != r.end_inf ||
        (!r.start_inf && back.start != r.start) || (!r.end_inf && back.end != r.end))
        abort();
    if (!r.start_inf && !r.end_inf && r.start > r.end)
        abort();
    /* an end that is finite is inside the range: '@' alerts there, else not */
    if ((!r.start_inf && rdc_range_alerts(&r, r.start) != r.inside) ||
        (!r.end_inf && rdc_range_alerts(&r, r.end) != r.inside))
        abort();
    return 0;
}
