// The dashboard in headless Chromium, end to end: it loads and shows health, reads the public routes (and
// only those) across origins, signs in through the local authorization server, shows the stored records,
// receives a run started elsewhere over SSE without a reload, pauses runs with a click, refuses and then
// accepts a test flow from its form, and signs out.
//
// Run by the end-to-end suite (e2e/tests/e2e.rs, step "the dashboard in a browser"), which passes:
//   E2E_BASE_URL        where this run's server listens (http://127.0.0.1:PORT)
//   E2E_ORIGIN          the environment's public origin (http://localhost:8787 for dev)
//   E2E_TOKEN           an access token with every scope, for requests made outside the page
//   E2E_SESSION_COOKIE  the session cookie's name
//   E2E_SCREENSHOT      where to save the screenshot (a failure also saves one beside it)
//   E2E_CHROMIUM        the browser to drive (/usr/bin/chromium)
//
// Sign-in redirects back to the public origin, so the page is opened there and Chromium's host resolver
// maps that origin to this run's server: the browser, the worker and the authorization server all see
// the same URLs as they do under scripts/dev.

import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

import { chromium } from "playwright-core";

const WAIT_MS = 15_000;
/// Nothing listens on the discard port: a run against it never leaves the machine.
const UNREACHABLE_MCP_ENDPOINT = "http://127.0.0.1:9/mcp";
const RUN_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"];

