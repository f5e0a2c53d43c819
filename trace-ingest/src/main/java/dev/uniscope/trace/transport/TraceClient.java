package dev.uniscope.trace.transport;

import dev.uniscope.trace.capture.LiveCapture;
import dev.uniscope.trace.command.Command;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Connects to the kernel's data channel (a QEMU chardev in server mode, TCP or Unix socket) and
 * records it: {@code FrameDecoder -> CommandHandler -> CaptureHandler}. Uses epoll when available,
 * else NIO.
 */
public final class TraceClient {
  private TraceClient() {}

  /** The inbound/outbound handlers of a data channel, shared by client and listener. */
  static void pipeline(Channel ch, LiveCapture capture) {
    ch.pipeline()
        .addLast(new FrameDecoder(), new CommandHandler(capture), new CaptureHandler(capture));
  }

  /**
   * Connects and starts recording into {@code capture}.
   *
   * @param sendInfo send INFO right away so a kernel that booted earlier repeats its hello
   */
  public static TraceConnection connect(
      TraceEndpoint endpoint, LiveCapture capture, boolean sendInfo, int connectTimeoutMillis)
      throws IOException {
    boolean epoll = Epoll.isAvailable();
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    try {
      Bootstrap b =
          new Bootstrap()
              .group(group)
              .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
              .handler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      pipeline(ch, capture);
                    }
                  });
      SocketAddress address;
      switch (endpoint) {
        case TraceEndpoint.Tcp t -> {
          b.channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class);
          address = new InetSocketAddress(t.host(), t.port());
        }
        case TraceEndpoint.Unix u -> {
          b.channel(epoll ? EpollDomainSocketChannel.class : NioDomainSocketChannel.class);
          address =
              epoll
                  ? new DomainSocketAddress(u.path().toFile())
                  : UnixDomainSocketAddress.of(u.path());
        }
      }
      var future = b.connect(address).awaitUninterruptibly();
      if (!future.isSuccess()) {
        throw new IOException(
            "cannot connect to " + endpoint + ": " + future.cause(), future.cause());
      }
      TraceConnection c =
          new TraceConnection(
              future.channel(),
              () -> group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly(),
              capture);
      if (sendInfo) {
        c.send(Command.info());
      }
      return c;
    } catch (IOException | RuntimeException e) {
      group.shutdownGracefully();
      throw e;
    }
  }
}
