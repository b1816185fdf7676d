//! Connections: accepted up to a cap sized from the process's open-file limit, each closed
//! when it sends no complete request header in time, and the idle ones closed to make room
//! when the cap comes near, so idle or slow clients cannot keep others out.
//!
//! axum's own `serve` has no header timeout and no cap; this is its accept loop, on hyper's
//! HTTP/1 connection (whose `header_read_timeout` closes a slow header, and a keep-alive
//! connection that sends no next request) serving the same `Router`.

use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};

/// Files the process keeps for itself beside its connections: standard streams, the
/// runtime's, and the index's (opened again whenever a commit lands), with a margin.
const FILES_KEPT: u64 = 64;
/// Most connections open at once however high the open-file limit: each holds buffers.
pub const MAX_CONNECTIONS: usize = 4_096;
/// Fewest connections, however low the open-file limit.
const MIN_CONNECTIONS: usize = 8;

/// How many connections are served at once, and how long each may take to send a header.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Connections open at once; more wait in the system's queue, costing no file.
    pub max: usize,
    /// When fewer than this many more connections could open, idle ones close to make way.
    pub room: usize,
    /// How long a connection may send nothing, or take to finish a request's header after
    /// its first byte, or sit idle between requests.
    pub header_timeout: Duration,
}

impl Limits {
    /// The cap from this process's open-file limit (`ulimit -n`), leaving [`FILES_KEPT`] for
    /// the rest, and an eighth of it as room for new connections.
    pub fn from_open_files(header_timeout: Duration) -> Limits {
        let max = usize::try_from(open_files().saturating_sub(FILES_KEPT))
            .unwrap_or(MAX_CONNECTIONS)
            .clamp(MIN_CONNECTIONS, MAX_CONNECTIONS);
        Limits {
            max,
            room: (max / 8).max(1),
            header_timeout,
        }
    }
}

/// The soft limit on open files, as `ulimit -n` shows it.
#[cfg(unix)]
fn open_files() -> u64 {
    rustix::process::getrlimit(rustix::process::Resource::Nofile)
        .current
        .unwrap_or(u64::MAX)
}

#[cfg(not(unix))]
fn open_files() -> u64 {
    u64::MAX
}

/// Accepts connections on `listener` and serves `app` on each, within `limits`, until `stop`
/// completes; then stops accepting and returns once every open connection has finished
/// its request in flight.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    stop: impl Future<Output = ()>,
) {
    let slots = Arc::new(Semaphore::new(limits.max));
    // Connections are numbered as accepted; every one numbered below this value closes
    // if idle.
    let (shed, _) = watch::channel(0u64);
    let (stopping, _) = watch::channel(false);
    let mut stop = std::pin::pin!(stop);
    let mut number = 0u64;
    loop {
        let slot = tokio::select! {
            () = &mut stop => break,
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
        };
        let stream = tokio::select! {
            () = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
        };
        number += 1;
        if slots.available_permits() < limits.room {
            shed.send_replace(number);
        }
        let conn = Conn {
            number,
            header_timeout: limits.header_timeout,
            shed: shed.subscribe(),
            stopping: stopping.subscribe(),
            _slot: slot,
        };
        tokio::spawn(conn.serve(stream, app.clone()));
    }
    stopping.send_replace(true);
    drop(listener);
    // Each connection gives its slot back when it closes.
    let all = u32::try_from(limits.max).unwrap_or(u32::MAX);
    let _ = slots.acquire_many(all).await;
}

/// A failed accept: the client already gone is nothing; anything else (the system out of
/// files or memory) is told, then waited out a little so the loop does not spin on it.
async fn accept_failed(e: io::Error) {
    if matches!(
        e.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionRefused
    ) {
        return;
    }
    eprintln!("dateline: warning: accepting a connection: {e}");
    tokio::time::sleep(Duration::from_millis(250)).await;
}

/// One accepted connection, holding its slot until it closes.
struct Conn {
    number: u64,
    header_timeout: Duration,
    shed: watch::Receiver<u64>,
    stopping: watch::Receiver<bool>,
    _slot: OwnedSemaphorePermit,
}

impl Conn {
    async fn serve(mut self, stream: TcpStream, app: Router) {
        let number = self.number;
        // Until its first byte a connection has asked nothing, so closing it loses nothing:
        // it goes when it stays silent, when room is needed, or when the server stops.
        let mut first = [0u8; 1];
        tokio::select! {
            read = stream.peek(&mut first) => {
                if !matches!(read, Ok(n) if n > 0) {
                    return;
                }
            }
            () = tokio::time::sleep(self.header_timeout) => return,
            _ = self.shed.wait_for(|below| number < *below) => return,
            _ = self.stopping.wait_for(|s| *s) => return,
        }
        let mut http = hyper::server::conn::http1::Builder::new();
        http.timer(TokioTimer::new())
            .header_read_timeout(self.header_timeout);
        let conn = http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(app));
        let mut conn = std::pin::pin!(conn);
        let mut closing = false;
        // Once asked to close, a connection closes at once when idle between requests, or
        // else after the request it is answering.
        loop {
            tokio::select! {
                _ = conn.as_mut() => break,
                _ = self.shed.wait_for(|below| number < *below), if !closing => {
                    closing = true;
                    conn.as_mut().graceful_shutdown();
                }
                _ = self.stopping.wait_for(|s| *s), if !closing => {
                    closing = true;
                    conn.as_mut().graceful_shutdown();
                }
            }
        }
    }
}
