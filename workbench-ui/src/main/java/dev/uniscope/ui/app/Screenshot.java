package dev.uniscope.ui.app;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Scene;
import javafx.scene.image.WritableImage;
import javax.imageio.ImageIO;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Writes the scene as a PNG and the window's state as {@code PNG.json} beside it. */
final class Screenshot {
  private Screenshot() {}

  /** The sidecar's path: the PNG's name plus {@code .json}. */
  static Path sidecar(Path png) {
    return png.resolveSibling(png.getFileName() + ".json");
  }

  /** Snapshots {@code scene} (FX thread) and writes both files. */
  static void write(Scene scene, Path png, UiState state) throws IOException {
    WritableImage image = scene.snapshot(null);
    BufferedImage buffered = SwingFXUtils.fromFXImage(image, null);
    Path parent = png.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    if (!ImageIO.write(buffered, "png", png.toFile())) {
      throw new IOException("no PNG writer for the snapshot");
    }
    JsonMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    Files.writeString(sidecar(png), json.writeValueAsString(state));
  }
}
