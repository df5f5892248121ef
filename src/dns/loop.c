/* loop.c - a small level-triggered epoll loop with a handler per fd.
 * Level-triggered on purpose: edge-triggered stalls c-ares 1.18's TCP reader. */
#define _GNU_SOURCE
#include "loop.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

typedef struct slot {
    rdc_fd_handler_t h;
    void *ctx;
    bool active;
} slot_t;

struct rdc_loop {
    int ep;
    slot_t *slots; /* indexed by fd */
    size_t nslots;
};

rdc_loop_t *rdc_loop_new(void)
{
    rdc_loop_t *l = calloc(1, sizeof *l);
    if (l == NULL)
        return NULL;
    l->ep = epoll_create1(EPOLL_CLOEXEC);
    if (l->ep < 0) {
        free(l);
        return NULL;
    }
    return l;
}

void rdc_loop_free(rdc_loop_t *l)
{
    if (l == NULL)
        return;
    close(l->ep);
    free(l->slots);
    free(l);
}

bool rdc_loop_watch(rdc_loop_t *l, int fd, bool read, bool write, rdc_fd_handler_t h, void *ctx)
{
    if (fd < 0)
        return false;
    size_t ufd = (size_t)fd;
    if (ufd >= l->nslots) {
        size_t n = l->nslots ? l->nslots : 64;
        while (n <= ufd)
            n *= 2;
        slot_t *s = realloc(l->slots, n * sizeof *s);
        if (s == NULL)
            return false;
        for (size_t i = l->nslots; i < n; i++)
            s[i] = (slot_t){0};
        l->slots = s;
        l->nslots = n;
    }
    slot_t *s = &l->slots[ufd];
    if (!read && !write) {
        if (s->active) {
            epoll_ctl(l->ep, EPOLL_CTL_DEL, fd, NULL);
            s->active = false;
        }
        return true;
    }
    struct epoll_event ev = {.events = (read ? EPOLLIN : 0u) | (write ? EPOLLOUT : 0u)};
    ev.data.fd = fd;
    if (epoll_ctl(l->ep, s->active ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev) != 0) {
        /* the fd number may have been reused behind our back */
        if (errno == EEXIST && epoll_ctl(l->ep, EPOLL_CTL_MOD, fd, &ev) == 0)
            ;
        else if (errno == ENOENT && epoll_ctl(l->ep, EPOLL_CTL_ADD, fd, &ev) == 0)
            ;
        else
            return false;
    }
    s->active = true;
    s->h = h;
    s->ctx = ctx;
    return true;
}

int rdc_loop_wait(rdc_loop_t *l, int timeout_ms)
{
    struct epoll_event evs[256];
    int n = epoll_wait(l->ep, evs, 256, timeout_ms);
    if (n < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        int fd = evs[i].data.fd;
        if ((size_t)fd >= l->nslots || !l->slots[fd].active)
            continue; /* closed by an earlier handler in this batch */
        uint32_t e = evs[i].events;
        bool rd = (e & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0;
        bool wr = (e & EPOLLOUT) != 0;
        l->slots[fd].h(l->slots[fd].ctx, fd, rd, wr);
    }
    return n;
}
