/* wait.c - --wait: the sleep between checks, from the TTLs learned. */
#include "wait.h"

bool rdc_duration_parse(const char *s, uint64_t *ms)
{
    uint64_t v = 0;
    size_t i = 0;
    for (; s[i] >= '0' && s[i] <= '9'; i++) {
        v = v * 10 + (uint64_t)(s[i] - '0');
        if (v > 7 * 86400)
            return false;
    }
    if (i == 0)
        return false;
    uint64_t unit = 1;
    if (s[i] == 'm')
        unit = 60;
    else if (s[i] == 'h')
        unit = 3600;
    else if (s[i] != 's' && s[i] != '\0')
        return false;
    if (s[i] != '\0' && s[i + 1] != '\0')
        return false;
    v *= unit;
    if (v == 0 || v > 7 * 86400)
        return false;
    *ms = v * 1000;
    return true;
}

void rdc_wait_note(uint32_t *ttl, const rdc_result_t *r, bool strict)
{
    if (r->kind != RDC_RESULT_ADDRESS || r->verdict == RDC_PASS ||
        (r->verdict == RDC_WARN && !strict))
        return;
    if (r->ptr_ttl < *ttl)
        *ttl = r->ptr_ttl;
    for (size_t i = 0; i < r->nnames; i++) {
        const rdc_name_result_t *n = &r->names[i];
        if (n->kind == RDC_NAME_CHECKED && !rdc_dns_status_is_temporary(n->status) && n->ttl < *ttl)
            *ttl = n->ttl;
    }
}

unsigned long long rdc_wait_sleep_ms(uint32_t ttl, unsigned long long left_ms)
{
    unsigned long long ms =
        ttl == RDC_TTL_UNKNOWN ? RDC_WAIT_NO_TTL_MS : ((unsigned long long)ttl + 1) * 1000;
    if (ms < RDC_WAIT_MIN_SLEEP_MS)
        ms = RDC_WAIT_MIN_SLEEP_MS;
    if (ms > RDC_WAIT_MAX_SLEEP_MS)
        ms = RDC_WAIT_MAX_SLEEP_MS;
    return ms < left_ms ? ms : left_ms;
}
