#include <string.h>
#include "cmdline.h"
#include "test.h"

void test_cmdline_flags(void)
{
    char v[32];
    CHECK(cmdline_get("app=spin nokaslr", "nokaslr", v, sizeof v));
    CHECK_EQ(v[0], 0);
    CHECK(!cmdline_get("app=spin nokaslrx", "nokaslr", v, sizeof v));
    CHECK(!cmdline_get("xnokaslr", "nokaslr", v, sizeof v));
    CHECK(!cmdline_get("", "nokaslr", v, sizeof v));
    CHECK(!cmdline_get(0, "nokaslr", v, sizeof v));
}

void test_cmdline_values(void)
{
    char v[8];
    CHECK(cmdline_get("  app=kvstore   duration=5 ", "app", v, sizeof v));
    CHECK(!strcmp(v, "kvstore"));
    CHECK(cmdline_get("app=averyverylongname", "app", v, sizeof v));
    CHECK(!strcmp(v, "averyve")); /* truncated, NUL-terminated */
    CHECK(cmdline_get("app=a app=b", "app", v, sizeof v));
    CHECK(!strcmp(v, "b")); /* last wins */
    CHECK(cmdline_get("app=", "app", v, sizeof v));
    CHECK_EQ(v[0], 0);
}

void test_cmdline_numbers(void)
{
    uint64_t x = 0;
    CHECK(cmdline_get_u64("kaslr_seed=12345", "kaslr_seed", &x));
    CHECK_EQ(x, 12345);
    CHECK(cmdline_get_u64("kaslr_seed=0xDEADbeef", "kaslr_seed", &x));
    CHECK_EQ(x, 0xdeadbeef);
    CHECK(cmdline_get_u64("kaslr_seed=18446744073709551615", "kaslr_seed", &x));
    CHECK_EQ(x, 18446744073709551615ULL);
    CHECK(!cmdline_get_u64("kaslr_seed=18446744073709551616", "kaslr_seed", &x));
    CHECK(!cmdline_get_u64("kaslr_seed=12a", "kaslr_seed", &x));
    CHECK(!cmdline_get_u64("kaslr_seed=", "kaslr_seed", &x));
    CHECK(!cmdline_get_u64("kaslr_seed=0x", "kaslr_seed", &x));
    CHECK(!cmdline_get_u64("duration=1", "kaslr_seed", &x));
}
