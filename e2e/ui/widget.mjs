// The Apps SDK widget in headless Chromium, as ChatGPT shows it: the widget's HTML is read from the MCP
// server (resources/read, as ChatGPT fetches an outputTemplate), real tool results come from tools/call, and
// the page gets them the way ChatGPT hands them over: window.openai.toolOutput before load, then an
// `openai:set_globals` event with a new result.
//
// Run by the end-to-end suite (e2e/tests/e2e.rs, step "the MCP widget renders tool results"), which passes:
//   E2E_MCP_URL      the MCP endpoint (http://127.0.0.1:PORT/mcp)
//   E2E_TOKEN        an access token with every scope, for the scoped tools
//   E2E_WIDGET_URI   the widget resource (ui://widget/dashboard.html)
//   E2E_SCREENSHOT   where to save the screenshot
//   E2E_CHROMIUM     the browser to drive (/usr/bin/chromium)

import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";

import { chromium } from "playwright-core";

function setting(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; the end-to-end suite passes it`);
  return value;
}

const mcpUrl = setting("E2E_MCP_URL");
const token = setting("E2E_TOKEN");
const widgetUri = setting("E2E_WIDGET_URI");
const screenshot = setting("E2E_SCREENSHOT");

function check(condition, message) {
  if (!condition) throw new Error(`FAIL ${message}`);
  console.log(`ok   ${message}`);
}

/** A minimal Streamable HTTP session: enough to read a resource and call tools. */
async function mcpSession() {
  let session = null;
  let id = 0;
  const call = async (method, params) => {
    const headers = { "Content-Type": "application/json", Accept: "application/json, text/event-stream" };
    if (session) headers["Mcp-Session-Id"] = session;
    if (method === "tools/call") headers.Authorization = `Bearer ${token}`;
    const response = await fetch(mcpUrl, {
      method: "POST",
      headers,
      body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params }),
    });
    const body = await response.json();
    if (!response.ok || body.error) throw new Error(`${method}: HTTP ${response.status} ${JSON.stringify(body)}`);
    session ??= response.headers.get("mcp-session-id");
    return body.result;
  };
  await call("initialize", { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "widget-e2e", version: "1" } });
  return call;
}

const call = await mcpSession();
const [contents] = (await call("resources/read", { uri: widgetUri })).contents;
check(contents.mimeType === "text/html+skybridge", `the widget is ${contents.mimeType}`);
const result = async (name, args = {}) => {
  const answer = await call("tools/call", { name, arguments: args });
  if (answer.isError) throw new Error(`${name} failed: ${JSON.stringify(answer)}`);
  return answer.structuredContent;
};
const health = await result("get_health");
const metrics = await result("get_metrics");
const runs = await result("get_runs");

const browser = await chromium.launch({
  executablePath: setting("E2E_CHROMIUM"),
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
});
try {
  const page = await browser.newPage({ viewport: { width: 720, height: 480 } });
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  // ChatGPT serves the widget from a sandbox origin of its own and sets window.openai before the widget's
  // scripts run; an origin nothing else answers for plays that part.
  const sandbox = "https://widget-sandbox.invalid/";
  await page.route(`${sandbox}**`, (route) => route.fulfill({ contentType: "text/html", body: contents.text }));
  await page.addInitScript((toolOutput) => { window.openai = { toolOutput }; }, health);
  await page.goto(sandbox, { waitUntil: "load" });

  const text = () => page.locator("#widget").innerText();
  await page.locator("#widget h1").waitFor({ timeout: 10_000 });
  let shown = await text();
  check(shown.includes("CortexDx health") && shown.includes(health.status), "the health result is rendered");
  check(shown.includes(health.environment) && shown.includes(health.version), "with its environment and version");
  const available = health.bindings.filter((b) => b.available).length;
  check(shown.includes(`${available} of ${health.bindings.length} available`), "and its binding count");

  // A new tool result arrives as ChatGPT sends it: new globals, then the event.
  await page.evaluate((toolOutput) => {
    window.openai.toolOutput = toolOutput;
    window.dispatchEvent(new CustomEvent("openai:set_globals", { detail: { globals: { toolOutput } } }));
  }, metrics);
  await page.getByText("CortexDx metrics").waitFor({ timeout: 10_000 });
  shown = await text();
  check(shown.includes(`${metrics.runs_total}`) && shown.includes(metrics.paused ? "paused" : "accepted"),
    "a metrics result replaces it");

  await page.evaluate((toolOutput) => {
    window.dispatchEvent(new CustomEvent("openai:set_globals", { detail: { globals: { toolOutput } } }));
  }, runs);
  await page.getByText("CortexDx runs").waitFor({ timeout: 10_000 });
  const rows = await page.locator("#widget tbody tr").count();
  check(rows === Math.min(runs.runs.length, 10), `the runs result shows ${rows} runs`);
  if (runs.runs.length > 0) {
    check((await text()).includes(runs.runs[0].endpoint), "the newest run's endpoint is shown");
  }
  check(errors.length === 0, `no script errors in the widget (${errors.join("; ")})`);

  await mkdir(dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(`screenshot: ${screenshot}`);
} finally {
  await browser.close();
}
