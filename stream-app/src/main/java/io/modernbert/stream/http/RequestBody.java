package io.modernbert.stream.http;

import io.vertx.ext.web.RoutingContext;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A request body as text, decoded strictly: invalid UTF-8 answers 400 instead of becoming U+FFFD
 * replacement characters in what we embed or produce to Kafka.
 */
final class RequestBody {
  private RequestBody() {}

  /** The body as UTF-8 text; empty when there is none. */
  static String utf8(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().buffer() == null) {
      return "";
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(ctx.body().buffer().getBytes()))
          .toString();
    } catch (CharacterCodingException e) {
      throw new HttpError(400, "Validation", "the request body is not valid UTF-8");
    }
  }
}
