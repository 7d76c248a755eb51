package io.modernbert.model.checkpoint;

import static io.modernbert.model.checkpoint.SafetensorsTestFiles.concat;
import static io.modernbert.model.checkpoint.SafetensorsTestFiles.ints;
import static io.modernbert.model.checkpoint.SafetensorsTestFiles.longs;
import static io.modernbert.model.checkpoint.SafetensorsTestFiles.raw;
import static io.modernbert.model.checkpoint.SafetensorsTestFiles.shorts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {

  @TempDir Path dir;

  @Test
  void shouldRoundTripF32ExactlyWithMetadataAndSortedNames() throws IOException {
    Map<String, float[]> values = new LinkedHashMap<>();
    Map<String, long[]> shapes = new LinkedHashMap<>();
    add(
        values,
        shapes,
        "z.weight",
        new float[] {1.5f, -2.25f, Float.MIN_VALUE, Float.MAX_VALUE, -0.0f, 3e-40f},
        2,
        3);
    add(values, shapes, "a.bias", new float[] {Float.NaN, Float.NEGATIVE_INFINITY}, 2);
    add(values, shapes, "m.scalar", new float[] {42f});
    add(values, shapes, "m.empty", new float[0], 0, 4);
    Path file = dir.resolve("f32.safetensors");
    SafetensorsWriter.write(
        file, values, shapes, SafetensorsDType.F32, Map.of("format", "pt", "note", "é"));

    long headerLength =
        ByteBuffer.wrap(Files.readAllBytes(file), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertThat(headerLength % 8).as("header padded to 8 bytes").isZero();
    try (SafetensorsFile st = SafetensorsFile.open(file)) {
      assertThat(st.path()).isEqualTo(file);
      assertThat(st.metadata()).containsExactly(Map.entry("format", "pt"), Map.entry("note", "é"));
      assertThat(st.tensors().keySet())
          .containsExactly("a.bias", "m.empty", "m.scalar", "z.weight");
      TensorInfo weight = st.info("z.weight");
      assertThat(weight.dtype()).isEqualTo(SafetensorsDType.F32);
      assertThat(weight.shape()).containsExactly(2, 3);
      assertThat(weight.elementCount()).isEqualTo(6);
      assertThat(st.info("m.scalar").shape()).isEmpty();
      assertThat(st.info("m.scalar").elementCount()).isEqualTo(1);
      assertThat(st.info("a.bias").begin()).as("tensors packed in name order").isZero();
      for (String name : values.keySet()) {
        assertThat(st.readFloats(name)).as(name).containsExactly(values.get(name));
      }
    }
  }

  @Test
  void shouldRoundTripF16AndBf16ToTheNearestRepresentableValues() {
    Random random = new Random(7);
    float[] data = new float[1000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) ((random.nextDouble() * 2 - 1) * Math.pow(10, random.nextInt(8) - 5));
    }
    for (SafetensorsDType dtype :
        new SafetensorsDType[] {SafetensorsDType.F16, SafetensorsDType.BF16}) {
      Path file = dir.resolve(dtype + ".safetensors");
      SafetensorsWriter.write(
          file, Map.of("t", data), Map.of("t", new long[] {10, 100}), dtype, null);
      try (SafetensorsFile st = SafetensorsFile.open(file)) {
        assertThat(st.info("t").dtype()).isEqualTo(dtype);
        assertThat(st.info("t").byteLength()).isEqualTo(2000);
        assertThat(st.metadata()).isEmpty();
        float[] back = st.readFloats("t");
        double relative = dtype == SafetensorsDType.F16 ? 0x1p-11 : 0x1p-8;
        for (int i = 0; i < data.length; i++) {
          float expected =
              dtype == SafetensorsDType.F16
                  ? HalfFloats.halfToFloat(HalfFloats.floatToHalf(data[i]))
                  : HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(data[i]));
          assertThat(back[i]).isEqualTo(expected);
          assertThat((double) back[i])
              .isCloseTo(data[i], offset(Math.abs(data[i]) * relative + 0x1p-24));
        }
      }
    }
  }

  @Test
  void shouldDecodeKnownHalfAndBf16BitPatternsFromAFile() throws IOException {
    Path file =
        raw(
            dir.resolve("bits.safetensors"),
            "{\"b\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[0,6]},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[6,14]}}",
            shorts(0x3F80, 0xC000, 0x7F80, 0x3C00, 0x7C00, 0x0001, 0xFC00));
    try (SafetensorsFile st = SafetensorsFile.open(file)) {
      assertThat(st.readFloats("b")).containsExactly(1.0f, -2.0f, Float.POSITIVE_INFINITY);
      assertThat(st.readFloats("h"))
          .containsExactly(1.0f, Float.POSITIVE_INFINITY, 0x1p-24f, Float.NEGATIVE_INFINITY);
    }
  }

  @Test
  void shouldReadI32AndI64AsInts() throws IOException {
    Path file =
        raw(
            dir.resolve("ints.safetensors"),
            "{\"i32\":{\"dtype\":\"I32\",\"shape\":[3],\"data_offsets\":[0,12]},"
                + "\"i64\":{\"dtype\":\"I64\",\"shape\":[1,3],\"data_offsets\":[16,40]}}",
            concat(
                ints(50281, -1, Integer.MAX_VALUE),
                new byte[4],
                longs(Integer.MIN_VALUE, 0, 50282)));
    try (SafetensorsFile st = SafetensorsFile.open(file)) {
      assertThat(st.readInts("i32")).containsExactly(50281, -1, Integer.MAX_VALUE);
      assertThat(st.readInts("i64")).containsExactly(Integer.MIN_VALUE, 0, 50282);
      assertThatThrownBy(() -> st.readFloats("i32"))
          .isInstanceOf(CheckpointException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("i32")
          .hasMessageContaining("I32");
    }
  }

  @Test
  void shouldRejectI64ValuesThatDoNotFitInAnInt() throws IOException {
    Path file =
        raw(
            dir.resolve("big.safetensors"),
            "{\"ids\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}}",
            longs(1, 1L << 31));
    try (SafetensorsFile st = SafetensorsFile.open(file)) {
      assertThatThrownBy(() -> st.readInts("ids"))
          .isInstanceOf(CheckpointException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("tensor ids element 1 = 2147483648");
    }
  }

  @Test
  void shouldExposeRawBytesAsIndependentReadOnlyLittleEndianSlices() throws IOException {
    Path file =
        raw(
            dir.resolve("raw.safetensors"),
            "{\"a\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
            ints(7, 0x01020304, -5));
    try (SafetensorsFile st = SafetensorsFile.open(file)) {
      ByteBuffer b = st.rawBytes("b");
      assertThat(b.isReadOnly()).isTrue();
      assertThat(b.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
      assertThat(b.position()).isZero();
      assertThat(b.remaining()).isEqualTo(8);
      assertThat(b.get(0)).isEqualTo((byte) 0x04);
      assertThat(b.getInt()).isEqualTo(0x01020304);
      assertThat(st.rawBytes("b").position()).as("fresh buffer per call").isZero();
    }
  }

  @Test
  void shouldFillAFloatBufferFromItsPositionAndRejectOneThatIsTooSmall() {
    Path file = dir.resolve("buf.safetensors");
    SafetensorsWriter.write(
        file,
        Map.of("t", new float[] {1, 2, 3}),
        Map.of("t", new long[] {3}),
        SafetensorsDType.BF16,
        Map.of());
    try (SafetensorsFile st = SafetensorsFile.open(file)) {
      FloatBuffer dst = FloatBuffer.allocate(5);
      dst.put(9f);
      st.readFloats("t", dst);
      assertThat(dst.position()).isEqualTo(4);
      assertThat(dst.array()).containsExactly(9f, 1f, 2f, 3f, 0f);
      assertThatThrownBy(() -> st.readFloats("t", FloatBuffer.allocate(2)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("tensor t");
    }
  }

  @Test
  void shouldMapTensorsInSeveralChunksAndRejectOnlyATensorLargerThanAChunk() {
    Map<String, float[]> values = new LinkedHashMap<>();
    Map<String, long[]> shapes = new LinkedHashMap<>();
    for (int t = 0; t < 5; t++) {
      float[] data = new float[10];
      for (int i = 0; i < data.length; i++) {
        data[i] = t * 100 + i;
      }
      add(values, shapes, "t" + t, data, 10);
    }
    add(values, shapes, "t9.huge", new float[30], 30);
    Path file = dir.resolve("chunks.safetensors");
    SafetensorsWriter.write(file, values, shapes, SafetensorsDType.F32, Map.of());
    try (SafetensorsFile st = SafetensorsFile.open(file, 100)) {
      for (int t = 0; t < 5; t++) {
        assertThat(st.readFloats("t" + t)).containsExactly(values.get("t" + t));
      }
      assertThatThrownBy(() -> st.readFloats("t9.huge"))
          .isInstanceOf(CheckpointException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("t9.huge");
    }
  }

  @Test
  void shouldNameFileAndTensorWhenTheTensorIsUnknownAndRefuseReadsAfterClose() {
    Path file = dir.resolve("one.safetensors");
    SafetensorsWriter.write(
        file,
        Map.of("x", new float[] {1}),
        Map.of("x", new long[] {1}),
        SafetensorsDType.F32,
        Map.of());
    SafetensorsFile st = SafetensorsFile.open(file);
    assertThatThrownBy(() -> st.readFloats("nope"))
        .isInstanceOf(CheckpointException.class)
        .hasMessage("tensor nope not found in " + file);
    st.close();
    assertThatThrownBy(() -> st.readFloats("x"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(file.toString());
  }

  private static void add(
      Map<String, float[]> values,
      Map<String, long[]> shapes,
      String name,
      float[] data,
      long... shape) {
    values.put(name, data);
    shapes.put(name, shape);
  }
}
