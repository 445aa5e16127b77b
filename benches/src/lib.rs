//! Shared helpers of the benchmark binaries.

/// Peak resident set size of this process in bytes (Linux `VmHWM`), if known.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

use mpp_core::{
    Assignment, DateTime, Duration, Project, Relation, RelationType, Resource, Task, TimeUnit,
};

/// A synthetic project of `n` tasks: a summary task every 10 rows over nine
/// subtasks, each subtask linked finish-to-start to the one before and
/// assigned to one of `n / 10` resources. Deterministic, for scaling runs.
pub fn synthetic_project(n: usize) -> Project {
    let mut p = Project::default();
    let base = DateTime::new(2024, 1, 1, 8, 0, 0).unwrap_or(DateTime::from_secs(0));
    let day = |d: usize| DateTime::from_secs(base.secs() + 86_400 * d as i64);
    let resources = (n / 10).max(1);
    let mut parent = None;
    let mut previous = None;
    for i in 0..n {
        let uid = i as i32 + 1;
        let summary = i % 10 == 0;
        let mut t = Task {
            uid,
            id: uid,
            name: Some(format!("Task {uid}")),
            active: true,
            outline_level: Some(if summary { 1 } else { 2 }),
            parent: if summary { None } else { parent },
            start: Some(day(i)),
            finish: Some(day(i + 1)),
            duration: Some(Duration {
                value: 1.0,
                units: TimeUnit::Days,
            }),
            work: Some(8.0),
            summary,
            ..Task::default()
        };
        if summary {
            parent = Some(uid);
        } else {
            if let Some(pred) = previous {
                t.predecessors.push(Relation {
                    uid: None,
                    predecessor_uid: pred,
                    kind: RelationType::FinishStart,
                    lag_tenths: 0,
                    lag_units: TimeUnit::Days,
                });
            }
            previous = Some(uid);
            p.assignments.push(Assignment {
                uid,
                task_uid: uid,
                resource_uid: Some((i % resources) as i32 + 1),
                work: Some(8.0),
                start: Some(day(i)),
                finish: Some(day(i + 1)),
                ..Assignment::default()
            });
        }
        p.tasks.push(t);
    }
    for r in 0..resources {
        let uid = r as i32 + 1;
        p.resources.push(Resource {
            uid,
            id: uid,
            name: Some(format!("Resource {uid}")),
            ..Resource::default()
        });
    }
    p
}
