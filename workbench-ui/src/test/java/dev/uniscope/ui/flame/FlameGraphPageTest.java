package dev.uniscope.ui.flame;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.javafx.webkit.WebConsoleListener;
import dev.uniscope.flamegraph.model.StackTree;
import dev.uniscope.flamegraph.parse.FoldedParser;
import dev.uniscope.flamegraph.parse.OnMalformed;
import dev.uniscope.flamegraph.render.FlameGraphRenderer;
import dev.uniscope.flamegraph.render.FlameGraphRenderer.Format;
import dev.uniscope.flamegraph.render.RenderOptions;
import dev.uniscope.ui.FxThread;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javafx.concurrent.Worker;
import javafx.scene.Scene;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.web.WebEngine;
import javafx.scene.web.WebView;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The interactive flame graph that {@code uniscope flamegraph} writes ({@link FlameGraphRenderer}'s
 * SVG and HTML), opened as a file in a real browser engine, JavaFX's WebKit, which runs its script:
 * zoom, reset, search, hover and the escaping of hostile frame names, asserted on the DOM state the
 * script leaves (attributes and text), not on pixels. Any script error (uncaught exception, syntax
 * error) fails the test: the engine reports it on its console, which is hooked. It lives here
 * because this module's tests have the FX toolkit and the X display ({@link FxThread}).
 */
class FlameGraphPageTest {
  static final String EVIL = "<script>alert(1)</script>";

  /** 100 samples: a = x 30 + y 20, b = 40 self + the hostile frame 10. */
  static final String FOLDED = "main;a;x 30\nmain;a;y 20\nmain;b 40\nmain;b;" + EVIL + " 10\n";

  static final String SEARCH_COLOR = "rgb(230,0,230)";

  /** Default width 1200 minus twice the 10 px padding. */
  static final double FULL = 1180;

  /**
   * Test helpers added to the loaded page: a frame found by its name (the hover title up to its
   * last " ("), its state as JSON, and DOM events as a user's click or hover makes them.
   */
  static final String HELPERS =
      """
      window.__t = {
        frames: function () {
          return document.getElementById("frames").getElementsByTagName("g");
        },
        name: function (g) {
          var t = g.getElementsByTagName("title")[0].textContent;
          return t.substring(0, t.lastIndexOf(" ("));
        },
        frame: function (name) {
          var gs = __t.frames(), hit = null;
          for (var i = 0; i < gs.length; i++) {
            if (__t.name(gs[i]) === name) {
              if (hit) throw new Error("two frames named " + name);
              hit = gs[i];
            }
          }
          if (!hit) throw new Error("no frame named " + name);
          return hit;
        },
        state: function (g) {
          var r = g.getElementsByTagName("rect")[0];
          return {
            x: parseFloat(r.getAttribute("x")),
            width: parseFloat(r.getAttribute("width")),
            shown: g.style.display !== "none",
            opacity: g.style.opacity === "" ? 1 : parseFloat(g.style.opacity),
            fill: r.getAttribute("fill"),
            label: g.getElementsByTagName("text")[0].textContent
          };
        },
        states: function () {
          var out = {}, gs = __t.frames();
          for (var i = 0; i < gs.length; i++) out[__t.name(gs[i])] = __t.state(gs[i]);
          return JSON.stringify(out);
        },
        fire: function (el, type) {
          el.dispatchEvent(new MouseEvent(type, {bubbles: true, cancelable: true, view: window}));
        },
        fireOnFrame: function (name, type, part) {
          __t.fire(__t.frame(name).getElementsByTagName(part || "rect")[0], type);
        },
        text: function (id) {
          return document.getElementById(id).textContent;
        }
      };
      """;

  /** What the script leaves on one frame. */
  record FrameState(
      double x, double width, boolean shown, double opacity, String fill, String label) {}

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** Console messages of the page being tested (the script itself never logs). */
  private static final List<String> CONSOLE = Collections.synchronizedList(new ArrayList<>());

  @TempDir Path dir;
  private WebView view;
  private final List<String> alerts = Collections.synchronizedList(new ArrayList<>());
  private final List<String> prompts = Collections.synchronizedList(new ArrayList<>());
  private final List<String> errors = Collections.synchronizedList(new ArrayList<>());

  /** What the user types when the page prompts for a search term. */
  private volatile String answer = "x|y";

  @BeforeAll
  static void toolkit() {
    FxThread.start();
    // WebKit reports uncaught exceptions (also those of event listeners, which never reach
    // executeScript's caller) and syntax errors on its console; there is no public hook for it.
    WebConsoleListener.setDefaultListener(
        (webView, message, line, source) -> CONSOLE.add(source + ":" + line + ": " + message));
  }

