/* cmd_land.c: `sluice land`: lands a JSON array / NDJSON file (--from) or Kafka
 * topics (-b, src/kafka/kafka.h) into a lake as Parquet tables, exactly once,
 * through the lander (src/lake/land.h). */
#include "cli/cli.h"
#include "common/common.h"
#include "json/json.h"
#include "kafka/kafka.h"
#include "lake/lake.h"
#include "lake/land.h"
#include "map/map.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CMD "land"
#define DEFAULT_MAPPING "assessments"
/* How many commits one pass over the due list may ask for. */
#define DUE_MAX 16

static void usage(FILE *f)
{
    fprintf(f,
            "usage: sluice land --from FILE|- --lake DIR [OPTIONS]\n"
            "       sluice land -b BROKERS -t TOPIC[,TOPIC] -g GROUP --lake DIR [OPTIONS]\n"
            "\n"
            "Lands JSON messages as Parquet tables in a lake, exactly once: each message is\n"
            "mapped to rows of the mapping's tables (bad ones to _quarantine with the reason),\n"
            "duplicates (same dedupe key) are dropped, and files are committed per offset range\n"
            "with a manifest, so a crash or a re-run never loses or doubles a message.\n"
            "With --from, the file (a JSON array or NDJSON; '-' is stdin) is the partition:\n"
            "topic = its base name, offset = record number. Landing the same file again lands\n"
            "nothing new.\n"
            "\n"
            "Lake layout:\n"
            "  DIR/<table>/dt=<YYYY-MM-DD>/<topic>+<partition>+<first>+<last>.<codec>.parquet\n"
            "  DIR/_quarantine/dt=<day landed>/...   DIR/_sluice/   (manifests, dedupe keys)\n"
            "\n"
            "Source (one of):\n"
            "      --from FILE         a JSON array or NDJSON file, or - for stdin\n"
            "  -b, --brokers LIST      Kafka bootstrap brokers (host:port,...)\n"
            "\n"
            "Kafka options (with -b):\n"
            "  -t, --topic T[,T]       topics to consume (repeatable)\n"
            "  -g, --group GROUP       consumer group\n"
            "  -X KEY=VALUE            librdkafka property (repeatable)\n"
            "      --once              stop when every partition is at its end\n"
            "      --dead-letter-topic T  also publish quarantined messages to T\n"
            "      --stats-json FILE   write counters as JSON to FILE\n"
            "\n"
            "Destination and transform:\n"
            "      --lake DIR          the lake: a folder, file:///path (required)\n"
            "  -m, --mapping NAME|FILE table mapping (default %s; see 'sluice mapping')\n"
            "      --codec C           zstd (default), snappy, gzip or none\n"
            "      --compression-level N  zstd 1-22, gzip 1-9 (default: codec's own)\n"
            "      --row-group-size SIZE  buffered bytes per row group (default 128M)\n"
            "      --max-rows N        commit a range when one of its files has N rows\n"
            "                          (default 10000000)\n"
            "      --max-bytes SIZE    ... or reaches SIZE bytes (default 256M)\n"
            "      --max-age DUR       ... or is DUR old, e.g. 30s, 5m (default 5m)\n"
            "      --max-memory SIZE   encoded rows held by all open files; above it the\n"
            "                          biggest files move their finished pages to a spill\n"
            "                          file (unnamed, in $TMPDIR or /tmp), then write row\n"
            "                          groups early if still over (default 48M); a range\n"
            "                          whose footers hold a quarter of it commits\n"
            "      --max-open-files N  open files over all partitions; above it the partition\n"
            "                          with the most commits early (default: a local lake\n"
            "                          the descriptor limit less 256, at most 8192; WebHDFS\n"
            "                          512). Each open file costs memory (docs/LAKE.md)\n"
            "      --dedupe-window N   keys remembered per partition (default 1000000;\n"
            "                          0 turns duplicate dropping off)\n"
            "      --tenant-from SRC   land each customer under <table>/tenant=<id>/, the id\n"
            "                          taken from: header:NAME (Kafka header NAME),\n"
            "                          key-prefix (key before its first ':' or '/'),\n"
            "                          topic-suffix (topic after its last '.' or '-'),\n"
            "                          field:PATH (JSON field, dotted for nested); with\n"
            "                          --from only field:PATH. An id that is missing or not\n"
            "                          [a-z0-9_-]{1,64} sends the message to _quarantine\n"
            "      --dir-mode OCTAL    mode of new lake folders (default 0750)\n"
            "      --file-mode OCTAL   mode of new lake files (default 0640; local lake:\n"
            "                          set exactly, whatever the umask)\n"
            "  -q, --quiet             no progress line, no summary\n"
            "  -h, --help              this help\n"
            "\n"
            "SIZE takes K, M, G suffixes (powers of 1024). Exit status: 0 when every message\n"
            "was landed or quarantined, 1 on an error (re-run to resume), 2 on a usage error.\n"
            "With --from, sluice runs itself again with GLIBC_TUNABLES=glibc.malloc.hugetlb=1\n"
            "(memory in transparent huge pages: fewer page faults, about 10%% more RSS);\n"
            "SLUICE_NO_HUGEPAGES=1, or a GLIBC_TUNABLES of your own, turns that off.\n"
            "\n"
            "Examples:\n"
            "  sluice land --from attempts.json --lake lake\n"
            "  sluice gen --ndjson | sluice land --from - --lake /data/lake --codec snappy\n",
            DEFAULT_MAPPING);
}

