/*
 * test_cli.c - integration-test runner for the rdnscheck command line.
 *
 * Runs the real rdnscheck binary once per case of a cases file (format: see
 * the top of cases.txt) against the Knot/Unbound servers that
 * scripts/servers.sh starts, and checks exit status and output. Each case is
 * one cmocka test, so the output lists every case by name.
 *
 * Usage: test_cli [RDNSCHECK [CASES [KNOT_SERVER]]]
 *
 * Arguments that are not given are taken from the environment:
 *   RDC_BINARY          path of the rdnscheck binary
 *   RDC_CASES           path of the cases file
 *   RDC_KNOT_SERVER     Knot address:port    (default 127.0.0.1:$RDC_KNOT_PORT;
 *                       RDC_KNOT is an alias)
 *   RDC_UNBOUND_SERVER  Unbound address:port (default 127.0.0.1:$RDC_UNBOUND_PORT;
 *                       RDC_UNBOUND is an alias)
 *   RDC_KNOT_PORT       default 53535
 *   RDC_UNBOUND_PORT    default 53536
 *   RDC_CASE_FILTER     run only the cases whose name matches (cmocka pattern,
 *                       '*' and '?' wildcards)
 *   RDC_CASE_TIME_LIMIT default per-case time limit in ms (20000)
 *   RDC_TIME_SCALE      multiply every time limit (e.g. 10 under valgrind)
 *   RDC_WRAPPER         command words put before the binary, e.g.
 *                       "valgrind -q --error-exitcode=99 --leak-check=full"
 *   RDC_VERBOSE         if set and not "0", print every command and its output
 *   RDC_JSON_CHECK      command words that validate JSON Lines against the
 *                       schema (tests/json/check_schema.py SCHEMA; CMake sets
 *                       it): every stdout line of a case run with --json or
 *                       --format json, and every line starting with '{' of
 *                       any case, goes to a log as "CASE<TAB>LINE", and a
 *                       last test, json-schema, runs the command on it with
 *                       --tagged (a filter that leaves out that name skips it)
 *   CI                  "true" (or "1"): a case whose requirement is missing
 *                       (requires: knot6 without Knot on ::1) fails instead of
 *                       being skipped (issue 9: no silent skips in CI)
 *
 * The runner fails loudly (exit 1, nothing run) if a case needs Knot (the
 * default server, or @KNOT@/@KNOT6@) and Knot does not answer, or if a case
 * needs Unbound and Unbound does not answer: scripts/test.sh always starts
 * both. A file of scripted cases only (faults.txt: every case names its
 * servers, @FAKE@ and the like) runs without them.
 *
 * A case may run up to three scripted responders (tests/fakedns), started
 * fresh for the case on 127.0.0.1: fakedns: at @FAKE@, fakedns2: at @FAKE2@,
 * fakedns3: at @FAKE3@ (format: see the top of faults.txt).
 */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fakedns.h"

#define DEFAULT_TIME_LIMIT_MS 20000L
#define DEFAULT_TOOL_TIMEOUT "1000"
#define PROBE_TIMEOUT_MS 2000
#define MAX_SHOWN_OUTPUT 6000
#define MAX_FAKES 3 /* fakedns:, fakedns2:, fakedns3: */

enum stream { STREAM_STDOUT, STREAM_STDERR };

enum check_kind { CHECK_HAS, CHECK_LACKS, CHECK_ORDER, CHECK_COUNT };

struct check {
    enum check_kind kind;
    enum stream stream;
    char *text;
    long count; /* CHECK_COUNT: expected number of occurrences */
    int line;
};

struct case_file {
    char *name;
    char *content;
};

/* fakedns-count: QNAME QTYPE OP N (OP: = >= <=), checked after the run;
 * fakedns2-count: and fakedns3-count: count at the second and third
 * responder. */
struct fake_count {
    int server; /* 0 = fakedns:, 1 = fakedns2:, 2 = fakedns3: */
    char *qname, *qtype;
    char op;
    unsigned long n;
    int line;
};

struct test_case {
    char *name;
    int line;
    char **args;
    size_t nargs;
    char *server;
    bool noserver;
    char *stdin_text;
    struct case_file *files;
    size_t nfiles;
    char **env;
    size_t nenv;
    bool has_exit;
    int exit_code;
    struct check *checks;
    size_t nchecks;
    long stdout_lines;
    long stderr_lines;
    long time_limit_ms;
    char *requires;
    /* fakedns:, fakedns2:, fakedns3: blocks, served at @FAKE@, @FAKE2@,
     * @FAKE3@ for this case */
    char *fakedns_script[MAX_FAKES];
    struct fake_count *fake_counts;
    size_t nfake_counts;
    long elapsed_max_ms; /* elapsed-max: the run must end within this */
};

struct buffer {
    char *data;
    size_t len;
    size_t cap;
};

/* Global run configuration. */
static const char *g_binary;
static const char *g_cases_path;
static char g_knot[128];
static char g_knot6[128];
static char g_unbound[128];
static char g_dead[64];
static char g_silent[64];
static char g_fake[MAX_FAKES][64] = {"@FAKE@", "@FAKE2@", "@FAKE3@"};
static const char *const g_fake_names[MAX_FAKES] = {"@FAKE@", "@FAKE2@", "@FAKE3@"};
static char g_tmp_root[PATH_MAX];
static bool g_knot6_ok;
static bool g_ci; /* CI=true: a missing requirement fails the case */
static bool g_verbose;
static long g_default_time_limit = DEFAULT_TIME_LIMIT_MS;
static long g_time_scale = 1;
static char **g_wrapper;
static size_t g_nwrapper;
static int g_silent_udp = -1;
static int g_silent_tcp = -1;
static char **g_json_check; /* RDC_JSON_CHECK's words, NULL-terminated, or NULL */
static size_t g_njson_check;
static FILE *g_json_log; /* every JSON line of every case, tagged */
static char g_json_log_path[PATH_MAX + 32];
static unsigned long g_json_lines;

static struct test_case *g_cases;
static size_t g_ncases;

/* ------------------------------------------------------------------ util */

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
    va_list ap;

    fputs("test_cli: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n == 0 ? 1 : n);

    if (p == NULL) {
        die("out of memory");
    }
    return p;
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n == 0 ? 1 : n);

    if (q == NULL) {
        die("out of memory");
    }
    return q;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s);
    char *p = xmalloc(n + 1);

    memcpy(p, s, n + 1);
    return p;
}

