package io.modernbert.stream;

import io.modernbert.stream.broker.EmbeddedKafka;
import io.modernbert.stream.broker.EmbeddedKafkaOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code broker}: only the single-node KRaft broker of {@code demo} (Apache Kafka's own server
 * classes), in its own process, for trying {@code run} and {@code bin/modernbert load} against a
 * separate broker on one machine. Not a production cluster: one node, replication factor 1.
 */
@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    description = "Run a single-node KRaft broker on 127.0.0.1 (for local runs and load tests).")
final class BrokerCommand implements Callable<Integer> {
  @Option(
      names = "--data-dir",
      defaultValue = "data/broker",
      description = "Log and metadata folder (default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--kafka-port",
      defaultValue = "9092",
      description = "Port on 127.0.0.1 (default ${DEFAULT-VALUE}).")
  int kafkaPort;

  @Override
  public Integer call() throws Exception {
    Path home = Path.of(System.getProperty("modernbert.home", ".")).toAbsolutePath().normalize();
    Path data = dataDir.isAbsolute() ? dataDir : home.resolve(dataDir);
    EmbeddedKafka kafka =
        EmbeddedKafka.start(data, EmbeddedKafkaOptions.defaults().withPort(kafkaPort));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  kafka.close();
                  stopped.countDown();
                },
                "broker-shutdown"));
    System.out.println(
        "modernbert-stream: broker RUNNING on "
            + kafka.bootstrapServers()
            + " (data "
            + data
            + ")");
    System.out.flush();
    stopped.await();
    return 0;
  }
}
