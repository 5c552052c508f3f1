// An in-memory KV namespace for plain workerd, which has no KV of its own: workerd turns each KV binding
// call into an HTTP request to the service that backs it (see `kvNamespace` in workerd.capnp). Entries in
// the JSON text binding SEED are present from the start (the benchmark's signed-in session). It also
// stands in for the ASSETS binding, which the benchmark never fetches from.
let store;

function entries(env) {
  store ??= new Map(Object.entries(JSON.parse(env.SEED || '{}')));
  return store;
}

export default {
  async fetch(request, env) {
    const kv = entries(env);
    const url = new URL(request.url);
    const key = decodeURIComponent(url.pathname.slice(1));
    switch (request.method) {
      case 'GET':
        return kv.has(key) ? new Response(kv.get(key)) : new Response(null, { status: 404 });
      case 'PUT':
        kv.set(key, await request.text());
        return new Response(null);
      case 'DELETE':
        kv.delete(key);
        return new Response(null);
      default:
        return new Response(null, { status: 405 });
    }
  },
};