/* Options parsed into sl_land_cli_opts plus what owns their arrays. */
typedef struct cli_state {
    sl_land_cli_opts o;
    char **topics;
    size_t ntopics, captopics;
    const char **props;
    size_t nprops, capprops;
    const char *kafka_only; /* the first Kafka-only option seen, for the error */
} cli_state;

static void state_free(cli_state *s)
{
    for (size_t i = 0; i < s->ntopics; i++)
        free(s->topics[i]);
    free(s->topics);
    free(s->props);
}

/* Splits a -t value on commas and appends the topics. 0, or -1 on an empty name
 * or out of memory. */
static int add_topics(cli_state *s, const char *arg)
{
    const char *p = arg;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        if (n == 0)
            return -1;
        if (s->ntopics == s->captopics) {
            size_t nc = s->captopics ? s->captopics * 2 : 4;
            char **nt = realloc(s->topics, nc * sizeof *nt);
            if (!nt)
                return -1;
            s->topics = nt;
            s->captopics = nc;
        }
        if (!(s->topics[s->ntopics] = strndup(p, n)))
            return -1;
        s->ntopics++;
        if (!comma)
            return 0;
        p = comma + 1;
    }
}

static int add_prop(cli_state *s, const char *kv)
{
    if (s->nprops == s->capprops) {
        size_t nc = s->capprops ? s->capprops * 2 : 8;
        const char **np = realloc(s->props, nc * sizeof *np);
        if (!np)
            return -1;
        s->props = np;
        s->capprops = nc;
    }
    s->props[s->nprops++] = kv;
    return 0;
}

enum {
    OPT_FROM = 256, OPT_LAKE, OPT_CODEC, OPT_LEVEL, OPT_MAX_ROWS, OPT_MAX_BYTES, OPT_RG, OPT_DEDUPE,
    OPT_ONCE, OPT_MAX_AGE, OPT_MAX_MEM, OPT_MAX_OPEN, OPT_DLT, OPT_STATS, OPT_TENANT_FROM, OPT_DIR_MODE, OPT_FILE_MODE
};

/* Parses an octal permission mode (at most 0777). 0, or -1 when s is not one. */
static int parse_mode(const char *s, unsigned *mode)
{
    char *end;
    if (!*s || strspn(s, "01234567") != strlen(s))
        return -1;
    unsigned long v = strtoul(s, &end, 8);
    if (*end || v == 0 || v > 0777)
        return -1;
    *mode = (unsigned)v;
    return 0;
}

/* Parses argv into s. Returns -1 when parsing succeeded, else the exit code
 * (0 after --help, 2 on a usage error). */
