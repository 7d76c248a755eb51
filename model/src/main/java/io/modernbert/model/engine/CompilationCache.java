package io.modernbert.model.engine;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.TensorFlow;

/**
 * TensorFlow's persistent XLA compilation cache: a folder of compiled XLA clusters that later
 * processes load instead of compiling again (ModernBERT-base, bf16: 1,110 clusters for the serving
 * shapes, 44.5 s to compile, 14.5 s to load).
 *
 * <p>TensorFlow reads its settings once, from the {@code TF_XLA_FLAGS} environment variable, before
 * the JVM could change them, so the launchers ({@code bin/modernbert}, the image's entrypoint) set
 * them and this class only checks and reports what they set:
 *
 * <ul>
 *   <li>{@value #DIRECTORY_FLAG}: the folder. TensorFlow keys each entry by the cluster's name,
 *       argument shapes and its whole HLO program, and compares the stored HLO on load, so a
 *       different model architecture, precision, batch shape or XLA mode never loads another's
 *       entry. Weights are inputs of the graph, not part of the HLO: two checkpoints of one
 *       architecture share entries, correctly.
 *   <li>{@value #DETERMINISTIC_NAMES_FLAG}: without it, cluster names come from a process-wide
 *       counter, so entries are found again only when shapes first run in the same order.
 * </ul>
 *
 * The HLO says nothing of the machine code's target: an entry compiled for a CPU with AVX-512 would
 * crash one without it, and another TensorFlow build may not read it. So the folder carries a key
 * file ({@value #KEY_FILE}: TensorFlow version, architecture, CPU model and a digest of its feature
 * flags), written by the first engine that uses it; an engine on another machine or build refuses
 * the folder with a message instead of loading its entries. The launchers name a subfolder per
 * machine, so a volume shared by different nodes never trips this.
 *
 * <p>Why one class of this size: reading the flags, the key file and the removal of partial entries
 * are one contract with the launchers and with TensorFlow's file format; half of it is the comments
 * that say why.
 */
public final class CompilationCache {
  private static final Logger LOG = LoggerFactory.getLogger(CompilationCache.class);

  static final String DIRECTORY_FLAG = "--tf_xla_persistent_cache_directory";
  static final String DETERMINISTIC_NAMES_FLAG = "--tf_xla_deterministic_cluster_names";
  static final String KEY_FILE = "modernbert-cache.properties";

  private final Path directory;
  private final boolean deterministicNames;

  private CompilationCache(Path directory, boolean deterministicNames) {
    this.directory = directory;
    this.deterministicNames = deterministicNames;
  }

  /** The cache {@code TF_XLA_FLAGS} of this process sets up, if any. */
  public static Optional<CompilationCache> fromEnvironment() {
    return fromFlags(System.getenv(SessionFactory.XLA_FLAGS_VARIABLE));
  }

  /** The cache that {@code xlaFlags} (TensorFlow's flag syntax) sets up, if any. */
  static Optional<CompilationCache> fromFlags(String xlaFlags) {
    if (xlaFlags == null || xlaFlags.isBlank()) {
      return Optional.empty();
    }
    String directory = null;
    boolean deterministic = false;
    for (String flag : xlaFlags.trim().split("\\s+")) {
      String[] nameAndValue = flag.split("=", 2);
      String value = nameAndValue.length > 1 ? nameAndValue[1] : "true";
      if (nameAndValue[0].equals(DIRECTORY_FLAG)) {
        directory = value.isEmpty() ? null : value;
      } else if (nameAndValue[0].equals(DETERMINISTIC_NAMES_FLAG)) {
        deterministic = value.equals("true") || value.equals("1");
      }
    }
    return directory == null
        ? Optional.empty()
        : Optional.of(new CompilationCache(Path.of(directory), deterministic));
  }

  public Path directory() {
    return directory;
  }

  /**
   * Checks that the folder was written on this machine and TensorFlow build (or is new, and then
   * marks it as this machine's); fails with a message otherwise.
   */
  void claim() {
    claim(machineKey());
  }

