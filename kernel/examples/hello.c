/*
 * An external app, linked with `make APP=examples/hello.c` (any path
 * works).  It uses only the API of docs/app-api.md and becomes the
 * default app of that image.
 *
 * Known answer: two workers each add 1..1000 under a mutex, so
 *   hello: result sum=1001000 ok
 * and the VM exits with status 42.
 */
#include "app.h"

static struct mutex lock = MUTEX_INIT;
static uint64_t sum;

static void work(void *arg)
{
    (void)arg;
    for (uint64_t i = 1; i <= 1000; i++) {
        mutex_lock(&lock);
        sum += i;
        mutex_unlock(&lock);
        if (i % 250 == 0)
            sleep_ms(1);
    }
}

static int hello_main(const char *args)
{
    printk("hello: external app running on %d cpus, args: %s\n", app_ncpus(), args);
    trace_marker("hello: start");
    char *buf = kmalloc(64);
    snprintf(buf, 64, "allocated at %p", (void *)buf);
    printk("hello: %s\n", buf);
    kfree(buf);
    struct thread *a = thread_create("hello/a", work, 0, -1);
    struct thread *b = thread_create("hello/b", work, 0, -1);
    thread_join(a);
    thread_join(b);
    printk("hello: result sum=%lu %s\n", sum, sum == 1001000 ? "ok" : "MISMATCH");
    return 42;
}

APP_DEFINE(hello, hello_main, "external example app");