static char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);

    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static void buf_append(struct buffer *b, const char *data, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap == 0 ? 256 : b->cap;

        while (b->len + n + 1 > cap) {
            cap *= 2;
        }
        b->data = xrealloc(b->data, cap);
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void buf_puts(struct buffer *b, const char *s)
{
    buf_append(b, s, strlen(s));
}

static void buf_printf(struct buffer *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void buf_printf(struct buffer *b, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0) {
        return;
    }
    buf_append(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

static const char *buf_str(const struct buffer *b)
{
    return b->data != NULL ? b->data : "";
}

static void buf_free(struct buffer *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

#define APPEND(arr, n, item)                                                                       \
    do {                                                                                           \
        (arr) = xrealloc((arr), ((n) + 1) * sizeof(*(arr)));                                       \
        (arr)[(n)++] = (item);                                                                     \
    } while (0)

static char *trim(char *s)
{
    char *end;

    while (*s == ' ' || *s == '\t') {
        s++;
    }
    end = s + strlen(s);
    while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r')) {
        end--;
    }
    *end = '\0';
    return s;
}

static long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Replace every placeholder in s; returns a new string. */
static char *expand(const char *s, const char *tmpdir)
{
    static const char *const names[] = {"@KNOT@", "@KNOT6@", "@UNBOUND@", "@DEAD@", "@SILENT@",
                                        "@TMP@",  "@FAKE@",  "@FAKE2@",   "@FAKE3@"};
    const char *values[9];
    struct buffer b = {0};

    values[0] = g_knot;
    values[1] = g_knot6;
    values[2] = g_unbound;
    values[3] = g_dead;
    values[4] = g_silent;
    values[5] = tmpdir != NULL ? tmpdir : "@TMP@";
    values[6] = g_fake[0];
    values[7] = g_fake[1];
    values[8] = g_fake[2];
    while (*s != '\0') {
        bool replaced = false;

        if (*s == '@') {
            for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
                size_t n = strlen(names[i]);

                if (strncmp(s, names[i], n) == 0) {
                    buf_puts(&b, values[i]);
                    s += n;
                    replaced = true;
                    break;
                }
            }
        }
        if (!replaced) {
            buf_append(&b, s, 1);
            s++;
        }
    }
    if (b.data == NULL) {
        return xstrdup("");
    }
    return b.data;
}

/* ---------------------------------------------------------------- parser */

/* Split an args: value into words: whitespace separates, '...' and "..."
 * group literally (no escapes). */
static void split_args(struct test_case *tc, const char *s, int lineno)
{
    while (*s != '\0') {
        struct buffer w = {0};
        bool have = false;

        while (*s == ' ' || *s == '\t') {
            s++;
        }
        if (*s == '\0') {
            break;
        }
        while (*s != '\0' && *s != ' ' && *s != '\t') {
            if (*s == '\'' || *s == '"') {
                char q = *s++;
                const char *end = strchr(s, q);

                if (end == NULL) {
                    die("%s:%d: unterminated quote in args", g_cases_path, lineno);
                }
                buf_append(&w, s, (size_t)(end - s));
                s = end + 1;
            } else {
                buf_append(&w, s, 1);
                s++;
            }
            have = true;
        }
        if (have) {
            APPEND(tc->args, tc->nargs, w.data != NULL ? w.data : xstrdup(""));
        }
    }
}

static long parse_number(const char *v, const char *what, int lineno)
{
    char *end;
    long n;

    errno = 0;
    n = strtol(v, &end, 10);
    if (errno != 0 || end == v || *end != '\0') {
        die("%s:%d: bad number for %s: '%s'", g_cases_path, lineno, what, v);
    }
    return n;
}

static bool parse_bool(const char *v, const char *what, int lineno)
{
    if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 || strcmp(v, "1") == 0) {
        return true;
    }
    if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0 || strcmp(v, "0") == 0) {
        return false;
    }
    die("%s:%d: %s wants yes or no, not '%s'", g_cases_path, lineno, what, v);
    return false;
}

static void new_case(struct test_case *tc, const char *name, int lineno)
{
    memset(tc, 0, sizeof(*tc));
    tc->name = xstrdup(name);
    tc->line = lineno;
    tc->stdout_lines = -1;
    tc->stderr_lines = -1;
    tc->time_limit_ms = -1;
}

static void add_check(struct test_case *tc, enum check_kind kind, enum stream stream,
                      const char *text, int lineno)
{
    struct check c;

    if (*text == '\0') {
        die("%s:%d: empty expectation", g_cases_path, lineno);
    }
    c.kind = kind;
    c.stream = stream;
    c.text = xstrdup(text);
    c.count = 0;
    c.line = lineno;
    APPEND(tc->checks, tc->nchecks, c);
}

/* Which responder a key names: "fakedns" SUFFIX is 0, "fakedns2" SUFFIX 1,
 * "fakedns3" SUFFIX 2; -1 for any other key. */
static int fake_index(const char *key, const char *suffix)
{
    static const char *const stems[MAX_FAKES] = {"fakedns", "fakedns2", "fakedns3"};

    for (int k = 0; k < MAX_FAKES; k++) {
        size_t n = strlen(stems[k]);

        if (strncmp(key, stems[k], n) == 0 && strcmp(key + n, suffix) == 0) {
            return k;
        }
    }
    return -1;
}

static bool is_indented(const char *line)
{
    return line[0] == ' ' || line[0] == '\t';
}

static bool case_uses(const struct test_case *tc, const char *placeholder);

