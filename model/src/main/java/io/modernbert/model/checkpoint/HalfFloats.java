package io.modernbert.model.checkpoint;

/**
 * Conversions between float32 and the two 16-bit float formats found in checkpoints.
 *
 * <p>Written by hand because {@code Float.float16ToFloat} only exists from Java 20. Halves are
 * passed as the low 16 bits of an {@code int}/{@code short}; the upper bits are ignored on input.
 * Decoding is exact (every half and bfloat16 value is representable as a float). Encoding rounds to
 * nearest, ties to even, overflows to infinity, and keeps NaNs NaN (quiet) with their sign.
 */
public final class HalfFloats {

  private static final float TWO_POW_MINUS_24 = 0x1p-24f;

  private HalfFloats() {}

  /** IEEE 754 binary16 bits to float, including subnormals, infinities and NaN. */
  public static float halfToFloat(int halfBits) {
    int sign = (halfBits & 0x8000) << 16;
    int exponent = (halfBits >>> 10) & 0x1F;
    int mantissa = halfBits & 0x3FF;
    if (exponent == 0x1F) {
      // Infinity (mantissa 0) or NaN; the payload moves to the top of the float mantissa.
      return Float.intBitsToFloat(sign | 0x7F80_0000 | (mantissa << 13));
    }
    if (exponent == 0) {
      // Zero or subnormal: value = mantissa * 2^-24, exactly representable as a float.
      float magnitude = mantissa * TWO_POW_MINUS_24;
      return sign == 0 ? magnitude : -magnitude;
    }
    // Normal: rebias the exponent from 15 to 127.
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  /** Float to IEEE 754 binary16 bits (in the low 16 bits of the result), round to nearest even. */
  public static short floatToHalf(float value) {
    int bits = Float.floatToRawIntBits(value);
    int sign = (bits >>> 16) & 0x8000;
    int exponent = (bits >>> 23) & 0xFF;
    int mantissa = bits & 0x7F_FFFF;
    if (exponent == 0xFF) {
      // Keep NaN a NaN even when its payload lives only in the low bits that get dropped.
      int nan = mantissa == 0 ? 0 : 0x200 | (mantissa >>> 13);
      return (short) (sign | 0x7C00 | nan);
    }
    int halfExponent = exponent - 112;
    if (halfExponent >= 0x1F) {
      return (short) (sign | 0x7C00);
    }
    if (halfExponent <= 0) {
      // Result is a half subnormal (or zero): mantissa24 * 2^(exponent-150) / 2^-24.
      if (halfExponent < -10) {
        return (short) sign; // below half of the smallest subnormal: rounds to zero
      }
      int shift = 14 - halfExponent;
      int rounded = roundShift(mantissa | 0x80_0000, shift);
      // A carry out of the subnormal range yields 0x400, which is the smallest normal: correct.
      return (short) (sign | rounded);
    }
    int rounded = roundShift((halfExponent << 23) | mantissa, 13);
    // A carry from the mantissa propagates into the exponent, up to 0x7C00 = infinity: correct.
    return (short) (sign | rounded);
  }

  /** bfloat16 bits to float: bfloat16 is the upper half of a float32. */
  public static float bf16ToFloat(int bf16Bits) {
    return Float.intBitsToFloat((bf16Bits & 0xFFFF) << 16);
  }

  /** Float to bfloat16 bits, round to nearest even on the upper 16 bits of the float32. */
  public static short floatToBf16(float value) {
    int bits = Float.floatToRawIntBits(value);
    if ((bits & 0x7FFF_FFFF) > 0x7F80_0000) {
      // NaN: force the quiet bit so truncation cannot turn it into infinity.
      return (short) ((bits >>> 16) | 0x0040);
    }
    return (short) (roundShift(bits, 16) & 0xFFFF);
  }

  /** {@code value >>> shift} rounded to nearest, ties to even; requires 1 <= shift <= 30. */
  private static int roundShift(int value, int shift) {
    int kept = value >>> shift;
    int remainder = value & ((1 << shift) - 1);
    int halfway = 1 << (shift - 1);
    if (remainder > halfway || (remainder == halfway && (kept & 1) == 1)) {
      kept++;
    }
    return kept;
  }
}
