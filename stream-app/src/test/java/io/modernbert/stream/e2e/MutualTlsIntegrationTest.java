package io.modernbert.stream.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modernbert.stream.StreamApp;
import io.modernbert.stream.StreamFixtures;
import io.modernbert.stream.broker.EmbeddedKafka;
import io.modernbert.stream.broker.EmbeddedKafkaOptions;
import io.modernbert.stream.broker.SecureListener;
import io.modernbert.stream.config.AppConfig;
import io.modernbert.stream.kafka.KafkaClientConfig;
import io.modernbert.stream.security.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service on a cluster that authenticates clients by certificate (SSL with {@code
 * ssl.client.auth=required}): the certificate's CN is the principal, which holds only the listed
 * ACLs; a client without a certificate is refused with a clear error.
 */
class MutualTlsIntegrationTest {
  private static final int DOCUMENTS = 60;

  @TempDir Path work;

  @Test
  void shouldProcessExactlyOnceAuthenticatedByClientCertificate() throws Exception {
    TestCertificates certificates = TestCertificates.newAuthority(work.resolve("tls"));
    try (EmbeddedKafka kafka =
            EmbeddedKafka.start(
                work.resolve("kafka"),
                EmbeddedKafkaOptions.defaults()
                    .withSecureListener(
                        new SecureListener(
                            SecureListener.Protocol.SSL,
                            certificates.brokerKeyStore(),
                            certificates.trustStore(),
                            TestCertificates.PASSWORD,
                            "User:admin")));
        Admin superAdmin =
            Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      KafkaClientConfig service = client(kafka, certificates, "svc");
      AppConfig config =
          AppConfig.defaults(kafka.secureBootstrapServers(), StreamFixtures.LANGID_MODEL)
              .withKafka(service)
              .withCreateTopics(false)
              .withApplicationId("mtls")
              .withTopics(
                  new AppConfig.TopicNames(
                      "mtls-documents", "mtls-embeddings", "mtls-labels", "mtls-dead"))
              .withEngine(StreamFixtures.engineOptions())
              .withStateDir(work.resolve("state"));
      superAdmin
          .createTopics(
              List.of("mtls-documents", "mtls-embeddings", "mtls-labels", "mtls-dead").stream()
                  .map(name -> new NewTopic(name, 2, (short) 1))
                  .toList())
          .all()
          .get(30, TimeUnit.SECONDS);
      List<AclBinding> acls = StreamApp.permissions(config).requiredAcls("User:svc");
      superAdmin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
      awaitListed(superAdmin, acls);
      Map<String, String> documents = LoadGenerator.documents(DOCUMENTS, 11);

      try (StreamApp app =
              StreamApp.start(config, new SimpleMeterRegistry(), 2, Duration.ofMinutes(2));
          OutputReader reader =
              new OutputReader(
                  client(kafka, certificates, "admin"), "mtls-embeddings", "mtls-labels")) {
        LoadGenerator.send(client(kafka, certificates, "admin"), "mtls-documents", documents, 0);
        reader.readUntil(DOCUMENTS, Duration.ofMinutes(2));
        reader.drain(Duration.ofSeconds(2));
        EndToEndScenario.assertExactlyOnce(reader, documents.keySet());
      }

      // Without a client certificate the handshake fails, and the start says so.
      KafkaClientConfig anonymous =
          new KafkaClientConfig(
              kafka.secureBootstrapServers(),
              Map.of(
                  "security.protocol", "SSL",
                  "ssl.truststore.type", "PKCS12",
                  "ssl.truststore.location", certificates.trustStore().toString(),
                  "ssl.truststore.password", TestCertificates.PASSWORD,
                  "request.timeout.ms", "5000",
                  "default.api.timeout.ms", "10000"));
      assertThatThrownBy(
              () ->
                  StreamApp.start(
                      config.withKafka(anonymous).withApplicationId("mtls-anonymous"),
                      new SimpleMeterRegistry(),
                      2,
                      Duration.ofMinutes(1)))
          .hasMessageContaining("Kafka refused the client's credentials")
          .hasMessageContaining("SSL");
    }
  }

  private static KafkaClientConfig client(
      EmbeddedKafka kafka, TestCertificates certificates, String commonName) throws Exception {
    return new KafkaClientConfig(
        kafka.secureBootstrapServers(),
        Map.of(
            "security.protocol",
            "SSL",
            "ssl.keystore.type",
            "PKCS12",
            "ssl.keystore.location",
            certificates.clientKeyStore(commonName).toString(),
            "ssl.keystore.password",
            TestCertificates.PASSWORD,
            "ssl.key.password",
            TestCertificates.PASSWORD,
            "ssl.truststore.type",
            "PKCS12",
            "ssl.truststore.location",
            certificates.trustStore().toString(),
            "ssl.truststore.password",
            TestCertificates.PASSWORD));
  }

  private static void awaitListed(Admin admin, List<AclBinding> acls) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!admin.describeAcls(AclBindingFilter.ANY).values().get().containsAll(acls)) {
      assertThat(System.nanoTime()).as("ACLs listed within 30 s").isLessThan(deadline);
      Thread.sleep(100);
    }
  }
}