static void load_cases(const char *path)
{
    FILE *fp = fopen(path, "r");
    char **lines = NULL;
    size_t nlines = 0;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    struct test_case *cur = NULL;

    if (fp == NULL) {
        die("cannot open cases file %s: %s", path, strerror(errno));
    }
    while ((n = getline(&line, &cap, fp)) >= 0) {
        size_t len = (size_t)n;

        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) {
            len--;
        }
        APPEND(lines, nlines, xstrndup(line, len));
    }
    free(line);
    fclose(fp);

    for (size_t i = 0; i < nlines; i++) {
        int lineno = (int)i + 1;
        char *raw = lines[i];
        char *colon;
        char *key;
        char *val;

        if (trim(raw)[0] == '\0' || raw[0] == '#') {
            continue;
        }
        if (is_indented(raw)) {
            die("%s:%d: unexpected indented line (only file: and stdin: take a block)", path,
                lineno);
        }
        colon = strchr(raw, ':');
        if (colon == NULL) {
            die("%s:%d: expected 'key: value'", path, lineno);
        }
        *colon = '\0';
        key = trim(raw);
        val = trim(colon + 1);

        if (strcmp(key, "name") == 0) {
            struct test_case tc;

            if (*val == '\0') {
                die("%s:%d: empty case name", path, lineno);
            }
            for (size_t k = 0; k < g_ncases; k++) {
                if (strcmp(g_cases[k].name, val) == 0) {
                    die("%s:%d: duplicate case name '%s' (first at line %d)", path, lineno, val,
                        g_cases[k].line);
                }
            }
            new_case(&tc, val, lineno);
            APPEND(g_cases, g_ncases, tc);
            cur = &g_cases[g_ncases - 1];
            continue;
        }
        if (cur == NULL) {
            die("%s:%d: '%s' before the first 'name:'", path, lineno, key);
        }
        if (strcmp(key, "stdin") == 0 || strcmp(key, "file") == 0 || fake_index(key, "") >= 0) {
            int fake = fake_index(key, "");
            bool is_fake = fake >= 0;
            bool is_file = strcmp(key, "file") == 0;
            struct buffer body = {0};
            const char *indent = NULL;
            size_t indent_len = 0;
            size_t last_content = i;

            if (is_file && *val == '\0') {
                die("%s:%d: file: needs a NAME", path, lineno);
            }
            if (is_fake && *val != '\0') {
                die("%s:%d: %s: takes an indented block", path, lineno, key);
            }
            if (!is_file && !is_fake && *val != '\0') {
                /* One-line form. */
                if (cur->stdin_text != NULL) {
                    die("%s:%d: second stdin:", path, lineno);
                }
                buf_puts(&body, val);
                buf_puts(&body, "\n");
                cur->stdin_text = body.data;
                continue;
            }
            /* Block form: the following indented lines (empty lines inside
             * are kept, trailing ones dropped). */
            for (size_t j = i + 1; j < nlines; j++) {
                const char *l = lines[j];

                if (l[0] == '\0') {
                    continue;
                }
                if (!is_indented(l)) {
                    break;
                }
                if (indent == NULL) {
                    indent = l;
                    indent_len = strspn(l, " \t");
                }
                if (strncmp(l, indent, indent_len) != 0) {
                    die("%s:%d: inconsistent indentation in block", path, (int)j + 1);
                }
                last_content = j;
            }
            for (size_t j = i + 1; j <= last_content; j++) {
                if (lines[j][0] != '\0') {
                    buf_puts(&body, lines[j] + indent_len);
                }
                buf_puts(&body, "\n");
            }
            i = last_content;
            if (body.data == NULL) {
                body.data = xstrdup("");
            }
            if (is_fake) {
                if (cur->fakedns_script[fake] != NULL) {
                    die("%s:%d: second %s:", path, lineno, key);
                }
                cur->fakedns_script[fake] = body.data;
            } else if (is_file) {
                struct case_file f;

                if (strchr(val, '/') != NULL) {
                    die("%s:%d: file: NAME must not contain '/'", path, lineno);
                }
                f.name = xstrdup(val);
                f.content = body.data;
                APPEND(cur->files, cur->nfiles, f);
            } else {
                if (cur->stdin_text != NULL) {
                    die("%s:%d: second stdin:", path, lineno);
                }
                cur->stdin_text = body.data;
            }
            continue;
        }
        if (strcmp(key, "args") == 0) {
            split_args(cur, val, lineno);
        } else if (fake_index(key, "-count") >= 0) {
            struct fake_count fc = {0};
            char qn[512], qt[32], op[4], extra[2];
            unsigned long cnt;
            if (sscanf(val, "%511s %31s %3s %lu %1s", qn, qt, op, &cnt, extra) != 4 ||
                (strcmp(op, "=") != 0 && strcmp(op, ">=") != 0 && strcmp(op, "<=") != 0)) {
                die("%s:%d: %s: QNAME QTYPE =|>=|<= N", path, lineno, key);
            }
            fc.server = fake_index(key, "-count");
            fc.qname = xstrdup(qn);
            fc.qtype = xstrdup(qt);
            fc.op = op[0];
            fc.n = cnt;
            fc.line = lineno;
            APPEND(cur->fake_counts, cur->nfake_counts, fc);
        } else if (strcmp(key, "elapsed-max") == 0) {
            cur->elapsed_max_ms = parse_number(val, "elapsed-max", lineno);
        } else if (strcmp(key, "noserver") == 0) {
            cur->noserver = parse_bool(val, key, lineno);
        } else if (strcmp(key, "server") == 0) {
            free(cur->server);
            cur->server = xstrdup(val);
        } else if (strcmp(key, "env") == 0) {
            if (strchr(val, '=') == NULL) {
                die("%s:%d: env: wants NAME=VALUE", path, lineno);
            }
            APPEND(cur->env, cur->nenv, xstrdup(val));
        } else if (strcmp(key, "exit") == 0) {
            cur->has_exit = true;
            cur->exit_code = (int)parse_number(val, key, lineno);
        } else if (strcmp(key, "stdout-has") == 0) {
            add_check(cur, CHECK_HAS, STREAM_STDOUT, val, lineno);
        } else if (strcmp(key, "stdout-lacks") == 0) {
            add_check(cur, CHECK_LACKS, STREAM_STDOUT, val, lineno);
        } else if (strcmp(key, "stdout-order") == 0) {
            add_check(cur, CHECK_ORDER, STREAM_STDOUT, val, lineno);
        } else if (strcmp(key, "stderr-has") == 0) {
            add_check(cur, CHECK_HAS, STREAM_STDERR, val, lineno);
        } else if (strcmp(key, "stderr-lacks") == 0) {
            add_check(cur, CHECK_LACKS, STREAM_STDERR, val, lineno);
        } else if (strcmp(key, "stderr-order") == 0) {
            add_check(cur, CHECK_ORDER, STREAM_STDERR, val, lineno);
        } else if (strcmp(key, "stdout-count") == 0 || strcmp(key, "stderr-count") == 0) {
            char *sp = val + strcspn(val, " \t");
            long count;

            if (*sp == '\0') {
                die("%s:%d: %s wants 'N TEXT'", path, lineno, key);
            }
            *sp = '\0';
            count = parse_number(val, key, lineno);
            add_check(cur, CHECK_COUNT, key[3] == 'o' ? STREAM_STDOUT : STREAM_STDERR, trim(sp + 1),
                      lineno);
            cur->checks[cur->nchecks - 1].count = count;
        } else if (strcmp(key, "stdout-lines") == 0) {
            cur->stdout_lines = parse_number(val, key, lineno);
        } else if (strcmp(key, "stderr-lines") == 0) {
            cur->stderr_lines = parse_number(val, key, lineno);
        } else if (strcmp(key, "time-limit") == 0) {
            cur->time_limit_ms = parse_number(val, key, lineno);
        } else if (strcmp(key, "requires") == 0) {
            if (strcmp(val, "knot6") != 0) {
                die("%s:%d: unknown requirement '%s' (known: knot6)", path, lineno, val);
            }
            free(cur->requires);
            cur->requires = xstrdup(val);
        } else {
            die("%s:%d: unknown key '%s'", path, lineno, key);
        }
    }
    for (size_t k = 0; k < g_ncases; k++) {
        const struct test_case *tc = &g_cases[k];

        if (!tc->has_exit) {
            die("%s:%d: case '%s' has no exit:", path, tc->line, tc->name);
        }
        for (size_t j = 0; j < tc->nfake_counts; j++) {
            int f = tc->fake_counts[j].server;

            if (tc->fakedns_script[f] == NULL) {
                die("%s:%d: a count for %s, but case '%s' has no %s block", path,
                    tc->fake_counts[j].line, g_fake_names[f], tc->name,
                    f == 0   ? "fakedns:"
                    : f == 1 ? "fakedns2:"
                             : "fakedns3:");
            }
        }
        for (int f = 0; f < MAX_FAKES; f++) {
            if (tc->fakedns_script[f] == NULL && case_uses(tc, g_fake_names[f])) {
                die("%s:%d: case '%s' uses %s but has no %s block", path, tc->line, tc->name,
                    g_fake_names[f],
                    f == 0   ? "fakedns:"
                    : f == 1 ? "fakedns2:"
                             : "fakedns3:");
            }
        }
    }
    for (size_t i = 0; i < nlines; i++) {
        free(lines[i]);
    }
    free(lines);
    if (g_ncases == 0) {
        die("%s: no cases", path);
    }
}

