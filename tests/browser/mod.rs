//! A real headless Chromium for the `dateline serve` page tests, driven through chromedriver
//! over WebDriver (W3C), and the `dateline serve` process it looks at.
//!
//! WebDriver is JSON over HTTP on loopback, and the tests use a dozen of its commands, so the
//! client is these few lines on `std::net::TcpStream` (with `serde_json`, already a
//! dependency) rather than an async client crate and its runtime.
// Each test uses only some of the helpers.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tempfile::TempDir;

/// How long a page may take to show what a test waits for: generous, only to catch a hang.
pub const WAIT: Duration = Duration::from_secs(15);

/// The W3C key of an element reference in WebDriver's JSON.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// One browser at a time: a Chromium per test thread at once would crowd a small CI machine.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn chromium_path() -> PathBuf {
    std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

fn chromedriver_path() -> PathBuf {
    std::env::var_os("CHROMEDRIVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromedriver"))
}

/// Fails the test, saying what to install, when Chromium or its driver is missing: the
/// browser tests are `#[ignore]`d, so they run only when asked for, and then they must run.
pub fn require() {
    assert!(
        chromium_path().exists() && chromedriver_path().exists(),
        "chromium not installed ({} and {} are needed): apt-get install chromium \
         chromium-driver (.ci/run installs them)",
        chromium_path().display(),
        chromedriver_path().display()
    );
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

/// One HTTP/1.1 request on loopback; returns the status and the body parsed as JSON.
fn http(port: u16, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to chromedriver");
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\
         Content-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .expect("send to chromedriver");
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).expect("status line");
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line from chromedriver: {line:?}"));
    let (mut length, mut chunked) = (None, false);
    loop {
        line.clear();
        reader.read_line(&mut line).expect("header line");
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':').unwrap_or((header, ""));
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            length = value.parse::<usize>().ok();
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            chunked = value.eq_ignore_ascii_case("chunked");
        }
    }
    let mut data = Vec::new();
    if chunked {
        loop {
            line.clear();
            reader.read_line(&mut line).expect("chunk size");
            let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)
                .expect("chunk size in hex");
            if size == 0 {
                break;
            }
            let start = data.len();
            data.resize(start + size, 0);
            reader.read_exact(&mut data[start..]).expect("chunk");
            line.clear();
            reader.read_line(&mut line).expect("chunk end");
        }
    } else if let Some(length) = length {
        data.resize(length, 0);
        reader.read_exact(&mut data).expect("body");
    } else {
        reader.read_to_end(&mut data).expect("body");
    }
    let value = if data.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&data).unwrap_or_else(|e| {
            panic!(
                "chromedriver sent no JSON ({e}): {}",
                String::from_utf8_lossy(&data)
            )
        })
    };
    (status, value)
}

/// Headless Chromium and its chromedriver, both ended on drop.
pub struct Browser {
    driver: Child,
    port: u16,
    session: String,
    _profile: TempDir,
    _turn: MutexGuard<'static, ()>,
}

pub struct Element<'a> {
    browser: &'a Browser,
    id: String,
}

impl Browser {
    /// Starts chromedriver on a free port and a fresh headless Chromium session. With
    /// `javascript: false` the page's scripts are turned off, as some readers have them.
    pub fn start_with(javascript: bool) -> Browser {
        let turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let port = free_port();
        let driver = Command::new(chromedriver_path())
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let profile = tempfile::tempdir().expect("tempdir for the Chromium profile");
        let mut browser = Browser {
            driver,
            port,
            session: String::new(),
            _profile: profile,
            _turn: turn,
        };
        let started = Instant::now();
        loop {
            let ready = TcpStream::connect(("127.0.0.1", port)).is_ok()
                && http(port, "GET", "/status", None).1["value"]["ready"] == json!(true);
            if ready {
                break;
            }
            assert!(started.elapsed() < WAIT, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile_dir = browser._profile.path().display().to_string();
        let mut options = json!({
            "binary": chromium_path().display().to_string(),
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage",
                "--window-size=1280,900",
                format!("--user-data-dir={profile_dir}"),
            ],
        });
        if !javascript {
            options["prefs"] = json!({"profile.managed_default_content_settings.javascript": 2});
        }
        let (status, value) = http(
            port,
            "POST",
            "/session",
            Some(&json!({"capabilities": {"alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": options,
            }}})),
        );
        assert_eq!(
            status, 200,
            "chromedriver could not start Chromium: {value}"
        );
        browser.session = value["value"]["sessionId"]
            .as_str()
            .expect("a session id")
            .to_string();
        browser
    }

    pub fn start() -> Browser {
        Browser::start_with(true)
    }

    /// Sends one WebDriver command of this session and returns its `value`; panics with
    /// chromedriver's message on an error.
    pub fn command(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let full = format!("/session/{}{path}", self.session);
        let (status, value) = http(self.port, method, &full, body.as_ref());
        assert_eq!(status, 200, "WebDriver {method} {path}: {value}");
        value["value"].clone()
    }

