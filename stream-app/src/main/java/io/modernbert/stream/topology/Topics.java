package io.modernbert.stream.topology;

import io.modernbert.schemas.DeadLetter;
import io.modernbert.schemas.Document;
import io.modernbert.schemas.Embedding;
import io.modernbert.schemas.Labels;
import io.modernbert.schemas.Serdes;
import io.modernbert.stream.config.AppConfig;
import io.modernbert.stream.errors.DocumentDeserializer;
import io.modernbert.stream.config.InputSpec;
import io.modernbert.stream.formats.JsonDocumentDeserializer;
import io.modernbert.stream.formats.JsonRecordSerializer;
import io.modernbert.stream.formats.StringDocumentDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;

/**
 * The topics of the application, each with its key and value serde, in one place. Keys are the
 * document ids as UTF-8 strings. The dead-letter topic holds {@link DeadLetter} values: records
 * that cannot be read are written by {@link io.modernbert.stream.errors.DeadLetterHandler}, keyed
 * by the original key bytes; documents that fail inference by the topology, keyed by their id.
 */
public record Topics(Topic<Document> documents, Topic<Embedding> embeddings, Topic<Labels> labels, Topic<DeadLetter> deadLetters) {

  /** A topic name with its serdes. */
  public record Topic<V>(String name, Serde<String> keySerde, Serde<V> valueSerde) {}

  /** Reads the documents topic's values in the configured format; what does not fit is an InvalidDocumentException (a dead letter). */
  static Deserializer<Document> documentReader(AppConfig config) {
    InputSpec input = config.input();
    return switch (input.format()) {
      case DOCUMENT -> new DocumentDeserializer(config.maxDocumentBytes());
      case JSON -> new JsonDocumentDeserializer(input.textPointer(), input.idPointer(), config.maxDocumentBytes());
      case STRING -> new StringDocumentDeserializer(config.maxDocumentBytes());
    };
  }

  /** The output serde: ours (Avro) or, with {@code --output-format json}, JSON on write (reading stays Avro-only). */
  private static <T extends org.apache.avro.specific.SpecificRecord> Serde<T> output(AppConfig config, Serde<T> avro) {
    return switch (config.outputFormat()) {
      case AVRO -> avro;
      case JSON -> org.apache.kafka.common.serialization.Serdes.serdeFrom(new JsonRecordSerializer<>(), avro.deserializer());
    };
  }

  public static Topics of(AppConfig config) {
    Serde<String> keys = org.apache.kafka.common.serialization.Serdes.String();
    Serde<Document> documents = org.apache.kafka.common.serialization.Serdes.serdeFrom(
        Serdes.DOCUMENT.serializer(), documentReader(config));
    return new Topics(
        new Topic<>(config.topics().documents(), keys, documents),
        new Topic<>(config.topics().embeddings(), keys, output(config, Serdes.EMBEDDING)),
        new Topic<>(config.topics().labels(), keys, output(config, Serdes.LABELS)),
        new Topic<>(config.topics().deadLetters(), keys, Serdes.DEAD_LETTER));
  }
}
