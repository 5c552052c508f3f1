// POST and DELETE /mcp: the spec's MCP server over Streamable HTTP, as a Hono app serves one with the
// official TypeScript SDK (`@modelcontextprotocol/server`: an `McpServer` and a web-standard transport made
// per request, the SDK's documented Hono and Workers pattern, answering with JSON rather than SSE as ours
// does). What the SDK's stateless mode leaves out is done here as ours does it: sessions opened by
// `initialize` and kept in KV under `mcp-session:<id>`, checked on every other request; each tool checking
// its route's scopes, a 401 or 403 failing the whole HTTP request with the route's challenge.
import { Hono } from 'hono';
import { McpServer, WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/server';
import * as z from 'zod';
import type { Env } from '../types.js';
import { ApiError } from '../errors.js';
import { authorize } from '../auth.js';
import { ALLOWED_ORIGINS } from '../origins.js';
import { ask } from '../store.js';
import { controlRequest, testFlowRequest } from '../validate.js';
import { healthReport } from './api.js';

const PROTOCOL_VERSIONS = ['2025-11-25', '2025-06-18', '2025-03-26'];
const SESSION_PREFIX = 'mcp-session:';
const SESSION_TTL_SECONDS = 86400;
const SESSION_ID = /^[A-Za-z0-9_-]{1,128}$/;
const INSTRUCTIONS = `Inspect and steer CortexDx diagnostic runs. Start with get_health; read logs, traces, runs and metrics
with the read-only tools; start_test_flow runs a diagnostic against an MCP endpoint, and control pauses,
resumes or cancels runs and clears logs.`;

type Tool = {
  title: string;
  description: string;
  /** The scopes of the tool's route; none for a public route. */
  scopes: string[];
  input: z.ZodObject;
  annotations: { readOnlyHint: boolean; destructiveHint?: boolean; idempotentHint: boolean; openWorldHint: boolean };
  run: (env: Env, args: Record<string, unknown>) => Promise<unknown>;
};

const NO_ARGUMENTS = z.object({}).strict();
const READ = { readOnlyHint: true, idempotentHint: true, openWorldHint: false };
const int = (min: number, max: number) => z.number().int().min(min).max(max).optional();

/** The spec's tools, each running what its route runs. */
const TOOLS: Record<string, Tool> = {
  control: {
    title: 'Control the dashboard',
    description: 'Pause or resume new runs, cancel one run (give its run_id) or clear the recorded logs. Every action is recorded. Clearing logs deletes them.',
    scopes: ['memory.write'],
    input: z.object({ action: z.string(), run_id: z.string().optional() }).strict(),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    run: (env, args) => ask(env, 'control', controlRequest(args)),
  },
  get_health: {
    title: 'Service health',
    description: 'Reports the environment, API version and whether every declared binding is available.',
    scopes: [],
    input: NO_ARGUMENTS,
    annotations: READ,
    run: async (env) => healthReport(env),
  },
  get_logs: {
    title: 'Recorded log entries',
    description: 'Log entries oldest first, after the `since` id when given.',
    scopes: ['search.read'],
    input: z.object({ limit: int(1, 1000), since: int(0, Number.MAX_SAFE_INTEGER) }).strict(),
    annotations: READ,
    run: (env, { limit = 100, since = 0 }) => ask(env, 'read_logs', { limit, since }),
  },
  get_metrics: {
    title: 'Metrics computed from recorded data',
    description: 'Metrics computed from recorded data',
    scopes: ['search.read'],
    input: NO_ARGUMENTS,
    annotations: READ,
    run: (env) => ask(env, 'read_metrics', {}),
  },
  get_runs: {
    title: 'Diagnostic runs',
    description: 'Diagnostic runs',
    scopes: ['memory.read'],
    input: NO_ARGUMENTS,
    annotations: READ,
    run: (env) => ask(env, 'read_runs', {}),
  },
  get_traces: {
    title: 'Recorded trace spans',
    description: 'Recorded trace spans',
    scopes: ['search.read'],
    input: z.object({ limit: int(1, 500) }).strict(),
    annotations: READ,
    run: (env, { limit = 50 }) => ask(env, 'read_traces', { limit }),
  },
  start_test_flow: {
    title: 'Start a diagnostic test flow',
    description: 'Start a diagnostic run against an MCP server endpoint; answers at once with the run id. Follow it with get_runs and get_traces.',
    scopes: ['docs.write'],
    input: z.object({ endpoint: z.string(), workflow: z.string() }).strict(),
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    run: (env, args) => ask(env, 'start_run', testFlowRequest(args)),
  },
};

/** A failed tool call as ours reports it to the model: the route's error, located in the arguments. */
function toolError(error: ApiError) {
  const location = error.location?.replace(/^(query|path|body)\./, 'arguments.');
  const text = location === undefined ? error.message : `${location === 'body' ? 'arguments' : location}: ${error.message}`;
  return { content: [{ type: 'text' as const, text }], isError: true };
}

/** One request's server. `denied` receives a 401 or 403 from a tool, which fails the whole HTTP request. */
function mcpServer(request: Request, env: Env, denied: { error?: ApiError }): McpServer {
  const server = new McpServer(
    { name: 'cortexdx-dashboard', title: 'CortexDx Control Panel', version: '0.1.0' },
    { capabilities: { tools: { listChanged: false } }, instructions: INSTRUCTIONS, supportedProtocolVersions: PROTOCOL_VERSIONS },
  );
  for (const [name, tool] of Object.entries(TOOLS)) {
    const { title, description, input, annotations } = tool;
    server.registerTool(name, { title, description, inputSchema: input, annotations: { title, ...annotations } }, async (args) => {
      try {
        if (tool.scopes.length > 0) await authorize(request, env, tool.scopes);
        const output = (await tool.run(env, args as Record<string, unknown>)) as Record<string, unknown>;
        return { content: [{ type: 'text' as const, text: JSON.stringify(output) }], structuredContent: output, isError: false };
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        if (error.status === 401 || error.status === 403) denied.error = error;
        return toolError(error);
      }
    });
  }
  return server;
}

/** The MCP spec's defence against DNS rebinding: browsers may call only from origins the API serves. */
function checkOrigin(request: Request): void {
  const origin = request.headers.get('Origin');
  if (origin !== null && origin !== new URL(request.url).origin && !ALLOWED_ORIGINS.includes(origin)) {
    throw new ApiError(403, 'forbidden', `requests from origin ${origin} may not use the MCP server`, 'header.Origin');
  }
}

/** The request's session id, once KV confirms the session exists. */
async function requireSession(request: Request, env: Env): Promise<string> {
  const id = request.headers.get('Mcp-Session-Id') ?? '';
  if (id === '') {
    throw new ApiError(400, 'invalid_parameter', 'send the Mcp-Session-Id that initialize answered with (or initialize first)', 'header.Mcp-Session-Id');
  }
  if (!SESSION_ID.test(id) || (await env.SESSIONS.get(SESSION_PREFIX + id)) === null) {
    throw new ApiError(404, 'not_found', 'the MCP session does not exist or has ended: initialize again', 'header.Mcp-Session-Id');
  }
  return id;
}

async function openSession(env: Env, requested: unknown): Promise<string> {
  const version = PROTOCOL_VERSIONS.includes(requested as string) ? requested : PROTOCOL_VERSIONS[0];
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const id = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  await env.SESSIONS.put(SESSION_PREFIX + id, JSON.stringify({ protocol_version: version }), { expirationTtl: SESSION_TTL_SECONDS });
  return id;
}

export const mcpRoutes = new Hono<{ Bindings: Env }>();

mcpRoutes.post('/', async (c) => {
  const request = c.req.raw;
  checkOrigin(request);
  if (!(c.req.header('Content-Type') ?? '').toLowerCase().startsWith('application/json')) {
    throw new ApiError(415, 'unsupported_media_type', 'MCP messages are sent as Content-Type: application/json', 'header.Content-Type');
  }
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    return c.json({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error: the body is not valid JSON' } }, 400);
  }
  const initialize = !Array.isArray(body) && (body as { method?: unknown } | null)?.method === 'initialize';
  if (!initialize) await requireSession(request, c.env);

  const denied: { error?: ApiError } = {};
  const server = mcpServer(request, c.env, denied);
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  await server.connect(transport);
  const response = await transport.handleRequest(request, { parsedBody: body });
  if (denied.error) throw denied.error;
  if (initialize && response.status === 200) {
    const requested = (body as { params?: { protocolVersion?: unknown } }).params?.protocolVersion;
    response.headers.set('Mcp-Session-Id', await openSession(c.env, requested));
  }
  return response;
});

mcpRoutes.delete('/', async (c) => {
  checkOrigin(c.req.raw);
  const id = await requireSession(c.req.raw, c.env);
  await c.env.SESSIONS.delete(SESSION_PREFIX + id);
  return c.body(null, 204);
});
