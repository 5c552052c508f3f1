// The CortexDx dashboard: reads the API once, then follows live updates from /events.
// Text from the server is always set with textContent, never parsed as HTML.

const LOG_LINES_SHOWN = 200;
const SPANS_SHOWN = 50;
const LOG_LEVELS = ["debug", "info", "warn", "error"];
const RUN_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"];
const FINISHED = new Set(["succeeded", "failed", "cancelled"]);

const state = {
  logs: [],
  runs: new Map(),
  spans: [],
};

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------------------------------------------------
// API

class ApiError extends Error {}

async function api(path, { method = "GET", body } = {}) {
  const init = { method, headers: { Accept: "application/json" } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const data = await response.json().catch(() => null);
  if (response.status === 401) showSignedIn(false);
  if (!response.ok) {
    const message = data?.error?.message ?? `${response.status} ${response.statusText}`;
    const where = data?.error?.location ? ` (${data.error.location})` : "";
    throw new ApiError(message + where);
  }
  return data;
}

/** Scoped routes answer 401 until the session cookie is set by signing in (`/auth/login`). */
function showSignedIn(signedIn) {
  document.getElementById("sign-in").hidden = signedIn;
  document.getElementById("sign-out").hidden = !signedIn;
}

document.getElementById("sign-out").addEventListener("click", async () => {
  await fetch("/auth/logout", { method: "POST" });
  location.reload();
});

/** Every log entry, page by page, keeping only the newest lines the view shows. */
async function loadLogs() {
  let since = 0;
  let entries = [];
  for (;;) {
    const page = await api(`/api/logs?limit=1000&since=${since}`);
    entries = entries.concat(page.entries).slice(-LOG_LINES_SHOWN);
    if (page.next_since === undefined) break;
    since = page.next_since;
  }
  state.logs = entries;
  renderLogs();
}

async function loadRuns() {
  const { runs } = await api("/api/runs");
  state.runs = new Map(runs.map((run) => [run.id, run]));
  renderRuns();
}

async function loadTraces() {
  const { spans } = await api(`/api/traces?limit=${SPANS_SHOWN}`);
  state.spans = spans;
  renderTraces();
}

async function loadHealth() {
  renderHealth(await api("/api/health"));
}

async function loadMetrics() {
  renderMetrics(await api("/api/metrics"));
}

async function loadEverything() {
  const results = await Promise.allSettled([loadHealth(), loadMetrics(), loadLogs(), loadRuns(), loadTraces()]);
  const failed = results.find((result) => result.status === "rejected");
  if (failed) notify(`Could not load the dashboard: ${failed.reason.message}`, "error");
  else showSignedIn(true);
}

/** Metrics are recomputed by the server; several events in a burst cause one reload. */
let metricsTimer = 0;
function refreshMetricsSoon() {
  clearTimeout(metricsTimer);
  metricsTimer = setTimeout(() => loadMetrics().catch(() => {}), 250);
}

// ---------------------------------------------------------------------------------------------------------
// Rendering

function element(tag, { text, className, title, attributes } = {}, children = []) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  if (title) node.title = title;
  for (const [name, value] of Object.entries(attributes ?? {})) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function formatTime(timestamp) {
  if (!timestamp) return "–";
  const date = new Date(timestamp);
  return Number.isNaN(date.getTime()) ? timestamp : date.toLocaleTimeString([], { hour12: false });
}

function formatDateTime(timestamp) {
  const date = new Date(timestamp);
  return Number.isNaN(date.getTime()) ? timestamp : date.toLocaleString([], { hour12: false });
}

function renderHealth(health) {
  const badge = $("health-badge");
  badge.textContent = health.status === "ok" ? "healthy" : "degraded";
  badge.dataset.state = health.status === "ok" ? "good" : "bad";
  $("health-environment").textContent = health.environment;
  $("health-version").textContent = health.version;
  $("health-timestamp").textContent = formatTime(health.timestamp);
  $("health-timestamp").title = formatDateTime(health.timestamp);
  $("bindings").replaceChildren(
    ...health.bindings.map((binding) =>
      element("li", { className: binding.available ? "available" : "missing", title: binding.kind }, [
        element("span", { className: "dot", attributes: { "aria-hidden": "true" } }),
        element("span", { text: binding.name }),
        element("span", { className: "kind", text: binding.kind.replace("_", " ") }),
      ]),
    ),
  );
}

function renderCounts(list, counts, order) {
  const names = [...order, ...Object.keys(counts).filter((name) => !order.includes(name))];
  list.replaceChildren(
    ...names.map((name) =>
      element("li", { className: `count ${name}` }, [
        element("span", { text: name }),
        element("strong", { text: String(counts[name] ?? 0) }),
      ]),
    ),
  );
}

function renderMetrics(metrics) {
  $("metric-logs").textContent = metrics.logs_total;
  $("metric-runs").textContent = metrics.runs_total;
  $("metric-success").textContent =
    metrics.success_rate === undefined ? "–" : `${Math.round(metrics.success_rate * 100)}%`;
  const paused = $("metric-paused");
  paused.textContent = metrics.paused ? "paused" : "accepted";
  paused.dataset.state = metrics.paused ? "bad" : "good";
  renderCounts($("logs-by-level"), metrics.logs_by_level, LOG_LEVELS);
  renderCounts($("runs-by-status"), metrics.runs_by_status, RUN_STATUSES);
}

function logLine(entry) {
  return element("li", { className: `log ${entry.level}`, attributes: { "data-log-id": entry.id } }, [
    element("time", { text: formatTime(entry.timestamp), attributes: { datetime: entry.timestamp } }),
    element("span", { className: "level", text: entry.level }),
    element("span", { className: "source", text: entry.source }),
    element("span", { className: "message", text: entry.message }),
  ]);
}

function renderLogs() {
  $("logs").replaceChildren(...state.logs.map(logLine));
  $("logs-empty").hidden = state.logs.length > 0;
  scrollLogsToEnd();
}

function scrollLogsToEnd() {
  const list = $("logs");
  list.scrollTop = list.scrollHeight;
}

function appendLog(entry) {
  const last = state.logs.at(-1);
  if (last && entry.id <= last.id) return;
  state.logs.push(entry);
  const list = $("logs");
  list.append(logLine(entry));
  while (state.logs.length > LOG_LINES_SHOWN) {
    state.logs.shift();
    list.firstElementChild?.remove();
  }
  $("logs-empty").hidden = true;
  scrollLogsToEnd();
}

function sortedRuns() {
  return [...state.runs.values()].sort((a, b) => (a.started_at < b.started_at ? 1 : a.started_at > b.started_at ? -1 : 0));
}

function renderRuns() {
  const rows = sortedRuns().map((run) => {
    const cancel = FINISHED.has(run.status)
      ? element("span")
      : element("button", { text: "Cancel", className: "small", attributes: { type: "button", "data-cancel": run.id } });
    return element("tr", { attributes: { "data-run-id": run.id } }, [
      element("td", { text: formatTime(run.started_at), title: run.started_at }),
      element("td", { text: run.workflow }),
      element("td", { className: "endpoint", text: run.endpoint, title: run.id }),
      element("td", {}, [element("span", { className: `pill ${run.status}`, text: run.status })]),
      element("td", { text: formatTime(run.finished_at) }),
      element("td", { className: "actions" }, [cancel]),
    ]);
  });
  $("runs").replaceChildren(...rows);
  $("runs-empty").hidden = rows.length > 0;
}

function renderTraces() {
  const rows = state.spans.map((span) =>
    element("tr", {}, [
      element("td", { text: formatTime(span.started_at), title: span.started_at }),
      element("td", { className: "mono", text: span.name }),
      element("td", { text: `${span.duration_ms.toFixed(1)} ms` }),
      element("td", {}, [element("span", { className: `pill ${span.status === "ok" ? "succeeded" : "failed"}`, text: span.status })]),
      element("td", { className: "mono muted", text: span.trace_id.slice(0, 16), title: `${span.trace_id} / ${span.span_id}` }),
    ]),
  );
  $("traces").replaceChildren(...rows);
  $("traces-empty").hidden = rows.length > 0;
}

let noticeTimer = 0;
function notify(message, kind = "info") {
  const notice = $("notice");
  notice.textContent = message;
  notice.dataset.kind = kind;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => (notice.textContent = ""), 6000);
}