    fn try_command(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, Value> {
        let full = format!("/session/{}{path}", self.session);
        let (status, value) = http(self.port, method, &full, body.as_ref());
        if status == 200 {
            Ok(value["value"].clone())
        } else {
            Err(value)
        }
    }

    pub fn goto(&self, url: &str) {
        self.command("POST", "/url", Some(json!({ "url": url })));
    }

    pub fn url(&self) -> String {
        self.command("GET", "/url", None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub fn back(&self) {
        self.command("POST", "/back", Some(json!({})));
    }

    /// Runs `script` (a function body; `arguments` are `args`) in the page, returns its value.
    pub fn exec(&self, script: &str, args: Value) -> Value {
        self.command(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// Runs `script` in the page and waits for it to call its last argument with the value
    /// to return (`arguments[arguments.length - 1](value)`).
    pub fn exec_async(&self, script: &str, args: Value) -> Value {
        self.command(
            "POST",
            "/execute/async",
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// A Chrome DevTools Protocol command, through chromedriver.
    pub fn cdp(&self, cmd: &str, params: Value) -> Value {
        self.command(
            "POST",
            "/goog/cdp/execute",
            Some(json!({ "cmd": cmd, "params": params })),
        )
    }

    pub fn find_all(&self, css: &str) -> Vec<Element<'_>> {
        let found = self.command(
            "POST",
            "/elements",
            Some(json!({ "using": "css selector", "value": css })),
        );
        found
            .as_array()
            .expect("a list of elements")
            .iter()
            .map(|e| Element {
                browser: self,
                id: e[ELEMENT_KEY].as_str().expect("an element id").to_string(),
            })
            .collect()
    }

    /// The first element matching `css`, waiting for it to appear.
    pub fn find(&self, css: &str) -> Element<'_> {
        let started = Instant::now();
        loop {
            if let Some(e) = self.find_all(css).into_iter().next() {
                return e;
            }
            assert!(
                started.elapsed() < WAIT,
                "no element {css} on {}: {}",
                self.url(),
                self.text("body")
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The visible text of the first element matching `css`, or "" when there is none.
    pub fn text(&self, css: &str) -> String {
        self.exec(
            "const e = document.querySelector(arguments[0]); return e ? e.innerText : '';",
            json!([css]),
        )
        .as_str()
        .unwrap_or_default()
        .to_string()
    }

    /// Waits until `ready` holds, panicking with `what` after [`WAIT`].
    pub fn wait_until(&self, what: &str, ready: impl Fn(&Browser) -> bool) {
        let started = Instant::now();
        while !ready(self) {
            assert!(
                started.elapsed() < WAIT,
                "timed out waiting for {what}; at {}",
                self.url()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits for the page to change from `before` to a fully loaded one.
    pub fn wait_for_navigation(&self, before: &str) {
        self.wait_until("the next page", |b| {
            b.url() != before
                && b.exec("return document.readyState;", json!([])) == json!("complete")
        });
    }

    /// Presses keys on whatever has the focus, as a person at the keyboard would.
    pub fn press(&self, keys: &str) {
        let mut actions = Vec::new();
        for c in keys.chars() {
            actions.push(json!({"type": "keyDown", "value": c.to_string()}));
            actions.push(json!({"type": "keyUp", "value": c.to_string()}));
        }
        self.command(
            "POST",
            "/actions",
            Some(json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})),
        );
    }

    /// A PNG of the viewport.
    pub fn screenshot_base64(&self) -> String {
        self.command("GET", "/screenshot", None)
            .as_str()
            .expect("base64 PNG")
            .to_string()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self.try_command("DELETE", "", None);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Element<'_> {
    pub fn click(&self) {
        self.browser.command(
            "POST",
            &format!("/element/{}/click", self.id),
            Some(json!({})),
        );
    }

    /// Types `text` into the element (`\u{E007}` is Enter).
    pub fn send_keys(&self, text: &str) {
        self.browser.command(
            "POST",
            &format!("/element/{}/value", self.id),
            Some(json!({ "text": text })),
        );
    }

    /// The rendered text, as a reader sees it.
    pub fn text(&self) -> String {
        self.browser
            .command("GET", &format!("/element/{}/text", self.id), None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// A DOM property (`value`, `href`, `textContent`, ...), as a string.
    pub fn prop(&self, name: &str) -> String {
        match self.browser.command(
            "GET",
            &format!("/element/{}/property/{name}", self.id),
            None,
        ) {
            Value::String(s) => s,
            Value::Null => String::new(),
            other => other.to_string(),
        }
    }

    /// The elements matching `css` inside this one.
    pub fn find_all(&self, css: &str) -> Vec<Element<'_>> {
        let found = self.browser.command(
            "POST",
            &format!("/element/{}/elements", self.id),
            Some(json!({ "using": "css selector", "value": css })),
        );
        found
            .as_array()
            .expect("a list of elements")
            .iter()
            .map(|e| Element {
                browser: self.browser,
                id: e[ELEMENT_KEY].as_str().expect("an element id").to_string(),
            })
            .collect()
    }
}

/// `dateline serve` on a free loopback port, ended on drop.
pub struct Server {
    child: Child,
    /// The URL it printed, e.g. `http://127.0.0.1:40123/`.
    pub url: String,
}

impl Server {
    pub fn start(index: &Path) -> Server {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("dateline"))
            .args(["serve", "--addr", "127.0.0.1:0", "--index"])
            .arg(index)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start dateline serve");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut first = String::new();
            let _ = reader.read_line(&mut first);
            let _ = tx.send(first);
            // Keep reading, so that the server never blocks on a full pipe.
            let _ = std::io::copy(&mut reader, &mut std::io::sink());
        });
        let first = rx.recv_timeout(WAIT).unwrap_or_default();
        let url = first.trim().to_string();
        if !url.starts_with("http://") {
            let _ = child.kill();
            panic!("dateline serve printed {first:?}, not its URL, as its first line");
        }
        let url = if url.ends_with('/') {
            url
        } else {
            format!("{url}/")
        };
        Server { child, url }
    }

    /// The server's URL for `path_and_query` (no leading slash).
    pub fn at(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.url)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
