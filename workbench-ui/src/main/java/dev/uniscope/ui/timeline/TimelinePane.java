package dev.uniscope.ui.timeline;

import dev.uniscope.core.analysis.timeline.Spans;
import dev.uniscope.ui.canvas.CanvasHolder;
import java.util.Locale;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;

/**
 * Per-CPU lanes (running thread, IRQ strip) and an app-marker lane on one {@link Canvas}, drawn
 * through {@link LaneBins} so the cost follows the pixels, not the events. Wheel zooms around the
 * pointer, drag pans, double click shows everything. FX thread only.
 */
public final class TimelinePane extends BorderPane {
  private static final double AXIS = 20;
  private static final double GUTTER = 64;
  private static final double LANE = 30;
  private static final double RUN = 20;
  private static final double IRQ = 6;

  private final Canvas canvas = new Canvas();
  private final Label info = new Label("no timeline: open a capture, or boot with tracing");
  private final Label details = new Label(" ");
  private final TimeWindow window = new TimeWindow();
  private TimelineSnapshot snap;
  private double dragX = Double.NaN;

  public TimelinePane() {
    Label title = new Label("Timeline");
    title.setStyle("-fx-font-weight: bold;");
    info.setStyle("-fx-text-fill: #666;");
    Button reset = new Button("Show all");
    reset.setOnAction(
        e -> {
          window.reset();
          redraw();
        });
    Region gap = new Region();
    HBox.setHgrow(gap, Priority.ALWAYS);
    HBox head = new HBox(8, title, info, gap, reset);
    head.setAlignment(Pos.CENTER_LEFT);
    head.setPadding(new Insets(4));
    setTop(head);
    Pane holder = CanvasHolder.filling(canvas, this::redraw);
    canvas.setOnScroll(
        e -> {
          if (snap == null || e.getDeltaY() == 0) {
            return;
          }
          double plot = plotWidth();
          window.zoom(e.getDeltaY() > 0 ? 0.8 : 1.25, (e.getX() - GUTTER) / plot);
          redraw();
        });
    canvas.setOnMousePressed(e -> dragX = e.getX());
    canvas.setOnMouseDragged(
        e -> {
          if (!Double.isNaN(dragX) && snap != null) {
            window.pan((dragX - e.getX()) / plotWidth());
            dragX = e.getX();
            redraw();
          }
        });
    canvas.setOnMouseReleased(e -> dragX = Double.NaN);
    canvas.setOnMouseClicked(
        e -> {
          if (e.getClickCount() == 2) {
            window.reset();
            redraw();
          }
        });
    canvas.setOnMouseMoved(e -> details.setText(describe(e.getX(), e.getY())));
    setCenter(holder);
    details.setPadding(new Insets(2, 4, 2, 4));
    details.setStyle("-fx-font-family: monospace;");
    setBottom(details);
  }

  /** Shows new data; a window that showed everything keeps doing so as data grows. */
  public void show(TimelineSnapshot s) {
    snap = s;
    if (s != null && !s.empty()) {
      window.bounds(s.firstTs(), s.lastTs());
      info.setText(
          String.format(
              Locale.ROOT,
              "%d CPUs, %s, %,d spans",
              s.cpus(),
              duration(s.lastTs() - s.firstTs()),
              s.events()));
    }
    redraw();
  }

  public TimelineSnapshot snapshot() {
    return snap;
  }

  private double plotWidth() {
    return Math.max(1, canvas.getWidth() - GUTTER);
  }

