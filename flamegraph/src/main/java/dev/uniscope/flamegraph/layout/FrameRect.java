package dev.uniscope.flamegraph.layout;

/**
 * One frame to draw.
 *
 * @param node the tree node
 * @param depth 0 for the root ("all"); a flame graph draws it at the bottom, an icicle at the top
 * @param x left edge in pixels
 * @param width width in pixels
 * @param label the frame name (unescaped: escape it for markup)
 * @param colorKey the fill as 0xRRGGBB, from the colour scheme
 * @param samples samples in the frame's subtree (what the width shows)
 * @param self samples ending in the frame itself
 */
public record FrameRect(
    int node,
    int depth,
    double x,
    double width,
    String label,
    int colorKey,
    long samples,
    long self) {}
