package io.modernbert.model.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A read-only, memory-mapped view of one {@code .safetensors} file.
 *
 * <p>The header is parsed and fully validated by {@link #open(Path)}; afterwards reads cannot fail
 * because of the file's layout, only because of a wrong name or dtype. Tensor data is never copied
 * onto the heap unless a {@code read*} method is asked to: the data section is mapped in chunks of
 * at most {@link Integer#MAX_VALUE} bytes each, so files over 2 GB work. A single tensor larger
 * than 2 GiB is rejected when accessed.
 *
 * <p>Thread safety: all read methods may be called concurrently. {@link #close()} closes the
 * channel; later calls throw {@link IllegalStateException}. The JDK offers no supported way to
 * unmap, so the mapping itself is released when this object becomes unreachable.
 *
 * <p>Why one class of this size: it is the whole reader of one file format (header, dtypes, bounds
 * checks, memory mapping), and its length is mostly the validation that turns a corrupt file into
 * an error naming the tensor.
 */
public final class SafetensorsFile implements AutoCloseable {

  /**
   * Headers beyond this size are taken as a sign of a corrupt or foreign file, not a real model.
   */
  static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(SafetensorsFile.class);
  private static final int LENGTH_PREFIX_BYTES = 8;

  private final Path path;
  private final FileChannel channel;
  private final SafetensorsHeader header;
  private final MappedChunks chunks;
  private volatile boolean closed;

  private SafetensorsFile(Path path, FileChannel channel, int maxChunkBytes) throws IOException {
    this.path = path;
    this.channel = channel;
    long fileSize = channel.size();
    if (fileSize < LENGTH_PREFIX_BYTES) {
      throw notSafetensors("file is " + fileSize + " bytes, shorter than the 8-byte length prefix");
    }
    ByteBuffer prefix = ByteBuffer.allocate(LENGTH_PREFIX_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    readFully(prefix, 0);
    long headerLength = prefix.getLong(0); // u64 on disk: negative here means >= 2^63
    if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
      throw notSafetensors(
          "header length "
              + Long.toUnsignedString(headerLength)
              + " exceeds the "
              + MAX_HEADER_BYTES
              + "-byte limit");
    }
    if (headerLength > fileSize - LENGTH_PREFIX_BYTES) {
      throw notSafetensors(
          "header length "
              + headerLength
              + " exceeds the "
              + (fileSize - LENGTH_PREFIX_BYTES)
              + " bytes after the length prefix");
    }
    byte[] json = new byte[(int) headerLength];
    readFully(ByteBuffer.wrap(json), LENGTH_PREFIX_BYTES);
    long dataOffset = LENGTH_PREFIX_BYTES + headerLength;
    this.header = SafetensorsHeader.parse(path, json, dataOffset, fileSize);
    this.chunks = MappedChunks.map(channel, dataOffset, header.tensors().values(), maxChunkBytes);
    LOG.debug(
        "Opened {}: {} tensors, {} bytes, {} mapped chunk(s)",
        path,
        header.tensors().size(),
        fileSize,
        chunks.chunkCount());
  }

  /**
   * Opens and validates a safetensors file.
   *
   * @throws CheckpointException if the file is missing, unreadable, truncated or malformed; the
   *     message names the file and, where relevant, the tensor
   */
  public static SafetensorsFile open(Path path) {
    return open(path, Integer.MAX_VALUE);
  }

  /** As {@link #open(Path)} with a smaller chunk limit, so tests can exercise multi-chunk files. */
  static SafetensorsFile open(Path path, int maxChunkBytes) {
    Objects.requireNonNull(path, "path");
    if (Files.isDirectory(path)) {
      throw new CheckpointException(path + ": is a directory, not a safetensors file");
    }
    FileChannel channel;
    try {
      channel = FileChannel.open(path, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new CheckpointException(path + ": file not found", e);
    } catch (IOException e) {
      throw new CheckpointException(path + ": cannot open (" + e + ")", e);
    }
    try {
      return new SafetensorsFile(path, channel, maxChunkBytes);
    } catch (IOException e) {
      throw closeAfterFailure(
          channel, new CheckpointException(path + ": cannot read (" + e + ")", e));
    } catch (RuntimeException e) {
      throw closeAfterFailure(channel, e);
    }
  }

  public Path path() {
    return path;
  }

  /** All tensors, sorted by name; unmodifiable. */
  public Map<String, TensorInfo> tensors() {
    return header.tensors();
  }

  /** The header's {@code __metadata__} map in file order; unmodifiable, empty if absent. */
  public Map<String, String> metadata() {
    return header.metadata();
  }

  /**
   * @throws CheckpointException if there is no such tensor
   */
  public TensorInfo info(String name) {
    TensorInfo info = header.tensors().get(name);
    if (info == null) {
      throw new CheckpointException("tensor " + name + " not found in " + path);
    }
    return info;
  }

  /**
   * The tensor's bytes as stored: a read-only, little-endian slice of the mapping with position 0
   * and limit equal to the tensor's byte length. Each call returns an independent buffer.
   */
  public ByteBuffer rawBytes(String name) {
    return data(info(name));
  }

  /**
   * Converts an F32, F16 or BF16 tensor to float32 and puts it into {@code dst} at its position,
   * advancing the position by {@link TensorInfo#elementCount()}.
   *
   * @throws CheckpointException if the tensor is missing or has another dtype
   * @throws IllegalArgumentException if {@code dst} has fewer remaining elements than the tensor
   */
  public void readFloats(String name, FloatBuffer dst) {
    TensorInfo info = info(name);
    SafetensorsDType dtype = info.dtype();
    if (dtype != SafetensorsDType.F32
        && dtype != SafetensorsDType.F16
        && dtype != SafetensorsDType.BF16) {
      throw new CheckpointException(
          path
              + ": tensor "
              + name
              + " has dtype "
              + dtype
              + "; readFloats supports F32, F16 and BF16");
    }
    ByteBuffer src = data(info);
    int count = (int) info.elementCount(); // fits: the byte length is at most Integer.MAX_VALUE
    if (dst.remaining() < count) {
      throw new IllegalArgumentException(
          path
              + ": tensor "
              + name
              + " has "
              + count
              + " elements but the destination buffer has room for "
              + dst.remaining());
    }
    if (dtype == SafetensorsDType.F32) {
      dst.put(src.asFloatBuffer());
    } else if (dtype == SafetensorsDType.F16) {
      for (int i = 0; i < count; i++) {
        dst.put(HalfFloats.halfToFloat(src.getShort(2 * i)));
      }
    } else {
      for (int i = 0; i < count; i++) {
        dst.put(HalfFloats.bf16ToFloat(src.getShort(2 * i)));
      }
    }
  }

  /** Convenience form of {@link #readFloats(String, FloatBuffer)} into a new array. */
  public float[] readFloats(String name) {
    float[] out = new float[(int) info(name).elementCount()];
    readFloats(name, FloatBuffer.wrap(out));
    return out;
  }

  /**
   * Reads an I32 or I64 tensor as ints.
   *
   * @throws CheckpointException if the tensor is missing, has another dtype, or an I64 value does
   *     not fit in an int (the message names the element)
   */
  public int[] readInts(String name) {
    TensorInfo info = info(name);
    ByteBuffer src = data(info);
    int[] out = new int[(int) info.elementCount()];
    switch (info.dtype()) {
      case I32 -> src.asIntBuffer().get(out);
      case I64 -> {
        for (int i = 0; i < out.length; i++) {
          long value = src.getLong(8 * i);
          if (value != (int) value) {
            throw new CheckpointException(
                path
                    + ": tensor "
                    + name
                    + " element "
                    + i
                    + " = "
                    + value
                    + " does not fit in an int");
          }
          out[i] = (int) value;
        }
      }
      default ->
          throw new CheckpointException(
              path
                  + ": tensor "
                  + name
                  + " has dtype "
                  + info.dtype()
                  + "; readInts supports I32 and I64");
    }
    return out;
  }

  @Override
  public void close() {
    closed = true;
    try {
      channel.close();
    } catch (IOException e) {
      throw new CheckpointException(path + ": cannot close (" + e + ")", e);
    }
  }

  @Override
  public String toString() {
    return "SafetensorsFile[" + path + ", " + header.tensors().size() + " tensors]";
  }

  private ByteBuffer data(TensorInfo info) {
    if (closed) {
      throw new IllegalStateException(path + ": closed");
    }
    return chunks.slice(path, info);
  }

  private void readFully(ByteBuffer dst, long position) throws IOException {
    long at = position;
    while (dst.hasRemaining()) {
      int n = channel.read(dst, at);
      if (n < 0) {
        throw notSafetensors("file ended while reading the header at byte " + at);
      }
      at += n;
    }
  }

  private CheckpointException notSafetensors(String detail) {
    return new CheckpointException(path + ": truncated or not a safetensors file (" + detail + ")");
  }

  private static RuntimeException closeAfterFailure(FileChannel channel, RuntimeException failure) {
    try {
      channel.close();
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
    return failure;
  }
}
