package dev.uniscope.ui.app;

import dev.uniscope.ui.console.ConsoleBuffer;
import dev.uniscope.ui.vm.VmState;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;

/** VM state, the latest message, and the progress of long work with its cancel button. */
final class StatusBar extends HBox {
  private final Label vm = new Label();
  private final Label message = new Label();
  private final ProgressBar progress = new ProgressBar();
  private final Button cancel = new Button("Cancel");
  private VmState state = new VmState.None();
  private Runnable onCancel;

  StatusBar() {
    super(10);
    setPadding(new Insets(3, 6, 3, 6));
    setAlignment(Pos.CENTER_LEFT);
    setStyle(
        "-fx-background-color: #e8e8e8; -fx-border-color: #c8c8c8 transparent transparent transparent;");
    vm.setStyle("-fx-font-weight: bold;");
    // A long panic reason must not squeeze the "VM:" caption; the message takes what is left.
    vm.setMaxWidth(560);
    vm.setMinWidth(120);
    message.setMaxWidth(Double.MAX_VALUE);
    message.setMinWidth(0);
    HBox.setHgrow(message, Priority.ALWAYS);
    progress.setPrefWidth(160);
    cancel.setOnAction(
        e -> {
          if (onCancel != null) {
            onCancel.run();
          }
        });
    Label caption = new Label("VM:");
    caption.setMinWidth(Region.USE_PREF_SIZE);
    getChildren().addAll(caption, vm, message, progress, cancel);
    vm(state);
    idle();
  }

  void vm(VmState s) {
    state = s;
    vm.setText(ConsoleBuffer.sanitize(s.label()));
    String color =
        switch (s) {
          case VmState.Running r -> "#1a7f37";
          case VmState.Starting st -> "#9a6700";
          case VmState.Failed f -> "#cf222e";
          case VmState.Ended e when e.exitStatus() != 0 -> "#cf222e";
          default -> "#24292f";
        };
    vm.setStyle("-fx-font-weight: bold; -fx-text-fill: " + color + ";");
  }

  VmState vmState() {
    return state;
  }

  void message(String text) {
    message.setText(ConsoleBuffer.sanitize(text));
  }

  String messageText() {
    return message.getText();
  }

  /** Shows long work: {@code fraction} in 0..1, or negative for indeterminate. */
  void busy(double fraction, Runnable cancelAction) {
    progress.setVisible(true);
    progress.setProgress(fraction < 0 ? ProgressBar.INDETERMINATE_PROGRESS : fraction);
    onCancel = cancelAction;
    cancel.setVisible(cancelAction != null);
  }

  void idle() {
    progress.setVisible(false);
    cancel.setVisible(false);
    onCancel = null;
  }
}
