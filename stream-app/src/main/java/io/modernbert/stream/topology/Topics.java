package io.modernbert.stream.topology;

import io.modernbert.schemas.DeadLetter;
import io.modernbert.schemas.Document;
import io.modernbert.schemas.Embedding;
import io.modernbert.schemas.Labels;
import io.modernbert.schemas.Serdes;
import io.modernbert.stream.config.AppConfig;
import io.modernbert.stream.errors.DocumentDeserializer;
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

  public static Topics of(AppConfig config) {
    Serde<String> keys = org.apache.kafka.common.serialization.Serdes.String();
    Serde<Document> documents = org.apache.kafka.common.serialization.Serdes.serdeFrom(
        Serdes.DOCUMENT.serializer(), new DocumentDeserializer(config.maxDocumentBytes()));
    return new Topics(
        new Topic<>(config.topics().documents(), keys, documents),
        new Topic<>(config.topics().embeddings(), keys, Serdes.EMBEDDING),
        new Topic<>(config.topics().labels(), keys, Serdes.LABELS),
        new Topic<>(config.topics().deadLetters(), keys, Serdes.DEAD_LETTER));
  }
}
