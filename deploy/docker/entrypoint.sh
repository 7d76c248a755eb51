#!/usr/bin/env bash
# The image's launcher: the same main and environment as bin/modernbert-stream, on the jars the
# image holds. Settings come from MODERNBERT_* variables (see `run --help`); extra JVM flags from
# MODERNBERT_JAVA_OPTS. The model runs in native memory outside the Java heap, so the heap takes
# only a quarter of the container's memory by default.
set -euo pipefail
HOME_DIR=/opt/modernbert
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-1}"
export TF_XLA_FLAGS="${TF_XLA_FLAGS:---tf_xla_cpu_global_jit}"
# shellcheck disable=SC2086 # MODERNBERT_JAVA_OPTS is a list of flags
exec java ${MODERNBERT_JAVA_OPTS:--XX:MaxRAMPercentage=25 -XX:+ExitOnOutOfMemoryError} \
  -Dmodernbert.home="$HOME_DIR" -cp "$HOME_DIR/app/*:$HOME_DIR/lib/*" io.modernbert.stream.StreamMain "$@"
