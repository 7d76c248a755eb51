package io.modernbert.model.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * ModernBERT tokenizer: a thread-safe wrapper over DJL's binding to the Rust Hugging Face
 * tokenizers library, loaded from a model folder's {@code tokenizer.json}.
 *
 * <p>DJL is configured with special tokens on, truncation off and padding off, so the ids equal
 * Python's {@code tokenizer(text)["input_ids"]}; the token limit is applied here: an input longer
 * than {@code maxTokens} keeps its first {@code maxTokens - 1} ids followed by [SEP]. {@link
 * #encodeWindows(String, int)} instead splits long inputs into overlapping windows.
 *
 * <p>DJL never downloads anything: unless the caller already chose otherwise, this class sets the
 * system property {@code ai.djl.offline=true} before DJL is first used. In offline mode DJL skips
 * its telemetry call (EC2 metadata / S3) and uses the CPU native library bundled in its jar instead
 * of looking for a CUDA build at {@code publish.djl.ai}.
 *
 * <p>All methods may be called concurrently. {@link #close()} waits for running calls to finish;
 * calls after close throw {@link IllegalStateException}.
 *
 * <p>Why one class of this size: every method goes through the one native tokenizer under one
 * read-write lock (close waits for running calls); the encodings (plain, keeping the end, windows,
 * from ids, tokens, decode) share the limit and the special-token ids. Vocabulary parsing lives in
 * {@link TokenizerVocabulary}.
 */
public final class ModernBertTokenizer implements AutoCloseable {

  /** The file read from the model folder. */
  public static final String TOKENIZER_FILE = "tokenizer.json";

  /** DJL's switch that forbids downloads (also read from the environment as DJL_OFFLINE). */
  public static final String DJL_OFFLINE_PROPERTY = "ai.djl.offline";

  static {
    ensureDjlOffline();
  }

  private final HuggingFaceTokenizer tokenizer;
  private final Path tokenizerFile;
  private final int maxTokens;
  private final int clsId;
  private final int sepId;
  private final int vocabSize;
  private final int maxTokenId;
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private boolean closed; // guarded by lock

  private ModernBertTokenizer(
      HuggingFaceTokenizer tokenizer,
      Path tokenizerFile,
      int maxTokens,
      int clsId,
      int sepId,
      int vocabSize,
      int maxTokenId) {
    this.tokenizer = tokenizer;
    this.tokenizerFile = tokenizerFile;
    this.maxTokens = maxTokens;
    this.clsId = clsId;
    this.sepId = sepId;
    this.vocabSize = vocabSize;
    this.maxTokenId = maxTokenId;
  }

  /**
   * Sets {@code ai.djl.offline=true} unless the property or the {@code DJL_OFFLINE} environment
   * variable is already set. Called automatically when this class is initialised.
   */
  public static void ensureDjlOffline() {
    if (System.getProperty(DJL_OFFLINE_PROPERTY) == null && System.getenv("DJL_OFFLINE") == null) {
      System.setProperty(DJL_OFFLINE_PROPERTY, "true");
    }
  }

  /**
   * Loads {@code <modelDir>/tokenizer.json}.
   *
   * @param modelDir the model folder
   * @param maxTokens the largest number of ids an encoding may have, [CLS] and [SEP] included (at
   *     least 2)
   * @return the tokenizer; close it to release the native memory
   * @throws IllegalArgumentException if {@code maxTokens < 2}, or the file is missing, unreadable
   *     or not a valid tokenizer (the message names the file)
   */
  public static ModernBertTokenizer load(Path modelDir, int maxTokens) {
    if (modelDir == null) {
      throw new IllegalArgumentException("modelDir must not be null");
    }
    if (maxTokens < 2) {
      throw new IllegalArgumentException(
          "maxTokens must be at least 2 ([CLS] and [SEP]), got " + maxTokens);
    }
    Path file = modelDir.resolve(TOKENIZER_FILE).toAbsolutePath().normalize();
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("Tokenizer file not found: " + file);
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "Cannot read tokenizer file " + file + ": " + e.getMessage(), e);
    }

    TokenizerVocabulary vocab = TokenizerVocabulary.read(file, bytes);
    Integer cls = vocab.idOf("[CLS]");
    Integer sep = vocab.idOf("[SEP]");
    if (cls == null || sep == null) {
      throw new IllegalArgumentException(
          "Invalid tokenizer file "
              + file
              + ": it defines no "
              + (cls == null ? "[CLS]" : "[SEP]")
              + " token");
    }

    Map<String, String> options = new HashMap<>();
    options.put("addSpecialTokens", "true");
    options.put("truncation", "false");
    options.put("padding", "false");
    options.put("withOverflowingTokens", "false");
    HuggingFaceTokenizer hf;
    try {
      // From a stream, so that DJL does not also apply tokenizer_config.json of the folder.
      hf = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(bytes), options);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("Cannot load tokenizer file " + file + ": " + e, e);
    }
    return new ModernBertTokenizer(hf, file, maxTokens, cls, sep, vocab.size(), vocab.maxId());
  }

  /**
   * Encodes a text like Hugging Face's {@code tokenizer(text)}: [CLS], the text's tokens, [SEP]. If
   * that is longer than {@code maxTokens}, keeps the first {@code maxTokens - 1} ids and appends
   * [SEP], with {@code truncated = true}.
   *
   * @param text the text (not null)
   * @return the encoding
   */
  public Encoding encode(String text) {
    return truncate(fullIds(text));
  }

  /**
   * Encodes a text into consecutive windows of at most {@code maxTokens} ids, each {@code [CLS]
   * content [SEP]}. The content tokens (the text's tokens, without the special tokens) are covered
   * in order; consecutive windows share {@code stride} content tokens. A text that fits yields a
   * single window equal to {@link #encode(String)}. Windows have {@code truncated = false} (nothing
   * is dropped) and {@code originalLength} = the length of the whole text's encoding.
   *
   * @param text the text (not null)
   * @param stride content tokens shared by consecutive windows, {@code 0 <= stride < maxTokens - 2}
   * @return the windows, at least one
   */
  public List<Encoding> encodeWindows(String text, int stride) {
    int capacity = maxTokens - 2;
    if (stride < 0 || stride >= capacity) {
      throw new IllegalArgumentException(
          "stride must be in [0, "
              + (capacity - 1)
              + "] for maxTokens "
              + maxTokens
              + ", got "
              + stride);
    }
    int[] full = fullIds(text);
    if (full.length <= maxTokens) {
      return List.of(new Encoding(full, false, full.length));
    }
    int from = full.length > 0 && full[0] == clsId ? 1 : 0;
    int to = full.length > from && full[full.length - 1] == sepId ? full.length - 1 : full.length;
    int contentLength = to - from;
    int step = capacity - stride;
    List<Encoding> windows =
        new ArrayList<>(Math.max(1, (contentLength - stride + step - 1) / step));
    for (int start = 0; ; start += step) {
      int end = Math.min(start + capacity, contentLength);
      int[] ids = new int[end - start + 2];
      ids[0] = clsId;
      System.arraycopy(full, from + start, ids, 1, end - start);
      ids[ids.length - 1] = sepId;
      windows.add(new Encoding(ids, false, full.length));
      if (end == contentLength) {
        break;
      }
    }
    return List.copyOf(windows);
  }

  /**
   * Like {@link #encode(String)}, but an input over the limit keeps its <em>last</em> {@code
   * maxTokens - 2} content tokens between [CLS] and [SEP] (text-embeddings-inference's {@code
   * truncation_direction: "Left"}).
   *
   * @param text the text (not null)
   * @return the encoding, {@code truncated = true} when tokens were dropped
   */
  public Encoding encodeKeepingEnd(String text) {
    int[] full = fullIds(text);
    if (full.length <= maxTokens) {
      return new Encoding(full, false, full.length);
    }
    int[] ids = new int[maxTokens];
    ids[0] = clsId;
    System.arraycopy(full, full.length - 1 - (maxTokens - 2), ids, 1, maxTokens - 2);
    ids[maxTokens - 1] = sepId;
    return new Encoding(ids, true, full.length);
  }

  /**
   * One token of an input as the tokenizer sees it: its id, its string in the vocabulary, whether
   * it is a special token, and the characters of the input it covers ({@code start} inclusive,
   * {@code stop} exclusive, in Unicode code points as Hugging Face's offsets; -1 for the special
   * tokens the tokenizer adds, which cover none).
   */
  public record Token(int id, String text, boolean special, int start, int stop) {}

  /**
   * The tokens of {@code text}, [CLS] and [SEP] included, without the token limit (callers that
   * show tokens want them all).
   *
   * @param text the text (not null)
   * @return the tokens in order
   */
  public List<Token> tokens(String text) {
    if (text == null) {
      throw new IllegalArgumentException("text must not be null");
    }
    lock.readLock().lock();
    try {
      if (closed) {
        throw new IllegalStateException("Tokenizer is closed: " + tokenizerFile);
      }
      ai.djl.huggingface.tokenizers.Encoding encoding = tokenizer.encode(text, true, false);
      long[] ids = encoding.getIds();
      String[] strings = encoding.getTokens();
      long[] special = encoding.getSpecialTokenMask();
      ai.djl.huggingface.tokenizers.jni.CharSpan[] spans = encoding.getCharTokenSpans();
      List<Token> tokens = new ArrayList<>(ids.length);
      for (int i = 0; i < ids.length; i++) {
        boolean isSpecial = special[i] != 0;
        ai.djl.huggingface.tokenizers.jni.CharSpan span = i < spans.length ? spans[i] : null;
        tokens.add(
            new Token(
                Math.toIntExact(ids[i]),
                strings[i],
                isSpecial,
                isSpecial || span == null ? -1 : span.getStart(),
                isSpecial || span == null ? -1 : span.getEnd()));
      }
      return List.copyOf(tokens);
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * The text of {@code ids}, as Hugging Face's {@code tokenizer.decode(ids, skip_special_tokens)}.
   *
   * @param ids token ids, each in {@code [0, maxTokenId()]}
   * @param skipSpecialTokens leave out [CLS], [SEP], [PAD] and the like
   * @return the decoded text
   * @throws IllegalArgumentException if an id is out of range
   */
  public String decode(int[] ids, boolean skipSpecialTokens) {
    long[] longs = new long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] < 0 || ids[i] > maxTokenId) {
        throw new IllegalArgumentException(
            "Token id "
                + ids[i]
                + " at position "
                + i
                + " is out of range [0, "
                + maxTokenId
                + "] of the tokenizer vocabulary");
      }
      longs[i] = ids[i];
    }
    lock.readLock().lock();
    try {
      if (closed) {
        throw new IllegalStateException("Tokenizer is closed: " + tokenizerFile);
      }
      return tokenizer.decode(longs, skipSpecialTokens);
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Accepts already tokenized ids (used as given: no [CLS]/[SEP] is added) and applies the same
   * limit as {@link #encode(String)}: more than {@code maxTokens} ids keep the first {@code
   * maxTokens - 1} followed by [SEP].
   *
   * @param ids the ids, non-empty, each in {@code [0, maxTokenId()]}
   * @return the encoding (the input array is not modified nor kept)
   * @throws IllegalArgumentException if the ids are null, empty or out of range
   */
  public Encoding fromIds(int[] ids) {
    if (ids == null || ids.length == 0) {
      throw new IllegalArgumentException("Input ids must not be empty");
    }
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] < 0 || ids[i] > maxTokenId) {
        throw new IllegalArgumentException(
            "Input id "
                + ids[i]
                + " at position "
                + i
                + " is out of range [0, "
                + maxTokenId
                + "] of the tokenizer vocabulary");
      }
    }
    return truncate(ids.clone());
  }

  /** Number of distinct ids the tokenizer defines, added tokens included. */
  public int vocabSize() {
    return vocabSize;
  }

  /** The largest id the tokenizer defines (the model's vocab_size must be greater). */
  public int maxTokenId() {
    return maxTokenId;
  }

  /** Id of the "[CLS]" token. */
  public int clsId() {
    return clsId;
  }

  /** Id of the "[SEP]" token. */
  public int sepId() {
    return sepId;
  }

  /** The token limit given to {@link #load(Path, int)}. */
  public int maxTokens() {
    return maxTokens;
  }

  /** The absolute path of the loaded tokenizer.json. */
  public Path tokenizerFile() {
    return tokenizerFile;
  }

  /** Releases the native tokenizer. Idempotent. */
  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        tokenizer.close();
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public String toString() {
    return "ModernBertTokenizer[" + tokenizerFile + ", maxTokens=" + maxTokens + "]";
  }

  private Encoding truncate(int[] full) {
    if (full.length <= maxTokens) {
      return new Encoding(full, false, full.length);
    }
    int[] ids = Arrays.copyOf(full, maxTokens);
    ids[maxTokens - 1] = sepId;
    return new Encoding(ids, true, full.length);
  }

  private int[] fullIds(String text) {
    if (text == null) {
      throw new IllegalArgumentException("text must not be null");
    }
    long[] ids;
    lock.readLock().lock();
    try {
      if (closed) {
        throw new IllegalStateException("Tokenizer is closed: " + tokenizerFile);
      }
      ids = tokenizer.encode(text, true, false).getIds();
    } finally {
      lock.readLock().unlock();
    }
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = Math.toIntExact(ids[i]);
    }
    return out;
  }
}
