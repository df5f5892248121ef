/* item.c - the engine's unit of work (item.h): what an item owns. */
#include "item.h"

#include <stdlib.h>
#include <string.h>

void rdc_item_clear(rdc_item_t *it)
{
    if (it == NULL)
        return;
    free(it->input);
    free(it->error);
    memset(it, 0, sizeof *it);
}
