#!/usr/bin/env python3
"""Trace measurements under QEMU TCG (kernel/README.md, "Instrumentation").

  trace-bench.py rate  [--elf E] [--runs N]   events/s one CPU emits (app=tracebench), with
                                              data=none (no transport) and streaming over COM2
                                              with a host reading; share delivered over COM2
  trace-bench.py spin  --elf E [--base E0] [--runs N]
                                              spin rounds (work done in a fixed time) for: a
                                              build without -pg (--base), -pg with the tracer off,
                                              trace=func on, profile=997
  trace-bench.py lossless [--elf E] [--runs N] [--duration MS] [--smp N] [--transports T,..]
                                              highest tracebench rate= (events/s per CPU) each data
                                              channel carrier (serial = COM2, vsock) sustains with
                                              no event lost, through the workbench (below)

rate and spin: COM2 is a QEMU socket chardev (server=on,wait=on: the guest starts once this
script is connected); the stream is decoded here (frames, CRC32C, page headers, records). Runs
are sequential; report medians and the host load average printed at the start.

lossless is a subcommand here rather than a script of its own because it is the same kind of
measurement (tracebench under TCG, load average printed, repeated runs) and shares the ELF
default; unlike rate it decodes nothing itself: every run is the user's path through the real
workbench, `uniscope run --app tracebench --transport serial|vsock --out X.uscope` then
`uniscope report X.uscope --json r.json` (vsock needs the workbench's vhost-user back-end
anyway). The CLI is started as the launcher starts it (JDK 25, the launcher's classpath in
target/launcher/classpath, or --classpath FILE; build it once with ./uniscope --help) but
without the launcher's make of kernel/build, so a shared tree's half-edited files cannot break a
run; --cli launcher uses ./uniscope itself. (On a tree others are rebuilding, point --classpath
at a snapshot: `git archive HEAD` elsewhere, `mvn -o package -Dmaven.test.skip -pl
workbench-cli -am`, its modules' target/classes plus the launcher's third-party jars.)

A rate R (per CPU, -smp N, `duration=` window, default ring of 256 pages per CPU) passes a run
when all of these hold:
  - no loss: the kernel's `trace: cpu=N ... lost=0` on every CPU (drops at the source, also
    those no sent page reported), and the report's lost_records, missing_pages (page-sequence
    gaps), bad_pages, crc_errors and garbage_bytes all 0, and the report's marker_counter count
    equals the events tracebench says it wrote (exactly R x duration per CPU);
  - sustained: at the end of the window each CPU's backlog (closed pages not yet sent, printed
    by tracebench) is at most --backlog-pct of the window's pages (and at least 2 pages); a ring
    of 1 MiB per CPU would otherwise hide a carrier several times slower than the producer for
    the whole window (COM2 drains 1 MiB in seconds), and the rate would measure the ring;
  - the producer kept up (events / its own elapsed time >= 90 % of R: its last wake-up after
    the window may be late by a loaded host, not by the carrier) and the host was connected
    when the window opened (tracebench wait_host=: vsock connects after boot).
R is lossless when all --runs runs pass (a point stops at its first failing run). Search per
carrier: from --start, double until a point fails (halve while the start fails), then bisect
geometrically until hi/lo <= --precision. Printed per carrier: the lossless rate (per CPU and
total events/s) and the MB/s the channel carried at it (the kernel's `trace: channel bytes=`:
frames of 40-byte marker_counter records plus page headers, HELLO and METADATA, over the
window), then the vsock/COM2 ratio and the load average at start and end.
"""
import argparse, json, math, os, re, shutil, socket, statistics, struct, subprocess, sys, tempfile
import threading, time

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


ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
JDK = os.environ.get("JAVA_HOME") or "/usr/lib/jvm/temurin-25-jdk-amd64"


def cli_command(kind, cp):
    """argv prefix that runs the workbench CLI (dev.uniscope.cli.UniscopeCommand)."""
    if kind == "launcher":
        return [os.path.join(ROOT, "uniscope")]
    cp = cp or os.path.join(ROOT, "target", "launcher", "classpath")
    if not os.path.exists(cp):
        sys.exit(f"{cp} missing: run ./uniscope --help once (it builds the workbench)")
    java = os.path.join(JDK, "bin", "java")
    return [java, "--enable-native-access=ALL-UNNAMED", f"-Duniscope.home={ROOT}", "-cp",
            open(cp).read().strip(), "dev.uniscope.cli.UniscopeCommand"]


def ints(pattern, text):
    return [tuple(int(g) for g in m.groups()) for m in re.finditer(pattern, text, re.M)]


