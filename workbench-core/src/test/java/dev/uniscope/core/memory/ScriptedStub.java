package dev.uniscope.core.memory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A minimal QEMU-like gdb stub on loopback TCP for {@link LiveMemory} unit tests: the handshake,
 * {@code qRcmd} (answers {@code info mtree -f}), {@code Qqemu.PhyMemMode}, {@code m} on a {@link
 * PhysicalBytes} in physical mode, {@code p} for cr0/cr3/cr4, and {@code vCont;c} stopped by 0x03.
 * Every packet it receives is recorded.
 */
final class ScriptedStub implements AutoCloseable {
  static final String TARGET_XML =
      "<?xml version=\"1.0\"?><target><architecture>i386:x86-64</architecture>"
          + "<feature name=\"org.gnu.gdb.i386.core\">"
          + "<reg name=\"rip\" bitsize=\"64\" type=\"code_ptr\" regnum=\"0\"/>"
          + "<reg name=\"cr0\" bitsize=\"64\"/><reg name=\"cr3\" bitsize=\"64\"/>"
          + "<reg name=\"cr4\" bitsize=\"64\"/></feature></target>";

  final PhysicalBytes memory;
  final long cr3;
  final String mtree;
  final List<String> packets = new CopyOnWriteArrayList<>();
  final List<Long> failingAddresses = new CopyOnWriteArrayList<>();
  private final ServerSocket server;
  private final Thread thread;
  private volatile boolean physicalMode;
  private volatile boolean running;

  ScriptedStub(PhysicalBytes memory, long cr3, String mtree) throws IOException {
    this.memory = memory;
    this.cr3 = cr3;
    this.mtree = mtree;
    this.server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    this.thread = Thread.ofPlatform().daemon().name("scripted-stub").start(this::serve);
  }

  int port() {
    return server.getLocalPort();
  }

  private void serve() {
    try (Socket s = server.accept();
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream()) {
      while (true) {
        int c = in.read();
        if (c < 0) {
          return;
        }
        if (c == 0x03) {
          if (running) {
            running = false;
            send(out, "T02thread:p01.01;");
          }
          continue;
        }
        if (c != '$') {
          continue; // acks
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while ((c = in.read()) != '#') {
          if (c < 0) {
            return;
          }
          body.write(c);
        }
        in.read();
        in.read();
        out.write('+');
        String p = body.toString(StandardCharsets.ISO_8859_1);
        packets.add(p);
        String reply = answer(p);
        if (reply != null) {
          send(out, reply);
        }
      }
    } catch (IOException e) {
      // The client went away: the test is over.
    }
  }

  private String answer(String p) {
    if (p.startsWith("qSupported")) {
      return "PacketSize=1000;qXfer:features:read+;vContSupported+;multiprocess+";
    }
    if (p.equals("?")) {
      return "T05thread:p01.01;";
    }
    if (p.startsWith("qXfer:features:read:target.xml:")) {
      int offset = Integer.parseInt(p.substring(p.lastIndexOf(':') + 1, p.indexOf(',')), 16);
      return offset >= TARGET_XML.length() ? "l" : "l" + TARGET_XML.substring(offset);
    }
    if (p.equals("vCont?")) {
      return "vCont;c;C;s;S";
    }
    if (p.startsWith("Hg")) {
      return "OK";
    }
    if (p.startsWith("Qqemu.PhyMemMode:")) {
      physicalMode = p.endsWith("1");
      return "OK";
    }
    if (p.startsWith("qRcmd,")) {
      String cmd = new String(HexFormat.of().parseHex(p.substring(6)), StandardCharsets.UTF_8);
      if (cmd.equals("info mtree -f")) {
        return "O" + HexFormat.of().formatHex(mtree.getBytes(StandardCharsets.UTF_8)) + "\0OK";
      }
      return "OK";
    }
    if (p.startsWith("p")) {
      long v =
          switch (Integer.parseInt(p.substring(1), 16)) {
            case 1 -> 0x80050033L;
            case 2 -> cr3;
            case 3 -> 0x3606e0L;
            default -> 0;
          };
      byte[] b = new byte[8];
      for (int i = 0; i < 8; i++) {
        b[i] = (byte) (v >>> (8 * i));
      }
      return HexFormat.of().formatHex(b);
    }
    if (p.startsWith("m")) {
      String[] f = p.substring(1).split(",");
      long address = Long.parseUnsignedLong(f[0], 16);
      int length = Integer.parseInt(f[1], 16);
      if (!physicalMode || failingAddresses.contains(address)) {
        return "E14";
      }
      return HexFormat.of().formatHex(memory.bytes, (int) address, (int) address + length);
    }
    if (p.startsWith("vCont;c") || p.equals("c")) {
      running = true;
      return null;
    }
    return "";
  }

  /** The console packet and the final reply are separate packets. */
  private static void send(OutputStream out, String reply) throws IOException {
    for (String part : reply.split("\0")) {
      int sum = 0;
      for (byte b : part.getBytes(StandardCharsets.ISO_8859_1)) {
        sum += b & 0xff;
      }
      out.write(
          ("$" + part + "#" + String.format("%02x", sum & 0xff))
              .getBytes(StandardCharsets.ISO_8859_1));
    }
    out.flush();
  }

  @Override
  public void close() throws IOException {
    server.close();
    thread.interrupt();
  }
}
