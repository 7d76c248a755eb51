package io.modernbert.stream.http;

/**
 * What one HTTP request may carry and cost. Who may send it is in {@link HttpSettings}.
 *
 * @param maxBodyBytes larger bodies answer 413 (by Content-Length, before reading, when given)
 * @param maxItems more documents or inputs in one request answer 413
 * @param maxDocumentBytes a longer text (UTF-8 bytes) answers 413
 * @param maxInFlight more concurrent requests (counted once their body is complete) answer 429
 * @param maxTokenizeTokens {@code /tokenize}: more tokens in all answer 413 (each token is about 70
 *     bytes of JSON in the answer)
 * @param maxDecodeIds {@code /decode}: more token ids in all answer 413
 * @param maxEmbedAllValues {@code /embed_all}: more floats in the answer (tokens times hidden size)
 *     answer 413
 */
public record HttpLimits(
    long maxBodyBytes,
    int maxItems,
    int maxDocumentBytes,
    int maxInFlight,
    int maxTokenizeTokens,
    int maxDecodeIds,
    int maxEmbedAllValues) {

  public static HttpLimits defaults() {
    return new HttpLimits(16L << 20, 1000, 1 << 20, 256, 1 << 16, 1 << 16, 1 << 21);
  }

  /**
   * The body limit of {@code /tokenize}: 8 bytes per allowed token (natural text of any script
   * averages well under that), so a body that could only answer 413 after tokenizing is refused by
   * its Content-Length, before it is read (512 KiB by default).
   */
  public long maxTokenizeBodyBytes() {
    return Math.min(maxBodyBytes, 8L * maxTokenizeTokens + 4096);
  }

  /** The body limit of {@code /decode}: {@link #maxDecodeIds} ids of up to 15 characters each. */
  public long maxDecodeBodyBytes() {
    return Math.min(maxBodyBytes, 16L * maxDecodeIds + 4096);
  }

  public HttpLimits withMaxInFlight(int value) {
    return new HttpLimits(
        maxBodyBytes,
        maxItems,
        maxDocumentBytes,
        value,
        maxTokenizeTokens,
        maxDecodeIds,
        maxEmbedAllValues);
  }

  public HttpLimits withMaxBodyBytes(long value) {
    return new HttpLimits(
        value,
        maxItems,
        maxDocumentBytes,
        maxInFlight,
        maxTokenizeTokens,
        maxDecodeIds,
        maxEmbedAllValues);
  }

  public HttpLimits withMaxDocumentBytes(int value) {
    return new HttpLimits(
        maxBodyBytes,
        maxItems,
        value,
        maxInFlight,
        maxTokenizeTokens,
        maxDecodeIds,
        maxEmbedAllValues);
  }

  public HttpLimits withMaxItems(int value) {
    return new HttpLimits(
        maxBodyBytes,
        value,
        maxDocumentBytes,
        maxInFlight,
        maxTokenizeTokens,
        maxDecodeIds,
        maxEmbedAllValues);
  }

  public HttpLimits withMaxTokenizeTokens(int value) {
    return new HttpLimits(
        maxBodyBytes,
        maxItems,
        maxDocumentBytes,
        maxInFlight,
        value,
        maxDecodeIds,
        maxEmbedAllValues);
  }

  public HttpLimits withMaxEmbedAllValues(int value) {
    return new HttpLimits(
        maxBodyBytes,
        maxItems,
        maxDocumentBytes,
        maxInFlight,
        maxTokenizeTokens,
        maxDecodeIds,
        value);
  }
}
