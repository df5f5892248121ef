/* servemain.h - the command line shared by the scripted test servers
 * (tests/fakedns, tests/fakesmtp): the options -a ADDR, -p PORT, -P PORTFILE
 * and -h, one-line usage errors (exit status 2), and the port file that
 * tells a test script the server is listening (exit status 1 if it cannot be
 * written). The servers' own options are handled by a callback. */
#ifndef SERVEMAIN_H
#define SERVEMAIN_H

#include <stdbool.h>

#if defined(__GNUC__)
#define SERVEMAIN_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define SERVEMAIN_PRINTF(f, a)
#endif

/* servemain_parse and option callbacks: go on (not an exit status). */
#define SERVEMAIN_GO_ON (-1)

typedef struct servemain {
    const char *prog; /* "fakedns": the prefix of every message */
    const char *usage; /* "usage: fakedns ...", printed by -h and after errors */
    const char *addr; /* -a ADDR; the caller sets the default */
    const char *port_arg; /* -p PORT as given, "0" without -p */
    unsigned port; /* its value, 0..65535 */
    const char *portfile; /* -P PORTFILE, NULL without -P */
} servemain_t;

/* Called for each option letter of servemain_parse's `extra` with its
 * argument (NULL for a letter without one): SERVEMAIN_GO_ON, or an exit
 * status (servemain_usage's 2 for a bad value). */
typedef int (*servemain_opt_fn)(servemain_t *sm, int opt, const char *arg, void *ctx);

/* Parse argv with getopt: -a, -p, -P and -h here, the letters in `extra`
 * (getopt syntax, "m:v") by `opt`; no operands. sm->prog and sm->usage must
 * be set, sm->addr may hold the default. Returns SERVEMAIN_GO_ON, or the exit
 * status for main: 0 after -h (usage on stdout), 2 after a usage error. */
int servemain_parse(servemain_t *sm, int argc, char **argv, const char *extra, servemain_opt_fn opt,
                    void *ctx);

/* Decimal digits only (no sign, no space), at most max, into *out. */
bool servemain_ulong(const char *s, unsigned long max, unsigned long *out);

/* "PROG: MESSAGE; USAGE" as one line on stderr; returns 2. */
int servemain_usage(const servemain_t *sm, const char *fmt, ...) SERVEMAIN_PRINTF(2, 3);

/* Once listening on `port`: write "PORT\n" to the -P file, if there is one,
 * through a temp file and rename(2), so that a reader never sees it half
 * written. 0, or 1 (the exit status) after "PROG: cannot write PORTFILE: ..."
 * on stderr. */
int servemain_ready(const servemain_t *sm, unsigned port);

#endif /* SERVEMAIN_H */
