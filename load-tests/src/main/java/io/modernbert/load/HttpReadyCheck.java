package io.modernbert.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Ready when {@code GET url} answers 200. For the service that is {@code /ready}, which answers 200
 * once Kafka Streams is RUNNING, the model has warmed its serving shapes, the batch scheduler runs
 * and the HTTP publisher is healthy (stream-app's HttpService), and 503 before. The JDK's client is
 * enough for one request every fraction of a second.
 */
final class HttpReadyCheck implements ReadyCheck {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);

  private final URI url;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();
  private String lastAnswer = "no answer yet";

  HttpReadyCheck(URI url) {
    this.url = url;
  }

  @Override
  public String describe() {
    return "GET " + url + " answers 200";
  }

  @Override
  public boolean poll() throws InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(url).timeout(REQUEST_TIMEOUT).GET().build();
    try {
      int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
      lastAnswer = Integer.toString(status);
      return status == 200;
    } catch (IOException e) {
      // Not up yet (connection refused) or too busy to answer: ask again.
      lastAnswer = e.getClass().getSimpleName();
      return false;
    }
  }

  @Override
  public String lastAnswer() {
    return lastAnswer;
  }
}
