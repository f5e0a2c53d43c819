package dev.uniscope.flamegraph.parse;

/** What a parser does with a line it cannot use. */
public enum OnMalformed {
  /** Report it and go on, like the Perl tools. */
  SKIP,
  /** Stop with a {@link MalformedInputException} naming the line. */
  REJECT
}
