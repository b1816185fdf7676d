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

# A loopback port nobody listens on, and not one already handed out by this run. It is drawn
# below the kernel's range for the local ends of outgoing connections, where any program's
# connection could take it before searchd binds it. Another program may still take it; the
# searchd that cannot listen is then started again on other ports.
taken=" "
started=no
free_port() {
    local port low=20000 span=40000 first last
    if read -r first last </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null \
        && [ "$first" -gt 11024 ]; then
        low=10000
        span=$((first - low))
    fi
    for _ in $(seq 1 200); do
        port=$((low + RANDOM % span))
        case "$taken" in *" $port "*) continue ;; esac
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            taken="$taken$port "
            echo "$port"
            return 0
        fi
    done
    die "no free loopback port found"
}

# Waits until something accepts connections on the port, for at most 30 s; fails if none does.
wait_port() {
    local port=$1
    for _ in $(seq 1 300); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    return 1
}

# How many times a searchd that does not listen is started again on other ports.
ATTEMPTS=3

# Starts searchd on the config NAME.conf that `make_config PORT QLPORT` writes into $state,
# on fresh ports, until it listens (at most $ATTEMPTS times); prints the port it listens on.
serve() {
    local name=$1 what=$2 make_config=$3 port qlport attempt
    for ((attempt = 1; attempt <= ATTEMPTS; attempt++)); do
        port="$(free_port)"
        qlport="$(free_port)"
        "$make_config" "$port" "$qlport"
        searchd --config "$state/$name.conf" >"$state/$name.out" 2>&1 \
            || die "$what did not start: see $state/$name.out"
        if wait_port "$port"; then
            echo "$port"
            return 0
        fi
        stop_pid_file "$state/$name.pid"
    done
    die "$what did not start listening on 127.0.0.1 ($ATTEMPTS tries): $(tail -n 2 "$state/$name.log" 2>/dev/null | tr '\n' ' ')see $state"
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
    # Global: the EXIT trap, which runs after start has returned, stops what it started.
    local export_dir
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

    local agents="" k port
    agent_config() {
        fill "$here/agent.conf.in" "$state/agent_$k.conf" \
            "SHARD=$k" "XML=$export_dir/news_$k.xml" "STATE=$state" "PORT=$1" "QLPORT=$2"
    }
    head_config() {
        fill "$here/head.conf.in" "$state/head.conf" "AGENTS=${agents%$'\n'}" "STATE=$state" "PORT=$1"
    }
    for ((k = 0; k < shards; k++)); do
        # The ports in this first config are only the indexer's to ignore.
        agent_config 0 0
        indexer --config "$state/agent_$k.conf" --all --quiet >"$state/indexer_$k.log" 2>&1 \
            || die "indexer failed on news_$k.xml: see $state/indexer_$k.log"
        port="$(serve "agent_$k" "the agent for news_$k" agent_config)"
        agents="$agents    agent = 127.0.0.1:$port:news_$k"$'\n'
    done
    port="$(serve head "the head" head_config)"
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
