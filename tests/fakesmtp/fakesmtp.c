/* fakesmtp.c - scripted SMTP server for fault-injection tests of rdnscheck.
 *
 * usage: fakesmtp -m MODE [-a ADDR] [-p PORT] [-n NAME] [-d MS] [-P PORTFILE] [-v]
 *
 *   -a ADDR      numeric IPv4/IPv6 address to listen on (default 127.0.0.1)
 *   -p PORT      TCP port, 0 = chosen by the kernel (default 0)
 *   -m MODE      behaviour of every connection (see below)
 *   -n NAME      host name in the replies (default mail.example.test)
 *   -d MS        greeting delay of mode slow (default 15000)
 *   -P PORTFILE  once listening, write "PORT\n" there (temp file + rename)
 *   -v           log connections and received commands to stderr
 *
 * Modes:
 *   ok          220 greeting; EHLO/HELO -> 250 (PIPELINING, 8BITMIME);
 *               QUIT -> 221 and close; any other command -> 502
 *   multiline   three-line 220 greeting, then as ok
 *   slow        greeting after -d MS (other connections are not held up), then as ok
 *   refuse554   554 reply, then close          refuse421   421 reply, then close
 *   close-mid   "220-NAME ESMTP partial" without line end, then close
 *   garbage     an HTTP 400 response, then close
 *   binary      greeting with raw ESC, NUL and 0xff octets, then as ok
 *   huge        ~100 kB of 220- continuation lines, then "220 NAME done", then as ok
 *   silent      accept and never send anything; close when the client does
 *   noname      "220 ESMTP service ready" (no host name), then as ok
 *
 * Single-threaded and poll()-based with non-blocking sockets; up to 64
 * connections at once, further ones wait in the listen backlog. Client lines
 * end in CRLF or LF; commands sent before the greeting are answered after it.
 * "Then close" means: flush the output, shut down the sending side and drain
 * the client's input (at most 2 s) before closing, so that unread client data
 * never turns the close into a reset that could destroy the last reply.
 * Exit status: 0 after SIGTERM/SIGINT; 2 on bad arguments or if it cannot
 * listen; 1 if PORTFILE cannot be written or on a fatal runtime error.
 */

#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "servemain.h"

#define USAGE "usage: fakesmtp -m MODE [-a ADDR] [-p PORT] [-n NAME] [-d MS] [-P PORTFILE] [-v]"

#define MAX_CONNS 64
#define IN_MAX 4096 /* longest client line that is kept */
#define OUT_HIGH ((size_t)1 << 20) /* stop reading while this much output waits */
#define LINGER_MS 2000 /* drain time after shutting down our side */
#define ACCEPT_PAUSE_MS 100 /* after EMFILE and the like */
#define HUGE_TOTAL (100 * 1024) /* bytes of 220- lines in mode huge */
#define HUGE_LINE 990 /* bytes per such line, CRLF included */
#define NAME_MAX_LEN 255

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

enum mode {
    M_OK,
    M_MULTILINE,
    M_SLOW,
    M_REFUSE554,
    M_REFUSE421,
    M_CLOSE_MID,
    M_GARBAGE,
    M_BINARY,
    M_HUGE,
    M_SILENT,
    M_NONAME
};

static const struct {
    const char *name;
    enum mode mode;
} mode_names[] = {
    {"ok", M_OK},
    {"multiline", M_MULTILINE},
    {"slow", M_SLOW},
    {"refuse554", M_REFUSE554},
    {"refuse421", M_REFUSE421},
    {"close-mid", M_CLOSE_MID},
    {"garbage", M_GARBAGE},
    {"binary", M_BINARY},
    {"huge", M_HUGE},
    {"silent", M_SILENT},
    {"noname", M_NONAME},
};

enum cstate {
    CS_WAIT, /* slow: greeting not yet sent, input is only buffered */
    CS_SESSION, /* greeting sent, commands are answered */
    CS_SILENT, /* input is read and dropped, nothing is ever sent */
    CS_CLOSING, /* output is flushed, then our side is shut down */
    CS_LINGER /* our side shut down, input drained until EOF or deadline */
};

