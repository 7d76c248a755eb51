package io.modernbert.model.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.modernbert.model.checkpoint.RandomCheckpoint;
import io.modernbert.model.checkpoint.SafetensorsDType;
import io.modernbert.model.testing.Fixtures;
import io.modernbert.model.testing.ModelFolders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The persistent XLA compilation cache, through TensorFlow itself: each run is a child JVM (see
 * {@link CompilationCacheProbe}) with {@code TF_XLA_FLAGS} as the launchers set it, and
 * TensorFlow's own log line for every entry it loads ({@code
 * TF_CPP_VMODULE=device_executable_persistor=1}) counts the hits.
 *
 * <ul>
 *   <li>A second run loads every cluster from the cache, compiles nothing, and its embeddings equal
 *       those of a run without any cache (1e-6).
 *   <li>A changed precision, XLA mode or model architecture loads no entry of the first run.
 *   <li>Other weights of the same architecture do load them, which is right (weights are inputs of
 *       the compiled code, not part of it): their embeddings equal an uncached run of those
 *       weights.
 *   <li>A folder written on another machine is refused; a truncated entry (a process killed while
 *       writing it) is removed and compiled again instead of failing the pass.
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CompilationCacheIntegrationTest {
  private static final String LOADED = "Loading cached entry for:";

  @TempDir static Path work;
  private Path cache;
  private Run uncached;
  private Run cold;
  private long coldEntries;

  /** What one child JVM printed: embeddings by id, and how many cache entries it loaded. */
  record Run(Map<String, float[]> embeddings, long loaded, String log) {}

  @BeforeAll
  void firstRunFillsTheCache() throws Exception {
    cache = work.resolve("xla-cache");
    uncached = run(null, Fixtures.TINY_CLASSIFIER, "FP32", "ELEMENTWISE");
    cold = run(cache, Fixtures.TINY_CLASSIFIER, "FP32", "ELEMENTWISE");
    assertThat(cold.loaded()).isZero();
    coldEntries = count(cache);
    assertThat(coldEntries).isPositive();
    // What the first run wrote and nothing else (other tests add entries to `cache`).
    ModelFolders.copy(cache, work.resolve("after-first-run"));
  }

  @Test
  void shouldLoadEveryClusterOnTheSecondRunWithTheSameOutputs() throws Exception {
    long entries = count(cache);

    Run warm = run(cache, Fixtures.TINY_CLASSIFIER, "FP32", "ELEMENTWISE");

    assertThat(warm.loaded()).isEqualTo(coldEntries);
    assertThat(count(cache)).isEqualTo(entries);
    assertClose(warm, uncached);
    assertClose(cold, uncached);
  }

  @Test
  void shouldNotReuseEntriesForAnotherPrecisionModeOrArchitecture() throws Exception {
    assertThat(run(cache, Fixtures.TINY_CLASSIFIER, "BF16", "ELEMENTWISE").loaded()).isZero();
    assertThat(run(cache, Fixtures.TINY_CLASSIFIER, "FP32", "FULL").loaded()).isZero();
    assertThat(run(cache, Fixtures.LANGID_MODEL, "FP32", "ELEMENTWISE").loaded()).isZero();
  }

  @Test
  void shouldShareEntriesBetweenWeightsOfOneArchitectureCorrectly() throws Exception {
    Path other = work.resolve("other-weights");
    RandomCheckpoint.write(
        Fixtures.TINY_CLASSIFIER.resolve("config.json"),
        Fixtures.TINY_CLASSIFIER.resolve("tokenizer.json"),
        other,
        SafetensorsDType.F32,
        7);

    Run cached = run(cache, other, "FP32", "ELEMENTWISE");
    Run reference = run(null, other, "FP32", "ELEMENTWISE");

    assertThat(cached.loaded()).isPositive();
    assertClose(cached, reference);
    assertThat(reference.embeddings().get("short"))
        .isNotEqualTo(uncached.embeddings().get("short"));
  }

  @Test
  void shouldRefuseAFolderWrittenForAnotherMachine() throws Exception {
    Path foreign = work.resolve("foreign-cache");
    Files.createDirectories(foreign);
    Properties key = CompilationCache.machineKey();
    key.setProperty("cpu", "Some Other CPU");
    try (var writer = Files.newBufferedWriter(foreign.resolve(CompilationCache.KEY_FILE))) {
      key.store(writer, null);
    }

    Run refused = runExpectingFailure(foreign);

    assertThat(refused.log()).contains("holds code compiled for").contains("Some Other CPU");
  }

  @Test
  void shouldRecompileATruncatedEntryInsteadOfFailing() throws Exception {
    Path copy = work.resolve("truncated-cache");
    ModelFolders.copy(work.resolve("after-first-run"), copy);
    Path entry;
    try (Stream<Path> files = Files.list(copy)) {
      entry = files.filter(f -> f.toString().endsWith(".pb")).findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(entry);
    Files.write(entry, Arrays.copyOf(bytes, bytes.length / 2));
    long entries = count(copy);

    Run repaired = run(copy, Fixtures.TINY_CLASSIFIER, "FP32", "ELEMENTWISE");

    assertThat(repaired.log()).contains("removed 1 incomplete entries");
    assertThat(repaired.loaded()).isEqualTo(coldEntries - 1);
    assertThat(count(copy)).isEqualTo(entries);
    assertClose(repaired, uncached);
  }

  private static long count(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(f -> f.toString().endsWith(".pb")).count();
    }
  }

  private static void assertClose(Run actual, Run expected) {
    assertThat(actual.embeddings().keySet()).isEqualTo(expected.embeddings().keySet());
    for (String id : expected.embeddings().keySet()) {
      float[] a = actual.embeddings().get(id);
      float[] e = expected.embeddings().get(id);
      assertThat(a).hasSameSizeAs(e);
      for (int i = 0; i < e.length; i++) {
        assertThat((double) a[i]).as("%s[%d]", id, i).isCloseTo(e[i], within(1e-6));
      }
    }
  }

  private Run run(Path cacheDir, Path model, String precision, String xla) throws Exception {
    Run run = launch(cacheDir, model, precision, xla);
    assertThat(run.embeddings()).as(run.log()).hasSize(CompilationCacheProbe.DOCUMENTS.size());
    return run;
  }

  private Run runExpectingFailure(Path cacheDir) throws Exception {
    Run run = launch(cacheDir, Fixtures.TINY_CLASSIFIER, "FP32", "ELEMENTWISE");
    assertThat(run.embeddings()).isEmpty();
    return run;
  }

  private Run launch(Path cacheDir, Path model, String precision, String xla) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path log = Files.createTempFile(work, "probe", ".log");
    ProcessBuilder builder =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                CompilationCacheProbe.class.getName(),
                model.toString(),
                precision,
                xla)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    env.put("TF_CPP_MIN_LOG_LEVEL", "0");
    env.put("TF_CPP_VMODULE", "device_executable_persistor=1");
    // As bin/xla-flags.sh sets them (the CPU JIT flag only matters to the FULL run).
    env.put(
        "TF_XLA_FLAGS",
        "--tf_xla_cpu_global_jit"
            + (cacheDir == null
                ? ""
                : " --tf_xla_deterministic_cluster_names"
                    + " --tf_xla_persistent_cache_directory="
                    + cacheDir));
    Process process = builder.start();
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    Map<String, float[]> embeddings = new LinkedHashMap<>();
    for (String line : lines) {
      if (line.startsWith("EMBEDDING ")) {
        String[] parts = line.split(" ");
        float[] values = new float[parts.length - 2];
        for (int i = 0; i < values.length; i++) {
          values[i] = Float.parseFloat(parts[i + 2]);
        }
        embeddings.put(parts[1], values);
      }
    }
    long loaded = lines.stream().filter(line -> line.contains(LOADED)).count();
    assertThat(process.exitValue() == 0)
        .as(String.join("\n", lines))
        .isEqualTo(!embeddings.isEmpty());
    return new Run(embeddings, loaded, String.join("\n", lines));
  }
}
