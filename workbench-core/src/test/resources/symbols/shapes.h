/* Inlined helpers: their lines are attributed to this header. */
#ifndef SHAPES_H
#define SHAPES_H

static inline int square(int x)
{
    int y = x * x;
    return y + (x > 3 ? 7 : 2);
}

static inline long area(long w, long h)
{
    if (w < 0)
        w = -w;
    return w * h;
}

int classify(int v);
long walk(const int *values, int n);
int recurse(int depth);
#endif