struct conn {
    int fd;
    unsigned long id;
    enum cstate st;
    long long deadline; /* CS_WAIT: greeting time; CS_LINGER: give-up time */
    bool peer_eof;
    bool skipping; /* dropping the rest of an overlong line */
    char *out;
    size_t out_off, out_len, out_cap;
    size_t in_len;
    char in[IN_MAX];
};

static struct {
    enum mode mode;
    const char *name;
    long delay_ms;
    bool verbose;
} cfg = {M_OK, "mail.example.test", 15000, false};

static struct conn *conns[MAX_CONNS];
static size_t nconns;
static unsigned long next_id = 1;
static int sig_pipe[2] = {-1, -1};
static volatile sig_atomic_t got_signal;

static void vlog(const char *fmt, ...) PRINTF_LIKE(1, 2);

static void vlog(const char *fmt, ...)
{
    if (!cfg.verbose)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("fakesmtp: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_signal(int sig)
{
    int saved = errno;
    unsigned char b = (unsigned char)sig;
    got_signal = 1;
    if (write(sig_pipe[1], &b, 1) < 0) {
        /* pipe full: a wake-up is already pending */
    }
    errno = saved;
}

static int set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
        return -1;
    return fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/* --------------------------------------------------------------- output */

static bool out_add(struct conn *c, const void *data, size_t len)
{
    if (c->out_off == c->out_len)
        c->out_off = c->out_len = 0;
    if (c->out_cap - c->out_len < len) {
        size_t ncap = c->out_cap ? c->out_cap : 1024;
        while (ncap - c->out_len < len)
            ncap *= 2;
        char *nb = realloc(c->out, ncap);
        if (!nb) {
            fprintf(stderr, "fakesmtp: out of memory\n");
            return false;
        }
        c->out = nb;
        c->out_cap = ncap;
    }
    memcpy(c->out + c->out_len, data, len);
    c->out_len += len;
    return true;
}

static bool out_str(struct conn *c, const char *s)
{
    return out_add(c, s, strlen(s));
}

static bool out_printf(struct conn *c, const char *fmt, ...) PRINTF_LIKE(2, 3);

static bool out_printf(struct conn *c, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof buf)
        return false;
    return out_add(c, buf, (size_t)n);
}

static size_t out_pending(const struct conn *c)
{
    return c->out_len - c->out_off;
}

/* ----------------------------------------------------------- connections */

static void conn_close(size_t slot, const char *why)
{
    struct conn *c = conns[slot];
    vlog("[%lu] closed (%s)", c->id, why);
    close(c->fd);
    free(c->out);
    free(c);
    conns[slot] = NULL;
    nconns--;
}

/* Mark the connection to be closed once its output has been sent. */
static void conn_finish(struct conn *c)
{
    c->st = CS_CLOSING;
    c->in_len = 0;
}

/* Printable form of client bytes for the log. */
static void escape(const char *s, size_t len, char *dst, size_t cap)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0, i = 0;
    /* leave room for one escape, "..." and the NUL */
    for (; i < len && o + 8 < cap; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x20 && ch < 0x7f && ch != '\\') {
            dst[o++] = (char)ch;
        } else {
            dst[o++] = '\\';
            dst[o++] = 'x';
            dst[o++] = hex[ch >> 4];
            dst[o++] = hex[ch & 15];
        }
    }
    if (i < len) {
        memcpy(dst + o, "...", 3);
        o += 3;
    }
    dst[o] = '\0';
}

static bool verb_is(const char *line, size_t len, const char *verb)
{
    size_t vl = strlen(verb);
    if (len < vl || (len > vl && line[vl] != ' ' && line[vl] != '\t'))
        return false;
    for (size_t i = 0; i < vl; i++) {
        char ch = line[i];
        if (ch >= 'a' && ch <= 'z')
            ch = (char)(ch - 'a' + 'A');
        if (ch != verb[i])
            return false;
    }
    return true;
}

