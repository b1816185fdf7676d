#!/usr/bin/env bash
# Whole-process search, dateline beside a local cluster (cluster.sh) over the same articles:
# for each query, the median wall-clock time of RUNS runs (after 3 warm-ups) of
#   dateline search QUERY --index INDEX --json --limit 10
#   mysql ... -e "SELECT did, title, published FROM news WHERE MATCH(...) LIMIT 10; SHOW META"
# and the totals each reports (dateline's total_articles, the cluster's total_found).
#
#   deploy/manticore/bench.sh DATELINE INDEX PORT [RUNS]
#
# DATELINE is the dateline binary, INDEX its index, PORT the head's SphinxQL port (the last
# line of `cluster.sh start`). Prints a Markdown table. The queries are those of
# docs/BENCHMARKS.md's query tables, written by hand in both languages.
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: bench.sh DATELINE INDEX PORT [RUNS]" >&2; exit 2; }
dateline=$1 index=$2 port=$3 runs=${4:-20}
command -v mysql >/dev/null || { echo "bench.sh: needs the mysql client (apt-get install mariadb-client)" >&2; exit 2; }

midnight() { date -u -d "$1" +%s; }
march=$(midnight 1987-03-01) april=$(midnight 1987-04-01)

# dateline's query and options | SphinxQL's WHERE and ORDER BY
queries=(
    "THAAD South Korea||MATCH('THAAD South Korea')"
    "coffee quota talks||MATCH('coffee quota talks')"
    "crude oil prices||MATCH('crude oil prices')"
    "\"interest rates\"||MATCH('\"interest rates\"')"
    "cocoa|--from 1987-03-01 --to 1987-03-31|MATCH('cocoa') AND published >= $march AND published < $april"
    "bank||MATCH('bank')"
    "gold mine strike||MATCH('gold mine strike')"
    "crude oil|--sort newest|MATCH('crude oil') ORDER BY published DESC"
)

now_ns() { date +%s%N; }

# The median, in ms with two decimals, of the nanosecond figures given.
median_ms() {
    printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%.2f", m / 1e6}'
}

# Runs the command given 3 times, then RUNS times timed; prints the median.
time_it() {
    local samples=() t0 i
    for i in 1 2 3; do "$@" >/dev/null; done
    for ((i = 0; i < runs; i++)); do
        t0=$(now_ns)
        "$@" >/dev/null
        samples+=($(($(now_ns) - t0)))
    done
    median_ms "${samples[@]}"
}

ours() {
    # shellcheck disable=SC2086 # the options are words
    "$dateline" search "$1" $2 --index "$index" --json --limit 10 || [ $? -eq 1 ] # 1: no match
}

theirs() {
    mysql -h 127.0.0.1 -P "$port" --protocol=tcp -N -B \
        -e "SELECT did, title, published FROM news WHERE $1 LIMIT 10; SHOW META"
}

echo "| query | total dateline | total cluster | process dateline (ms) | process cluster (ms) | ratio |"
echo "|---|---|---|---|---|---|"
for q in "${queries[@]}"; do
    query=${q%%|*} rest=${q#*|}
    options=${rest%%|*} where=${rest#*|}
    total_ours=$(ours "$query" "$options" | grep -o '"total_articles": *[0-9]*' | grep -o '[0-9]*$')
    total_theirs=$(theirs "$where" | awk -F'\t' '$1 == "total_found" {print $2}')
    t_ours=$(time_it ours "$query" "$options")
    t_theirs=$(time_it theirs "$where")
    ratio=$(awk -v a="$t_ours" -v b="$t_theirs" 'BEGIN {printf "%.1f×", a / b}')
    label="\`$query${options:+ $options}\`"
    echo "| $label | $total_ours | $total_theirs | $t_ours | $t_theirs | $ratio |"
done
