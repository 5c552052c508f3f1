//! Logs, traces, runs and metrics: paging, parameter validation, ordering, and counts that agree.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{CheckResult, Probe};
use crate::http::Exchange;
use crate::time::parse_rfc3339_nanos;

/// The largest page `/api/logs` serves.
pub const MAX_LOG_LIMIT: u64 = 1000;
/// Enough pages for a million entries; a server that pages forever fails instead of hanging the check.
const MAX_LOG_PAGES: usize = 1000;

/// A default page is at most 100 entries, oldest first, with increasing ids. The worker passes the Durable
/// Object's answer on as a stream: it must still arrive as JSON with its length announced.
pub fn logs_page(probe: &mut Probe) -> CheckResult {
    let check = "logs default page";
    let exchange = probe.get(check, "/api/logs")?;
    let length = exchange.header("content-length");
    probe.ensure(
        length == Some(exchange.body.len().to_string()),
        check,
        &exchange,
        format!("Content-Length: {}", exchange.body.len()),
        format!("Content-Length: {length:?}"),
    )?;
    probe.ensure(
        exchange.media_type().as_deref() == Some("application/json"),
        check,
        &exchange,
        "Content-Type: application/json",
        format!("Content-Type: {:?}", exchange.header("content-type")),
    )?;
    let entries = log_entries(probe, check, &exchange)?;
    probe.ensure(
        entries.len() <= 100,
        check,
        &exchange,
        "at most 100 entries (the default limit)",
        format!("{} entries", entries.len()),
    )?;
    probe.pass(check, &exchange);
    Ok(())
}

/// `limit` cuts the page and `since` skips the entries up to an id.
pub fn logs_paging(probe: &mut Probe) -> CheckResult {
    let (all, _) = fetch_all_logs(probe, "read every log entry")?;

    let check = "logs limit=1 returns the oldest entry";
    let exchange = probe.get(check, "/api/logs?limit=1")?;
    let page = log_entries(probe, check, &exchange)?;
    let wanted: Vec<u64> = all.iter().take(1).map(entry_id).collect();
    let got: Vec<u64> = page.iter().map(entry_id).collect();
    probe.ensure(got == wanted, check, &exchange, format!("ids {wanted:?}"), format!("ids {got:?}"))?;
    expect_next_since(probe, check, &exchange, &page, 1)?;
    probe.pass(check, &exchange);

    let since = all.first().map(entry_id).unwrap_or(0);
    let check = "logs since=<first id> skips it";
    let exchange = probe.get(check, &format!("/api/logs?since={since}&limit={MAX_LOG_LIMIT}"))?;
    let page = log_entries(probe, check, &exchange)?;
    let wanted: Vec<u64> = all.iter().map(entry_id).filter(|id| *id > since).take(MAX_LOG_LIMIT as usize).collect();
    let got: Vec<u64> = page.iter().map(entry_id).collect();
    probe.ensure(
        got == wanted,
        check,
        &exchange,
        format!("ids {}", show_ids(&wanted)),
        format!("ids {}", show_ids(&got)),
    )?;
    expect_next_since(probe, check, &exchange, &page, MAX_LOG_LIMIT as usize)?;
    probe.pass(check, &exchange);
    Ok(())
}

/// Out-of-range and malformed query parameters are `invalid_parameter` naming the parameter.
pub fn logs_bad_parameters(probe: &mut Probe) -> CheckResult {
    for (query, location) in [
        ("limit=0", "query.limit"),
        ("limit=1001", "query.limit"),
        ("limit=abc", "query.limit"),
        ("since=-1", "query.since"),
    ] {
        let check = format!("logs rejects {query}");
        let exchange = probe.get(&check, &format!("/api/logs?{query}"))?;
        probe.expect_error(&check, &exchange, 400, "invalid_parameter", Some(location))?;
        probe.pass(&check, &exchange);
    }
    Ok(())
}

pub fn traces(probe: &mut Probe) -> CheckResult {
    let check = "traces default page";
    let exchange = probe.get(check, "/api/traces")?;
    let spans = spans(probe, check, &exchange)?;
    probe.ensure(
        spans.len() <= 50,
        check,
        &exchange,
        "at most 50 spans (the default limit)",
        format!("{} spans", spans.len()),
    )?;
    probe.pass(check, &exchange);

    let check = "traces limit=1";
    let exchange = probe.get(check, "/api/traces?limit=1")?;
    let limited = self::spans(probe, check, &exchange)?;
    let wanted = spans.len().min(1);
    probe.ensure(
        limited.len() == wanted,
        check,
        &exchange,
        format!("{wanted} span(s)"),
        format!("{} spans", limited.len()),
    )?;
    probe.pass(check, &exchange);
    Ok(())
}

