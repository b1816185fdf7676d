//! dateline: full-text search for news archives.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;

mod cli;
mod commands;

use cli::{Cli, Command};
use dateline::output;

/// Exit codes as grep and ripgrep use them: the command's own (0 found, 1 nothing found,
/// 130 interrupted), 2 for an error (clap's usage errors are 2 as well), and 0 when the
/// reader of standard output went away (`| head`), which is not an error.
fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => match cli::refused_value(&err) {
            // A value our parsers refused reads like every other error.
            Some(message) => return report(anyhow::anyhow!(message)),
            // Usage errors (2), --help and --version (0), as clap prints them.
            None => err.exit(),
        },
    };
    let result = match cli.command {
        Command::Index(args) => {
            few_malloc_arenas();
            commands::index(args)
        }
        Command::Search(args) => commands::search(args),
        Command::Facets(args) => commands::facets(args),
        Command::Similar(args) => commands::similar(args),
        Command::Show(args) => commands::show(args),
        Command::Timeline(args) => commands::timeline(args),
        Command::Terms(args) => commands::terms(args),
        Command::Serve(args) => commands::serve(args),
        Command::Export(args) => commands::export(args),
        Command::Alert(args) => commands::alert(args),
        Command::Completions(args) => print_with(|out| {
            cli::write_completions(args.shell, out);
            Ok(())
        }),
        Command::Man(args) => print_with(|out| cli::write_man(args.command.as_deref(), out)),
    };
    match result {
        Ok(code) => code,
        Err(err) if output::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => report(err),
    }
}

/// Prints an error as one line on standard error and returns exit code 2.
fn report(err: anyhow::Error) -> ExitCode {
    let message = output::one_line(&format!("{err:#}"));
    // Error messages quote paths and queries: shown, never obeyed, by the terminal.
    let _ = writeln!(
        io::stderr(),
        "dateline: {}",
        output::terminal_safe(&message)
    );
    ExitCode::from(2)
}

/// Runs a generator writing to standard output (completions, man page).
fn print_with(
    write: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
) -> anyhow::Result<ExitCode> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    write(&mut out)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Indexing allocates documents on one thread and frees them on tantivy's, and glibc gives
/// each thread its own heap ("arena") by default, which keeps what other threads freed:
/// peak memory then grows well past `--memory`, for no speed. Two arenas are enough; must
/// run before threads start.
/// A fixed mmap threshold keeps glibc from raising it (up to 32 MB) after large buffers are
/// freed, which puts later ones on the heap where they fragment it, so peak memory varied
/// widely from run to run. Fixing it also fixes the trim threshold at glibc's 128 KB
/// default, and returning the heap's top that often costs system time; a 64 MB trim
/// threshold brings the build's time back without raising peak memory.
/// (The measurements are in docs/BENCHMARKS.md.)
fn few_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; no other thread exists yet.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 64 << 20);
    }
}
