/* print_options.c - prints rdnscheck's option table (src/cli/cli_options.c)
 * for test_docs.sh, which checks that the README and the man page state each
 * option's default, range and choices as the table does. One line per
 * option, tab-separated:
 *   name letter kind ARG min max default choices
 * "-" for what an option does not have; a word option's default is its
 * first choice, and choices are comma-separated. With the argument
 * "plugin", check_rdns's table (src/cli/plugin.c). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void field(const char *s, char sep)
{
    printf("%s%c", s && *s ? s : "-", sep);
}

static void number(uint64_t v, bool present, char sep)
{
    if (present)
        printf("%" PRIu64 "%c", v, sep);
    else
        field(NULL, sep);
}

int main(int argc, char **argv)
{
    static const char *const kinds[] = {"none", "required", "optional"};
    size_t n;
    /* "plugin": check_rdns's table instead */
    bool plugin = argc > 1 && strcmp(argv[1], "plugin") == 0;
    const rdc_optdef_t *t = plugin ? rdc_plugin_options(&n) : rdc_cli_options(&n);
    for (size_t i = 0; i < n; i++) {
        const rdc_optdef_t *d = &t[i];
        char letter[2] = {d->letter, '\0'};
        field(d->name, '\t');
        field(letter, '\t');
        field(kinds[d->arg], '\t');
        field(d->arg == RDC_ARG_NONE ? NULL : d->argname, '\t');
        number(d->min, d->max != 0, '\t');
        number(d->max, d->max != 0, '\t');
        if (d->choices[0])
            field(d->choices[0], '\t');
        else
            number(d->def, d->max != 0 && d->def != 0, '\t');
        for (size_t k = 0; k < RDC_OPT_CHOICES && d->choices[k]; k++)
            printf("%s%s", k ? "," : "", d->choices[k]);
        puts(d->choices[0] ? "" : "-");
    }
    return ferror(stdout) ? 1 : 0;
}