  private void redraw() {
    GraphicsContext g = canvas.getGraphicsContext2D();
    double w = canvas.getWidth();
    double h = canvas.getHeight();
    g.setFill(Color.WHITE);
    g.fillRect(0, 0, w, h);
    if (snap == null || snap.empty() || w <= GUTTER + 2) {
      g.setFill(Color.GRAY);
      g.setTextAlign(TextAlignment.CENTER);
      g.setTextBaseline(VPos.CENTER);
      g.fillText("No timeline events", w / 2, h / 2);
      return;
    }
    int plotW = (int) plotWidth();
    g.setFont(Font.font("monospace", 11));
    axis(g, plotW, h);
    double y = AXIS + 4;
    if (snap.hasMarkers()) {
      label(g, "markers", y + RUN / 2);
      lane(g, snap.markers(), y, RUN, plotW, Long.MIN_VALUE, true);
      instantMarkers(g, y, plotW);
      y += LANE;
    }
    for (int c = 0; c < snap.cpus() && y < h; c++) {
      label(g, "CPU " + c, y + RUN / 2);
      lane(g, snap.cpuSlices().get(c), y, RUN, plotW, 0, false);
      lane(g, snap.irqSpans().get(c), y + RUN + 1, IRQ, plotW, Long.MIN_VALUE, false);
      g.setStroke(Color.rgb(220, 220, 220));
      g.strokeLine(GUTTER, y + LANE - 1.5, GUTTER + plotW, y + LANE - 1.5);
      y += LANE;
    }
  }

  private void lane(
      GraphicsContext g, Spans s, double y, double height, int plotW, long skip, boolean markers) {
    LaneBins bins = LaneBins.of(s, window.from(), window.to(), plotW, skip);
    for (int c = 0; c < plotW; c++) {
      if (bins.busy()[c] > 0) {
        g.setFill(color(bins.key()[c], height == IRQ, Math.max(0.25, bins.busy()[c])));
        g.fillRect(GUTTER + c, y, 1, height);
      }
    }
    g.setTextAlign(TextAlignment.LEFT);
    g.setTextBaseline(VPos.CENTER);
    for (LaneBins.Block b : bins.blocks()) {
      double x0 = GUTTER + b.x0();
      double bw = b.x1() - b.x0();
      g.setFill(color(b.key(), height == IRQ, 1));
      g.fillRect(x0, y, Math.max(1, bw - 0.5), height);
      if (bw > 40 && height >= RUN) {
        String text = markers ? snap.markerName(b.key()) : snap.threadName((int) b.key());
        int chars = (int) ((bw - 4) / 6.6);
        if (chars >= 3) {
          g.setFill(Color.BLACK);
          g.fillText(
              text.length() > chars ? text.substring(0, chars - 1) + "." : text,
              x0 + 2,
              y + height / 2);
        }
      }
    }
  }

  /** One tick per pixel column that holds instant markers, however many it holds. */
  private void instantMarkers(GraphicsContext g, double y, int plotW) {
    long[] ts = snap.markerTs();
    g.setFill(Color.rgb(90, 60, 160));
    int lastColumn = -1;
    int lastHead = Integer.MIN_VALUE;
    for (int i = snap.firstMarkerAtOrAfter(window.from());
        i < ts.length && ts[i] <= window.to();
        i++) {
      int c = (int) window.toX(ts[i], plotW);
      if (c == lastColumn) {
        continue;
      }
      lastColumn = c;
      double x = GUTTER + c;
      g.fillRect(x, y + 2, 1, RUN - 2);
      // Heads only where they do not overlap, so a dense burst stays readable.
      if (c - lastHead >= 7) {
        lastHead = c;
        g.fillPolygon(new double[] {x - 3, x + 4, x + 0.5}, new double[] {y, y, y + 5}, 3);
      }
    }
  }

  private void axis(GraphicsContext g, int plotW, double h) {
    long span = window.span();
    // About one label per 110 px, so "+1.250 s" labels never overlap.
    long step = niceStep((long) Math.ceil(span * 110.0 / plotW));
    long origin = snap.firstTs();
    long first = window.from() - Math.floorMod(window.from() - origin, step) + step;
    g.setTextAlign(TextAlignment.CENTER);
    g.setTextBaseline(VPos.CENTER);
    for (long t = first - step; t <= window.to(); t += step) {
      double x = GUTTER + window.toX(t, plotW);
      if (x < GUTTER) {
        continue;
      }
      g.setStroke(Color.rgb(235, 235, 235));
      g.strokeLine(x, AXIS, x, h);
      g.setFill(Color.rgb(80, 80, 80));
      g.fillText("+" + duration(t - origin), x, AXIS / 2);
    }
  }

