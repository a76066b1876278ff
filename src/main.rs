//! The `briefing` command line. All the work is in the library.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

use briefing::BuildOptions;

#[derive(Parser)]
#[command(
    name = "briefing",
    version,
    about = "Build a cross-linked news briefing site from Markdown"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into site/ (or --output), replacing it only if the build succeeds
    Build {
        /// The site's folder, holding briefing.yaml and content/
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site [default: <root>/site]
        #[arg(long)]
        output: Option<PathBuf>,
        /// Include briefings and pages marked `draft: true`
        #[arg(long)]
        drafts: bool,
        /// Publish under this URL instead of briefing.yaml's base_url
        #[arg(long)]
        base_url: Option<String>,
        /// Print the time spent in each stage
        #[arg(long)]
        timings: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            root,
            output,
            drafts,
            base_url,
            timings,
        } => {
            let options = BuildOptions {
                root,
                output,
                drafts,
                base_url,
            };
            let started = Instant::now();
            match briefing::build(&options) {
                Ok(report) => {
                    for warning in &report.warnings {
                        eprintln!("warning: {warning}");
                    }
                    println!(
                        "Built {} briefings, {} topics, {} people, {} pages: {} files ({} changed) in {} ms → {}",
                        report.briefings,
                        report.topics,
                        report.people,
                        report.pages,
                        report.files,
                        report.changed,
                        started.elapsed().as_millis(),
                        options.output_dir().display()
                    );
                    if timings {
                        let t = &report.timings;
                        println!(
                            "  load {:.1} ms · link {:.1} ms · render {:.1} ms · write {:.1} ms",
                            t.load.as_secs_f64() * 1e3,
                            t.link.as_secs_f64() * 1e3,
                            t.render.as_secs_f64() * 1e3,
                            t.write.as_secs_f64() * 1e3
                        );
                    }
                    ExitCode::SUCCESS
                }
                Err(errors) => {
                    eprintln!("{errors}");
                    eprintln!(
                        "build failed: {} error(s); the previous site was left as it was",
                        errors.0.len()
                    );
                    ExitCode::FAILURE
                }
            }
        }
    }
}
