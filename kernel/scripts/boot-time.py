#!/usr/bin/env python3
"""Boot-to-app time under QEMU TCG: host wall time from starting QEMU to the
`app: start` console line, N runs, prints each run and the median.

usage: scripts/boot-time.py [--runs 10] [--smp 1] [--elf build/uniscope.elf]
"""
import argparse
import statistics
import subprocess
import time

ap = argparse.ArgumentParser()
ap.add_argument("--runs", type=int, default=10)
ap.add_argument("--smp", type=int, default=1)
ap.add_argument("--elf", default="build/uniscope.elf")
ap.add_argument("--append", default="app=spin duration=1")
a = ap.parse_args()

host, guest = [], []
for i in range(a.runs):
    argv = ["timeout", "60", "qemu-system-x86_64", "-machine", "q35", "-accel", "tcg", "-cpu", "max",
            "-m", "512M", "-smp", str(a.smp), "-display", "none", "-no-reboot", "-nodefaults",
            "-kernel", a.elf, "-append", a.append,
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-device", "pvpanic",
            "-device", "vmcoreinfo", "-serial", "stdio"]
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
    t_app = None
    for raw in p.stdout:
        line = raw.decode("latin-1").strip()
        if line.startswith("app: start") and t_app is None:
            t_app = time.monotonic() - t0
            guest.append(int(line.split("boot_us=")[1]) / 1000.0)
    p.wait()
    if t_app is None:
        raise SystemExit(f"run {i}: no 'app: start' line")
    host.append(t_app * 1000.0)
    print(f"run {i + 1}: host {host[-1]:.1f} ms, guest (TSC since PVH entry) {guest[-1]:.1f} ms")
print(f"median of {a.runs} (-smp {a.smp}): host {statistics.median(host):.1f} ms, "
      f"guest {statistics.median(guest):.1f} ms")
