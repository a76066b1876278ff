//! A time limit on each page's template render, like Hugo's `timeout`.
//!
//! Tera 2 has no hook inside a loop: `{% for i in a %}{% for j in a %}`
//! over a large array calls none of our code and may write nothing, so a
//! render cannot be stopped from within. Renders run instead on a pool of
//! threads the build can walk away from: a render past the limit fails the
//! run, naming the page, and its thread is left to spin until its loop ends
//! or the process exits. `build` and `check` exit at once with the error;
//! the preview keeps serving the last good site and renders the next save
//! on a fresh pool.

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rayon::{ThreadPool, ThreadPoolBuilder};

/// How often a waiting run looks for a render past the limit.
const TICK: Duration = Duration::from_millis(20);

pub(crate) struct TimeLimit {
    limit: Duration,
    /// None until the first run, and again after a run was walked away
    /// from: its threads may be busy for good.
    pool: Mutex<Option<Arc<ThreadPool>>>,
}

/// Why a run stopped.
#[derive(Debug)]
pub(crate) enum Stop {
    /// The task at `index` was still running after the limit.
    Overdue { index: usize, limit: Duration },
    /// No thread could be started.
    NoThreads(String),
}

/// When each task of a run started: 0 not yet, `DONE` finished, else
/// nanoseconds since `base`, plus one.
struct Clock {
    base: Instant,
    started: Vec<AtomicU64>,
    /// Set when the run is walked away from: tasks not started yet skip.
    cancelled: AtomicBool,
}

const DONE: u64 = u64::MAX;

impl Clock {
    fn now(&self) -> u64 {
        self.base.elapsed().as_nanos() as u64 + 1
    }

    /// The first task running for longer than `limit`.
    fn overdue(&self, limit: Duration) -> Option<usize> {
        let now = self.now();
        let limit = limit.as_nanos() as u64;
        self.started.iter().position(|s| {
            let s = s.load(Ordering::Acquire);
            s != 0 && s != DONE && now.saturating_sub(s) > limit
        })
    }
}

impl TimeLimit {
    pub fn new(limit: Duration) -> TimeLimit {
        TimeLimit {
            limit,
            pool: Mutex::new(None),
        }
    }

    fn pool(&self) -> Result<Arc<ThreadPool>, Stop> {
        let mut held = self.pool.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(pool) = &*held {
            return Ok(pool.clone());
        }
        let pool = ThreadPoolBuilder::new()
            .thread_name(|i| format!("render-{i}"))
            .build()
            .map_err(|e| Stop::NoThreads(e.to_string()))?;
        let pool = Arc::new(pool);
        *held = Some(pool.clone());
        Ok(pool)
    }

    /// Run every task on the pool; their results in order, or the first
    /// task found running past the limit. A panic in a task is resumed here.
    pub fn run<T, F>(&self, tasks: Vec<F>) -> Result<Vec<T>, Stop>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let pool = self.pool()?;
        let count = tasks.len();
        let clock = Arc::new(Clock {
            base: Instant::now(),
            started: (0..count).map(|_| AtomicU64::new(0)).collect(),
            cancelled: AtomicBool::new(false),
        });
        let (tx, rx) = mpsc::channel();
        for (index, task) in tasks.into_iter().enumerate() {
            let (clock, tx) = (clock.clone(), tx.clone());
            pool.spawn(move || {
                if clock.cancelled.load(Ordering::Relaxed) {
                    return;
                }
                clock.started[index].store(clock.now(), Ordering::Release);
                let result = panic::catch_unwind(AssertUnwindSafe(task));
                clock.started[index].store(DONE, Ordering::Release);
                let _ = tx.send((index, result));
            });
        }
        drop(tx);
        let mut results: Vec<Option<T>> = (0..count).map(|_| None).collect();
        let mut received = 0;
        let mut looked = Instant::now();
        while received < count {
            match rx.recv_timeout(TICK) {
                Ok((index, Ok(value))) => {
                    results[index] = Some(value);
                    received += 1;
                }
                Ok((_, Err(panic))) => {
                    clock.cancelled.store(true, Ordering::Relaxed);
                    panic::resume_unwind(panic);
                }
                Err(RecvTimeoutError::Timeout) => {}
                // Every task sent or skipped: only a cancelled run skips.
                Err(RecvTimeoutError::Disconnected) => break,
            }
            if looked.elapsed() < TICK {
                continue;
            }
            looked = Instant::now();
            if let Some(index) = clock.overdue(self.limit) {
                clock.cancelled.store(true, Ordering::Relaxed);
                // Its thread is lost to this pool; the next run starts another.
                *self.pool.lock().unwrap_or_else(|e| e.into_inner()) = None;
                return Err(Stop::Overdue {
                    index,
                    limit: self.limit,
                });
            }
        }
        Ok(results.into_iter().flatten().collect())
    }
}

/// How a limit reads in a message: `2 s`, `500 ms`.
pub(crate) fn describe(limit: Duration) -> String {
    if limit.subsec_millis() == 0 {
        format!("{} s", limit.as_secs())
    } else {
        format!("{} ms", limit.as_millis())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::thread;

    #[test]
    fn results_come_back_in_order() {
        let limit = TimeLimit::new(Duration::from_secs(30));
        let tasks: Vec<_> = (0..100).map(|i| move || i * 2).collect();
        let results = limit.run(tasks).unwrap();
        assert_eq!(results, (0..100).map(|i| i * 2).collect::<Vec<_>>());
    }

    #[test]
    fn a_task_that_never_ends_is_walked_away_from() {
        let limit = TimeLimit::new(Duration::from_millis(50));
        let stop = Arc::new(AtomicBool::new(false));
        let tasks: Vec<Box<dyn FnOnce() -> usize + Send>> = (0..8usize)
            .map(|i| {
                let stop = stop.clone();
                Box::new(move || {
                    while i == 5 && !stop.load(Ordering::Relaxed) {
                        thread::yield_now();
                    }
                    i
                }) as Box<dyn FnOnce() -> usize + Send>
            })
            .collect();
        match limit.run(tasks) {
            Err(Stop::Overdue { index: 5, .. }) => {}
            other => panic!("{other:?}"),
        }
        // The next run gets a fresh pool, whatever the lost thread does.
        assert_eq!(limit.run(vec![|| 1, || 2]).unwrap(), vec![1, 2]);
        stop.store(true, Ordering::Relaxed);
    }
}
