/* smtp_probe - one SMTP transaction from a chosen source address, for the
 * receivers-as-the-judge test (tests/receivers/judge.sh).
 *
 * Usage: smtp_probe SOURCE SERVER PORT RCPT
 *
 * Binds to SOURCE (an address on a local interface), connects to SERVER:PORT,
 * reads the greeting, says EHLO, MAIL FROM:<> and RCPT TO:<RCPT>, then QUIT,
 * and prints the three-digit code of the RCPT reply on the first line of
 * standard output, the reply's text on the second. A receiver that rejects
 * the client earlier (greeting, EHLO, MAIL) is reported with that reply's
 * code. Exit status 0 when a code was read, 1 on a connection or protocol
 * error (said on stderr), 2 on a usage error.
 *
 * Every read has a generous timeout (30 s): it bounds a hung server, it is
 * not a measurement. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define PROBE_TIMEOUT_S 30

/* A reply line of at most 1000 octets (RFC 5321 4.5.3.1.5: 512). */
static char reply_text[1024];

static int parse_addr(const char *text, const char *port, struct sockaddr_storage *out,
                      socklen_t *len)
{
    struct addrinfo hints, *res = NULL;
    int rc;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    rc = getaddrinfo(text, port, &hints, &res);
    if (rc != 0 || res == NULL || res->ai_addrlen > sizeof *out) {
        fprintf(stderr, "smtp_probe: bad address '%s': %s\n", text,
                rc != 0 ? gai_strerror(rc) : "too long");
        if (res != NULL)
            freeaddrinfo(res);
        return -1;
    }
    memcpy(out, res->ai_addr, res->ai_addrlen);
    *len = res->ai_addrlen;
    freeaddrinfo(res);
    return 0;
}

/* read_reply: reads one (possibly multi-line) reply; returns its code, or -1.
 * The text of its last line goes to reply_text. */
static int read_reply(FILE *in)
{
    char line[1024];

    for (;;) {
        size_t n;
        if (fgets(line, sizeof line, in) == NULL) {
            fprintf(stderr, "smtp_probe: connection closed or timed out waiting for a reply\n");
            return -1;
        }
        n = strcspn(line, "\r\n");
        line[n] = '\0';
        if (n < 3 || line[0] < '2' || line[0] > '5' || line[1] < '0' || line[1] > '9' ||
            line[2] < '0' || line[2] > '9' ||
            (line[3] != '\0' && line[3] != ' ' && line[3] != '-')) {
            fprintf(stderr, "smtp_probe: not an SMTP reply line\n");
            return -1;
        }
        if (line[3] != '-') {
            snprintf(reply_text, sizeof reply_text, "%s", line);
            return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
        }
    }
}

/* command: sends VERB, ARG and END as one line and reads the reply. */
static int command(FILE *out, FILE *in, const char *verb, const char *arg, const char *end)
{
    if (fprintf(out, "%s%s%s\r\n", verb, arg, end) < 0 || fflush(out) != 0) {
        fprintf(stderr, "smtp_probe: write: %s\n", strerror(errno));
        return -1;
    }
    return read_reply(in);
}

int main(int argc, char **argv)
{
    struct sockaddr_storage src, dst;
    socklen_t src_len, dst_len;
    struct timeval tv = {PROBE_TIMEOUT_S, 0};
    FILE *in = NULL, *out = NULL;
    int fd = -1, fd2 = -1, code = -1, status = 1;

    if (argc != 5) {
        fprintf(stderr, "Usage: smtp_probe SOURCE SERVER PORT RCPT\n");
        return 2;
    }
    if (parse_addr(argv[1], "0", &src, &src_len) != 0 ||
        parse_addr(argv[2], argv[3], &dst, &dst_len) != 0)
        return 2;
    if (src.ss_family != dst.ss_family) {
        fprintf(stderr, "smtp_probe: SOURCE and SERVER are of different families\n");
        return 2;
    }
    fd = socket(src.ss_family, SOCK_STREAM, 0);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0) {
        fprintf(stderr, "smtp_probe: socket: %s\n", strerror(errno));
        goto done;
    }
    if (bind(fd, (struct sockaddr *)&src, src_len) != 0) {
        fprintf(stderr, "smtp_probe: bind %s: %s\n", argv[1], strerror(errno));
        goto done;
    }
    if (connect(fd, (struct sockaddr *)&dst, dst_len) != 0) {
        fprintf(stderr, "smtp_probe: connect %s port %s: %s\n", argv[2], argv[3], strerror(errno));
        goto done;
    }
    fd2 = dup(fd);
    if (fd2 < 0 || (in = fdopen(fd, "r")) == NULL) {
        fprintf(stderr, "smtp_probe: %s\n", strerror(errno));
        goto done;
    }
    fd = -1;
    if ((out = fdopen(fd2, "w")) == NULL) {
        fprintf(stderr, "smtp_probe: %s\n", strerror(errno));
        goto done;
    }
    fd2 = -1;
    code = read_reply(in);
    if (code == 220)
        code = command(out, in, "EHLO ", "probe.judge.test", "");
    if (code == 250)
        code = command(out, in, "MAIL FROM:<>", "", "");
    if (code == 250)
        code = command(out, in, "RCPT TO:<", argv[4], ">");
    if (code < 0)
        goto done;
    printf("%d\n%s\n", code, reply_text);
    (void)command(out, in, "QUIT", "", "");
    status = 0;
done:
    if (in != NULL)
        fclose(in);
    if (out != NULL)
        fclose(out);
    if (fd >= 0)
        close(fd);
    if (fd2 >= 0)
        close(fd2);
    return status;
}
