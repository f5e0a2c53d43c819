#!/usr/bin/env python3
"""Trace measurements under QEMU TCG (kernel/README.md, "Instrumentation").

  trace-bench.py rate  [--elf E] [--runs N]   events/s one CPU emits (app=tracebench), with
                                              data=none (no transport) and streaming over COM2
                                              with a host reading; share delivered over COM2
  trace-bench.py spin  --elf E [--base E0] [--runs N]
                                              spin rounds (work done in a fixed time) for: a
                                              build without -pg (--base), -pg with the tracer off,
                                              trace=func on, profile=997

COM2 is a QEMU socket chardev (server=on,wait=on: the guest starts once this script is
connected); the stream is decoded here (frames, CRC32C, page headers, records). Runs are
sequential; report medians and the host load average printed at the start.
"""
import argparse, os, re, socket, statistics, struct, subprocess, sys, tempfile, threading, time

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_ELF = os.path.join(HERE, "..", "build", "uniscope.elf")

_T = []
for i in range(256):
    c = i
    for _ in range(8):
        c = (c >> 1) ^ (0x82F63B78 & -(c & 1))
    _T.append(c)


def crc32c(data, crc=0):
    crc ^= 0xFFFFFFFF
    for b in data:
        crc = (crc >> 8) ^ _T[(crc ^ b) & 0xFF]
    return crc ^ 0xFFFFFFFF


def decode(stream):
    """Frames -> stats: pages, records per id, lost, crc errors, seq gaps per CPU."""
    st = {"frames": 0, "pages": 0, "records": {}, "lost": 0, "crc": 0, "gaps": 0, "garbage": 0}
    last = {}
    i, n = 0, len(stream)
    sync = b"\xe1\xc3\xa5\xf7"
    while i + 16 <= n:
        if stream[i:i + 4] != sync:
            j = stream.find(sync, i + 1)
            st["garbage"] += (j if j >= 0 else n) - i
            if j < 0:
                break
            i = j
            continue
        typ, flags, seq, length, crc = struct.unpack_from("<BBHII", stream, i + 4)
        if flags or typ not in (1, 2, 3, 4, 5) or length > 65536 or i + 16 + length > n:
            st["garbage"] += 1
            i += 1
            continue
        payload = stream[i + 16:i + 16 + length]
        if crc32c(payload, crc32c(stream[i + 4:i + 12])) != crc:
            st["crc"] += 1
            i += 1
            continue
        st["frames"] += 1
        if typ == 3:
            magic, cpu, pflags, pseq, base, commit, lost = struct.unpack_from("<IHHQQII", payload)
            st["pages"] += 1
            st["lost"] += lost
            if cpu in last and pseq != last[cpu] + 1:
                st["gaps"] += pseq - last[cpu] - 1
            last[cpu] = pseq
            o = 32
            while o + 8 <= 32 + commit:
                rid, size = struct.unpack_from("<HH", payload, o)
                if size < 8:
                    break
                st["records"][rid] = st["records"].get(rid, 0) + 1
                o += size
        i += 16 + length
    return st


