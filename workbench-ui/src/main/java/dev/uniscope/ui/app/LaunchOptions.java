package dev.uniscope.ui.app;

import java.nio.file.Path;
import java.util.List;

/**
 * The desktop app's command line: {@code [CAPTURE|FOLDED] [--kernel ELF] [--app NAME] [--transport
 * vsock|serial] [--screenshot PNG]}. Without a file the app boots the kernel live with {@code app}.
 *
 * @param input a capture file or a folded-stacks file to open instead of booting, or null
 * @param kernel the kernel ELF (null: the shipped image)
 * @param app the built-in app to boot live
 * @param vsock live trace over virtio-vsock (the default: its sender costs the guest little, so the
 *     live profile shows the app rather than the serial sender) instead of COM2
 * @param screenshot write the window to this PNG once its content is ready, then exit (or null)
 */
public record LaunchOptions(Path input, Path kernel, String app, boolean vsock, Path screenshot) {
  public static final String DEFAULT_APP = "kvstore";

  public static final String USAGE =
      """
      usage: uniscope ui [CAPTURE|FOLDED] [--kernel ELF] [--app NAME] [--transport T]
                         [--screenshot PNG]
        CAPTURE|FOLDED   open a capture file (.uscope) or a folded-stacks file instead of booting
        --kernel ELF     kernel image (default: the shipped kernel/build/uniscope.elf)
        --app NAME       built-in app to boot live (default: kvstore)
        --transport T    live trace channel: vsock (default) or serial (COM2)
        --screenshot PNG render the window once its content is ready, write PNG (and PNG.json), exit
      """;

  /** A command line the app cannot run; the message names what is wrong. */
  public static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
      super(message);
    }
  }

  public LaunchOptions {
    if (app == null || !app.matches("[A-Za-z0-9_]{1,32}")) {
      throw new IllegalArgumentException("app name '" + app + "' is not [A-Za-z0-9_]{1,32}");
    }
  }

  public static LaunchOptions parse(List<String> args) throws UsageException {
    Path input = null;
    Path kernel = null;
    String app = DEFAULT_APP;
    boolean vsock = true;
    Path screenshot = null;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      switch (a) {
        case "--kernel" -> kernel = Path.of(value(args, ++i, a));
        case "--app" -> app = value(args, ++i, a);
        case "--transport" -> {
          String t = value(args, ++i, a);
          if (!t.equals("vsock") && !t.equals("serial")) {
            throw new UsageException("--transport is vsock or serial, not '" + t + "'");
          }
          vsock = t.equals("vsock");
        }
        case "--screenshot" -> screenshot = Path.of(value(args, ++i, a));
        case "-h", "--help" -> throw new UsageException("");
        default -> {
          if (a.startsWith("-")) {
            throw new UsageException("unknown option " + a);
          }
          if (input != null) {
            throw new UsageException("only one file can be opened, got " + input + " and " + a);
          }
          input = Path.of(a);
        }
      }
    }
    try {
      return new LaunchOptions(input, kernel, app, vsock, screenshot);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private static String value(List<String> args, int i, String option) throws UsageException {
    if (i >= args.size() || args.get(i).startsWith("--")) {
      throw new UsageException(option + " needs a value");
    }
    return args.get(i);
  }
}
