#!/usr/bin/env bash
# Where a JFR recording's CPU samples go: the hottest methods by self samples (top frame) and by
# total samples (anywhere on the stack, once per sample), and the self samples by package.
#
# Usage: bench/jfr-hot.sh RECORDING.jfr [--top N (25)] [--thread REGEX (.)] [--depth D (96)]
#   --thread  only samples of matching threads, e.g. 'des-front' for the retriever's event loops (they answer reads)
set -euo pipefail
[[ $# -ge 1 ]] || { sed -n '2,6p' "$0"; exit 2; }
JFR=$1; shift
TOP=25; THREAD=.; DEPTH=96
while [[ $# -gt 0 ]]; do
  case "$1" in
    --top) TOP=$2; shift 2 ;;
    --thread) THREAD=$2; shift 2 ;;
    --depth) DEPTH=$2; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# One line per sample: thread TAB frame1 TAB frame2 ... (top frame first, no line numbers).
jfr print --stack-depth "$DEPTH" --events jdk.ExecutionSample "$JFR" | awk -v OFS='\t' '
  /^jdk.ExecutionSample/ { thread = ""; n = 0; line = "" }
  /sampledThread = / { sub(/.*sampledThread = "/, ""); sub(/".*/, ""); thread = $0 }
  /^[ \t]+[a-zA-Z_$][a-zA-Z0-9_$.]*\(.*\)( line:.*)?$/ && thread != "" {
    f = $0; sub(/^[ \t]+/, "", f); sub(/\(.*/, "", f); line = line "\t" f; n++ }
  /^}/ && n > 0 { print thread line; n = 0 }
' | grep -E "^[^	]*(${THREAD})" > "$tmp/samples" || true
total=$(wc -l < "$tmp/samples")
echo "samples: $total (threads matching '$THREAD')"
echo
echo "## self (top frame)"
cut -f2 "$tmp/samples" | sort | uniq -c | sort -rn | head -"$TOP" | awk -v t="$total" '{printf "%6d %5.1f%%  %s\n", $1, 100*$1/t, $2}'
echo
echo "## self by package"
cut -f2 "$tmp/samples" | sed -E 's/\.[^.]+\.[^.]+$//' | sort | uniq -c | sort -rn | head -"$TOP" | awk -v t="$total" '{printf "%6d %5.1f%%  %s\n", $1, 100*$1/t, $2}'
echo
echo "## total (on the stack)"
awk -F'\t' '{ delete seen; for (i = 2; i <= NF; i++) if (!($i in seen)) { seen[$i] = 1; print $i } }' "$tmp/samples" \
  | sort | uniq -c | sort -rn | head -"$TOP" | awk -v t="$total" '{printf "%6d %5.1f%%  %s\n", $1, 100*$1/t, $2}'
