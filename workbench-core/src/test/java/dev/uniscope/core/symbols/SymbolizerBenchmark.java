package dev.uniscope.core.symbols;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Lookups per second, as a profile with millions of samples needs them: random runtime addresses
 * inside the text (a slide applied), resolved to a function index alone and to function + line.
 *
 * <p>Run (annotation processing must be switched on for JMH's generator):
 *
 * <pre>
 * mvn -o -q -pl workbench-core test-compile -Dmaven.compiler.proc=full
 * java -cp "$(cat cp.txt):workbench-core/target/classes:workbench-core/target/test-classes" \
 *     dev.uniscope.core.symbols.SymbolizerBenchmark
 * </pre>
 *
 * (cp.txt from {@code mvn dependency:build-classpath -Dmdep.outputFile=cp.txt}). The binary is the
 * kernel if built, and the static-PIE fixture (glibc's functions) always.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class SymbolizerBenchmark {
  private static final int BATCH = 4096;

  @Param({"static-pie", "kernel"})
  public String binary;

  private Symbolizer symbolizer;
  private Slide slide;
  private final long[] addresses = new long[BATCH];

  @Setup
  public void setUp() throws Exception {
    Path elf =
        binary.equals("kernel")
            ? Fixtures.repoRoot().resolve("kernel/build/uniscope.elf")
            : Fixtures.binary(Fixtures.Variant.STATIC_PIE);
    if (!Files.isRegularFile(elf)) {
      throw new IllegalStateException("not built: " + elf);
    }
    symbolizer = Symbolizer.load(elf);
    slide = Slide.of(0x1a400000L, Slide.Origin.USER);
    FunctionTable f = symbolizer.functions();
    long low = f.start(0);
    long span = f.end(f.size() - 1) - low;
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < BATCH; i++) {
      addresses[i] = slide.toRuntime(low + random.nextLong(span));
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void functionIndex(Blackhole bh) {
    for (long a : addresses) {
      bh.consume(symbolizer.functionIndex(a, slide));
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void symbolize(Blackhole bh) {
    for (long a : addresses) {
      bh.consume(symbolizer.symbolize(a, slide));
    }
  }

  public static void main(String[] args) throws Exception {
    new Runner(new OptionsBuilder().include(SymbolizerBenchmark.class.getSimpleName()).build())
        .run();
  }
}