/* ------------------------------------------------------------ networking */

/* Parse ADDR:PORT or [ADDR6]:PORT. */
static bool parse_server(const char *spec, struct sockaddr_storage *ss, socklen_t *len)
{
    char host[64];
    const char *port_s;
    long port;
    char *end;

    memset(ss, 0, sizeof(*ss));
    if (spec[0] == '[') {
        const char *close = strchr(spec, ']');

        if (close == NULL || close[1] != ':' || (size_t)(close - spec - 1) >= sizeof(host)) {
            return false;
        }
        memcpy(host, spec + 1, (size_t)(close - spec - 1));
        host[close - spec - 1] = '\0';
        port_s = close + 2;
    } else {
        const char *colon = strrchr(spec, ':');

        if (colon == NULL || (size_t)(colon - spec) >= sizeof(host)) {
            return false;
        }
        memcpy(host, spec, (size_t)(colon - spec));
        host[colon - spec] = '\0';
        port_s = colon + 1;
    }
    port = strtol(port_s, &end, 10);
    if (*port_s == '\0' || *end != '\0' || port <= 0 || port > 65535) {
        return false;
    }
    if (strchr(host, ':') != NULL) {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1) {
            return false;
        }
        *len = sizeof(*sin6);
    } else {
        struct sockaddr_in *sin = (struct sockaddr_in *)ss;

        sin->sin_family = AF_INET;
        sin->sin_port = htons((uint16_t)port);
        if (inet_pton(AF_INET, host, &sin->sin_addr) != 1) {
            return false;
        }
        *len = sizeof(*sin);
    }
    return true;
}

/* Send "example.test. SOA?" over UDP; true if a NOERROR answer comes back. */
static bool dns_probe(const char *spec)
{
    static const unsigned char query[] = {
        0x52, 0x44, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 7,    'e',  'x',
        'a',  'm',  'p',  'l',  'e',  4,    't',  'e',  's',  't',  0,    0x00, 0x06, 0x00, 0x01};
    struct sockaddr_storage ss;
    socklen_t len;
    unsigned char reply[4096];
    long deadline = now_ms() + PROBE_TIMEOUT_MS;
    bool ok = false;
    int fd;

    if (!parse_server(spec, &ss, &len)) {
        return false;
    }
    fd = socket(ss.ss_family, SOCK_DGRAM, 0);
    if (fd < 0) {
        return false;
    }
    if (connect(fd, (struct sockaddr *)&ss, len) != 0 ||
        send(fd, query, sizeof(query), 0) != (ssize_t)sizeof(query)) {
        close(fd);
        return false;
    }
    for (;;) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        long left = deadline - now_ms();
        ssize_t n;

        if (left <= 0 || poll(&pfd, 1, (int)left) <= 0) {
            break;
        }
        n = recv(fd, reply, sizeof(reply), 0);
        if (n < 0) {
            break;
        }
        if (n >= 12 && reply[0] == query[0] && reply[1] == query[1] && (reply[2] & 0x80) != 0) {
            ok = (reply[3] & 0x0f) == 0;
            break;
        }
    }
    close(fd);
    return ok;
}

static void set_cloexec(int fd)
{
    int flags = fcntl(fd, F_GETFD);

    if (flags >= 0) {
        (void)fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
    }
}

/* A UDP (and TCP, same port) socket on 127.0.0.1 that never answers: queries
 * sent there time out. */