  @ParameterizedTest(name = "{0}, inverted={1}")
  @CsvSource({"SVG, false", "HTML, false", "SVG, true", "HTML, true"})
  @Timeout(120)
  void zoomResetSearchHoverAndEscaping(Format format, boolean inverted) throws Exception {
    long start = System.nanoTime();
    load(render(format, inverted));
    FxThread.run(
        () -> {
          assertThat(js("typeof fg.frames")).as("init() ran").isEqualTo("object");
          Map<String, FrameState> initial = states();
          assertThat(initial)
              .containsOnlyKeys("all", "main", "a", "b", "x", "y", EVIL)
              .allSatisfy((name, f) -> assertThat(f.shown()).as(name).isTrue());
          assertThat(initial.get("all").width()).isEqualTo(FULL);
          assertThat(initial.get("a").width()).isCloseTo(FULL / 2, within());
          assertThat(initial.get("x").width()).isCloseTo(FULL * 0.3, within());

          // Hover shows the details, leaving clears them.
          js("__t.fireOnFrame('x', 'mouseover')");
          assertThat(js("__t.text('details')"))
              .isEqualTo("Function: x (30 samples, 30.00%, self 30)");
          js("__t.fireOnFrame('x', 'mouseout')");
          assertThat(js("__t.text('details')")).isEqualTo(" ");

          // Click a: it spans the width, its callees scale with it, ancestors stay dimmed, b goes.
          js("__t.fireOnFrame('a', 'click')");
          Map<String, FrameState> zoomed = states();
          assertThat(zoomed.get("a").x()).isEqualTo(10);
          assertThat(zoomed.get("a").width()).isEqualTo(FULL);
          assertThat(zoomed.get("a").opacity()).isEqualTo(1);
          assertThat(zoomed.get("x").width()).isCloseTo(FULL * 0.6, within());
          assertThat(zoomed.get("y").width()).isCloseTo(FULL * 0.4, within());
          assertThat(zoomed.get("y").x()).isCloseTo(10 + FULL * 0.6, within());
          for (String ancestor : List.of("all", "main")) {
            assertThat(zoomed.get(ancestor).shown()).as(ancestor).isTrue();
            assertThat(zoomed.get(ancestor).opacity()).as(ancestor).isEqualTo(0.5);
            assertThat(zoomed.get(ancestor).width()).as(ancestor).isEqualTo(FULL);
          }
          assertThat(zoomed.get("b").shown()).isFalse();
          assertThat(zoomed.get(EVIL).shown()).isFalse();
          assertThat(opacity("unzoom")).isEqualTo(1);

          // Clicking a dimmed ancestor zooms out to it: from its original size, not the stretched
          // one.
          js("__t.fireOnFrame('x', 'click')");
          js("__t.fireOnFrame('main', 'click')");
          Map<String, FrameState> main = states();
          assertThat(main.get("main").opacity()).isEqualTo(1);
          assertThat(main.get("all").opacity()).isEqualTo(0.5);
          assertThat(main.get("b").shown()).isTrue();
          assertThat(main.get("b").width()).isCloseTo(initial.get("b").width(), within());
          assertThat(main.get("a").width()).isCloseTo(initial.get("a").width(), within());

          // "Reset Zoom" restores the first layout exactly (attributes, labels, visibility).
          js("__t.fire(document.getElementById('unzoom'), 'click')");
          assertThat(states()).isEqualTo(initial);
          assertThat(opacity("unzoom")).isZero();

          // Search x|y through the "Search" button (the page prompts for the term).
          js("__t.fire(document.getElementById('search'), 'click')");
          assertThat(prompts).hasSize(1);
          assertSearched(initial, "x", "y");
          assertThat(js("__t.text('search')")).isEqualTo("Reset Search");
          js("__t.fire(document.getElementById('search'), 'click')");
          assertThat(states()).isEqualTo(initial);
          assertThat(js("__t.text('matched')")).isEqualTo(" ");

          if (format == Format.HTML) {
            // The page's own search box.
            js("document.getElementById('q').value = 'x|y'");
            js("document.querySelector('#searchform button[type=submit]').click()");
            assertSearched(initial, "x", "y");
            js("document.getElementById('qreset').click()");
            assertThat(states()).isEqualTo(initial);
          }

          // Keys, as the engine gets them from the window: Ctrl-F searches, Escape unzooms.
          // x nested in a counts once: 50%.
          answer = "^(a|x)$";
          key(KeyCode.F, true);
          assertThat(prompts).hasSize(2);
          assertSearched(initial, "a", "x");
          js("__t.fire(document.getElementById('search'), 'click')");
          // Zoomed in, the share is still of all samples.
          answer = "x|y";
          js("__t.fireOnFrame('a', 'click', 'text')"); // on the label this time
          key(KeyCode.F, true);
          assertThat(prompts).hasSize(3);
          assertSearched(initial, "x", "y");
          assertThat(states().get("b").shown()).isFalse();
          key(KeyCode.ESCAPE, false);
          assertThat(states().get("b").shown()).isTrue();
          js("__t.fire(document.getElementById('search'), 'click')");
          assertThat(states()).isEqualTo(initial);

          // The hostile name is text everywhere: in the title, and in the label once zoomed wide.
          assertThat(js("document.getElementsByTagName('script').length")).isEqualTo(1);
          js("__t.fireOnFrame(" + JSON.writeValueAsString(EVIL) + ", 'click')");
          assertThat(states().get(EVIL).label()).isEqualTo(EVIL);
          assertThat(js("document.getElementsByTagName('script').length")).isEqualTo(1);
          js("__t.fire(document.getElementById('unzoom'), 'click')");
        });
    assertThat(alerts).as("alert() calls").isEmpty();
    assertThat(errors).as("engine errors").isEmpty();
    assertThat(CONSOLE).as("script errors on the console").isEmpty();
    System.out.printf(
        "FlameGraphPageTest %s inverted=%s: %d ms%n",
        format, inverted, (System.nanoTime() - start) / 1_000_000);
  }

