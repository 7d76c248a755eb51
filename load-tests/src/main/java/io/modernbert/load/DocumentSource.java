package io.modernbert.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.ToIntFunction;

/**
 * The documents of a run, made before the first send so that producing them costs the run nothing:
 * generated texts of lognormal token lengths, a realistic mix of word lengths ({@link
 * MixedLengths}), single sentences, or the texts of a JSONL file. Every source gives this run's ids
 * ({@link RunIds}); ids in a file are replaced, so that a file can be replayed against the same
 * topics any number of times.
 */
final class DocumentSource {
  // The distribution of io.modernbert.bench.Workload.lognormal (its constants are package-private
  // there).
  static final double LOGNORMAL_MEDIAN = 150;
  static final double LOGNORMAL_SIGMA = 0.9;
  static final int MIN_TOKENS = 8;
  static final int MAX_TOKENS = 8192;

  private DocumentSource() {}

  /**
   * Token lengths, [CLS] and [SEP] included: median 150, log-space sigma 0.9, clamped to [8, 8192].
   */
  static int[] lognormalLengths(int count, long seed) {
    Random random = new Random(seed);
    int[] lengths = new int[count];
    for (int i = 0; i < count; i++) {
      double length =
          Math.exp(Math.log(LOGNORMAL_MEDIAN) + LOGNORMAL_SIGMA * random.nextGaussian());
      lengths[i] = (int) Math.max(MIN_TOKENS, Math.min(MAX_TOKENS, Math.round(length)));
    }
    return lengths;
  }

  /** Texts built from real sentences to the lengths of {@link #lognormalLengths}. */
  static List<LoadDocument> generated(SentenceCorpus corpus, RunIds ids, int count, long seed) {
    int[] lengths = lognormalLengths(count, seed);
    // A second stream for the sentences keeps the lengths a function of the seed alone.
    Random random = new Random(seed + 1);
    List<LoadDocument> documents = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String text = corpus.text(random, lengths[i]);
      documents.add(new LoadDocument(ids.id(i), text, corpus.tokens(text)));
    }
    return documents;
  }

  /**
   * A realistic mix of lengths in real text, one language per document: see {@link MixedLengths}.
   */
  static List<LoadDocument> mixed(SentenceCorpus corpus, RunIds ids, int count, long seed) {
    return MixedLengths.documents(corpus, ids, count, seed);
  }

  /** One random sentence per document: short requests, as an interactive caller sends them. */
  static List<LoadDocument> sentences(SentenceCorpus corpus, RunIds ids, int count, long seed) {
    Random random = new Random(seed);
    List<LoadDocument> documents = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String text = corpus.sentence(random);
      documents.add(new LoadDocument(ids.id(i), text, corpus.tokens(text)));
    }
    return documents;
  }

  /**
   * The texts of a JSONL file of {@code {"id", "text"}} objects, in file order, repeated from the
   * top when {@code count} is larger than the file; {@code count <= 0} takes every line once.
   */
  static List<LoadDocument> jsonl(Path file, ToIntFunction<String> tokens, RunIds ids, int count)
      throws IOException {
    List<String> texts = readTexts(file);
    if (texts.isEmpty()) {
      throw new IllegalArgumentException(file + " has no documents");
    }
    int total = count > 0 ? count : texts.size();
    List<LoadDocument> documents = new ArrayList<>(total);
    for (int i = 0; i < total; i++) {
      String text = texts.get(i % texts.size());
      documents.add(new LoadDocument(ids.id(i), text, tokens.applyAsInt(text)));
    }
    return documents;
  }

  /**
   * Writes {@code documents} as the JSONL that {@link #jsonl}, {@code bin/modernbert encode
   * --input} and {@code load --input} read: one {@code {"id", "text"}} object per line.
   */
  static void writeJsonl(List<LoadDocument> documents, Writer out) throws IOException {
    ObjectMapper json = new ObjectMapper();
    for (LoadDocument document : documents) {
      ObjectNode line =
          json.createObjectNode().put("id", document.id()).put("text", document.text());
      out.write(json.writeValueAsString(line));
      out.write('\n');
    }
    out.flush();
  }

  private static List<String> readTexts(Path file) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<String> texts = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      int number = 0;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        JsonNode text;
        try {
          text = json.readTree(line).path("text");
        } catch (JsonProcessingException e) {
          throw new IllegalArgumentException(
              file + " line " + number + ": not JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (!text.isTextual() || text.asText().isEmpty()) {
          throw new IllegalArgumentException(
              file + " line " + number + ": expected {\"id\": ..., \"text\": \"...\"}");
        }
        texts.add(text.asText());
      }
    }
    return texts;
  }
}
