//! Deterministic instruction counts for the 48 Criterion ids, under callgrind.
//!
//! ```text
//! dashbench-count list
//! dashbench-count run [--iterations K] ID [ID ...]
//! ```
//!
//! `run` does, per id and from the same `workloads` table Criterion's bench uses: the untimed
//! per-sample setup, one untimed warm-up call of the timed body, then K calls, each bracketed by
//! callgrind client requests and dumped as `dashbench <n> <i>` (n = the id's argument position).
//! Meant for `valgrind --tool=callgrind --instr-atstart=no`; natively the requests are no-ops.

use std::future::Future;
use std::io::Write;
use std::panic::{self, AssertUnwindSafe};
use std::process::ExitCode;

use dashbench_graph::workloads::{self, black_box, Harness, Workload};
use serde::Serialize;

const USAGE: &str = "usage: dashbench-count list\n       dashbench-count run [--iterations K] ID [ID ...]";
const DEFAULT_ITERATIONS: usize = 5;

/// Callgrind's client requests (callgrind.h), issued the way valgrind.h's
/// `VALGRIND_DO_CLIENT_REQUEST_EXPR` does; a no-op outside valgrind and on other targets.
mod callgrind {
    const BASE: usize = ((b'C' as usize) << 24) | ((b'T' as usize) << 16);
    const ZERO_STATS: usize = BASE + 1;
    const DUMP_STATS_AT: usize = BASE + 3;
    const START_INSTRUMENTATION: usize = BASE + 4;
    const STOP_INSTRUMENTATION: usize = BASE + 5;

    /// Issues one request with its first argument; returns valgrind's answer, 0 natively.
    ///
    /// amd64-linux: the `rol rdi` preamble marks `xchg rbx,rbx` as a request; rax points at the
    /// arguments, rdx carries the default in and the result out; rdi is rotated by 3+13+61+51 =
    /// 128 bits, so unchanged. arm64-linux: the `ror x12` preamble marks `orr x10,x10,x10`; x4
    /// points at the arguments, x3 carries the default in and the result out.
    #[inline(always)]
    fn request(request: usize, arg1: usize) -> usize {
        let args: [usize; 6] = [request, arg1, 0, 0, 0, 0];
        #[allow(unused_mut)] // written by the request on the two targets above
        let mut result: usize = 0;
        // SAFETY: natively a sequence of no-ops that restores the rotated register; under
        // valgrind, a client request that only reads `args`.
        #[cfg(all(target_arch = "x86_64", target_os = "linux"))]
        unsafe {
            core::arch::asm!(
                "rol rdi, 3",
                "rol rdi, 13",
                "rol rdi, 61",
                "rol rdi, 51",
                "xchg rbx, rbx",
                in("rax") args.as_ptr(),
                inout("rdx") result,
                options(nostack),
            );
        }
        // SAFETY: as on amd64.
        #[cfg(all(target_arch = "aarch64", target_os = "linux"))]
        unsafe {
            core::arch::asm!(
                "ror x12, x12, #3",
                "ror x12, x12, #13",
                "ror x12, x12, #51",
                "ror x12, x12, #61",
                "orr x10, x10, x10",
                in("x4") args.as_ptr(),
                inout("x3") result,
                options(nostack),
            );
        }
        let _ = &args; // read by the request alone; on other targets, by nothing
        result
    }

    #[inline(always)]
    pub fn zero_stats() {
        request(ZERO_STATS, 0);
    }

    #[inline(always)]
    pub fn start_instrumentation() {
        request(START_INSTRUMENTATION, 0);
    }

    #[inline(always)]
    pub fn stop_instrumentation() {
        request(STOP_INSTRUMENTATION, 0);
    }

    #[inline(always)]
    pub fn dump_stats_at(label: &std::ffi::CStr) {
        request(DUMP_STATS_AT, label.as_ptr() as usize);
    }
}

/// Runs a body once untimed, then `iterations` times inside a callgrind region each.
struct Counter {
    index: usize,
    iterations: usize,
    /// Set while a region is open, so a panicking body's region can be closed.
    in_region: bool,
}

impl Counter {
    fn open(&mut self) {
        self.in_region = true;
        callgrind::zero_stats();
        callgrind::start_instrumentation();
    }