static void open_silent_server(void)
{
    struct sockaddr_in sin;
    socklen_t len = sizeof(sin);

    g_silent_udp = socket(AF_INET, SOCK_DGRAM, 0);
    if (g_silent_udp < 0) {
        die("socket: %s", strerror(errno));
    }
    set_cloexec(g_silent_udp);
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(g_silent_udp, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
        getsockname(g_silent_udp, (struct sockaddr *)&sin, &len) != 0) {
        die("cannot bind the silent UDP server: %s", strerror(errno));
    }
    g_silent_tcp = socket(AF_INET, SOCK_STREAM, 0);
    if (g_silent_tcp >= 0) {
        set_cloexec(g_silent_tcp);
        if (bind(g_silent_tcp, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
            listen(g_silent_tcp, 16) != 0) {
            close(g_silent_tcp);
            g_silent_tcp = -1;
        }
    }
    snprintf(g_silent, sizeof(g_silent), "127.0.0.1:%u", (unsigned)ntohs(sin.sin_port));
}

/* A 127.0.0.1 port where nothing listens (UDP queries get ICMP port
 * unreachable, TCP connections are refused). */
static void pick_dead_port(void)
{
    for (int attempt = 0; attempt < 20; attempt++) {
        struct sockaddr_in sin;
        socklen_t len = sizeof(sin);
        int u = socket(AF_INET, SOCK_DGRAM, 0);
        int t;
        bool tcp_free;

        if (u < 0) {
            die("socket: %s", strerror(errno));
        }
        memset(&sin, 0, sizeof(sin));
        sin.sin_family = AF_INET;
        sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (bind(u, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
            getsockname(u, (struct sockaddr *)&sin, &len) != 0) {
            die("bind: %s", strerror(errno));
        }
        t = socket(AF_INET, SOCK_STREAM, 0);
        tcp_free = t >= 0 && bind(t, (struct sockaddr *)&sin, sizeof(sin)) == 0;
        if (t >= 0) {
            close(t);
        }
        close(u);
        if (tcp_free) {
            snprintf(g_dead, sizeof(g_dead), "127.0.0.1:%u", (unsigned)ntohs(sin.sin_port));
            return;
        }
    }
    die("cannot find a free port for @DEAD@");
}

/* ------------------------------------------------------------- execution */

struct run_result {
    struct buffer out;
    struct buffer err;
    bool timed_out;
    bool signaled;
    int status; /* exit status, or signal number if signaled */
    long elapsed_ms;
};

static void set_nonblock(int fd)
{
    int flags = fcntl(fd, F_GETFL);

    if (flags >= 0) {
        (void)fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    }
}

static void make_pipe(int p[2])
{
    if (pipe(p) != 0) {
        die("pipe: %s", strerror(errno));
    }
    set_cloexec(p[0]);
    set_cloexec(p[1]);
}

static void run_child(char **argv, const char *stdin_text, char **env, size_t nenv, const char *cwd,
                      long limit_ms, struct run_result *r)
{
    int in[2];
    int out[2];
    int err[2];
    pid_t pid;
    long start = now_ms();
    long deadline = start + limit_ms;
    size_t in_off = 0;
    size_t in_len = stdin_text != NULL ? strlen(stdin_text) : 0;
    int wstatus = 0;
    bool reaped = false;

    memset(r, 0, sizeof(*r));
    make_pipe(in);
    make_pipe(out);
    make_pipe(err);
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid < 0) {
        die("fork: %s", strerror(errno));
    }
    if (pid == 0) {
        int devnull;

        if (stdin_text != NULL) {
            dup2(in[0], STDIN_FILENO);
        } else {
            devnull = open("/dev/null", O_RDONLY);
            if (devnull >= 0) {
                dup2(devnull, STDIN_FILENO);
            }
        }
        dup2(out[1], STDOUT_FILENO);
        dup2(err[1], STDERR_FILENO);
        signal(SIGPIPE, SIG_DFL);
        /* A fixed locale: ASCII verdict marks, C messages. */
        setenv("LC_ALL", "C", 1);
        unsetenv("NO_COLOR");
        for (size_t i = 0; i < nenv; i++) {
            char *eq = strchr(env[i], '=');
            char *name = xstrndup(env[i], (size_t)(eq - env[i]));

            setenv(name, eq + 1, 1);
        }
        if (cwd != NULL && chdir(cwd) != 0) {
            _exit(126);
        }
        execvp(argv[0], argv);
        fprintf(stderr, "test_cli: cannot execute %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    close(err[1]);
    if (stdin_text == NULL || in_len == 0) {
        close(in[1]);
        in[1] = -1;
    } else {
        set_nonblock(in[1]);
    }
    set_nonblock(out[0]);
    set_nonblock(err[0]);

    while (out[0] >= 0 || err[0] >= 0 || in[1] >= 0) {
        struct pollfd pfd[3];
        nfds_t n = 0;
        long left = deadline - now_ms();
        int rc;

        if (left <= 0) {
            r->timed_out = true;
            break;
        }
        if (out[0] >= 0) {
            pfd[n++] = (struct pollfd){.fd = out[0], .events = POLLIN};
        }
        if (err[0] >= 0) {
            pfd[n++] = (struct pollfd){.fd = err[0], .events = POLLIN};
        }
        if (in[1] >= 0) {
            pfd[n++] = (struct pollfd){.fd = in[1], .events = POLLOUT};
        }
        rc = poll(pfd, n, (int)(left < 100 ? left : 100));
        if (rc < 0 && errno != EINTR) {
            die("poll: %s", strerror(errno));
        }
        for (nfds_t k = 0; rc > 0 && k < n; k++) {
            if (pfd[k].revents == 0) {
                continue;
            }
            if (pfd[k].fd == in[1]) {
                ssize_t w = write(in[1], stdin_text + in_off, in_len - in_off);

                if (w > 0) {
                    in_off += (size_t)w;
                }
                if ((w < 0 && errno != EAGAIN) || in_off >= in_len ||
                    (pfd[k].revents & (POLLERR | POLLHUP)) != 0) {
                    close(in[1]);
                    in[1] = -1;
                }
            } else {
                char chunk[4096];
                ssize_t got = read(pfd[k].fd, chunk, sizeof(chunk));
                struct buffer *b = pfd[k].fd == out[0] ? &r->out : &r->err;

                if (got > 0) {
                    buf_append(b, chunk, (size_t)got);
                } else if (got == 0 || errno != EAGAIN) {
                    if (pfd[k].fd == out[0]) {
                        close(out[0]);
                        out[0] = -1;
                    } else {
                        close(err[0]);
                        err[0] = -1;
                    }
                }
            }
        }
    }
    /* Output closed (or time is up): wait for the exit until the deadline. */
    while (!r->timed_out) {
        pid_t w = waitpid(pid, &wstatus, WNOHANG);

        if (w == pid) {
            reaped = true;
            break;
        }
        if (w < 0 && errno != EINTR) {
            die("waitpid: %s", strerror(errno));
        }
        if (now_ms() >= deadline) {
            r->timed_out = true;
            break;
        }
        {
            struct timespec ts = {0, 5 * 1000000L};

            nanosleep(&ts, NULL);
        }
    }
    if (!reaped) {
        kill(pid, SIGKILL);
        while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
        }
    }
    for (int k = 0; k < 3; k++) {
        int fd = k == 0 ? in[1] : k == 1 ? out[0] : err[0];

        if (fd >= 0) {
            close(fd);
        }
    }
    r->elapsed_ms = now_ms() - start;
    if (WIFSIGNALED(wstatus)) {
        r->signaled = true;
        r->status = WTERMSIG(wstatus);
    } else {
        r->status = WEXITSTATUS(wstatus);
    }
}

static size_t count_lines(const struct buffer *b)
{
    size_t n = 0;

    for (size_t i = 0; i < b->len; i++) {
        if (b->data[i] == '\n') {
            n++;
        }
    }
    if (b->len > 0 && b->data[b->len - 1] != '\n') {
        n++;
    }
    return n;
}

static void append_quoted(struct buffer *b, const char *arg)
{
    if (*arg != '\0' && strpbrk(arg, " \t\n'\"\\$`*?[]{}()<>|&;#~!") == NULL) {
        buf_puts(b, arg);
        return;
    }
    buf_puts(b, "'");
    for (const char *p = arg; *p != '\0'; p++) {
        if (*p == '\'') {
            buf_puts(b, "'\\''");
        } else {
            buf_append(b, p, 1);
        }
    }
    buf_puts(b, "'");
}

static void append_output(struct buffer *b, const char *label, const struct buffer *o)
{
    buf_printf(b, "---- %s (%zu bytes) ----\n", label, o->len);
    if (o->len > MAX_SHOWN_OUTPUT) {
        buf_append(b, o->data, MAX_SHOWN_OUTPUT);
        buf_printf(b, "\n[... %zu more bytes]\n", o->len - MAX_SHOWN_OUTPUT);
    } else if (o->len > 0) {
        buf_append(b, o->data, o->len);
        if (o->data[o->len - 1] != '\n') {
            buf_puts(b, "\n[no newline at end]\n");
        }
    }
}

static bool arg_present(const struct test_case *tc, const char *shortopt, const char *longopt)
{
    size_t longlen = strlen(longopt);

    for (size_t i = 0; i < tc->nargs; i++) {
        const char *a = tc->args[i];

        if (strcmp(a, "--") == 0) {
            break;
        }
        if (strncmp(a, shortopt, 2) == 0 ||
            (strncmp(a, longopt, longlen) == 0 && (a[longlen] == '\0' || a[longlen] == '='))) {
            return true;
        }
    }
    return false;
}

static bool case_uses(const struct test_case *tc, const char *placeholder)
{
    if (tc->server != NULL && strstr(tc->server, placeholder) != NULL) {
        return true;
    }
    for (size_t i = 0; i < tc->nargs; i++) {
        if (strstr(tc->args[i], placeholder) != NULL) {
            return true;
        }
    }
    for (size_t i = 0; i < tc->nfiles; i++) {
        if (strstr(tc->files[i].content, placeholder) != NULL) {
            return true;
        }
    }
    for (size_t i = 0; i < tc->nenv; i++) {
        if (strstr(tc->env[i], placeholder) != NULL) {
            return true;
        }
    }
    for (size_t i = 0; i < tc->nchecks; i++) {
        if (strstr(tc->checks[i].text, placeholder) != NULL) {
            return true;
        }
    }
    return tc->stdin_text != NULL && strstr(tc->stdin_text, placeholder) != NULL;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* Stops the responders of a case and puts the placeholders back. */
static void stop_fakes(fakedns_t **fake)
{
    for (int f = 0; f < MAX_FAKES; f++) {
        fakedns_stop(fake[f]);
        fake[f] = NULL;
        snprintf(g_fake[f], sizeof g_fake[f], "%s", g_fake_names[f]);
    }
}

/* Whether the case asks for JSON Lines: --json, -j (alone or among other
 * short options), --format json or --format=json. */
static bool wants_json(const struct test_case *tc)
{
    for (size_t i = 0; i < tc->nargs; i++) {
        const char *a = tc->args[i];
        if (strcmp(a, "--") == 0)
            break;
        if (strcmp(a, "--json") == 0 || strcmp(a, "--format=json") == 0 ||
            (strcmp(a, "--format") == 0 && i + 1 < tc->nargs &&
             strcmp(tc->args[i + 1], "json") == 0))
            return true;
        if (a[0] == '-' && a[1] != '-' && a[1] != '\0') {
            /* a cluster of short options: stop at one that takes an argument */
            for (const char *p = a + 1; *p; p++) {
                if (*p == 'j')
                    return true;
                if (strchr("sftc", *p) != NULL)
                    break;
            }
        }
    }
    return false;
}

/* Appends the case's JSON lines to the schema log (RDC_JSON_CHECK). */
static void log_json(const struct test_case *tc, const struct run_result *r)
{
    if (g_json_log == NULL || r->signaled || r->timed_out)
        return;
    bool all = wants_json(tc);
    const char *p = buf_str(&r->out);
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len > 0 && (all || p[0] == '{')) {
            fprintf(g_json_log, "%s:%d:%s\t%.*s\n", g_cases_path, tc->line, tc->name, (int)len, p);
            g_json_lines++;
        }
        p += len + (nl ? 1 : 0);
    }
    fflush(g_json_log);
}

/* The last test: every JSON line the cases wrote, against the schema. */
static void check_json_log(void **state)
{
    (void)state;
    char **argv = xmalloc((g_njson_check + 3) * sizeof *argv);
    size_t n = 0;
    for (size_t i = 0; i < g_njson_check; i++)
        argv[n++] = g_json_check[i];
    argv[n++] = "--tagged";
    argv[n++] = g_json_log_path;
    argv[n] = NULL;
    fflush(g_json_log);
    fprintf(stderr, "test_cli: validating %lu JSON lines of this run against the schema\n",
            g_json_lines);
    pid_t pid = fork();
    if (pid < 0)
        die("fork: %s", strerror(errno));
    if (pid == 0) {
        dup2(STDERR_FILENO, STDOUT_FILENO); /* cmocka owns stdout */
        execvp(argv[0], argv);
        fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    free(argv);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        fail_msg("JSON lines that the schema rejects (RDC_JSON_CHECK), see above");
}

static void run_case(void **state)
{
    const struct test_case *tc = *state;
    char tmpdir[PATH_MAX + 32];
    char **argv = NULL;
    size_t argc = 0;
    char *stdin_text = NULL;
    char **env = NULL;
    struct run_result r;
    struct buffer report = {0};
    struct buffer cmd = {0};
    size_t nfail = 0;
    long limit = (tc->time_limit_ms > 0 ? tc->time_limit_ms : g_default_time_limit) * g_time_scale;

    if (tc->requires != NULL && strcmp(tc->requires, "knot6") == 0 && !g_knot6_ok) {
        /* issue 9: no silent skips in CI, where scripts/test.sh sets up ::1 */
        if (g_ci) {
            fail_msg("case '%s' (%s:%d) requires knot6, but Knot does not answer on %s "
                     "(CI=true: a missing requirement is a failure, not a skip)",
                     tc->name, g_cases_path, tc->line, g_knot6);
        }
        print_message("SKIP %s: Knot does not answer on %s\n", tc->name, g_knot6);
        skip();
    }
    fakedns_t *fake[MAX_FAKES] = {NULL};
    for (int f = 0; f < MAX_FAKES; f++) {
        char ferr[512];

        if (tc->fakedns_script[f] == NULL) {
            continue;
        }
        fake[f] = fakedns_start(tc->fakedns_script[f], ferr, sizeof ferr);
        if (fake[f] == NULL) {
            stop_fakes(fake);
            fail_msg("%s: fakedns%s: %s", tc->name, f == 0 ? "" : f == 1 ? "2" : "3", ferr);
        }
        snprintf(g_fake[f], sizeof g_fake[f], "127.0.0.1:%u", fakedns_port(fake[f]));
    }
    snprintf(tmpdir, sizeof(tmpdir), "%s/case-%d", g_tmp_root, tc->line);
    if (mkdir(tmpdir, 0700) != 0 && errno != EEXIST) {
        stop_fakes(fake);
        fail_msg("cannot create %s: %s", tmpdir, strerror(errno));
    }
    for (size_t i = 0; i < tc->nfiles; i++) {
        char path[sizeof(tmpdir) + NAME_MAX + 2];
        char *content = expand(tc->files[i].content, tmpdir);
        FILE *fp;

        snprintf(path, sizeof(path), "%s/%s", tmpdir, tc->files[i].name);
        fp = fopen(path, "w");
        if (fp == NULL || fputs(content, fp) == EOF || fclose(fp) != 0) {
            stop_fakes(fake);
            fail_msg("cannot write %s: %s", path, strerror(errno));
        }
        free(content);
    }

    for (size_t i = 0; i < g_nwrapper; i++) {
        APPEND(argv, argc, xstrdup(g_wrapper[i]));
    }
    APPEND(argv, argc, xstrdup(g_binary));
    if (!tc->noserver && !arg_present(tc, "-s", "--server")) {
        APPEND(argv, argc, xstrdup("-s"));
        APPEND(argv, argc, expand(tc->server != NULL ? tc->server : "@KNOT@", tmpdir));
    }
    if (!arg_present(tc, "-t", "--timeout")) {
        APPEND(argv, argc, xstrdup("--timeout"));
        APPEND(argv, argc, xstrdup(DEFAULT_TOOL_TIMEOUT));
    }
    for (size_t i = 0; i < tc->nargs; i++) {
        APPEND(argv, argc, expand(tc->args[i], tmpdir));
    }
    APPEND(argv, argc, NULL);
    env = xmalloc(tc->nenv * sizeof(*env));
    for (size_t i = 0; i < tc->nenv; i++) {
        env[i] = expand(tc->env[i], tmpdir);
    }
    if (tc->stdin_text != NULL) {
        stdin_text = expand(tc->stdin_text, tmpdir);
    }

    for (size_t i = 0; argv[i] != NULL; i++) {
        if (i > 0) {
            buf_puts(&cmd, " ");
        }
        append_quoted(&cmd, argv[i]);
    }
    if (stdin_text == NULL) {
        buf_puts(&cmd, " </dev/null");
    }

    long started = now_ms();
    run_child(argv, stdin_text, env, tc->nenv, tmpdir, limit, &r);
    long elapsed = now_ms() - started;
    if (tc->elapsed_max_ms > 0 && elapsed > tc->elapsed_max_ms * g_time_scale) {
        buf_printf(&report, "  - took %ld ms, more than elapsed-max %ld ms\n", elapsed,
                   tc->elapsed_max_ms * g_time_scale);
        nfail++;
    }
    for (size_t i = 0; i < tc->nfake_counts; i++) {
        const struct fake_count *fc = &tc->fake_counts[i];
        unsigned long got = fakedns_queries(fake[fc->server], fc->qname, fc->qtype);
        bool ok = fc->op == '=' ? got == fc->n : fc->op == '>' ? got >= fc->n : got <= fc->n;
        if (!ok) {
            buf_printf(&report, "  - line %d: %s saw %lu %s %s queries, expected %s %lu\n",
                       fc->line, g_fake_names[fc->server], got, fc->qname, fc->qtype,
                       fc->op == '='   ? "="
                       : fc->op == '>' ? ">="
                                       : "<=",
                       fc->n);
            nfail++;
        }
    }
    /* stopped now (the counts are final); the placeholders stay expanded
     * until the expectations are checked: they may name @FAKE@ and the like */
    for (int f = 0; f < MAX_FAKES; f++) {
        fakedns_stop(fake[f]);
        fake[f] = NULL;
    }

    log_json(tc, &r);
    if (r.timed_out) {
        buf_printf(&report, "  - did not finish within %ld ms (killed)\n", limit);
        nfail++;
    } else if (r.signaled) {
        buf_printf(&report, "  - killed by signal %d\n", r.status);
        nfail++;
    } else if (r.status != tc->exit_code) {
        buf_printf(&report, "  - exit status %d, expected %d\n", r.status, tc->exit_code);
        nfail++;
    }
    {
        const char *order_pos[2] = {buf_str(&r.out), buf_str(&r.err)};

        for (size_t i = 0; i < tc->nchecks; i++) {
            const struct check *c = &tc->checks[i];
            const struct buffer *b = c->stream == STREAM_STDOUT ? &r.out : &r.err;
            const char *sname = c->stream == STREAM_STDOUT ? "stdout" : "stderr";
            char *text = expand(c->text, tmpdir);
            const char *hit;

            switch (c->kind) {
            case CHECK_HAS:
                if (strstr(buf_str(b), text) == NULL) {
                    buf_printf(&report, "  - line %d: %s lacks: %s\n", c->line, sname, text);
                    nfail++;
                }
                break;
            case CHECK_LACKS:
                if (strstr(buf_str(b), text) != NULL) {
                    buf_printf(&report, "  - line %d: %s has (but must not): %s\n", c->line, sname,
                               text);
                    nfail++;
                }
                break;
            case CHECK_COUNT: {
                long seen = 0;

                for (hit = strstr(buf_str(b), text); hit != NULL;
                     hit = strstr(hit + strlen(text), text)) {
                    seen++;
                }
                if (seen != c->count) {
                    buf_printf(&report, "  - line %d: %s has %ld times, expected %ld: %s\n",
                               c->line, sname, seen, c->count, text);
                    nfail++;
                }
                break;
            }
            case CHECK_ORDER:
                hit = strstr(order_pos[c->stream], text);
                if (hit == NULL) {
                    buf_printf(&report,
                               "  - line %d: %s lacks, after the previous %s-order match: %s\n",
                               c->line, sname, sname, text);
                    nfail++;
                } else {
                    order_pos[c->stream] = hit + strlen(text);
                }
                break;
            }
            free(text);
        }
    }
    if (tc->stdout_lines >= 0 && count_lines(&r.out) != (size_t)tc->stdout_lines) {
        buf_printf(&report, "  - stdout has %zu lines, expected %ld\n", count_lines(&r.out),
                   tc->stdout_lines);
        nfail++;
    }
    if (tc->stderr_lines >= 0 && count_lines(&r.err) != (size_t)tc->stderr_lines) {
        buf_printf(&report, "  - stderr has %zu lines, expected %ld\n", count_lines(&r.err),
                   tc->stderr_lines);
        nfail++;
    }

    if (nfail > 0 || g_verbose) {
        struct buffer full = {0};

        buf_printf(&full, "\n==== case '%s' (%s:%d): %s\n", tc->name, g_cases_path, tc->line,
                   nfail > 0 ? "FAILED" : "ok");
        buf_printf(&full, "$ %s\n", buf_str(&cmd));
        if (stdin_text != NULL) {
            buf_printf(&full, "---- stdin ----\n%s", stdin_text);
        }
        if (r.timed_out) {
            buf_printf(&full, "exit: (killed after %ld ms)\n", r.elapsed_ms);
        } else {
            buf_printf(&full, "exit: %s%d after %ld ms\n", r.signaled ? "signal " : "", r.status,
                       r.elapsed_ms);
        }
        append_output(&full, "stdout", &r.out);
        append_output(&full, "stderr", &r.err);
        if (nfail > 0) {
            buf_printf(&full, "---- %zu problem(s) ----\n%s", nfail, buf_str(&report));
        }
        buf_puts(&full, "====\n");
        fputs(buf_str(&full), stderr);
        fflush(stderr);
        buf_free(&full);
    }

    stop_fakes(fake);
    (void)nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    for (size_t i = 0; i < argc; i++) {
        free(argv[i]);
    }
    free(argv);
    for (size_t i = 0; i < tc->nenv; i++) {
        free(env[i]);
    }
    free(env);
    free(stdin_text);
    buf_free(&r.out);
    buf_free(&r.err);
    buf_free(&report);
    buf_free(&cmd);
    if (nfail > 0) {
        fail_msg("case '%s' (%s:%d): %zu problem(s), see above", tc->name, g_cases_path, tc->line,
                 nfail);
    }
}

/* ------------------------------------------------------------------ main */

static const char *env_or(const char *name, const char *fallback)
{
    const char *v = getenv(name);

    return v != NULL && *v != '\0' ? v : fallback;
}

static int cleanup_tmp_root(void)
{
    if (g_tmp_root[0] != '\0') {
        (void)nftw(g_tmp_root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    }
    return 0;
}

int main(int argc, char **argv)
{
    static char binary_abs[PATH_MAX];
    const char *knot_port = env_or("RDC_KNOT_PORT", "53535");
    const char *unbound_port = env_or("RDC_UNBOUND_PORT", "53536");
    const char *filter = getenv("RDC_CASE_FILTER");
    struct CMUnitTest *tests;
    bool need_unbound = false;
    bool need_knot = false;
    bool need_knot6 = false;
    int rc;

    if (argc > 4 || (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0))) {
        fprintf(stderr,
                "Usage: %s [RDNSCHECK [CASES [KNOT_ADDR:PORT]]]\n"
                "(see the comment at the top of test_cli.c for the environment)\n",
                argv[0]);
        return 2;
    }
    g_binary = argc > 1 ? argv[1] : getenv("RDC_BINARY");
    g_cases_path = argc > 2 ? argv[2] : getenv("RDC_CASES");
    if (g_binary == NULL || g_cases_path == NULL) {
        die("need the rdnscheck binary and the cases file (argv or RDC_BINARY/RDC_CASES)");
    }
    if (realpath(g_binary, binary_abs) == NULL || access(binary_abs, X_OK) != 0) {
        die("rdnscheck binary %s is missing or not executable", g_binary);
    }
    g_binary = binary_abs;
    if (argc > 3) {
        snprintf(g_knot, sizeof(g_knot), "%s", argv[3]);
    } else if (getenv("RDC_KNOT_SERVER") != NULL) {
        snprintf(g_knot, sizeof(g_knot), "%s", getenv("RDC_KNOT_SERVER"));
    } else if (getenv("RDC_KNOT") != NULL) {
        snprintf(g_knot, sizeof(g_knot), "%s", getenv("RDC_KNOT"));
    } else {
        snprintf(g_knot, sizeof(g_knot), "127.0.0.1:%s", knot_port);
    }
    {
        const char *colon = strrchr(g_knot, ':');

        snprintf(g_knot6, sizeof(g_knot6), "[::1]:%s", colon != NULL ? colon + 1 : knot_port);
    }
    if (getenv("RDC_UNBOUND_SERVER") != NULL) {
        snprintf(g_unbound, sizeof(g_unbound), "%s", getenv("RDC_UNBOUND_SERVER"));
    } else if (getenv("RDC_UNBOUND") != NULL) {
        snprintf(g_unbound, sizeof(g_unbound), "%s", getenv("RDC_UNBOUND"));
    } else {
        snprintf(g_unbound, sizeof(g_unbound), "127.0.0.1:%s", unbound_port);
    }
    g_verbose = getenv("RDC_VERBOSE") != NULL && strcmp(getenv("RDC_VERBOSE"), "0") != 0;
    g_ci = getenv("CI") != NULL &&
           (strcmp(getenv("CI"), "true") == 0 || strcmp(getenv("CI"), "1") == 0);
    if (getenv("RDC_CASE_TIME_LIMIT") != NULL) {
        g_default_time_limit = atol(getenv("RDC_CASE_TIME_LIMIT"));
        if (g_default_time_limit <= 0) {
            g_default_time_limit = DEFAULT_TIME_LIMIT_MS;
        }
    }
    if (getenv("RDC_TIME_SCALE") != NULL) {
        g_time_scale = atol(getenv("RDC_TIME_SCALE"));
        if (g_time_scale <= 0) {
            g_time_scale = 1;
        }
    }
    if (getenv("RDC_WRAPPER") != NULL) {
        char *words = xstrdup(getenv("RDC_WRAPPER"));

        for (char *w = strtok(words, " \t"); w != NULL; w = strtok(NULL, " \t")) {
            APPEND(g_wrapper, g_nwrapper, xstrdup(w));
        }
        free(words);
    }
    signal(SIGPIPE, SIG_IGN);

    load_cases(g_cases_path);
    for (size_t i = 0; i < g_ncases; i++) {
        const struct test_case *tc = &g_cases[i];

        if (case_uses(tc, "@UNBOUND@")) {
            need_unbound = true;
        }
        /* the default server is Knot; a scripted case may need no Knot */
        if (case_uses(tc, "@KNOT@") || case_uses(tc, "@KNOT6@") ||
            (tc->server == NULL && !tc->noserver && !arg_present(tc, "-s", "--server"))) {
            need_knot = true;
        }
        if (case_uses(tc, "@KNOT6@") ||
            (tc->requires != NULL && strcmp(tc->requires, "knot6") == 0)) {
            need_knot6 = true;
        }
    }

    if (need_knot && !dns_probe(g_knot)) {
        fprintf(stderr,
                "\n"
                "*****************************************************************\n"
                "FATAL: the Knot test server does not answer at %s.\n"
                "Start it first:   scripts/servers.sh start RUNDIR\n"
                "(scripts/test.sh does this; RDC_KNOT_PORT/RDC_KNOT_SERVER select\n"
                "another address). No case was run.\n"
                "*****************************************************************\n",
                g_knot);
        return 1;
    }
    if (need_unbound && !dns_probe(g_unbound)) {
        fprintf(stderr,
                "\n"
                "*****************************************************************\n"
                "FATAL: the Unbound test resolver does not answer at %s.\n"
                "Start it first:   scripts/servers.sh start RUNDIR\n"
                "No case was run.\n"
                "*****************************************************************\n",
                g_unbound);
        return 1;
    }
    g_knot6_ok = need_knot6 && dns_probe(g_knot6);
    open_silent_server();
    pick_dead_port();

    snprintf(g_tmp_root, sizeof(g_tmp_root), "%s/rdnscheck-it-XXXXXX", env_or("TMPDIR", "/tmp"));
    if (mkdtemp(g_tmp_root) == NULL) {
        die("mkdtemp %s: %s", g_tmp_root, strerror(errno));
    }

    fprintf(stderr,
            "test_cli: %zu cases from %s\n"
            "test_cli: binary %s%s%s\n"
            "test_cli: @KNOT@=%s%s @KNOT6@=%s%s @UNBOUND@=%s @DEAD@=%s @SILENT@=%s%s\n",
            g_ncases, g_cases_path, g_nwrapper > 0 ? getenv("RDC_WRAPPER") : "",
            g_nwrapper > 0 ? " " : "", g_binary, g_knot, need_knot ? "" : " (not needed)", g_knot6,
            g_knot6_ok   ? ""
            : need_knot6 ? " (not answering)"
                         : " (not needed)",
            g_unbound, g_dead, g_silent, g_ci ? " (CI: missing requirements fail)" : "");

    size_t ntests = g_ncases;
    tests = xmalloc((g_ncases + 1) * sizeof(*tests));
    for (size_t i = 0; i < g_ncases; i++) {
        tests[i] = (struct CMUnitTest){.name = g_cases[i].name,
                                       .test_func = run_case,
                                       .setup_func = NULL,
                                       .teardown_func = NULL,
                                       .initial_state = &g_cases[i]};
    }
    if (getenv("RDC_JSON_CHECK") != NULL && *getenv("RDC_JSON_CHECK") != '\0') {
        char *words = xstrdup(getenv("RDC_JSON_CHECK"));
        for (char *w = strtok(words, " \t"); w != NULL; w = strtok(NULL, " \t"))
            APPEND(g_json_check, g_njson_check, xstrdup(w));
        free(words);
        snprintf(g_json_log_path, sizeof g_json_log_path, "%s/json-lines.log", g_tmp_root);
        g_json_log = fopen(g_json_log_path, "w");
        if (g_json_log == NULL)
            die("cannot write %s: %s", g_json_log_path, strerror(errno));
        tests[ntests++] = (struct CMUnitTest){.name = "json-schema", .test_func = check_json_log};
    }
    if (filter != NULL && *filter != '\0') {
        cmocka_set_test_filter(filter);
    }
    /* cmocka_run_group_tests_name() takes sizeof() of a real array; with a
     * dynamically built one, call the function it expands to. */
    rc = _cmocka_run_group_tests("integration_cli", tests, ntests, NULL, NULL);
    if (g_json_log != NULL)
        fclose(g_json_log);

    cleanup_tmp_root();
    free(tests);
    if (g_silent_udp >= 0) {
        close(g_silent_udp);
    }
    if (g_silent_tcp >= 0) {
        close(g_silent_tcp);
    }
    return rc == 0 ? 0 : 1;
}