pub fn traces_bad_parameters(probe: &mut Probe) -> CheckResult {
    for query in ["limit=0", "limit=501", "limit=abc"] {
        let check = format!("traces rejects {query}");
        let exchange = probe.get(&check, &format!("/api/traces?{query}"))?;
        probe.expect_error(&check, &exchange, 400, "invalid_parameter", Some("query.limit"))?;
        probe.pass(&check, &exchange);
    }
    Ok(())
}

/// Runs are listed newest first by `started_at`.
pub fn runs_newest_first(probe: &mut Probe) -> CheckResult {
    let check = "runs are listed newest first";
    let exchange = probe.get(check, "/api/runs")?;
    let list = probe.expect_json(check, &exchange, 200, "RunList")?;
    let started: Vec<(String, i128)> = list["runs"]
        .as_array()
        .map(|runs| {
            runs.iter()
                .map(|run| {
                    let text = run["started_at"].as_str().unwrap_or_default().to_string();
                    let nanos = parse_rfc3339_nanos(&text).unwrap_or(i128::MIN);
                    (text, nanos)
                })
                .collect()
        })
        .unwrap_or_default();
    if let Some(pair) = started.windows(2).find(|pair| pair[0].1 < pair[1].1) {
        return Err(probe.fail(
            check,
            &exchange,
            "started_at never increasing down the list",
            format!("{} listed before the newer {}", pair[0].0, pair[1].0),
        ));
    }
    probe.pass(check, &exchange);
    Ok(())
}

/// The counters in `/api/metrics` equal what `/api/logs` and `/api/runs` list.
///
/// Another client may add records between the reads, so the comparison is made on a snapshot taken
/// while metrics did not change, read again up to a few times.
pub fn metrics_agree_with_records(probe: &mut Probe) -> CheckResult {
    let check = "metrics agree with logs and runs";
    let mut attempts = 0;
    loop {
        attempts += 1;
        let before = MetricsSnapshot::read(probe, check)?;
        let (logs, _) = fetch_all_logs(probe, check)?;
        let runs_exchange = probe.get(check, "/api/runs")?;
        let runs =
            probe.expect_json(check, &runs_exchange, 200, "RunList")?["runs"].as_array().cloned().unwrap_or_default();
        let after = MetricsSnapshot::read(probe, check)?;
        if before.body != after.body && attempts < 3 {
            continue;
        }
        let exchange = &after.exchange;
        let metrics = &after.body;
        expect_count(probe, check, exchange, "logs_total", &metrics["logs_total"], logs.len())?;
        expect_counts_by(probe, check, exchange, "logs_by_level", &metrics["logs_by_level"], &logs, "level")?;
        expect_count(probe, check, exchange, "runs_total", &metrics["runs_total"], runs.len())?;
        expect_counts_by(probe, check, exchange, "runs_by_status", &metrics["runs_by_status"], &runs, "status")?;
        probe.pass(check, exchange);
        return Ok(());
    }
}

/// A `/api/metrics` answer, validated.
pub struct MetricsSnapshot {
    pub exchange: Exchange,
    pub body: Value,
}

impl MetricsSnapshot {
    pub fn read(probe: &Probe, check: &str) -> CheckResult<MetricsSnapshot> {
        let exchange = probe.get(check, "/api/metrics")?;
        let body = probe.expect_json(check, &exchange, 200, "Metrics")?;
        Ok(MetricsSnapshot { exchange, body })
    }
}

