#!/usr/bin/env bash
# The image's launcher: the same main and environment as bin/modernbert-stream, on the jars the
# image holds. Settings come from MODERNBERT_* variables (see `run --help`); extra JVM flags from
# MODERNBERT_JAVA_OPTS. The model runs in native memory outside the Java heap, so the heap takes
# only a quarter of the container's memory by default.
set -euo pipefail
HOME_DIR=/opt/modernbert
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-1}"
# The XLA compilation cache lives on the state volume by default (MODERNBERT_XLA_CACHE, bin/xla-flags.sh).
# shellcheck source=../../bin/xla-flags.sh
source "$HOME_DIR/bin/xla-flags.sh"
export TF_XLA_FLAGS="${TF_XLA_FLAGS:-$(modernbert_xla_flags /var/lib/modernbert/xla-cache "$(ls "$HOME_DIR/lib")")}"
# shellcheck disable=SC2086 # MODERNBERT_JAVA_OPTS is a list of flags
exec java ${MODERNBERT_JAVA_OPTS:--XX:MaxRAMPercentage=25 -XX:+ExitOnOutOfMemoryError} \
  -Dmodernbert.home="$HOME_DIR" -cp "$HOME_DIR/app/*:$HOME_DIR/lib/*" io.modernbert.stream.StreamMain "$@" 2> >(modernbert_stderr_filter)
