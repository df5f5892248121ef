/* wait.c - --wait: the sleep between checks, from the TTLs learned. */
#include "wait.h"

bool rdc_duration_parse(const char *s, uint64_t *ms)
{
    static const struct {
        char unit;
        uint64_t secs;
    } units[] = {{'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}};
    const uint64_t max = 7 * 86400;
    uint64_t total = 0;
    size_t next = 0; /* units go largest first, each once */
    const char *p = s;
    do {
        uint64_t v = 0;
        const char *start = p;
        for (; *p >= '0' && *p <= '9'; p++) {
            v = v * 10 + (uint64_t)(*p - '0');
            if (v > max)
                return false;
        }
        if (p == start)
            return false;
        if (*p == '\0') {
            if (start != s) /* "1h30": a bare number only alone */
                return false;
            total = v;
            break;
        }
        size_t u = next;
        while (u < sizeof units / sizeof units[0] && units[u].unit != *p)
            u++;
        if (u == sizeof units / sizeof units[0])
            return false;
        next = u + 1;
        total += v * units[u].secs;
        if (total > max)
            return false;
        p++;
    } while (*p != '\0');
    if (total == 0)
        return false;
    *ms = total * 1000;
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
