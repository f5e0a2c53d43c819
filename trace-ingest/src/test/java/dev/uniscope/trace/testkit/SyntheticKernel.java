package dev.uniscope.trace.testkit;

import dev.uniscope.trace.encode.PageWriter;
import dev.uniscope.trace.encode.RecordEncoder;
import dev.uniscope.trace.meta.CoreEvents;
import dev.uniscope.trace.meta.EventDef;
import dev.uniscope.trace.meta.FieldDef;
import dev.uniscope.trace.meta.FieldType;
import dev.uniscope.trace.meta.Metadata;
import dev.uniscope.trace.meta.MetadataCodec;
import dev.uniscope.trace.session.Hello;
import dev.uniscope.trace.session.HelloCodec;
import dev.uniscope.trace.wire.FrameEncoder;
import dev.uniscope.trace.wire.FrameType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A Java stand-in for the kernel's tracer: emits the core events of docs/protocol.md with plausible
 * payloads on several CPUs, as pages and frames. Deterministic for a seed.
 */
public final class SyntheticKernel {
  /** An event as emitted, to compare with what the decoder finds. */
  public record Emitted(int cpu, long ts, int id, long firstNumber) {}

  /** Where frames go when taking one can fail (a capture file, a socket). */
  @FunctionalInterface
  public interface FrameSink {
    void frame(ByteBuffer frame) throws IOException;
  }

  private static final int TEMPLATES = 64;
  private final int ncpu;
  private final int pageSize;
  private final Metadata metadata = CoreEvents.metadata();
  private final SplittableRandom random;
  private final PageWriter[] writers;
  private final long[] clock;
  private final List<ByteBuffer> pendingPages = new ArrayList<>();
  private final int[] templateIds = new int[TEMPLATES];
  private final ByteBuffer[] templates = new ByteBuffer[TEMPLATES];
  private final long[] templateFirst = new long[TEMPLATES];
  private int frameSeq;
  private final List<Emitted> emitted;

  /**
   * @param keepEmitted remember every event (tests); false for the benchmark
   */
  public SyntheticKernel(int ncpu, int pageSize, long seed, boolean keepEmitted) {
    this(ncpu, pageSize, seed, keepEmitted, false);
  }

  /**
   * @param fixedOnly only events without dynamic fields (sched, irq, timer, alloc, func...): the
   *     small records that dominate real traces
   */
  public SyntheticKernel(
      int ncpu, int pageSize, long seed, boolean keepEmitted, boolean fixedOnly) {
    this.ncpu = ncpu;
    this.pageSize = pageSize;
    this.random = new SplittableRandom(seed);
    this.writers = new PageWriter[ncpu];
    this.clock = new long[ncpu];
    for (int c = 0; c < ncpu; c++) {
      writers[c] = new PageWriter(c, pageSize, pendingPages::add);
      clock[c] = 1_000_000L * (c + 1);
    }
    this.emitted = keepEmitted ? new ArrayList<>() : null;
    RecordEncoder enc = new RecordEncoder();
    List<EventDef> events =
        metadata.events().stream()
            .filter(e -> !fixedOnly || e.fields().stream().noneMatch(f -> f.type().isDynamic()))
            .toList();
    for (int i = 0; i < TEMPLATES; i++) {
      EventDef e = events.get(random.nextInt(events.size()));
      enc.reset(e);
      long first = 0;
      boolean firstSet = false;
      for (FieldDef f : e.fields()) {
        switch (f.type()) {
          case STRING -> enc.set(f.name(), "marker-" + random.nextInt(1000));
          case CHARS -> enc.set(f.name(), "thread" + random.nextInt(100));
          case STACK -> {
            long[] frames = new long[1 + random.nextInt(CoreEvents.MAX_STACK_FRAMES)];
            for (int k = 0; k < frames.length; k++) {
              frames[k] = 0xffffffff80000000L + random.nextInt(1 << 24);
            }
            enc.set(f.name(), frames);
          }
          case BYTES, ARRAY -> {}
          default -> {
            long v = random.nextLong();
            if (f.type() == FieldType.BOOL) {
              v = v & 1;
            } else if (f.size() < 8) {
              v &= (1L << (8 * f.size())) - 1;
            }
            enc.set(f.name(), v);
            if (!firstSet) {
              first = v;
              firstSet = true;
            }
          }
        }
      }
      ByteBuffer p = enc.payload();
      templates[i] = ByteBuffer.allocate(p.remaining()).put(p).flip();
      templateIds[i] = e.id();
      templateFirst[i] = first;
    }
  }

  public Metadata metadata() {
    return metadata;
  }

  public Hello hello() {
    return new Hello(
        1,
        0,
        ncpu,
        0,
        pageSize,
        256,
        2_000_000_000L,
        clock[0],
        0x1F,
        997,
        new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20},
        "trace=sched,irq,alloc profile=997",
        new byte[] {'L', 'A', 'Y', 'O', 'U', 'T'});
  }

  public ByteBuffer helloFrame() {
    return FrameEncoder.encode(FrameType.HELLO, frameSeq++ & 0xFFFF, HelloCodec.encode(hello()));
  }

  public ByteBuffer metadataFrame() {
    return FrameEncoder.encode(
        FrameType.METADATA, frameSeq++ & 0xFFFF, MetadataCodec.encode(metadata));
  }

  /** Emits {@code n} events spread over the CPUs; each closed page goes out as a PAGE frame. */
  public void emit(long n, Consumer<ByteBuffer> frames) {
    for (long i = 0; i < n; i++) {
      int cpu = random.nextInt(ncpu);
      int t = random.nextInt(TEMPLATES);
      clock[cpu] += 1 + random.nextInt(5000);
      writers[cpu].append(templateIds[t], clock[cpu], templates[t]);
      if (emitted != null) {
        emitted.add(new Emitted(cpu, clock[cpu], templateIds[t], templateFirst[t]));
      }
      drain(frames);
    }
  }

  /** Closes every CPU's current page and sends it. */
  public void flush(Consumer<ByteBuffer> frames) {
    for (PageWriter w : writers) {
      w.flush();
    }
    drain(frames);
  }

  /**
   * {@link #emit} {@code n} events, then {@link #flush}, into {@code sink}; stops at its failure.
   */
  public void emitAndFlush(long n, FrameSink sink) throws IOException {
    Consumer<ByteBuffer> frames =
        f -> {
          try {
            sink.frame(f);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        };
    try {
      emit(n, frames);
      flush(frames);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private void drain(Consumer<ByteBuffer> frames) {
    for (ByteBuffer page : pendingPages) {
      frames.accept(FrameEncoder.encode(FrameType.PAGE, frameSeq++ & 0xFFFF, page));
    }
    pendingPages.clear();
  }

  /** Every event emitted so far, in emission order (per CPU, time order). */
  public List<Emitted> emitted() {
    return emitted;
  }
}
