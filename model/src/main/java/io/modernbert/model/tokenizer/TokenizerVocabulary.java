package io.modernbert.model.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * The ids a {@code tokenizer.json} defines: its model vocabulary (BPE, WordPiece and WordLevel
 * {@code {"token": id}}, or Unigram {@code [["token", score], ...]}) plus its added tokens. Read
 * once at load, with errors that name the file.
 */
record TokenizerVocabulary(
    Map<String, Integer> addedTokens, Map<String, Integer> modelVocab, int size, int maxId) {
  Integer idOf(String token) {
    Integer id = addedTokens.get(token);
    return id != null ? id : modelVocab.get(token);
  }

  static TokenizerVocabulary read(Path file, byte[] bytes) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(bytes);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "Invalid tokenizer file " + file + ": not valid JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject() || !root.path("model").isObject()) {
      throw new IllegalArgumentException(
          "Invalid tokenizer file " + file + ": no \"model\" object");
    }
    BitSet ids = new BitSet();
    Map<String, Integer> modelVocab = new HashMap<>();
    JsonNode vocab = root.path("model").path("vocab");
    if (vocab.isObject()) { // BPE, WordPiece, WordLevel: {"token": id}
      for (Map.Entry<String, JsonNode> e : vocab.properties()) {
        int id = requireId(file, e.getValue(), e.getKey());
        modelVocab.put(e.getKey(), id);
        ids.set(id);
      }
    } else if (vocab.isArray()) { // Unigram: [["token", score], ...], id = position
      for (int i = 0; i < vocab.size(); i++) {
        modelVocab.putIfAbsent(vocab.get(i).path(0).asText(), i);
        ids.set(i);
      }
    } else {
      throw new IllegalArgumentException(
          "Invalid tokenizer file " + file + ": no model vocabulary");
    }
    Map<String, Integer> added = new HashMap<>();
    for (JsonNode token : root.path("added_tokens")) {
      String content = token.path("content").asText();
      int id = requireId(file, token.path("id"), content);
      added.put(content, id);
      ids.set(id);
    }
    if (ids.isEmpty()) {
      throw new IllegalArgumentException("Invalid tokenizer file " + file + ": empty vocabulary");
    }
    return new TokenizerVocabulary(added, modelVocab, ids.cardinality(), ids.length() - 1);
  }

  private static int requireId(Path file, JsonNode node, String token) {
    if (!node.canConvertToInt() || !node.isIntegralNumber() || node.intValue() < 0) {
      throw new IllegalArgumentException(
          "Invalid tokenizer file " + file + ": bad id " + node + " for token \"" + token + "\"");
    }
    return node.intValue();
  }
}
