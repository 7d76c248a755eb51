package io.modernbert.stream.http;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API keys the HTTP API accepts: given inline ({@code --api-keys}, {@code MODERNBERT_API_KEYS})
 * and/or read from a file ({@code --api-keys-file}: one key per line, {@code #} starts a comment),
 * which is read again when its modification time changes.
 *
 * <p>Only SHA-256 digests of the keys are kept. A presented key is digested too and compared with
 * every accepted digest by {@link MessageDigest#isEqual}, without stopping at the first match: the
 * time taken depends neither on how much of a key is right nor on which key matched.
 *
 * <p>Authentication is required as soon as keys are configured (inline or a file), even when the
 * file later holds none: an emptied file locks everyone out rather than opening the API.
 */
public final class ApiKeys {
  private static final Logger LOG = LoggerFactory.getLogger(ApiKeys.class);

  /** How often {@link #watch} looks at the key file's modification time. */
  static final long RELOAD_CHECK_MS = 1000;

  private final List<byte[]> inline;
  private final Path file;
  private volatile List<byte[]> accepted;
  private volatile FileTime loadedVersion;

  private ApiKeys(Collection<String> inlineKeys, Path file) {
    this.inline = digests(inlineKeys);
    this.file = file;
    this.accepted = inline;
    if (file != null) {
      reload(); // a missing or unreadable file at start is an error, not an open API
    }
  }

  /** No keys: every request is accepted. */
  public static ApiKeys none() {
    return new ApiKeys(List.of(), null);
  }

  /** Keys given inline, and those of {@code file} when not null. */
  public static ApiKeys of(Collection<String> keys, Path file) {
    return new ApiKeys(keys.stream().map(String::strip).filter(k -> !k.isEmpty()).toList(), file);
  }

  /** Whether requests need a key at all. */
  public boolean required() {
    return file != null || !inline.isEmpty();
  }

  /** Whether {@code presented} is one of the accepted keys; null is never accepted. */
  public boolean accepts(String presented) {
    if (presented == null) {
      return false;
    }
    byte[] digest = digest(presented.strip());
    boolean match = false;
    for (byte[] candidate : accepted) {
      match |= MessageDigest.isEqual(candidate, digest); // no short-circuit: same work for all
    }
    return match;
  }

  /**
   * Reads the file again if its modification time changed since the last read. A file that cannot
   * be read keeps the keys in force (a half-written or briefly missing file must not lock everyone
   * out, nor let everyone in); the failure is logged.
   */
  public void reloadIfChanged() {
    if (file == null) {
      return;
    }
    try {
      if (!Files.getLastModifiedTime(file).equals(loadedVersion)) {
        reload();
        LOG.info("API keys reloaded from {}", file);
      }
    } catch (RuntimeException | IOException e) {
      LOG.warn("cannot reload the API keys from {}; keeping the previous ones: {}", file, e);
    }
  }

  /** Checks the file once a second on a worker thread of {@code vertx}, until it closes. */
  public void watch(Vertx vertx) {
    if (file != null) {
      vertx.setPeriodic(
          RELOAD_CHECK_MS,
          id ->
              vertx.executeBlocking(
                  () -> {
                    reloadIfChanged();
                    return null;
                  }));
    }
  }

  private void reload() {
    try {
      FileTime version = Files.getLastModifiedTime(file);
      List<String> keys = new ArrayList<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        int comment = line.indexOf('#');
        String key = (comment < 0 ? line : line.substring(0, comment)).strip();
        if (!key.isEmpty()) {
          keys.add(key);
        }
      }
      List<byte[]> all = new ArrayList<>(inline);
      all.addAll(digests(keys));
      accepted = List.copyOf(all);
      loadedVersion = version;
      if (keys.isEmpty()) {
        LOG.warn("the API key file {} holds no key: only inline keys are accepted", file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the API key file " + file + ": " + e, e);
    }
  }

  private static List<byte[]> digests(Collection<String> keys) {
    return keys.stream().map(ApiKeys::digest).toList();
  }

  /** SHA-256 of the key's UTF-8 bytes: 32 bytes whatever the key's length. */
  static byte[] digest(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