/* Answer one client line (without its line end); false on a fatal error. */
static bool handle_line(struct conn *c, const char *line, size_t len)
{
    char shown[256];
    escape(line, len, shown, sizeof shown);
    vlog("[%lu] C: %s", c->id, shown);

    if (verb_is(line, len, "EHLO") || verb_is(line, len, "HELO"))
        return out_printf(c, "250-%s\r\n250-PIPELINING\r\n250 8BITMIME\r\n", cfg.name);
    if (verb_is(line, len, "QUIT")) {
        conn_finish(c);
        return out_str(c, "221 2.0.0 Bye\r\n");
    }
    return out_str(c, "502 5.5.2 not implemented\r\n");
}

/* Answer the complete lines in the input buffer. */
static bool process_input(struct conn *c)
{
    size_t start = 0;
    while (c->st == CS_SESSION) {
        char *nl = memchr(c->in + start, '\n', c->in_len - start);
        if (!nl)
            break;
        size_t end = (size_t)(nl - c->in);
        size_t next = end + 1;
        if (c->skipping) {
            c->skipping = false;
        } else {
            if (end > start && c->in[end - 1] == '\r')
                end--;
            if (!handle_line(c, c->in + start, end - start))
                return false;
        }
        start = next;
    }
    if (c->st != CS_SESSION) {
        c->in_len = 0;
        return true;
    }
    if (start > 0) {
        memmove(c->in, c->in + start, c->in_len - start);
        c->in_len -= start;
    }
    if (c->in_len == IN_MAX) {
        /* overlong line: answer once, drop the rest of it up to its LF */
        c->in_len = 0;
        if (c->skipping)
            return true;
        vlog("[%lu] C: line longer than %d bytes", c->id, IN_MAX);
        c->skipping = true;
        return out_str(c, "500 5.5.6 line too long\r\n");
    }
    return true;
}

static bool send_greeting(struct conn *c)
{
    bool ok = true;
    c->st = CS_SESSION;
    switch (cfg.mode) {
    case M_OK:
    case M_SLOW:
        ok = out_printf(c, "220 %s ESMTP fakesmtp\r\n", cfg.name);
        break;
    case M_MULTILINE:
        ok = out_printf(c, "220-%s ESMTP first line\r\n220-second line\r\n220 third line\r\n",
                        cfg.name);
        break;
    case M_REFUSE554:
        ok = out_printf(c, "554 5.7.1 %s no SMTP service here\r\n", cfg.name);
        conn_finish(c);
        break;
    case M_REFUSE421:
        ok = out_printf(c, "421 4.3.2 %s service not available\r\n", cfg.name);
        conn_finish(c);
        break;
    case M_CLOSE_MID:
        ok = out_printf(c, "220-%s ESMTP partial", cfg.name);
        conn_finish(c);
        break;
    case M_GARBAGE:
        ok = out_str(c, "HTTP/1.1 400 Bad Request\r\n\r\n");
        conn_finish(c);
        break;
    case M_BINARY: {
        static const char tail[] = "\x1b[31mred\0nul\xff\r\n";
        ok = out_printf(c, "220 %s ", cfg.name) && out_add(c, tail, sizeof tail - 1);
        break;
    }
    case M_HUGE: {
        char line[HUGE_LINE];
        memset(line, 'x', sizeof line);
        memcpy(line, "220-", 4);
        memcpy(line + HUGE_LINE - 2, "\r\n", 2);
        for (size_t total = 0; ok && total < HUGE_TOTAL; total += HUGE_LINE)
            ok = out_add(c, line, sizeof line);
        ok = ok && out_printf(c, "220 %s done\r\n", cfg.name);
        break;
    }
    case M_NONAME:
        ok = out_str(c, "220 ESMTP service ready\r\n");
        break;
    case M_SILENT:
        c->st = CS_SILENT;
        break;
    }
    return ok && process_input(c);
}

