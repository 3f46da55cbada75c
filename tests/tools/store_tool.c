/*
 * store_tool.c: drives the sl_store API (store.h) on any lake URI, for end-to-end
 * tests and benchmarks of the storage backends (tests/e2e/webhdfs_*.sh).
 *
 *   store_tool [options] URI COMMAND [ARGS]
 *   store_tool [options] URI -          commands from stdin, one per line, one store
 *
 * Commands:
 *   mkdirs P              stat P               list P          cat P (read_all to stdout)
 *   put P LOCAL [CHUNK]   streams LOCAL into P with CHUNK-byte writes (default 65536)
 *   putatomic P LOCAL     sl_store_put_atomic
 *   get P LOCAL [RANGE]   open_in + read_at of RANGE bytes at a time (default: whole)
 *   rename A B            delete P [-r]
 *   abort P LOCAL         writes LOCAL into P, then abandons the file
 * Options (sl_store_opts): -u USER  -t TOKEN  -w FROM=TO (DataNode rewrite)  -H (HttpFS)
 *   -T TIMEOUT_MS  -d DIRMODE  -f FILEMODE (octal)
 *
 * Output: stat prints "file SIZE" or "dir"; list prints "NAME<TAB>file<TAB>SIZE" or
 * "NAME<TAB>dir"; others print nothing on success. A failure prints
 * "ERR <kind>: <message>" to stdout (kind: notfound, exists, retry, fatal, invalid,
 * io, parse, corrupt, limit, nomem, unsupported) and the exit status is 1 (in script
 * mode the script goes on and the status is 1 at the end). Usage errors exit 2.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/common.h"
#include "lake/store.h"

static const char *kind(sl_err e)
{
    switch (e) {
    case SL_OK: return "ok";
    case SL_ERR_NOMEM: return "nomem";
    case SL_ERR_IO: return "io";
    case SL_ERR_INVALID: return "invalid";
    case SL_ERR_PARSE: return "parse";
    case SL_ERR_CORRUPT: return "corrupt";
    case SL_ERR_UNSUPPORTED: return "unsupported";
    case SL_ERR_NOTFOUND: return "notfound";
    case SL_ERR_EXISTS: return "exists";
    case SL_ERR_LIMIT: return "limit";
    case SL_ERR_RETRY: return "retry";
    case SL_ERR_FATAL: return "fatal";
    }
    return "?";
}

static int list_cb(void *ctx, const char *name, const sl_store_info *st)
{
    (void)ctx;
    if (st->is_dir)
        printf("%s\tdir\n", name);
    else
        printf("%s\tfile\t%" PRIu64 "\n", name, st->size);
    return 0;
}

/* Reads a whole local file (test inputs are small enough). */
static int slurp(const char *path, sl_buf *b)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    uint8_t tmp[65536];
    for (;;) {
        ssize_t r = read(fd, tmp, sizeof tmp);
        if (r < 0) {
            close(fd);
            return -1;
        }
        if (r == 0)
            break;
        if (sl_buf_append(b, tmp, (size_t)r) != SL_OK) {
            close(fd);
            return -1;
        }
    }
    return close(fd);
}

static int write_local(const char *path, const uint8_t *p, size_t n)
{
    FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "wb");
    if (!f)
        return -1;
    int rc = n && fwrite(p, 1, n, f) != n ? -1 : 0;
    if (f == stdout)
        return fflush(f) == 0 ? rc : -1;
    if (fclose(f) != 0)
        rc = -1;
    return rc;
}

/* Streams LOCAL into a new store file in chunk-byte writes; abandon: abort at the end. */
static sl_err put(sl_store *s, const char *path, const char *local, size_t chunk, int abandon, char *err,
                  size_t errn)
{
    int fd = open(local, O_RDONLY);
    if (fd < 0)
        return sl_errf(SL_ERR_IO, err, errn, "%s: %s", local, strerror(errno));
    sl_store_file *f = NULL;
    sl_err e = sl_store_create(s, path, &f, err, errn);
    uint8_t *buf = malloc(chunk);
    if (e == SL_OK && !buf)
        e = sl_errf(SL_ERR_NOMEM, err, errn, "out of memory");
    sl_out o = f ? sl_store_file_out(f) : (sl_out){ 0 };
    while (e == SL_OK) {
        size_t got = 0;
        while (got < chunk) {
            ssize_t r = read(fd, buf + got, chunk - got);
            if (r < 0) {
                e = sl_errf(SL_ERR_IO, err, errn, "%s: %s", local, strerror(errno));
                break;
            }
            if (r == 0)
                break;
            got += (size_t)r;
        }
        if (e != SL_OK || got == 0)
            break;
        e = o.write(o.ctx, buf, got, err, errn);
    }
    if (f) {
        if (e != SL_OK || abandon)
            sl_store_file_abort(f);
        else
            e = sl_store_file_finish(f, err, errn);
    }
    free(buf);
    close(fd);
    return e;
}