// ---------------------------------------------------------------------------------------------------------
// Live updates

function setLive(live) {
  const badge = $("live-badge");
  badge.textContent = live ? "live" : "reconnecting…";
  badge.dataset.state = live ? "good" : "bad";
}

function follow() {
  const events = new EventSource("/events");
  let everConnected = false;
  const on = (name, handle) =>
    events.addEventListener(name, (event) => {
      try {
        handle(JSON.parse(event.data));
      } catch (error) {
        console.warn(`ignored a malformed ${name} event`, error);
      }
    });

  events.addEventListener("open", () => {
    setLive(true);
    // Events sent while disconnected are not replayed: read the current state again.
    if (everConnected) loadEverything();
    everConnected = true;
  });
  events.addEventListener("error", () => setLive(false));

  on("health", renderHealth);
  on("log", (entry) => {
    appendLog(entry);
    refreshMetricsSoon();
  });
  on("run", (run) => {
    state.runs.set(run.id, run);
    renderRuns();
    refreshMetricsSoon();
  });
  on("span", (span) => {
    state.spans = [span, ...state.spans].slice(0, SPANS_SHOWN);
    renderTraces();
  });
  on("control", (result) => {
    if (result.action === "clear_logs") loadLogs().catch(() => {});
    refreshMetricsSoon();
  });
}

// ---------------------------------------------------------------------------------------------------------
// Actions

async function control(body, button) {
  if (button) button.disabled = true;
  try {
    const result = await api("/api/control", { method: "POST", body });
    notify(result.message, result.applied ? "success" : "info");
  } catch (error) {
    notify(error.message, "error");
  } finally {
    if (button) button.disabled = false;
  }
}

function wireActions() {
  for (const button of document.querySelectorAll("button[data-action]")) {
    button.addEventListener("click", () => control({ action: button.dataset.action }, button));
  }
  $("runs").addEventListener("click", (event) => {
    const button = event.target.closest("button[data-cancel]");
    if (button) control({ action: "cancel_run", run_id: button.dataset.cancel }, button);
  });
  $("test-flow").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const submit = form.querySelector("button[type=submit]");
    const data = new FormData(form);
    submit.disabled = true;
    try {
      const accepted = await api("/api/test-flow", {
        method: "POST",
        body: { endpoint: data.get("endpoint"), workflow: data.get("workflow") },
      });
      notify(`Run ${accepted.run_id} is ${accepted.status}`, "success");
    } catch (error) {
      notify(error.message, "error");
    } finally {
      submit.disabled = false;
    }
  });
}

wireActions();
loadEverything().then(follow);
