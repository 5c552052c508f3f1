// The seed plan's `routes/well-known.ts`, with the spec's values.
import { Hono } from 'hono';
import type { Env } from '../types.js';

export const wellKnownRoutes = new Hono<{ Bindings: Env }>();

wellKnownRoutes.get('/oauth-protected-resource', (c) => {
  const origin = new URL(c.req.url).origin;
  return c.json({
    resource: origin,
    authorization_servers: ['https://auth.openai.com'],
    scopes_supported: ['docs.write', 'memory.delete', 'memory.read', 'memory.write', 'search.read'],
    bearer_methods_supported: ['header'],
    resource_name: 'CortexDx Dashboard API',
    resource_documentation: 'https://docs.brainwav.io/cortexdx',
  });
});

wellKnownRoutes.get('/mcp.json', (c) =>
  c.json({
    name: 'CortexDx Control Panel',
    version: '0.1.0',
    protocol_version: '2025-03-26',
    capabilities: { resources: true, tools: true, prompts: false },
  }),
);
