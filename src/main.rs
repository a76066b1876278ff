//! The `briefing` command line. All the work is in the library.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand, ValueEnum};

use std::path::Path;

use briefing::terminal::{complain, count, say, Level, Terminal};
use briefing::BuildOptions;

// Building a site allocates many small strings; mimalloc does that faster
// than the system allocator (allocation was a third of a rebuild's samples).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "briefing",
    version,
    about = "Build a cross-linked news briefing site from Markdown"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Print only errors
    #[arg(short, long, global = true)]
    quiet: bool,
    /// Print more: the time each stage of a build took (as `build --timings`)
    #[arg(short, long, global = true, conflicts_with = "quiet")]
    verbose: bool,
}

#[derive(Args)]
struct SiteArgs {
    /// The site's folder, holding briefing.yaml and content/
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Include briefings and pages marked `draft: true`
    #[arg(long)]
    drafts: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into site/ (or --output), replacing it only if the build succeeds
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Where to write the site [default: <root>/site]
        #[arg(long)]
        output: Option<PathBuf>,
        /// Publish under this URL instead of briefing.yaml's base_url
        #[arg(long)]
        base_url: Option<String>,
        /// Print the time spent in each stage
        #[arg(long)]
        timings: bool,
        /// Build into a non-empty folder briefing did not write, replacing everything in it
        #[arg(long)]
        force: bool,
    },
    /// Preview the site: serve it, rebuild on every save, reload the browser
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        /// Port to listen on; 0 takes any free port
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Address to listen on
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Poll for changes, for file systems whose events don't arrive
        #[arg(long)]
        poll: bool,
    },
    /// Create a new site that builds at once
    Init {
        /// Folder to create the site in
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Start a briefing: content/briefings/YYYY-MM-DD-<slug>.md with its front-matter
    New {
        /// The briefing's title
        #[arg(required_unless_present = "edition")]
        title: Option<String>,
        /// Write an edition instead: the day's published briefings, the
        /// newest as its lead, for you to reorder (YYYY-MM-DD; today if
        /// left out)
        #[arg(long, value_name = "DAY", num_args = 0..=1, default_missing_value = "today", conflicts_with_all = ["topics", "people"])]
        edition: Option<String>,
        /// A topic it covers (repeat for more)
        #[arg(long = "topic")]
        topics: Vec<String>,
        /// A person it covers (repeat for more)
        #[arg(long = "person")]
        people: Vec<String>,
        /// The site's folder
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Report every problem in the site without writing anything
    Check {
        #[command(flatten)]
        site: SiteArgs,
        /// How to print the report
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

/// A build is a batch job whose memory comes and goes in large waves: with
/// the defaults, mimalloc keeps freed memory a while for reuse and the
/// kernel backs its arenas with 2 MB huge pages, so at 1k briefings the
/// process held 150 MB where 55 MB were in use. Freed pages now go back
/// after 20 ms (an arena's free space after ten times that, mimalloc's
/// `arena_purge_mult`), and pages are the normal 4 KB. Not at once: a page
/// given back at once was faulted in again by the next page rendered. At
/// 10k briefings, against 2 ms: 3 to 6% faster for 4% more peak memory
/// (1k: 68 → 71 MB); 50 ms gained little more for 6% and 84 MB at 1k,
/// never giving back 12% for 28% (and 104 MB at 1k). The preview is the
/// opposite: each save makes a site as large as the last one, and pages
/// given back after one save were faulted in again by the next (a sixth
/// of a title save's time at 10k), so it keeps what it freed.
fn tune_memory(preview: bool) {
    // Position of `mi_option_purge_delay` in mimalloc.h's `mi_option_e`
    // (the same in its v2 and v3); libmimalloc-sys does not name it.
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: mimalloc allows setting an option at any time; prctl with
    // PR_SET_THP_DISABLE only sets a flag on this process.
    unsafe {
        libmimalloc_sys::mi_option_set(PURGE_DELAY, if preview { -1 } else { 20 });
        #[cfg(target_os = "linux")]
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tune_memory(matches!(cli.command, Command::Serve { .. }));
    // A panic is a bug in briefing, never the editor's fault: say so plainly,
    // without a backtrace, and exit with a code of its own.
    std::panic::set_hook(Box::new(|info| {
        complain(format_args!("error: internal error in briefing ({info}); this is a bug, please report it with the command you ran"));
    }));
    std::panic::catch_unwind(move || run(cli)).unwrap_or(ExitCode::from(101))
}

fn run(cli: Cli) -> ExitCode {
    let term = Terminal::detect(cli.quiet, cli.verbose);
    match cli.command {
        Command::Build {
            site,
            output,
            base_url,
            timings,
            force,
        } => build(
            BuildOptions {
                root: site.root,
                output,
                drafts: site.drafts,
                base_url,
            },
            force,
            timings || cli.verbose,
            term,
        ),
        Command::Serve {
            site,
            port,
            bind,
            poll,
        } => {
            let options = briefing::serve::ServeOptions {
                root: site.root.clone(),
                bind,
                port,
                drafts: site.drafts,
                poll,
            };
            match briefing::serve::serve(&options) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    term.print(Level::Error, &e, &site.root);
                    ExitCode::FAILURE
                }
            }
        }
        Command::Init { dir } => {
            match briefing::scaffold::init(&dir, briefing::scaffold::now(None)) {
                Ok(files) => {
                    if !term.quiet {
                        say(format_args!("Created a site in {}:", dir.display()));
                        for file in files {
                            say(format_args!("  {}", file.display()));
                        }
                        say(format_args!("Next: cd {} && briefing serve", dir.display()));
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&e, term),
            }
        }
        Command::New {
            edition: Some(day),
            root,
            ..
        } => new_edition(&root, &day, term),
        Command::New {
            title,
            topics,
            people,
            root,
            ..
        } => {
            let title = title.unwrap_or_default();
            // Only in a site: its settings name and date the file.
            let config = match briefing::Config::load(&root) {
                Ok(config) => config,
                Err(e) => return fail(&e, term),
            };
            match briefing::scaffold::new_briefing(
                &root,
                &title,
                &topics,
                &people,
                briefing::scaffold::now(config.zone),
                config.slugs.transliterate,
            ) {
                Ok(path) => {
                    if !term.quiet {
                        say(format_args!("Created {}", path.display()));
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&e, term),
            }
        }
        Command::Check { site, format } => {
            let mut options = BuildOptions::new(site.root);
            options.drafts = site.drafts;
            check(&options, format, term)
        }
    }
}

fn new_edition(root: &Path, day: &str, term: Terminal) -> ExitCode {
    let config = match briefing::Config::load(root) {
        Ok(config) => config,
        Err(e) => return fail(&e, term),
    };
    let now = briefing::scaffold::now(config.zone);
    let day = if day == "today" {
        now.date_naive()
    } else {
        match chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d") {
            Ok(day) => day,
            Err(_) => {
                let error = briefing::Error::new(format!(
                    "'{day}' is not a day: write --edition 2025-09-03, or --edition alone for today"
                ));
                return fail(&error, term);
            }
        }
    };
    match briefing::scaffold::new_edition(&BuildOptions::new(root), day, now) {
        Ok(path) => {
            if !term.quiet {
                say(format_args!("Created {}", path.display()));
            }
            ExitCode::SUCCESS
        }
        Err(errors) => {
            for e in &errors.0 {
                term.print(Level::Error, e, root);
            }
            ExitCode::FAILURE
        }
    }
}

fn fail(error: &briefing::Error, term: Terminal) -> ExitCode {
    term.print(Level::Error, error, Path::new("."));
    ExitCode::FAILURE
}

fn build(options: BuildOptions, force: bool, timings: bool, term: Terminal) -> ExitCode {
    let started = Instant::now();
    // A bar only on a terminal, and only once a build turns out long.
    let bar = (term.is_terminal() && !term.quiet).then(|| {
        indicatif::ProgressBar::hidden().with_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} pages")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        )
    });
    let mut progress = |done: usize, total: usize| {
        if let Some(bar) = &bar {
            if bar.is_hidden() && started.elapsed().as_millis() > 700 && done < total {
                bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            }
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
    };
    let result = briefing::build_with(&options, force, &mut progress);
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    match result {
        Ok(report) => {
            for warning in &report.warnings {
                term.print(Level::Warning, warning, &options.root);
            }
            if term.quiet {
                return ExitCode::SUCCESS;
            }
            say(format_args!(
                "Built {}, {}, {}, {}, {}: {} ({} changed) in {} ms → {}",
                count(report.briefings, "briefing", "briefings"),
                count(report.topics, "topic", "topics"),
                count(report.people, "person", "people"),
                count(report.pages, "page", "pages"),
                count(report.feeds, "feed", "feeds"),
                count(report.files, "file", "files"),
                report.changed,
                started.elapsed().as_millis(),
                options.output_dir().display()
            ));
            if timings && report.unchanged {
                say(format_args!(
                    "  nothing to do: the sources and the output are the last build's ({:.1} ms to tell)",
                    report.timings.load.as_secs_f64() * 1e3
                ));
            } else if timings {
                let t = &report.timings;
                say(format_args!(
                    "  load {:.1} ms · link {:.1} ms · render {:.1} ms · write {:.1} ms",
                    t.load.as_secs_f64() * 1e3,
                    t.link.as_secs_f64() * 1e3,
                    t.render.as_secs_f64() * 1e3,
                    t.write.as_secs_f64() * 1e3
                ));
            }
            ExitCode::SUCCESS
        }
        Err(failure) => {
            for error in &failure.errors.0 {
                term.print(Level::Error, error, &options.root);
            }
            complain(format_args!(
                "build failed: {}; {}",
                count(failure.errors.0.len(), "error", "errors"),
                left(&failure.output, &options.output_dir())
            ));
            ExitCode::FAILURE
        }
    }
}

/// Whether anything is at the output path (a site, or a file in its way).
fn output_exists(output: &Path) -> bool {
    output.symlink_metadata().is_ok()
}

/// What a failed build left in the output, as its last line says it.
fn left(state: &briefing::OutputLeft, output_path: &Path) -> String {
    use briefing::OutputLeft;
    let output = output_path.display();
    match state {
        // With no site there before, there is no previous site to speak of.
        OutputLeft::AsItWas if !output_exists(output_path) => "nothing was written".into(),
        OutputLeft::AsItWas => "the previous site was left as it was".into(),
        OutputLeft::NothingWritten => "nothing was written".into(),
        OutputLeft::Unfinished => format!(
            "{output} was left part-way through its update (some files new, others old); the next successful build repairs it"
        ),
        OutputLeft::MovedAside(old) => format!(
            "the previous site was moved to {} and no site is at {output}; the next successful build writes it",
            old.display()
        ),
    }
}

fn check(options: &BuildOptions, format: Format, term: Terminal) -> ExitCode {
    let report = briefing::check::check(options);
    match format {
        Format::Json => say(format_args!("{}", report.to_json())),
        Format::Text => {
            // The report goes to stdout, so colour follows stdout, not stderr.
            let out = Terminal::detect_stdout(term.quiet, term.verbose);
            for error in &report.errors {
                say(format_args!(
                    "{}",
                    out.describe(Level::Error, error, &options.root)
                ));
            }
            if !term.quiet {
                for warning in &report.warnings {
                    say(format_args!(
                        "{}",
                        out.describe(Level::Warning, warning, &options.root)
                    ));
                }
            }
            if !term.quiet {
                say(format_args!(
                    "{}, {}",
                    count(report.errors.len(), "error", "errors"),
                    count(report.warnings.len(), "warning", "warnings")
                ));
            }
        }
    }
    if report.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
