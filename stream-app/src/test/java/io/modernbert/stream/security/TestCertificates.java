package io.modernbert.stream.security;

import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made by the test, and PKCS12 stores signed by it: the broker's key store
 * (a certificate for 127.0.0.1 and localhost), client key stores (the CN is the principal under
 * mutual TLS), and the trust store with the CA that both sides trust. One hour of validity.
 */
public final class TestCertificates {
  public static final String PASSWORD = "test-store-password";
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  private final Path folder;
  private final KeyPair caKeys;
  private final X509Certificate caCertificate;

  private TestCertificates(Path folder, KeyPair caKeys, X509Certificate caCertificate) {
    this.folder = folder;
    this.caKeys = caKeys;
    this.caCertificate = caCertificate;
  }

  /** A new CA whose stores are written to {@code folder}. */
  public static TestCertificates newAuthority(Path folder) throws Exception {
    Files.createDirectories(folder);
    KeyPair keys = keyPair();
    X500Name name = new X500Name("CN=modernbert test CA");
    JcaX509v3CertificateBuilder builder = builder(name, name, keys);
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    return new TestCertificates(folder, keys, sign(builder, keys.getPrivate()));
  }

  /** The trust store holding the CA's certificate. */
  public Path trustStore() throws Exception {
    Path file = folder.resolve("truststore.p12");
    if (!Files.exists(file)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry("ca", caCertificate);
      write(store, file);
    }
    return file;
  }

  /** A key store for the broker: a certificate for 127.0.0.1 and localhost. */
  public Path brokerKeyStore() throws Exception {
    return keyStore("broker", true);
  }

  /** A key store for a client whose certificate's CN is {@code commonName}. */
  public Path clientKeyStore(String commonName) throws Exception {
    return keyStore(commonName, false);
  }

  private Path keyStore(String commonName, boolean server) throws Exception {
    KeyPair keys = keyPair();
    JcaX509v3CertificateBuilder builder =
        builder(new X500Name("CN=modernbert test CA"), new X500Name("CN=" + commonName), keys);
    if (server) {
      builder.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.dNSName, "localhost")
              }));
    }
    X509Certificate certificate = sign(builder, caKeys.getPrivate());
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry(
        commonName,
        keys.getPrivate(),
        PASSWORD.toCharArray(),
        new Certificate[] {certificate, caCertificate});
    Path file = folder.resolve(commonName + "-keystore.p12");
    write(store, file);
    return file;
  }

  private static KeyPair keyPair() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    return generator.generateKeyPair();
  }

  private static JcaX509v3CertificateBuilder builder(
      X500Name issuer, X500Name subject, KeyPair keys) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(
        issuer,
        BigInteger.valueOf(SERIAL.incrementAndGet()),
        Date.from(now.minus(Duration.ofMinutes(5))),
        Date.from(now.plus(Duration.ofHours(1))),
        subject,
        keys.getPublic());
  }

  private static X509Certificate sign(JcaX509v3CertificateBuilder builder, PrivateKey key)
      throws Exception {
    ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key);
    return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
  }

  private static void write(KeyStore store, Path file) throws Exception {
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, PASSWORD.toCharArray());
    }
  }
}
