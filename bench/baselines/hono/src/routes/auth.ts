// The seed plan's `routes/auth.ts`, reduced to what the benchmark can exercise offline: the session
// lookup in KV. The token exchange needs the network, which the benchmark does not have.
import { Hono } from 'hono';
import type { Env } from '../types.js';

export const authRoutes = new Hono<{ Bindings: Env }>();

authRoutes.on(['GET', 'POST'], '/logout', async (c) => {
  const sessionId = c.req.header('X-Session-Id');
  if (sessionId) {
    await c.env.SESSIONS.delete(`session:${sessionId}`);
  }
  return c.json({ success: true });
});
