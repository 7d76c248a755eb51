#!/usr/bin/env bash
# Brings up a Docker engine and the local images our container tests use, on a machine that has
# no engine running and cannot reach an image registry (our CI). Each step is skipped when its
# result is already there, so a second run takes a second or two. Needs root for apt-get and dockerd.
#
#   deploy/local/docker-engine.sh        then   export $(deploy/local/docker-engine.sh --print-env)
#
# Images built (all from Debian's packages and Maven Central, nothing pulled):
#   local/debian:bookworm        debootstrap --variant=minbase
#   local/jre:17                 + openjdk-17-jre-headless        (BASE_IMAGE of the service image)
#   local/kafka:<kafka.version>  + Apache Kafka's jars            (stands in for apache/kafka)
#   local/prometheus:debian      + Debian's prometheus            (stands in for prom/prometheus)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/deploy/local"
LOG_DIR="${MODERNBERT_DOCKER_LOG_DIR:-/tmp/modernbert-docker}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
export DOCKER_BUILDKIT=0 # no buildx on these machines: the classic builder

kafka_version() {
  sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$ROOT/pom.xml" | head -n 1
}

if [[ "${1:-}" == "--print-env" ]]; then
  # What the tests read: which images stand in for the public ones, and Testcontainers' settings
  # for a machine without a registry (no Ryuk container to pull; the engine is on this host).
  echo "MODERNBERT_REQUIRE_DOCKER=true"
  echo "MODERNBERT_BASE_IMAGE=local/jre:17"
  echo "MODERNBERT_KAFKA_IMAGE=local/kafka:$(kafka_version)"
  echo "MODERNBERT_PROMETHEUS_IMAGE=local/prometheus:debian"
  echo "TESTCONTAINERS_RYUK_DISABLED=true"
  echo "TESTCONTAINERS_HOST_OVERRIDE=localhost"
  exit 0
fi

step() { printf 'docker-engine: %s\n' "$*" >&2; }
has_image() { docker image inspect "$1" >/dev/null 2>&1; }
mkdir -p "$LOG_DIR"

start_engine() {
  if docker info >/dev/null 2>&1; then
    step "engine already running"
    return
  fi
  if ! command -v dockerd >/dev/null 2>&1; then
    step "installing docker.io (Debian)"
    apt-get install -y --no-install-recommends docker.io iptables >"$LOG_DIR/apt.log" 2>&1 \
      || { apt-get update >>"$LOG_DIR/apt.log" 2>&1 \
           && apt-get install -y --no-install-recommends docker.io iptables >>"$LOG_DIR/apt.log" 2>&1; } \
      || { cat "$LOG_DIR/apt.log" >&2; exit 1; }
  fi
  step "starting dockerd (log: $LOG_DIR/dockerd.log)"
  nohup dockerd >"$LOG_DIR/dockerd.log" 2>&1 &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && return
    sleep 0.5
  done
  tail -n 30 "$LOG_DIR/dockerd.log" >&2
  echo "docker-engine: dockerd did not answer within 30 s" >&2
  exit 1
}

debian_image() {
  has_image local/debian:bookworm && return
  command -v debootstrap >/dev/null 2>&1 || apt-get install -y --no-install-recommends debootstrap >>"$LOG_DIR/apt.log" 2>&1
  step "local/debian:bookworm (debootstrap from $MIRROR, about 30 s)"
  local rootfs
  rootfs="$(mktemp -d)"
  debootstrap --variant=minbase bookworm "$rootfs" "$MIRROR" >"$LOG_DIR/debootstrap.log" 2>&1 \
    || { tail -n 30 "$LOG_DIR/debootstrap.log" >&2; exit 1; }
  tar -C "$rootfs" -c . | docker import - local/debian:bookworm >/dev/null
  rm -rf "$rootfs"
}

build() { # build TAG DIR: quiet unless it fails
  local tag="$1" dir="$2" log
  has_image "$tag" && return
  step "$tag"
  log="$LOG_DIR/build-${tag//[:\/]/-}.log"
  docker build -t "$tag" "$dir" >"$log" 2>&1 || { tail -n 30 "$log" >&2; exit 1; }
}

kafka_image() {
  local tag="local/kafka:$(kafka_version)"
  has_image "$tag" && return
  step "collecting Apache Kafka $(kafka_version) jars (Maven)"
  "$ROOT/mvnw" -q -B -f "$HERE/kafka/pom.xml" package >"$LOG_DIR/kafka-jars.log" 2>&1 \
    || { tail -n 30 "$LOG_DIR/kafka-jars.log" >&2; exit 1; }
  build "$tag" "$HERE/kafka"
}

start=$SECONDS
start_engine
debian_image
build local/jre:17 "$HERE/jre"
kafka_image
build local/prometheus:debian "$HERE/prometheus"
command -v docker-compose >/dev/null 2>&1 \
  || apt-get install -y --no-install-recommends docker-compose >>"$LOG_DIR/apt.log" 2>&1
step "ready in $((SECONDS - start)) s"