function setting(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; the end-to-end suite passes it`);
  return value;
}

const baseUrl = new URL(setting("E2E_BASE_URL"));
const origin = new URL(setting("E2E_ORIGIN")).origin;
const token = setting("E2E_TOKEN");
const sessionCookie = setting("E2E_SESSION_COOKIE");
const screenshot = setting("E2E_SCREENSHOT");
const executablePath = setting("E2E_CHROMIUM");

/** A request made outside the page, as another client would make it. */
async function api(path, { method = "GET", body, authorization = `Bearer ${token}` } = {}) {
  const headers = { Accept: "application/json", Authorization: authorization };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(new URL(path, baseUrl), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => null);
  return { status: response.status, data };
}

async function apiOk(path, options) {
  const { status, data } = await api(path, options);
  if (status < 200 || status > 299) {
    throw new Error(`${options?.method ?? "GET"} ${path} answered ${status}: ${JSON.stringify(data)}`);
  }
  return data;
}

/** Polls `probe` (which returns `[ok, got]`) until it holds; fails naming what was wanted and last seen. */
async function until(wanted, probe, timeout = WAIT_MS) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const [ok, got] = await probe();
    if (ok) return got;
    if (Date.now() > deadline) {
      throw new Error(`expected ${wanted}, but after ${timeout} ms got ${JSON.stringify(got)}`);
    }
    await sleep(100);
  }
}

function check(condition, wanted, got) {
  if (!condition) throw new Error(`expected ${wanted}, got ${JSON.stringify(got)}`);
}

async function step(name, body) {
  const started = Date.now();
  await body();
  console.log(`ok  ${name} (${Date.now() - started} ms)`);
}

const text = async (page, selector) => ((await page.locator(selector).first().textContent()) ?? "").trim();

/** Waits until the first element matching `selector` shows exactly `wanted`. */
async function shows(page, selector, wanted) {
  await until(`${selector} to show "${wanted}"`, async () => {
    const got = await text(page, selector);
    return [got === wanted, got];
  });
}

/** Waits until Sign in and Sign out are shown as `signedIn` says. */
async function signedIn(page, signedIn) {
  await until(signedIn ? "Sign out shown, Sign in hidden" : "Sign in shown, Sign out hidden", async () => {
    const got = { signIn: await page.isVisible("#sign-in"), signOut: await page.isVisible("#sign-out") };
    return [got.signIn === !signedIn && got.signOut === signedIn, got];
  });
}

/** The log lines the page shows, oldest first. */
const shownLogs = (page) =>
  page.$$eval("#logs li", (items) =>
    items.map((item) => ({
      id: Number(item.dataset.logId),
      source: item.querySelector(".source")?.textContent,
      message: item.querySelector(".message")?.textContent,
    })),
  );

/** The spans the page shows, newest first, with their trace and span ids. */
const shownSpans = (page) =>
  page.$$eval("#traces tr", (rows) =>
    rows.map((row) => ({ name: row.cells[1]?.textContent, ids: row.cells[4]?.title })),
  );

async function main(page, context) {
  // Main-frame navigations, to follow the sign-in redirects and to show later that nothing reloaded.
  const navigations = [];
  page.on("request", (request) => {
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) navigations.push(request.url());
  });

  await step("the dashboard loads and shows health", async () => {
    const health = await apiOk("/api/health");
    await page.goto(`${origin}/`);
    await shows(page, "#health-badge", health.status === "ok" ? "healthy" : "degraded");
    await shows(page, "#health-environment", health.environment);
    await shows(page, "#health-version", health.version);
    const bindings = await page.$$eval("#bindings li span:nth-child(2)", (names) => names.map((n) => n.textContent));
    const wanted = health.bindings.map((binding) => binding.name);
    check(JSON.stringify(bindings) === JSON.stringify(wanted), `bindings ${wanted}`, bindings);
  });

  // The page's origin is not the server's address (baseUrl), so these requests are cross-origin: Chromium
  // enforces CORS on them as it would for a page on any other site.
  await step("a page on another origin reads the public routes, and only them", async () => {
    const results = await page.evaluate(async (server) => {
      const attempt = async (path, init) => {
        try {
          const response = await fetch(new URL(path, server), init);
          return `${response.status}`;
        } catch (error) {
          return `refused (${error.name})`;
        }
      };
      return {
        health: await attempt("/api/health"),
        healthWithPreflight: await attempt("/api/health", { headers: { Authorization: "Bearer x" } }),
        metadata: await attempt("/.well-known/oauth-protected-resource"),
        healthWithCredentials: await attempt("/api/health", { credentials: "include" }),
        reference: await attempt("/docs"),
      };
    }, baseUrl.href);
    const expected = {
      health: "200",
      healthWithPreflight: "200",
      metadata: "200",
      // `*` never grants a request that sends credentials, and the reference answers listed origins only.
      healthWithCredentials: "refused (TypeError)",
      reference: "refused (TypeError)",
    };
    check(JSON.stringify(results) === JSON.stringify(expected), JSON.stringify(expected), results);
  });

  await step("signed out, the page offers Sign in and shows no records", async () => {
    await signedIn(page, false);
    check((await page.locator("#logs li").count()) === 0, "no log lines before signing in",
      await page.locator("#logs li").count());
    const cookies = await context.cookies(origin);
    check(!cookies.some((cookie) => cookie.name === sessionCookie), `no ${sessionCookie} cookie`, cookies);
  });

  await step("Sign in goes through the authorization server and back", async () => {
    const before = navigations.length;
    await page.click("#sign-in");
    await signedIn(page, true);
    const path = navigations.slice(before).map((url) => {
      const { origin: from, pathname } = new URL(url);
      return from === origin ? pathname : `${from}${pathname}`;
    });
    const authorize = new URL("/authorize", await authorizationServer()).href;
    const wanted = ["/auth/login", authorize, "/auth/callback", "/"];
    check(JSON.stringify(path) === JSON.stringify(wanted), `the navigations ${wanted}`, path);
    const cookie = (await context.cookies(origin)).find((c) => c.name === sessionCookie);
    const safe = cookie?.httpOnly && cookie?.secure && cookie?.sameSite === "Lax";
    check(safe, `an HttpOnly, Secure, SameSite=Lax ${sessionCookie} cookie`, cookie);
    // HttpOnly: the page's scripts cannot read it.
    const visible = await page.evaluate(() => document.cookie);
    check(!visible.includes(sessionCookie), "the cookie hidden from document.cookie", visible);
  });

  await step("signed in, the dashboard shows the stored records and follows /events", async () => {
    await shows(page, "#live-badge", "live");
    // Read again on every try: a record added meanwhile reaches the page a moment after the API.
    await until("a row for every run the API lists", async () => {
      const { runs } = await apiOk("/api/runs");
      const wanted = runs.map((run) => run.id).toSorted();
      const shown = (await page.$$eval("#runs tr", (rows) => rows.map((row) => row.dataset.runId))).toSorted();
      return [JSON.stringify(shown) === JSON.stringify(wanted), { shown: shown.length, wanted: wanted.length }];
    });
    await until("the API's log and run totals", async () => {
      const metrics = await apiOk("/api/metrics");
      const wanted = [String(metrics.logs_total), String(metrics.runs_total)];
      const got = [await text(page, "#metric-logs"), await text(page, "#metric-runs")];
      return [JSON.stringify(got) === JSON.stringify(wanted), { got, wanted }];
    });
    await shows(page, "#metric-paused", "accepted");
  });

  await step("a run started elsewhere appears without a reload (SSE)", async () => {
    // A reload would drop this mark and add a navigation.
    await page.evaluate(() => (window.e2eSamePage = true));
    const navigationsBefore = navigations.length;
    const runsBefore = Number(await text(page, "#metric-runs"));
    const lastLogBefore = Math.max(0, ...(await shownLogs(page)).map((line) => line.id));

    const accepted = await apiOk("/api/test-flow", {
      method: "POST",
      body: { endpoint: UNREACHABLE_MCP_ENDPOINT, workflow: "handshake" },
    });
    const row = `#runs tr[data-run-id="${accepted.run_id}"]`;
    const status = await until(`a row for run ${accepted.run_id}`, async () => {
      if ((await page.locator(row).count()) === 0) return [false, "no row"];
      const got = await text(page, `${row} .pill`);
      return [RUN_STATUSES.includes(got), got];
    });
    await shows(page, `${row} .endpoint`, UNREACHABLE_MCP_ENDPOINT);
    await until(`a new log line naming run ${accepted.run_id}`, async () => {
      const lines = (await shownLogs(page)).filter((line) => line.id > lastLogBefore);
      return [lines.some((line) => line.message?.includes(accepted.run_id)), lines];
    });
    await shows(page, "#metric-runs", String(runsBefore + 1));
    check(await page.evaluate(() => window.e2eSamePage === true), "the same page (no reload)", "a reloaded page");
    check(navigations.length === navigationsBefore, "no navigation", navigations.slice(navigationsBefore));
    console.log(`    run ${accepted.run_id} shown as ${status}`);
  });

  await step("Pause runs changes what is shown", async () => {
    const lastLogBefore = Math.max(0, ...(await shownLogs(page)).map((line) => line.id));
    const spansBefore = new Set(await shownSpans(page).then((spans) => spans.map((span) => span.ids)));
    await page.click('button[data-action="pause"]');
    await until('new runs "paused"', async () => {
      const got = [await text(page, "#metric-paused"), await page.getAttribute("#metric-paused", "data-state")];
      return [got[0] === "paused" && got[1] === "bad", got];
    });
    const notice = await until("a notice with the result", async () => {
      const got = await text(page, "#notice");
      return [got !== "", got];
    });
    await until(`a new control log line "${notice}"`, async () => {
      const lines = (await shownLogs(page)).filter((line) => line.id > lastLogBefore);
      return [lines.some((line) => line.source === "control" && line.message === notice), lines];
    });
    await until("a new control.pause span", async () => {
      const added = (await shownSpans(page)).filter((span) => !spansBefore.has(span.ids));
      return [added.some((span) => span.name === "control.pause"), added];
    });
    const metrics = await apiOk("/api/metrics");
    check(metrics.paused === true, "the server to report runs paused", metrics.paused);
    await mkdir(dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true });
  });

  await step("the test-flow form is refused while paused and accepted after Resume", async () => {
    await page.fill('#test-flow input[name="endpoint"]', UNREACHABLE_MCP_ENDPOINT);
    await page.selectOption('#test-flow select[name="workflow"]', "tools");
    await page.click('#test-flow button[type="submit"]');
    await until("an error notice naming the pause", async () => {
      const got = [await text(page, "#notice"), await page.getAttribute("#notice", "data-kind")];
      return [got[1] === "error" && got[0].includes("paused"), got];
    });

    await page.click('button[data-action="resume"]');
    await shows(page, "#metric-paused", "accepted");
    await page.click('#test-flow button[type="submit"]');
    const runId = await until('a notice "Run <id> is queued"', async () => {
      const got = await text(page, "#notice");
      const match = /^Run ([0-9a-f-]{36}) is queued$/.exec(got);
      return [match !== null, match?.[1] ?? got];
    });
    await until(`a tools row for run ${runId}`, async () => {
      const row = `#runs tr[data-run-id="${runId}"]`;
      const got = (await page.locator(row).count()) ? await text(page, `${row} td:nth-child(2)`) : "no row";
      return [got === "tools", got];
    });
    const metrics = await apiOk("/api/metrics");
    check(metrics.paused === false, "the server to report runs resumed", metrics.paused);
  });

  await step("Sign out ends the session", async () => {
    const cookie = (await context.cookies(origin)).find((c) => c.name === sessionCookie);
    await page.click("#sign-out");
    await signedIn(page, false);
    const cookies = await context.cookies(origin);
    check(!cookies.some((c) => c.name === sessionCookie), `no ${sessionCookie} cookie`, cookies);
    // The session id is refused now, as a bearer token too.
    const { status } = await api("/api/logs", { authorization: `Bearer ${cookie.value}` });
    check(status === 401, "401 for the ended session", status);
  });
}

