package io.modernbert.model.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BatchShapeTest {
  @Test
  void shouldListPowerOfTwoRowsAndTheIntermediateLengthWithinTheBudget() {
    List<BatchShape> shapes = BatchShape.standardSet(8192, 8192, 64);

    assertThat(shapes).hasSize(31).allMatch(shape -> shape.slots() <= 8192);
    assertThat(shapes)
        .filteredOn(shape -> shape.length() == BatchShape.INTERMEDIATE_LENGTH)
        .containsExactly(new BatchShape(1, 1536), new BatchShape(2, 1536), new BatchShape(4, 1536));
    assertThat(shapes).contains(new BatchShape(64, 128), new BatchShape(1, 8192));
    assertThat(shapes.stream().map(BatchShape::length).distinct())
        .as("row lengths in increasing order")
        .containsExactly(128, 256, 512, 1024, 1536, 2048, 4096, 8192);
  }

  @Test
  void shouldStopAtTheFirstLengthThatHoldsTheLongestDocument() {
    assertThat(BatchShape.standardSet(1024, 1024, 64).stream().map(BatchShape::length).distinct())
        .containsExactly(128, 256, 512, 1024);
    assertThat(BatchShape.standardSet(8192, 1200, 64).stream().map(BatchShape::length).distinct())
        .as("1,536 holds 1,200 tokens")
        .containsExactly(128, 256, 512, 1024, 1536);
  }

  @Test
  void shouldLeaveOutTheIntermediateLengthWhenTheAttentionBlockDoesNotDivideIt() {
    assertThat(BatchShape.standardSet(8192, 8192, 1024).stream().map(BatchShape::length))
        .doesNotContain(1536)
        .contains(1024, 2048);
  }
}
