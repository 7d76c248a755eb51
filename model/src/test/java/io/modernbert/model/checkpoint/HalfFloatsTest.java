package io.modernbert.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class HalfFloatsTest {

  @Test
  void shouldDecodeKnownHalfBitPatterns() {
    assertThat(HalfFloats.halfToFloat(0x3C00)).isEqualTo(1.0f);
    assertThat(HalfFloats.halfToFloat(0xBC00)).isEqualTo(-1.0f);
    assertThat(HalfFloats.halfToFloat(0x4000)).isEqualTo(2.0f);
    assertThat(HalfFloats.halfToFloat(0x3555)).isEqualTo(0.33325195f);
    assertThat(HalfFloats.halfToFloat(0x7BFF)).isEqualTo(65504.0f);
    assertThat(HalfFloats.halfToFloat(0x0400)).isEqualTo(0x1p-14f);
    assertThat(HalfFloats.halfToFloat(0x0001)).isEqualTo(0x1p-24f);
    assertThat(HalfFloats.halfToFloat(0x03FF)).isEqualTo(1023 * 0x1p-24f);
    assertThat(HalfFloats.halfToFloat(0x8001)).isEqualTo(-0x1p-24f);
    assertThat(HalfFloats.halfToFloat(0x7C00)).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(HalfFloats.halfToFloat(0xFC00)).isEqualTo(Float.NEGATIVE_INFINITY);
    assertThat(HalfFloats.halfToFloat(0x7E00)).isNaN();
    assertThat(HalfFloats.halfToFloat(0x7C01)).isNaN();
    assertThat(Float.floatToRawIntBits(HalfFloats.halfToFloat(0x0000))).isEqualTo(0);
    assertThat(Float.floatToRawIntBits(HalfFloats.halfToFloat(0x8000))).isEqualTo(0x8000_0000);
  }

  @Test
  void shouldDecodeKnownBf16BitPatterns() {
    assertThat(HalfFloats.bf16ToFloat(0x3F80)).isEqualTo(1.0f);
    assertThat(HalfFloats.bf16ToFloat(0xC000)).isEqualTo(-2.0f);
    assertThat(HalfFloats.bf16ToFloat(0x3EAB)).isEqualTo(0.333984375f);
    assertThat(HalfFloats.bf16ToFloat(0x0001)).isEqualTo(0x1p-133f);
    assertThat(HalfFloats.bf16ToFloat(0x7F80)).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(HalfFloats.bf16ToFloat(0xFF80)).isEqualTo(Float.NEGATIVE_INFINITY);
    assertThat(HalfFloats.bf16ToFloat(0x7FC0)).isNaN();
    assertThat(HalfFloats.bf16ToFloat(0xFFFF_3F80)).as("upper bits are ignored").isEqualTo(1.0f);
  }

  @Test
  void shouldRoundTripEveryHalfBitPattern() {
    for (int bits = 0; bits <= 0xFFFF; bits++) {
      float value = HalfFloats.halfToFloat(bits);
      short back = HalfFloats.floatToHalf(value);
      if (Float.isNaN(value)) {
        assertThat(HalfFloats.halfToFloat(back)).as("NaN 0x%04x", bits).isNaN();
      } else {
        assertThat(back & 0xFFFF).as("half 0x%04x", bits).isEqualTo(bits);
      }
    }
  }

  @Test
  void shouldRoundTripEveryBf16BitPattern() {
    for (int bits = 0; bits <= 0xFFFF; bits++) {
      float value = HalfFloats.bf16ToFloat(bits);
      short back = HalfFloats.floatToBf16(value);
      if (Float.isNaN(value)) {
        assertThat(HalfFloats.bf16ToFloat(back)).as("NaN 0x%04x", bits).isNaN();
      } else {
        assertThat(back & 0xFFFF).as("bf16 0x%04x", bits).isEqualTo(bits);
      }
    }
  }

  @Test
  void shouldRoundHalfTiesToEvenAndOverflowToInfinity() {
    assertThat(half(1.0f + 0x1p-11f)).isEqualTo(0x3C00);
    assertThat(half(1.0f + 3 * 0x1p-11f)).isEqualTo(0x3C02);
    assertThat(half(1.0f + 0x1p-11f + 0x1p-20f)).isEqualTo(0x3C01);
    assertThat(half(65519.0f)).isEqualTo(0x7BFF);
    assertThat(half(65520.0f)).isEqualTo(0x7C00);
    assertThat(half(Float.MAX_VALUE)).isEqualTo(0x7C00);
    assertThat(half(-Float.MAX_VALUE)).isEqualTo(0xFC00);
    assertThat(half(Float.NEGATIVE_INFINITY)).isEqualTo(0xFC00);
    assertThat(HalfFloats.halfToFloat(half(Float.NaN))).isNaN();
    assertThat(HalfFloats.halfToFloat(half(Float.intBitsToFloat(0x7F80_0001)))).isNaN();
  }

  @Test
  void shouldRoundIntoAndOutOfTheHalfSubnormalRange() {
    assertThat(half(0x1p-25f)).as("tie between 0 and the smallest subnormal").isEqualTo(0x0000);
    assertThat(half(Math.nextUp(0x1p-25f))).isEqualTo(0x0001);
    assertThat(half(3 * 0x1p-25f)).as("tie between 1 and 2 ulps").isEqualTo(0x0002);
    assertThat(half(-0x1p-24f)).isEqualTo(0x8001);
    assertThat(half(1e-10f)).isEqualTo(0x0000);
    assertThat(half(-1e-10f)).isEqualTo(0x8000);
    assertThat(half(Float.MIN_VALUE)).isEqualTo(0x0000);
    assertThat(half(0x1p-14f - 0x1p-26f))
        .as("rounds up into the smallest normal")
        .isEqualTo(0x0400);
  }

  @Test
  void shouldRoundHalfToTheNearestRepresentableValue() {
    Random random = new Random(42);
    for (int i = 0; i < 200_000; i++) {
      // Magnitudes from 2^-28 (below the subnormals) to 2^14 (below the overflow threshold).
      float value = (float) ((random.nextDouble() * 2 - 1) * Math.pow(2, random.nextInt(43) - 28));
      short encoded = HalfFloats.floatToHalf(value);
      double error = Math.abs((double) HalfFloats.halfToFloat(encoded) - value);
      for (int neighbour : new int[] {encoded - 1, encoded + 1}) {
        float other = HalfFloats.halfToFloat(neighbour);
        if (!Float.isNaN(other) && (neighbour & 0x8000) == (encoded & 0x8000)) {
          assertThat(error)
              .as("value %s", value)
              .isLessThanOrEqualTo(Math.abs((double) other - value));
        }
      }
    }
  }

  @Test
  void shouldRoundBf16TiesToEven() {
    assertThat(bf16(1.0f + 0x1p-8f)).isEqualTo(0x3F80);
    assertThat(bf16(1.0f + 3 * 0x1p-8f)).isEqualTo(0x3F82);
    assertThat(bf16(Float.intBitsToFloat(0x3F80_8001))).isEqualTo(0x3F81);
    assertThat(bf16(Float.intBitsToFloat(0x3F80_7FFF))).isEqualTo(0x3F80);
    assertThat(bf16(Float.MAX_VALUE)).isEqualTo(0x7F80);
    assertThat(bf16(-1.0f)).isEqualTo(0xBF80);
    assertThat(HalfFloats.bf16ToFloat(bf16(Float.intBitsToFloat(0x7F80_0001)))).isNaN();
    assertThat(HalfFloats.bf16ToFloat(bf16(Float.intBitsToFloat(0xFFFF_FFFF)))).isNaN();
  }

  private static int half(float value) {
    return HalfFloats.floatToHalf(value) & 0xFFFF;
  }

  private static int bf16(float value) {
    return HalfFloats.floatToBf16(value) & 0xFFFF;
  }
}
