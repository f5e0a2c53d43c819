package dev.uniscope.flamegraph.render;

import dev.uniscope.flamegraph.color.Palette;
import dev.uniscope.flamegraph.model.StackTreeBuilder;
import java.io.StringReader;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.xml.sax.InputSource;

/** Whatever the frame names and titles, the SVG parses as XML. */
class SvgWellFormedPropertiesTest {

  @Provide
  Arbitrary<List<List<String>>> stacks() {
    Arbitrary<String> name =
        Arbitraries.oneOf(
            Arbitraries.strings().all().ofMaxLength(30),
            Arbitraries.of("<script>alert(1)</script>", "a&b", "\"'", "]]>", "\u0000\u001f"));
    return name.list().ofMinSize(1).ofMaxSize(6).list().ofMinSize(1).ofMaxSize(20);
  }

  @Property(tries = 300)
  void svgIsAlwaysWellFormed(
      @ForAll("stacks") List<List<String>> stacks,
      @ForAll("stacks") List<List<String>> titles,
      @ForAll boolean inverted)
      throws Exception {
    StackTreeBuilder b = new StackTreeBuilder();
    for (List<String> s : stacks) {
      b.add(s, 1 + s.size());
    }
    RenderOptions o =
        new RenderOptions(
            titles.get(0).get(0),
            titles.get(0).get(titles.get(0).size() - 1),
            1200,
            16,
            12,
            0.59,
            titles.getLast().get(0),
            0,
            false,
            titles.getLast().getLast(),
            "Function:",
            Palette.MODULE,
            inverted,
            false,
            false,
            0,
            1.0,
            titles.get(0).getLast());
    String svg = FlameGraphRenderer.svg(b.build(), o);
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    f.newDocumentBuilder().parse(new InputSource(new StringReader(svg)));
  }
}