def run(elf, append, smp=1, com2=True, timeout=300):
    """Boots once; returns (console text, raw COM2 bytes, wall seconds)."""
    d = tempfile.mkdtemp(prefix="trbench")
    sock = os.path.join(d, "com2.sock")
    cmd = ["qemu-system-x86_64", "-machine", "q35", "-cpu", "max", "-m", "512M", "-smp", str(smp),
           "-display", "none", "-no-reboot", "-kernel", elf, "-append", append, "-serial", "stdio",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    if com2:
        cmd += ["-chardev", f"socket,id=data,path={sock},server=on,wait=on", "-serial", "chardev:data"]
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    data = bytearray()
    if com2:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        for _ in range(600):
            try:
                s.connect(sock)
                break
            except OSError:
                time.sleep(0.05)
        def reader():
            while True:
                b = s.recv(1 << 16)
                if not b:
                    break
                data.extend(b)
        th = threading.Thread(target=reader, daemon=True)
        th.start()
    try:
        out, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        out, _ = p.communicate()
    if com2:
        th.join(10)
        s.close()
    return out.decode(errors="replace"), bytes(data), time.monotonic() - t0


def rate(args):
    for label, extra, com2 in (("data=none (flight recorder)", "data=none", False),
                               ("streaming over COM2", "", True)):
        rates, shares = [], []
        for _ in range(args.runs):
            con, raw, _ = run(args.elf, f"app=tracebench duration={args.duration} {extra}",
                              com2=com2)
            m = re.search(r"tracebench: result total events=(\d+) events_per_s=(\d+)", con)
            if not m:
                print(con[-2000:])
                sys.exit("no tracebench result")
            events, r = int(m.group(1)), int(m.group(2))
            rates.append(r)
            if com2:
                st = decode(raw)
                got = st["records"].get(13, 0)
                unrep = sum(int(x) for x in re.findall(r"lost_unreported=(\d+)", con))
                shares.append(got / events)
                ch = re.search(r"trace: channel frames=\d+ bytes=(\d+) pages=\d+ send_ms=(\d+)", con)
                if ch and int(ch.group(2)):
                    print(f"  COM2: {int(ch.group(1))} bytes in {ch.group(2)} ms of sending "
                          f"= {int(ch.group(1)) / int(ch.group(2)) / 1000:.2f} MB/s while sending")
                print(f"  run: events={events} rate={r}/s delivered={got} "
                      f"lost_in_pages={st['lost']} lost_unreported={unrep} pages={st['pages']} "
                      f"gaps={st['gaps']} crc_errors={st['crc']} garbage={st['garbage']} "
                      f"bytes={len(raw)} accounted={got + st['lost'] + unrep == events}")
                if got + st['lost'] + unrep != events:
                    print("\n".join(l for l in con.splitlines() if l.startswith("trace:")))
        print(f"{label}: median {statistics.median(rates):,.0f} events/s over {args.runs} runs"
              + (f"; delivered share median {100 * statistics.median(shares):.1f}%" if shares else ""))


def spin(args):
    cases = []
    if args.base:
        cases.append(("no -pg build", args.base, ""))
    cases += [("-pg, tracer off", args.elf, ""),
              ("-pg, trace=func (all functions)", args.elf, "trace=func"),
              ("-pg, profile=997", args.elf, "profile=997")]
    res = {}
    for _ in range(args.runs):  # interleaved, so host load drifts hit every case alike
        for label, elf, extra in cases:
            con, _, _ = run(elf, f"app=spin per_cpu=1 duration={args.duration} {extra}", com2=True)
            m = re.search(r"spin: result cpu=0 .* rounds=(\d+)", con)
            st = re.search(r"stolen_ms=(\d+)", con)
            if not m:
                print(con[-2000:])
                sys.exit("no spin result")
            res.setdefault(label, []).append((int(m.group(1)), int(st.group(1)) if st else -1))
    # spin counts stolen time (host descheduled the vCPU); rounds per non-stolen ms is the figure
    def per_ms(r, st):
        run_ms = args.duration - st
        return r / run_ms if run_ms > 0 else float("nan")
    ref = statistics.median(per_ms(r, s) for r, s in res[cases[0][0]])
    for label, _, _ in cases:
        norm = [per_ms(r, s) for r, s in res[label]]
        med = statistics.median(norm)
        print(f"{label:34s} rounds per unstolen ms median {med:7.2f} ({100 * (med / ref - 1):+.1f}% "
              f"vs {cases[0][0]}) per-run={[round(x, 1) for x in norm]} "
              f"rounds={[r for r, _ in res[label]]} stolen_ms={[s for _, s in res[label]]}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["rate", "spin"])
    ap.add_argument("--elf", default=DEFAULT_ELF)
    ap.add_argument("--base")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--duration", type=int, default=1000)
    args = ap.parse_args()
    print(f"load average {os.getloadavg()}, {os.cpu_count()} host CPUs, -smp 1, TCG")
    {"rate": rate, "spin": spin}[args.what](args)


if __name__ == "__main__":
    main()
