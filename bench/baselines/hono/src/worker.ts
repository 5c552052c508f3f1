// The seed plan's Hono worker (docs: cloudflare-implementation-plan.md, "2.1 Create Hono Worker"), serving
// the same routes as the generated worker, for the benchmark's baseline. Static files are left out: in
// production Workers Assets serves them before the worker runs, and the benchmark has none.
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import type { Env } from './types.js';
import { ApiError, errorResponse } from './errors.js';
import { apiRoutes } from './routes/api.js';
import { authRoutes } from './routes/auth.js';
import { mcpRoutes } from './routes/mcp.js';
import { wellKnownRoutes } from './routes/well-known.js';
import { ALLOWED_ORIGINS, PUBLIC_PATHS } from './origins.js';

export { RealtimeSession } from './realtime.js';

const app = new Hono<{ Bindings: Env }>();

// The spec's CORS policy, through Hono's middleware as the seed plan does: its origins, with credentials, on
// every route but the spec's public ones (`cors: public`), which any origin may read without credentials.
const ALLOW_HEADERS = ['Authorization', 'Content-Type', 'X-Session-Id', 'Mcp-Session-Id', 'MCP-Protocol-Version'];
const listedCors = cors({
  origin: ALLOWED_ORIGINS,
  credentials: true,
  allowHeaders: ALLOW_HEADERS,
  exposeHeaders: ['Mcp-Session-Id'],
  maxAge: 86400,
});
const publicCors = cors({ origin: '*', allowHeaders: ALLOW_HEADERS, maxAge: 86400 });
app.use('/*', (c, next) => (PUBLIC_PATHS.has(c.req.path) ? publicCors : listedCors)(c, next));

app.route('/api', apiRoutes);
app.route('/auth', authRoutes);
app.route('/.well-known', wellKnownRoutes);
app.route('/mcp', mcpRoutes);

app.notFound((c) => errorResponse(c, new ApiError(404, 'not_found', `no route for ${c.req.method} ${c.req.path}`)));
app.onError((error, c) => {
  if (error instanceof ApiError) return errorResponse(c, error);
  console.error('internal error', error);
  return errorResponse(c, new ApiError(500, 'internal', 'internal error'));
});

export default app;
