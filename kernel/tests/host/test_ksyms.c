#include <string.h>
#include "ksyms.h"
#include "test.h"

static struct {
    uint64_t count;
    struct ksym e[3];
    char names[32];
} blob = {3, {{0x1000, 0, 0}, {0x1040, 6, 0}, {0x1100, 12, 0}}, "alpha\0beta_\0gamma"};

void test_ksyms_find(void)
{
    uint64_t off = 99;
    CHECK(!strcmp(ksym_find(&blob, sizeof blob, 0x1000, 0x2000, &off), "alpha"));
    CHECK_EQ(off, 0);
    CHECK(!strcmp(ksym_find(&blob, sizeof blob, 0x103f, 0x2000, &off), "alpha"));
    CHECK_EQ(off, 0x3f);
    CHECK(!strcmp(ksym_find(&blob, sizeof blob, 0x1040, 0x2000, &off), "beta_"));
    CHECK(!strcmp(ksym_find(&blob, sizeof blob, 0x1fff, 0x2000, &off), "gamma"));
    CHECK_EQ(off, 0xeff);
    CHECK(ksym_find(&blob, sizeof blob, 0xfff, 0x2000, &off) == 0);  /* before text */
    CHECK(ksym_find(&blob, sizeof blob, 0x2000, 0x2000, &off) == 0); /* past text */
}

void test_ksyms_corrupt(void)
{
    uint64_t off;
    CHECK(ksym_find(&blob, 4, 0x1000, 0x2000, &off) == 0); /* too small */
    uint64_t huge[2] = {1000000, 0};
    CHECK(ksym_find(huge, sizeof huge, 0x1000, 0x2000, &off) == 0); /* count too big */
    uint64_t empty = 0;
    CHECK(ksym_find(&empty, sizeof empty, 0x1000, 0x2000, &off) == 0);
    struct {
        uint64_t count;
        struct ksym e[1];
        char names[4];
    } bad = {1, {{0x1000, 4000, 0}}, "abc"}; /* name offset out of range */
    CHECK(ksym_find(&bad, sizeof bad, 0x1000, 0x2000, &off) == 0);
}
