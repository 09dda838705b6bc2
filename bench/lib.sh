# Sourced by the bench/*.sh commands: builds the project when a jar they need is missing, then runs one benchmark
# class from the benchmarks jar. JAVA_OPTS reaches the measuring JVM.
#   run_benchmark CLASS HEAP [ARGS...]    (HEAP e.g. 512m, or "" for the JVM's default)
run_benchmark() {
  local class="$1" heap="$2"
  shift 2
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  local jar="$root/benchmarks/target/streamtrain-benchmarks.jar"
  local built=true service
  for service in ingest preprocess trainer evaluator; do
    [ -f "$root/$service-service/target/quarkus-app/quarkus-run.jar" ] || built=false
  done
  if [ "$built" = false ] || [ ! -f "$jar" ]; then
    (cd "$root" && mvn -B -q -DskipTests package) >&2
  fi
  exec java ${heap:+-Xmx$heap} ${JAVA_OPTS:-} -Dstreamtrain.home="$root" -Dai.djl.offline=true -cp "$jar" \
    "io.streamtrain.bench.$class" "$@"
}
