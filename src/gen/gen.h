/*
 * gen.h: the realistic assessment-attempt generator behind `sluice gen`.
 *
 * A generator turns a 64-bit seed into an endless stream of JSON records shaped
 * exactly like the original assessment-attempts file (docs: DATA.md): the same
 * keys in the same order, every option variant, the per-exam weights of the
 * reference counts, stable question and option ids per exam, ~1.2% exact
 * duplicates, the missing keys and realistic times.
 *
 * Guarantees:
 *  - Deterministic: the same seed gives the same bytes on every run (times use
 *    libm's exp/log, so another C library could differ in a rare millisecond).
 *  - Prefix-stable: the stream does not depend on how many records are asked
 *    for, so the first K records of a run of N >= K are the first K of any run.
 *  - Stable structure: an exam's questions, option ids, which options are
 *    correct and its sequence id derive from its base_exam_id alone (not from the
 *    seed), so they are the same in every run.
 *  - Constant memory whatever the count; no allocation per record once warm.
 *
 * What a record looks like (key order is the file's):
 *   keen_timestamp, max_attempts "1.0", started_at, base_exam_id, user_exam_id,
 *   sequences {questions [...], attempt 1, id, counts {incomplete, submitted,
 *   incorrect, all_correct, correct, total, unanswered}}, keen_created_at,
 *   certification "false" (absent in ~4%), keen_id, exam_name.
 *   Question: {user_incomplete, user_correct, options, user_submitted, id,
 *   user_result}. user_result is "correct" (exactly the correct options checked),
 *   "missed_some" (some but not all correct ones, no wrong one; user_incomplete
 *   true), "incorrect" (a wrong one checked) or "unanswered" (nothing checked,
 *   user_submitted false, user_incomplete false). counts are the sums of those
 *   flags: correct + incorrect + incomplete = submitted, submitted + unanswered =
 *   total = number of questions, all_correct = (correct == total).
 *   Option variants: checked correct {checked,at,id,submitted,correct}; checked
 *   wrong {checked,at,id,submitted}; unchecked correct {checked,correct,id};
 *   unchecked wrong, touched {checked,at,id}; untouched {checked,id}.
 *   `at` times increase through the attempt (questions in display order);
 *   ~0.3% of records have no `at` at all (nothing answered), `counts` is absent
 *   in ~0.5%. started_at spans 2017-11-21 to 2018-01-28 (UTC), weekdays and
 *   daytime (UTC) weigh more. keen_timestamp is 0.5-3.5 s after the last `at`,
 *   keen_created_at equals it in ~97% of records. keen_id is 24 lowercase hex
 *   (an ObjectId whose first 4 bytes are keen_timestamp's seconds), unique per
 *   distinct attempt (guaranteed for the first 16.7 million distinct attempts of
 *   a run, by a counter; random beyond).
 *
 * Thread safety: a generator is used by one thread at a time; independent
 * generators may run in parallel. The exam table is immutable.
 */
#ifndef SL_GEN_H
#define SL_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "common/common.h"

/* One row of the reference counts (src/gen/exam-counts.csv, compiled in as
 * src/gen/exams.c). Strings are static. */
typedef struct sl_gen_exam {
    const char *base_exam_id;
    const char *exam_name;
    uint32_t raw_count; /* attempts in the original file; the exam's weight */
} sl_gen_exam;

/* The reference table (107 rows, 3280 attempts in all), static storage, in the
 * CSV's order (largest first). Sets *count. */
const sl_gen_exam *sl_gen_exams(size_t *count);

/* Options. Zero-initialised (or NULL) means the defaults. */
typedef struct sl_gen_opts {
    int no_duplicates; /* 1: never repeat a record (default: ~1.2% duplicates) */
} sl_gen_opts;

typedef struct sl_gen sl_gen;

/* Creates a generator for `seed`. opts may be NULL. Returns NULL when out of
 * memory. Owned by the caller; release with sl_gen_destroy. */
sl_gen *sl_gen_new(uint64_t seed, const sl_gen_opts *opts);

/* Releases g and everything it owns. NULL is a no-op. */
void sl_gen_destroy(sl_gen *g);

/* Appends the next record (compact JSON, no separator, no newline) to *out,
 * which is borrowed and may already hold data. A duplicate is a byte-identical
 * copy of a record emitted 1 to 300 records earlier. Returns SL_OK or
 * SL_ERR_NOMEM (then *out keeps its previous length and g is unusable). */
sl_err sl_gen_next(sl_gen *g, sl_buf *out);

/* Records emitted so far, and how many of them were duplicates. The number of
 * distinct keen_ids emitted is records - duplicates. */
uint64_t sl_gen_records(const sl_gen *g);
uint64_t sl_gen_duplicates(const sl_gen *g);

typedef enum sl_gen_format {
    SL_GEN_ARRAY = 0, /* one line "[{...},{...}]\n" like the original file */
    SL_GEN_NDJSON     /* one record per line, each ending in "\n" */
} sl_gen_format;

/* Generates the next n records of g in `fmt` and writes them to out, in
 * chunks of about 1 MiB (constant memory for any n). An empty array is "[]\n";
 * empty NDJSON is no bytes. Returns SL_OK, SL_ERR_NOMEM, or whatever out.write
 * returned (its errstr is passed through). */
sl_err sl_gen_write(sl_gen *g, uint64_t n, sl_gen_format fmt, sl_out out, char *errstr,
                    size_t errstr_size);

#endif
