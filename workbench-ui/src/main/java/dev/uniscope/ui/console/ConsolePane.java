package dev.uniscope.ui.console;

import java.util.concurrent.atomic.AtomicBoolean;
import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;

/**
 * COM1 as a virtualized list of plain-text lines (a cell is a text node, never markup), monospace,
 * following the newest line while "follow" is on.
 */
public final class ConsolePane extends BorderPane {
  private final ConsoleBuffer buffer;
  private final ListView<String> list = new ListView<>();
  private final CheckBox follow = new CheckBox("follow");
  private final Label info = new Label();
  private final AtomicBoolean refreshQueued = new AtomicBoolean();
  private long shownVersion = -1;

  public ConsolePane(ConsoleBuffer buffer) {
    this.buffer = buffer;
    Label title = new Label("Serial console (COM1)");
    title.setStyle("-fx-font-weight: bold;");
    follow.setSelected(true);
    Region gap = new Region();
    HBox.setHgrow(gap, Priority.ALWAYS);
    HBox head = new HBox(8, title, gap, info, follow);
    head.setPadding(new Insets(4));
    setTop(head);
    list.setStyle("-fx-font-family: monospace; -fx-font-size: 12px;");
    // A fixed height keeps the virtualized list cheap with thousands of lines.
    list.setFixedCellSize(22);
    list.setCellFactory(
        v ->
            new ListCell<>() {
              {
                setPadding(new Insets(1, 6, 1, 6));
              }

              @Override
              protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty ? null : item);
              }
            });
    setCenter(list);
    buffer.addListener(this::queueRefresh);
    refresh();
  }

  private void queueRefresh() {
    if (refreshQueued.compareAndSet(false, true)) {
      Platform.runLater(
          () -> {
            refreshQueued.set(false);
            refresh();
          });
    }
  }

  /** Shows the buffer's current lines (FX thread). */
  public void refresh() {
    long v = buffer.version();
    if (v == shownVersion) {
      return;
    }
    shownVersion = v;
    list.getItems().setAll(buffer.lines());
    long dropped = buffer.dropped();
    info.setText(
        buffer.size() + " lines" + (dropped > 0 ? " (" + dropped + " older dropped)" : ""));
    if (follow.isSelected() && !list.getItems().isEmpty()) {
      list.scrollTo(list.getItems().size() - 1);
    }
  }
}
