/* cli_usage.c - --help, rendered from the option table (cli_options.c),
 * and --version. */
#include "cli_usage.h"

#include "cli_options.h"

#include <inttypes.h>
#include <string.h>

/* --help's left column for d: "-x, --name ARG", "    --name[=ARG]"... */
static void usage_label(const rdc_optdef_t *d, char *buf, size_t cap)
{
    char shortopt[8] = "    ";
    const char *open = "", *close = "", *arg = "";
    if (d->label) {
        snprintf(buf, cap, "%s", d->label);
        return;
    }
    if (d->letter)
        snprintf(shortopt, sizeof shortopt, "-%c, ", d->letter);
    if (d->arg != RDC_ARG_NONE) {
        open = d->arg == RDC_ARG_OPTIONAL ? "[=" : " ";
        close = d->arg == RDC_ARG_OPTIONAL ? "]" : "";
        arg = d->argname;
    }
    snprintf(buf, cap, "%s--%s%s%s%s", shortopt, d->name, open, arg, close);
}

/* One option's entry in --help: the left column, then its text with "%D"
 * replaced by the default, continuation lines indented under it. */
void rdc_cli_usage_option(FILE *f, const rdc_optdef_t *d)
{
    char label[64];
    if (d->heading)
        fputs(d->heading, f);
    if (d->help == NULL)
        return;
    usage_label(d, label, sizeof label);
    if (strlen(label) > 21)
        fprintf(f, "  %s\n%24s", label, "");
    else
        fprintf(f, "  %-21s ", label);
    for (const char *p = d->help; *p; p++) {
        if (p[0] == '%' && p[1] == 'D') {
            fprintf(f, "%" PRIu64, d->def);
            p++;
        } else if (*p == '\n') {
            fprintf(f, "\n%24s", "");
        } else {
            fputc(*p, f);
        }
    }
    fputc('\n', f);
}

void rdc_cli_usage(FILE *f)
{
    fputs("Usage: rdnscheck [OPTION]... TARGET...\n"
          "       rdnscheck [OPTION]... -f FILE\n"
          "Check that each address has reverse DNS (PTR) whose name resolves back to it\n"
          "(forward-confirmed reverse DNS), as mail receivers require.\n"
          "\n"
          "TARGET is an IPv4 or IPv6 address, a host name (each of its A and AAAA\n"
          "addresses is checked) or a CIDR block (every address in it). With no TARGET,\n"
          "FILE or domain, the targets are read from standard input when it is not a\n"
          "terminal.\n"
          "\n"
          "Options:\n",
          f);
    size_t n;
    const rdc_optdef_t *options = rdc_cli_options(&n);
    for (size_t i = 0; i < n; i++)
        rdc_cli_usage_option(f, &options[i]);
    fputs("\n"
          "Exit status:\n"
          "  0  every address passed (warnings allowed unless --strict)\n"
          "  1  at least one address failed\n"
          "  2  usage or input error (bad option, bad target, unreadable file, output error)\n"
          "  3  at least one check could not be decided (DNS timeout, SERVFAIL, ...)\n"
          "  When several apply: 2, then 1, then 3. 130/143: stopped by SIGINT/SIGTERM.\n"
          "  With --format nagios: 0 OK, 1 WARNING (warn), 2 CRITICAL (fail), 3 UNKNOWN\n"
          "  (tempfail, bad input, usage error); CRITICAL, then WARNING, then UNKNOWN.\n"
          "  Called as check_rdns, a monitoring plugin: see check_rdns --help.\n"
          "\n"
          "Examples:\n"
          "  rdnscheck 192.0.2.10\n"
          "  rdnscheck --json mail.example.com\n"
          "  rdnscheck -q \"$ip\" || exit 1\n"
          "  rdnscheck -s 127.0.0.1:5353 -f addresses.txt\n",
          f);
}

void rdc_cli_version(FILE *f)
{
    fprintf(f, "rdnscheck %s (c-ares %s)\n", RDC_VERSION, rdc_resolver_version());
}
