#!/usr/bin/env python3
"""Where the kernel lands: boots the real kernel N times under QEMU TCG and
tests the distribution of the four KASLR bases (docs/kaslr.md, "Uniformity").

usage: scripts/kaslr-survey.py [--runs 200] [--elf build/uniscope.elf] [--timeout 60]
                               [--append "app=spin duration=1"] [--rng]

Each boot (-machine q35 -cpu max, -smp 1, stopped once `app: start` shows that the
relocated kernel runs) prints

  kaslr: slide=0x.. base=0x.. link=0x.. on seed=0x.. source=<source> relocs=N
  kaslr: heap=0x.. stacks=0x.. directmap=0x..

Per region (kernel, heap, stacks, directmap) this reports: the distinct bases, a
chi-square of the slot index over 16 equal ranges of the window (15 degrees of freedom)
with its p-value (upper tail, regularized gamma computed here), the mean of slot index /
slots (uniform: 0.5, standard error 1/sqrt(12 N)) and its z-score; then the seed sources
seen. Every base is also checked to be aligned, inside its window with its span, and
equal to what the printed seed gives through early.c's path (splitmix64, then
kaslr_choose for kernel, heap, stacks, direct map, in that order; kaslr/reloc.c),
recomputed here: the boots use the path the host test (tests/host/test_kaslr_uniform.c)
checks on 2,000,000 seeds. The window constants are read from include/layout.h and the
image size from the ELF (nm: __image_end - __image_start), not copied.

--rng adds -device virtio-rng-pci (seed source rdrand+virtio-rng). The load average is
printed at the start and the end. Exit status 1 if a boot fails or a base is misplaced
(a low p-value alone is a finding to report, not an error).
"""
import argparse
import math
import os
import re
import selectors
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
KERNEL = os.path.join(HERE, "..")
BINS = 16
M64 = (1 << 64) - 1

LINE1 = re.compile(r"kaslr: slide=0x([0-9a-f]+) base=0x([0-9a-f]+) link=0x[0-9a-f]+ (on|off) "
                   r"seed=0x([0-9a-f]+) source=(\S+) relocs=\d+")
LINE2 = re.compile(r"kaslr: heap=0x([0-9a-f]+) stacks=0x([0-9a-f]+) directmap=0x([0-9a-f]+)")


def layout_constants(path):
    """#define NAME <integer expression> from include/layout.h (0x..UL, (64UL << 30))."""
    consts = {}
    for line in open(path):
        m = re.match(r"#define\s+(\w+)\s+(.+?)\s*(/\*.*)?$", line)
        if not m:
            continue
        expr = re.sub(r"(0x[0-9a-fA-F]+|\d+)[uUlL]+", r"\1", m.group(2))
        if re.fullmatch(r"(0x[0-9a-fA-F]+|\d+|[()<+*\s-])+", expr):
            consts[m.group(1)] = eval(expr, {"__builtins__": {}})  # digits and operators only
    return consts


def image_size(elf):
    out = subprocess.run(["nm", elf], capture_output=True, text=True, check=True).stdout
    sym = {f[2]: int(f[0], 16) for f in (l.split() for l in out.splitlines()) if len(f) == 3}
    return sym["__image_end"] - sym["__image_start"]


def regions(c, size):
    """(name, start, end, span, align) in early.c's order."""
    return [("kernel", c["KASLR_WIN_START"], c["KASLR_WIN_END"], (size + 0xfff) & ~0xfff,
             c["KASLR_ALIGN"]),
            ("heap", c["HEAP_WIN_START"], c["HEAP_WIN_END"], c["HEAP_SPAN"], c["HEAP_ALIGN"]),
            ("stacks", c["STACK_WIN_START"], c["STACK_WIN_END"], c["STACK_SPAN"], c["STACK_ALIGN"]),
            ("directmap", c["HHDM_WIN_START"], c["HHDM_WIN_END"], c["HHDM_MAX"], c["HHDM_ALIGN"])]


def slots(start, end, size, align):  # kaslr/reloc.c kaslr_slots
    start = (start + align - 1) & ~(align - 1)
    return 0 if end <= start or end - start < size else (end - start - size) // align + 1


def splitmix64(state):  # kaslr/reloc.c: returns (output, new state)
    state = (state + 0x9E3779B97F4A7C15) & M64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31), state


def expected_bases(seed, regs):
    out, st = [], seed
    for _, start, end, size, align in regs:
        r, st = splitmix64(st)
        n = slots(start, end, size, align)
        start = (start + align - 1) & ~(align - 1)
        out.append(start + (r % n) * align if n else start)
    return out


