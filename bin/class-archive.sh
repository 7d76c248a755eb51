# Sourced by bin/modernbert and bin/modernbert-stream: Java class-data sharing (JDK 17's dynamic AppCDS
# archive). A JVM that starts without an archive writes one of the classes it loaded when it exits
# normally; later starts map those classes instead of loading, parsing and verifying them again.
# Measured: the service on the default model ready in 4.6-5.2 s with it, 5.3-5.9 s without.
#
# The archive lives beside the jar it was made from (target/cds) and goes once the jar is newer. The
# JVM itself also checks that the class path and the JDK still match, and starts without the archive
# (silently: the cds log is off) when they do not. Each writer has its own file name (its process id),
# so two first runs never write one file. MODERNBERT_CDS=off turns this off.
#
# Only a command that does the real work writes the archive: it holds exactly the classes its JVM
# loaded, so an archive written by `--help` or `broker` would leave the service loading most of its
# classes from the jars again, its first documents included (measured: the first document of a steady
# run written 183 ms after it was sent with the service's own archive, 226 to 259 ms with the one
# `--help` had written).

# $1: the module's target folder; $2: the archive's name; $3: the module's jar; $4: "write" when this
# command may write a missing archive. Prints the JVM flags.
modernbert_class_archive_flags() {
  [[ "${MODERNBERT_CDS:-on}" == off ]] && return 0
  local dir="$1/cds" archive
  mkdir -p "$dir" 2>/dev/null || return 0
  find "$dir" -name "$2.*.jsa" ! -newer "$3" -delete 2>/dev/null || true
  archive="$(ls "$dir/$2".*.jsa 2>/dev/null | head -n 1 || true)"
  if [[ -n "$archive" ]]; then
    echo "-XX:SharedArchiveFile=$archive -Xlog:cds=off -Xlog:cds+dynamic=off"
  elif [[ "${4:-}" == write ]]; then
    # $$ is the JVM's own process id: the launcher execs java.
    echo "-XX:ArchiveClassesAtExit=$dir/$2.$$.jsa -Xlog:cds=off -Xlog:cds+dynamic=off"
  fi
}