/// Every log entry, oldest first, read page by page with `since`; also returns the last page read.
pub fn fetch_all_logs(probe: &Probe, check: &str) -> CheckResult<(Vec<Value>, Exchange)> {
    let mut all: Vec<Value> = Vec::new();
    let mut since: Option<u64> = None;
    for _ in 0..MAX_LOG_PAGES {
        let query = match since {
            Some(since) => format!("/api/logs?limit={MAX_LOG_LIMIT}&since={since}"),
            None => format!("/api/logs?limit={MAX_LOG_LIMIT}"),
        };
        let exchange = probe.get(check, &query)?;
        let page = log_entries(probe, check, &exchange)?;
        expect_next_since(probe, check, &exchange, &page, MAX_LOG_LIMIT as usize)?;
        let full = page.len() as u64 >= MAX_LOG_LIMIT;
        if let (Some(last), Some(first)) = (all.last(), page.first()) {
            let (last, first) = (entry_id(last), entry_id(first));
            probe.ensure(first > last, check, &exchange, format!("ids after {last}"), format!("id {first}"))?;
        }
        since = page.last().map(entry_id).or(since);
        all.extend(page);
        if !full {
            return Ok((all, exchange));
        }
    }
    Err(super::failure(
        check,
        "GET",
        &probe.url("/api/logs"),
        format!("at most {MAX_LOG_PAGES} full pages"),
        "more",
        "",
    ))
}

/// The id of the newest log entry, 0 when the log is empty.
pub fn last_log_id(probe: &Probe, check: &str) -> CheckResult<u64> {
    let (all, _) = fetch_all_logs(probe, check)?;
    Ok(all.last().map(entry_id).unwrap_or(0))
}

/// The entries of a `LogPage`, checked to be oldest first with strictly increasing ids.
pub fn log_entries(probe: &Probe, check: &str, exchange: &Exchange) -> CheckResult<Vec<Value>> {
    let page = probe.expect_json(check, exchange, 200, "LogPage")?;
    let entries = page["entries"].as_array().cloned().unwrap_or_default();
    let ids: Vec<u64> = entries.iter().map(entry_id).collect();
    if let Some(pair) = ids.windows(2).find(|pair| pair[0] >= pair[1]) {
        return Err(probe.fail(
            check,
            exchange,
            "strictly increasing ids (oldest first)",
            format!("id {} before id {}", pair[0], pair[1]),
        ));
    }
    Ok(entries)
}

/// A full page names `next_since`, the id to continue after: its last id. A shorter page is the end of the
/// log for now and names none.
fn expect_next_since(probe: &Probe, check: &str, exchange: &Exchange, page: &[Value], limit: usize) -> CheckResult {
    let body = exchange.json().unwrap_or_default();
    let got = match body.get("next_since") {
        None => "no next_since".to_string(),
        Some(next) => format!("next_since {next}"),
    };
    let wanted = match page.last() {
        Some(last) if page.len() == limit => format!("next_since {}", entry_id(last)),
        _ => "no next_since".to_string(),
    };
    probe.ensure(got == wanted, check, exchange, format!("{wanted} (a page of {} of {limit})", page.len()), got)
}

fn spans(probe: &Probe, check: &str, exchange: &Exchange) -> CheckResult<Vec<Value>> {
    let list = probe.expect_json(check, exchange, 200, "TraceList")?;
    Ok(list["spans"].as_array().cloned().unwrap_or_default())
}

pub fn entry_id(entry: &Value) -> u64 {
    entry["id"].as_u64().unwrap_or(0)
}

fn show_ids(ids: &[u64]) -> String {
    match ids {
        [] => "[]".to_string(),
        [only] => format!("[{only}]"),
        [first, .., last] => format!("{first}..={last} ({} ids)", ids.len()),
    }
}

fn expect_count(
    probe: &Probe,
    check: &str,
    exchange: &Exchange,
    field: &str,
    got: &Value,
    wanted: usize,
) -> CheckResult {
    probe.ensure(
        got.as_u64() == Some(wanted as u64),
        check,
        exchange,
        format!("{field} {wanted}"),
        format!("{field} {got}"),
    )
}

/// A count-per-value map (`logs_by_level`, `runs_by_status`) equals the counts of `records`; values with
/// a zero count may be left out of the map.
fn expect_counts_by(
    probe: &Probe,
    check: &str,
    exchange: &Exchange,
    field: &str,
    got: &Value,
    records: &[Value],
    key: &str,
) -> CheckResult {
    let mut wanted: BTreeMap<String, u64> = BTreeMap::new();
    for record in records {
        *wanted.entry(record[key].as_str().unwrap_or_default().to_string()).or_default() += 1;
    }
    let got_counts: BTreeMap<String, u64> = got
        .as_object()
        .map(|map| {
            map.iter()
                .map(|(name, count)| (name.clone(), count.as_u64().unwrap_or(u64::MAX)))
                .filter(|(_, count)| *count != 0)
                .collect()
        })
        .unwrap_or_default();
    probe.ensure(got_counts == wanted, check, exchange, format!("{field} {wanted:?}"), format!("{field} {got}"))
}
