# Sourced by the benchmark scripts: the deterministic dataset, generated once into bench/data.
#   ensure_dataset FILES SEED   sets DATA (the folder), NAME, INPUT_FILES and INPUT_BYTES
ensure_dataset() {
  local files=$1 seed=$2
  if [[ $files -eq 100000 && $seed -eq 42 ]]; then
    NAME=dataset-100k
  else
    NAME=dataset-$files-seed$seed
  fi
  DATA=$ROOT/bench/data/$NAME
  mkdir -p "$ROOT/bench/data"
  if [[ ! -d $DATA ]]; then
    local jar=$ROOT/bench/target/des-bench.jar cp
    if [[ -f $jar ]] && jar tf "$jar" 2>/dev/null | grep -q 'io/des/bench/DatasetGenerator.class'; then
      cp=$jar
    else
      # The generator has no dependencies: compile the one file when the shaded jar is not built.
      cp=$ROOT/bench/target/generator-classes
      mkdir -p "$cp"
      javac -d "$cp" "$ROOT/bench/src/main/java/io/des/bench/DatasetGenerator.java"
    fi
    rm -rf "$DATA.partial"
    echo "+ java -cp $cp io.des.bench.DatasetGenerator --files $files --seed $seed --out $DATA.partial"
    java -cp "$cp" io.des.bench.DatasetGenerator --files "$files" --seed "$seed" --out "$DATA.partial" \
      | sed "s#$DATA.partial#$DATA#" | tee "$ROOT/bench/data/$NAME.summary.txt"
    mv "$DATA.partial" "$DATA"
  fi
  INPUT_FILES=$(find "$DATA" -type f | wc -l)
  INPUT_BYTES=$(find "$DATA" -type f -printf '%s\n' | awk '{s += $1} END {printf "%d", s}')
}
