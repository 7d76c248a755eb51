package io.modernbert.model.engine;

/**
 * One document to encode: either text (tokenized by the model's tokenizer) or token ids that are
 * used as given (including [CLS] and [SEP]).
 */
public record DocumentInput(String id, String text, int[] inputIds) {
  public DocumentInput {
    if ((text == null) == (inputIds == null)) {
      throw new IllegalArgumentException(
          "document " + id + ": give exactly one of text or input_ids");
    }
  }

  public static DocumentInput text(String id, String text) {
    return new DocumentInput(id, text, null);
  }

  public static DocumentInput ids(String id, int[] inputIds) {
    return new DocumentInput(id, null, inputIds);
  }
}
