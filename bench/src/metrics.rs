//! The server's own figures from its Prometheus text at `/metrics`: totals of a histogram's
//! `_sum` and `_count` (over every label set), to tell how it batched its commits.

use serde::Serialize;

use crate::api::Api;

/// Sums and counts of the histograms the reports use.
#[derive(Clone, Copy, Debug, Default)]
pub struct Snapshot {
    batch_sum: f64,
    batch_count: f64,
    commit_sum: f64,
    commit_count: f64,
}

/// What happened between two snapshots.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Commits {
    pub commits: u64,
    pub messages_per_commit: f64,
    pub mean_commit_ms: f64,
}

pub async fn snapshot(api: &Api) -> Option<Snapshot> {
    let text = api
        .http
        .get(format!("{}/metrics", api.base))
        .send()
        .await
        .ok()?
        .text()
        .await
        .ok()?;
    Some(Snapshot {
        batch_sum: total(&text, "raasel_message_batch_size_sum"),
        batch_count: total(&text, "raasel_message_batch_size_count"),
        commit_sum: total(&text, "raasel_store_commit_duration_seconds_sum"),
        commit_count: total(&text, "raasel_store_commit_duration_seconds_count"),
    })
}

pub fn between(before: &Snapshot, after: &Snapshot) -> Commits {
    let batches = after.batch_count - before.batch_count;
    let commits = after.commit_count - before.commit_count;
    Commits {
        commits: commits.max(0.0) as u64,
        messages_per_commit: if batches > 0.0 {
            (after.batch_sum - before.batch_sum) / batches
        } else {
            0.0
        },
        mean_commit_ms: if commits > 0.0 {
            (after.commit_sum - before.commit_sum) / commits * 1000.0
        } else {
            0.0
        },
    }
}

/// The sum of every sample of `name` (any labels).
fn total(text: &str, name: &str) -> f64 {
    text.lines()
        .filter(|l| {
            l.strip_prefix(name)
                .is_some_and(|rest| rest.starts_with(' ') || rest.starts_with('{'))
        })
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

#[cfg(test)]
mod tests {
    #[test]
    fn sums_every_label_set() {
        let text = "# TYPE x summary\nx_sum{kind=\"a\"} 1.5\nx_sum{kind=\"b\"} 2\nx_sum_other 9\nx_count 3\n";
        assert_eq!(super::total(text, "x_sum"), 3.5);
        assert_eq!(super::total(text, "x_count"), 3.0);
    }
}
