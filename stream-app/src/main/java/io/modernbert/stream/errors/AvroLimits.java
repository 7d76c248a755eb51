package io.modernbert.stream.errors;

import org.apache.avro.SystemLimitException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Avro's decoder limits ({@code org.apache.avro.limits.*}) for the input: the longest string, bytes
 * value and collection a record may claim. Without them a length prefix of 2 GiB in a 100-byte
 * record makes Avro allocate the claimed size before it finds out the bytes are missing (strings,
 * bytes), or pre-size a map or array from the claimed count: an OutOfMemoryError, which no
 * exception handler sees, and the stream thread dies on the same offset again and again.
 *
 * <p>Avro reads these system properties once, when {@link SystemLimitException} is initialized, so
 * they are JVM-wide and must be set before the first decode: the application calls {@link #apply}
 * when it builds its topology (before Kafka Streams reads a record), tests call it too. A later
 * call cannot change them; {@link #apply} says so in the log rather than pretend.
 *
 * <p>The limit is the larger of {@code --max-document-bytes} and 1 MiB (the broker's default record
 * size): no valid input holds a longer string, and a limit equal to the document limit would turn
 * some over-long texts into a decoder error instead of the clearer TOO_LARGE check. Collections get
 * the same number of items: every encoded item takes at least one byte.
 */
public final class AvroLimits {
  private static final Logger LOG = LoggerFactory.getLogger(AvroLimits.class);

  /** Below this the limit is never set: a default broker cannot deliver a larger record anyway. */
  static final int FLOOR_BYTES = 1 << 20;

  private AvroLimits() {}

  /** The limit {@link #apply} sets for {@code maxDocumentBytes}. */
  public static int limitFor(int maxDocumentBytes) {
    return Math.max(FLOOR_BYTES, maxDocumentBytes);
  }

  /**
   * Sets the limits for {@code maxDocumentBytes} unless an operator set them on the command line
   * ({@code -Dorg.apache.avro.limits...}), and returns whether Avro now enforces a bound no larger
   * than wanted.
   */
  public static synchronized boolean apply(int maxDocumentBytes) {
    String limit = Integer.toString(limitFor(maxDocumentBytes));
    for (String property :
        new String[] {
          SystemLimitException.MAX_STRING_LENGTH_PROPERTY,
          SystemLimitException.MAX_BYTES_LENGTH_PROPERTY,
          SystemLimitException.MAX_COLLECTION_LENGTH_PROPERTY
        }) {
      if (System.getProperty(property) == null) {
        System.setProperty(property, limit);
      }
    }
    // Touching the class initializes it now, with the properties above (or with whatever an
    // earlier decode fixed); probing one past the limit tells which.
    boolean enforced = rejects(limitFor(maxDocumentBytes) + 1L);
    if (!enforced) {
      LOG.warn(
          "Avro's decoder limits were fixed before they could be set to {} bytes (a decode ran"
              + " earlier in this JVM, or -Dorg.apache.avro.limits... is larger)",
          limit);
    }
    return enforced;
  }

  private static boolean rejects(long length) {
    return throwsLimit(() -> SystemLimitException.checkMaxStringLength(length))
        && throwsLimit(() -> SystemLimitException.checkMaxBytesLength(length))
        && throwsLimit(() -> SystemLimitException.checkMaxCollectionLength(0, length));
  }

  private static boolean throwsLimit(Runnable check) {
    try {
      check.run();
      return false;
    } catch (SystemLimitException expected) {
      return true;
    }
  }
}
