package io.modernbert.stream.http;

import java.util.Set;

/**
 * What one HTTP request may carry, and who may send it.
 *
 * @param maxBodyBytes larger bodies answer 413
 * @param maxItems more documents in one request answer 413
 * @param maxDocumentBytes a longer text (UTF-8 bytes) answers 413
 * @param maxInFlight more concurrent requests answer 429
 * @param apiKeys accepted keys ({@code Authorization: Bearer KEY} or {@code X-API-Key: KEY});
 *     empty: no keys needed
 */
public record HttpLimits(
    long maxBodyBytes, int maxItems, int maxDocumentBytes, int maxInFlight, Set<String> apiKeys) {
  public HttpLimits {
    apiKeys = Set.copyOf(apiKeys);
  }

  public static HttpLimits defaults() {
    return new HttpLimits(16L << 20, 1000, 1 << 20, 256, Set.of());
  }

  public HttpLimits withApiKeys(Set<String> keys) {
    return new HttpLimits(maxBodyBytes, maxItems, maxDocumentBytes, maxInFlight, keys);
  }

  public HttpLimits withMaxInFlight(int value) {
    return new HttpLimits(maxBodyBytes, maxItems, maxDocumentBytes, value, apiKeys);
  }

  public HttpLimits withMaxBodyBytes(long value) {
    return new HttpLimits(value, maxItems, maxDocumentBytes, maxInFlight, apiKeys);
  }

  public HttpLimits withMaxDocumentBytes(int value) {
    return new HttpLimits(maxBodyBytes, maxItems, value, maxInFlight, apiKeys);
  }

  public HttpLimits withMaxItems(int value) {
    return new HttpLimits(maxBodyBytes, value, maxDocumentBytes, maxInFlight, apiKeys);
  }
}
