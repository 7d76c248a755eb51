package io.modernbert.model.checkpoint;

import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor entry of a safetensors header.
 *
 * <p>{@code begin} and {@code end} are byte offsets relative to the start of the data section, end
 * exclusive, exactly as stored in {@code data_offsets}. The shape array is copied on the way in and
 * on the way out, so instances are truly immutable. A shape of length 0 denotes a scalar (one
 * element).
 *
 * @param name tensor name as stored in the header
 * @param dtype element type
 * @param shape dimensions, outermost first; every dimension is {@code >= 0}
 * @param begin first byte, relative to the data section
 * @param end one past the last byte, relative to the data section; {@code end >= begin}
 */
public record TensorInfo(String name, SafetensorsDType dtype, long[] shape, long begin, long end) {

  public TensorInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(dtype, "dtype");
    shape = Objects.requireNonNull(shape, "shape").clone();
    for (long dim : shape) {
      if (dim < 0) {
        throw new IllegalArgumentException(
            "tensor " + name + ": negative dimension in shape " + Arrays.toString(shape));
      }
    }
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException(
          "tensor " + name + ": invalid byte range [" + begin + ", " + end + ")");
    }
  }

  /** Returns a copy; callers may modify it freely. */
  @Override
  public long[] shape() {
    return shape.clone();
  }

  /**
   * Number of elements, the product of the dimensions.
   *
   * @throws ArithmeticException if the product overflows a long
   */
  public long elementCount() {
    long count = 1;
    for (long dim : shape) {
      count = Math.multiplyExact(count, dim);
    }
    return count;
  }

  /** Size of the tensor's data in bytes, {@code end - begin}. */
  public long byteLength() {
    return end - begin;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TensorInfo that
        && name.equals(that.name)
        && dtype == that.dtype
        && Arrays.equals(shape, that.shape)
        && begin == that.begin
        && end == that.end;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, dtype, Arrays.hashCode(shape), begin, end);
  }

  @Override
  public String toString() {
    return "TensorInfo["
        + name
        + ", "
        + dtype
        + ", "
        + Arrays.toString(shape)
        + ", ["
        + begin
        + ", "
        + end
        + ")]";
  }
}
