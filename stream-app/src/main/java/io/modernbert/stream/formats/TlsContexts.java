package io.modernbert.stream.formats;

import io.modernbert.stream.config.AppConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * An {@link SSLContext} from PKCS12 trust and key stores, for a client that must not depend on the
 * JVM-wide {@code javax.net.ssl.*} properties (the Schema Registry's CA is rarely Kafka's, and the
 * JVM's default trust should stay the system's).
 */
public final class TlsContexts {
  private TlsContexts() {}

  /**
   * The context the stores give; a store left null falls back to the JVM's default.
   *
   * @throws IllegalArgumentException naming the store that cannot be read
   */
  public static SSLContext of(AppConfig.TlsStores stores) {
    try {
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(
          stores.trustStore() == null
              ? null
              : load(stores.trustStore(), stores.trustStorePassword(), "trust store"));
      KeyManagerFactory keys = null;
      if (stores.keyStore() != null) {
        keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(
            load(stores.keyStore(), stores.keyStorePassword(), "key store"),
            password(stores.keyStorePassword()));
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot set up TLS from " + stores + ": " + e, e);
    }
  }

  private static KeyStore load(Path file, String password, String what) {
    try (InputStream in = Files.newInputStream(file)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, password(password));
      return store;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "cannot read the " + what + " " + file + " (PKCS12): " + e.getMessage(), e);
    }
  }

  private static char[] password(String password) {
    return password == null ? new char[0] : password.toCharArray();
  }
}
