/* mtaconf.c - `postconf` and `exim -bP` output to what the MTA's SMTP
 * client does (mtaconf.h): the families it uses, the address it binds
 * each to, the name it gives in HELO. Pure: text in, struct out. */
#define _POSIX_C_SOURCE 200809L
#include "mtaconf.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

const char *rdc_mta_name(rdc_mta_kind_t k)
{
    return k == RDC_MTA_POSTFIX ? "Postfix" : k == RDC_MTA_EXIM ? "Exim" : "none";
}

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '/' || c == '-' || c == '.';
}

/* s[0..n) trimmed, escaped, cut, into out (cap bytes). */
static void copy_trimmed(const char *s, size_t n, char *out, size_t cap)
{
    while (n > 0 && blank(s[0]))
        s++, n--;
    while (n > 0 && blank(s[n - 1]))
        n--;
    if (n == 0) {
        out[0] = '\0';
        return;
    }
    rdc_escape_text(s, n, out, cap);
}

size_t rdc_conf_pairs(const char *text, size_t len,
                      void (*fn)(void *ctx, const char *name, const char *value), void *ctx)
{
    size_t count = 0, pos = 0;
    while (pos < len) {
        const char *line = text + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - line) : len - pos;
        pos += n + (nl != NULL);
        size_t i = 0;
        while (i < n && blank(line[i]))
            i++;
        size_t start = i;
        while (i < n && name_char(line[i]))
            i++;
        size_t nlen = i - start;
        if (nlen == 0 || nlen >= RDC_MTA_VALUE_MAX || line[start] == '#')
            continue;
        char name[RDC_MTA_VALUE_MAX], value[RDC_MTA_VALUE_MAX];
        memcpy(name, line + start, nlen);
        name[nlen] = '\0';
        while (i < n && blank(line[i]))
            i++;
        if (i == n) { /* exim -bP: a bare boolean, "no_NAME" when false */
            bool no = nlen > 3 && strncmp(name, "no_", 3) == 0;
            fn(ctx, no ? name + 3 : name, no ? "false" : "true");
            count++;
            continue;
        }
        if (line[i] != '=')
            continue;
        copy_trimmed(line + i + 1, n - i - 1, value, sizeof value);
        fn(ctx, name, value);
        count++;
    }
    return count;
}

/* An address as configured, "[...]" allowed (postconf(5), Note 2). */
static bool parse_bracketed(const char *s, rdc_addr_t *a)
{
    size_t n = strlen(s);
    if (n >= 2 && s[0] == '[' && s[n - 1] == ']')
        return rdc_addr_parse(s + 1, n - 2, a);
    return rdc_addr_parse(s, n, a);
}

static void set_bind(rdc_mta_bind_t *b, const char *value, const char *param, int family)
{
    memset(b, 0, sizeof *b);
    if (value[0] == '\0')
        return;
    b->set = true;
    snprintf(b->text, sizeof b->text, "%s", value);
    snprintf(b->param, sizeof b->param, "%s", param);
    b->valid = parse_bracketed(value, &b->addr) && b->addr.family == family;
}

/* The first thing that could not be read: what, then the value. */
static void note(rdc_mta_conf_t *c, const char *what, const char *value, const char *after)
{
    if (c->note[0] == '\0' &&
        snprintf(c->note, sizeof c->note, "%s '%s'%s", what, value, after) >= (int)sizeof c->note)
        memcpy(c->note + sizeof c->note - 4, "...", 4); /* cut, and said so */
}

/* ---------------------------------------------------------------- Postfix */

typedef struct pf {
    rdc_mta_conf_t *c;
    bool seen_protocols;
    char iface[RDC_MTA_VALUE_MAX];
    char bind[2][RDC_MTA_VALUE_MAX];
    char bind_param[2][96];
    char helo[RDC_MTA_VALUE_MAX], myhostname[RDC_MTA_VALUE_MAX];
    bool helo_set, helo_override;
} pf_t;

