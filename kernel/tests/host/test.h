/* Minimal host-side test framework.  Each test binary lists its test
 * functions in an X-macro and ends with TEST_MAIN(list); CHECK records a
 * failure without stopping the test. */
#ifndef TEST_H
#define TEST_H
#include <stdio.h>

extern int test_failed_checks;
#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            printf("  CHECK failed: %s (%s:%d)\n", #c, __FILE__, __LINE__);                        \
            test_failed_checks++;                                                                  \
        }                                                                                          \
    } while (0)
#define CHECK_EQ(a, b)                                                                             \
    do {                                                                                           \
        unsigned long long _a = (unsigned long long)(a), _b = (unsigned long long)(b);             \
        if (_a != _b) {                                                                            \
            printf("  CHECK_EQ failed: %s == %s (0x%llx != 0x%llx) (%s:%d)\n", #a, #b, _a, _b,     \
                   __FILE__, __LINE__);                                                            \
            test_failed_checks++;                                                                  \
        }                                                                                          \
    } while (0)

/* A test passes when it ran no failing CHECK. */
static inline int test_run_one(const char *name, void (*fn)(void))
{
    int before = test_failed_checks;
    fn();
    int ok = test_failed_checks == before;
    printf("%s %s\n", ok ? "PASS" : "FAIL", name);
    return ok;
}

/* Defines main(): runs every test of the X-macro LIST, one line each,
 * then the closing `N passed, N failed` line that CI reads. */
#define TEST_DECLARE_(t) void t(void);
#define TEST_RUN_(t)                                                                               \
    if (test_run_one(#t, t))                                                                       \
        passed++;                                                                                  \
    else                                                                                           \
        failed++;
#define TEST_MAIN(LIST)                                                                            \
    int test_failed_checks;                                                                        \
    LIST(TEST_DECLARE_)                                                                            \
    int main(void)                                                                                 \
    {                                                                                              \
        int passed = 0, failed = 0;                                                                \
        LIST(TEST_RUN_)                                                                            \
        printf("%d passed, %d failed\n", passed, failed);                                          \
        return failed ? 1 : 0;                                                                     \
    }
#endif
