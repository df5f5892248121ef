/* resolver_dns.c - the resolver as the query layer sees it: an rdc_dns_t
 * over the rdc_resolver_* functions (tests give the query layer a scripted
 * one instead), and a server's text. */
#include "resolver.h"

#include <stdio.h>

char *rdc_server_format(const rdc_server_t *s, char *buf)
{
    char a[RDC_ADDR_TEXT_MAX];
    unsigned port = s->port ? s->port : 53;
    rdc_addr_format(&s->addr, a);
    snprintf(buf, RDC_SERVER_TEXT_MAX, s->addr.family == 6 ? "[%s]:%u" : "%s:%u", a, port);
    return buf;
}

static bool dns_rotate(void *ctx)
{
    return rdc_resolver_rotate(ctx);
}

static size_t dns_nservers(void *ctx)
{
    return rdc_resolver_nservers(ctx);
}

static const rdc_server_t *dns_server(void *ctx, size_t i)
{
    return rdc_resolver_server(ctx, i);
}

static void dns_query(void *ctx, size_t server, const char *name, uint16_t type, rdc_query_cb_t cb,
                      void *arg)
{
    rdc_resolver_query(ctx, server, name, type, cb, arg);
}

static size_t dns_add_server(void *ctx, const rdc_server_t *s, bool recurse)
{
    return rdc_resolver_add_server(ctx, s, recurse);
}

static int dns_timeout(void *ctx, int max_ms)
{
    return rdc_resolver_timeout(ctx, max_ms);
}

static void dns_tick(void *ctx)
{
    rdc_resolver_tick(ctx);
}

static void dns_pump(void *ctx)
{
    rdc_resolver_pump(ctx);
}

rdc_dns_t rdc_resolver_dns(rdc_resolver_t *r)
{
    static const rdc_dns_ops_t ops = {dns_nservers, dns_server, dns_query,      dns_timeout,
                                      dns_tick,     dns_pump,   dns_add_server, dns_rotate};
    return (rdc_dns_t){&ops, r};
}
