/* fakedns_main.c - command-line front end of the fakedns test responder.
 * Serves a rule script until SIGTERM/SIGINT so that shell-driven integration
 * tests can point rdnscheck at a scripted, misbehaving DNS server.
 * Exit status: 0 after SIGTERM/SIGINT; 2 if it cannot start (bad arguments,
 * unreadable or bad script, log file, bind); 1 if PORTFILE cannot be written. */

#define _POSIX_C_SOURCE 200809L

#include "fakedns.h"
#include "servemain.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define USAGE "usage: fakedns -s SCRIPTFILE [-a ADDR] [-p PORT] [-P PORTFILE] [-l LOGFILE]"

/* Query callback: one "<proto> <qname> <qtype>" line per query, flushed. */
static void log_line(void *ctx, const char *proto, const char *qname, const char *qtype)
{
    FILE *f = ctx;
    fprintf(f, "%s %s %s\n", proto, qname, qtype);
    fflush(f);
}

/* Read a whole file as a NUL-terminated string; NULL with errno on error. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0;

    if (!f)
        return NULL;
    for (;;) {
        if (cap - len < 4096) {
            size_t ncap = cap ? cap * 2 : 8192;
            char *nb = realloc(buf, ncap);
            if (!nb) {
                free(buf);
                fclose(f);
                errno = ENOMEM;
                return NULL;
            }
            buf = nb;
            cap = ncap;
        }
        size_t n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0)
            break;
    }
    if (ferror(f)) {
        int e = errno;
        free(buf);
        fclose(f);
        errno = e ? e : EIO;
        return NULL;
    }
    fclose(f);
    buf[len] = '\0';
    return buf;
}

/* -s SCRIPTFILE and -l LOGFILE. */
struct paths {
    const char *script, *log;
};

static int own_option(servemain_t *sm, int opt, const char *arg, void *ctx)
{
    struct paths *p = ctx;
    (void)sm;
    if (opt == 's')
        p->script = arg;
    else
        p->log = arg;
    return SERVEMAIN_GO_ON;
}

int main(int argc, char **argv)
{
    servemain_t sm = {.prog = "fakedns", .usage = USAGE};
    struct paths paths = {NULL, NULL};
    char err[512];

    int rc = servemain_parse(&sm, argc, argv, "s:l:", own_option, &paths);
    if (rc != SERVEMAIN_GO_ON)
        return rc;
    if (!paths.script)
        return servemain_usage(&sm, "missing -s SCRIPTFILE");

    char *script = slurp(paths.script);
    if (!script) {
        fprintf(stderr, "fakedns: cannot read %s: %s\n", paths.script, strerror(errno));
        return 2;
    }
    FILE *logf = NULL;
    if (paths.log && !(logf = fopen(paths.log, "w"))) {
        fprintf(stderr, "fakedns: cannot open %s: %s\n", paths.log, strerror(errno));
        free(script);
        return 2;
    }

    /* Block the stop signals before the server thread exists; sigwait below. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);

    fakedns_t *dns =
        fakedns_start_ex(script, sm.addr, sm.port, logf ? log_line : NULL, logf, err, sizeof err);
    free(script);
    if (!dns) {
        fprintf(stderr, "fakedns: %s%s%s\n", strncmp(err, "line ", 5) == 0 ? paths.script : "",
                strncmp(err, "line ", 5) == 0 ? ": " : "", err);
        if (logf)
            fclose(logf);
        return 2;
    }
    rc = servemain_ready(&sm, fakedns_port(dns));
    if (rc == 0) {
        int sig = 0;
        while (sigwait(&set, &sig) != 0)
            ;
    }
    fakedns_stop(dns);
    if (logf)
        fclose(logf);
    return rc;
}
