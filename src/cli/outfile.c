/* outfile.c - report files replaced atomically (outfile.h): mkstemp in
 * the target's directory, fsync, rename(2), which POSIX makes atomic
 * within one file system; then fsync of the directory so that the rename
 * itself survives a crash. */
#define _GNU_SOURCE
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

struct rdc_outfile {
    FILE *f;
    char *path; /* the file to replace */
    char *tmp; /* the temporary file; NULL: writing path directly */
};

static void set_err(char *err, size_t errlen, const char *path, int e)
{
    snprintf(err, errlen, "cannot write %s: %s", path, strerror(e));
}

static void outfile_free(rdc_outfile_t *of)
{
    free(of->path);
    free(of->tmp);
    free(of);
}

/* "dir/.name.XXXXXX" for "dir/name"; "./.name.XXXXXX" for "name". */
static char *temp_template(const char *path)
{
    const char *slash = strrchr(path, '/');
    rdc_buf_t b = {0};
    if (slash)
        rdc_buf_printf(&b, "%.*s/.%s.XXXXXX", (int)(slash - path), path, slash + 1);
    else
        rdc_buf_printf(&b, "./.%s.XXXXXX", path);
    return rdc_buf_take(&b);
}

rdc_outfile_t *rdc_outfile_open(const char *path, char *err, size_t errlen)
{
    struct stat st;
    rdc_outfile_t *of = calloc(1, sizeof *of);
    if (of == NULL || (of->path = rdc_strdup(path)) == NULL)
        goto oom;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        set_err(err, errlen, path, EISDIR);
        goto fail;
    }
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        of->f = fopen(path, "w");
        if (of->f == NULL) {
            set_err(err, errlen, path, errno);
            goto fail;
        }
        return of;
    }
    if (path[0] == '\0' || path[strlen(path) - 1] == '/') {
        set_err(err, errlen, path, EISDIR);
        goto fail;
    }
    if ((of->tmp = temp_template(path)) == NULL)
        goto oom;
    int fd = mkstemp(of->tmp);
    if (fd < 0) {
        set_err(err, errlen, path, errno);
        goto fail;
    }
    mode_t mask = umask(0); /* the mode a new file gets; mkstemp's is 0600 */
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0 || (of->f = fdopen(fd, "w")) == NULL) {
        set_err(err, errlen, path, errno);
        close(fd);
        unlink(of->tmp);
        goto fail;
    }
    return of;
oom:
    snprintf(err, errlen, "out of memory");
fail:
    if (of)
        outfile_free(of);
    return NULL;
}

FILE *rdc_outfile_stream(const rdc_outfile_t *of)
{
    return of->f;
}

/* fsync of the directory that holds path; errors ignored (some file
 * systems refuse it, and the rename has happened). */
static void sync_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
    if (dir == NULL)
        return;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    free(dir);
}

bool rdc_outfile_commit(rdc_outfile_t *of, char *err, size_t errlen)
{
    int e = 0;
    errno = 0;
    if (fflush(of->f) != 0 || ferror(of->f))
        e = errno ? errno : EIO;
    if (e == 0 && of->tmp && fsync(fileno(of->f)) != 0)
        e = errno;
    if (fclose(of->f) != 0 && e == 0)
        e = errno ? errno : EIO;
    if (e == 0 && of->tmp && rename(of->tmp, of->path) != 0)
        e = errno;
    if (e == 0 && of->tmp)
        sync_dir(of->path);
    if (e && of->tmp)
        unlink(of->tmp);
    if (e)
        set_err(err, errlen, of->path, e);
    outfile_free(of);
    return e == 0;
}

void rdc_outfile_discard(rdc_outfile_t *of)
{
    if (of == NULL)
        return;
    fclose(of->f);
    if (of->tmp)
        unlink(of->tmp);
    outfile_free(of);
}
