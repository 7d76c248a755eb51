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
import io.modernbert.stream.kafka.KafkaPermissions;
import io.modernbert.stream.security.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service on a secured cluster, as a production user runs it: SCRAM-SHA-512 over TLS (the
 * broker's certificate signed by a CA the test makes), StandardAuthorizer ACLs, topics created by
 * the platform team beforehand ({@code --no-create-topics}), and the service's principal holding
 * exactly the ACLs that {@link KafkaPermissions} lists (the README's list). Secrets reach the
 * clients through Kafka's file config provider, as they would from a mounted Secret.
 */
class SecuredClusterIntegrationTest {
  private static final String APP = "secured";
  private static final int DOCUMENTS = 200;

  @TempDir static Path work;
  private static EmbeddedKafka kafka;
  private static TestCertificates certificates;
  private static Admin superAdmin;

  @BeforeAll
  static void startSecuredBroker() throws Exception {
    certificates = TestCertificates.newAuthority(work.resolve("tls"));
    kafka =
        EmbeddedKafka.start(
            work.resolve("kafka"),
            EmbeddedKafkaOptions.defaults()
                .withSecureListener(
                    new SecureListener(
                        SecureListener.Protocol.SASL_SSL,
                        certificates.brokerKeyStore(),
                        certificates.trustStore(),
                        TestCertificates.PASSWORD,
                        "User:admin")));
    // The broker's own door (plaintext, super user): the platform team's tooling.
    superAdmin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    for (String user : List.of("admin", "svc", "svc-no-labels", "svc-no-transactions")) {
      superAdmin
          .alterUserScramCredentials(
              List.of(
                  new UserScramCredentialUpsertion(
                      user,
                      new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192),
                      user + "-secret")))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  @AfterAll
  static void stopBroker() {
    if (superAdmin != null) {
      superAdmin.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void shouldProcessEveryDocumentExactlyOnceAsAPrincipalWithOnlyTheListedAcls() throws Exception {
    AppConfig config = serviceConfig("svc", "exactly-once");
    createTopics(config);
    grant(config, "svc", acl -> true);
    Map<String, String> documents = LoadGenerator.documents(DOCUMENTS, 7);

    try (StreamApp app =
            StreamApp.start(config, new SimpleMeterRegistry(), 2, Duration.ofMinutes(2));
        OutputReader reader =
            new OutputReader(
                client("admin"), config.topics().embeddings(), config.topics().labels())) {
      LoadGenerator.send(client("admin"), config.topics().documents(), documents, 0);
      reader.readUntil(DOCUMENTS, Duration.ofMinutes(2));
      reader.drain(Duration.ofSeconds(2));

      EndToEndScenario.assertExactlyOnce(reader, documents.keySet());
      assertThat(app.fatalFailure()).isNotDone();
    }
    // `tail`, as a person would run it, with the same client file.
    assertThat(tail(config.topics().labels(), "admin")).hasSize(DOCUMENTS);
  }

  /** The lines {@code modernbert-stream tail --kafka-config FILE} prints for the topic. */
  private static List<String> tail(String topic, String user) throws Exception {
    client(user); // writes the user's client file
    java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
    java.io.PrintStream stdout = System.out;
    int exit;
    System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      exit =
          new picocli.CommandLine(new io.modernbert.stream.StreamMain())
              .execute(
                  "tail",
                  "--bootstrap-servers",
                  kafka.secureBootstrapServers(),
                  "--kafka-config",
                  work.resolve(user + "-client.properties").toString(),
                  "--topic",
                  topic,
                  "--max-records",
                  Integer.toString(DOCUMENTS));
    } finally {
      System.setOut(stdout);
    }
    assertThat(exit).isZero();
    return printed.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void shouldSayATopicItMayNotSeeMayBeMissingOrForbidden() {
    AppConfig config = serviceConfig("svc", "never-granted");
    assertThatThrownBy(
            () -> StreamApp.start(config, new SimpleMeterRegistry(), 2, Duration.ofMinutes(2)))
        .hasMessageContaining("may not see topics " + config.topics().documents())
        .hasMessageContaining("lacks DESCRIBE");
  }

  @Test
  void shouldFailTheStartNamingTheMissingTopicPermission() throws Exception {
    AppConfig config = serviceConfig("svc-no-labels", "no-labels");
    createTopics(config);
    grant(
        config,
        "svc-no-labels",
        acl ->
            !(acl.pattern().resourceType() == ResourceType.TOPIC
                && acl.pattern().name().equals(config.topics().labels())
                && acl.entry().operation() == AclOperation.WRITE));

    long start = System.nanoTime();
    assertThatThrownBy(
            () -> StreamApp.start(config, new SimpleMeterRegistry(), 2, Duration.ofMinutes(2)))
        .hasMessageContaining("lacks permission")
        .hasMessageContaining("WRITE on topic " + config.topics().labels());
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
  }

  @Test
  void shouldStopNamingTheMissingTransactionalIdPermission() throws Exception {
    AppConfig config = serviceConfig("svc-no-transactions", "no-transactions");
    createTopics(config);
    grant(
        config,
        "svc-no-transactions",
        acl -> acl.pattern().resourceType() != ResourceType.TRANSACTIONAL_ID);

    long start = System.nanoTime();
    assertThatThrownBy(
            () -> StreamApp.start(config, new SimpleMeterRegistry(), 2, Duration.ofMinutes(2)))
        .hasMessageContaining("lacks permission")
        .hasMessageContaining("WRITE on TransactionalId prefix " + config.applicationId() + "-");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
  }

  @Test
  void shouldNameEveryMissingTopicWhenTopicsAreNotCreated() throws Exception {
    AppConfig config = serviceConfig("svc", "not-created");
    grant(config, "svc", acl -> true); // the platform team granted the ACLs, made no topics
    assertThatThrownBy(
            () -> StreamApp.start(config, new SimpleMeterRegistry(), 2, Duration.ofMinutes(2)))
        .hasMessageContaining("missing topics")
        .hasMessageContaining(config.topics().documents())
        .hasMessageContaining(config.topics().embeddings())
        .hasMessageContaining(config.topics().labels())
        .hasMessageContaining(config.topics().deadLetters())
        .hasMessageContaining("--no-create-topics");
  }

  /**
   * The service's client settings for {@code user}: written to a {@code --kafka-config} file whose
   * password comes from a second file through Kafka's file config provider.
   */
  private static KafkaClientConfig client(String user) throws Exception {
    Path secrets = work.resolve(user + "-secrets.properties");
    Files.writeString(
        secrets,
        "password=" + user + "-secret\ntruststore.password=" + TestCertificates.PASSWORD + "\n");
    Path file = work.resolve(user + "-client.properties");
    Files.writeString(
        file,
        String.join(
            "\n",
            "security.protocol=SASL_SSL",
            "sasl.mechanism=SCRAM-SHA-512",
            "config.providers=file",
            "config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider",
            "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\""
                + user
                + "\" password=\"${file:"
                + secrets
                + ":password}\";",
            "ssl.truststore.type=PKCS12",
            "ssl.truststore.location=" + certificates.trustStore(),
            "ssl.truststore.password=${file:" + secrets + ":truststore.password}",
            ""));
    return KafkaClientConfig.load(kafka.secureBootstrapServers(), file, Map.of());
  }

  private static AppConfig serviceConfig(String user, String name) {
    try {
      return AppConfig.defaults(kafka.secureBootstrapServers(), StreamFixtures.LANGID_MODEL)
          .withKafka(client(user))
          .withCreateTopics(false)
          .withApplicationId(APP + "-" + name)
          .withTopics(
              new AppConfig.TopicNames(
                  name + "-documents", name + "-embeddings", name + "-labels", name + "-dead"))
          .withEngine(StreamFixtures.engineOptions())
          .withStateDir(work.resolve("state-" + name));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The platform team creates the topics; the service may not. */
  private static void createTopics(AppConfig config) throws Exception {
    AppConfig.TopicNames names = config.topics();
    superAdmin
        .createTopics(
            List.of(names.documents(), names.embeddings(), names.labels(), names.deadLetters())
                .stream()
                .map(name -> new NewTopic(name, 2, (short) 1))
                .toList())
        .all()
        .get(30, TimeUnit.SECONDS);
  }

  /** Grants {@code user} the ACLs the service lists for itself, those {@code keep} accepts. */
  private static void grant(AppConfig config, String user, Predicate<AclBinding> keep)
      throws Exception {
    List<AclBinding> acls =
        StreamApp.permissions(config).requiredAcls("User:" + user).stream().filter(keep).toList();
    superAdmin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
    // ACLs reach the broker's authorizer through the metadata log: wait until it lists them.
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      var listed =
          superAdmin
              .describeAcls(org.apache.kafka.common.acl.AclBindingFilter.ANY)
              .values()
              .get(30, TimeUnit.SECONDS);
      if (listed.containsAll(acls)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the broker did not list the ACLs within 30 s");
  }
}
