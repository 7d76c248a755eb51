package io.modernbert.model.checkpoint;

import static io.modernbert.model.checkpoint.SafetensorsTestFiles.raw;
import static io.modernbert.model.checkpoint.SafetensorsTestFiles.withLengthPrefix;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way {@link SafetensorsFile#open} refuses a file, and that each message names the file. */
class SafetensorsFileValidationTest {

  private static final String ONE_F32 =
      "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";

  @TempDir Path dir;

  @Test
  void shouldReportAMissingFile() {
    Path file = dir.resolve("absent.safetensors");
    assertOpenFails(file).hasMessage(file + ": file not found");
  }

  @Test
  void shouldReportAFileShorterThanTheLengthPrefix() throws IOException {
    Path file = Files.write(dir.resolve("short.safetensors"), new byte[] {1, 2, 3});
    assertOpenFails(file).hasMessageContaining("truncated or not a safetensors file");
  }

  @Test
  void shouldReportAHeaderLengthPastTheEndOfTheFile() throws IOException {
    Path file = withLengthPrefix(dir.resolve("past.safetensors"), 500, "{}".getBytes());
    assertOpenFails(file)
        .hasMessageContaining("truncated or not a safetensors file")
        .hasMessageContaining("500");
  }

  @Test
  void shouldReportAnAbsurdHeaderLengthWithoutAllocatingIt() throws IOException {
    Path huge = withLengthPrefix(dir.resolve("huge.safetensors"), 200L * 1024 * 1024, new byte[16]);
    assertOpenFails(huge).hasMessageContaining("truncated or not a safetensors file");
    Path negative = withLengthPrefix(dir.resolve("u64.safetensors"), -1L, new byte[16]);
    assertOpenFails(negative)
        .hasMessageContaining("truncated or not a safetensors file")
        .hasMessageContaining("18446744073709551615");
  }

  @Test
  void shouldReportATensorCutOffInTheDataSection() throws IOException {
    Path file = dir.resolve("cut.safetensors");
    SafetensorsWriter.write(
        file,
        Map.of("a", new float[4], "b", new float[4]),
        Map.of("a", new long[] {4}, "b", new long[] {4}),
        SafetensorsDType.F32,
        Map.of());
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length - 5));
    assertOpenFails(file)
        .hasMessage(
            file
                + ": truncated: tensor b needs bytes up to "
                + bytes.length
                + ", file has "
                + (bytes.length - 5));
  }

  @Test
  void shouldReportAHeaderThatIsNotJson() throws IOException {
    Path file = raw(dir.resolve("json.safetensors"), "{\"w\": {\"dtype\": ", new byte[8]);
    assertOpenFails(file).hasMessageContaining("bad header").hasMessageContaining("not valid JSON");
  }

  @Test
  void shouldReportAHeaderThatIsNotAnObject() throws IOException {
    Path file = raw(dir.resolve("array.safetensors"), "[1, 2]", new byte[0]);
    assertOpenFails(file).hasMessageContaining("bad header: expected a JSON object");
  }

  @Test
  void shouldReportDuplicateTensorNames() throws IOException {
    Path file =
        raw(
            dir.resolve("dup.safetensors"),
            ONE_F32.replace("}}", "}," + ONE_F32.substring(1)),
            new byte[8]);
    assertOpenFails(file).hasMessageContaining("bad header").hasMessageContaining("w");
  }

  @Test
  void shouldReportAnUnknownDtype() throws IOException {
    Path file = raw(dir.resolve("dtype.safetensors"), ONE_F32.replace("F32", "Q4_K"), new byte[8]);
    assertOpenFails(file).hasMessage(file + ": bad header: tensor 'w' has unknown dtype 'Q4_K'");
  }

  @Test
  void shouldReportMissingTensorFields() throws IOException {
    String[][] cases = {
      {"\"dtype\":\"F32\",", "dtype"},
      {"\"shape\":[2],", "shape"},
      {",\"data_offsets\":[0,8]", "data_offsets"},
    };
    for (String[] c : cases) {
      Path file =
          raw(dir.resolve("no-" + c[1] + ".safetensors"), ONE_F32.replace(c[0], ""), new byte[8]);
      assertOpenFails(file).hasMessageContaining("bad header: tensor 'w' has no " + c[1]);
    }
  }

  @Test
  void shouldReportMalformedShapesAndOffsets() throws IOException {
    String[] headers = {
      ONE_F32.replace("[2]", "[-2]"),
      ONE_F32.replace("[2]", "[\"2\"]"),
      ONE_F32.replace("[0,8]", "[0,8,16]"),
      ONE_F32.replace("[0,8]", "[8,0]"),
      ONE_F32.replace("[0,8]", "[0.5,8]"),
      "{\"w\":\"F32\"}",
    };
    for (int i = 0; i < headers.length; i++) {
      Path file = raw(dir.resolve("malformed-" + i + ".safetensors"), headers[i], new byte[8]);
      assertOpenFails(file).hasMessageContaining("bad header: tensor 'w'");
    }
  }

  @Test
  void shouldReportDataOffsetsThatDisagreeWithDtypeAndShape() throws IOException {
    Path file =
        raw(
            dir.resolve("size.safetensors"),
            ONE_F32
                .replace("[2]", "[3]")
                .replace(
                    "}}",
                    "},\"ok\":{\"dtype\":\"I32\",\"shape\":[]," + "\"data_offsets\":[8,12]}}"),
            new byte[12]);
    assertOpenFails(file)
        .hasMessage(
            file
                + ": bad header: tensor 'w' has data_offsets [0, 8] spanning"
                + " 8 bytes, but F32 [3] needs 12 bytes");
  }

  @Test
  void shouldReportMetadataThatIsNotStringToString() throws IOException {
    Path file =
        raw(
            dir.resolve("meta.safetensors"),
            ONE_F32.replace("{\"w\"", "{\"__metadata__\":{\"total\":5},\"w\""),
            new byte[8]);
    assertOpenFails(file).hasMessageContaining("bad header: __metadata__ value for 'total'");
  }

  @Test
  void shouldReportADirectory() {
    assertOpenFails(dir).hasMessageContaining("is a directory");
  }

  /** Opens {@code file} expecting failure, and checks the one rule every message obeys. */
  private static AbstractThrowableAssert<?, ? extends Throwable> assertOpenFails(Path file) {
    return assertThatThrownBy(() -> SafetensorsFile.open(file).close())
        .isInstanceOf(CheckpointException.class)
        .hasMessageStartingWith(file.toString());
  }
}
