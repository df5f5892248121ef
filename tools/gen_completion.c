/* gen_completion.c - writes rdnscheck's shell completions from the option
 * table (src/cli/cli.c, rdc_cli_options), so they never drift from getopt's
 * table: bash (rdnscheck.bash) and zsh (_rdnscheck). Run by the build.
 * Usage: gen_completion bash|zsh OUTFILE
 * What an option's argument completes to comes from the table alone: its
 * choices (--format, --color), files for a FILE argument, nothing else
 * (numbers, names, lists). The output depends on the table only. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

typedef enum value_kind { VALUE_NONE, VALUE_WORDS, VALUE_FILE, VALUE_OTHER } value_kind_t;

static value_kind_t value_kind(const rdc_optdef_t *d)
{
    if (d->arg == RDC_ARG_NONE)
        return VALUE_NONE;
    if (d->choices[0])
        return VALUE_WORDS;
    if (d->argname && strcmp(d->argname, "FILE") == 0)
        return VALUE_FILE;
    return VALUE_OTHER;
}

/* The choices of d, space-separated. */
static void put_choices(FILE *f, const rdc_optdef_t *d)
{
    for (size_t k = 0; k < RDC_OPT_CHOICES && d->choices[k]; k++)
        fprintf(f, "%s%s", k ? " " : "", d->choices[k]);
}

/* Words with a separator, wrapped before column 80: at a wrap brk is
 * written instead of sep (it ends the line) and the next line starts at
 * column indent. */
typedef struct wrap {
    FILE *f;
    const char *sep, *brk;
    size_t col, indent;
    bool any;
} wrap_t;

static void wrap_word(wrap_t *w, const char *word)
{
    size_t len = strlen(word);
    if (w->any && w->col + strlen(w->sep) + len >= 80) {
        fputs(w->brk, w->f);
        w->col = w->indent;
    } else if (w->any) {
        fputs(w->sep, w->f);
        w->col += strlen(w->sep);
    }
    fputs(word, w->f);
    w->col += len;
    w->any = true;
}

/* "-x" or "--name" */
static void wrap_option(wrap_t *w, char letter, const char *name)
{
    char word[64];
    if (letter)
        snprintf(word, sizeof word, "-%c", letter);
    else
        snprintf(word, sizeof word, "--%s", name);
    wrap_word(w, word);
}

/* Bash: a case pattern "-x | --name" for every option with a required
 * argument of this kind; false when there is none. */
static bool bash_pattern(FILE *f, const rdc_optdef_t *t, size_t n, value_kind_t kind)
{
    wrap_t w = {.f = f, .sep = " | ", .brk = " | \\\n    ", .col = 4, .indent = 4};
    for (size_t i = 0; i < n; i++) {
        if (t[i].arg != RDC_ARG_REQUIRED || value_kind(&t[i]) != kind)
            continue;
        if (!w.any)
            fputs("    ", f);
        if (t[i].letter)
            wrap_option(&w, t[i].letter, NULL);
        if (t[i].name)
            wrap_option(&w, 0, t[i].name);
    }
    if (w.any)
        fputs(")\n", f);
    return w.any;
}

static void bash(FILE *f, const rdc_optdef_t *t, size_t n)
{
    fputs("# bash completion for rdnscheck                          -*- shell-script -*-\n"
          "# Generated from the option table in src/cli/cli.c by tools/gen_completion.c:\n"
          "# do not edit. Works with and without the bash-completion package.\n"
          "\n"
          "_rdnscheck()\n"
          "{\n"
          "    local cur prev words cword split=false prefix='' i\n"
          "    if declare -F _init_completion >/dev/null 2>&1; then\n"
          "        _init_completion -s || return\n"
          "    else\n"
          "        COMPREPLY=()\n"
          "        words=(\"${COMP_WORDS[@]}\")\n"
          "        cword=$COMP_CWORD\n"
          "        cur=${words[cword]}\n"
          "        prev=\n"
          "        ((cword > 0)) && prev=${words[cword - 1]}\n"
          "        # COMP_WORDBREAKS splits \"--opt=value\" into \"--opt\" \"=\" \"value\"\n"
          "        if [[ $cur == = && $prev == --* ]]; then\n"
          "            cur='' split=true\n"
          "        elif [[ $prev == = ]] && ((cword > 1)) && [[ ${words[cword - 2]} == --* ]]; "
          "then\n"
          "            prev=${words[cword - 2]} split=true\n"
          "        elif [[ $cur == --*=* ]]; then\n"
          "            prev=${cur%%=*} cur=${cur#*=} split=true\n"
          "        fi\n"
          "    fi\n"
          "    # without \"=\" in COMP_WORDBREAKS the whole \"--opt=value\" is replaced\n"
          "    [[ ${COMP_WORDS[COMP_CWORD]} == --*=* ]] && prefix=${COMP_WORDS[COMP_CWORD]%%=*}=\n"
          "    for ((i = 1; i < cword; i++)); do\n"
          "        [[ ${words[i]} == -- ]] && return # only targets follow\n"
          "    done\n"
          "\n"
          "    case $prev in\n",
          f);
    for (size_t i = 0; i < n; i++) {
        if (value_kind(&t[i]) != VALUE_WORDS || t[i].arg != RDC_ARG_REQUIRED)
            continue;
        fputs(t[i].letter ? "    -" : "    ", f);
        if (t[i].letter)
            fprintf(f, "%c | ", t[i].letter);
        fprintf(f, "--%s)\n        mapfile -t COMPREPLY < <(compgen -W \"", t[i].name);
        put_choices(f, &t[i]);
        fputs("\" -- \"$cur\")\n"
              "        COMPREPLY=(\"${COMPREPLY[@]/#/$prefix}\")\n"
              "        return\n"
              "        ;;\n",
              f);
    }
    if (bash_pattern(f, t, n, VALUE_FILE))
        fputs("        if declare -F _filedir >/dev/null 2>&1; then\n"
              "            _filedir\n"
              "        else\n"
              "            compopt -o filenames 2>/dev/null\n"
              "            mapfile -t COMPREPLY < <(compgen -f -- \"$cur\")\n"
              "        fi\n"
              "        COMPREPLY=(\"${COMPREPLY[@]/#/$prefix}\")\n"
              "        return\n"
              "        ;;\n",
              f);
    if (bash_pattern(f, t, n, VALUE_OTHER))
        fputs("        return # a number, a name or a list: nothing to offer\n"
              "        ;;\n",
              f);
    fputs("    esac\n"
          "    [[ $split == true ]] && return # an argument with nothing to offer\n"
          "\n"
          "    if [[ $cur == -* ]]; then\n"
          "        mapfile -t COMPREPLY < <(compgen -W \"",
          f);
    /* every option: long names, then the letters, in table order; a
     * newline inside the quotes separates words like a space */
    wrap_t w = {.f = f, .sep = " ", .brk = "\n            ", .col = 44, .indent = 12};
    for (size_t i = 0; i < n; i++)
        if (t[i].name)
            wrap_option(&w, 0, t[i].name);
    for (size_t i = 0; i < n; i++)
        if (t[i].letter)
            wrap_option(&w, t[i].letter, NULL);
    fputs("\" -- \"$cur\")\n"
          "    fi\n"
          "    # a TARGET (address, CIDR block, host name): nothing to offer\n"
          "} &&\n"
          "    complete -F _rdnscheck rdnscheck\n",
          f);
}