static void do_accept(int lfd, long long *accept_pause_until)
{
    while (nconns < MAX_CONNS) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        int fd = accept(lfd, (struct sockaddr *)&ss, &sl);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK) {
                fprintf(stderr, "fakesmtp: accept: %s\n", strerror(errno));
                *accept_pause_until = now_ms() + ACCEPT_PAUSE_MS;
            }
            return;
        }
        struct conn *c = calloc(1, sizeof *c);
        if (!c || set_nonblock(fd) < 0) {
            fprintf(stderr, "fakesmtp: cannot set up connection: %s\n",
                    c ? strerror(errno) : "out of memory");
            free(c);
            close(fd);
            return;
        }
        c->fd = fd;
        c->id = next_id++;
        size_t slot = 0;
        while (conns[slot])
            slot++;
        conns[slot] = c;
        nconns++;
        if (cfg.verbose) {
            char host[128], serv[16];
            if (getnameinfo((struct sockaddr *)&ss, sl, host, sizeof host, serv, sizeof serv,
                            NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
                strcpy(host, "?");
                strcpy(serv, "?");
            }
            vlog("[%lu] connection from %s port %s", c->id, host, serv);
        }
        if (cfg.mode == M_SLOW && cfg.delay_ms > 0) {
            c->st = CS_WAIT;
            c->deadline = now_ms() + cfg.delay_ms;
        } else if (!send_greeting(c)) {
            conn_close(slot, "out of memory");
        }
    }
}

/* recv (or send, without SIGPIPE) on fd, again after EINTR. */
static ssize_t xfer(int fd, char *buf, size_t len, bool sending)
{
    ssize_t n;
    do
        n = sending ? send(fd, buf, len, MSG_NOSIGNAL) : recv(fd, buf, len, 0);
    while (n < 0 && errno == EINTR);
    return n;
}

/* After xfer failed: true if it only has to wait for poll (EAGAIN); any
 * other error closes the connection, false. */
static bool xfer_failed(size_t slot)
{
    if (errno == EAGAIN || errno == EWOULDBLOCK)
        return true;
    conn_close(slot, strerror(errno));
    return false;
}

/* Read what the client sent; false if the connection was closed. */
static bool conn_read(size_t slot)
{
    struct conn *c = conns[slot];
    for (;;) {
        char scratch[4096];
        char *buf = scratch;
        size_t room = sizeof scratch;
        bool keep = c->st == CS_WAIT || c->st == CS_SESSION;
        if (keep) {
            buf = c->in + c->in_len;
            room = IN_MAX - c->in_len;
            if (room == 0)
                return true;
        }
        ssize_t n = xfer(c->fd, buf, room, false);
        if (n < 0)
            return xfer_failed(slot);
        if (n == 0) {
            c->peer_eof = true;
            if ((c->st == CS_SESSION || c->st == CS_CLOSING) && out_pending(c) > 0) {
                vlog("[%lu] client closed its side", c->id);
                conn_finish(c);
                return true;
            }
            conn_close(slot,
                       c->st == CS_WAIT ? "client closed before the greeting" : "client closed");
            return false;
        }
        if (c->st == CS_SILENT) {
            vlog("[%lu] ignored %zd bytes", c->id, n);
        } else if (keep) {
            c->in_len += (size_t)n;
            if (c->st == CS_SESSION && !process_input(c)) {
                conn_close(slot, "out of memory");
                return false;
            }
            if (c->st == CS_SESSION && out_pending(c) >= OUT_HIGH)
                return true; /* client does not read: stop reading too */
        }
    }
}

/* Send pending output; false if the connection was closed. */
static bool conn_write(size_t slot)
{
    struct conn *c = conns[slot];
    while (out_pending(c) > 0) {
        ssize_t n = xfer(c->fd, c->out + c->out_off, out_pending(c), true);
        if (n < 0)
            return xfer_failed(slot);
        c->out_off += (size_t)n;
    }
    c->out_off = c->out_len = 0;
    if (c->st == CS_CLOSING) {
        if (c->peer_eof || shutdown(c->fd, SHUT_WR) < 0) {
            conn_close(slot, "done");
            return false;
        }
        c->st = CS_LINGER;
        c->deadline = now_ms() + LINGER_MS;
    }
    return true;
}

