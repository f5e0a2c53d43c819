/*
 * Split virtqueue, driver side (virtio 1.x section 2.7): pure ring logic,
 * shared with the host unit tests.
 *
 * Ordering (x86 is TSO, but the compiler is not): descriptor and avail
 * ring slot are written before avail->idx (release); used->idx is read
 * before the used element (acquire); the notification decision reads
 * used->flags after a full fence, so a device that re-enables
 * notifications concurrently cannot be missed.
 *
 * Indices are free-running u16 counters; slot = idx & (size - 1).  Every
 * value read from the device is checked before it indexes anything.
 */
#include <stddef.h>
#include <stdint.h>
#include "virtio.h"

uint64_t virtq_avail_off(uint16_t size)
{
    return 16ULL * size;
}

uint64_t virtq_used_off(uint16_t size)
{
    uint64_t a = virtq_avail_off(size) + 6 + 2ULL * size;
    return (a + 3) & ~3ULL;
}

uint64_t virtq_bytes(uint16_t size)
{
    return virtq_used_off(size) + 6 + 8ULL * size;
}

void virtq_init(struct virtq *q, void *mem, uint16_t size, uint16_t qindex)
{
    uint8_t *m = mem;
    q->size = size;
    q->qindex = qindex;
    q->desc = (struct virtq_desc *)m;
    q->avail = (volatile struct virtq_avail *)(m + virtq_avail_off(size));
    q->used = (volatile struct virtq_used *)(m + virtq_used_off(size));
    q->avail_idx = 0;
    q->last_used = 0;
    q->num_free = size;
    q->free_head = 0;
    q->broken = 0;
    for (uint16_t i = 0; i < size; i++) {
        q->next_free[i] = (uint16_t)(i + 1);
        q->inflight[i] = 0;
        q->buf_len[i] = 0;
    }
}

int virtq_add(struct virtq *q, uint64_t pa, uint32_t len, uint16_t flags)
{
    if (q->broken || q->num_free == 0)
        return -1;
    uint16_t i = q->free_head;
    q->free_head = q->next_free[i];
    q->num_free--;
    q->desc[i].addr = pa;
    q->desc[i].len = len;
    q->desc[i].flags = flags & VIRTQ_DESC_F_WRITE; /* single descriptor: never NEXT */
    q->desc[i].next = 0;
    q->buf_len[i] = len;
    q->inflight[i] = 1;
    q->avail->ring[q->avail_idx & (q->size - 1)] = i;
    q->avail_idx++;
    __atomic_store_n(&q->avail->idx, q->avail_idx, __ATOMIC_RELEASE);
    return i;
}

static void put_free(struct virtq *q, uint16_t i)
{
    q->inflight[i] = 0;
    q->next_free[i] = q->free_head;
    q->free_head = i;
    q->num_free++;
}

int virtq_get_used(struct virtq *q, uint16_t *id, uint32_t *len)
{
    if (q->broken)
        return -1;
    uint16_t used_idx = __atomic_load_n(&q->used->idx, __ATOMIC_ACQUIRE);
    uint16_t pending = (uint16_t)(used_idx - q->last_used);
    if (pending == 0)
        return 0;
    /* The device can only return what we posted. */
    if (pending > q->size - q->num_free) {
        q->broken = 1;
        return -1;
    }
    volatile struct virtq_used_elem *e = &q->used->ring[q->last_used & (q->size - 1)];
    uint32_t eid = e->id, elen = e->len;
    if (eid >= q->size || !q->inflight[eid] || elen > q->buf_len[eid]) {
        q->broken = 1;
        return -1;
    }
    q->last_used++;
    put_free(q, (uint16_t)eid);
    *id = (uint16_t)eid;
    *len = elen;
    return 1;
}

int virtq_next_free(const struct virtq *q)
{
    return q->broken || q->num_free == 0 ? -1 : q->free_head;
}

int virtq_needs_notify(const struct virtq *q)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return !(q->used->flags & VIRTQ_USED_F_NO_NOTIFY);
}
