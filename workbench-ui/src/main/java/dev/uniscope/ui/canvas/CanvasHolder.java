package dev.uniscope.ui.canvas;

import javafx.scene.canvas.Canvas;
import javafx.scene.layout.Pane;

/** A canvas that fills its pane: it follows the pane's size and redraws on every resize. */
public final class CanvasHolder {
  private CanvasHolder() {}

  /** The pane to place in a layout; {@code redraw} runs after each size change (FX thread). */
  public static Pane filling(Canvas canvas, Runnable redraw) {
    Pane holder = new Pane(canvas);
    holder.setMinSize(0, 0);
    canvas.widthProperty().bind(holder.widthProperty());
    canvas.heightProperty().bind(holder.heightProperty());
    canvas.widthProperty().addListener(o -> redraw.run());
    canvas.heightProperty().addListener(o -> redraw.run());
    return holder;
  }
}
