#include "shapes.h"

__attribute__((noinline)) int classify(int v)
{
    switch (v) {
    case 0:
        return 10;
    case 1:
        return square(v) + 3;
    case 2:
        return 17;
    case 3:
        return v * 5;
    case 4:
        return (int)area(v, 3);
    case 5:
        return 99;
    default:
        return -v;
    }
}

__attribute__((noinline)) long walk(const int *values, int n)
{
    long sum = 0;
    for (int i = 0; i < n; i++) {
        if (values[i] & 1)
            sum += square(values[i]);
        else
            sum -= area(values[i], i);
    }
    return sum;
}

__attribute__((noinline)) int recurse(int depth)
{
    if (depth <= 0)
        return 1;
    return recurse(depth - 1) * 3 + depth;
}

/* Never called: with -ffunction-sections and --gc-sections its code is dropped but its line
 * sequence stays, at address 0. */
int unused_helper(int x)
{
    return x * 7 + square(x);
}
