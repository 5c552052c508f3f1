// The origins the spec's CORS policy allows: browsers on them may call the API and the MCP server.
export const ALLOWED_ORIGINS = ['https://chatgpt.com', 'https://chat.openai.com'];