/* Zsh: d's --help text as one line ("%D" the default), quoted for an
 * _arguments description inside single quotes. */
static void zsh_description(FILE *f, const rdc_optdef_t *d)
{
    fputc('[', f);
    for (const char *p = d->help; p && *p; p++) {
        if (p[0] == '%' && p[1] == 'D') {
            fprintf(f, "%llu", (unsigned long long)d->def);
            p++;
        } else if (*p == '\n') {
            fputc(' ', f);
        } else if (*p == '\'') {
            fputs("'\\''", f);
        } else {
            if (*p == ']' || *p == '[' || *p == '\\')
                fputc('\\', f);
            fputc(*p, f);
        }
    }
    fputc(']', f);
}

/* Zsh: one _arguments spec: "*" (every option may be repeated: the table
 * does not say which may not), the option, how its argument attaches, the
 * description, then message and action. */
static void zsh_spec(FILE *f, const rdc_optdef_t *d, const rdc_optdef_t *text, bool is_long)
{
    fputs("    '*", f);
    if (is_long)
        fprintf(f, "--%s%s", d->name,
                d->arg == RDC_ARG_REQUIRED   ? "="
                : d->arg == RDC_ARG_OPTIONAL ? "=-"
                                             : "");
    else
        fprintf(f, "-%c%s", d->letter, d->arg == RDC_ARG_NONE ? "" : "+");
    zsh_description(f, text);
    if (d->arg != RDC_ARG_NONE) {
        fprintf(f, "%s%s:", d->arg == RDC_ARG_OPTIONAL ? "::" : ":", d->argname);
        switch (value_kind(d)) {
        case VALUE_WORDS:
            fputc('(', f);
            put_choices(f, d);
            fputc(')', f);
            break;
        case VALUE_FILE:
            fputs("_files", f);
            break;
        default:
            fputc(' ', f); /* the message alone, nothing to offer */
            break;
        }
    }
    fputs("' \\\n", f);
}

static void zsh(FILE *f, const rdc_optdef_t *t, size_t n)
{
    const rdc_optdef_t *text = NULL;
    fputs("#compdef rdnscheck\n"
          "# zsh completion for rdnscheck. Generated from the option table in\n"
          "# src/cli/cli.c by tools/gen_completion.c: do not edit.\n"
          "\n"
          "_arguments -s -S \\\n",
          f);
    for (size_t i = 0; i < n; i++) {
        if (t[i].help)
            text = &t[i]; /* an entry without text shares the one before (-6) */
        if (t[i].letter)
            zsh_spec(f, &t[i], text, false);
        if (t[i].name)
            zsh_spec(f, &t[i], text, true);
    }
    fputs("    '*:TARGET (address, CIDR block or host name): '\n", f);
}

int main(int argc, char **argv)
{
    size_t n;
    const rdc_optdef_t *t = rdc_cli_options(&n);
    if (argc != 3 || (strcmp(argv[1], "bash") != 0 && strcmp(argv[1], "zsh") != 0)) {
        fputs("usage: gen_completion bash|zsh OUTFILE\n", stderr);
        return 2;
    }
    FILE *f = fopen(argv[2], "w");
    if (f == NULL) {
        perror(argv[2]);
        return 1;
    }
    if (strcmp(argv[1], "bash") == 0)
        bash(f, t, n);
    else
        zsh(f, t, n);
    if (ferror(f) | fclose(f)) {
        perror(argv[2]);
        remove(argv[2]);
        return 1;
    }
    return 0;
}
