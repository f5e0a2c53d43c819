package dev.uniscope.core.report;

import java.io.IOException;
import java.io.OutputStream;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The report's PNG charts (JFreeChart, rendered off-screen). */
public final class Charts {
  public static final int WIDTH = 900;
  public static final int HEIGHT = 320;

  /** Points drawn per chart; longer series are re-binned (max for heap, sum for rates). */
  static final int MAX_POINTS = 1000;

  private Charts() {}

  /** Live heap bytes over time (alloc minus free seen in the capture). */
  public static void heap(ActivityAnalysis.Summary a, OutputStream out) throws IOException {
    XYSeries s = new XYSeries("live heap bytes");
    long[] v = a.heapBytes();
    int step = Math.max(1, (v.length + MAX_POINTS - 1) / MAX_POINTS);
    for (int i = 0; i < v.length; i += step) {
      long max = 0;
      for (int k = i; k < Math.min(v.length, i + step); k++) {
        max = Math.max(max, v[k]);
      }
      s.add(seconds(i), max);
    }
    write(chart("Heap over time", "live bytes", s), out);
  }

  /** Events per second over time. */
  public static void eventRate(ActivityAnalysis.Summary a, OutputStream out) throws IOException {
    XYSeries s = new XYSeries("events/s");
    long[] v = a.rate();
    int step = Math.max(1, (v.length + MAX_POINTS - 1) / MAX_POINTS);
    double binSeconds = step * ActivityAnalysis.BIN_NS / 1e9;
    for (int i = 0; i < v.length; i += step) {
      long sum = 0;
      for (int k = i; k < Math.min(v.length, i + step); k++) {
        sum += v[k];
      }
      s.add(seconds(i), sum / binSeconds);
    }
    write(chart("Event rate", "events per second", s), out);
  }

  private static double seconds(int bin) {
    return bin * ActivityAnalysis.BIN_NS / 1e9;
  }

  private static JFreeChart chart(String title, String yLabel, XYSeries s) {
    headless();
    return ChartFactory.createXYLineChart(
        title,
        "seconds since first event",
        yLabel,
        new XYSeriesCollection(s),
        PlotOrientation.VERTICAL,
        false,
        false,
        false);
  }

  private static void write(JFreeChart c, OutputStream out) throws IOException {
    ChartUtils.writeChartAsPNG(out, c, WIDTH, HEIGHT);
  }

  /** No display is needed (CI); must be set before AWT initialises. */
  private static void headless() {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }
}
