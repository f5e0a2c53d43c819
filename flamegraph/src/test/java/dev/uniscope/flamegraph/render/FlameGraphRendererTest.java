package dev.uniscope.flamegraph.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniscope.flamegraph.model.StackTree;
import dev.uniscope.flamegraph.model.StackTreeBuilder;
import dev.uniscope.flamegraph.parse.FoldedParser;
import dev.uniscope.flamegraph.parse.OnMalformed;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

class FlameGraphRendererTest {
  static final String EVIL = "<script>alert(1)</script>";

  static StackTree folded(String s) throws IOException {
    return FoldedParser.parse(
        new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)), OnMalformed.REJECT, p -> {});
  }

  static Document parseXml(String svg) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    f.setNamespaceAware(true);
    return f.newDocumentBuilder().parse(new InputSource(new StringReader(svg)));
  }

  @Test
  void svgIsWellFormedAndEscapesHostileFrameNames() throws Exception {
    StackTree t =
        folded(
            "main;"
                + EVIL
                + " 10\nmain;a&b \"quoted\" 'single' 5\nmain;ctl\u0001char\u0007 3\nmain;ok 2\n");
    String svg =
        FlameGraphRenderer.svg(
            t, RenderOptions.defaults().withTitle("t <&> \"x\"").withMinWidth(0, false));
    Document doc = parseXml(svg);
    assertThat(svg).doesNotContain(EVIL).contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    // Exactly one <script> element: ours.
    assertThat(doc.getElementsByTagNameNS("*", "script").getLength()).isEqualTo(1);
    List<String> titles = new ArrayList<>();
    NodeList nl = doc.getElementsByTagNameNS("*", "title");
    for (int i = 0; i < nl.getLength(); i++) {
      titles.add(nl.item(i).getTextContent());
    }
    assertThat(titles)
        .contains(EVIL + " (10 samples, 50.00%, self 10)")
        .contains("a&b \"quoted\" 'single' (5 samples, 25.00%, self 5)")
        .contains("all (20 samples, 100%)");
    assertThat(titles).anyMatch(s -> s.startsWith("ctl\uFFFDchar\uFFFD"));
    assertThat(svg).contains(">t &lt;&amp;&gt; &quot;x&quot;</text>");
  }

  @Test
  void htmlEmbedsTheSameEscapedSvgAndTheScript() throws IOException {
    StackTree t = folded("main;" + EVIL + " 10\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FlameGraphRenderer.render(
        t, RenderOptions.defaults().withTitle(EVIL), FlameGraphRenderer.Format.HTML, out);
    String html = out.toString(StandardCharsets.UTF_8);
    assertThat(html).startsWith("<!DOCTYPE html>").doesNotContain(EVIL);
    assertThat(html).contains("<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>");
    assertThat(html).contains("function search(term)").contains("<input id=\"q\"");
  }

  @Test
  void framesAreLaidOutLikeFlamegraphPl() throws Exception {
    StackTree t = folded("a;b 3\na;c 1\n");
    String svg = FlameGraphRenderer.svg(t, RenderOptions.defaults());
    parseXml(svg);
    // Root spans the full usable width; a child's width is proportional to its samples.
    assertThat(rectWidth(svg, "all")).isEqualTo(1180.0);
    assertThat(rectWidth(svg, "b")).isEqualTo(885.0);
    assertThat(rectWidth(svg, "c")).isEqualTo(295.0);
    // Height = (max depth + 1) * 16 + 36 + 34; a flame graph has the root at the bottom.
    assertThat(svg).contains("height=\"118\"");
    String icicle = FlameGraphRenderer.svg(t, RenderOptions.defaults().withInverted(true));
    assertThat(icicle).contains(">Icicle Graph</text>").contains("data-inverted=\"1\"");
  }

  @Test
  void minWidthPrunesNarrowFrames() throws IOException {
    StringBuilder s = new StringBuilder("big 100000\n");
    for (int i = 0; i < 500; i++) {
      s.append("tiny").append(i).append(" 1\n");
    }
    StackTree t = folded(s.toString());
    String pruned = FlameGraphRenderer.svg(t, RenderOptions.defaults());
    String all = FlameGraphRenderer.svg(t, RenderOptions.defaults().withMinWidth(0, false));
    assertThat(count(pruned, "<g class=\"f\">")).isEqualTo(2);
    assertThat(count(all, "<g class=\"f\">")).isEqualTo(502);
    String pct = FlameGraphRenderer.svg(t, RenderOptions.defaults().withMinWidth(50, true));
    assertThat(count(pct, "<g class=\"f\">")).isEqualTo(2);
  }

  @Test
  void differentialColoursRedForGrowthBlueForShrinkage() throws IOException {
    StackTree t = folded("m;grew 10 30\nm;shrank 30 10\nm;same 5 5\n");
    String svg = FlameGraphRenderer.svg(t, RenderOptions.defaults());
    assertThat(fill(svg, "grew")).isEqualTo("rgb(255,0,0)");
    assertThat(fill(svg, "shrank")).isEqualTo("rgb(0,0,255)");
    assertThat(fill(svg, "same")).isEqualTo("rgb(255,255,255)");
    assertThat(svg).contains("grew (30 samples, 66.67%, self 30; +44.44%)");
    RenderOptions negate =
        new RenderOptions(
            null,
            null,
            1200,
            16,
            12,
            0.59,
            "Verdana",
            0.1,
            false,
            "samples",
            "Function:",
            dev.uniscope.flamegraph.color.Palette.HOT,
            false,
            true,
            false,
            0,
            1.0,
            null);
    String neg = FlameGraphRenderer.svg(t, negate);
    assertThat(fill(neg, "grew")).isEqualTo("rgb(0,0,255)");
  }

  @Test
  void emptyInputGivesAnErrorSvg() throws Exception {
    String svg = FlameGraphRenderer.svg(new StackTreeBuilder().build(), RenderOptions.defaults());
    parseXml(svg);
    assertThat(svg).contains("ERROR: No valid input.");
  }

  static double rectWidth(String svg, String name) {
    Matcher m =
        Pattern.compile(
                "<title>" + Pattern.quote(name) + " \\([^<]*</title><rect [^>]*width=\"([0-9.]+)\"")
            .matcher(svg);
    assertThat(m.find()).as("frame " + name).isTrue();
    return Double.parseDouble(m.group(1));
  }

  static String fill(String svg, String name) {
    Matcher m =
        Pattern.compile(
                "<title>" + Pattern.quote(name) + " \\([^<]*</title><rect [^>]*fill=\"([^\"]+)\"")
            .matcher(svg);
    assertThat(m.find()).as("frame " + name).isTrue();
    return m.group(1);
  }

  static int count(String s, String needle) {
    int n = 0;
    for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  @Test
  void totalFactorAndNotesBehaveLikeFlamegraphPl() throws Exception {
    StackTree t = folded("a;b 3\na;c 1\n");
    RenderOptions d = RenderOptions.defaults();
    RenderOptions o =
        new RenderOptions(
            null,
            null,
            1200,
            16,
            12,
            0.59,
            "Verdana",
            0.1,
            false,
            "ms",
            "Function:",
            dev.uniscope.flamegraph.color.Palette.HOT,
            false,
            false,
            false,
            8,
            2.5,
            "built <by> test");
    String svg = FlameGraphRenderer.svg(t, o);
    parseXml(svg);
    // --total 8 with 4 actual samples: frames take half the width; the root still spans it all.
    assertThat(rectWidth(svg, "all")).isEqualTo(1180.0);
    assertThat(rectWidth(svg, "a")).isEqualTo(590.0);
    // --factor 2.5 scales the counts shown, not the percentages (of the --total).
    assertThat(svg).contains("<title>b (8 ms, 37.50%, self 8)</title>");
    assertThat(svg).contains("<desc id=\"notes\">built &lt;by&gt; test</desc>");
    assertThat(d.total()).isZero();
  }
}
