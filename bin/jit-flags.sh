# Sourced by bin/modernbert-stream and the image's entrypoint: the service's JIT.
#
# The service's hot loop is TensorFlow's native code; its Java is glue (Kafka clients, Avro, Vert.x,
# packing). HotSpot's optimizing compiler (C2) spends seconds of CPU compiling that glue during the
# first minute, and on a small machine that CPU comes out of the model's passes. The quick compiler
# (C1) alone compiles it for a fraction of that. Measured on 2 cores, default model, each run a
# fresh service: burst of 4,000 documents at 12 partitions 115.4 documents/s (RATIO 0.94, JIT 0.3
# CPU-s) against 98.0 to 104.5 (0.86 to 0.88, JIT 6.6 CPU-s); steady 20 documents/s p99 132 ms
# against 176 to 187; POST /embed with 64 clients 1,215 requests/s over 20,000 against 1,109, and
# 1,258 against 1,252 over 60,000 (the long run is where C2 would have paid off, and does not).
#
# MODERNBERT_JIT_FLAGS="" gives back the JVM's default; MODERNBERT_JAVA_OPTS comes later on the
# command line, so -XX:TieredStopAtLevel=4 there overrides this too.
MODERNBERT_JIT_FLAGS="${MODERNBERT_JIT_FLAGS--XX:TieredStopAtLevel=1}"
