package io.modernbert.stream.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** API keys: inline and from a file, reloaded when the file changes, compared by digest. */
class ApiKeysTest {
  @TempDir Path dir;

  private Path write(Path file, String content, Instant modified) throws Exception {
    Files.writeString(file, content);
    // Set explicitly: two writes within one tick of the file system's clock look unchanged.
    Files.setLastModifiedTime(file, FileTime.from(modified));
    return file;
  }

  @Test
  void shouldAcceptEveryInlineKeyAndEveryKeyOfTheFileIgnoringComments() throws Exception {
    Path file =
        write(
            dir.resolve("keys"),
            "# team A\nkey-a\n\n  key-b  # rotated 2026-12\n#key-c\n",
            Instant.now());

    ApiKeys keys = ApiKeys.of(List.of("inline-1", " inline-2 "), file);

    assertThat(keys.required()).isTrue();
    assertThat(List.of("inline-1", "inline-2", "key-a", "key-b")).allMatch(keys::accepts);
    assertThat(keys.accepts("key-c")).as("commented out").isFalse();
    assertThat(keys.accepts("# team A")).isFalse();
    assertThat(keys.accepts("")).isFalse();
    assertThat(keys.accepts(null)).isFalse();
  }

  @Test
  void shouldReloadTheFileWhenItsModificationTimeChanges() throws Exception {
    Instant first = Instant.parse("2026-12-01T00:00:00Z");
    Path file = write(dir.resolve("keys"), "old-key\n", first);
    ApiKeys keys = ApiKeys.of(List.of(), file);
    assertThat(keys.accepts("old-key")).isTrue();

    write(file, "new-key\n", first.plusSeconds(5));
    keys.reloadIfChanged();

    assertThat(keys.accepts("new-key")).isTrue();
    assertThat(keys.accepts("old-key")).isFalse();
  }

  @Test
  void shouldNotReadTheFileAgainWhileItsModificationTimeIsUnchanged() throws Exception {
    Instant time = Instant.parse("2026-12-01T00:00:00Z");
    Path file = write(dir.resolve("keys"), "key-1\n", time);
    ApiKeys keys = ApiKeys.of(List.of(), file);

    write(file, "key-2\n", time);
    keys.reloadIfChanged();

    assertThat(keys.accepts("key-1")).isTrue();
    assertThat(keys.accepts("key-2")).isFalse();
  }

  @Test
  void shouldKeepTheKeysInForceWhenTheFileDisappears() throws Exception {
    Path file = write(dir.resolve("keys"), "key-1\n", Instant.now());
    ApiKeys keys = ApiKeys.of(List.of(), file);

    Files.delete(file);
    keys.reloadIfChanged();

    assertThat(keys.accepts("key-1")).isTrue();
  }

  @Test
  void shouldLockEveryoneOutRatherThanOpenUpWhenTheFileIsEmptied() throws Exception {
    Instant time = Instant.parse("2026-12-01T00:00:00Z");
    Path file = write(dir.resolve("keys"), "key-1\n", time);
    ApiKeys keys = ApiKeys.of(List.of(), file);

    write(file, "# no keys today\n", time.plusSeconds(1));
    keys.reloadIfChanged();

    assertThat(keys.required()).isTrue();
    assertThat(keys.accepts("key-1")).isFalse();
    assertThat(keys.accepts("")).isFalse();
  }

  @Test
  void shouldRefuseToStartWithAMissingKeyFile() {
    assertThatThrownBy(() -> ApiKeys.of(List.of(), dir.resolve("missing")))
        .hasMessageContaining("cannot read the API key file")
        .hasMessageContaining("missing");
  }

  @Test
  void shouldRejectPrefixesExtensionsAndOtherCasesOfAKey() {
    ApiKeys keys = ApiKeys.of(List.of("S3cret-key"), null);

    assertThat(keys.accepts("S3cret-key")).isTrue();
    assertThat(keys.accepts("S3cret-ke")).isFalse();
    assertThat(keys.accepts("S3cret-key2")).isFalse();
    assertThat(keys.accepts("s3cret-key")).isFalse();
  }

  @Test
  void shouldCompareDigestsOfOneLengthWhateverTheLengthOfTheKeyPresented() {
    // MessageDigest.isEqual is constant-time for arrays of equal length: every presented key, of
    // any length, becomes 32 bytes before the comparison.
    String huge = "k".repeat(1 << 20);

    assertThat(ApiKeys.digest("")).hasSize(32);
    assertThat(ApiKeys.digest("S3cret-key")).hasSize(32);
    assertThat(ApiKeys.digest(huge)).hasSize(32);
    assertThat(ApiKeys.of(List.of("S3cret-key"), null).accepts(huge)).isFalse();
  }

  @Test
  void shouldRequireNothingWithoutKeys() {
    assertThat(ApiKeys.none().required()).isFalse();
    assertThat(ApiKeys.of(List.of(" ", ""), null).required()).isFalse();
  }
}
