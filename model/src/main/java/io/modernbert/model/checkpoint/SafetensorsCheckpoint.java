package io.modernbert.model.checkpoint;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All safetensors files of one model directory seen as a single set of tensors.
 *
 * <p>With a {@value #INDEX_FILE} the index is authoritative: exactly the tensors in its {@code
 * weight_map} are exposed, each read from the shard it names; tensors a shard holds beyond that are
 * ignored (and logged). Without an index, {@value #SINGLE_FILE} is the whole checkpoint. Thread
 * safety is that of {@link SafetensorsFile}: reads may run concurrently.
 */
public final class SafetensorsCheckpoint implements AutoCloseable {

  public static final String SINGLE_FILE = "model.safetensors";
  public static final String INDEX_FILE = "model.safetensors.index.json";

  private static final Logger LOG = LoggerFactory.getLogger(SafetensorsCheckpoint.class);
  private static final ObjectReader JSON =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .reader(); // immutable, thread-safe

  private final Path directory;
  private final List<SafetensorsFile> shards;
  private final Map<String, SafetensorsFile> owners;
  private final Map<String, TensorInfo> tensors;

  private SafetensorsCheckpoint(
      Path directory, List<SafetensorsFile> shards, Map<String, SafetensorsFile> owners) {
    this.directory = directory;
    this.shards = List.copyOf(shards);
    this.owners = Collections.unmodifiableMap(new TreeMap<>(owners));
    Map<String, TensorInfo> infos = new TreeMap<>();
    owners.forEach((name, shard) -> infos.put(name, shard.info(name)));
    this.tensors = Collections.unmodifiableMap(infos);
  }

  /**
   * Opens the checkpoint in {@code modelDir}: the shards listed by {@value #INDEX_FILE} if it
   * exists, otherwise {@value #SINGLE_FILE}.
   *
   * @throws CheckpointException if neither exists, the index is malformed, a shard is missing or
   *     invalid, or a listed tensor is absent from its shard
   */
  public static SafetensorsCheckpoint open(Path modelDir) {
    Objects.requireNonNull(modelDir, "modelDir");
    Path index = modelDir.resolve(INDEX_FILE);
    if (Files.exists(index)) {
      return openSharded(modelDir, index);
    }
    Path single = modelDir.resolve(SINGLE_FILE);
    if (!Files.exists(single)) {
      throw new CheckpointException("no " + SINGLE_FILE + " or " + INDEX_FILE + " in " + modelDir);
    }
    SafetensorsFile file = SafetensorsFile.open(single);
    Map<String, SafetensorsFile> owners = new LinkedHashMap<>();
    file.tensors().keySet().forEach(name -> owners.put(name, file));
    return new SafetensorsCheckpoint(modelDir, List.of(file), owners);
  }

  private static SafetensorsCheckpoint openSharded(Path modelDir, Path index) {
    Map<String, String> weightMap = readWeightMap(index);
    Map<String, SafetensorsFile> byShardName = new LinkedHashMap<>();
    try {
      Map<String, SafetensorsFile> owners = new LinkedHashMap<>();
      for (Map.Entry<String, String> entry : weightMap.entrySet()) {
        String tensor = entry.getKey();
        String shardName = entry.getValue();
        SafetensorsFile shard = byShardName.get(shardName);
        if (shard == null) {
          shard = openShard(modelDir, index, shardName, tensor);
          byShardName.put(shardName, shard);
        }
        if (!shard.tensors().containsKey(tensor)) {
          throw new CheckpointException(
              index
                  + ": tensor "
                  + tensor
                  + " is mapped to shard "
                  + shard.path()
                  + ", which does not contain it");
        }
        owners.put(tensor, shard);
      }
      for (SafetensorsFile shard : byShardName.values()) {
        long extra = shard.tensors().keySet().stream().filter(n -> owners.get(n) != shard).count();
        if (extra > 0) {
          LOG.warn(
              "{} holds {} tensor(s) not assigned to it by {}; ignoring them",
              shard.path(),
              extra,
              index);
        }
      }
      return new SafetensorsCheckpoint(modelDir, new ArrayList<>(byShardName.values()), owners);
    } catch (RuntimeException e) {
      closeAll(byShardName.values(), e);
      throw e;
    }
  }

  private static SafetensorsFile openShard(
      Path modelDir, Path index, String shardName, String tensor) {
    Path shardPath = modelDir.resolve(shardName).normalize();
    // Shard names are plain file names; refuse anything that points outside the model directory.
    if (!shardPath.startsWith(modelDir.normalize())) {
      throw new CheckpointException(
          index
              + ": shard "
              + shardName
              + " (for tensor "
              + tensor
              + ") points outside "
              + modelDir);
    }
    if (!Files.exists(shardPath)) {
      throw new CheckpointException(
          index
              + ": shard "
              + shardName
              + " (for tensor "
              + tensor
              + ") is missing: "
              + shardPath
              + " does not exist");
    }
    return SafetensorsFile.open(shardPath);
  }

  /** The {@code weight_map} in name order. */
  private static Map<String, String> readWeightMap(Path index) {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readAllBytes(index));
    } catch (IOException e) {
      throw new CheckpointException(index + ": bad index: cannot read or parse (" + e + ")", e);
    }
    JsonNode weightMap = root == null ? null : root.get("weight_map");
    if (weightMap == null || !weightMap.isObject()) {
      throw new CheckpointException(index + ": bad index: no weight_map object");
    }
    Map<String, String> result = new TreeMap<>();
    for (Map.Entry<String, JsonNode> entry : weightMap.properties()) {
      if (!entry.getValue().isTextual()) {
        throw new CheckpointException(
            index
                + ": bad index: weight_map entry for tensor "
                + entry.getKey()
                + " is not a file name");
      }
      result.put(entry.getKey(), entry.getValue().textValue());
    }
    return result;
  }

  public Path directory() {
    return directory;
  }

  /** All tensors across all shards, sorted by name; unmodifiable. */
  public Map<String, TensorInfo> tensors() {
    return tensors;
  }

  /**
   * @throws CheckpointException naming the tensor and this directory if it does not exist
   */
  public TensorInfo info(String name) {
    TensorInfo info = tensors.get(name);
    if (info == null) {
      throw new CheckpointException("tensor " + name + " not found in " + directory);
    }
    return info;
  }

  /** See {@link SafetensorsFile#readFloats(String, FloatBuffer)}. */
  public void readFloats(String name, FloatBuffer dst) {
    owner(name).readFloats(name, dst);
  }

  /** See {@link SafetensorsFile#readFloats(String)}. */
  public float[] readFloats(String name) {
    return owner(name).readFloats(name);
  }

  /** See {@link SafetensorsFile#readInts(String)}. */
  public int[] readInts(String name) {
    return owner(name).readInts(name);
  }

  /** Closes every shard; if several fail, the first failure carries the others as suppressed. */
  @Override
  public void close() {
    CheckpointException failure = null;
    for (SafetensorsFile shard : shards) {
      try {
        shard.close();
      } catch (CheckpointException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private SafetensorsFile owner(String name) {
    info(name); // uniform "not found in <dir>" message
    return owners.get(name);
  }

  private static void closeAll(Iterable<SafetensorsFile> files, RuntimeException failure) {
    for (SafetensorsFile file : files) {
      try {
        file.close();
      } catch (RuntimeException e) {
        failure.addSuppressed(e);
      }
    }
  }
}
