package io.modernbert.stream.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class InputLimitsTest {
  @Test
  void shouldBoundAttributesInCountAndBytes() {
    Map<String, String> many = new java.util.HashMap<>();
    for (int i = 0; i <= InputLimits.MAX_ATTRIBUTES; i++) {
      many.put("k" + i, "v");
    }
    assertThat(InputLimits.attributesProblem(many))
        .hasValueSatisfying(p -> assertThat(p).contains("65 attributes"));
    assertThat(InputLimits.attributesProblem(Map.of("k", "é".repeat(9_000))))
        .hasValueSatisfying(p -> assertThat(p).contains("18001 bytes"));
    assertThat(InputLimits.attributesProblem(Map.of("k", "v".repeat(16_000)))).isEmpty();
  }

  @Test
  void shouldBoundKeysInUtf8Bytes() {
    assertThat(InputLimits.keyProblem("key", "k".repeat(InputLimits.MAX_KEY_BYTES))).isEmpty();
    assertThat(InputLimits.keyProblem("id", "é".repeat(InputLimits.MAX_KEY_BYTES / 2 + 1)))
        .hasValueSatisfying(p -> assertThat(p).startsWith("an id of 16386 bytes"));
    assertThat(InputLimits.keyProblem("key", null)).isEmpty();
  }
}
