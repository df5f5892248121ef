/* generic.h - detection of generic (dynamic-looking, machine-generated) PTR
 * names, after SpamAssassin's RDNS_DYNAMIC and rspamd's hfilter. Pure: no
 * allocation, no I/O.
 *
 * Rules, in order:
 *  1. Host part. Only the labels left of the registrable domain count, by
 *     the Public Suffix List (psl.h): an ICANN public suffix and one label
 *     more is the owner's domain (xy.de, example.co.uk, example.ne.jp;
 *     example.test by the list's implicit "*" rule). Under a longer private
 *     suffix of the list (github.io, ip.linodeusercontent.com,
 *     *.compute.amazonaws.com) every label in front of the suffix counts:
 *     the platform hands those names out, per customer or per machine; a
 *     name that is such a suffix itself (*.compute-1.amazonaws.com) is cut
 *     by the ICANN section alone. In the reverse tree in-addr.arpa and
 *     ip6.arpa are dropped. A name with no host part (dsl.net,
 *     example.co.uk, foo.github.io) is never generic.
 *  2. Tokens. The host part is split into tokens at '.', '-', '_', any other
 *     non-alphanumeric byte and every letter/digit boundary ("host1" is
 *     "host" "1", "ipv6" is "ipv" "6"). Words match whole tokens, ignoring
 *     case. Access words: dyn dynamic dhcp pool dsl adsl vdsl xdsl cable catv
 *     docsis cpe ppp pppoe dial dialup modem isdn broadband wireless gprs cdma
 *     lte mobile nat client clients cust customer user users host hosts ip
 *     in-addr res resnet ftth fiber fibre. Mail words: mail mx smtp out
 *     outbound relay mta email mailout mailer. Static words: static fixed
 *     fixip business biz.
 *  3. A mail word anywhere in the host part means a deliberately assigned
 *     name: never generic, whatever else the name holds.
 *  4. IP_DIGITS (IPv4): the four octets in forward (192.0.2.1) or reverse
 *     (1.2.0.192) order, all in decimal or all zero-padded to three digits,
 *     joined by one separator used throughout: '-', '.', '_', 'x' or nothing
 *     (192-0-2-1, 1.2.0.192, 192000002001), with no digit right before or
 *     after; or the last three octets in forward order joined the same way
 *     (but not plain decimal run together) when the host part also has an
 *     access word (dsl-0-2-1).
 *     IP_DIGITS (IPv6): the last four groups of the address in hex, one to
 *     four digits each (leading zeros optional), joined by '-', not inside a
 *     longer run of hex digits (a-b-c-d, 000a-000b-000c-000d).
 *  5. IP_HEX: IPv4 as exactly 8 hex digits (c0000201, 0xC0000201) not next
 *     to another hex digit; IPv6 as a run of exactly 16 hex digits equal to
 *     the last 64 bits or 32 equal to the whole address, or as the 32
 *     reversed nibbles separated by dots (the ip6.arpa form).
 *  6. WORD: an access word, unless the host part also has a static word.
 *     A static word does not cancel rules 4 and 5: static-192-0-2-1 is
 *     still a provider-generated name.
 * The first rule that matches, in the order 4, 5, 6, gives the result. */
#ifndef RDC_GENERIC_H
#define RDC_GENERIC_H

#include "rdnscheck.h"

#include <stddef.h>
#include <stdint.h>

/* Why a name looks generic; RDC_GENERIC_NO when it does not. */
typedef enum rdc_generic {
    RDC_GENERIC_NO = 0,
    RDC_GENERIC_IP_DIGITS, /* the address in decimal octets / hex groups */
    RDC_GENERIC_IP_HEX, /* the address as a run of hex digits */
    RDC_GENERIC_WORD /* an access-network word only */
} rdc_generic_t;

/* Longest explanation rdc_generic_name() writes, NUL included. */
#define RDC_GENERIC_WHY_MAX 200

/* Decides whether PTR name `wire` (uncompressed wire form) looks
 * machine-generated for address `a`, by the rules above. `a` may be NULL (or
 * of an unknown family): then only words count. A malformed name (a label
 * longer than 63 octets, no root label within RDC_NAME_WIRE_MAX octets) is
 * RDC_GENERIC_NO; no byte after the root label or beyond the first
 * RDC_NAME_WIRE_MAX is read. When `why` is not NULL and whylen > 0, writes a
 * NUL-terminated printable-ASCII explanation naming the signal, truncated to
 * whylen and at most RDC_GENERIC_WHY_MAX bytes, e.g. "it embeds the address
 * 192.0.2.1 (as 192-0-2-1)" or "it has the access-network word 'dsl'"; the
 * empty string when the result is RDC_GENERIC_NO. */
rdc_generic_t rdc_generic_name(const uint8_t *wire, const rdc_addr_t *a, char *why, size_t whylen);

/* The result's stable name: "no", "ip-digits", "ip-hex" or "word". */
const char *rdc_generic_kind_name(rdc_generic_t g);

#endif