static void pf_pair(void *ctx, const char *name, const char *value)
{
    pf_t *p = ctx;
    const char *param = name;
    bool master = false;
    if (strchr(name, '/')) { /* postconf -P: SERVICE/TYPE/NAME */
        if (strncmp(name, "smtp/unix/", 10) != 0)
            return; /* another service's override (relay, submission, ...) */
        param = name + 10;
        master = true;
    }
    if (strcmp(param, "inet_protocols") == 0) {
        snprintf(p->c->protocols, sizeof p->c->protocols, "%s", value);
        p->seen_protocols = true;
    } else if (strcmp(param, "inet_interfaces") == 0) {
        snprintf(p->iface, sizeof p->iface, "%s", value);
    } else if (strcmp(param, "smtp_bind_address") == 0 ||
               strcmp(param, "smtp_bind_address6") == 0) {
        int k = param[17] == '6';
        snprintf(p->bind[k], sizeof p->bind[k], "%s", value);
        snprintf(p->bind_param[k], sizeof p->bind_param[k], "%s%s",
                 master ? "master.cf smtp -o " : "", param);
    } else if (strcmp(param, "smtp_bind_address_enforce") == 0) {
        p->c->enforce = strcmp(value, "yes") == 0;
    } else if (strcmp(param, "smtp_helo_name") == 0) {
        snprintf(p->helo, sizeof p->helo, "%s", value);
        p->helo_set = true;
        p->helo_override = master;
    } else if (strcmp(param, "myhostname") == 0) {
        snprintf(p->myhostname, sizeof p->myhostname, "%s", value);
    }
}

/* inet_protocols: "all", or ipv4 and/or ipv6 separated by commas or blanks. */
static void pf_protocols(rdc_mta_conf_t *c)
{
    char buf[RDC_MTA_VALUE_MAX];
    snprintf(buf, sizeof buf, "%s", c->protocols);
    c->v4 = c->v6 = false;
    for (char *save = NULL, *w = strtok_r(buf, ", \t", &save); w;
         w = strtok_r(NULL, ", \t", &save)) {
        if (strcmp(w, "all") == 0)
            c->v4 = c->v6 = true;
        else if (strcmp(w, "ipv4") == 0)
            c->v4 = true;
        else if (strcmp(w, "ipv6") == 0)
            c->v6 = true;
        else
            note(c, "inet_protocols has an unknown word", w, "");
    }
}

/* inet_interfaces: the one non-loopback address of a family, if it has
 * exactly one (postconf(5) smtp_bind_address, Note 1). */
static bool pf_single_iface(const char *iface, int family, rdc_addr_t *out)
{
    char buf[RDC_MTA_VALUE_MAX];
    snprintf(buf, sizeof buf, "%s", iface);
    unsigned n = 0;
    for (char *save = NULL, *w = strtok_r(buf, ", \t", &save); w;
         w = strtok_r(NULL, ", \t", &save)) {
        rdc_addr_t a;
        if (parse_bracketed(w, &a) && a.family == family) {
            n++;
            *out = a;
        }
    }
    if (n != 1)
        return false;
    return !(out->family == 4 ? out->b[0] == 127
                              : memcmp(out->b, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 16) == 0);
}

void rdc_postconf_read(const char *text, size_t len, rdc_mta_conf_t *out)
{
    memset(out, 0, sizeof *out);
    pf_t p = {.c = out};
    rdc_conf_pairs(text, len, pf_pair, &p);
    if (!p.seen_protocols) { /* every postconf knows inet_protocols */
        memset(out, 0, sizeof *out);
        return;
    }
    out->kind = RDC_MTA_POSTFIX;
    pf_protocols(out);
    for (int k = 0; k < 2; k++) {
        int family = k ? 6 : 4;
        rdc_addr_t a;
        char text4[RDC_ADDR_TEXT_MAX];
        if (p.bind[k][0]) {
            set_bind(&out->bind[k], p.bind[k], p.bind_param[k], family);
        } else if (pf_single_iface(p.iface, family, &a)) {
            set_bind(&out->bind[k], rdc_addr_format(&a, text4), "", family);
            snprintf(out->bind[k].param, sizeof out->bind[k].param,
                     "inet_interfaces (its one IPv%d address, used as smtp_bind_address%s)", family,
                     k ? "6" : "");
        }
    }
    if (p.helo_set && p.helo[0]) {
        snprintf(out->helo, sizeof out->helo, "%s", p.helo);
        bool is_default = strcmp(p.helo, p.myhostname) == 0 && !p.helo_override;
        snprintf(out->helo_param, sizeof out->helo_param, "%s",
                 is_default        ? "myhostname"
                 : p.helo_override ? "master.cf smtp -o smtp_helo_name"
                                   : "smtp_helo_name");
    } else if (p.myhostname[0]) {
        snprintf(out->helo, sizeof out->helo, "%s", p.myhostname);
        snprintf(out->helo_param, sizeof out->helo_param, "myhostname");
    }
    if (strchr(out->helo, '$')) { /* postconf -x expands; a leftover is unknown */
        note(out, "smtp_helo_name", out->helo, " could not be expanded");
        out->helo[0] = '\0';
    }
}

