package io.modernbert.model.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The data section of a safetensors file, mapped read-only as a few large chunks.
 *
 * <p>A {@link ByteBuffer} addresses at most {@link Integer#MAX_VALUE} bytes, so one mapping cannot
 * cover a large checkpoint. Tensors are grouped greedily in offset order into chunks no larger than
 * the limit, and every tensor lies entirely inside one chunk, so a tensor is always a plain slice.
 * Mapping is lazy in the OS (pages load on first touch), so mapping everything up front costs only
 * address space. A tensor larger than the limit gets no chunk and is rejected when accessed.
 *
 * <p>Immutable after construction; slicing uses absolute indices, so concurrent use is safe.
 */
final class MappedChunks {

  private record Location(ByteBuffer chunk, int offset) {}

  private final Map<String, Location> locations;
  private final int chunkCount;
  private final int maxChunkBytes;

  private MappedChunks(Map<String, Location> locations, int chunkCount, int maxChunkBytes) {
    this.locations = locations;
    this.chunkCount = chunkCount;
    this.maxChunkBytes = maxChunkBytes;
  }

  /**
   * @param dataOffset absolute file offset of the data section
   * @param tensors validated tensors, all lying inside the file
   */
  static MappedChunks map(
      FileChannel channel, long dataOffset, Collection<TensorInfo> tensors, int maxChunkBytes)
      throws IOException {
    List<TensorInfo> byOffset = new ArrayList<>(tensors);
    byOffset.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
    Map<String, Location> locations = new HashMap<>();
    int chunkCount = 0;
    int i = 0;
    while (i < byOffset.size()) {
      TensorInfo first = byOffset.get(i);
      if (first.byteLength() > maxChunkBytes) {
        i++; // too large for any buffer; slice() reports it by name
        continue;
      }
      long start = first.begin();
      long end = first.end();
      int j = i + 1;
      // Tensors may overlap in principle, so the chunk end is the running maximum.
      while (j < byOffset.size() && Math.max(end, byOffset.get(j).end()) - start <= maxChunkBytes) {
        end = Math.max(end, byOffset.get(j).end());
        j++;
      }
      MappedByteBuffer chunk =
          channel.map(FileChannel.MapMode.READ_ONLY, dataOffset + start, end - start);
      chunkCount++;
      for (int k = i; k < j; k++) {
        TensorInfo tensor = byOffset.get(k);
        locations.put(tensor.name(), new Location(chunk, (int) (tensor.begin() - start)));
      }
      i = j;
    }
    return new MappedChunks(Map.copyOf(locations), chunkCount, maxChunkBytes);
  }

  int chunkCount() {
    return chunkCount;
  }

  /** A read-only little-endian view of the tensor's bytes; {@code file} is for error messages. */
  ByteBuffer slice(Path file, TensorInfo tensor) {
    Location location = locations.get(tensor.name());
    if (location == null) {
      throw new CheckpointException(
          file
              + ": tensor "
              + tensor.name()
              + " is "
              + tensor.byteLength()
              + " bytes; tensors larger than "
              + maxChunkBytes
              + " bytes cannot be addressed by a single buffer");
    }
    // slice() resets the byte order to big-endian, so set it on the slice itself.
    return location
        .chunk()
        .slice(location.offset(), (int) tensor.byteLength())
        .asReadOnlyBuffer()
        .order(ByteOrder.LITTLE_ENDIAN);
  }
}