static sl_err get(sl_store *s, const char *path, const char *local, size_t range, char *err, size_t errn)
{
    sl_in in;
    sl_err e = sl_store_open_in(s, path, &in, err, errn);
    if (e != SL_OK)
        return e;
    uint8_t *buf = malloc(in.size ? (size_t)in.size : 1);
    if (!buf) {
        sl_store_in_close(&in);
        return sl_errf(SL_ERR_NOMEM, err, errn, "out of memory");
    }
    if (range == 0)
        range = in.size ? (size_t)in.size : 1;
    for (uint64_t off = 0; e == SL_OK && off < in.size; off += range) {
        size_t n = in.size - off < range ? (size_t)(in.size - off) : range;
        e = in.read_at(&in, off, buf + off, n, err, errn);
    }
    if (e == SL_OK && write_local(local, buf, (size_t)in.size) != 0)
        e = sl_errf(SL_ERR_IO, err, errn, "%s: cannot write", local);
    free(buf);
    sl_store_in_close(&in);
    return e;
}

/* Runs one command (argv[0] is its name). Returns 0, 1 (store error) or 2 (usage). */
static int run(sl_store *s, int argc, char **argv)
{
    char err[2048] = "";
    sl_err e = SL_OK;
    const char *c = argv[0];
    if (strcmp(c, "mkdirs") == 0 && argc == 2) {
        e = sl_store_mkdirs(s, argv[1], err, sizeof err);
    } else if (strcmp(c, "stat") == 0 && argc == 2) {
        sl_store_info st;
        e = sl_store_stat(s, argv[1], &st, err, sizeof err);
        if (e == SL_OK) {
            if (st.is_dir)
                printf("dir\n");
            else
                printf("file %" PRIu64 "\n", st.size);
        }
    } else if (strcmp(c, "list") == 0 && argc == 2) {
        e = sl_store_list(s, argv[1], list_cb, NULL, err, sizeof err);
    } else if (strcmp(c, "cat") == 0 && argc == 2) {
        sl_buf b = { 0 };
        e = sl_store_read_all(s, argv[1], &b, err, sizeof err);
        if (e == SL_OK && write_local("-", b.data, b.len) != 0)
            e = sl_errf(SL_ERR_IO, err, sizeof err, "stdout: cannot write");
        sl_buf_free(&b);
    } else if ((strcmp(c, "put") == 0 || strcmp(c, "abort") == 0) && (argc == 3 || argc == 4)) {
        size_t chunk = argc == 4 ? (size_t)strtoull(argv[3], NULL, 10) : 65536;
        if (chunk == 0)
            return 2;
        e = put(s, argv[1], argv[2], chunk, c[0] == 'a', err, sizeof err);
    } else if (strcmp(c, "putatomic") == 0 && argc == 3) {
        sl_buf b = { 0 };
        if (slurp(argv[2], &b) != 0)
            e = sl_errf(SL_ERR_IO, err, sizeof err, "%s: cannot read", argv[2]);
        else
            e = sl_store_put_atomic(s, argv[1], b.data, b.len, err, sizeof err);
        sl_buf_free(&b);
    } else if (strcmp(c, "get") == 0 && (argc == 3 || argc == 4)) {
        e = get(s, argv[1], argv[2], argc == 4 ? (size_t)strtoull(argv[3], NULL, 10) : 0, err, sizeof err);
    } else if (strcmp(c, "rename") == 0 && argc == 3) {
        e = sl_store_rename(s, argv[1], argv[2], err, sizeof err);
    } else if (strcmp(c, "delete") == 0 && (argc == 2 || (argc == 3 && strcmp(argv[2], "-r") == 0))) {
        e = sl_store_delete(s, argv[1], argc == 3, err, sizeof err);
    } else {
        fprintf(stderr, "store_tool: bad command '%s' or arguments (see tests/tools/store_tool.c)\n", c);
        return 2;
    }
    if (e != SL_OK) {
        printf("ERR %s: %s\n", kind(e), err);
        fflush(stdout);
        return 1;
    }
    fflush(stdout);
    return 0;
}

int main(int argc, char **argv)
{
    sl_store_opts o;
    memset(&o, 0, sizeof o);
    int opt;
    while ((opt = getopt(argc, argv, "+u:t:w:HT:d:f:")) != -1) {
        switch (opt) {
        case 'u': o.user = optarg; break;
        case 't': o.token = optarg; break;
        case 'w': o.datanode_rewrite = optarg; break;
        case 'H': o.httpfs = 1; break;
        case 'T': o.timeout_ms = atoi(optarg); break;
        case 'd': o.dir_mode = (unsigned)strtoul(optarg, NULL, 8); break;
        case 'f': o.file_mode = (unsigned)strtoul(optarg, NULL, 8); break;
        default: return 2;
        }
    }
    if (argc - optind < 2) {
        fprintf(stderr, "usage: store_tool [options] URI COMMAND [ARGS] | URI -\n");
        return 2;
    }
    char err[2048] = "";
    sl_store *s = sl_store_open(argv[optind], &o, err, sizeof err);
    if (!s) {
        printf("ERR open: %s\n", err);
        return 1;
    }
    int rc = 0;
    if (strcmp(argv[optind + 1], "-") == 0) {
        char line[4096];
        while (fgets(line, sizeof line, stdin)) {
            char *av[8];
            int ac = 0;
            for (char *t = strtok(line, " \t\r\n"); t && ac < 8; t = strtok(NULL, " \t\r\n"))
                av[ac++] = t;
            if (ac == 0 || av[0][0] == '#')
                continue;
            int r = run(s, ac, av);
            if (r > rc)
                rc = r;
        }
    } else {
        rc = run(s, argc - optind - 1, argv + optind + 1);
    }
    sl_store_close(s);
    return rc;
}