def lossless_run(args, cli, transport, rate):
    """One `uniscope run` + `uniscope report` at rate (per CPU); returns a dict with the verdict
    (ok, why) and the figures."""
    d = tempfile.mkdtemp(prefix="trlossless")
    try:
        cap = os.path.join(d, "tb.uscope")
        t0 = time.monotonic()
        run = subprocess.run(cli + ["run", "--kernel", args.elf, "--app", "tracebench", "--smp",
                                    str(args.smp), "--transport", transport, "--trace", "marker",
                                    "--append", f"wait_host=60000 rate={rate} "
                                    f"duration={args.duration}", "--timeout", "5m", "--out", cap],
                             capture_output=True, text=True, errors="replace")
        wall = time.monotonic() - t0
        con = run.stdout
        rj = os.path.join(d, "r.json")
        rep = subprocess.run(cli + ["report", cap, "--kernel", args.elf, "--json", rj],
                             capture_output=True, text=True, errors="replace")
        ev = None
        if rep.returncode == 0 and os.path.exists(rj):
            with open(rj) as f:
                ev = json.load(f)["events"]
    finally:
        shutil.rmtree(d, ignore_errors=True)
    r = {"rate": rate, "wall": wall, "ok": False}
    cpus = ints(r"^tracebench: result cpu=(\d+) events=(\d+) ns=(\d+) events_per_s=(\d+) "
                r"backlog_max=(\d+) backlog_end=(\d+)", con)
    kern = ints(r"^trace: cpu=(\d+) pages_started=(\d+) pages_sent=(\d+) lost=(\d+) "
                r"lost_unreported=(\d+)", con)
    chan = ints(r"^trace: channel frames=(\d+) bytes=(\d+) pages=(\d+) send_ms=(\d+)", con)
    host = ints(r"^tracebench: window open host=(-?\d+) after_ms=(\d+)", con)
    if run.returncode != 0 or ev is None or len(cpus) != args.smp or len(kern) != args.smp \
            or not chan or not host:
        tail = (run.stderr + rep.stderr).strip().splitlines()
        r["why"] = (f"run exit {run.returncode}, report exit {rep.returncode}: "
                    + (tail[-1] if tail else "no output"))
        return r
    emitted = sum(c[1] for c in cpus)
    per_page = emitted / max(1, chan[0][2])  # events per sent page, this run
    window_pages = rate * args.duration / 1000 / per_page
    limit = max(2, math.ceil(args.backlog_pct / 100 * window_pages))
    r.update(emitted=emitted, delivered=ev["by_event"].get("marker_counter", 0),
             lost=sum(k[3] for k in kern), missing=ev["missing_pages"],
             damaged=ev["bad_pages"] + ev["crc_errors"] + ev["garbage_bytes"],
             reported_lost=ev["lost_records"], backlog_end=[c[5] for c in cpus],
             backlog_max=[c[4] for c in cpus], limit=limit, bytes=chan[0][1],
             send_ms=chan[0][3], host_after_ms=host[0][1],
             achieved=min(c[1] * 1e9 / c[2] for c in cpus) / rate)
    why = []
    if host[0][0] != 1:
        why.append("no host when the window opened")
    if r["lost"] or r["reported_lost"] or r["missing"] or r["damaged"]:
        why.append(f"lost {r['lost']} (pages said {r['reported_lost']}), {r['missing']} pages "
                   f"missing, {r['damaged']} damaged")
    if r["delivered"] != emitted:
        why.append(f"delivered {r['delivered']} of {emitted}")
    if max(r["backlog_end"]) > limit:
        why.append(f"backlog at window end {r['backlog_end']} pages > {limit}")
    if r["achieved"] < 0.90:
        why.append(f"producer behind ({100 * r['achieved']:.1f} % of the rate)")
    r["ok"] = not why
    r["why"] = "; ".join(why)
    return r


def lossless_point(args, cli, transport, rate, log):
    """Up to --runs runs at rate; stops at the first failing one. Returns (ok, runs)."""
    runs = []
    for i in range(args.runs):
        r = lossless_run(args, cli, transport, rate)
        runs.append(r)
        fig = (f"events={r['emitted']} delivered={r['delivered']} lost={r['lost']} "
               f"backlog_end={r['backlog_end']}/{r['limit']} backlog_max={r['backlog_max']} "
               f"bytes={r['bytes']} send_ms={r['send_ms']} host_after_ms={r['host_after_ms']}"
               if "emitted" in r else "")
        log(f"  {transport} rate={rate}/s/CPU run {i + 1}: {'pass' if r['ok'] else 'FAIL'} "
            f"{fig} wall={r['wall']:.1f}s load={os.getloadavg()[0]:.1f}"
            + (f" -- {r['why']}" if r["why"] else ""))
        if not r["ok"]:
            return False, runs
    return True, runs