/** The dev environment's issuer, read from the protected resource metadata the worker serves. */
async function authorizationServer() {
  const metadata = await apiOk("/.well-known/oauth-protected-resource");
  return metadata.authorization_servers[0];
}

const browser = await chromium.launch({
  executablePath,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    `--host-resolver-rules=MAP ${new URL(origin).host} ${baseUrl.host}`,
  ],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
const pageErrors = [];
page.on("pageerror", (error) => pageErrors.push(error.message));
// Printed for diagnosis only: the refused requests before sign-in and while paused are logged as errors.
page.on("console", (message) => {
  if (["error", "warning"].includes(message.type())) console.log(`    console ${message.type()}: ${message.text()}`);
});
let failed = false;
try {
  await main(page, context);
  check(pageErrors.length === 0, "no uncaught errors in the page", pageErrors);
} catch (error) {
  failed = true;
  console.log(`FAILED: ${error.message}`);
  const failureShot = join(dirname(screenshot), "dashboard-failure.png");
  await mkdir(dirname(failureShot), { recursive: true });
  await page.screenshot({ path: failureShot, fullPage: true }).catch(() => {});
  console.log(`    screenshot of the failure: ${failureShot}`);
} finally {
  await browser.close();
}
process.exitCode = failed ? 1 : 0;
