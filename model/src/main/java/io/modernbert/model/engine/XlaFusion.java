package io.modernbert.model.engine;

import io.modernbert.model.graph.AttentionMask;
import io.modernbert.model.graph.BandedAttention;
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
 *   <li>the select that masks the scores ({@link AttentionMask#SCORE_MASK_SCOPE}): between a matmul
 *       and the softmax it can fuse with nothing, and each such op became an XLA cluster of its
 *       own;
 *   <li>in BF16 only, the copies that build the sliding-window key and value bands ({@link
 *       BandedAttention#BAND_COPY_SCOPE}): TensorFlow copies the bfloat16 bands faster than XLA
 *       does, while in float32 XLA is the faster (lognormal bench: bf16 2,538 tokens/s with them
 *       left out, about 2,420 with them in; fp32 1,541 against 1,439, back to back).
 * </ul>
 *
 * TensorFlow then compiles each region between those ops as an XLA cluster on the shape's first
 * run, with no session setting or environment flag needed.
 *
 * <p>Why the last two go by name scope rather than op type: every compiled cluster costs resident
 * memory for as long as the process lives, and leaving op types out split the layers into many tiny
 * clusters. Leaving every {@code PadV2}, {@code Slice} and {@code ConcatV2} out also cut RoPE's
 * rotate-half concat out of its fusion, and each reshape between a band slice and its concat became
 * a cluster of one op. For ModernBERT-base's 1x1536 shape that was 268 clusters, 110 of them a
 * single op; with the band copies and the score masks picked by scope it is 111. On ModernBERT-base
 * in bf16, all shapes warmed from the compilation cache, the engine's peak resident memory fell
 * from 3,990,732 to 3,221,480 KB (compiling them: 3,627,584 KB), and the lognormal bench ran at
 * 2,690 and 2,728 tokens/s in bf16 against 2,532 and 2,560 before, and in fp32, where only the
 * score masks changed, 1,032 and 1,027 against 1,099 and 1,041. Compiling the score masks too would
 * be faster still in bf16 (2,876 tokens/s) but keeps 22 more clusters a shape: the engine then
 * peaked at 3,967,116 KB while compiling.
 */
final class XlaFusion {
  /** Ops left to TensorFlow's kernels (see the class comment), and the graph's inputs. */
  static final Set<String> NOT_COMPILED =
      Set.of("MatMul", "BatchMatMulV2", "Softmax", "Sin", "Cos", "Placeholder");

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
              || inScope(name, AttentionMask.SCORE_MASK_SCOPE)
              || (precision == Precision.BF16 && inScope(name, BandedAttention.BAND_COPY_SCOPE));
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

  /** Whether {@code name} is under the root-level name scope {@code scope} (or its {@code _N}). */
  static boolean inScope(String name, String scope) {
    int slash = name.indexOf('/');
    if (slash < 0 || !name.startsWith(scope)) {
      return false;
    }
    String suffix = name.substring(scope.length(), slash);
    return suffix.isEmpty() || suffix.matches("_\\d+");
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
