package io.modernbert.stream.e2e;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.Options;

/**
 * RocksDB with 64 KiB write buffers: memtables flush to disk every few hundred documents, so a
 * SIGKILL leaves writes of uncommitted (aborted) transactions on disk. A restart under exactly-once
 * must wipe them (KAFKA-20685 kept them on Kafka Streams 4.2.1).
 */
public final class SmallWriteBuffers implements RocksDBConfigSetter {
  static final long WRITE_BUFFER_BYTES = 64 * 1024;

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    options.setWriteBufferSize(WRITE_BUFFER_BYTES);
    options.setMaxWriteBufferNumber(2);
  }

  @Override
  public void close(String storeName, Options options) {}
}
