package io.modernbert.model.engine;

/** One class of a classifier with its probability (softmax, or sigmoid for multi-label models). */
public record LabelScore(String label, float score) {}
