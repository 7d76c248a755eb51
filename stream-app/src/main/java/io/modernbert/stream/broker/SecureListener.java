package io.modernbert.stream.broker;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A second client listener of an {@link EmbeddedKafka}, with TLS and Kafka's {@code
 * StandardAuthorizer}: a secured cluster on one machine, for tests and for trying the product's
 * security settings without a platform team.
 *
 * <p>With it, the broker authorizes every request by ACL (nothing is allowed without one), except
 * those of the super users: {@code superUser} on this listener, and the anonymous principal of the
 * plaintext listener on 127.0.0.1, which the broker's own admin client (topic creation, readiness)
 * and the controller use. The plaintext listener is therefore an administrator's door: clients
 * under test must use {@link EmbeddedKafka#secureBootstrapServers()}.
 *
 * @param protocol {@code SASL_SSL} (SCRAM-SHA-512 over TLS; users are created with the Admin API)
 *     or {@code SSL} (mutual TLS: a client certificate is required, and its CN is the principal)
 * @param keyStore the broker's PKCS12 key store (its certificate for 127.0.0.1 and key)
 * @param trustStore a PKCS12 trust store with the CA that signs client certificates ({@code SSL})
 * @param password the password of both stores and of the key
 * @param superUser a principal allowed everything on this listener, e.g. {@code User:admin}
 */
public record SecureListener(
    Protocol protocol, Path keyStore, Path trustStore, String password, String superUser) {

  /** The security protocols the listener offers. */
  public enum Protocol {
    SASL_SSL,
    SSL
  }

  public SecureListener {
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(keyStore, "keyStore");
    Objects.requireNonNull(trustStore, "trustStore");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(superUser, "superUser");
  }
}
