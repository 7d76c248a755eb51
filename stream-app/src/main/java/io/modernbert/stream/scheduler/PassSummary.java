package io.modernbert.stream.scheduler;

/**
 * One model pass of the scheduler, as the output headers and metrics report it.
 *
 * @param id unique within the instance: {@code <instance>/<sequence>}
 * @param documents documents in the pass
 * @param tokens real tokens in the pass
 * @param slots token slots the model computed, padding included (tokens / slots is the fill)
 * @param modelMillis wall time of the model run
 */
public record PassSummary(String id, int documents, int tokens, int slots, long modelMillis) {}