def lossless_search(args, cli, transport, start, log):
    """Highest rate (per CPU) whose point passed, with its runs; (0, []) if none did."""
    tried = {}

    def point(rate):
        rate = int(round(rate))
        if rate not in tried:
            tried[rate] = lossless_point(args, cli, transport, rate, log)
        return tried[rate][0]

    lo, hi = None, None
    rate = start
    if point(rate):
        lo = rate
        while hi is None and rate < 10_000_000:
            rate *= 2
            if point(rate):
                lo = rate
            else:
                hi = rate
    else:
        hi = rate
        while lo is None and rate > 10:
            rate //= 2
            if point(rate):
                lo = rate
            else:
                hi = rate
    if lo is None:
        return 0, [], hi
    while hi is not None and hi / lo > args.precision:
        mid = int(round(math.sqrt(lo * hi)))
        if mid in (lo, hi):
            break
        if point(mid):
            lo = mid
        else:
            hi = mid
    return lo, tried[lo][1], hi


def lossless(args):
    cli = cli_command(args.cli, args.classpath)
    head = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True).stdout.strip() or "?"
    load0 = os.getloadavg()
    t0 = time.monotonic()

    def log(msg):
        print(msg, flush=True)

    log(f"lossless: tree at {head} (the kernel measured is --elf) {args.elf}, -smp {args.smp}, window {args.duration} ms, "
        f"{args.runs} runs per point, backlog limit {args.backlog_pct} %, load average at start "
        f"{load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f}, {os.cpu_count()} host CPUs, QEMU TCG")
    starts = dict(kv.split("=") for kv in args.start.split(","))
    res = {}
    for t in args.transports.split(","):
        lo, runs, hi = lossless_search(args, cli, t, int(starts[t]), log)
        res[t] = (lo, runs, hi)
    load1 = os.getloadavg()
    log("")
    name = {"serial": "COM2", "vsock": "vsock"}
    for t, (lo, runs, hi) in res.items():
        if not runs:
            log(f"{name.get(t, t)}: no lossless rate found")
            continue
        mbs = [r["bytes"] / (args.duration / 1000) / 1e6 for r in runs]
        bpe = statistics.median(r["bytes"] / r["emitted"] for r in runs)
        log(f"{name.get(t, t):6s} lossless {lo:,} events/s per CPU = {lo * args.smp:,} events/s "
            f"total ({len(runs)}/{len(runs)} runs lost 0; first failing rate {hi:,}/s/CPU); "
            f"channel {statistics.median(mbs):.3f} MB/s (runs {', '.join(f'{m:.3f}' for m in mbs)}; "
            f"{bpe:.1f} bytes per event sent)")
    if res.get("serial", (0,))[0] and res.get("vsock", (0,))[0]:
        log(f"ratio vsock/COM2 (lossless events/s): {res['vsock'][0] / res['serial'][0]:.1f}x")
    log(f"load average at start {load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f}, at end "
        f"{load1[0]:.2f} {load1[1]:.2f} {load1[2]:.2f}; {time.monotonic() - t0:.0f} s in all")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["rate", "spin", "lossless"])
    ap.add_argument("--elf", default=DEFAULT_ELF)
    ap.add_argument("--base")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--duration", type=int, help="ms (default: 1000; lossless: 3000)")
    ap.add_argument("--smp", type=int, default=2, help="lossless: vCPUs")
    ap.add_argument("--transports", default="serial,vsock", help="lossless: serial,vsock")
    ap.add_argument("--start", default="serial=1000,vsock=16000",
                    help="lossless: first rate per CPU of each search")
    ap.add_argument("--precision", type=float, default=1.15,
                    help="lossless: bisect until first failing / lossless rate <= this")
    ap.add_argument("--backlog-pct", type=float, default=5.0,
                    help="lossless: largest backlog at window end, %% of the window's pages")
    ap.add_argument("--cli", choices=["java", "launcher"], default="java",
                    help="lossless: JDK + the launcher's classpath, or ./uniscope")
    ap.add_argument("--classpath", help="lossless, --cli java: a file holding the classpath "
                    "(default target/launcher/classpath)")
    args = ap.parse_args()
    if args.duration is None:
        args.duration = 3000 if args.what == "lossless" else 1000
    args.elf = os.path.abspath(args.elf)
    if args.what != "lossless":
        print(f"load average {os.getloadavg()}, {os.cpu_count()} host CPUs, -smp 1, TCG")
    {"rate": rate, "spin": spin, "lossless": lossless}[args.what](args)


if __name__ == "__main__":
    main()
