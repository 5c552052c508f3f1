// The seed plan's `routes/api.ts`, with the spec's scopes and validation, and the records kept in the
// Durable Object.
import { Hono } from 'hono';
import type { Env } from '../types.js';
import { requireScopes } from '../auth.js';
import { ask } from '../store.js';
import { controlRequest, integerParam, jsonBody, testFlowRequest } from '../validate.js';

export const apiRoutes = new Hono<{ Bindings: Env }>();

/** Binding names the spec declares, checked the way the generated health report checks them. */
const BINDINGS = [
  ['SESSIONS', 'kv'],
  ['REALTIME', 'durable_object'],
  ['ASSETS', 'assets'],
  ['ENVIRONMENT', 'var'],
  ['DASHBOARD_AUTH_SECRET', 'secret'],
  ['OPENAI_CLIENT_ID', 'secret'],
  ['OPENAI_CLIENT_SECRET', 'secret'],
] as const;

/** The health report, also the MCP tool `get_health`'s result. */
export function healthReport(env: Env) {
  const bindings = BINDINGS.map(([name, kind]) => ({ name, kind, available: env[name] !== undefined }));
  return {
    status: bindings.every((b) => b.available) ? 'ok' : 'degraded',
    environment: env.ENVIRONMENT ?? 'dev',
    version: '0.1.0',
    timestamp: new Date().toISOString(),
    bindings,
  };
}

apiRoutes.get('/health', (c) => c.json(healthReport(c.env)));

apiRoutes.get('/logs', requireScopes('search.read'), async (c) => {
  const limit = integerParam(c.req.query('limit'), 'limit', 1, 1000, 100);
  const since = integerParam(c.req.query('since'), 'since', 0, Number.MAX_SAFE_INTEGER, 0);
  return c.json(await ask(c.env, 'read_logs', { limit, since }));
});

apiRoutes.get('/metrics', requireScopes('search.read'), async (c) => c.json(await ask(c.env, 'read_metrics', {})));

apiRoutes.get('/traces', requireScopes('search.read'), async (c) => {
  const limit = integerParam(c.req.query('limit'), 'limit', 1, 500, 50);
  return c.json(await ask(c.env, 'read_traces', { limit }));
});

apiRoutes.get('/runs', requireScopes('memory.read'), async (c) => c.json(await ask(c.env, 'read_runs', {})));

apiRoutes.post('/control', requireScopes('memory.write'), async (c) => {
  const request = controlRequest(await jsonBody(c.req.raw));
  return c.json(await ask(c.env, 'control', request));
});

apiRoutes.post('/test-flow', requireScopes('docs.write'), async (c) => {
  const request = testFlowRequest(await jsonBody(c.req.raw));
  return c.json(await ask(c.env, 'start_run', request), 202);
});
