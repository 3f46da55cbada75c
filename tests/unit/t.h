/*
 * t.h: the unit-test harness (header only). A test file defines test functions
 * `static void test_x(void)` and a main() that calls T_RUN(test_x) for each, then
 * returns t_done(). Output is one TAP-like line per test: "ok - file:test" or
 * "not ok - file:test", which tests/run.sh counts.
 *
 * CHECK(cond) records a failure and continues; REQUIRE(cond) records and returns
 * from the test function. CHECK_EQ_INT / CHECK_EQ_STR print both values.
 */
#ifndef SL_T_H
#define SL_T_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int t_failed_in_test;
static int t_pass_count, t_fail_count;

static void t_report(const char *file, int line, const char *what)
{
    fprintf(stderr, "  %s:%d: check failed: %s\n", file, line, what);
    t_failed_in_test = 1;
}

#define CHECK(cond) ((cond) ? (void)0 : t_report(__FILE__, __LINE__, #cond))
#define REQUIRE(cond)                                   \
    do {                                                \
        if (!(cond)) {                                  \
            t_report(__FILE__, __LINE__, #cond);        \
            return;                                     \
        }                                               \
    } while (0)
#define CHECK_EQ_INT(a, b)                                                              \
    do {                                                                                \
        long long t_a_ = (long long)(a), t_b_ = (long long)(b);                         \
        if (t_a_ != t_b_) {                                                             \
            char t_m_[256];                                                             \
            snprintf(t_m_, sizeof t_m_, "%s == %s (%lld != %lld)", #a, #b, t_a_, t_b_); \
            t_report(__FILE__, __LINE__, t_m_);                                         \
        }                                                                               \
    } while (0)
#define CHECK_EQ_STR(a, b)                                                               \
    do {                                                                                 \
        const char *t_a_ = (a), *t_b_ = (b);                                             \
        if (!t_a_ || !t_b_ || strcmp(t_a_, t_b_) != 0) {                                 \
            char t_m_[512];                                                              \
            snprintf(t_m_, sizeof t_m_, "%s == %s (\"%.200s\" != \"%.200s\")", #a, #b,   \
                     t_a_ ? t_a_ : "(null)", t_b_ ? t_b_ : "(null)");                    \
            t_report(__FILE__, __LINE__, t_m_);                                          \
        }                                                                                \
    } while (0)

#define T_RUN(fn) t_run(__FILE__, #fn, fn)

static void t_run(const char *file, const char *name, void (*fn)(void))
{
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    t_failed_in_test = 0;
    fn();
    if (t_failed_in_test) {
        t_fail_count++;
        printf("not ok - %s:%s\n", base, name);
    } else {
        t_pass_count++;
        printf("ok - %s:%s\n", base, name);
    }
    fflush(stdout);
}

static int t_done(void) { return t_fail_count ? 1 : 0; }

#endif
