package io.modernbert.model.graph;

/**
 * The attention of one pass, built once and shared by every layer: the RoPE tables and the kernel
 * of the global layers and of the sliding-window layers. Each {@link EncoderLayer} takes the pair
 * of its own type.
 */
record PassAttention(
    RotaryEmbedding globalRope,
    AttentionKernel global,
    RotaryEmbedding localRope,
    AttentionKernel local) {}
