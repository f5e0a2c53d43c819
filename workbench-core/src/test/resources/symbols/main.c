#include <stdio.h>
#include <stdlib.h>
#include "shapes.h"

static int counter;

__attribute__((noinline)) static int bump(int by)
{
    counter += by;
    return counter ^ square(by);
}

__attribute__((noinline)) int compute(int n)
{
    int total = 0;
    for (int i = 0; i < n; i++) {
        total += bump(i);
        if (total > 1000)
            total -= (int)area(i, n);
    }
    return total;
}

extern void bare_label(void);

int main(int argc, char **argv)
{
    int values[8];
    for (int i = 0; i < 8; i++)
        values[i] = argc * i;
    int r = compute(argc + 5) + classify(argc) + recurse(argc);
    printf("%d %ld\n", r, walk(values, 8));
    if (argc > 100)
        bare_label();
    return r == 42 ? EXIT_FAILURE : EXIT_SUCCESS;
}
