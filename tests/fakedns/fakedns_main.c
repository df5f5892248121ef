/* fakedns_main.c - command-line front end of the fakedns test responder.
 * Serves a rule script until SIGTERM/SIGINT so that shell-driven integration
 * tests can point rdnscheck at a scripted, misbehaving DNS server.
 * Exit status: 0 after SIGTERM/SIGINT; 2 if it cannot start (bad arguments,
 * unreadable or bad script, log file, bind); 1 if PORTFILE cannot be written. */

#define _POSIX_C_SOURCE 200809L

#include "fakedns.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* Write "PORT\n" to path atomically (temp file + rename). */
static int write_portfile(const char *path, unsigned port)
{
    size_t n = strlen(path) + 32;
    char *tmp = malloc(n);
    if (!tmp)
        return -1;
    snprintf(tmp, n, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) {
        free(tmp);
        return -1;
    }
    int bad = fprintf(f, "%u\n", port) < 0;
    bad |= fflush(f) != 0;
    bad |= fsync(fileno(f)) != 0;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        free(tmp);
        errno = e;
        return -1;
    }
    free(tmp);
    return 0;
}

int main(int argc, char **argv)
{
    const char *script_path = NULL, *addr = NULL, *portfile = NULL, *logpath = NULL;
    unsigned long port = 0;
    char *end, err[512];
    int opt;

    opterr = 0;
    while ((opt = getopt(argc, argv, "s:a:p:P:l:h")) != -1) {
        switch (opt) {
        case 's':
            script_path = optarg;
            break;
        case 'a':
            addr = optarg;
            break;
        case 'p':
            errno = 0;
            port = strtoul(optarg, &end, 10);
            if (errno || *optarg == '\0' || *end != '\0' || port > 65535) {
                fprintf(stderr, "fakedns: bad port '%s'\n", optarg);
                return 2;
            }
            break;
        case 'P':
            portfile = optarg;
            break;
        case 'l':
            logpath = optarg;
            break;
        case 'h':
            puts(USAGE);
            return 0;
        default:
            fprintf(stderr, "fakedns: bad option '-%c'; " USAGE "\n", optopt);
            return 2;
        }
    }
    if (optind != argc || !script_path) {
        fprintf(stderr, "fakedns: %s; " USAGE "\n",
                script_path ? "unexpected argument" : "missing -s SCRIPTFILE");
        return 2;
    }

    char *script = slurp(script_path);
    if (!script) {
        fprintf(stderr, "fakedns: cannot read %s: %s\n", script_path, strerror(errno));
        return 2;
    }
    FILE *logf = NULL;
    if (logpath && !(logf = fopen(logpath, "w"))) {
        fprintf(stderr, "fakedns: cannot open %s: %s\n", logpath, strerror(errno));
        free(script);
        return 2;
    }

    /* Block the stop signals before the server thread exists; sigwait below. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);

    fakedns_t *dns = fakedns_start_ex(script, addr, (unsigned)port, logf ? log_line : NULL, logf,
                                      err, sizeof err);
    free(script);
    if (!dns) {
        fprintf(stderr, "fakedns: %s%s%s\n", strncmp(err, "line ", 5) == 0 ? script_path : "",
                strncmp(err, "line ", 5) == 0 ? ": " : "", err);
        if (logf)
            fclose(logf);
        return 2;
    }
    if (portfile && write_portfile(portfile, fakedns_port(dns)) != 0) {
        fprintf(stderr, "fakedns: cannot write %s: %s\n", portfile, strerror(errno));
        fakedns_stop(dns);
        if (logf)
            fclose(logf);
        return 1;
    }

    int sig = 0;
    while (sigwait(&set, &sig) != 0)
        ;
    fakedns_stop(dns);
    if (logf)
        fclose(logf);
    return 0;
}