  /** The hooks above see what they must, else their silence would prove nothing. */
  @ParameterizedTest
  @EnumSource(Format.class)
  @Timeout(120)
  void hooksSeeListenerErrorsAndAlerts(Format format) throws Exception {
    load(render(format, false));
    FxThread.run(
        () -> {
          // An exception in an event listener goes to the console, not to the dispatcher.
          WebEngine engine = view.getEngine();
          engine.executeScript(
              "document.addEventListener('probe', function () { throw new Error('probe-error'); });"
                  + "document.dispatchEvent(new Event('probe'))");
          engine.executeScript("alert('probe-alert')");
        });
    assertThat(CONSOLE).anyMatch(m -> m.contains("probe-error"));
    assertThat(alerts).containsExactly("probe-alert");
  }

  /**
   * After a search that matches 50 of the 100 samples: exactly {@code names} highlighted, every
   * other frame in its own colour, and the share shown.
   */
  private void assertSearched(Map<String, FrameState> initial, String... names) {
    Map<String, FrameState> s = states();
    assertThat(s.entrySet().stream().filter(e -> e.getValue().fill().equals(SEARCH_COLOR)))
        .extracting(Map.Entry::getKey)
        .containsExactlyInAnyOrder(names);
    s.forEach(
        (name, f) -> {
          if (!List.of(names).contains(name)) {
            assertThat(f.fill()).as(name).isEqualTo(initial.get(name).fill());
          }
        });
    assertThat(js("__t.text('matched')")).isEqualTo("Matched: 50.0%");
  }

  private String render(Format format, boolean inverted) throws Exception {
    StackTree tree =
        FoldedParser.parse(
            new ByteArrayInputStream(FOLDED.getBytes(StandardCharsets.UTF_8)),
            OnMalformed.REJECT,
            p -> {});
    Path file = dir.resolve(format == Format.HTML ? "flame.html" : "flame.svg");
    try (OutputStream out = Files.newOutputStream(file)) {
      FlameGraphRenderer.render(tree, RenderOptions.defaults().withInverted(inverted), format, out);
    }
    return file.toUri().toString();
  }

  /** Opens {@code url} in a new WebView; returns once the load worker has SUCCEEDED. */
  private void load(String url) throws Exception {
    CONSOLE.clear();
    CompletableFuture<Void> loaded = new CompletableFuture<>();
    FxThread.run(
        () -> {
          view = new WebView();
          new Scene(view, 1200, 400);
          WebEngine engine = view.getEngine();
          // Our own profile directory: no lock shared with other WebViews on the machine.
          engine.setUserDataDirectory(dir.resolve("webview").toFile());
          engine.setOnAlert(e -> alerts.add(e.getData()));
          engine.setOnError(e -> errors.add(e.getMessage()));
          engine.setPromptHandler(
              p -> {
                prompts.add(p.getMessage());
                return answer;
              });
          engine
              .getLoadWorker()
              .stateProperty()
              .addListener(
                  (obs, old, state) -> {
                    if (state == Worker.State.SUCCEEDED) {
                      loaded.complete(null);
                    } else if (state == Worker.State.FAILED || state == Worker.State.CANCELLED) {
                      Throwable t = engine.getLoadWorker().getException();
                      loaded.completeExceptionally(
                          t != null ? t : new IllegalStateException("load " + state + ": " + url));
                    }
                  });
          engine.load(url);
        });
    loaded.get(60, TimeUnit.SECONDS);
    FxThread.run(() -> js(HELPERS));
  }

  /**
   * Runs {@code script} in the page and fails at once, with the message, if the page's script
   * reported an error meanwhile (a listener's exception never reaches executeScript's caller).
   */
  private Object js(String script) {
    Object result = view.getEngine().executeScript(script);
    assertThat(CONSOLE).as("script errors on the console after: %s", script).isEmpty();
    return result;
  }

  /** The opacity a button's style has: 0 while it does nothing, 1 while it does. */
  private double opacity(String id) {
    return ((Number) js("parseFloat(document.getElementById('" + id + "').style.opacity)"))
        .doubleValue();
  }

  private Map<String, FrameState> states() {
    return JSON.readValue((String) js("__t.states()"), new TypeReference<>() {});
  }

  /** A key press delivered to the WebView as the window would (the engine makes the keydown). */
  private void key(KeyCode code, boolean ctrl) {
    for (var type : List.of(KeyEvent.KEY_PRESSED, KeyEvent.KEY_RELEASED)) {
      view.fireEvent(new KeyEvent(type, "", code.getName(), code, false, ctrl, false, false));
    }
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(0.011);
  }
}