  private void label(GraphicsContext g, String text, double y) {
    g.setFill(Color.BLACK);
    g.setTextAlign(TextAlignment.LEFT);
    g.setTextBaseline(VPos.CENTER);
    g.fillText(text, 4, y);
  }

  private String describe(double x, double y) {
    if (snap == null || snap.empty() || x < GUTTER) {
      return " ";
    }
    long t = window.toTime(x - GUTTER, plotWidth());
    int row = (int) Math.floor((y - AXIS - 4) / LANE);
    String at = "+" + duration(t - snap.firstTs());
    if (snap.hasMarkers()) {
      if (row == 0) {
        String instant = markerNear(x);
        if (instant != null) {
          return at + "  marker " + instant;
        }
        int i = spanAt(snap.markers(), t);
        return i < 0
            ? at
            : at
                + "  marker "
                + snap.markerName(snap.markers().key(i))
                + " "
                + duration(snap.markers().duration(i));
      }
      row--;
    }
    if (row < 0 || row >= snap.cpus()) {
      return at;
    }
    Spans s = snap.cpuSlices().get(row);
    int i = spanAt(s, t);
    if (i < 0) {
      return at + "  CPU " + row;
    }
    int tid = (int) s.key(i);
    return at
        + "  CPU "
        + row
        + ": "
        + snap.threadName(tid)
        + (tid != 0 ? " (tid " + tid + ")" : "")
        + " for "
        + duration(s.duration(i));
  }

  /** The name of an instant marker within 3 px of {@code x}, or null. */
  private String markerNear(double x) {
    double plot = plotWidth();
    long from = window.toTime(x - GUTTER - 3, plot);
    long to = window.toTime(x - GUTTER + 3, plot);
    int i = snap.firstMarkerAtOrAfter(from);
    return i < snap.markerTs().length && snap.markerTs()[i] <= to
        ? snap.markerName(snap.markerNames()[i])
        : null;
  }

  /** The last span starting at or before {@code t} that still covers it, or -1. */
  private static int spanAt(Spans s, long t) {
    int i = s.firstStartingAtOrAfter(t + 1) - 1;
    for (int back = 0; i >= 0 && back < 64; back++, i--) {
      if (s.end(i) >= t) {
        return i;
      }
    }
    return -1;
  }

  static long niceStep(long raw) {
    long r = Math.max(1, raw);
    long p = 1;
    while (p * 10 <= r) {
      p *= 10;
    }
    if (r <= p) {
      return p;
    }
    if (r <= 2 * p) {
      return 2 * p;
    }
    return r <= 5 * p ? 5 * p : 10 * p;
  }

  static String duration(long ns) {
    if (ns >= 1_000_000_000L) {
      return String.format(Locale.ROOT, "%.3f s", ns / 1e9);
    }
    if (ns >= 1_000_000L) {
      return String.format(Locale.ROOT, "%.3f ms", ns / 1e6);
    }
    if (ns >= 1_000L) {
      return String.format(Locale.ROOT, "%.1f us", ns / 1e3);
    }
    return ns + " ns";
  }

  private static Color color(long key, boolean irq, double alpha) {
    if (irq) {
      return Color.rgb(200, 40, 40, alpha);
    }
    double hue = Math.floorMod(key * 47, 360);
    return Color.hsb(hue, 0.45, 0.9, alpha);
  }

  /** The drawing surface (for tests that fire mouse events at it). */
  Canvas canvas() {
    return canvas;
  }

  /** The hover line under the canvas. */
  String detailsText() {
    return details.getText();
  }
}