/* ---------------------------------------------------------------- Exim */

typedef struct ex {
    rdc_mta_conf_t *c;
    bool any;
    char primary[RDC_MTA_VALUE_MAX], helo_data[RDC_MTA_VALUE_MAX], iface[RDC_MTA_VALUE_MAX];
    bool helo_seen;
} ex_t;

static void ex_pair(void *ctx, const char *name, const char *value)
{
    ex_t *e = ctx;
    if (strcmp(name, "primary_hostname") == 0) {
        snprintf(e->primary, sizeof e->primary, "%s", value);
        e->any = true;
    } else if (strcmp(name, "helo_data") == 0) {
        snprintf(e->helo_data, sizeof e->helo_data, "%s", value);
        e->helo_seen = true;
        e->any = true;
    } else if (strcmp(name, "interface") == 0) {
        snprintf(e->iface, sizeof e->iface, "%s", value);
        e->any = true;
    } else if (strcmp(name, "disable_ipv6") == 0) {
        e->c->v6 = strcmp(value, "true") != 0;
        snprintf(e->c->protocols, sizeof e->c->protocols, "%s",
                 e->c->v6 ? "" : "disable_ipv6 = true");
    }
}

/* interface: an Exim list; "<X" first changes the separator from ':'. */
static void ex_interfaces(ex_t *e)
{
    char buf[RDC_MTA_VALUE_MAX];
    const char *s = e->iface;
    char sep = ':';
    if (strchr(s, '$')) {
        note(e->c, "the remote_smtp interface", s, " is expanded at delivery time");
        return;
    }
    if (s[0] == '<' && s[1] != '\0' && s[1] != ' ') {
        sep = s[1];
        s += 2;
    }
    snprintf(buf, sizeof buf, "%s", s);
    char seps[3] = {sep, '\0', '\0'};
    for (char *save = NULL, *w = strtok_r(buf, seps, &save); w; w = strtok_r(NULL, seps, &save)) {
        char item[RDC_MTA_VALUE_MAX];
        copy_trimmed(w, strlen(w), item, sizeof item);
        if (item[0] == '\0')
            continue;
        rdc_addr_t a;
        bool ok = parse_bracketed(item, &a);
        int k = ok && a.family == 6;
        if (!ok) {
            note(e->c, "the remote_smtp interface has", item, ", which is no address");
            continue;
        }
        if (!e->c->bind[k].set)
            set_bind(&e->c->bind[k], item, "remote_smtp interface", k ? 6 : 4);
    }
}

void rdc_exim_read(const char *text, size_t len, rdc_mta_conf_t *out)
{
    memset(out, 0, sizeof *out);
    ex_t e = {.c = out};
    out->v6 = true;
    rdc_conf_pairs(text, len, ex_pair, &e);
    if (!e.any) {
        memset(out, 0, sizeof *out);
        return;
    }
    out->kind = RDC_MTA_EXIM;
    out->v4 = true;
    if (e.iface[0])
        ex_interfaces(&e);
    const char *h = e.helo_seen && e.helo_data[0] ? e.helo_data : "$primary_hostname";
    if (strcmp(h, "$primary_hostname") == 0 || strcmp(h, "${primary_hostname}") == 0) {
        snprintf(out->helo, sizeof out->helo, "%s", e.primary);
        snprintf(out->helo_param, sizeof out->helo_param, "primary_hostname");
    } else if (strchr(h, '$') == NULL) {
        snprintf(out->helo, sizeof out->helo, "%s", h);
        snprintf(out->helo_param, sizeof out->helo_param, "remote_smtp helo_data");
    } else {
        note(out, "the remote_smtp helo_data", h, " is expanded at delivery time");
    }
}
