// Ours' `GET /api/health` answer written directly in JavaScript: the same bytes (but the timestamp) and the
// same headers, from the same reads of the request (method and URL; Origin only for the other paths, whose
// answers depend on it, as ours reads it only for routes of the allow list) and of the environment. It is what
// the answer itself costs in workerd, apart from Rust, wasm and the generator: `bench/health-js` runs it
// beside ours and the floor (see bench/README.md, "Health at one connection").
const ALLOWED_ORIGINS = ["https://chatgpt.com", "https://chat.openai.com"];
const BINDINGS = [
  ["kv", "SESSIONS"],
  ["durable_object", "REALTIME"],
  ["assets", "ASSETS"],
  ["var", "ENVIRONMENT"],
  ["secret", "OPENAI_CLIENT_SECRET"],
];
const JSON_TYPE = "application/json; charset=utf-8";
const PLAIN = new Headers({ "Content-Type": JSON_TYPE, Vary: "Origin" });
// Health is a public route (`cors: public`): any origin may read it, without credentials.
const PUBLIC = new Headers({ "Content-Type": JSON_TYPE, "Access-Control-Allow-Origin": "*" });

// Other paths answer for the spec's allowed origins only.
function headersFor(origin) {
  if (!ALLOWED_ORIGINS.includes(origin)) return PLAIN;
  const headers = new Headers(PLAIN);
  headers.set("Access-Control-Allow-Origin", origin);
  headers.set("Access-Control-Allow-Credentials", "true");
  return headers;
}

// Only bound, so that the `REALTIME` binding exists here as it does for ours; health never calls it.
export class RealtimeSession {}

export default {
  fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (pathname !== "/api/health" || request.method !== "GET") {
      const origin = request.headers.get("Origin");
      return new Response('{"error":"not_found"}', { status: 404, headers: headersFor(origin) });
    }
    const bindings = BINDINGS.map(([kind, name]) => ({ available: env[name] !== undefined, kind, name }));
    const body = JSON.stringify({
      bindings,
      environment: env.ENVIRONMENT,
      status: bindings.every((binding) => binding.available) ? "ok" : "degraded",
      timestamp: new Date().toISOString(),
      version: "0.1.0",
    });
    return new Response(body, { headers: PUBLIC });
  },
};
