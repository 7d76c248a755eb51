#!/usr/bin/env bash
# The image's launcher: the same main and environment as bin/modernbert-stream, on the jars the
# image holds. Settings come from MODERNBERT_* variables (see `run --help`); extra JVM flags from
# MODERNBERT_JAVA_OPTS. The model runs in native memory outside the Java heap, so the heap takes
# only a quarter of the container's memory by default.
set -euo pipefail
HOME_DIR=/opt/modernbert
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-1}"
# Each TensorFlow session gets a thread pool of its own size (a small model's short passes run on one).
export TF_OVERRIDE_GLOBAL_THREADPOOL="${TF_OVERRIDE_GLOBAL_THREADPOOL:-true}"
# The XLA compilation cache lives on the state volume by default (MODERNBERT_XLA_CACHE, bin/xla-flags.sh).
# shellcheck source=../../bin/xla-flags.sh
source "$HOME_DIR/bin/xla-flags.sh"
export TF_XLA_FLAGS="${TF_XLA_FLAGS:-$(modernbert_xla_flags /var/lib/modernbert/xla-cache "$(ls "$HOME_DIR/lib")")}"
# The class-data archive (bin/class-archive.sh) lives on the state volume too: written when the first
# container stops, used by the next ones.
# shellcheck source=../../bin/class-archive.sh
source "$HOME_DIR/bin/class-archive.sh"
case "${1:-}" in run | demo) ARCHIVE_WRITER=write ;; *) ARCHIVE_WRITER=no ;; esac
CDS_FLAGS="$(modernbert_class_archive_flags /var/lib/modernbert modernbert-stream "$(ls "$HOME_DIR"/app/*.jar | head -n 1)" "$ARCHIVE_WRITER")"
# shellcheck source=../../bin/jit-flags.sh
source "$HOME_DIR/bin/jit-flags.sh"
# shellcheck disable=SC2086 # MODERNBERT_JIT_FLAGS, MODERNBERT_JAVA_OPTS and CDS_FLAGS are lists of flags
# ExitOnOutOfMemoryError comes after the user's flags, so that it always holds: a JVM out of memory
# exits and is restarted rather than limping on. user.home and the temp folder are /tmp, so the
# native libraries unpack there and the root file system can be read-only.
exec java $CDS_FLAGS $MODERNBERT_JIT_FLAGS ${MODERNBERT_JAVA_OPTS:--XX:MaxRAMPercentage=25} -XX:+ExitOnOutOfMemoryError \
  -Duser.home=/tmp -Djava.io.tmpdir=/tmp -Dmodernbert.home="$HOME_DIR" -cp "$HOME_DIR/app/*:$HOME_DIR/lib/*" io.modernbert.stream.StreamMain "$@" 2> >(modernbert_stderr_filter)
