//! Resolution and rendering time of large synthetic graphs (in-memory source). Ignored by
//! default; run in release:
//!
//! `cargo test --release -p pacto-core --test graph_perf -- --ignored --nocapture`

#[path = "graph_fixtures/support.rs"]
mod support;

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use pacto_core::graph;
use support::{block_on, MemorySource};

/// `n` services; service `i` depends on its heap children `3i+1..=3i+3` (so every service is
/// reachable and the tree is shallow) plus two pseudo-random others: later services only
/// (`acyclic`), or any service (cycles everywhere). About three dependencies per service, many
/// shared.
fn synthetic(n: usize, acyclic: bool) -> MemorySource {
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |bound: usize| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((seed >> 33) as usize) % bound.max(1)
    };
    let mut source = MemorySource::default();
    for i in 0..n {
        let mut deps: Vec<usize> = (3 * i + 1..=3 * i + 3).filter(|&j| j < n).collect();
        for _ in 0..2 {
            let j = if acyclic {
                if i + 1 >= n {
                    continue;
                }
                i + 1 + next(n - i - 1)
            } else {
                next(n)
            };
            deps.push(j);
        }
        let mut text = format!(
            "pactoVersion: \"1.0\"\nservice:\n  name: s{i}\n  version: 1.{}.0\n",
            i % 7
        );
        if !deps.is_empty() {
            text.push_str("dependencies:\n");
            for j in deps {
                let _ = write!(
                    text,
                    "  - ref: ../s{j}\n    required: true\n    compatibility: \"^1.0.0\"\n"
                );
            }
        }
        source
            .dirs
            .insert(format!("s{i}"), pacto_core::Bundle::from_contract(&text));
    }
    source
}

/// Wall-clock and on-CPU time of a step. On-CPU time (from `/proc/thread-self/schedstat`, when
/// there is one) does not count time spent waiting for a busy machine's CPUs.
#[derive(Clone, Copy, Default)]
struct Spent {
    wall: Duration,
    cpu: Option<Duration>,
}

impl std::ops::Add for Spent {
    type Output = Spent;
    fn add(self, o: Spent) -> Spent {
        Spent {
            wall: self.wall + o.wall,
            cpu: self.cpu.zip(o.cpu).map(|(a, b)| a + b),
        }
    }
}

impl std::fmt::Display for Spent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        match self.cpu {
            Some(cpu) => write!(f, "{:.0} ms ({:.0} ms on CPU)", ms(self.wall), ms(cpu)),
            None => write!(f, "{:.0} ms", ms(self.wall)),
        }
    }
}

fn cpu_now() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = text.split_whitespace().next()?.parse().ok()?;
    (ns > 0).then(|| Duration::from_nanos(ns))
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Spent) {
    let (wall, cpu) = (Instant::now(), cpu_now());
    let out = f();
    let spent = Spent {
        wall: wall.elapsed(),
        cpu: cpu.zip(cpu_now()).map(|(a, b)| b.saturating_sub(a)),
    };
    (out, spent)
}

#[test]
#[ignore = "timing; run in release with --ignored --nocapture"]
fn synthetic_graph_timings() {
    let only: Option<usize> = std::env::var("PACTO_PERF_ONLY")
        .ok()
        .and_then(|v| v.parse().ok());
    for acyclic in [true, false] {
        for n in [1_000, 10_000, 50_000] {
            if only.is_some_and(|o| o != n) {
                continue;
            }
            let source = synthetic(n, acyclic);
            let root = source.bundle("s0");
            let (g, resolve) =
                timed(|| block_on(graph::resolve(&root, "s0", &source)).expect("resolves"));
            let (tree, tree_time) = timed(|| graph::render_tree(&g));
            let (json, json_time) =
                timed(|| serde_json::to_string(&graph::to_json(&g)).expect("json"));
            let total = resolve + tree_time + json_time;
            println!(
                "{n:>6} services, {}: {} edges, {} cycles, tree {} KB, json {} KB\n    resolve {resolve}, tree {tree_time}, json {json_time}; total {total}",
                if acyclic { "acyclic" } else { "cyclic" },
                g.petgraph().edge_count(),
                g.cycles().len(),
                tree.len() / 1024,
                json.len() / 1024,
            );
            assert_eq!(g.node_count(), n);
            if n == 10_000 && acyclic && !cfg!(debug_assertions) {
                let spent = total.cpu.unwrap_or(total.wall);
                assert!(
                    spent <= Duration::from_secs(1),
                    "10,000 services took {total}"
                );
            }
        }
    }
}
