# Sourced by the launchers (bin/modernbert, bin/modernbert-stream, the image's entrypoint). TensorFlow
# reads TF_XLA_FLAGS once, when its native library loads, so the launchers set it before the JVM starts:
#
#   --tf_xla_cpu_global_jit             lets sessions that ask for full XLA (--xla FULL) cluster on CPU;
#                                       other sessions are unaffected.
#   --tf_xla_persistent_cache_directory the persistent compilation cache: compiled XLA clusters are
#                                       written there and later starts load them instead of compiling.
#   --tf_xla_deterministic_cluster_names cluster names that do not depend on the order shapes first run,
#                                       without which a later start would rarely find its entries.
#
# MODERNBERT_XLA_CACHE is the cache's folder ("off" or empty: no cache). Each machine (architecture,
# CPU model and features) and TensorFlow build gets its own subfolder, so a volume that moves between
# nodes never hands one CPU code compiled for another; the engine checks that again (CompilationCache).
# A TF_XLA_FLAGS set by the user is kept as it is.

# $1: the cache folder when MODERNBERT_XLA_CACHE is unset; $2: the class path (names the TensorFlow build).
modernbert_xla_flags() {
  local cache="${MODERNBERT_XLA_CACHE-$1}" flags="--tf_xla_cpu_global_jit" machine
  if [[ -n "$cache" && "$cache" != off ]]; then
    machine="$({
      uname -m
      grep -m1 '^model name' /proc/cpuinfo
      grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | sort | tr '\n' ' '
      grep -o 'tensorflow-core-native-[^:/ ]*\.jar' <<<"$2" | head -n 1
    } 2>/dev/null | cksum | cut -d ' ' -f 1)"
    flags+=" --tf_xla_deterministic_cluster_names --tf_xla_persistent_cache_directory=$cache/$machine"
  fi
  echo "$flags"
}

# TensorFlow reads each cache entry as text first, then as binary, and its protobuf library logs the
# failed text parse as an error: one line per cluster loaded. Those lines are dropped; all others pass.
modernbert_stderr_filter() {
  grep --line-buffered -v 'Error parsing text-format tensorflow.XlaSerializedCacheEntry' >&2 || true
}
