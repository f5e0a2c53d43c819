/* Force-included into every kernel translation unit (-include).
 * Everything is one static PIE: hidden visibility makes gcc address even
 * extern symbols RIP-relatively instead of through the GOT, which the
 * early boot stage depends on (it runs before relocation). */
#pragma GCC visibility push(hidden)
