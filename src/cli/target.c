/* target.c - turns what the user typed into addresses: strict parsing with a
 * reason for every refusal, lazy CIDR expansion, and a FILE reader that
 * never slurps, never blocks the event loop on a pipe, and reports a bad
 * line without losing the rest. */
#define _GNU_SOURCE
#include "target.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "idn.h"
#include "util.h"

static bool all_in(const char *s, size_t len, const char *set)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] == '\0' || strchr(set, s[i]) == NULL)
            return false;
    return true;
}

static bool strpbrk_n(const char *s, size_t len, const char *set)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != '\0' && strchr(set, s[i]) != NULL)
            return true;
    return false;
}

/* Explains why a digits-and-dots string is not an IPv4 address. */
static const char *v4_reason(const char *s, size_t len)
{
    size_t parts = 1, start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] != '.')
            continue;
        size_t n = i - start;
        if (n == 0)
            return "empty octet in IPv4 address";
        if (n > 1 && s[start] == '0')
            return "IPv4 octet with a leading zero (ambiguous: some tools read it as octal)";
        unsigned long v = 0;
        for (size_t k = start; k < i && v <= 255; k++)
            v = v * 10 + (unsigned long)(s[k] - '0');
        if (n > 3 || v > 255)
            return "IPv4 octet over 255";
        if (i < len)
            parts++;
        start = i + 1;
    }
    if (parts != 4)
        return "an IPv4 address has exactly 4 octets";
    return "not a valid IPv4 address";
}

bool rdc_target_parse(const char *s, size_t len, uint64_t max_expand, rdc_target_t *t, char *err,
                      size_t errlen)
{
    memset(t, 0, sizeof *t);
    if (len == 0) {
        snprintf(err, errlen, "empty target");
        return false;
    }
    if (memchr(s, '\0', len)) {
        snprintf(err, errlen, "target contains a NUL byte");
        return false;
    }
    if (memchr(s, '/', len)) {
        const char *why;
        if (!rdc_cidr_parse(s, len, &t->cidr, &why)) {
            snprintf(err, errlen, "not a valid CIDR block: %s", why);
            return false;
        }
        t->count = rdc_cidr_size(&t->cidr);
        if (t->count > max_expand) {
            if (t->count == UINT64_MAX)
                snprintf(err, errlen, "block has 2^%u addresses, more than --max-expand %" PRIu64,
                         (t->cidr.base.family == 4 ? 32u : 128u) - t->cidr.prefix, max_expand);
            else
                snprintf(err, errlen,
                         "block has %" PRIu64 " addresses, more than --max-expand %" PRIu64,
                         t->count, max_expand);
            return false;
        }
        t->kind = RDC_T_CIDR;
        return true;
    }
    if (memchr(s, ':', len)) {
        if (rdc_addr_parse(s, len, &t->addr)) {
            t->kind = RDC_T_ADDR;
            return true;
        }
        if (memchr(s, '%', len))
            snprintf(err, errlen, "zone IDs ('%%' and an interface) are not supported");
        else if (memmem(s, len, "::", 2) &&
                 memmem((const char *)memmem(s, len, "::", 2) + 2,
                        len - (size_t)((const char *)memmem(s, len, "::", 2) - s) - 2, "::", 2))
            snprintf(err, errlen, "not a valid IPv6 address: '::' appears twice");
        else
            snprintf(err, errlen, "not a valid IPv6 address");
        return false;
    }
    if (all_in(s, len, "0123456789.") && strpbrk_n(s, len, "0123456789")) {
        if (rdc_addr_parse(s, len, &t->addr)) {
            t->kind = RDC_T_ADDR;
            return true;
        }
        snprintf(err, errlen, "%s", v4_reason(s, len));
        return false;
    }
    const char *why;
    char ascii[RDC_NAME_TEXT_MAX];
    t->idn = rdc_idn_has_unicode(s, len);
    if (t->idn) { /* a name typed in Unicode: its A-labels are looked up */
        if (!rdc_idn_to_ascii(s, len, ascii, sizeof ascii, &why)) {
            snprintf(err, errlen, "not an IP address, CIDR block or host name: %s", why);
            return false;
        }
        s = ascii;
        len = strlen(ascii);
    }
    if (!rdc_name_from_text(s, len, t->host, &why)) {
        snprintf(err, errlen, "not an IP address, CIDR block or host name: %s", why);
        return false;
    }
    if (!rdc_name_is_hostname(t->host)) {
        snprintf(err, errlen,
                 "not a fully qualified host name (it needs a dot, labels must not start or end "
                 "with '-', and the last label must not be all digits)");
        return false;
    }
    t->kind = RDC_T_HOST;
    return true;
}

