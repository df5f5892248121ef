/* selfcheck.c - --self (selfcheck.h): runs postconf / exim -bP (thin:
 * their output is parsed in rules/mtaconf.c), asks the kernel for its
 * routes and whoami services for the public address behind NAT
 * (dns/selfaddr.c), and hands the addresses to the engine. */
#define _GNU_SOURCE
#include "selfcheck.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mailcheck.h"
#include "problem.h"
#include "util.h"

/* The route directions: Google Public DNS, well known and anycast; the
 * kernel picks the source of its default route (no packet is sent). */
static const char *const route_dest[2] = {"8.8.8.8", "2001:4860:4860::8888"};

/* Public whoami services asked directly (RD clear): OpenDNS's resolvers
 * answer myip.opendns.com with the querier's address, Akamai's
 * ns1-1.akamaitech.net whoami.akamai.net the same. */
static const char *const whoami4[] = {"myip.opendns.com@208.67.222.222",
                                      "myip.opendns.com@208.67.220.220",
                                      "whoami.akamai.net@193.108.88.1", NULL};
static const char *const whoami6[] = {"myip.opendns.com@2620:0:ccc::2",
                                      "myip.opendns.com@2620:0:ccd::2", NULL};

const char *const *rdc_self_default_whoami(int family)
{
    return family == 6 ? whoami6 : whoami4;
}

/* ------------------------------------------------------------ commands */

/* Runs argv[0] (a path, or a name looked up in PATH) with argv, standard
 * output into out (cap bytes, NUL-terminated), within 10 s. False with a
 * reason in err when it cannot run or exits non-zero (then err has its
 * first line of standard error). */
static bool run_capture(char *const argv[], char *out, size_t cap, char *err, size_t errlen)
{
    int po[2], pe[2];
    size_t n = 0, en = 0;
    char ebuf[512];
    if (pipe2(po, O_CLOEXEC) != 0)
        goto fail_errno;
    if (pipe2(pe, O_CLOEXEC) != 0) {
        close(po[0]), close(po[1]);
        goto fail_errno;
    }
    pid_t pid = fork();
    if (pid < 0) {
        close(po[0]), close(po[1]), close(pe[0]), close(pe[1]);
        goto fail_errno;
    }
    if (pid == 0) {
        int nul = open("/dev/null", O_RDONLY);
        if (nul >= 0)
            dup2(nul, 0);
        dup2(po[1], 1);
        dup2(pe[1], 2);
        execvp(argv[0], argv);
        dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(po[1]), close(pe[1]);
    struct pollfd p[2] = {{.fd = po[0], .events = POLLIN}, {.fd = pe[0], .events = POLLIN}};
    unsigned long long end = rdc_now_ms() + 10000;
    int open_fds = 2;
    while (open_fds > 0) {
        unsigned long long now = rdc_now_ms();
        if (now >= end || poll(p, 2, (int)(end - now)) < 0) {
            if (errno == EINTR)
                continue;
            kill(pid, SIGKILL);
            break;
        }
        for (int i = 0; i < 2; i++) {
            if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            char tmp[4096];
            ssize_t r = read(p[i].fd, tmp, sizeof tmp);
            if (r <= 0) {
                close(p[i].fd);
                p[i].fd = -1;
                open_fds--;
                continue;
            }
            char *dst = i ? ebuf : out;
            size_t *len = i ? &en : &n, room = (i ? sizeof ebuf : cap) - 1 - *len;
            size_t take = (size_t)r < room ? (size_t)r : room;
            memcpy(dst + *len, tmp, take);
            *len += take;
        }
    }
    for (int i = 0; i < 2; i++)
        if (p[i].fd >= 0)
            close(p[i].fd);
    out[n] = '\0';
    ebuf[en] = '\0';
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
        return true;
    char *nl = strchr(ebuf, '\n');
    if (nl)
        *nl = '\0';
    char shown[300];
    rdc_escape_text(ebuf, strlen(ebuf), shown, sizeof shown);
    if (WIFEXITED(st) && WEXITSTATUS(st) == 127 && strncmp(ebuf, "cannot run", 10) == 0)
        snprintf(err, errlen, "%s", shown);
    else
        snprintf(err, errlen, "%s failed%s%s", argv[0], shown[0] ? ": " : "", shown);
    return false;
fail_errno:
    snprintf(err, errlen, "cannot run %s: %s", argv[0], strerror(errno));
    return false;
}

/* The command: $ENV when set (tests, unusual installs), else the first of
 * names found in PATH or the sbin directories MTAs install into. */
static const char *find_tool(const char *env, const char *const *names, char *buf, size_t cap)
{
    const char *e = getenv(env);
    if (e && *e)
        return e;
    static const char *const dirs[] = {"/usr/sbin", "/usr/local/sbin", "/sbin"};
    const char *path = getenv("PATH");
    for (const char *const *nm = names; *nm; nm++) {
        char pcopy[4096];
        snprintf(pcopy, sizeof pcopy, "%s", path ? path : "");
        for (char *save = NULL, *d = strtok_r(pcopy, ":", &save); d;
             d = strtok_r(NULL, ":", &save)) {
            snprintf(buf, cap, "%s/%s", d, *nm);
            if (access(buf, X_OK) == 0)
                return buf;
        }
        for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
            snprintf(buf, cap, "%s/%s", dirs[i], *nm);
            if (access(buf, X_OK) == 0)
                return buf;
        }
    }
    return NULL;
}

