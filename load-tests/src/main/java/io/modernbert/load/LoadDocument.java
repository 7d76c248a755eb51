package io.modernbert.load;

/**
 * One document of a run: its id (this run's), its text and its length in tokens, [CLS] and [SEP]
 * included.
 */
record LoadDocument(String id, String text, int tokens) {}
