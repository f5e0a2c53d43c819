package dev.uniscope.trace.bench;

import dev.uniscope.trace.capture.CaptureFormat;
import dev.uniscope.trace.capture.CaptureReader;
import dev.uniscope.trace.capture.CaptureWriter;
import dev.uniscope.trace.page.PageDecoder;
import dev.uniscope.trace.page.PageHeader;
import dev.uniscope.trace.page.RecordSink;
import dev.uniscope.trace.session.Hello;
import dev.uniscope.trace.session.ProblemLog;
import dev.uniscope.trace.session.TraceSession;
import dev.uniscope.trace.testkit.SyntheticKernel;
import dev.uniscope.trace.wire.FrameType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Decoder benchmark (run by trace-ingest/bench/run.sh): generates a capture of N events (default 10
 * million, 4 CPUs, 4 KiB pages, the core event mix), then measures on one thread
 *
 * <ol>
 *   <li>page decode: metadata-driven decoding of every page in the mapped file, no store;
 *   <li>full load: open + CRC check of every frame + decode + columnar store;
 *   <li>bytes resident per event: the store's own accounting, and the heap growth measured after GC
 *       with the store alive.
 * </ol>
 */
public final class DecoderBench {
  private DecoderBench() {}

  public static void main(String[] args) throws Exception {
    long events = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
    Path file =
        args.length > 1 ? Path.of(args[1]) : Files.createTempFile("uniscope-bench", ".ucap");
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    boolean fixedOnly = args.length > 3 && args[3].equals("fixed");
    System.out.println(
        "mix: "
            + (fixedOnly
                ? "fixed-size core events only"
                : "all core events (strings, stacks up to 64 frames)"));
    try {
      run(events, file, rounds, fixedOnly);
      // Live ingest warms up slowly (Netty, JIT): several runs, the last ones count.
      for (int round = 0; round < Math.max(3, rounds); round++) {
        transport(Math.min(events, 2_000_000), fixedOnly, file.getParent());
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static void run(long events, Path file, int rounds, boolean fixedOnly) throws Exception {
    long t0 = System.nanoTime();
    SyntheticKernel k = new SyntheticKernel(4, 4096, 1, false, fixedOnly);
    Hello hello = k.hello();
    try (CaptureWriter w = CaptureWriter.create(file, CaptureFormat.SOURCE_STREAM, null)) {
      w.append(k.helloFrame());
      w.append(k.metadataFrame());
      k.emit(events, f -> append(w, f));
      k.flush(f -> append(w, f));
    }
    long size = Files.size(file);
    System.out.printf(
        "generated %,d events, %,d bytes (%.1f bytes/event on disk) in %.1f s%n",
        events, size, (double) size / events, (System.nanoTime() - t0) / 1e9);

    // 1. Page decode only.
    try (CaptureReader r = CaptureReader.open(file, new ProblemLog())) {
      PageDecoder d = new PageDecoder(k.metadata(), hello.pageSize(), hello.ncpu());
      Counter c = new Counter();
      double best = Double.MAX_VALUE;
      long pageBytes = 0;
      for (int round = 0; round < rounds; round++) {
        c.records = 0;
        pageBytes = 0;
        long s = System.nanoTime();
        for (int i = 0; i < r.frameCount(); i++) {
          if (r.frameType(i) == FrameType.PAGE) {
            ByteBuffer p = r.payload(i);
            pageBytes += p.remaining();
            d.decode(p, c);
          }
        }
        double secs = (System.nanoTime() - s) / 1e9;
        best = Math.min(best, secs);
        System.out.printf("  page decode round %d: %.3f s, %,d records%n", round, secs, c.records);
      }
      System.out.printf(
          "PAGE DECODE (best of %d): %,.0f events/s, %,.0f MB/s of page bytes%n",
          rounds, c.records / best, pageBytes / best / 1e6);
    }

    // 2. Full load into the store, 3. resident bytes.
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    double best = Double.MAX_VALUE;
    for (int round = 0; round < rounds; round++) {
      System.gc();
      long before = mem.getHeapMemoryUsage().getUsed();
      long s = System.nanoTime();
      try (CaptureReader r = CaptureReader.open(file, new ProblemLog())) {
        TraceSession session = r.load();
        double secs = (System.nanoTime() - s) / 1e9;
        best = Math.min(best, secs);
        long n = session.store().eventCount();
        if (n != events || session.problems().total() != 0) {
          throw new IllegalStateException(
              "decoded " + n + " events, problems: " + session.problems());
        }
        System.gc();
        long after = mem.getHeapMemoryUsage().getUsed();
        Reference.reachabilityFence(session); // keep the store alive through the measurement
        System.out.printf(
            "  full load round %d: %.3f s; store accounting %.2f bytes/event; heap growth %.2f bytes/event%n",
            round,
            secs,
            (double) session.store().residentBytes() / n,
            (double) (after - before) / n);
        if (round == rounds - 1) {
          System.out.printf(
              "FULL LOAD (best of %d): %,.0f events/s, %,.0f MB/s of capture file%n",
              rounds, n / best, size / best / 1e6);
          System.out.printf(
              "RESIDENT: %.2f bytes/event (store accounting), %.2f bytes/event (heap growth after GC), %,d events%n",
              (double) session.store().residentBytes() / n, (double) (after - before) / n, n);
        }
      }
    }
  }

  /**
   * Live ingest over a Unix socket: a writer thread sends pre-encoded frames as fast as it can; the
   * Netty client decodes, CRC-checks, writes the capture and fills the store. Both threads share
   * the one pinned core, so this is a lower bound.
   */
  static void transport(long events, boolean fixedOnly, Path dir) throws Exception {
    SyntheticKernel k = new SyntheticKernel(4, 4096, 2, false, fixedOnly);
    java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();
    java.util.function.Consumer<ByteBuffer> out =
        f -> stream.write(f.array(), f.arrayOffset() + f.position(), f.remaining());
    out.accept(k.helloFrame());
    out.accept(k.metadataFrame());
    k.emit(events, out);
    k.flush(out);
    byte[] bytes = stream.toByteArray();
    Path sock = dir.resolve("bench.sock");
    Path file = dir.resolve("bench-live.ucap");
    try (java.nio.channels.ServerSocketChannel server =
        java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
      server.bind(java.net.UnixDomainSocketAddress.of(sock));
      Thread writer =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try (java.nio.channels.SocketChannel ch = server.accept()) {
                      ByteBuffer b = ByteBuffer.wrap(bytes);
                      while (b.hasRemaining()) {
                        ch.write(b);
                      }
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                  });
      dev.uniscope.trace.capture.LiveCapture capture =
          dev.uniscope.trace.capture.LiveCapture.create(
              file, CaptureFormat.SOURCE_STREAM, new ProblemLog());
      long s = System.nanoTime();
      dev.uniscope.trace.transport.TraceConnection c =
          dev.uniscope.trace.transport.TraceClient.connect(
              new dev.uniscope.trace.transport.TraceEndpoint.Unix(sock), capture, false, 10_000);
      c.closedFuture().get(10, java.util.concurrent.TimeUnit.MINUTES);
      double secs = (System.nanoTime() - s) / 1e9;
      c.close();
      writer.join();
      long n = c.session().store().eventCount();
      if (n != events) {
        throw new IllegalStateException(
            "live ingest decoded " + n + " of " + events + ": " + c.session().problems());
      }
      System.out.printf(
          "LIVE INGEST over a Unix socket (%,d events, sender on the same core): %,.0f events/s, %,.0f MB/s of stream%n",
          n, n / secs, bytes.length / secs / 1e6);
    } finally {
      Files.deleteIfExists(sock);
      Files.deleteIfExists(file);
    }
  }

  private static void append(CaptureWriter w, ByteBuffer f) {
    try {
      w.append(f);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final class Counter implements RecordSink {
    long records;

    @Override
    public void page(PageHeader header) {}

    @Override
    public void record(int eventId, int offset, int size, int tsDelta) {
      records++;
    }
  }
}