    fn close(&mut self, label: &std::ffi::CStr) {
        callgrind::stop_instrumentation();
        self.in_region = false;
        callgrind::dump_stats_at(label);
    }

    fn labels(&self) -> Vec<std::ffi::CString> {
        (0..self.iterations)
            .map(|i| std::ffi::CString::new(format!("dashbench {} {i}", self.index)).expect("no NUL"))
            .collect()
    }
}

impl Harness for Counter {
    fn iter<O, R: FnMut() -> O>(&mut self, mut body: R) {
        let labels = self.labels();
        black_box(body());
        for label in &labels {
            self.open();
            black_box(body());
            self.close(label);
        }
    }

    fn iter_async<O, F: Future<Output = O>, R: FnMut() -> F>(&mut self, mut body: R) {
        let labels = self.labels();
        current_thread_runtime().block_on(async {
            black_box(body().await);
            for label in &labels {
                self.open();
                black_box(body().await);
                self.close(label);
            }
        });
    }

    /// As Criterion's `iter_batched`: `setup` runs before the region opens, and the output is
    /// dropped after it closes.
    fn iter_batched_async<I, O, F, S, R>(&mut self, mut setup: S, mut body: R)
    where
        S: FnMut() -> I,
        F: Future<Output = O>,
        R: FnMut(I) -> F,
    {
        let labels = self.labels();
        current_thread_runtime().block_on(async {
            black_box(body(setup()).await);
            for label in &labels {
                let input = black_box(setup());
                self.open();
                let output = body(input).await;
                self.close(label);
                drop(black_box(output));
            }
        });
    }
}

/// Counting harness only: a current-thread runtime, so the same tasks run interleaved on one
/// thread. A multi-thread runtime's workers park and spin differently on every run, which
/// callgrind counts; Criterion's bench keeps its multi-thread runtime.
fn current_thread_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

#[derive(Serialize)]
struct Report<'a> {
    index: usize,
    id: &'a str,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(message) = payload.downcast_ref::<&str>() {
        message.to_string()
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message.clone()
    } else {
        "panic with a non-string payload".to_string()
    }
}

fn run(ids: &[(String, Workload)], iterations: usize) {
    let stdout = std::io::stdout();
    for (index, (id, workload)) in ids.iter().enumerate() {
        let mut counter = Counter {
            index,
            iterations,
            in_region: false,
        };
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| workload.run(&mut counter)));
        if counter.in_region {
            callgrind::stop_instrumentation();
        }
        let report = Report {
            index,
            id,
            status: if outcome.is_ok() { "ok" } else { "failed" },
            error: outcome.err().map(|payload| panic_message(payload.as_ref())),
        };
        let mut out = stdout.lock();
        let line = serde_json::to_string(&report).expect("serializable report");
        writeln!(out, "{line}")
            .and_then(|_| out.flush())
            .expect("write to stdout");
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("dashbench-count: {message}\n{USAGE}");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("list") if args.len() == 1 => {
            let mut out = std::io::stdout().lock();
            for workload in workloads::all() {
                writeln!(out, "{}", workload.id()).expect("write to stdout");
            }
            ExitCode::SUCCESS
        }
        Some("run") => {
            let mut iterations = DEFAULT_ITERATIONS;
            let mut names = Vec::new();
            let mut rest = args[1..].iter();
            while let Some(arg) = rest.next() {
                if arg == "--iterations" {
                    match rest.next().map(|k| k.parse::<usize>()) {
                        Some(Ok(k)) if k > 0 => iterations = k,
                        _ => return usage_error("--iterations needs a positive integer"),
                    }
                } else {
                    names.push(arg.clone());
                }
            }
            if names.is_empty() {
                return usage_error("run needs at least one id");
            }
            let mut ids = Vec::new();
            for name in names {
                match workloads::find(&name) {
                    Some(workload) => ids.push((name, workload)),
                    None => return usage_error(&format!("unknown id {name:?} (see `dashbench-count list`)")),
                }
            }
            run(&ids, iterations);
            ExitCode::SUCCESS
        }
        Some("-h" | "--help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => usage_error("expected `list` or `run`"),
    }
}
