package io.modernbert.stream.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server answering the one Schema Registry call the registry formats make ({@code GET
 * /schemas/ids/{id}}) with the schemas it was given, after answering {@code 429 Too Many Requests}
 * to the first {@code rateLimited} requests, as a registry under load does. No Docker needed.
 */
public final class StubRegistry implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final Map<Integer, String> schemas;
  private final AtomicInteger refusalsLeft;
  final AtomicInteger refused = new AtomicInteger();
  final AtomicInteger served = new AtomicInteger();

  public StubRegistry(Map<Integer, String> schemas, int rateLimited) throws IOException {
    this.schemas = Map.copyOf(schemas);
    this.refusalsLeft = new AtomicInteger(rateLimited);
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/schemas/ids/", this::schemaById);
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void schemaById(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (refusalsLeft.getAndDecrement() > 0) {
        refused.incrementAndGet();
        answer(exchange, 429, "{\"error_code\":429,\"message\":\"rate limited\"}");
        return;
      }
      String path = exchange.getRequestURI().getPath();
      String schema = schemas.get(Integer.parseInt(path.substring(path.lastIndexOf('/') + 1)));
      if (schema == null) {
        answer(exchange, 404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
        return;
      }
      served.incrementAndGet();
      answer(exchange, 200, JSON.createObjectNode().put("schema", schema).toString());
    }
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
