package io.modernbert.stream.topology;

import io.modernbert.model.engine.Windows;
import io.modernbert.schemas.AvroSerdes;
import io.modernbert.stream.config.AppConfig;
import io.modernbert.stream.config.StreamsProperties;
import io.modernbert.stream.errors.AvroLimits;
import io.modernbert.stream.errors.DeadLetterFactory;
import io.modernbert.stream.errors.TopicLimits;
import io.modernbert.stream.scheduler.BatchScheduler;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The application's topology, built in one place from the immutable config:
 *
 * <pre>
 *   documents topic -> [validate: DocumentDeserializer; bad records -> DeadLetterHandler -> dead letters]
 *                   -> processor (tokenize, pending-documents store, hand to the instance's scheduler;
 *                                 a punctuation forwards finished results and deletes their entries)
 *                   -> embeddings topic, labels topic (classifiers);
 *                      documents that fail inference -> dead letters (PROCESSING_FAILED),
 *                      outputs too large to send -> dead letters (TOO_LARGE)
 * </pre>
 *
 * <p>Whatever fails for one record becomes a dead letter and the task goes on (the handlers in
 * {@code StreamsProperties}, the processor's own checks); see {@link DeadLetterFactory}.
 *
 * <p>Every task of every stream thread hands its documents to the same {@link BatchScheduler},
 * which runs the model on its own thread.
 */
public final class TopologyFactory {
  private TopologyFactory() {}

  public static Topology build(AppConfig config, BatchScheduler scheduler, StreamMetrics metrics) {
    return build(config, () -> scheduler, metrics);
  }

  /**
   * As above, with the scheduler asked for when a task initializes (it may block there until the
   * model has loaded), so that Kafka Streams can join its group while the model loads.
   */
  public static Topology build(
      AppConfig config, Supplier<BatchScheduler> scheduler, StreamMetrics metrics) {
    // Before Kafka Streams decodes the first record: Avro reads its limits once per JVM.
    AvroLimits.apply(config.maxDocumentBytes());
    Topics topics = Topics.of(config);
    DeadLetterFactory deadLetters =
        new DeadLetterFactory(
            topics.deadLetters().name(),
            config.applicationId(),
            metrics.registry(),
            DeadLetterFactory.maxRecordBytes(config.streamsOverrides()),
            TopicLimits.fromStreamsConfigs(StreamsProperties.of(config, metrics.registry())));
    OutputGuard outputs = new OutputGuard(topics, deadLetters);
    ProcessorSettings settings =
        new ProcessorSettings(
            config.modelName(),
            ProcessorSettings.DEFAULT_FORWARD_INTERVAL,
            topics.documents().name(),
            config.applicationId(),
            config.input().longDocuments() == Windows.LongDocuments.WINDOWS
                ? config.input().windowOverlap()
                : -1,
            config.input().copiedHeaders());
    Topology topology = new Topology();
    topology.addSource(
        ProcessorSettings.SOURCE,
        topics.documents().keySerde().deserializer(),
        topics.documents().valueSerde().deserializer(),
        topics.documents().name());
    topology.addProcessor(
        ProcessorSettings.PROCESSOR,
        () -> new DocumentProcessor(scheduler, settings, metrics, deadLetters, outputs),
        ProcessorSettings.SOURCE);
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(ProcessorSettings.STORE),
            Serdes.String(),
            AvroSerdes.PENDING_DOCUMENT),
        ProcessorSettings.PROCESSOR);
    topology.addSink(
        ProcessorSettings.EMBEDDINGS_SINK,
        topics.embeddings().name(),
        topics.embeddings().keySerde().serializer(),
        topics.embeddings().valueSerde().serializer(),
        ProcessorSettings.PROCESSOR);
    topology.addSink(
        ProcessorSettings.LABELS_SINK,
        topics.labels().name(),
        topics.labels().keySerde().serializer(),
        topics.labels().valueSerde().serializer(),
        ProcessorSettings.PROCESSOR);
    topology.addSink(
        ProcessorSettings.DEAD_LETTERS_SINK,
        topics.deadLetters().name(),
        topics.deadLetters().keySerde().serializer(),
        topics.deadLetters().valueSerde().serializer(),
        ProcessorSettings.PROCESSOR);
    return topology;
  }
}
