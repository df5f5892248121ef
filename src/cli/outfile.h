/* outfile.h - a report file replaced atomically (--output FILE, --junit
 * FILE): written to a temporary file in the same directory, which is
 * flushed to disk and renamed over FILE only once complete, so a reader
 * (node_exporter's textfile collector, a CI job) sees the old file or
 * the new one, never half of one. Internal to the CLI. */
#ifndef RDC_OUTFILE_H
#define RDC_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct rdc_outfile rdc_outfile_t;

/* Prepares FILE path: creates the temporary file "<dir>/.<name>.XXXXXX"
 * (with the permissions a new file gets: 0666 less the umask). A path
 * that exists and is not a regular file (/dev/null, /dev/stdout, a FIFO)
 * is opened and written directly, as there is nothing to rename; a
 * directory is refused. NULL on failure, with why in err. */
rdc_outfile_t *rdc_outfile_open(const char *path, char *err, size_t errlen);

/* Where to write. */
FILE *rdc_outfile_stream(const rdc_outfile_t *of);

/* Finishes the file: flush, fsync, close, rename over the path, then
 * fsync the directory (best effort). On failure the temporary file is
 * removed, the old file stays as it was, and err says why. Frees of
 * either way. */
bool rdc_outfile_commit(rdc_outfile_t *of, char *err, size_t errlen);

/* Drops the file: the temporary file is removed and the old one stays
 * (a direct one is just closed). Frees of; NULL is a no-op. */
void rdc_outfile_discard(rdc_outfile_t *of);

#endif
