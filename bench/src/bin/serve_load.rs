//! Load on a running `dateline serve`: N clients on loopback, each on its own keep-alive
//! connection, sending the harness's queries (`QUERIES`) to `/api/search` with snippets, and
//! every `--page-every`th request a results page (`/?q=...`, facets and timeline included),
//! for D seconds. Reports requests/s, latency percentiles, errors, and with `--pid` the
//! server's resident memory sampled once a second from `/proc/PID/status`.
//!
//! ```text
//! dateline serve --index INDEX --addr 127.0.0.1:7700 &
//! cargo run --release -p dateline-bench --bin serve_load -- \
//!     --url http://127.0.0.1:7700/ --clients 16 --seconds 30 --pid $!
//! ```
//!
//! Each client is a thread with a blocking client (ureq) of its own: one connection per
//! client, reused for every request, as a browser or a script keeps its connection.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use dateline_bench::QUERIES;
use serde_json::json;

struct Args {
    url: String,
    clients: usize,
    seconds: u64,
    warmup: u64,
    pid: Option<u32>,
    page_every: u64,
    json: bool,
}

fn parse_args() -> Result<Args> {
    let mut args = Args {
        url: "http://127.0.0.1:7700/".into(),
        clients: 16,
        seconds: 30,
        warmup: 2,
        pid: None,
        page_every: 10,
        json: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || it.next().with_context(|| format!("{a} needs a value"));
        match a.as_str() {
            "--url" => args.url = value()?,
            "--clients" => args.clients = value()?.parse()?,
            "--seconds" => args.seconds = value()?.parse()?,
            "--warmup" => args.warmup = value()?.parse()?,
            "--pid" => args.pid = Some(value()?.parse()?),
            "--page-every" => args.page_every = value()?.parse()?,
            "--json" => args.json = true,
            "-h" | "--help" => {
                println!(
                    "serve_load [--url http://127.0.0.1:7700/] [--clients 16] [--seconds 30] \
                     [--warmup 2] [--pid PID] [--page-every 10] [--json]"
                );
                std::process::exit(0);
            }
            other => bail!("unknown argument {other}; see --help"),
        }
    }
    if !args.url.ends_with('/') {
        args.url.push('/');
    }
    if args.clients == 0 || args.seconds == 0 {
        bail!("--clients and --seconds must be at least 1");
    }
    Ok(args)
}

fn encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The request paths, in the order the clients cycle through them: each query of the
/// harness through the API (first page of 10 with snippets, as `dateline search --json`),
/// and every `page_every`th a results page.
fn paths(page_every: u64) -> Vec<String> {
    let mut api = Vec::new();
    let mut pages = Vec::new();
    for q in QUERIES {
        let mut params = format!("q={}", encode(q.text));
        if let Some((from, to)) = q.range {
            params.push_str(&format!("&from={from}&to={to}"));
        }
        if q.newest {
            params.push_str("&sort=newest");
        }
        api.push(format!("api/search?{params}&limit=10"));
        pages.push(format!("?{params}"));
    }
    // With `page_every` 0, no pages.
    let every = page_every as usize;
    (0..api.len() * every.max(1))
        .map(|i| {
            if every > 0 && (i + 1) % every == 0 {
                pages[(i / every) % pages.len()].clone()
            } else {
                api[i % api.len()].clone()
            }
        })
        .collect()
}

#[derive(Default)]
struct ClientResult {
    /// Latencies of the requests that finished inside the measured window, in microseconds.
    micros: Vec<u32>,
    /// The same, of the results pages alone.
    page_micros: Vec<u32>,
    errors: u64,
    bytes: u64,
    first_error: Option<String>,
}

fn client(
    base: String,
    paths: Arc<Vec<String>>,
    offset: usize,
    measure_from: Instant,
    stop: Arc<AtomicBool>,
) -> ClientResult {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .max_idle_connections_per_host(1)
        .build()
        .into();
    let mut result = ClientResult::default();
    let mut i = offset;
    while !stop.load(Ordering::Relaxed) {
        let path = &paths[i % paths.len()];
        let url = format!("{base}{path}");
        i += 1;
        let started = Instant::now();
        let outcome = agent
            .get(&url)
            .call()
            .map_err(|e| e.to_string())
            .and_then(|mut resp| {
                let status = resp.status().as_u16();
                let body = resp
                    .body_mut()
                    .with_config()
                    .limit(64 << 20)
                    .read_to_vec()
                    .map_err(|e| e.to_string())?;
                if status == 200 {
                    Ok(body.len())
                } else {
                    Err(format!(
                        "{status} for {url}: {}",
                        String::from_utf8_lossy(&body[..body.len().min(200)])
                    ))
                }
            });
        let took = started.elapsed();
        if started < measure_from {
            continue;
        }
        match outcome {
            Ok(n) => {
                let micros = took.as_micros().min(u32::MAX as u128) as u32;
                result.micros.push(micros);
                if !path.starts_with("api/") {
                    result.page_micros.push(micros);
                }
                result.bytes += n as u64;
            }
            Err(e) => {
                result.errors += 1;
                result.first_error.get_or_insert(e);
            }
        }
    }
    result
}

/// VmRSS of `pid` in KiB.
fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1] as f64 / 1000.0
}

