/* status.c - what a lookup's outcome (rdc_dns_status_t, rdnscheck.h) is:
 * temporary or final, and its words. The query layer decides failover on
 * it; the rules and reports say it. */
#include "rdnscheck.h"

bool rdc_dns_status_is_temporary(rdc_dns_status_t s)
{
    return s >= RDC_DNS_S_TIMEOUT;
}

const char *rdc_dns_status_text(rdc_dns_status_t s)
{
    switch (s) {
    case RDC_DNS_OK:
        return "answered";
    case RDC_DNS_NODATA:
        return "exists but has no record of that type (NODATA)";
    case RDC_DNS_NXDOMAIN:
        return "does not exist (NXDOMAIN)";
    case RDC_DNS_S_TIMEOUT:
        return "timed out";
    case RDC_DNS_S_SERVFAIL:
        return "failed with SERVFAIL";
    case RDC_DNS_S_REFUSED:
        return "was REFUSED by the server";
    case RDC_DNS_S_UNREACHABLE:
        return "could not reach any DNS server";
    case RDC_DNS_S_ERROR:
        return "got a broken or unusable answer";
    }
    return "failed";
}
