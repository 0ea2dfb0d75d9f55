
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * A main() for a libFuzzer harness without libFuzzer: every regular file
 * named on the command line, or found in a directory named there, is read
 * into an exact-size buffer and passed to LLVMFuzzerTestOneInput().
 */


#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_path(const char *path, size_t *count);
static int replay_file(const char *path);


int
main(int argc, char **argv)
{
    int     i;
    size_t  count;

    if (argc < 2) {
        fprintf(stderr, "usage: %s corpus-dir-or-file ...\n", argv[0]);
        return 2;
    }

    count = 0;

    for (i = 1; i < argc; i++) {
        if (replay_path(argv[i], &count) != 0) {
            return 1;
        }
    }

    if (count == 0) {
        fprintf(stderr, "replay: no inputs found\n");
        return 1;
    }

    printf("replay: %zu inputs ok\n", count);

    return 0;
}


static int
replay_path(const char *path, size_t *count)
{
    DIR            *dir;
    char           *sub;
    size_t          len;
    struct stat     st;
    struct dirent  *de;

    if (stat(path, &st) != 0) {
        perror(path);
        return -1;
    }

    if (!S_ISDIR(st.st_mode)) {
        if (replay_file(path) != 0) {
            return -1;
        }

        (*count)++;
        return 0;
    }

    dir = opendir(path);
    if (dir == NULL) {
        perror(path);
        return -1;
    }

    while ((de = readdir(dir)) != NULL) {
        if (de->d_name[0] == '.') {
            continue;
        }

        len = strlen(path) + strlen(de->d_name) + 2;

        sub = malloc(len);
        if (sub == NULL) {
            closedir(dir);
            return -1;
        }

        snprintf(sub, len, "%s/%s", path, de->d_name);

        if (replay_path(sub, count) != 0) {
            free(sub);
            closedir(dir);
            return -1;
        }

        free(sub);
    }

    closedir(dir);

    return 0;
}


static int
replay_file(const char *path)
{
    FILE     *f;
    long      size;
    uint8_t  *buf;

    f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        return -1;
    }

    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0
        || fseek(f, 0, SEEK_SET) != 0)
    {
        perror(path);
        fclose(f);
        return -1;
    }

    /* an exact-size buffer, so that an overread is an ASan error */

    buf = malloc(size ? (size_t) size : 1);
    if (buf == NULL) {
        fclose(f);
        return -1;
    }

    if (size && fread(buf, 1, (size_t) size, f) != (size_t) size) {
        perror(path);
        free(buf);
        fclose(f);
        return -1;
    }

    fclose(f);

    (void) LLVMFuzzerTestOneInput(buf, (size_t) size);

    free(buf);

    return 0;
}
