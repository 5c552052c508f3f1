// The origins the spec's CORS policy allows: browsers on them may call the API and the MCP server.
export const ALLOWED_ORIGINS = ['https://chatgpt.com', 'https://chat.openai.com'];

// The paths of the spec's public routes (`cors: public`): any origin may read them, without credentials.
export const PUBLIC_PATHS = new Set([
  '/api/health',
  '/.well-known/oauth-protected-resource',
  '/.well-known/mcp.json',
  '/openapi.json',
]);
