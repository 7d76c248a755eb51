package io.modernbert.model.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache settings the launchers pass, the machine key, and the removal of partial entries. */
class CompilationCacheTest {
  @TempDir Path folder;

  @Test
  void shouldReadTheFolderFromTensorFlowsFlags() {
    assertThat(CompilationCache.fromFlags(null)).isEmpty();
    assertThat(CompilationCache.fromFlags("--tf_xla_cpu_global_jit")).isEmpty();
    assertThat(CompilationCache.fromFlags("--tf_xla_persistent_cache_directory=")).isEmpty();
    assertThat(
            CompilationCache.fromFlags(
                    " --tf_xla_cpu_global_jit  --tf_xla_deterministic_cluster_names"
                        + " --tf_xla_persistent_cache_directory=/var/cache/x ")
                .orElseThrow()
                .directory())
        .isEqualTo(Path.of("/var/cache/x"));
  }

  @Test
  void shouldMarkANewFolderAndAcceptItAgainOnTheSameMachine() {
    CompilationCache cache = cacheIn(folder.resolve("new"));
    Properties machine = machine("CPU A");

    cache.claim(machine);
    cache.claim(machine);

    assertThat(folder.resolve("new").resolve(CompilationCache.KEY_FILE)).exists();
  }

  @Test
  void shouldRefuseAFolderOfAnotherMachineOrTensorFlowBuild() {
    CompilationCache cache = cacheIn(folder);
    cache.claim(machine("CPU A"));

    assertThatThrownBy(() -> cache.claim(machine("CPU B")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(folder.toString())
        .hasMessageContaining("CPU A")
        .hasMessageContaining("CPU B")
        .hasMessageContaining("MODERNBERT_XLA_CACHE");
    Properties otherBuild = machine("CPU A");
    otherBuild.setProperty("tensorflow", "2.99.0");
    assertThatThrownBy(() -> cache.claim(otherBuild)).hasMessageContaining("TensorFlow 2.99.0");
  }

  @Test
  void shouldRemoveTruncatedEntriesAndKeepWholeOnes() throws Exception {
    byte[] whole = entry();
    Files.write(folder.resolve("whole.pb"), whole);
    Files.write(folder.resolve("cut-in-the-executable.pb"), Arrays.copyOf(whole, whole.length - 3));
    Files.write(
        folder.resolve("no-executable.pb"),
        UnknownFieldSet.newBuilder()
            .addField(1, lengthDelimited("key"))
            .addField(2, lengthDelimited("hlo"))
            .build()
            .toByteArray());
    Files.write(folder.resolve("empty.pb"), new byte[0]);
    Files.writeString(folder.resolve("notes.txt"), "not an entry");

    assertThat(cacheIn(folder).removeIncompleteEntries()).isEqualTo(3);

    assertThat(folder.resolve("whole.pb")).exists();
    assertThat(folder.resolve("notes.txt")).exists();
    assertThat(cacheIn(folder).entries()).isEqualTo(1);
  }

  @Test
  void shouldReadOnlyEntriesWrittenSinceTheLastCheck() throws Exception {
    byte[] whole = entry();
    Path old = folder.resolve("old.pb");
    Files.write(old, Arrays.copyOf(whole, whole.length - 3));
    Files.setLastModifiedTime(old, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
    Files.write(folder.resolve(CompilationCache.VERIFIED_MARK), new byte[0]);
    Path recent = folder.resolve("recent.pb");
    Files.write(recent, Arrays.copyOf(whole, whole.length - 3));

    assertThat(cacheIn(folder).removeIncompleteEntries()).isEqualTo(1);

    assertThat(recent).doesNotExist();
    assertThat(old).as("checked by an earlier start, not read again").exists();
  }

  private static CompilationCache cacheIn(Path directory) {
    return CompilationCache.fromFlags(
            "--tf_xla_deterministic_cluster_names --tf_xla_persistent_cache_directory=" + directory)
        .orElseThrow();
  }

  private static Properties machine(String cpu) {
    Properties key = new Properties();
    key.setProperty("tensorflow", "2.18.0");
    key.setProperty("arch", "amd64");
    key.setProperty("cpu", cpu);
    key.setProperty("cpu.flags.sha256", "0123456789abcdef");
    return key;
  }

  /** The shape of TensorFlow's XlaSerializedCacheEntry: key (1), HLO (2), executable (3). */
  private static byte[] entry() {
    return UnknownFieldSet.newBuilder()
        .addField(1, lengthDelimited("key"))
        .addField(2, lengthDelimited("hlo module"))
        .addField(3, lengthDelimited("compiled code ".repeat(20)))
        .build()
        .toByteArray();
  }

  private static UnknownFieldSet.Field lengthDelimited(String value) {
    return UnknownFieldSet.Field.newBuilder()
        .addLengthDelimited(ByteString.copyFromUtf8(value))
        .build();
  }
}
