/* Minimal host-side test framework: TEST(name) functions are registered
 * in tests/host/test_main.c; CHECK records failures without stopping. */
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
#endif