/* Appends to buf (cap bytes) at *len, cutting what does not fit. */
static void append(char *buf, size_t cap, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void append(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
    if (*len + 1 >= cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *len, cap - *len, fmt, ap);
    va_end(ap);
    if (n > 0)
        *len = *len + (size_t)n < cap ? *len + (size_t)n : cap - 1;
}

/* One more thing read (or not) for the "sources" line. */
static void add_source(rdc_self_t *s, const char *fmt, const char *a, const char *b)
{
    size_t len = strlen(s->sources);
    if (len)
        append(s->sources, sizeof s->sources, &len, "; ");
    append(s->sources, sizeof s->sources, &len, "%s%s%s", fmt, a, b);
}

#define CAPTURE_MAX 65536

/* Postfix: main.cf values (expanded) and master.cf's smtp overrides. */
static bool read_postfix(const rdc_options_t *o, rdc_self_t *s, rdc_mta_conf_t *m, char *buf)
{
    char path[4096], err[512];
    static const char *const names[] = {"postconf", NULL};
    const char *tool = find_tool("RDC_POSTCONF", names, path, sizeof path);
    if (tool == NULL) {
        if (o->postfix_config)
            add_source(s, "Postfix: ", "postconf not found", "");
        return false;
    }
    char *cfg = (char *)(o->postfix_config ? o->postfix_config : "");
    char *a1[] = {(char *)tool,
                  "-c",
                  cfg,
                  "-x",
                  "inet_protocols",
                  "inet_interfaces",
                  "smtp_bind_address",
                  "smtp_bind_address6",
                  "smtp_bind_address_enforce",
                  "smtp_helo_name",
                  "myhostname",
                  NULL};
    char *a2[] = {(char *)tool, "-c", cfg, "-P", "-x", NULL};
    char **args1 = a1, **args2 = a2;
    if (!o->postfix_config) { /* drop "-c DIR": the system's configuration */
        args1[1] = args1[0], args1++;
        args1[1] = args1[0], args1++;
        args2[1] = args2[0], args2++;
        args2[1] = args2[0], args2++;
    }
    if (!run_capture(args1, buf, CAPTURE_MAX / 2, err, sizeof err)) {
        add_source(s, "Postfix: ", err, "");
        return false;
    }
    size_t n = strlen(buf);
    buf[n++] = '\n';
    if (!run_capture(args2, buf + n, CAPTURE_MAX / 2, err, sizeof err))
        buf[n] = '\0'; /* no master.cf: main.cf alone */
    rdc_postconf_read(buf, strlen(buf), m);
    if (m->kind == RDC_MTA_NONE) {
        add_source(s, "Postfix: ", "postconf gave no inet_protocols", "");
        return false;
    }
    add_source(s, "Postfix configuration (postconf", o->postfix_config ? " -c " : "",
               o->postfix_config ? o->postfix_config : "");
    append(s->sources, sizeof s->sources, &(size_t){strlen(s->sources)}, ")");
    return true;
}

/* Exim: primary_hostname, disable_ipv6 and the remote_smtp transport. */
static bool read_exim(const rdc_options_t *o, rdc_self_t *s, rdc_mta_conf_t *m, char *buf)
{
    char path[4096], err[512];
    static const char *const names[] = {"exim4", "exim", NULL};
    const char *tool = find_tool("RDC_EXIM", names, path, sizeof path);
    if (tool == NULL) {
        if (o->exim_config)
            add_source(s, "Exim: ", "exim not found", "");
        return false;
    }
    char *cfg = (char *)(o->exim_config ? o->exim_config : "");
    char *a1[] = {(char *)tool, "-C", cfg, "-bP", "primary_hostname", "disable_ipv6", NULL};
    char *a2[] = {(char *)tool, "-C", cfg, "-bP", "transport", "remote_smtp", NULL};
    char **args1 = a1, **args2 = a2;
    if (!o->exim_config) {
        args1[1] = args1[0], args1++;
        args1[1] = args1[0], args1++;
        args2[1] = args2[0], args2++;
        args2[1] = args2[0], args2++;
    }
    if (!run_capture(args1, buf, CAPTURE_MAX / 2, err, sizeof err)) {
        add_source(s, "Exim: ", err, "");
        return false;
    }
    size_t n = strlen(buf);
    buf[n++] = '\n';
    if (!run_capture(args2, buf + n, CAPTURE_MAX / 2, err, sizeof err)) {
        buf[n] = '\0';
        add_source(s, "Exim: no remote_smtp transport: ", err, "");
    }
    rdc_exim_read(buf, strlen(buf), m);
    if (m->kind == RDC_MTA_NONE)
        return false;
    add_source(s, "Exim configuration (exim -bP", o->exim_config ? " -C " : "",
               o->exim_config ? o->exim_config : "");
    append(s->sources, sizeof s->sources, &(size_t){strlen(s->sources)}, ")");
    return true;
}

/* The system's FQDN as `hostname -f` finds it: gethostname(), and its
 * canonical name (getaddrinfo AI_CANONNAME) when it has no dot. */
static void system_fqdn(char *out, size_t cap)
{
    char host[256] = "";
    out[0] = '\0';
    if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0')
        return;
    snprintf(out, cap, "%s", host);
    if (strchr(host, '.'))
        return;
    struct addrinfo hints = {.ai_flags = AI_CANONNAME, .ai_socktype = SOCK_DGRAM}, *res = NULL;
    if (getaddrinfo(host, NULL, &hints, &res) == 0 && res && res->ai_canonname)
        snprintf(out, cap, "%s", res->ai_canonname);
    if (res)
        freeaddrinfo(res);
}

/* ------------------------------------------------------------ addresses */

static uint16_t query_id(void)
{
    uint16_t id = 0;
    if (getrandom(&id, sizeof id, GRND_NONBLOCK) != sizeof id)
        id = (uint16_t)(rdc_now_ms() ^ (unsigned long long)getpid());
    return id;
}

/* Behind NAT: the services of the family, in order, until one answers. */
static void ask_whoami(const rdc_options_t *o, const rdc_sockops_t *ops, rdc_self_family_t *f)
{
    char tried[RDC_SELF_TEXT] = "";
    size_t tl = 0;
    struct rdc_whoami_opt defaults[8];
    const struct rdc_whoami_opt *list = o->whoami;
    size_t n = o->nwhoami;
    if (!o->whoami_given) { /* the defaults, parsed like --whoami */
        n = 0;
        for (const char *const *d = rdc_self_default_whoami(f->family); *d && n < 8; d++) {
            const char *at = strrchr(*d, '@');
            const char *why;
            size_t ns = 0;
            char err[128];
            if (rdc_name_from_text(*d, (size_t)(at - *d), defaults[n].wire, &why) &&
                rdc_servers_parse(at + 1, &defaults[n].server, 1, &ns, err, sizeof err)) {
                snprintf(defaults[n].text, sizeof defaults[n].text, "%s", *d);
                n++;
            }
        }
        list = defaults;
    }
    for (size_t i = 0; i < n; i++) {
        const struct rdc_whoami_opt *w = &list[i];
        if (w->server.addr.family != f->family)
            continue; /* asked over the family whose public address it tells */
        rdc_whoami_q_t q = {.qname = w->wire,
                            .family = f->family,
                            .server = &w->server.addr,
                            .port = w->server.port,
                            .local = &f->local,
                            .timeout_ms = o->timeout_ms,
                            .tries = o->tries < 2 ? o->tries : 2,
                            .id = query_id()};
        rdc_addr_t a;
        char err[160], how[RDC_SELF_TEXT];
        if (rdc_whoami_ask(ops, &q, &a, err, sizeof err)) {
            snprintf(how, sizeof how, "whoami %s", w->text);
            rdc_self_nat(f, &a, how, NULL);
            return;
        }
        append(tried, sizeof tried, &tl, "%s%s: %s", tl ? "; " : "", w->text, err);
    }
    if (tl == 0)
        snprintf(tried, sizeof tried, "%s",
                 o->whoami_given ? "no --whoami service of this family" : "none of this family");
    rdc_self_nat(f, NULL, NULL, tried);
}

static void gather_routes(const rdc_options_t *o, const rdc_sockops_t *ops, rdc_self_in_t *in)
{
    for (int k = 0; k < 2; k++) {
        rdc_self_route_t *rt = &in->route[k];
        rt->via_given = o->has_self_via[k];
        if (rt->via_given)
            rt->toward = o->self_via[k];
        else
            rdc_addr_parse(route_dest[k], strlen(route_dest[k]), &rt->toward);
        rt->ok = rdc_route_source(ops, &rt->toward, &rt->src, rt->err, sizeof rt->err);
    }
}

/* One result saying why a family (or the host) has no address to check. */
static bool add_unknown(rdc_selfrun_t *sr, const char *input, const char *why, const char *fix)
{
    rdc_result_t *r = &sr->extra[sr->nextra++];
    memset(r, 0, sizeof *r);
    r->kind = RDC_RESULT_UNRESOLVED;
    r->input = rdc_strdup(input);
    r->ptr_status = RDC_DNS_OK;
    r->verdict = RDC_TEMPFAIL;
    return r->input && rdc_result_add_problem(r, RDC_SELF_UNKNOWN, fix, "%s", why);
}

bool rdc_selfcheck_discover(rdc_selfrun_t *sr, const rdc_options_t *o, const rdc_sockops_t *ops)
{
    rdc_mta_conf_t mta;
    rdc_self_in_t in;
    memset(sr, 0, sizeof *sr);
    memset(&in, 0, sizeof in);
    memset(&mta, 0, sizeof mta);
    sr->strict = o->strict;
    char *buf = malloc(CAPTURE_MAX + 2);
    if (buf == NULL)
        return false;
    rdc_self_t *s = &sr->s;
    if (!read_postfix(o, s, &mta, buf) && !read_exim(o, s, &mta, buf))
        memset(&mta, 0, sizeof mta);
    free(buf);
    in.mta = &mta;
    in.want[0] = o->want4;
    in.want[1] = o->want6;
    gather_routes(o, ops, &in);
    for (int k = 0; k < 2; k++)
        if (mta.bind[k].valid)
            in.bind_local[k] =
                rdc_addr_is_local(ops, &mta.bind[k].addr, in.bind_err[k], sizeof in.bind_err[k]);
    rdc_self_plan(&in, s);
    add_source(s, "kernel routes", o->has_self_via[0] || o->has_self_via[1] ? " (--self-via)" : "",
               "");
    for (int k = 0; k < 2; k++)
        if (s->fam[k].state == RDC_SELF_S_CHECK && s->fam[k].nat)
            ask_whoami(o, ops, &s->fam[k]);
    if (mta.note[0])
        add_source(s, rdc_mta_name(mta.kind), ": ", mta.note);
    /* HELO: --helo, else the MTA's, else the system's FQDN */
    if (o->helo) {
        snprintf(s->helo, sizeof s->helo, "%s", o->helo);
        snprintf(s->helo_source, sizeof s->helo_source, "--helo");
    } else if (mta.helo[0]) {
        snprintf(s->helo, sizeof s->helo, "%s", mta.helo);
        snprintf(s->helo_source, sizeof s->helo_source, "%s %s", rdc_mta_name(mta.kind),
                 mta.helo_param);
    } else {
        system_fqdn(s->helo, sizeof s->helo);
        snprintf(s->helo_source, sizeof s->helo_source, "system FQDN");
    }
    bool ok = true, any = false;
    for (int k = 0; k < 2; k++) {
        const rdc_self_family_t *f = &s->fam[k];
        any |= f->state != RDC_SELF_S_SKIPPED;
        if (f->state == RDC_SELF_S_UNKNOWN)
            ok &= add_unknown(sr, k ? "self:ipv6" : "self:ipv4", f->why,
                              "give the public address as a target, or --whoami NAME@SERVER "
                              "of a service that answers");
    }
    if (!any)
        ok &= add_unknown(sr, "self", "no address to check: every family is skipped",
                          "check the routes (ip route), or name one with --self-via ADDR");
    return ok;
}

/* ------------------------------------------------------------ the run */

rdc_src_status_t rdc_selfcheck_next(void *ctx, rdc_item_t *item, int *fd)
{
    rdc_selfrun_t *sr = ctx;
    while (sr->next < 2) {
        const rdc_self_family_t *f = &sr->s.fam[sr->next++];
        if (f->state != RDC_SELF_S_CHECK)
            continue;
        memset(item, 0, sizeof *item);
        item->kind = RDC_ITEM_ADDR;
        item->addr = f->addr;
        item->input = rdc_strdup(f->family == 6 ? "self:ipv6" : "self:ipv4");
        return RDC_SRC_ITEM;
    }
    if (sr->inner == NULL)
        return RDC_SRC_EOF;
    return sr->inner(sr->inner_ctx, item, fd);
}

void rdc_selfcheck_annotate(void *ctx, rdc_result_t *r)
{
    rdc_selfrun_t *sr = ctx;
    if (r->kind != RDC_RESULT_ADDRESS || r->line != 0 || r->input == NULL ||
        strncmp(r->input, "self:ipv", 8) != 0)
        return;
    rdc_self_family_t *f = &sr->s.fam[r->input[8] == '6'];
    if (f->state != RDC_SELF_S_CHECK || !rdc_addr_equal(&f->addr, &r->addr))
        return;
    if (r->via == NULL) {
        rdc_buf_t b = {0};
        rdc_buf_printf(&b, "%s", f->source);
        if (f->public_via[0])
            rdc_buf_printf(&b, "; %s", f->public_via);
        r->via = b.s; /* NULL without memory: no via */
    }
    if (f->has_problem && rdc_result_add_problem(r, RDC_SELF_BIND, f->fix, "%s", f->problem)) {
        /* the verdict only gets worse: the check's own stays as settled */
        static const int rank[] = {
            [RDC_PASS] = 0, [RDC_WARN] = 1, [RDC_TEMPFAIL] = 2, [RDC_FAIL] = 3, [RDC_ERROR] = 4};
        rdc_verdict_t v = f->problem_sev == RDC_SEV_WARN && !sr->strict ? RDC_WARN : RDC_FAIL;
        r->problems[r->nproblems - 1].severity = f->problem_sev;
        if (rank[v] > rank[r->verdict])
            r->verdict = v;
    }
    rdc_self_note(f, r);
}

void rdc_selfcheck_free(rdc_selfrun_t *sr)
{
    for (size_t i = 0; i < sr->nextra; i++)
        rdc_result_clear(&sr->extra[i]);
    sr->nextra = 0;
}
