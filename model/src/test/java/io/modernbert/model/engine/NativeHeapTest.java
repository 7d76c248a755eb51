package io.modernbert.model.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Platform;
import org.junit.jupiter.api.Test;

class NativeHeapTest {
  @Test
  void shouldTrimGlibcsHeapOnLinuxAndDoNothingElsewhere() {
    // The project builds and runs on glibc Linux (CI, the image); elsewhere trim is a no-op.
    assertThat(NativeHeap.trim()).isEqualTo(Platform.isLinux());
    assertThat(NativeHeap.trim()).as("again").isEqualTo(Platform.isLinux());
  }
}
