/* zoneinfo.h - what is known about a zone under --authority: its NS names
 * (the zone's own set and the parent's delegation, merged and sorted), its
 * servers with what their SOA said, its parent and the contact's mail
 * domain; and what a question takes from it. Data only: authzone.c finds
 * it out. Internal. */
#ifndef RDC_ZONEINFO_H
#define RDC_ZONEINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "authcheck.h"
#include "dnsmsg.h"
#include "resolver.h"

#define AUTH_MAX_NS 8 /* NS names of a zone asked */
#define AUTH_MAX_SERVERS 16 /* server addresses per zone */

/* One server address of a zone, and how its SOA query went. */
typedef struct rdc_zone_srv {
    size_t ns; /* index into the zone's NS names */
    rdc_server_t srv;
    size_t idx; /* the resolver's number for its SOA query (SIZE_MAX: none) */
    rdc_auth_state_t state;
    bool has_serial;
    uint32_t serial;
    uint32_t soa_ttl, soa_minimum; /* its own SOA: the TTL it serves, not a cache's */
} rdc_zone_srv_t;

typedef struct rdc_zone_info {
    uint8_t name[RDC_NAME_WIRE_MAX + 1];
    char *error; /* why its servers cannot be asked, or NULL */
    size_t nns;
    uint8_t nsw[AUTH_MAX_NS][RDC_NAME_WIRE_MAX + 1]; /* the NS names' wire forms */
    char **ns; /* presentation form, sorted */
    rdc_auth_ns_info_t *nsi; /* per NS name: what its address lookups found */
    bool *ns_tmp; /* per NS name: an address lookup of it failed (temporarily) */
    rdc_zone_srv_t srv[AUTH_MAX_SERVERS];
    size_t nsrv;
    /* the delegation (RFC 1034 §4.2.2: the NS set at the zone cut is the
     * zone's own) */
    char *parent; /* the parent zone, or NULL when not found */
    bool have_ref;
    rdc_referral_t ref; /* the parent's NS set and glue for the zone */
    char *parent_contact; /* the parent zone's SOA contact, or NULL */
    /* the SOA contact's mail domain: its MX, A and AAAA statuses */
    bool want_contact;
    rdc_dns_status_t cst[3];
    bool null_mx; /* RFC 7505: "MX 0 ." */
} rdc_zone_info_t;

/* The NS names from the zone's own set (nsw[0..nns)) and the referral:
 * the names either lists, the parent's only ones flagged and the zone's
 * only ones too; in presentation form, sorted. False on no memory. */
bool rdc_zinfo_names(rdc_zone_info_t *zi);

/* A server address of NS name ns, unless the zone has it already (or
 * AUTH_MAX_SERVERS). */
void rdc_zinfo_server_add(rdc_zone_info_t *zi, size_t ns, const rdc_addr_t *addr);

/* The servers by NS name, then address: in the order of the sorted names. */
void rdc_zinfo_sort_servers(rdc_zone_info_t *zi);

/* Records why the zone's servers cannot be asked: why, then the zone.
 * False on no memory. */
bool rdc_zinfo_fail(rdc_zone_info_t *zi, const char *why);

/* What a question takes from the zone (rdc_zone_fill in authzone.h).
 * False when out's arrays could not be allocated; *oom when a string was
 * lost. */
bool rdc_zinfo_fill(const rdc_zone_info_t *zi, rdc_auth_question_t *out, bool *oom);

/* Frees what it holds. */
void rdc_zinfo_clear(rdc_zone_info_t *zi);

/* The presentation form of wire, allocated (NULL on no memory). */
char *rdc_auth_name_dup(const uint8_t *wire);

/* True when zone is name or one of its ancestors. */
bool rdc_auth_name_under(const uint8_t *name, const uint8_t *zone);

#endif
