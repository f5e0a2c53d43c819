package dev.uniscope.ui.layout;

import java.util.function.Function;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;

/** This boot's KASLR layout: slide, bases, build-id, and the region table. FX thread only. */
public final class LayoutPane extends BorderPane {
  private final Label slide = value();
  private final Label base = value();
  private final Label link = value();
  private final Label kaslr = value();
  private final Label buildId = value();
  private final Label source = new Label();
  private final TableView<LayoutInfo.RegionRow> table = new TableView<>();
  private LayoutInfo shown = LayoutInfo.EMPTY;

  public LayoutPane() {
    Label title = new Label("KASLR layout");
    title.setStyle("-fx-font-weight: bold;");
    GridPane grid = new GridPane(12, 2);
    int row = 0;
    grid.addRow(row++, new Label("slide"), slide);
    grid.addRow(row++, new Label("base"), base);
    grid.addRow(row++, new Label("link"), link);
    grid.addRow(row++, new Label("kaslr"), kaslr);
    grid.addRow(row, new Label("build-id"), buildId);
    source.setStyle("-fx-text-fill: #666;");
    VBox head = new VBox(4, title, grid, source);
    head.setPadding(new Insets(4));
    setTop(head);
    table.getColumns().add(column("region", LayoutInfo.RegionRow::name, 80));
    table.getColumns().add(column("kind", LayoutInfo.RegionRow::kind, 70));
    table.getColumns().add(column("start", LayoutInfo.RegionRow::startHex, 150));
    table.getColumns().add(column("end", LayoutInfo.RegionRow::endHex, 150));
    table.getColumns().add(column("size", LayoutInfo.RegionRow::sizeText, 90));
    table.getColumns().add(column("perm", LayoutInfo.RegionRow::perms, 40));
    table.getColumns().add(column("phys", LayoutInfo.RegionRow::physHex, 150));
    table.setPlaceholder(new Label("no layout yet"));
    table.setStyle("-fx-font-family: monospace;");
    table.setColumnResizePolicy(TableView.UNCONSTRAINED_RESIZE_POLICY);
    setCenter(table);
    show(LayoutInfo.EMPTY);
  }

  public void show(LayoutInfo info) {
    shown = info;
    slide.setText(info.slide() == null ? "?" : LayoutInfo.hex(info.slide()));
    base.setText(info.base() == null ? "?" : LayoutInfo.hex(info.base()));
    link.setText(info.link() == null ? "?" : LayoutInfo.hex(info.link()));
    kaslr.setText(
        (info.kaslr().isEmpty() ? "?" : info.kaslr())
            + (info.seed().isEmpty() ? "" : "  seed " + info.seed())
            + (info.cpus() > 0 ? "  cpus " + info.cpus() : ""));
    buildId.setText(info.buildId().isEmpty() ? "?" : info.buildId());
    source.setText(
        info.source().isEmpty()
            ? "no layout: boot a VM or open a capture"
            : "from the " + info.source());
    table.getItems().setAll(info.regions());
  }

  public LayoutInfo shown() {
    return shown;
  }

  private static Label value() {
    Label l = new Label("?");
    l.setStyle("-fx-font-family: monospace;");
    return l;
  }

  private static TableColumn<LayoutInfo.RegionRow, String> column(
      String name, Function<LayoutInfo.RegionRow, String> f, double width) {
    TableColumn<LayoutInfo.RegionRow, String> c = new TableColumn<>(name);
    c.setCellValueFactory(d -> new ReadOnlyStringWrapper(f.apply(d.getValue())));
    c.setPrefWidth(width);
    c.setSortable(false);
    return c;
  }
}
