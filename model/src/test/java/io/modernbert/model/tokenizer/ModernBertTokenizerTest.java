package io.modernbert.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ModernBertTokenizerTest {

  private static final Path SHARED = io.modernbert.model.testing.Fixtures.SHARED;
  private static final Path MODEL_DIR = SHARED.resolve("modernbert");
  private static final Path GOLDEN = SHARED.resolve("fixtures/golden/tokenizer-cases.json");
  private static final Path TINY_TEXT =
      SHARED.resolve("fixtures/golden/tiny-classifier-text.safetensors");
  private static final int CLS = 50281;
  private static final int SEP = 50282;

  private static ModernBertTokenizer unlimited;
  private static List<GoldenCase> cases;

  record GoldenCase(int index, String text, int[] ids) {
    @Override
    public String toString() {
      String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
      return "t" + String.format("%02d", index) + " (" + ids.length + " ids) \"" + shown + "\"";
    }
  }

  @BeforeAll
  static void setUp() {
    cases = readGolden();
    unlimited = ModernBertTokenizer.load(MODEL_DIR, 100_000);
  }

  @AfterAll
  static void tearDown() {
    if (unlimited != null) {
      unlimited.close();
    }
  }

  static List<GoldenCase> readGolden() {
    try {
      JsonNode root = new ObjectMapper().readTree(GOLDEN.toFile());
      List<GoldenCase> out = new ArrayList<>();
      for (JsonNode c : root.path("cases")) {
        int[] ids = new int[c.path("ids").size()];
        for (int i = 0; i < ids.length; i++) {
          ids[i] = c.path("ids").get(i).intValue();
        }
        out.add(new GoldenCase(out.size(), c.path("text").asText(), ids));
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read " + GOLDEN.toAbsolutePath(), e);
    }
  }

  static Stream<Arguments> goldenCases() {
    return readGolden().stream().map(Arguments::of);
  }

  @Test
  void shouldHaveAllGoldenCases() {
    assertThat(cases).hasSize(32);
    assertThat(cases.get(31).ids()).hasSize(13_302);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goldenCases")
  void shouldMatchHuggingFaceIds(GoldenCase golden) {
    Encoding encoding = unlimited.encode(golden.text());

    assertThat(encoding.ids()).containsExactly(golden.ids());
    assertThat(encoding.truncated()).isFalse();
    assertThat(encoding.originalLength()).isEqualTo(golden.ids().length);
  }

  @Test
  void shouldExposeVocabularyAndSpecialTokens() {
    assertThat(unlimited.clsId()).isEqualTo(CLS);
    assertThat(unlimited.sepId()).isEqualTo(SEP);
    assertThat(unlimited.maxTokenId()).isEqualTo(50_367);
    assertThat(unlimited.vocabSize()).isEqualTo(50_368);
    assertThat(unlimited.maxTokens()).isEqualTo(100_000);
    assertThat(System.getProperty(ModernBertTokenizer.DJL_OFFLINE_PROPERTY)).isEqualTo("true");
  }

  @Test
  void shouldTruncateLongDocumentKeepingFinalSep() {
    GoldenCase longest = cases.get(31);
    try (ModernBertTokenizer tokenizer = ModernBertTokenizer.load(MODEL_DIR, 8192)) {
      Encoding encoding = tokenizer.encode(longest.text());

      int[] expected = Arrays.copyOf(longest.ids(), 8192);
      expected[8191] = SEP;
      assertThat(encoding.ids()).hasSize(8192).containsExactly(expected);
      assertThat(encoding.ids()[0]).isEqualTo(CLS);
      assertThat(encoding.truncated()).isTrue();
      assertThat(encoding.originalLength()).isEqualTo(13_302);
    }
  }

  @Test
  void shouldTruncateLikeTheTinyClassifierGolden() throws IOException {
    int[] reference = readInt32Tensor(TINY_TEXT, "t31.input_ids");
    try (ModernBertTokenizer tokenizer = ModernBertTokenizer.load(MODEL_DIR, 8192)) {
      assertThat(tokenizer.encode(cases.get(31).text()).ids()).containsExactly(reference);
    }
  }

  @Test
  void shouldNotTruncateAtExactlyMaxTokens() {
    GoldenCase sentence = cases.get(3); // 12 ids
    try (ModernBertTokenizer tokenizer = ModernBertTokenizer.load(MODEL_DIR, 12)) {
      Encoding encoding = tokenizer.encode(sentence.text());
      assertThat(encoding.ids()).containsExactly(sentence.ids());
      assertThat(encoding.truncated()).isFalse();
    }
    try (ModernBertTokenizer tokenizer = ModernBertTokenizer.load(MODEL_DIR, 11)) {
      Encoding encoding = tokenizer.encode(sentence.text());
      int[] expected = Arrays.copyOf(sentence.ids(), 11);
      expected[10] = SEP;
      assertThat(encoding.ids()).containsExactly(expected);
      assertThat(encoding.truncated()).isTrue();
      assertThat(encoding.originalLength()).isEqualTo(12);
    }
  }

  @Test
  void shouldSplitLongDocumentIntoOverlappingWindows() {
    GoldenCase longest = cases.get(31);
    int maxTokens = 512;
    int stride = 128;
    try (ModernBertTokenizer tokenizer = ModernBertTokenizer.load(MODEL_DIR, maxTokens)) {
      List<Encoding> windows = tokenizer.encodeWindows(longest.text(), stride);

      int[] content = Arrays.copyOfRange(longest.ids(), 1, longest.ids().length - 1);
      assertWindowsCover(windows, content, maxTokens, stride);
      // 13,300 content tokens, 510 per window, step 382: ceil((13300 - 128) / 382) windows
      assertThat(windows).hasSize((13_300 - stride + 381) / 382);
      assertThat(windows)
          .allSatisfy(
              w -> {
                assertThat(w.truncated()).isFalse();
                assertThat(w.originalLength()).isEqualTo(13_302);
              });
    }
  }

  @Test
  void shouldSplitIntoExactWindowsForSmallLimit() {
    GoldenCase sentence = cases.get(3); // [CLS] + 10 content ids + [SEP]
    try (ModernBertTokenizer tokenizer = ModernBertTokenizer.load(MODEL_DIR, 6)) {
      List<Encoding> windows = tokenizer.encodeWindows(sentence.text(), 1);

      int[] c = Arrays.copyOfRange(sentence.ids(), 1, 11);
      assertThat(windows)
          .extracting(Encoding::ids)
          .containsExactly(
              new int[] {CLS, c[0], c[1], c[2], c[3], SEP},
              new int[] {CLS, c[3], c[4], c[5], c[6], SEP},
              new int[] {CLS, c[6], c[7], c[8], c[9], SEP});
      assertWindowsCover(windows, c, 6, 1);

      List<Encoding> noOverlap = tokenizer.encodeWindows(sentence.text(), 0);
      assertThat(noOverlap)
          .extracting(Encoding::ids)
          .containsExactly(
              new int[] {CLS, c[0], c[1], c[2], c[3], SEP},
              new int[] {CLS, c[4], c[5], c[6], c[7], SEP},
              new int[] {CLS, c[8], c[9], SEP});
    }
  }

  @Test
  void shouldReturnSingleWindowForShortDocument() {
    try (ModernBertTokenizer tokenizer = ModernBertTokenizer.load(MODEL_DIR, 512)) {
      for (GoldenCase golden : cases.subList(0, 25)) {
        assertThat(tokenizer.encodeWindows(golden.text(), 64))
            .containsExactly(tokenizer.encode(golden.text()));
      }
      assertThatThrownBy(() -> tokenizer.encodeWindows("x", 510))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("stride");
      assertThatThrownBy(() -> tokenizer.encodeWindows("x", -1))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void shouldNameMissingTokenizerFile(@TempDir Path dir) {
    Path expected = dir.resolve("tokenizer.json").toAbsolutePath().normalize();
    assertThatThrownBy(() -> ModernBertTokenizer.load(dir, 512))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not found")
        .hasMessageContaining(expected.toString());
  }

  @Test
  void shouldNameInvalidTokenizerFile(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("tokenizer.json");
    Path expected = file.toAbsolutePath().normalize();

    Files.writeString(file, "this is not json");
    assertThatThrownBy(() -> ModernBertTokenizer.load(dir, 512))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(expected.toString());

    Files.writeString(
        file,
        "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"[CLS]\": 0, \"[SEP]\": 1},"
            + " \"merges\": 42}}");
    assertThatThrownBy(() -> ModernBertTokenizer.load(dir, 512))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(expected.toString());

    Files.writeString(file, "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}}}");
    assertThatThrownBy(() -> ModernBertTokenizer.load(dir, 512))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(expected.toString())
        .hasMessageContaining("[CLS]");
  }

  @Test
  void shouldRejectTooSmallMaxTokens() {
    assertThatThrownBy(() -> ModernBertTokenizer.load(MODEL_DIR, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxTokens");
  }

  @Test
  void shouldValidateAndTruncatePreTokenizedIds() {
    try (ModernBertTokenizer tokenizer = ModernBertTokenizer.load(MODEL_DIR, 4)) {
      assertThat(tokenizer.fromIds(new int[] {CLS, 0, 50_367, SEP}))
          .isEqualTo(new Encoding(new int[] {CLS, 0, 50_367, SEP}, false, 4));
      assertThat(tokenizer.fromIds(new int[] {CLS, 10, 11, 12, 13, SEP}))
          .isEqualTo(new Encoding(new int[] {CLS, 10, 11, SEP}, true, 6));

      assertThatThrownBy(() -> tokenizer.fromIds(new int[] {CLS, 50_368, SEP}))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("50368")
          .hasMessageContaining("position 1")
          .hasMessageContaining("[0, 50367]");
      assertThatThrownBy(() -> tokenizer.fromIds(new int[] {-1}))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("-1");
      assertThatThrownBy(() -> tokenizer.fromIds(new int[0]))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("empty");
      assertThatThrownBy(() -> tokenizer.fromIds(null))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void shouldEncodeConcurrently() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<int[]>> futures = new ArrayList<>();
      for (int round = 0; round < 8; round++) {
        for (GoldenCase golden : cases.subList(0, 31)) {
          futures.add(pool.submit(() -> unlimited.encode(golden.text()).ids()));
        }
      }
      for (int i = 0; i < futures.size(); i++) {
        assertThat(futures.get(i).get()).containsExactly(cases.get(i % 31).ids());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void shouldRefuseUseAfterClose() {
    ModernBertTokenizer tokenizer = ModernBertTokenizer.load(MODEL_DIR, 512);
    tokenizer.close();
    tokenizer.close(); // idempotent
    assertThatThrownBy(() -> tokenizer.encode("hello"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  private static void assertWindowsCover(
      List<Encoding> windows, int[] content, int maxTokens, int stride) {
    assertThat(windows).isNotEmpty();
    List<Integer> covered = new ArrayList<>();
    int[] previous = null;
    for (Encoding window : windows) {
      int[] ids = window.ids();
      assertThat(ids.length).isLessThanOrEqualTo(maxTokens).isGreaterThan(2);
      assertThat(ids[0]).isEqualTo(CLS);
      assertThat(ids[ids.length - 1]).isEqualTo(SEP);
      int[] own = Arrays.copyOfRange(ids, 1, ids.length - 1);
      if (previous == null) {
        IntStream.of(own).forEach(covered::add);
      } else {
        // the first `stride` content tokens repeat the previous window's last ones
        assertThat(Arrays.copyOfRange(own, 0, stride))
            .containsExactly(
                Arrays.copyOfRange(previous, previous.length - stride, previous.length));
        IntStream.of(own).skip(stride).forEach(covered::add);
      }
      previous = own;
    }
    // every window but the last is full
    for (Encoding window : windows.subList(0, windows.size() - 1)) {
      assertThat(window.ids()).hasSize(maxTokens);
    }
    assertThat(covered).containsExactly(IntStream.of(content).boxed().toArray(Integer[]::new));
  }

  /** Minimal safetensors reader for one I32 tensor (test only). */
  private static int[] readInt32Tensor(Path file, String name) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int headerLength = Math.toIntExact(buffer.getLong(0));
    JsonNode header =
        new ObjectMapper().readTree(new String(bytes, 8, headerLength, StandardCharsets.UTF_8));
    JsonNode tensor = header.path(name);
    assertThat(tensor.path("dtype").asText()).isEqualTo("I32");
    int begin = 8 + headerLength + tensor.path("data_offsets").get(0).intValue();
    int end = 8 + headerLength + tensor.path("data_offsets").get(1).intValue();
    int[] out = new int[(end - begin) / 4];
    for (int i = 0; i < out.length; i++) {
      out[i] = buffer.getInt(begin + 4 * i);
    }
    assertThat(out).hasSize(tensor.path("shape").get(0).intValue());
    return out;
  }

  @org.junit.jupiter.api.Test
  void encodeKeepingEndKeepsTheLastTokensBetweenClsAndSep() {
    try (ModernBertTokenizer limited = ModernBertTokenizer.load(MODEL_DIR, 16)) {
      String text =
          "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen";
      int[] full = unlimited.encode(text).ids();
      Encoding end = limited.encodeKeepingEnd(text);
      assertThat(end.truncated()).isTrue();
      assertThat(end.originalLength()).isEqualTo(full.length);
      assertThat(end.ids()).hasSize(16);
      assertThat(end.ids()[0]).isEqualTo(CLS);
      assertThat(end.ids()[15]).isEqualTo(SEP);
      assertThat(java.util.Arrays.copyOfRange(end.ids(), 1, 15))
          .containsExactly(java.util.Arrays.copyOfRange(full, full.length - 15, full.length - 1));
      assertThat(limited.encodeKeepingEnd("short")).isEqualTo(limited.encode("short"));
    }
  }

  @org.junit.jupiter.api.Test
  void tokensMatchTheGoldenIdsAndDecodeInvertsThem() {
    int decoded = 0;
    for (GoldenCase c : cases) {
      if (c.text().length() > 5_000) {
        continue;
      }
      List<ModernBertTokenizer.Token> tokens = unlimited.tokens(c.text());
      assertThat(tokens.stream().mapToInt(ModernBertTokenizer.Token::id).toArray())
          .as(c.toString())
          .containsExactly(c.ids());
      assertThat(tokens.get(0).special()).isTrue();
      assertThat(tokens.get(tokens.size() - 1).special()).isTrue();
      assertThat(tokens.get(0).start()).isEqualTo(-1);
      // Byte-level BPE is lossless: the text's own tokens decode back to it, except where the
      // text spells special tokens ([MASK] takes the space before it, as in Hugging Face).
      int[] inner = java.util.Arrays.copyOfRange(c.ids(), 1, c.ids().length - 1);
      if (inner.length > 0 && !c.text().matches("(?s).*(\\[[A-Z]+\\]|<[^>]+>).*")) {
        assertThat(unlimited.decode(inner, false)).as(c.toString()).isEqualTo(c.text());
        decoded++;
      }
    }
    assertThat(decoded).isGreaterThan(10);
    assertThat(unlimited.decode(new int[] {CLS, SEP}, false)).isEqualTo("[CLS][SEP]");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> unlimited.decode(new int[] {-1}, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("out of range");
  }
}
