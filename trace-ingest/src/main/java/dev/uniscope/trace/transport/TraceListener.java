package dev.uniscope.trace.transport;

import dev.uniscope.trace.capture.LiveCapture;
import dev.uniscope.trace.command.Command;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The other direction: the workbench listens and QEMU connects ({@code -chardev
 * socket,path=...,server=off}), so there is no race between starting QEMU and attaching. Accepts
 * exactly one connection (later ones are closed). Unix sockets are created in a fresh 0700
 * directory and made 0600; TCP binds to the given (loopback) address.
 */
public final class TraceListener implements AutoCloseable {
  private final EventLoopGroup group;
  private final Channel server;
  private final CompletableFuture<TraceConnection> accepted = new CompletableFuture<>();
  private final SocketAddress bound;

  private TraceListener(TraceEndpoint endpoint, LiveCapture capture, boolean sendInfo)
      throws IOException {
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    ServerBootstrap b =
        new ServerBootstrap()
            .group(group)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    if (accepted.isDone()) {
                      ch.close();
                      return;
                    }
                    TraceClient.pipeline(ch, capture);
                    TraceConnection c =
                        new TraceConnection(ch, TraceListener.this::shutdown, capture);
                    accepted.complete(c);
                    if (sendInfo) {
                      ch.eventLoop().execute(() -> c.send(Command.info()));
                    }
                  }
                });
    SocketAddress address;
    switch (endpoint) {
      case TraceEndpoint.Tcp t -> {
        b.channel(NioServerSocketChannel.class);
        address = new InetSocketAddress(t.host(), t.port());
      }
      case TraceEndpoint.Unix u -> {
        b.channel(NioServerDomainSocketChannel.class);
        address = UnixDomainSocketAddress.of(u.path());
      }
    }
    var f = b.bind(address).awaitUninterruptibly();
    if (!f.isSuccess()) {
      group.shutdownGracefully();
      throw new IOException("cannot listen on " + endpoint + ": " + f.cause(), f.cause());
    }
    server = f.channel();
    bound = server.localAddress();
    if (endpoint instanceof TraceEndpoint.Unix u) {
      Files.setPosixFilePermissions(u.path(), PosixFilePermissions.fromString("rw-------"));
    }
  }

  /**
   * Listens on {@code endpoint}. For a Unix socket, pass a path inside a directory only this user
   * can enter (see {@link #privateSocketPath}).
   */
  public static TraceListener listen(TraceEndpoint endpoint, LiveCapture capture, boolean sendInfo)
      throws IOException {
    return new TraceListener(endpoint, capture, sendInfo);
  }

  /** A socket path inside a new 0700 temporary directory. */
  public static Path privateSocketPath(String name) throws IOException {
    Path dir =
        Files.createTempDirectory(
            "uniscope-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    return dir.resolve(name);
  }

  /** The bound address (the TCP port when 0 was asked). */
  public SocketAddress address() {
    return bound;
  }

  /** Completes when the peer connects. */
  public CompletableFuture<TraceConnection> accepted() {
    return accepted;
  }

  /** Stops listening; an accepted connection stays open (close it separately). */
  @Override
  public void close() {
    if (group.isShuttingDown()) {
      return; // the accepted connection was closed, and took the server socket with it
    }
    server.close().syncUninterruptibly();
    if (!accepted.isDone()) {
      accepted.completeExceptionally(new IOException("listener closed before a connection"));
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }
  }

  /** Shuts the event loop down; called by the accepted connection's close. */
  void shutdown() {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