fn main() -> Result<()> {
    let args = parse_args()?;
    // Fail early and clearly when nothing listens there.
    let probe = ureq::get(&format!("{}healthz", args.url))
        .call()
        .with_context(|| format!("no dateline serve at {}: start it first", args.url))?;
    if probe.status() != 200 {
        bail!("{}healthz answered {}", args.url, probe.status());
    }
    let paths = Arc::new(paths(args.page_every));
    let stop = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let measure_from = start + Duration::from_secs(args.warmup);
    let handles: Vec<_> = (0..args.clients)
        .map(|c| {
            let (base, paths, stop) = (args.url.clone(), paths.clone(), stop.clone());
            // Clients start at different points of the mix, so that they do not move in step.
            let offset = c * paths.len() / args.clients;
            std::thread::spawn(move || client(base, paths, offset, measure_from, stop))
        })
        .collect();

    // RSS once a second, from the end of the warm-up.
    std::thread::sleep(measure_from.saturating_duration_since(Instant::now()));
    let mut rss: Vec<(u64, u64)> = Vec::new();
    let end = measure_from + Duration::from_secs(args.seconds);
    let mut tick = measure_from;
    loop {
        if let Some(pid) = args.pid {
            if let Some(kib) = rss_kib(pid) {
                rss.push((tick.duration_since(measure_from).as_secs(), kib));
            }
        }
        tick += Duration::from_secs(1);
        if tick > end {
            break;
        }
        std::thread::sleep(tick.saturating_duration_since(Instant::now()));
    }
    std::thread::sleep(end.saturating_duration_since(Instant::now()));
    stop.store(true, Ordering::Relaxed);
    let measured = end.duration_since(measure_from).as_secs_f64();
    let mut all = Vec::new();
    let mut pages = Vec::new();
    let (mut errors, mut bytes, mut first_error) = (0, 0, None);
    for h in handles {
        let r = h.join().expect("client thread");
        all.extend(r.micros);
        pages.extend(r.page_micros);
        errors += r.errors;
        bytes += r.bytes;
        if first_error.is_none() {
            first_error = r.first_error;
        }
    }
    all.sort_unstable();
    pages.sort_unstable();
    let ok = all.len() as f64;
    let summary = json!({
        "url": args.url,
        "clients": args.clients,
        "seconds": args.seconds,
        "warmup_seconds": args.warmup,
        "page_every": args.page_every,
        "requests": all.len() as u64 + errors,
        "errors": errors,
        "first_error": first_error,
        "requests_per_s": (ok + errors as f64) / measured,
        "mb_per_s": bytes as f64 / measured / 1e6,
        "latency_ms": {
            "p50": percentile(&all, 50.0),
            "p90": percentile(&all, 90.0),
            "p99": percentile(&all, 99.0),
            "max": all.last().map_or(f64::NAN, |&m| m as f64 / 1000.0),
            "mean": all.iter().map(|&m| m as f64).sum::<f64>() / ok.max(1.0) / 1000.0,
        },
        "pages": {
            "requests": pages.len(),
            "p50_ms": percentile(&pages, 50.0),
            "p99_ms": percentile(&pages, 99.0),
        },
        "rss_mib": rss.iter().map(|&(t, k)| json!([t, k as f64 / 1024.0])).collect::<Vec<_>>(),
    });
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
        return Ok(());
    }
    let l = &summary["latency_ms"];
    println!(
        "{} clients, {} s (after {} s warm-up), {} requests ({} errors): {:.0} requests/s, {:.1} MB/s",
        args.clients,
        args.seconds,
        args.warmup,
        summary["requests"],
        errors,
        summary["requests_per_s"].as_f64().unwrap_or(0.0),
        summary["mb_per_s"].as_f64().unwrap_or(0.0),
    );
    println!(
        "latency ms: p50 {:.2}  p90 {:.2}  p99 {:.2}  max {:.2}  mean {:.2}",
        l["p50"].as_f64().unwrap_or(f64::NAN),
        l["p90"].as_f64().unwrap_or(f64::NAN),
        l["p99"].as_f64().unwrap_or(f64::NAN),
        l["max"].as_f64().unwrap_or(f64::NAN),
        l["mean"].as_f64().unwrap_or(f64::NAN),
    );
    if !pages.is_empty() {
        println!(
            "of which {} results pages: p50 {:.2}  p99 {:.2}",
            pages.len(),
            percentile(&pages, 50.0),
            percentile(&pages, 99.0)
        );
    }
    if let Some(e) = first_error {
        println!("first error: {e}");
    }
    if !rss.is_empty() {
        let at = |s: u64| rss.iter().rev().find(|&&(t, _)| t <= s).map(|&(_, k)| k);
        let mib = |k: u64| k as f64 / 1024.0;
        let first = rss[0].1;
        let last = rss[rss.len() - 1].1;
        let max = rss.iter().map(|&(_, k)| k).max().unwrap_or(0);
        print!(
            "server RSS MiB: start {:.1}, end {:.1}, max {:.1}",
            mib(first),
            mib(last),
            mib(max)
        );
        if args.seconds > 60 {
            if let Some(minute) = at(60) {
                print!(
                    ", after 1 min {:.1} (end {:+.1}%)",
                    mib(minute),
                    (last as f64 / minute as f64 - 1.0) * 100.0
                );
            }
        }
        println!();
        let step = (rss.len() / 10).max(1);
        let series: Vec<String> = rss
            .iter()
            .step_by(step)
            .map(|&(t, k)| format!("{t}s {:.0}", mib(k)))
            .collect();
        println!("RSS MiB over time: {}", series.join(", "));
    }
    Ok(())
}
