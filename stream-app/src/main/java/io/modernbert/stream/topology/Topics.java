package io.modernbert.stream.topology;

import io.modernbert.schemas.AvroSerdes;
import io.modernbert.schemas.DeadLetter;
import io.modernbert.schemas.Document;
import io.modernbert.schemas.Embedding;
import io.modernbert.schemas.Labels;
import io.modernbert.stream.config.AppConfig;
import io.modernbert.stream.config.InputSpec;
import io.modernbert.stream.errors.DocumentDeserializer;
import io.modernbert.stream.formats.JsonDocumentDeserializer;
import io.modernbert.stream.formats.JsonRecordSerializer;
import io.modernbert.stream.formats.RegistryAvroDocumentDeserializer;
import io.modernbert.stream.formats.RegistryAvroSerializer;
import io.modernbert.stream.formats.RegistryJsonDocumentDeserializer;
import io.modernbert.stream.formats.SchemaRegistryClient;
import io.modernbert.stream.formats.StringDocumentDeserializer;
import io.modernbert.stream.formats.TlsContexts;
import java.time.Duration;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The topics of the application, each with its key and value serde, in one place. Keys are the
 * document ids as UTF-8 strings. The dead-letter topic holds {@link DeadLetter} values: records
 * that cannot be read are written by {@link io.modernbert.stream.errors.DeadLetterHandler}, keyed
 * by the original key bytes; documents that fail inference by the topology, keyed by their id.
 */
public record Topics(
    Topic<Document> documents,
    Topic<Embedding> embeddings,
    Topic<Labels> labels,
    Topic<DeadLetter> deadLetters) {

  /** A topic name with its serdes. */
  public record Topic<V>(String name, Serde<String> keySerde, Serde<V> valueSerde) {}

  /**
   * Reads the documents topic's values in the configured format; what does not fit is an
   * InvalidDocumentException (a dead letter).
   */
  static Deserializer<Document> documentReader(AppConfig config, SchemaRegistryClient registry) {
    InputSpec input = config.input();
    return switch (input.format()) {
      case DOCUMENT -> new DocumentDeserializer(config.maxDocumentBytes());
      case JSON ->
          new JsonDocumentDeserializer(
              input.textPointer(), input.idPointer(), config.maxDocumentBytes());
      case STRING -> new StringDocumentDeserializer(config.maxDocumentBytes());
      case REGISTRY_AVRO ->
          new RegistryAvroDocumentDeserializer(
              registry, input.textPointer(), input.idPointer(), config.maxDocumentBytes());
      case REGISTRY_JSON ->
          new RegistryJsonDocumentDeserializer(
              registry, input.textPointer(), input.idPointer(), config.maxDocumentBytes());
    };
  }

  /**
   * The output serde: ours (Avro), JSON or Schema Registry Avro on write; reading back is Avro-only
   * (tests, tail).
   */
  private static <T extends SpecificRecord> Serde<T> output(
      AppConfig config, SchemaRegistryClient registry, Serde<T> avro) {
    return switch (config.outputFormat()) {
      case AVRO -> avro;
      case JSON -> Serdes.serdeFrom(new JsonRecordSerializer<>(), avro.deserializer());
      case REGISTRY_AVRO ->
          Serdes.serdeFrom(new RegistryAvroSerializer<>(registry), avro.deserializer());
    };
  }

  /**
   * The registry client when a format needs one; a clear error when one does and none is
   * configured.
   */
  private static SchemaRegistryClient registry(AppConfig config) {
    boolean needed =
        config.input().format().usesRegistry()
            || config.outputFormat() == AppConfig.OutputFormat.REGISTRY_AVRO;
    if (!needed) {
      return null;
    }
    if (config.schemaRegistry() == null) {
      throw new IllegalArgumentException(
          "the registry-avro and registry-json formats need a schema registry (--schema-registry-url)");
    }
    AppConfig.SchemaRegistry registry = config.schemaRegistry();
    String authorization =
        registry.basicAuth() != null
            ? SchemaRegistryClient.basic(registry.basicAuth())
            : registry.bearerToken() != null
                ? SchemaRegistryClient.bearer(registry.bearerToken())
                : null;
    return new SchemaRegistryClient(
        registry.url(),
        authorization,
        registry.tls() == null ? null : TlsContexts.of(registry.tls()),
        REGISTRY_TIMEOUT);
  }

  /** How long a registry request may take before the registry counts as unavailable. */
  private static final Duration REGISTRY_TIMEOUT = Duration.ofSeconds(5);

  public static Topics of(AppConfig config) {
    SchemaRegistryClient registry = registry(config);
    Serde<String> keys = Serdes.String();
    Serde<Document> documents =
        Serdes.serdeFrom(AvroSerdes.DOCUMENT.serializer(), documentReader(config, registry));
    return new Topics(
        new Topic<>(config.topics().documents(), keys, documents),
        new Topic<>(
            config.topics().embeddings(), keys, output(config, registry, AvroSerdes.EMBEDDING)),
        new Topic<>(config.topics().labels(), keys, output(config, registry, AvroSerdes.LABELS)),
        new Topic<>(config.topics().deadLetters(), keys, AvroSerdes.DEAD_LETTER));
  }
}
