/* task.h - how a piece of the engine's work reports up without naming its
 * owner: the owner gives each piece (a slot, a check) a task with the parts
 * still unfinished and a completion function; whoever finishes a part
 * releases it, and the last release calls on_done. As c-ares hands answers
 * up through the ares_callback it was given, the forward cache, the SMTP
 * probe and --authority release the check they work for, and a check
 * releases its slot, without calling addrcheck.c or engine.c. Internal. */
#ifndef RDC_TASK_H
#define RDC_TASK_H

#include <stdbool.h>
#include <stddef.h>

typedef struct rdc_task rdc_task_t;
typedef void (*rdc_task_done_t)(rdc_task_t *t);

struct rdc_task {
    unsigned n; /* unfinished parts, the owner's own hold included */
    rdc_task_done_t on_done;
};

/* Starts with the owner's own hold plus `parts` parts; on_done runs once,
 * when the last is released. The owner releases its hold when it has
 * started every part, so a part that ends early cannot finish the task. */
static inline void task_start(rdc_task_t *t, unsigned parts, rdc_task_done_t on_done)
{
    t->n = 1 + parts;
    t->on_done = on_done;
}

/* One more part. */
static inline void task_add(rdc_task_t *t)
{
    t->n++;
}

/* One part done; the last one calls on_done (which may free the task's
 * owner: touch nothing of it after this call). */
static inline void task_release(rdc_task_t *t)
{
    if (--t->n == 0)
        t->on_done(t);
}

/* Unfinished parts of a piece of work that reports to nobody by count
 * (a host, a domain, a zone, an authority question): the piece starts
 * holding one part for itself, so that a part that ends while others are
 * still being started cannot finish it early. */
typedef struct rdc_hold {
    unsigned n;
} rdc_hold_t;

/* Starts with the piece's own hold plus `parts` parts. */
static inline void hold_start(rdc_hold_t *h, unsigned parts)
{
    h->n = 1 + parts;
}

/* One more part. */
static inline void hold_add(rdc_hold_t *h)
{
    h->n++;
}

/* One part done; true when it was the last (the piece is finished). */
static inline bool hold_release(rdc_hold_t *h)
{
    return --h->n == 0;
}

/* The struct of type `type` whose member `member` is the task t. */
#define TASK_OWNER(t, type, member) ((type *)(void *)((char *)(t)-offsetof(type, member)))

#endif
