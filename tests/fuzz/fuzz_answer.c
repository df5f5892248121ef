/* fuzz_answer.c - libFuzzer target for the DNS answer parser and wire-name
 * decoder: any bytes as a response to a PTR, A, AAAA, NS or SOA question
 * (the last two: --authority, with the authority section's SOA, the AA
 * bit and referrals, and the SOA contact as a mail address). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "authcheck.h"
#include "dnsmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
            if (*s != '\n')
                abort(); /* traces and names must be printable ASCII */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static rdc_answer_t a;
    static const uint16_t types[] = {RDC_TYPE_PTR, RDC_TYPE_A, RDC_TYPE_AAAA, RDC_TYPE_NS,
                                     RDC_TYPE_SOA};
    uint8_t qname[RDC_NAME_WIRE_MAX + 1];
    /* take the question from the message itself when it has one, so the
     * parser gets past the question check */
    size_t off = 12;
    if (size < 12 || !rdc_wire_name_decode(data, size, &off, qname))
        rdc_name_from_text("1.2.0.192.in-addr.arpa", 22, qname, NULL);
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        rdc_buf_t trace = {0};
        rdc_answer_parse(data, size, qname, types[i], &a, &trace, "  ");
        if (trace.s)
            check_text(trace.s);
        rdc_buf_free(&trace);
        /* every record takes at least 11 octets of the message */
        if (a.nrecords > size / 11 || (a.nrecords > 0 && a.status != RDC_DNS_OK))
            abort();
        if (a.has_soa) {
            char text[RDC_NAME_TEXT_MAX + 2];
            rdc_name_to_text(a.soa.owner, text);
            check_text(text);
            rdc_rname_to_mail(a.soa.rname, text, sizeof text);
            check_text(text);
            /* a negative answer's TTL is bounded by its SOA */
            if (a.status != RDC_DNS_OK && a.ttl > a.soa.ttl)
                abort();
        }
        if (a.referral && (a.status != RDC_DNS_NODATA || a.has_soa))
            abort();
        for (size_t k = 0; k < a.nrecords && types[i] != RDC_TYPE_A && types[i] != RDC_TYPE_AAAA;
             k++) {
            char text[RDC_NAME_TEXT_MAX];
            rdc_name_to_text(a.records[k].name, text);
            check_text(text);
            (void)rdc_name_is_hostname(a.records[k].name);
            (void)rdc_name_is_reverse(a.records[k].name);
        }
    }
    rdc_answer_free(&a);
    return 0;
}