def gammaq(a, x):
    """Regularized upper incomplete gamma Q(a, x) = P(chi2_{2a} > 2x): series for
    x < a + 1, else the continued fraction (Numerical Recipes gser/gcf)."""
    if x <= 0:
        return 1.0
    front = math.exp(-x + a * math.log(x) - math.lgamma(a))
    if x < a + 1:
        ap, term, s = a, 1.0 / a, 1.0 / a
        while abs(term) > abs(s) * 1e-15:
            ap += 1
            term *= x / ap
            s += term
        return max(0.0, 1.0 - s * front)
    tiny = 1e-300
    b = x + 1 - a
    c, d = 1 / tiny, 1 / b
    h = d
    for i in range(1, 10000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        h *= d * c
        if abs(d * c - 1) < 1e-15:
            break
    return front * h


def boot(a):
    """One boot: returns the two kaslr lines' fields, or raises RuntimeError."""
    argv = ["qemu-system-x86_64", "-machine", "q35", "-accel", "tcg", "-cpu", "max", "-m", "512M",
            "-smp", "1", "-display", "none", "-no-reboot", "-nodefaults", "-kernel", a.elf,
            "-append", a.append, "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
            "-serial", "stdio"] + (["-device", "virtio-rng-pci"] if a.rng else [])
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    buf, got = b"", {}
    deadline = time.monotonic() + a.timeout
    try:
        with selectors.DefaultSelector() as sel:
            sel.register(p.stdout, selectors.EVENT_READ)
            while "app" not in got:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise RuntimeError(f"no 'app: start' within {a.timeout} s")
                if not sel.select(left):
                    continue
                chunk = os.read(p.stdout.fileno(), 65536)
                if not chunk:
                    raise RuntimeError(f"QEMU exited (status {p.wait()}) before 'app: start'")
                buf += chunk
                *lines, buf = buf.split(b"\n")
                for raw in lines:
                    line = raw.decode("latin-1").strip()
                    if m := LINE1.match(line):
                        got["base"], got["on"] = int(m.group(2), 16), m.group(3)
                        got["seed"], got["source"] = int(m.group(4), 16), m.group(5)
                    elif m := LINE2.match(line):
                        for key, g in zip(("heap", "stacks", "directmap"), m.groups()):
                            got[key] = int(g, 16)
                    elif line.startswith("app: start"):
                        got["app"] = True
        if not {"base", "heap"} <= got.keys():
            raise RuntimeError("kaslr lines missing before 'app: start'")
        return got
    finally:
        p.kill()  # the layout is known: no need to let the app run out
        p.wait()
        p.stdout.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--elf", default=os.path.join(KERNEL, "build", "uniscope.elf"))
    ap.add_argument("--timeout", type=float, default=60, help="seconds per boot")
    ap.add_argument("--append", default="app=spin duration=1")
    ap.add_argument("--rng", action="store_true", help="add -device virtio-rng-pci")
    a = ap.parse_args()

    regs = regions(layout_constants(os.path.join(KERNEL, "include", "layout.h")), image_size(a.elf))
    load0 = os.getloadavg()
    print(f"{a.runs} boots of {a.elf}, load average {load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f}",
          flush=True)
    t0 = time.monotonic()
    bases = {r[0]: [] for r in regs}
    sources, failures, bad = {}, 0, 0
    for i in range(a.runs):
        try:
            b = boot(a)
        except RuntimeError as e:
            failures += 1
            print(f"boot {i + 1}: FAILED: {e}", flush=True)
            continue
        sources[b["source"]] = sources.get(b["source"], 0) + 1
        want = expected_bases(b["seed"], regs)
        for (name, start, end, size, align), w in zip(regs, want):
            v = b[name] if name != "kernel" else b["base"]
            placed = v % align == 0 and start <= v and v + size <= end
            if not placed or v != w or b["on"] != "on":
                bad += 1
                print(f"boot {i + 1}: {name} 0x{v:x} misplaced or not the seed's "
                      f"(seed 0x{b['seed']:x} gives 0x{w:x})", flush=True)
            if placed:  # the statistics take placed bases only; the others are `bad`
                bases[name].append(v)
        if (i + 1) % max(25, a.runs // 10) == 0:
            print(f"  {i + 1} boots, {time.monotonic() - t0:.0f} s", flush=True)
    load1 = os.getloadavg()

    n = a.runs - failures
    if not n:
        print("no boot parsed")
        return 1
    print(f"\n{n} boots parsed ({failures} failed) in {time.monotonic() - t0:.0f} s; "
          f"chi-square over {BINS} equal ranges of each window ({BINS - 1} df); "
          f"mean of slot/slots (uniform 0.5, s.e. {1 / math.sqrt(12 * n):.4f})")
    print(f"{'region':10} {'slots':>15} {'distinct':>9} {'chi2':>7} {'p':>8} {'mean':>7} {'z':>6}  "
          f"bin counts")
    for name, start, end, size, align in regs:
        k = slots(start, end, size, align)
        idx = [(v - start) // align for v in bases[name]]
        n = len(idx)
        if not n:
            print(f"{name:10} {k:>15,} no base in the window")
            continue
        counts = [0] * BINS
        for s in idx:
            counts[s * BINS // k] += 1
        # Exact expected share of each range (the ranges differ by at most one slot).
        width = [-(-(j + 1) * k // BINS) - -(-j * k // BINS) for j in range(BINS)]
        chi2 = sum((c - n * w / k) ** 2 / (n * w / k) for c, w in zip(counts, width))
        p = gammaq((BINS - 1) / 2, chi2 / 2)
        mean = sum(s / k for s in idx) / n
        z = (mean - 0.5) * math.sqrt(12 * n)
        print(f"{name:10} {k:>15,} {len(set(bases[name])):>9} {chi2:>7.2f} {p:>8.4f} {mean:>7.4f} "
              f"{z:>+6.2f}  {' '.join(map(str, counts))}")
    print("seed sources: " + ", ".join(f"{s} {c}" for s, c in sorted(sources.items())))
    print(f"bases misplaced or not reproduced from the printed seed: {bad}")
    print(f"load average at start {load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f}, "
          f"at end {load1[0]:.2f} {load1[1]:.2f} {load1[2]:.2f}")
    return 1 if failures or bad else 0


if __name__ == "__main__":
    sys.exit(main())
