/* replay.c - runs a fuzz target over every file of its corpus directory, so
 * ctest replays the corpora on each run with any compiler (no fuzzing). */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    unsigned long n = 0;
    for (int i = 1; i < argc; i++) {
        DIR *d = opendir(argv[i]);
        if (d == NULL) {
            perror(argv[i]);
            return 1;
        }
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            if (de->d_name[0] == '.')
                continue;
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[i], de->d_name);
            FILE *f = fopen(path, "rb");
            if (f == NULL)
                continue;
            uint8_t *buf = malloc(1 << 20);
            size_t len = buf ? fread(buf, 1, 1 << 20, f) : 0;
            fclose(f);
            LLVMFuzzerTestOneInput(buf, len);
            free(buf);
            n++;
        }
        closedir(d);
    }
    printf("replayed %lu inputs\n", n);
    return n > 0 ? 0 : 1;
}
