//! dateline: full-text search for news archives.

use clap::Parser;

use dateline::cli::{Cli, Command};
use dateline::{commands, index_dir};

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Index(args) => {
            few_malloc_arenas();
            commands::index(args)
        }
        Command::Search(args) => commands::search(args),
        Command::Facets(args) => commands::facets(args),
        Command::Similar(args) => commands::similar(args),
        Command::Timeline(args) => commands::timeline(args),
    };
    if let Err(err) = result {
        eprintln!("dateline: {}", index_dir::one_line(&format!("{err:#}")));
        std::process::exit(1);
    }
}

/// Indexing allocates documents on one thread and frees them on tantivy's, and glibc gives
/// each thread its own heap ("arena") by default, which keeps what other threads freed:
/// at 1 million JSON Lines articles that was ~110 MB of peak RSS beyond `--memory`
/// (368 vs 258 MB), for no speed. Two arenas are enough; must run before threads start.
/// A fixed mmap threshold keeps glibc from raising it (up to 32 MB) after large buffers are
/// freed, which put later ones on the heap where they fragmented it: peak RSS of a 50x build
/// varied from 288 to 373 MB over four runs, and was 258-276 MB with 1 MB fixed. Fixing it
/// also fixes the trim threshold at glibc's 128 KB default, and returning the heap's top that
/// often cost system time (10x build: 2.5 -> 4.1-4.9 s); 64 MB brings it back (2.6-3.7 s),
/// with 269 MB at 50x.
fn few_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; no other thread exists yet.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 64 << 20);
    }
}
