package io.modernbert.model.engine;

import io.modernbert.model.graph.Precision;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.tensorflow.Graph;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;

/**
 * {@link XlaMode#ELEMENTWISE}: hands the element-wise parts of each packed pass to XLA and leaves
 * the matmuls to oneDNN.
 *
 * <p>Between two matmuls a ModernBERT layer runs a dozen element-wise ops (casts, LayerNorm, RoPE,
 * masks, GeGLU, residual adds). TensorFlow runs each as its own kernel, one pass over memory each;
 * XLA fuses them into a few loops. XLA's own CPU matmuls are slower than oneDNN's, though, so
 * instead of auto-clustering the whole graph this marks the ops of every packed pass with {@code
 * _XlaCompile} (the attribute {@code tf.xla.experimental.jit_scope} sets), except:
 *
 * <ul>
 *   <li>the matmuls ({@code MatMul}, {@code BatchMatMulV2}): oneDNN is faster;
 *   <li>{@code Softmax}: oneDNN's is faster than XLA's on the score matrices (lognormal bench,
 *       bf16: 2,408 tokens/s with softmax and masking left out of XLA, 1,706 with both in);
 *   <li>{@code Sin} and {@code Cos} of the rotary tables: XLA would fuse them into every consumer
 *       and recompute them per element of q and k in every layer, instead of once per pass;
 *   <li>in BF16 only, the slicing that builds the sliding-window key and value bands ({@code
 *       PadV2}, {@code Slice}, {@code ConcatV2}): TensorFlow copies the bfloat16 bands faster than
 *       XLA does (lognormal bench: bf16 2,538 tokens/s with them left out, about 2,420 with them
 *       in), while in float32 XLA is the faster (1,541 against 1,439 tokens/s, back to back).
 * </ul>
 *
 * TensorFlow then compiles each region between those ops as an XLA cluster on the shape's first
 * run, with no session setting or environment flag needed.
 */
final class XlaFusion {
  /** Ops left to TensorFlow's kernels (see the class comment), and the graph's inputs. */
  static final Set<String> NOT_COMPILED =
      Set.of("MatMul", "BatchMatMulV2", "Softmax", "Sin", "Cos", "Placeholder");

  /** Also left to TensorFlow in BF16: the band copies (see the class comment). */
  static final Set<String> NOT_COMPILED_IN_BF16 = Set.of("PadV2", "Slice", "ConcatV2");

  /** The attribute that asks TensorFlow to compile an op with XLA. */
  static final String COMPILE_ATTRIBUTE = "_XlaCompile";

  private XlaFusion() {}

  /**
   * A copy of {@code built} with every op that feeds a pass under one of {@code scopes} marked for
   * XLA. Only the passes' inputs and outputs carry the scope in their names, so the ops of a pass
   * are found by walking back from its outputs.
   */
  static Graph mark(Graph built, List<String> scopes, Precision precision) {
    GraphDef.Builder def = built.toGraphDef().toBuilder();
    Map<String, NodeDef.Builder> byName = new HashMap<>();
    for (NodeDef.Builder node : def.getNodeBuilderList()) {
      byName.put(node.getName(), node);
    }
    Set<String> packed =
        ancestors(byName, name -> scopes.stream().anyMatch(scope -> name.startsWith(scope + "/")));
    for (String name : packed) {
      NodeDef.Builder node = byName.get(name);
      String op = node.getOp();
      boolean leftOut =
          NOT_COMPILED.contains(op)
              || (precision == Precision.BF16 && NOT_COMPILED_IN_BF16.contains(op));
      if (!leftOut) {
        node.putAttr(COMPILE_ATTRIBUTE, AttrValue.newBuilder().setB(true).build());
      }
    }
    Graph marked = new Graph();
    try {
      marked.importGraphDef(def.build());
    } catch (RuntimeException e) {
      marked.close();
      throw e;
    }
    return marked;
  }

  /**
   * Every node from which a node whose name passes {@code roots} can be reached, roots included.
   */
  private static Set<String> ancestors(
      Map<String, NodeDef.Builder> byName, Predicate<String> roots) {
    Set<String> seen = new HashSet<>();
    Deque<String> pending = new ArrayDeque<>();
    byName.keySet().stream().filter(roots).forEach(pending::add);
    while (!pending.isEmpty()) {
      String name = pending.pop();
      if (!seen.add(name)) {
        continue;
      }
      for (String input : byName.get(name).getInputList()) {
        // "^name" is a control input, "name:1" an op's second output.
        String source =
            input.startsWith("^") ? input.substring(1) : input.replaceFirst(":\\d+$", "");
        if (!seen.contains(source)) {
          pending.push(source);
        }
      }
    }
    return seen;
  }
}
