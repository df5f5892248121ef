/* loop.h - the one event loop (epoll, level-triggered) that c-ares sockets
 * and, later, SMTP sockets share. Internal. */
#ifndef RDC_LOOP_H
#define RDC_LOOP_H

#include <stdbool.h>

typedef struct rdc_loop rdc_loop_t;

/* Called with what the fd is ready for; errors and hang-ups count as
 * readable so the owner sees them when it reads (c-ares needs ICMP errors). */
typedef void (*rdc_fd_handler_t)(void *ctx, int fd, bool readable, bool writable);

/* Returns NULL on failure (errno set). */
rdc_loop_t *rdc_loop_new(void);
/* Closes the epoll fd; the watched fds belong to their owners. NULL: no-op. */
void rdc_loop_free(rdc_loop_t *l);

/* Starts, changes or (both false) stops watching fd. Returns false on error. */
bool rdc_loop_watch(rdc_loop_t *l, int fd, bool read, bool write, rdc_fd_handler_t h, void *ctx);

/* Waits at most timeout_ms (-1: forever) and runs the handlers of ready fds.
 * Returns the number of fds handled, 0 on timeout, -1 when interrupted by a
 * signal or on error (errno set). */
int rdc_loop_wait(rdc_loop_t *l, int timeout_ms);

#endif
