package io.modernbert.stream.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Arrays;

/** Finds ports that are free on the loopback interface. */
final class LoopbackPorts {

  private LoopbackPorts() {}

  /**
   * A port that was free a moment ago. The socket is closed before Kafka binds the port, so another
   * process could take it in between; {@link EmbeddedKafka} retries in that case.
   */
  static int freePort() {
    try (ServerSocket socket =
        new ServerSocket(0, 1, InetAddress.getByName(SingleNodeBrokerConfig.HOST))) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + SingleNodeBrokerConfig.HOST, e);
    }
  }

  /**
   * Fails fast, with one clear line, when a fixed port is taken (typically by another Kafka on
   * 9092), instead of letting the half-started server log three stack traces about it.
   */
  static void requireFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(
          new InetSocketAddress(InetAddress.getByName(SingleNodeBrokerConfig.HOST), port), 1);
    } catch (BindException e) {
      throw new IllegalStateException(
          "port "
              + SingleNodeBrokerConfig.HOST
              + ":"
              + port
              + " is already in use (another Kafka broker?); stop it or choose another port",
          e);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot check port " + SingleNodeBrokerConfig.HOST + ":" + port, e);
    }
  }

  /** A free port other than those {@code taken}, for another listener of the same server. */
  static int freePortOtherThan(int... taken) {
    while (true) {
      int port = freePort();
      if (Arrays.stream(taken).noneMatch(t -> t == port)) {
        return port;
      }
    }
  }
}