  void claim(Properties machine) {
    Path keyFile = directory.resolve(KEY_FILE);
    try {
      Files.createDirectories(directory);
      if (Files.exists(keyFile)) {
        Properties stored = new Properties();
        try (Reader reader = Files.newBufferedReader(keyFile, StandardCharsets.UTF_8)) {
          stored.load(reader);
        }
        if (!stored.equals(machine)) {
          throw new IllegalStateException(
              "the XLA compilation cache "
                  + directory
                  + " holds code compiled for "
                  + describe(stored)
                  + ", not for this "
                  + describe(machine)
                  + "; loading it could crash the process. Point MODERNBERT_XLA_CACHE (or "
                  + DIRECTORY_FLAG
                  + " in TF_XLA_FLAGS) at another folder, or empty this one");
        }
      } else {
        try (Writer writer = Files.newBufferedWriter(keyFile, StandardCharsets.UTF_8)) {
          machine.store(writer, "what the compiled XLA code in this folder was built for");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot use the XLA compilation cache " + directory + ": " + e.getMessage(), e);
    }
    int removed = removeIncompleteEntries();
    if (removed > 0) {
      LOG.warn(
          "removed {} incomplete entries from the XLA compilation cache {} (a process stopped while"
              + " writing them); they compile again",
          removed,
          directory);
    }
    if (!deterministicNames) {
      LOG.warn(
          "TF_XLA_FLAGS sets {} without {}: cached clusters are found again only when the batch"
              + " shapes first run in the same order",
          DIRECTORY_FLAG,
          DETERMINISTIC_NAMES_FLAG);
    }
  }

  /**
   * Deletes entries that are not a whole {@code XlaSerializedCacheEntry}. TensorFlow writes an
   * entry in place, not through a rename, so a process killed mid-write leaves a truncated file;
   * TensorFlow would then fail the cluster (and the pass) instead of compiling it again. An entry's
   * fields are its key (1), its HLO (2) and the executable (3), written in that order, so a
   * truncated file either does not parse or lacks the executable. Parsed as unknown fields: the
   * schema is TensorFlow's, not shipped in its Java API.
   */
  int removeIncompleteEntries() {
    // Entries checked by an earlier start are not read again: a cache of ModernBERT-base's 28
    // shapes holds 6,561 entries (88 MB), 1.5 s to parse. Whatever was written since (its time
    // after the mark, with a margin for coarse file times) is.
    Path mark = directory.resolve(VERIFIED_MARK);
    long checkedFrom = 0;
    try {
      if (Files.exists(mark)) {
        checkedFrom = Files.getLastModifiedTime(mark).toMillis() - MARK_MARGIN_MILLIS;
      }
      long now = System.currentTimeMillis();
      int removed = 0;
      try (Stream<Path> files = Files.list(directory)) {
        for (Path file : files.filter(CompilationCache::isEntry).toList()) {
          if (Files.getLastModifiedTime(file).toMillis() >= checkedFrom && !isComplete(file)) {
            Files.deleteIfExists(file);
            removed++;
          }
        }
      }
      Files.write(mark, new byte[0]);
      Files.setLastModifiedTime(mark, FileTime.fromMillis(now));
      return removed;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot check the XLA compilation cache " + directory + ": " + e.getMessage(), e);
    }
  }

  /** Marks, by its time, when the entries were last checked. */
  static final String VERIFIED_MARK = "modernbert-cache.checked";

  private static final long MARK_MARGIN_MILLIS = 10_000;

  private static boolean isEntry(Path file) {
    return file.getFileName().toString().endsWith(".pb");
  }

  private static boolean isComplete(Path entry) throws IOException {
    try {
      UnknownFieldSet fields = UnknownFieldSet.parseFrom(Files.readAllBytes(entry));
      return fields.hasField(1)
          && fields.hasField(2)
          && fields.hasField(3)
          && !fields.getField(3).getLengthDelimitedList().isEmpty()
          && !fields.getField(3).getLengthDelimitedList().get(0).isEmpty();
    } catch (InvalidProtocolBufferException e) {
      return false;
    }
  }

  /** How many compiled clusters the folder holds. */
  public long entries() {
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(CompilationCache::isEntry).count();
    } catch (IOException e) {
      return 0;
    }
  }

  /** What compiled code depends on besides its HLO: TensorFlow build, architecture and CPU. */
  static Properties machineKey() {
    Properties key = new Properties();
    key.setProperty("tensorflow", TensorFlow.version());
    key.setProperty("arch", System.getProperty("os.arch"));
    List<String> cpuinfo = cpuinfo();
    key.setProperty("cpu", field(cpuinfo, "model name"));
    key.setProperty("cpu.flags.sha256", sha256(field(cpuinfo, "flags")));
    return key;
  }

  private static List<String> cpuinfo() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8);
    } catch (IOException | UncheckedIOException e) {
      return List.of(); // not Linux: the TensorFlow version and architecture still key the folder
    }
  }

  private static String field(List<String> cpuinfo, String name) {
    return cpuinfo.stream()
        .filter(line -> line.startsWith(name) && line.contains(":"))
        .map(line -> line.substring(line.indexOf(':') + 1).trim())
        .findFirst()
        .orElse("unknown");
  }

  private static String sha256(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      // Sorted, so the same features listed in another order (another kernel) key the same.
      String[] flags = text.split("\\s+");
      Arrays.sort(flags);
      return HexFormat.of()
          .formatHex(digest.digest(String.join(" ", flags).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String describe(Properties key) {
    return "TensorFlow "
        + key.getProperty("tensorflow")
        + " on "
        + key.getProperty("arch")
        + " "
        + key.getProperty("cpu")
        + " (CPU flags "
        + abbreviated(key.getProperty("cpu.flags.sha256", "?"))
        + ")";
  }

  private static String abbreviated(String digest) {
    return digest.substring(0, Math.min(12, digest.length()));
  }
}
