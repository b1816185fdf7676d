#!/usr/bin/env bash
# A local Sphinx/Manticore cluster over a `dateline export --to manticore` folder, on loopback:
#
#   cluster.sh start EXPORT_DIR STATE_DIR   builds every news_K.xml into a table with `indexer`,
#                                           starts one `searchd` agent per shard and a head
#                                           `searchd` with the distributed table `news`; the
#                                           last line printed is sphinxql://127.0.0.1:PORT/news
#   cluster.sh stop STATE_DIR               stops them, by their pid files in STATE_DIR
#
# Needs `indexer` and `searchd` (Debian's sphinxsearch, or Manticore's) on the PATH. The
# configs written into STATE_DIR are agent.conf.in and head.conf.in beside this script.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

die() {
    echo "cluster.sh: $*" >&2
    exit 2
}

usage() {
    die "usage: cluster.sh start EXPORT_DIR STATE_DIR | cluster.sh stop STATE_DIR"
}

# A loopback port nobody listens on, and not one already handed out by this run. Another
# program may still take it before searchd does; searchd then fails to start, and so does
# this script, saying so.
taken=" "
started=no
free_port() {
    local port
    for _ in $(seq 1 200); do
        port=$((20000 + RANDOM % 40000))
        case "$taken" in *" $port "*) continue ;; esac
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            taken="$taken$port "
            echo "$port"
            return 0
        fi
    done
    die "no free loopback port found"
}

# Waits until something accepts connections on the port, for at most 30 s.
wait_port() {
    local port=$1 what=$2
    for _ in $(seq 1 300); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    die "$what did not start listening on 127.0.0.1:$port: see its log in $state"
}

# The pid file's process, stopped; waits for it to end (searchd removes its pid file).
stop_pid_file() {
    local file=$1 pid
    [ -s "$file" ] || return 0
    pid="$(cat "$file")"
    case "$pid" in '' | *[!0-9]*) rm -f "$file"; return 0 ;; esac
    if kill "$pid" 2>/dev/null; then
        for _ in $(seq 1 300); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
            kill -9 "$pid" 2>/dev/null || true
        fi
    fi
    rm -f "$file"
}

# Writes a config from a template: @NAME@ replaced by each NAME=VALUE given.
fill() {
    local template=$1 out=$2
    shift 2
    local text
    text="$(cat "$template")"
    for pair in "$@"; do
        text="${text//@${pair%%=*}@/${pair#*=}}"
    done
    printf '%s\n' "$text" >"$out"
}

start() {
    [ $# -eq 2 ] || usage
    command -v indexer >/dev/null && command -v searchd >/dev/null \
        || die "indexer and searchd not found: install Debian's sphinxsearch (apt-get install sphinxsearch) or Manticore"
    local export_dir state
    export_dir="$(cd "$1" 2>/dev/null && pwd)" || die "no export folder $1: run dateline export --to manticore --out $1 first"
    mkdir -p "$2" || die "cannot create $2"
    state="$(cd "$2" && pwd)"
    for dir in "$export_dir" "$state"; do
        case "$dir" in *[\'\#\"\\]* | *$'\n'*) die "$dir: the config cannot name a folder with ' \" # or \\ in it: use another" ;; esac
    done
    [ ! -e "$state/head.pid" ] || die "$state already runs a cluster: cluster.sh stop $state first"
    # Whatever this run started is stopped again should a later step fail.
    trap '[ "$started" = yes ] || stop "$state" >/dev/null 2>&1' EXIT
    local shards=0
    while [ -f "$export_dir/news_$shards.xml" ]; do
        shards=$((shards + 1))
    done
    [ "$shards" -gt 0 ] || die "no news_0.xml in $export_dir: run dateline export --to manticore --out $export_dir first"

    local agents="" k port qlport
    for ((k = 0; k < shards; k++)); do
        port="$(free_port)"
        qlport="$(free_port)"
        fill "$here/agent.conf.in" "$state/agent_$k.conf" \
            "SHARD=$k" "XML=$export_dir/news_$k.xml" "STATE=$state" "PORT=$port" "QLPORT=$qlport"
        indexer --config "$state/agent_$k.conf" --all --quiet >"$state/indexer_$k.log" 2>&1 \
            || die "indexer failed on news_$k.xml: see $state/indexer_$k.log"
        searchd --config "$state/agent_$k.conf" >"$state/searchd_$k.out" 2>&1 \
            || die "searchd for news_$k did not start: see $state/searchd_$k.out"
        wait_port "$port" "the agent for news_$k"
        agents="$agents    agent = 127.0.0.1:$port:news_$k"$'\n'
    done
    port="$(free_port)"
    fill "$here/head.conf.in" "$state/head.conf" "AGENTS=${agents%$'\n'}" "STATE=$state" "PORT=$port"
    searchd --config "$state/head.conf" >"$state/head.out" 2>&1 \
        || die "the head searchd did not start: see $state/head.out"
    wait_port "$port" "the head"
    started=yes
    echo "$shards shards, agents' logs and configs in $state"
    echo "sphinxql://127.0.0.1:$port/news"
}

stop() {
    [ $# -eq 1 ] || usage
    [ -d "$1" ] || die "no state folder $1"
    local file
    stop_pid_file "$1/head.pid"
    for file in "$1"/agent_*.pid; do
        [ -e "$file" ] && stop_pid_file "$file"
    done
    return 0
}

case "${1:-}" in
    start) shift; start "$@" ;;
    stop) shift; stop "$@" ;;
    *) usage ;;
esac