struct rdc_targets {
    struct domain_item {
        rdc_item_kind_t kind;
        uint8_t wire[RDC_NAME_WIRE_MAX + 1];
    } * domains;
    size_t ndomains, domi;
    char *const *argv;
    size_t argc, argi;
    uint64_t max_expand;
    /* CIDR being expanded */
    bool expanding;
    rdc_target_t cur;
    uint64_t next;
    char *cur_input;
    unsigned long cur_line;
    /* FILE */
    int fd;
    bool own_fd, regular, eof, skipping;
    char *buf;
    size_t start, end;
    unsigned long line;
    char error[256];
    const char *path;
    /* --shard: item positions counted from 0 over every item (a block's
     * addresses one by one); this source keeps those with pos % shard_n ==
     * shard_i (shard_n 0 or 1: all) */
    uint64_t pos;
    unsigned shard_i, shard_n;
};

rdc_targets_t *rdc_targets_new(char *const *argv, size_t argc, const char *path,
                               uint64_t max_expand, char *err, size_t errlen)
{
    rdc_targets_t *t = calloc(1, sizeof *t);
    if (t == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    t->argv = argv;
    t->argc = argc;
    t->max_expand = max_expand;
    t->fd = -1;
    t->path = path;
    if (path == NULL)
        return t;
    if (strcmp(path, "-") == 0) {
        t->fd = STDIN_FILENO;
    } else {
        t->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (t->fd < 0) {
            snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
            free(t);
            return NULL;
        }
        t->own_fd = true;
    }
    struct stat st;
    if (fstat(t->fd, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            snprintf(err, errlen, "cannot read %s: it is a directory", path);
            rdc_targets_free(t);
            return NULL;
        }
        t->regular = S_ISREG(st.st_mode);
    }
    t->buf = malloc(RDC_LINE_MAX + 1);
    if (t->buf == NULL) {
        snprintf(err, errlen, "out of memory");
        rdc_targets_free(t);
        return NULL;
    }
    return t;
}

void rdc_targets_free(rdc_targets_t *t)
{
    if (t == NULL)
        return;
    if (t->own_fd)
        close(t->fd);
    free(t->domains);
    free(t->buf);
    free(t->cur_input);
    free(t);
}

const char *rdc_targets_error(const rdc_targets_t *t)
{
    return t->error;
}

unsigned long rdc_targets_lines(const rdc_targets_t *t)
{
    return t->line;
}

static char *escaped(const char *s, size_t len)
{
    char tmp[512];
    rdc_escape_text(s, len, tmp, sizeof tmp);
    return rdc_strdup(tmp);
}

/* A host name typed in Unicode is shown as typed when that is safe
 * (rdc_idn_safe: no homograph), else by its A-labels (host); never as
 * \DDD escapes of its UTF-8. */
static bool idn_input(rdc_item_t *item, const char *s, size_t len, const uint8_t *host)
{
    char shown[RDC_NAME_TEXT_MAX];
    if (len < sizeof shown) {
        memcpy(shown, s, len);
        shown[len] = '\0';
    }
    if (len >= sizeof shown || !rdc_idn_safe(shown))
        rdc_name_to_text(host, shown);
    free(item->input);
    item->input = rdc_strdup(shown);
    return item->input != NULL;
}

/* What next_target found: an rdc_src_status_t, or SRC_BLOCK, a CIDR block
 * whose expansion has begun (item left empty; block_next gives its
 * addresses). SRC_MORE, inside the reader only: input was read, look for
 * a line again. */
enum { SRC_BLOCK = RDC_SRC_FAIL + 1, SRC_MORE };

/* Fills item from a parsed target; a CIDR block starts an expansion. */
static int emit_target(rdc_targets_t *t, const char *s, size_t len, unsigned long line,
                       rdc_item_t *item)
{
    char err[256];
    rdc_target_t tg;
    item->line = line;
    item->input = escaped(s, len);
    if (item->input == NULL)
        goto oom;
    if (!rdc_target_parse(s, len, t->max_expand, &tg, err, sizeof err)) {
        item->kind = RDC_ITEM_ERROR;
        item->error = rdc_strdup(err);
        if (item->error == NULL)
            goto oom;
        return RDC_SRC_ITEM;
    }
    switch (tg.kind) {
    case RDC_T_ADDR:
        item->kind = RDC_ITEM_ADDR;
        item->addr = tg.addr;
        return RDC_SRC_ITEM;
    case RDC_T_HOST:
        item->kind = RDC_ITEM_HOST;
        memcpy(item->host, tg.host, sizeof tg.host);
        if (tg.idn && !idn_input(item, s, len, tg.host))
            goto oom;
        return RDC_SRC_ITEM;
    case RDC_T_CIDR: /* its addresses come from block_next */
        t->expanding = true;
        t->cur = tg;
        t->next = 0;
        free(t->cur_input);
        t->cur_input = item->input;
        item->input = NULL;
        t->cur_line = line;
        rdc_item_clear(item);
        return SRC_BLOCK;
    }
oom:
    snprintf(t->error, sizeof t->error, "out of memory");
    rdc_item_clear(item);
    return RDC_SRC_FAIL;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* The next complete line in the buffer, or NULL. */
static char *take_line(rdc_targets_t *t, size_t *len)
{
    char *nl = memchr(t->buf + t->start, '\n', t->end - t->start);
    if (nl == NULL) {
        if (!t->eof || t->start == t->end)
            return NULL;
        nl = t->buf + t->end; /* last line without a newline */
    }
    char *s = t->buf + t->start;
    *len = (size_t)(nl - s);
    t->start = (size_t)(nl - t->buf) + (nl < t->buf + t->end ? 1 : 0);
    return s;
}

bool rdc_targets_add_domain(rdc_targets_t *t, rdc_item_kind_t kind, const uint8_t *wire)
{
    struct domain_item *d = realloc(t->domains, (t->ndomains + 1) * sizeof *d);
    if (d == NULL)
        return false;
    t->domains = d;
    d[t->ndomains].kind = kind;
    memcpy(d[t->ndomains].wire, wire, RDC_NAME_WIRE_MAX + 1);
    t->ndomains++;
    return true;
}

void rdc_targets_set_shard(rdc_targets_t *t, unsigned index, unsigned n)
{
    t->shard_i = n > 1 ? index : 0;
    t->shard_n = n > 1 ? n : 0;
}

uint64_t rdc_shard_share(uint64_t pos, uint64_t count, unsigned index, unsigned n)
{
    if (n <= 1)
        return count;
    uint64_t first = (index + n - pos % n) % n; /* offset of the first owned position */
    return first >= count ? 0 : 1 + (count - 1 - first) / n;
}

/* The next address of the block being expanded that this shard owns,
 * jumping over the others without producing them. RDC_SRC_EOF: the block
 * has no more of them. */
static rdc_src_status_t block_next(rdc_targets_t *t, rdc_item_t *item)
{
    uint64_t left = t->cur.count - t->next;
    uint64_t skip = t->shard_n ? (t->shard_i + t->shard_n - t->pos % t->shard_n) % t->shard_n : 0;
    if (skip >= left) {
        t->pos += left;
        t->expanding = false;
        return RDC_SRC_EOF;
    }
    t->next += skip;
    t->pos += skip + 1;
    item->kind = RDC_ITEM_ADDR;
    item->line = t->cur_line;
    item->input = rdc_strdup(t->cur_input);
    if (item->input == NULL) {
        snprintf(t->error, sizeof t->error, "out of memory");
        return RDC_SRC_FAIL;
    }
    rdc_cidr_nth(&t->cur.cidr, t->next++, &item->addr);
    if (t->next >= t->cur.count)
        t->expanding = false;
    return RDC_SRC_ITEM;
}

/* The next --mx/--spf domain, as an item. */
static int next_domain(rdc_targets_t *t, rdc_item_t *item)
{
    const struct domain_item *d = &t->domains[t->domi++];
    char text[RDC_NAME_TEXT_MAX];
    rdc_name_to_text(d->wire, text);
    item->kind = d->kind;
    memcpy(item->host, d->wire, sizeof item->host);
    item->input = rdc_strdup(text);
    if (item->input == NULL) {
        snprintf(t->error, sizeof t->error, "out of memory");
        return RDC_SRC_FAIL;
    }
    return RDC_SRC_ITEM;
}

/* Cuts blanks from both ends of the line *s of *len bytes. */
static void trim_blanks(char **s, size_t *len)
{
    while (*len > 0 && is_space((*s)[0])) {
        (*s)++;
        (*len)--;
    }
    while (*len > 0 && is_space((*s)[*len - 1]))
        (*len)--;
}

/* An error item for the overlong line that begins the buffer (reported
 * once; the reader then skips to its end). */
static int overlong_line(rdc_targets_t *t, rdc_item_t *item)
{
    char msg[96];
    item->kind = RDC_ITEM_ERROR;
    item->line = t->line + 1;
    item->input = escaped(t->buf, 40);
    snprintf(msg, sizeof msg, "line is longer than %d bytes", RDC_LINE_MAX);
    item->error = rdc_strdup(msg);
    if (item->input == NULL || item->error == NULL) {
        rdc_item_clear(item);
        snprintf(t->error, sizeof t->error, "out of memory");
        return RDC_SRC_FAIL;
    }
    return RDC_SRC_ITEM;
}

/* Reads what FILE has now after the buffer's last byte. SRC_MORE: read
 * (or at its end): look for a line again; RDC_SRC_WAIT: nothing yet, wait
 * for *fd; RDC_SRC_FAIL: unreadable. A pipe or terminal is polled first,
 * so that the event loop never blocks on it. */
static int read_more(rdc_targets_t *t, int *fd)
{
    if (!t->regular) {
        struct pollfd p = {.fd = t->fd, .events = POLLIN};
        int pr = poll(&p, 1, 0);
        if (pr == 0) {
            *fd = t->fd;
            return RDC_SRC_WAIT;
        }
    }
    ssize_t n = read(t->fd, t->buf + t->end, RDC_LINE_MAX - t->end);
    if (n < 0) {
        if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) {
            *fd = t->fd;
            return RDC_SRC_WAIT;
        }
        snprintf(t->error, sizeof t->error, "cannot read %s: %s",
                 strcmp(t->path, "-") == 0 ? "standard input" : t->path, strerror(errno));
        return RDC_SRC_FAIL;
    }
    if (n == 0)
        t->eof = true;
    t->end += (size_t)n;
    return SRC_MORE;
}

/* The next target line of FILE: blanks around it trimmed; blank lines,
 * comments and the tail of an overlong line skipped. */
static int next_line(rdc_targets_t *t, rdc_item_t *item, int *fd)
{
    for (;;) {
        size_t len;
        char *s = take_line(t, &len);
        if (s != NULL) {
            t->line++;
            if (t->skipping) {
                t->skipping = false; /* the tail of an overlong line */
                continue;
            }
            trim_blanks(&s, &len);
            if (len == 0 || s[0] == '#')
                continue;
            return emit_target(t, s, len, t->line, item);
        }
        if (t->eof)
            return RDC_SRC_EOF;
        /* need more input: make room */
        if (t->start > 0) {
            memmove(t->buf, t->buf + t->start, t->end - t->start);
            t->end -= t->start;
            t->start = 0;
        }
        if (t->end == RDC_LINE_MAX) {
            /* an overlong line: report it once, skip to its end */
            bool report = !t->skipping;
            t->skipping = true;
            t->end = 0;
            if (report)
                return overlong_line(t, item);
        }
        int st = read_more(t, fd);
        if (st != SRC_MORE)
            return st;
    }
}

/* The next target: a domain, a command-line target, a line of FILE. */
static int next_target(rdc_targets_t *t, rdc_item_t *item, int *fd)
{
    if (t->domi < t->ndomains)
        return next_domain(t, item);
    if (t->argi < t->argc) {
        const char *a = t->argv[t->argi++];
        return emit_target(t, a, strlen(a), 0, item);
    }
    if (t->fd < 0)
        return RDC_SRC_EOF;
    return next_line(t, item, fd);
}

rdc_src_status_t rdc_targets_next(void *ctx, rdc_item_t *item, int *fd)
{
    rdc_targets_t *t = ctx;
    for (;;) {
        if (t->expanding) {
            rdc_src_status_t st = block_next(t, item);
            if (st != RDC_SRC_EOF)
                return st;
            continue;
        }
        int st = next_target(t, item, fd);
        if (st == SRC_BLOCK)
            continue;
        if (st != RDC_SRC_ITEM)
            return (rdc_src_status_t)st;
        uint64_t pos = t->pos++;
        if (t->shard_n == 0 || pos % t->shard_n == t->shard_i)
            return RDC_SRC_ITEM;
        rdc_item_clear(item); /* another shard's */
    }
}
