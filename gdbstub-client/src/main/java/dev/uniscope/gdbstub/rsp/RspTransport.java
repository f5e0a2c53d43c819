package dev.uniscope.gdbstub.rsp;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

/**
 * The shared event loop and the channel types. NIO serves both TCP and Unix sockets (JDK 16+ domain
 * sockets), so no native library is needed.
 */
public final class RspTransport {

  private static volatile EventLoopGroup group;

  private RspTransport() {}

  /** One small daemon event-loop group for every RSP channel in the process. */
  public static EventLoopGroup group() {
    EventLoopGroup g = group;
    if (g == null) {
      synchronized (RspTransport.class) {
        g = group;
        if (g == null) {
          g =
              new MultiThreadIoEventLoopGroup(
                  2, new DefaultThreadFactory("uniscope-rsp", true), NioIoHandler.newFactory());
          group = g;
        }
      }
    }
    return g;
  }

  static Class<? extends Channel> channelType(RspEndpoint ep) {
    return switch (ep) {
      case RspEndpoint.Unix u -> NioDomainSocketChannel.class;
      case RspEndpoint.Tcp t -> NioSocketChannel.class;
    };
  }

  public static Class<? extends ServerChannel> serverChannelType(RspEndpoint ep) {
    return switch (ep) {
      case RspEndpoint.Unix u -> NioServerDomainSocketChannel.class;
      case RspEndpoint.Tcp t -> NioServerSocketChannel.class;
    };
  }

  public static SocketAddress address(RspEndpoint ep) {
    return switch (ep) {
      case RspEndpoint.Unix u -> UnixDomainSocketAddress.of(u.path());
      case RspEndpoint.Tcp t -> new InetSocketAddress(t.host(), t.port());
    };
  }
}
