package io.modernbert.stream.topology;

import io.modernbert.model.engine.InferenceEngine;
import io.modernbert.schemas.Serdes;
import io.modernbert.stream.config.AppConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The application's topology, built in one place from the immutable config:
 *
 * <pre>
 *   documents topic -> [validate: DocumentDeserializer; bad records -> DeadLetterHandler -> dead letters]
 *                   -> batcher (tokenize, group by length class, pending-documents store, run the model)
 *                   -> embeddings topic, labels topic (classifiers)
 * </pre>
 */
public final class TopologyFactory {
  private TopologyFactory() {}

  public static Topology build(AppConfig config, InferenceEngine engine, StreamMetrics metrics) {
    Topics topics = Topics.of(config);
    BatcherSettings settings = new BatcherSettings(config.maxWait(), config.engine().batchTokens(), config.modelName());
    Topology topology = new Topology();
    topology.addSource(BatcherSettings.SOURCE, topics.documents().keySerde().deserializer(),
        topics.documents().valueSerde().deserializer(), topics.documents().name());
    topology.addProcessor(BatcherSettings.BATCHER, () -> new DocumentBatcher(engine, settings, metrics), BatcherSettings.SOURCE);
    topology.addStateStore(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BatcherSettings.STORE),
            org.apache.kafka.common.serialization.Serdes.String(), Serdes.PENDING_DOCUMENT),
        BatcherSettings.BATCHER);
    topology.addSink(BatcherSettings.EMBEDDINGS_SINK, topics.embeddings().name(),
        topics.embeddings().keySerde().serializer(), topics.embeddings().valueSerde().serializer(), BatcherSettings.BATCHER);
    topology.addSink(BatcherSettings.LABELS_SINK, topics.labels().name(),
        topics.labels().keySerde().serializer(), topics.labels().valueSerde().serializer(), BatcherSettings.BATCHER);
    return topology;
  }
}