static void conn_event(size_t slot, short revents)
{
    struct conn *c = conns[slot];
    if (revents & (POLLERR | POLLNVAL)) {
        int err = 0;
        socklen_t el = sizeof err;
        if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0 || err == 0)
            err = EIO;
        conn_close(slot, strerror(err));
        return;
    }
    if ((revents & (POLLIN | POLLHUP)) && !conn_read(slot))
        return;
    c = conns[slot];
    if ((revents & POLLHUP) && !(revents & POLLIN)) {
        conn_close(slot, "hang-up");
        return;
    }
    if (out_pending(c) > 0 || c->st == CS_CLOSING)
        conn_write(slot);
}

static short conn_events(const struct conn *c)
{
    short ev = 0;
    switch (c->st) {
    case CS_WAIT:
        if (c->in_len < IN_MAX)
            ev |= POLLIN;
        break;
    case CS_SESSION:
        if (out_pending(c) < OUT_HIGH)
            ev |= POLLIN;
        break;
    case CS_SILENT:
    case CS_LINGER:
        ev |= POLLIN;
        break;
    case CS_CLOSING:
        break;
    }
    if (out_pending(c) > 0)
        ev |= POLLOUT;
    return ev;
}

/* --------------------------------------------------------------- startup */

/* Listening socket on addr:port; -1 with a message on stderr. */
static int open_listener(const char *addr, const char *port, unsigned *bound_port)
{
    struct addrinfo hints, *ai = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
    int rc = getaddrinfo(addr, port, &hints, &ai);
    if (rc != 0) {
        fprintf(stderr, "fakesmtp: bad address '%s': %s; " USAGE "\n", addr, gai_strerror(rc));
        return -1;
    }
    int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    int one = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 128) < 0 || set_nonblock(fd) < 0) {
        fprintf(stderr, "fakesmtp: cannot listen on %s port %s: %s\n", addr, port, strerror(errno));
        if (fd >= 0)
            close(fd);
        freeaddrinfo(ai);
        return -1;
    }
    freeaddrinfo(ai);
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0) {
        fprintf(stderr, "fakesmtp: getsockname: %s\n", strerror(errno));
        close(fd);
        return -1;
    }
    in_port_t p = ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                           : ((struct sockaddr_in *)&ss)->sin_port;
    *bound_port = ntohs(p);
    return fd;
}

static int setup_signals(void)
{
    if (pipe(sig_pipe) < 0 || set_nonblock(sig_pipe[0]) < 0 || set_nonblock(sig_pipe[1]) < 0)
        return -1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_signal;
    if (sigaction(SIGTERM, &sa, NULL) < 0 || sigaction(SIGINT, &sa, NULL) < 0)
        return -1;
    sa.sa_handler = SIG_IGN;
    return sigaction(SIGPIPE, &sa, NULL);
}

/* ------------------------------------------------------------- main loop */

