/* replay.c - runs a fuzz target over every file of its corpus directory, so
 * ctest replays the corpora on each run with any compiler (no fuzzing).
 * Fails when a directory cannot be read, holds no input, or an input cannot
 * be read whole; in a sanitizer build (RDC_REPLAY_SANITIZED, set by
 * tests/fuzz/CMakeLists.txt with RDC_SANITIZE=ON) it refuses to compile
 * without AddressSanitizer, so the replay there is never a plain one. */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define RDC_REPLAY_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RDC_REPLAY_ASAN 1
#endif
#endif
#ifndef RDC_REPLAY_ASAN
#define RDC_REPLAY_ASAN 0
#endif
#if defined(RDC_REPLAY_SANITIZED) && !RDC_REPLAY_ASAN
#error "RDC_SANITIZE=ON but the replay is built without -fsanitize=address"
#endif

#define REPLAY_MAX (1 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    unsigned long total = 0;
    int status = 0;
    uint8_t *buf = malloc(REPLAY_MAX + 1);
    if (buf == NULL) {
        fputs("replay: out of memory\n", stderr);
        return 1;
    }
    if (argc < 2) {
        fputs("usage: replay CORPUS_DIR...\n", stderr);
        free(buf);
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        unsigned long n = 0;
        DIR *d = opendir(argv[i]);
        if (d == NULL) {
            perror(argv[i]);
            status = 1;
            continue;
        }
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            if (de->d_name[0] == '.')
                continue;
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[i], de->d_name);
            FILE *f = fopen(path, "rb");
            if (f == NULL) {
                fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
                status = 1;
                continue;
            }
            size_t len = fread(buf, 1, REPLAY_MAX + 1, f);
            int err = ferror(f);
            fclose(f);
            if (err || len > REPLAY_MAX) {
                fprintf(stderr, "replay: %s: %s\n", path,
                        err ? "read error" : "larger than 1 MiB (would be cut)");
                status = 1;
                continue;
            }
            /* an exact-size copy, so that the sanitizers see any read past
             * the end of the input */
            uint8_t *in = malloc(len ? len : 1);
            if (in == NULL) {
                fputs("replay: out of memory\n", stderr);
                status = 1;
                break;
            }
            memcpy(in, buf, len);
            LLVMFuzzerTestOneInput(in, len);
            free(in);
            n++;
        }
        closedir(d);
        if (n == 0) {
            fprintf(stderr, "replay: %s: no inputs\n", argv[i]);
            status = 1;
        }
        total += n;
    }
    free(buf);
    printf("replayed %lu inputs%s\n", total, RDC_REPLAY_ASAN ? " (AddressSanitizer on)" : "");
    return status;
}
