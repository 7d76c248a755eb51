package io.modernbert.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcessMemoryTest {
  @Test
  void shouldReadResidentPeakAndAvailableMemory() {
    String status = "Name:\tjava\nVmHWM:\t 4101562 kB\nVmRSS:\t 3027343 kB\nThreads:\t40\n";
    String meminfo = "MemTotal:       24414062 kB\nMemFree: 1 kB\nMemAvailable:   17578125 kB\n";

    assertThat(ProcessMemory.describe(status, meminfo))
        .isEqualTo("resident 3.1 GB, peak 4.2 GB; machine 25.0 GB, 18.0 GB available");
  }

  @Test
  void shouldSayNaNForAFieldItCannotFind() {
    assertThat(ProcessMemory.describe("VmRSS:\t 1000000 kB\n", ""))
        .isEqualTo("resident 1.0 GB, peak NaN GB; machine NaN GB, NaN GB available");
  }
}
