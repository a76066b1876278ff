//! The preview's search index, made on a thread of its own: after a save
//! the reload goes out at once, the index held is served meanwhile, and
//! the new one follows when it is ready. Each rebuild starts a new generation; an index finished
//! for an older one is dropped, so the index served never goes back to an
//! older state of the site than one already served.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::render::search::{is_reserved, Source};

use super::http::Files;
use super::preview::Preview;
use super::State;

/// A file made, shared by what is served and what the preview holds.
pub type Shared = (Arc<str>, Arc<Vec<u8>>);

/// `files` with `index` as their search index: an index of fewer
/// briefings has fewer files, and those it no longer has go.
pub fn with_index(files: &Files, index: &[Shared]) -> Files {
    let paths: HashSet<&str> = index.iter().map(|(path, _)| &**path).collect();
    let mut files = files.clone();
    files.retain(|path, _| !is_reserved(path) || paths.contains(&**path));
    files.extend(index.iter().cloned());
    files
}

/// The loop's side: asks for an index, and hands a finished one to the
/// preview before it rebuilds.
pub struct Indexing {
    slot: Arc<Slot>,
    jobs: Sender<Job>,
    /// The generation an index was last asked for.
    asked: Option<u64>,
}

/// What the loop and the indexing thread share.
#[derive(Default)]
struct Slot {
    /// Counts rebuilds started. Moved on only with `done` locked, so an
    /// index is served only for the rebuild it was made for; read without
    /// the lock by an index being made, which stops when it moves on.
    generation: AtomicU64,
    /// An index finished, and served, for the current generation.
    done: Mutex<Option<(Source, Vec<Shared>)>>,
}

struct Job {
    generation: u64,
    source: Source,
}

impl Indexing {
    /// Start the indexing thread, which serves what it finishes through
    /// `state`.
    pub fn start(state: Arc<State>) -> Indexing {
        let slot = Arc::new(Slot::default());
        let (jobs, waiting) = mpsc::channel();
        let shared = slot.clone();
        std::thread::spawn(move || index_jobs(waiting, &shared, &state));
        Indexing {
            slot,
            jobs,
            asked: None,
        }
    }

    /// A rebuild starts: an index finished for the site held goes into the
    /// preview first, and one not finished by now will not be served.
    pub fn next_generation(&mut self, preview: &mut Preview) {
        let mut done = lock(&self.slot.done);
        if let Some((source, outputs)) = done.take() {
            preview.add_search(source, outputs);
        }
        self.slot.generation.fetch_add(1, Ordering::Relaxed);
    }

    /// With the rebuild served: index the site held, if its index is
    /// behind and was not already asked for.
    pub fn ask(&mut self, preview: &Preview) {
        let generation = self.slot.generation.load(Ordering::Relaxed);
        if self.asked == Some(generation) {
            return;
        }
        self.asked = Some(generation);
        if let Some(source) = preview.search_source() {
            // The thread is gone only when the preview is stopping.
            let _ = self.jobs.send(Job { generation, source });
        }
    }
}

/// The indexing thread: the newest job waiting, indexed, and served if no
/// rebuild started meanwhile; one that starts stops the indexing, and the
/// rebuild has both cores to itself.
fn index_jobs(waiting: Receiver<Job>, slot: &Slot, state: &State) {
    // A pool of its own, of one thread: in the shared pool, a rebuild's
    // pages waited in line behind the index's work (a save 30 ms after
    // the last reload took 160 ms to reload at 10k briefings, not 70).
    // And below the rebuilds' priority: on two cores, a save made while
    // the last one's index is being made rebuilds as if it were not.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .thread_name(|_| "search-index".into())
        .start_handler(|_| lower_priority());
    let pool = match pool.build() {
        Ok(pool) => pool,
        Err(e) => {
            super::complain(format_args!("search index: no thread to make it on: {e}"));
            return;
        }
    };
    while let Ok(mut job) = waiting.recv() {
        while let Ok(newer) = waiting.try_recv() {
            job = newer;
        }
        let stale = || slot.generation.load(Ordering::Relaxed) != job.generation;
        if stale() {
            continue;
        }
        let outputs: Vec<Shared> = match pool.install(|| job.source.files_unless(&stale)) {
            Ok(Some(outputs)) => outputs
                .into_iter()
                .map(|o| (Arc::from(o.path), Arc::new(o.bytes)))
                .collect(),
            Ok(None) => continue,
            Err(e) => {
                super::complain(format_args!("search index: {e}"));
                continue;
            }
        };
        // Under the lock: a rebuild starting now waits, then finds the
        // index in the slot; one started before is seen here.
        let mut done = lock(&slot.done);
        if !stale() {
            state.add(&outputs);
            *done = Some((job.source, outputs));
        }
    }
}

/// This thread, at the lowest priority but one. Linux gives each thread
/// its own nice value; elsewhere the index keeps the normal priority.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: gettid has no preconditions; setpriority on this thread's
    // own id only changes its scheduling weight.
    unsafe {
        let tid = libc::gettid();
        libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, 15);
    }
}

/// The slot, even after a panic elsewhere while it was held: what it holds
/// is replaced whole, never left half made.
fn lock<T>(slot: &Mutex<T>) -> MutexGuard<'_, T> {
    slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::{with_index, Files, Shared};

    #[test]
    fn an_index_of_fewer_files_takes_the_others_away() {
        let file = |path: &str| -> Shared { (Arc::from(path), Arc::new(path.as_bytes().to_vec())) };
        let files: Files = [
            "search/index.json",
            "search/b/0.json",
            "search/b/1.json",
            "search/t/3.json",
            "search/index.html",
            "css/site.css",
        ]
        .into_iter()
        .map(file)
        .collect();
        let index = [
            file("search/index.json"),
            file("search/b/0.json"),
            file("search/t/0.json"),
        ];
        let mut kept: Vec<String> = with_index(&files, &index)
            .keys()
            .map(|p| p.to_string())
            .collect();
        kept.sort();
        assert_eq!(
            kept,
            [
                "css/site.css",
                "search/b/0.json",
                "search/index.html",
                "search/index.json",
                "search/t/0.json"
            ]
        );
    }
}