static int serve(int lfd)
{
    struct pollfd pfd[2 + MAX_CONNS];
    size_t slot_of[2 + MAX_CONNS];
    long long accept_pause_until = 0;

    while (!got_signal) {
        long long now = now_ms();
        long long next = -1;
        nfds_t n = 0;

        pfd[n].fd = sig_pipe[0];
        pfd[n].events = POLLIN;
        n++;
        nfds_t lidx = 0;
        if (nconns < MAX_CONNS) {
            if (accept_pause_until <= now) {
                lidx = n;
                pfd[n].fd = lfd;
                pfd[n].events = POLLIN;
                n++;
            } else {
                next = accept_pause_until;
            }
        }
        for (size_t s = 0; s < MAX_CONNS; s++) {
            const struct conn *c = conns[s];
            if (!c)
                continue;
            if ((c->st == CS_WAIT || c->st == CS_LINGER) && (next < 0 || c->deadline < next))
                next = c->deadline;
            slot_of[n] = s;
            pfd[n].fd = c->fd;
            pfd[n].events = conn_events(c);
            n++;
        }
        int timeout = -1;
        if (next >= 0)
            timeout = next <= now ? 0 : (next - now > INT_MAX ? INT_MAX : (int)(next - now));

        int rc = poll(pfd, n, timeout);
        if (rc < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "fakesmtp: poll: %s\n", strerror(errno));
            return 1;
        }
        if (pfd[0].revents)
            break;
        for (nfds_t i = 1; i < n; i++) {
            if (i == lidx || !pfd[i].revents || !conns[slot_of[i]])
                continue;
            conn_event(slot_of[i], pfd[i].revents);
        }
        now = now_ms();
        for (size_t s = 0; s < MAX_CONNS; s++) {
            struct conn *c = conns[s];
            if (!c || c->deadline > now)
                continue;
            if (c->st == CS_WAIT) {
                c->deadline = 0;
                if (!send_greeting(c))
                    conn_close(s, "out of memory");
                else if (out_pending(c) > 0 || c->st == CS_CLOSING)
                    conn_write(s);
            } else if (c->st == CS_LINGER) {
                conn_close(s, "drain time over");
            }
        }
        if (lidx && pfd[lidx].revents)
            do_accept(lfd, &accept_pause_until);
    }
    return 0;
}

/* -m MODE, -n NAME, -d MS and -v into cfg. */
static int own_option(servemain_t *sm, int opt, const char *arg, void *ctx)
{
    bool *have_mode = ctx;
    unsigned long v;

    switch (opt) {
    case 'm': {
        size_t i = 0;
        while (i < sizeof mode_names / sizeof mode_names[0] && strcmp(mode_names[i].name, arg) != 0)
            i++;
        if (i == sizeof mode_names / sizeof mode_names[0])
            return servemain_usage(sm, "unknown mode '%s'", arg);
        cfg.mode = mode_names[i].mode;
        *have_mode = true;
        break;
    }
    case 'n': {
        size_t len = strlen(arg);
        bool ok = len > 0 && len <= NAME_MAX_LEN;
        for (size_t i = 0; ok && i < len; i++)
            ok = (unsigned char)arg[i] >= 0x20 && (unsigned char)arg[i] != 0x7f;
        if (!ok)
            return servemain_usage(sm, "bad name '%s' (1-255 bytes, no control characters)", arg);
        cfg.name = arg;
        break;
    }
    case 'd':
        if (!servemain_ulong(arg, INT_MAX, &v))
            return servemain_usage(sm, "bad delay '%s' (milliseconds)", arg);
        cfg.delay_ms = (long)v;
        break;
    case 'v':
        cfg.verbose = true;
        break;
    }
    return SERVEMAIN_GO_ON;
}

int main(int argc, char **argv)
{
    servemain_t sm = {.prog = "fakesmtp", .usage = USAGE, .addr = "127.0.0.1"};
    bool have_mode = false;

    int rc = servemain_parse(&sm, argc, argv, "m:n:d:v", own_option, &have_mode);
    if (rc != SERVEMAIN_GO_ON)
        return rc;
    if (!have_mode)
        return servemain_usage(&sm, "missing -m MODE");

    if (setup_signals() < 0) {
        fprintf(stderr, "fakesmtp: cannot set up signals: %s\n", strerror(errno));
        return 1;
    }
    unsigned bound = 0;
    int lfd = open_listener(sm.addr, sm.port_arg, &bound);
    if (lfd < 0)
        return 2;
    vlog("listening on %s port %u", sm.addr, bound);
    if (servemain_ready(&sm, bound) != 0) {
        close(lfd);
        return 1;
    }

    rc = serve(lfd);
    for (size_t s = 0; s < MAX_CONNS; s++)
        if (conns[s])
            conn_close(s, "shutting down");
    close(lfd);
    close(sig_pipe[0]);
    close(sig_pipe[1]);
    vlog("stopped");
    return rc;
}
