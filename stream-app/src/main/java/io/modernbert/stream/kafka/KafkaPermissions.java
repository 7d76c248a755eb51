package io.modernbert.stream.kafka;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The ACLs the service's principal needs, checked before processing starts and used to turn Kafka's
 * authorization errors into a line that names the missing permission. The README's Security section
 * lists the same ACLs.
 *
 * <p>Kafka Streams treats an authorization failure as fatal for its thread; without this, an
 * instance missing one ACL would replace its stream thread over and over and never say why in one
 * line. The topic check runs at start from the topic descriptions (Kafka reports this principal's
 * authorized operations on each); the group and transactional-id permissions can only be seen when
 * they are used, so {@link #explain} names them then.
 */
public final class KafkaPermissions {
  private final String applicationId;
  private final String httpTransactionalIdPrefix;
  private final Map<String, Set<AclOperation>> topics;

  /**
   * @param applicationId Kafka Streams' application id: the consumer group, the prefix of its
   *     internal topics and of its transactional ids
   * @param httpTransactionalIdPrefix the HTTP ingestion producer's transactional id prefix, or null
   *     when the instance serves no ingestion
   * @param topics each topic the service uses and the operations it needs on it
   */
  public KafkaPermissions(
      String applicationId,
      String httpTransactionalIdPrefix,
      Map<String, Set<AclOperation>> topics) {
    this.applicationId = applicationId;
    this.httpTransactionalIdPrefix = httpTransactionalIdPrefix;
    this.topics = new LinkedHashMap<>(topics);
  }

  /** READ on the input, WRITE on every output (and on the input when HTTP ingestion writes). */
  public static Map<String, Set<AclOperation>> topicOperations(
      String input, List<String> outputs, boolean httpIngestion) {
    Map<String, Set<AclOperation>> needed = new LinkedHashMap<>();
    needed.put(
        input,
        httpIngestion
            ? EnumSet.of(AclOperation.READ, AclOperation.WRITE)
            : EnumSet.of(AclOperation.READ));
    for (String output : outputs) {
      needed
          .computeIfAbsent(output, name -> EnumSet.noneOf(AclOperation.class))
          .add(AclOperation.WRITE);
    }
    return needed;
  }

  /**
   * The ACL bindings {@code principal} (e.g. {@code User:modernbert}) needs, as a platform team
   * would create them; the README lists the same.
   */
  public List<AclBinding> requiredAcls(String principal) {
    List<AclBinding> acls = new ArrayList<>();
    topics.forEach(
        (topic, operations) -> {
          for (AclOperation operation : operations) {
            acls.add(allow(principal, ResourceType.TOPIC, topic, PatternType.LITERAL, operation));
          }
          acls.add(
              allow(
                  principal,
                  ResourceType.TOPIC,
                  topic,
                  PatternType.LITERAL,
                  AclOperation.DESCRIBE));
        });
    // Kafka Streams' changelog and repartition topics: created, written, read and deleted by it.
    acls.add(
        allow(
            principal,
            ResourceType.TOPIC,
            applicationId + "-",
            PatternType.PREFIXED,
            AclOperation.ALL));
    acls.add(
        allow(
            principal, ResourceType.GROUP, applicationId, PatternType.LITERAL, AclOperation.READ));
    // exactly_once_v2: each stream thread's producer has a transactional id under the app id.
    for (AclOperation operation : List.of(AclOperation.WRITE, AclOperation.DESCRIBE)) {
      acls.add(
          allow(
              principal,
              ResourceType.TRANSACTIONAL_ID,
              applicationId + "-",
              PatternType.PREFIXED,
              operation));
      if (httpTransactionalIdPrefix != null) {
        acls.add(
            allow(
                principal,
                ResourceType.TRANSACTIONAL_ID,
                httpTransactionalIdPrefix,
                PatternType.PREFIXED,
                operation));
      }
    }
    return acls;
  }

  private static AclBinding allow(
      String principal,
      ResourceType type,
      String name,
      PatternType pattern,
      AclOperation operation) {
    return new AclBinding(
        new ResourcePattern(type, name, pattern),
        new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
  }

  /**
   * Fails, naming every missing operation, when a topic's description says this principal may not
   * do what the service needs on it. Descriptions without authorized operations (a broker without
   * an authorizer reports none) pass.
   */
  public void check(Map<String, TopicDescription> described) {
    List<String> missing = new ArrayList<>();
    topics.forEach(
        (topic, needed) -> {
          TopicDescription description = described.get(topic);
          Set<AclOperation> granted =
              description == null ? null : description.authorizedOperations();
          if (granted == null || granted.contains(AclOperation.ALL)) {
            return;
          }
          Set<AclOperation> absent = EnumSet.noneOf(AclOperation.class);
          for (AclOperation operation : needed) {
            if (!granted.contains(operation)) {
              absent.add(operation);
            }
          }
          if (!absent.isEmpty()) {
            missing.add(names(absent) + " on topic " + topic);
          }
        });
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "the Kafka principal lacks permission: "
              + String.join("; ", missing)
              + " (the ACLs the service needs are in the README, Security)");
    }
  }

  /**
   * A line naming the missing permission when {@code failure} (or a cause) is one of Kafka's
   * authorization or authentication errors; empty otherwise.
   */
  public Optional<String> explainFailure(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof TopicAuthorizationException topicError) {
        return Optional.of(
            topicError.unauthorizedTopics().stream()
                .map(topic -> missingOnTopic(topic))
                .collect(Collectors.joining("; ", "the Kafka principal lacks permission: ", "")));
      }
      if (cause instanceof GroupAuthorizationException groupError) {
        return Optional.of(
            "the Kafka principal lacks permission: READ on group "
                + (groupError.groupId() == null ? applicationId : groupError.groupId()));
      }
      if (cause instanceof TransactionalIdAuthorizationException) {
        return Optional.of(
            "the Kafka principal lacks permission: WRITE on TransactionalId prefix "
                + applicationId
                + "-"
                + (httpTransactionalIdPrefix == null
                    ? ""
                    : " (or " + httpTransactionalIdPrefix + " for HTTP ingestion)")
                + " ("
                + cause.getMessage()
                + ")");
      }
      Optional<String> generic = explain(cause);
      if (generic.isPresent()) {
        return generic;
      }
    }
    return Optional.empty();
  }

  /**
   * As {@link #explainFailure}, for a caller that does not know the service's topics: the names
   * Kafka gives, and the kind of permission.
   */
  public static Optional<String> explain(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof TopicAuthorizationException topicError) {
        return Optional.of(
            "the Kafka principal lacks permission on topics "
                + topicError.unauthorizedTopics()
                + " ("
                + cause.getMessage()
                + ")");
      }
      if (cause instanceof ClusterAuthorizationException) {
        return Optional.of(
            "the Kafka principal lacks a cluster permission (" + cause.getMessage() + ")");
      }
      if (cause instanceof AuthenticationException) {
        return Optional.of(
            "Kafka refused the client's credentials: "
                + cause.getMessage()
                + " (check the SASL/SSL settings of --kafka-config)");
      }
    }
    return Optional.empty();
  }

  private String missingOnTopic(String topic) {
    Set<AclOperation> needed = topics.get(topic);
    if (needed != null) {
      return names(needed) + " on topic " + topic;
    }
    if (topic.startsWith(applicationId + "-")) {
      return "ALL on topic prefix " + applicationId + "- (internal topic " + topic + ")";
    }
    return "access to topic " + topic;
  }

  private static String names(Set<AclOperation> operations) {
    return operations.stream().map(AclOperation::name).collect(Collectors.joining(", "));
  }
}