static int parse_args(int argc, char **argv, cli_state *s)
{
    static const struct option longopts[] = {
        { "from", required_argument, NULL, OPT_FROM },
        { "lake", required_argument, NULL, OPT_LAKE },
        { "mapping", required_argument, NULL, 'm' },
        { "codec", required_argument, NULL, OPT_CODEC },
        { "compression-level", required_argument, NULL, OPT_LEVEL },
        { "max-rows", required_argument, NULL, OPT_MAX_ROWS },
        { "max-bytes", required_argument, NULL, OPT_MAX_BYTES },
        { "row-group-size", required_argument, NULL, OPT_RG },
        { "dedupe-window", required_argument, NULL, OPT_DEDUPE },
        { "quiet", no_argument, NULL, 'q' },
        { "brokers", required_argument, NULL, 'b' },
        { "topic", required_argument, NULL, 't' },
        { "group", required_argument, NULL, 'g' },
        { "once", no_argument, NULL, OPT_ONCE },
        { "max-age", required_argument, NULL, OPT_MAX_AGE },
        { "max-memory", required_argument, NULL, OPT_MAX_MEM },
        { "max-open-files", required_argument, NULL, OPT_MAX_OPEN },
        { "dead-letter-topic", required_argument, NULL, OPT_DLT },
        { "stats-json", required_argument, NULL, OPT_STATS },
        { "tenant-from", required_argument, NULL, OPT_TENANT_FROM },
        { "dir-mode", required_argument, NULL, OPT_DIR_MODE },
        { "file-mode", required_argument, NULL, OPT_FILE_MODE },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    sl_land_cli_opts *o = &s->o;
    o->codec = SL_PQ_ZSTD;
    o->dedupe_window = -1;
    o->mapping = DEFAULT_MAPPING;
    optind = 0;
    opterr = 0;
    int c;
    long long n;
    unsigned long long u;
    while ((c = getopt_long(argc, argv, "m:qb:t:g:X:h", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_FROM: o->from = optarg; break;
        case OPT_LAKE: o->lake = optarg; break;
        case 'm': o->mapping = optarg; break;
        case OPT_CODEC:
            if (sl_pq_codec_parse(optarg, &o->codec) != 0)
                return sl_cli_usage_error(CMD, "--codec wants zstd, snappy, gzip or none, got '%s'", optarg);
            break;
        case OPT_LEVEL:
            if (sl_cli_parse_count(optarg, &n) != 0 || n < 1 || n > 22)
                return sl_cli_usage_error(CMD, "--compression-level wants 1 to 22, got '%s'", optarg);
            o->compression_level = (int)n;
            break;
        case OPT_MAX_ROWS:
            if (sl_cli_parse_count(optarg, &n) != 0 || n < 1)
                return sl_cli_usage_error(CMD, "--max-rows wants a positive number, got '%s'", optarg);
            o->max_rows = (uint64_t)n;
            break;
        case OPT_MAX_BYTES:
            if (sl_cli_parse_size(optarg, &u) != 0 || u < 1)
                return sl_cli_usage_error(CMD, "--max-bytes wants a size such as 256M, got '%s'", optarg);
            o->max_bytes = u;
            break;
        case OPT_RG:
            if (sl_cli_parse_size(optarg, &u) != 0 || u < 1024 || u > (1ull << 31))
                return sl_cli_usage_error(CMD, "--row-group-size wants a size from 1K to 2G, got '%s'",
                                          optarg);
            o->row_group_size = u;
            break;
        case OPT_DEDUPE:
            if (sl_cli_parse_count(optarg, &n) != 0 || n > 1000000000LL)
                return sl_cli_usage_error(CMD, "--dedupe-window wants 0 to 1000000000 keys, got '%s'", optarg);
            o->dedupe_window = n;
            break;
        case 'q': o->quiet = 1; break;
        case 'b': o->brokers = optarg; break;
        case 't':
            if (add_topics(s, optarg) != 0)
                return sl_cli_usage_error(CMD, "-t wants topic names separated by commas, got '%s'", optarg);
            s->kafka_only = s->kafka_only ? s->kafka_only : "-t";
            break;
        case 'g':
            o->group = optarg;
            s->kafka_only = s->kafka_only ? s->kafka_only : "-g";
            break;
        case 'X':
            if (!strchr(optarg, '='))
                return sl_cli_usage_error(CMD, "-X wants KEY=VALUE, got '%s'", optarg);
            if (add_prop(s, optarg) != 0)
                return sl_cli_usage_error(CMD, "out of memory");
            s->kafka_only = s->kafka_only ? s->kafka_only : "-X";
            break;
        case OPT_ONCE:
            o->once = 1;
            s->kafka_only = s->kafka_only ? s->kafka_only : "--once";
            break;
        case OPT_MAX_AGE:
            if (sl_cli_parse_duration_ms(optarg, &u) != 0 || u < 1)
                return sl_cli_usage_error(CMD, "--max-age wants a duration such as 30s or 5m, got '%s'",
                                          optarg);
            o->max_age_ms = u;
            break;
        case OPT_MAX_MEM:
            if (sl_cli_parse_size(optarg, &u) != 0 || u < 1)
                return sl_cli_usage_error(CMD, "--max-memory wants a size such as 512M, got '%s'", optarg);
            o->max_memory = u;
            break;
        case OPT_MAX_OPEN:
            if (sl_cli_parse_count(optarg, &n) != 0 || n < 1)
                return sl_cli_usage_error(CMD, "--max-open-files wants a positive number, got '%s'", optarg);
            o->max_open_files = (uint64_t)n;
            break;
        case OPT_DLT:
            o->dead_letter_topic = optarg;
            s->kafka_only = s->kafka_only ? s->kafka_only : "--dead-letter-topic";
            break;
        case OPT_STATS:
            o->stats_json = optarg;
            s->kafka_only = s->kafka_only ? s->kafka_only : "--stats-json";
            break;
        case OPT_TENANT_FROM: {
            char why[256];
            if (sl_tenant_from_parse(optarg, &o->tenant_from, why, sizeof why) != SL_OK)
                return sl_cli_usage_error(CMD, "%s", why);
            break;
        }
        case OPT_DIR_MODE:
            if (parse_mode(optarg, &o->dir_mode) != 0)
                return sl_cli_usage_error(CMD, "--dir-mode wants an octal mode such as 0750, got '%s'", optarg);
            break;
        case OPT_FILE_MODE:
            if (parse_mode(optarg, &o->file_mode) != 0)
                return sl_cli_usage_error(CMD, "--file-mode wants an octal mode such as 0640, got '%s'", optarg);
            break;
        case 'h': usage(stdout); return 0;
        default: return sl_cli_bad_option(CMD, argc, argv);
        }
    }
    if (optind < argc)
        return sl_cli_usage_error(CMD, "unexpected argument '%s'", argv[optind]);
    if (o->from && o->brokers)
        return sl_cli_usage_error(CMD, "give either --from FILE or -b BROKERS, not both");
    if (!o->from && !o->brokers)
        return sl_cli_usage_error(CMD, "give the source: --from FILE (or - for stdin), or -b BROKERS -t TOPIC");
    if (o->from && s->kafka_only)
        return sl_cli_usage_error(CMD, "%s needs a Kafka source: use -b BROKERS (or drop it with --from)",
                                  s->kafka_only);
    if (o->from && o->tenant_from.src != SL_TENANT_NONE && o->tenant_from.src != SL_TENANT_FIELD)
        return sl_cli_usage_error(CMD, "with --from only --tenant-from field:PATH applies (a file has no "
                                       "headers, keys or topics to take a tenant from)");
    if (o->brokers && s->ntopics == 0)
        return sl_cli_usage_error(CMD, "-b needs -t TOPIC");
    if (!o->lake || !*o->lake)
        return sl_cli_usage_error(CMD, "--lake DIR is required");
    if (o->from && !*o->from)
        return sl_cli_usage_error(CMD, "--from wants a file name or -");
    o->topics = (const char *const *)s->topics;
    o->ntopics = s->ntopics;
    o->kafka_props = s->props;
    o->nkafka_props = s->nprops;
    return -1;
}

/* The progress line (stderr is a terminal): messages, input read, speed. */
static void progress(const sl_lander *l, uint64_t in_bytes, double secs)
{
    sl_lander_stats st;
    sl_lander_get_stats(l, &st);
    uint64_t msgs = st.messages + st.pending_messages + st.already_landed;
    fprintf(stderr, "\r%" PRIu64 " messages, %.1f MB read, %.1f MB/s, %" PRIu64 " files committed   ", msgs,
            (double)in_bytes / 1e6, secs > 0 ? (double)in_bytes / 1e6 / secs : 0.0, st.files);
    fflush(stderr);
}

/* Commits whatever sl_lander_due reports. */
static sl_err commit_due(sl_lander *l, char *errstr, size_t errstr_size)
{
    sl_lander_due_item due[DUE_MAX];
    size_t n = sl_lander_due(l, sl_lander_now_ms(l), due, DUE_MAX);
    for (size_t i = 0; i < n; i++) {
        int64_t last;
        sl_err e = sl_lander_commit(l, due[i].topic, due[i].partition, &last, errstr, errstr_size);
        if (e != SL_OK)
            return e;
    }
    return SL_OK;
}

/* File mode: one partition (topic = the file's base name, partition 0), offsets =
 * record ordinals. Returns the exit code. */
static int land_file(const sl_land_cli_opts *o)
{
    char errstr[1024] = "";
    char topic[SL_LAKE_TOPIC_MAX + 1];
    int is_stdin = strcmp(o->from, "-") == 0;
    const char *shown = is_stdin ? "stdin" : o->from;
    int fd = 0, rc = 1, tty = !o->quiet && sl_cli_stderr_is_tty(), shown_progress = 0;
    uint64_t t0 = sl_now_ns();
    sl_store *store = NULL;
    sl_mapping *mapping = NULL;
    sl_json_stream *stream = NULL;
    sl_lander *l = NULL;
    sl_err e;

    sl_lake_topic_from_path(is_stdin ? NULL : o->from, topic, sizeof topic);
    if (!is_stdin) {
        fd = open(o->from, O_RDONLY | O_CLOEXEC);
        struct stat st;
        if (fd < 0) {
            sl_cli_error(CMD, "cannot open '%s': %s", o->from, strerror(errno));
            return 1;
        }
        if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
            sl_cli_error(CMD, "'%s' is a folder, not a file", o->from);
            goto done;
        }
    }
    mapping = sl_mapping_load(o->mapping, errstr, sizeof errstr);
    if (!mapping) {
        sl_cli_error(CMD, "%s", errstr);
        goto done;
    }
    sl_store_opts so = { .dir_mode = o->dir_mode, .file_mode = o->file_mode };
    store = sl_store_open(o->lake, &so, errstr, sizeof errstr);
    if (!store) {
        sl_cli_error(CMD, "%s", errstr);
        goto done;
    }
    sl_lander_opts lo = sl_land_cli_lander_opts(o);
    l = sl_lander_new(store, mapping, &lo, errstr, sizeof errstr);
    if (!l) {
        sl_cli_error(CMD, "%s", errstr);
        goto done;
    }
    stream = sl_json_stream_new(fd, shown, SL_JSON_FMT_AUTO, 0);
    if (!stream) {
        sl_cli_error(CMD, "out of memory");
        goto done;
    }
    int64_t resume;
    e = sl_lander_assign(l, topic, 0, &resume, errstr, sizeof errstr);
    if (e != SL_OK) {
        sl_cli_error(CMD, "%s: recovery of %s: %s", o->lake, topic, errstr);
        goto done;
    }
    uint64_t last_progress = t0;
    sl_json_record rec;
    sl_err se;
    char serr[512] = "";
    while ((se = sl_json_stream_next(stream, &rec, serr, sizeof serr)) == SL_OK) {
        sl_origin origin = { topic, 0, (int64_t)rec.ordinal, SL_TS_NULL, NULL, 0, NULL, 0 };
        e = sl_lander_add(l, topic, 0, rec.data, rec.len, &origin, errstr, sizeof errstr);
        if (e == SL_OK)
            e = commit_due(l, errstr, sizeof errstr);
        if (e != SL_OK) {
            sl_cli_error(CMD, "%s: record %" PRIu64 " (line %" PRIu64 "): %s", shown, rec.ordinal + 1, rec.line,
                         errstr);
            goto done;
        }
        if (tty && (rec.ordinal & 1023) == 0) {
            uint64_t now = sl_now_ns();
            if (now - last_progress >= 500000000u) {
                progress(l, sl_json_stream_bytes(stream), (double)(now - t0) / 1e9);
                last_progress = now;
                shown_progress = 1;
            }
        }
    }
    /* Land what was read even when the input broke off, then report the break. */
    int64_t last;
    e = sl_lander_commit(l, topic, 0, &last, errstr, sizeof errstr);
    if (shown_progress)
        fputc('\n', stderr);
    if (e != SL_OK) {
        sl_cli_error(CMD, "%s: commit: %s", o->lake, errstr);
        goto done;
    }
    if (!o->quiet)
        sl_land_print_summary(stderr, l, (double)(sl_now_ns() - t0) / 1e9, sl_json_stream_bytes(stream));
    if (se != SL_ERR_NOTFOUND) {
        sl_cli_error(CMD, "%s (records before it are landed; fix the input and re-run to land the rest)", serr);
        goto done;
    }
    rc = 0;
done:
    if (l && sl_lander_revoke(l, topic, 0, 0, errstr, sizeof errstr) != SL_OK)
        rc = 1;
    sl_lander_destroy(l);
    sl_json_stream_destroy(stream);
    sl_store_close(store);
    sl_mapping_destroy(mapping);
    if (fd > 0)
        close(fd);
    return rc;
}

SL_CMD(land)
{
    cli_state s;
    memset(&s, 0, sizeof s);
    int rc = parse_args(argc, argv, &s);
    if (rc < 0)
        rc = s.o.from ? land_file(&s.o) : sl_kafka_land_main(&s.o);
    state_free(&s);
    return rc;
}
