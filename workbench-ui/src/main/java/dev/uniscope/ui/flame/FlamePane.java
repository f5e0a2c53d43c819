package dev.uniscope.ui.flame;

import dev.uniscope.flamegraph.layout.FrameRect;
import dev.uniscope.flamegraph.layout.Layout;
import dev.uniscope.flamegraph.model.StackTree;
import dev.uniscope.ui.canvas.CanvasHolder;
import dev.uniscope.ui.console.ConsoleBuffer;
import java.util.Locale;
import javafx.geometry.Insets;
import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;

/**
 * A flame graph on one {@link Canvas} from the flamegraph layout API: root at the bottom, click to
 * zoom, right click or "Reset zoom" to zoom out, hover for details, regular-expression search.
 * Frames under a pixel are left out by the layout (level of detail). FX thread only.
 */
public final class FlamePane extends BorderPane {
  static final double ROW = 17;
  private static final Color MATCH = Color.rgb(230, 0, 230);

  private final Canvas canvas = new Canvas();
  private final Label title = new Label("Flame graph");
  private final Label source = new Label("no profile yet");
  private final TextField search = new TextField();
  private final Label matched = new Label();
  private final Label details = new Label(" ");
  private final Label truth = new Label();
  private KnownAnswer knownAnswer;
  private FlameModel model;
  private Layout layout;
  private FrameRect hover;

  public FlamePane() {
    title.setStyle("-fx-font-weight: bold;");
    source.setStyle("-fx-text-fill: #666;");
    search.setPromptText("search (regex)");
    search.setPrefColumnCount(14);
    search.textProperty().addListener((o, a, b) -> applySearch());
    search.setOnKeyPressed(
        e -> {
          if (e.getCode() == KeyCode.ESCAPE) {
            search.clear();
          }
        });
    Button reset = new Button("Reset zoom");
    reset.setOnAction(
        e -> {
          if (model != null) {
            model.resetZoom();
            redraw();
          }
        });
    Region gap = new Region();
    HBox.setHgrow(gap, Priority.ALWAYS);
    HBox head = new HBox(8, title, source, gap, matched, search, reset);
    head.setPadding(new Insets(4));
    head.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
    truth.setPadding(new Insets(0, 4, 2, 4));
    truth.setStyle("-fx-text-fill: #0550ae;");
    truth.setManaged(false);
    truth.setVisible(false);
    setTop(new javafx.scene.layout.VBox(head, truth));
    Pane holder = CanvasHolder.filling(canvas, this::redraw);
    canvas.setOnMouseMoved(e -> hover(e.getX(), e.getY()));
    canvas.setOnMouseExited(e -> hover(-1, -1));
    canvas.setOnMouseClicked(
        e -> {
          if (model == null) {
            return;
          }
          if (e.getButton() == MouseButton.SECONDARY) {
            model.resetZoom();
          } else {
            FrameRect r = hit(e.getX(), e.getY());
            if (r != null) {
              model.zoom(r.node());
            }
          }
          redraw();
        });
    setCenter(holder);
    details.setPadding(new Insets(2, 4, 2, 4));
    details.setStyle("-fx-font-family: monospace;");
    setBottom(details);
  }

  /** Shows a new tree, keeping the search text; {@code what} says where it came from. */
  public void show(StackTree tree, String what) {
    int oldFocus = model == null ? 0 : model.focus();
    boolean sameTree = model != null && model.tree() == tree;
    model = tree == null ? null : new FlameModel(tree);
    if (model != null && sameTree) {
      model.zoom(oldFocus);
    }
    source.setText(ConsoleBuffer.sanitize(what));
    applySearch();
    updateTruth();
  }

  /** Shows the app's known answer next to the measured shares (null hides it). */
  public void knownAnswer(KnownAnswer k) {
    knownAnswer = k;
    updateTruth();
  }

  /** The known-answer line as shown, or null. */
  public String knownAnswerText() {
    return truth.isVisible() ? truth.getText() : null;
  }

  private void updateTruth() {
    boolean on = knownAnswer != null && model != null;
    truth.setVisible(on);
    truth.setManaged(on);
    if (on) {
      truth.setText(knownAnswer.describe(model.tree()));
    }
  }

  public FlameModel model() {
    return model;
  }

  private void applySearch() {
    if (model == null) {
      matched.setText("");
      redraw();
      return;
    }
    double pct = model.search(search.getText());
    matched.setText(pct < 0 ? "" : String.format(Locale.ROOT, "Matched: %.2f%%", pct));
    redraw();
  }

  private FrameRect hit(double x, double y) {
    if (layout == null) {
      return null;
    }
    int depth = (int) Math.floor((canvas.getHeight() - y) / ROW);
    return depth < 0 ? null : layout.at(x, depth);
  }

  private void hover(double x, double y) {
    FrameRect r = x < 0 ? null : hit(x, y);
    if (r != hover) {
      hover = r;
      details.setText(r == null ? " " : model.describe(r));
      redraw();
    }
  }

  private void redraw() {
    GraphicsContext g = canvas.getGraphicsContext2D();
    double w = canvas.getWidth();
    double h = canvas.getHeight();
    g.setFill(Color.rgb(248, 248, 240));
    g.fillRect(0, 0, w, h);
    if (model == null || model.totalSamples() == 0 || w < 2) {
      layout = null;
      g.setFill(Color.GRAY);
      g.setTextAlign(TextAlignment.CENTER);
      g.setTextBaseline(VPos.CENTER);
      g.fillText(
          model == null ? "No profile: open a capture or a folded-stacks file" : "No samples",
          w / 2,
          h / 2);
      return;
    }
    if (hover != null && layout != null && !layout.rects().contains(hover)) {
      hover = null;
    }
    layout = model.layout(w);
    g.setFont(Font.font("monospace", 11));
    g.setTextAlign(TextAlignment.LEFT);
    g.setTextBaseline(VPos.CENTER);
    for (FrameRect r : layout.rects()) {
      double y = h - (r.depth() + 1) * ROW;
      if (y + ROW < 0) {
        continue;
      }
      boolean dim = r.depth() > 0 && isAncestorOfFocus(r);
      Color fill =
          model.isMatched(r.node())
              ? MATCH
              : Color.rgb(
                  (r.colorKey() >> 16) & 0xff, (r.colorKey() >> 8) & 0xff, r.colorKey() & 0xff);
      g.setFill(dim ? fill.desaturate().brighter() : fill);
      g.fillRect(r.x(), y, Math.max(r.width() - 0.5, 0.5), ROW - 1);
      if (r.width() > 24) {
        g.setFill(Color.BLACK);
        g.fillText(fit(r.label(), r.width() - 6), r.x() + 3, y + ROW / 2);
      }
    }
    if (hover != null) {
      g.setStroke(Color.BLACK);
      g.setLineWidth(1.5);
      g.strokeRect(hover.x(), h - (hover.depth() + 1) * ROW, hover.width(), ROW - 1);
    }
  }

  private boolean isAncestorOfFocus(FrameRect r) {
    return model.focus() != 0 && r.node() != model.focus() && r.depth() < depthOfFocus();
  }

  private int depthOfFocus() {
    return model.tree().depth(model.focus());
  }

  /** The label cut to what fits at about 6.6 px per monospace character. */
  private static String fit(String label, double px) {
    String s = ConsoleBuffer.sanitize(label);
    int chars = (int) (px / 6.6);
    if (s.length() <= chars) {
      return s;
    }
    return chars < 3 ? "" : s.substring(0, chars - 2) + "..";
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
