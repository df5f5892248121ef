/* servemain.c - the command line shared by the scripted test servers. */

#define _POSIX_C_SOURCE 200809L

#include "servemain.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool servemain_ulong(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    if (*s < '0' || *s > '9')
        return false;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end != '\0' || v > max)
        return false;
    *out = v;
    return true;
}

int servemain_usage(const servemain_t *sm, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", sm->prog);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "; %s\n", sm->usage);
    return 2;
}

int servemain_parse(servemain_t *sm, int argc, char **argv, const char *extra, servemain_opt_fn opt,
                    void *ctx)
{
    char optstring[64];
    unsigned long port;
    int c;

    snprintf(optstring, sizeof optstring, ":a:p:P:h%s", extra);
    sm->port_arg = "0";
    sm->port = 0;
    sm->portfile = NULL;
    opterr = 0;
    while ((c = getopt(argc, argv, optstring)) != -1) {
        int rc = SERVEMAIN_GO_ON;
        switch (c) {
        case 'a':
            sm->addr = optarg;
            break;
        case 'p':
            if (!servemain_ulong(optarg, 65535, &port))
                return servemain_usage(sm, "bad port '%s'", optarg);
            sm->port = (unsigned)port;
            sm->port_arg = optarg;
            break;
        case 'P':
            sm->portfile = optarg;
            break;
        case 'h':
            puts(sm->usage);
            return 0;
        case ':':
            return servemain_usage(sm, "option -%c needs an argument", optopt);
        case '?':
            return servemain_usage(sm, "bad option '-%c'", optopt);
        default:
            rc = opt(sm, c, optarg, ctx);
            break;
        }
        if (rc != SERVEMAIN_GO_ON)
            return rc;
    }
    if (optind != argc)
        return servemain_usage(sm, "unexpected argument '%s'", argv[optind]);
    return SERVEMAIN_GO_ON;
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

int servemain_ready(const servemain_t *sm, unsigned port)
{
    if (sm->portfile && write_portfile(sm->portfile, port) != 0) {
        fprintf(stderr, "%s: cannot write %s: %s\n", sm->prog, sm->portfile, strerror(errno));
        return 1;
    }
    return 0;
}
