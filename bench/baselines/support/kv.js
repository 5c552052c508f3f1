// An in-memory KV namespace for plain workerd, which has no KV of its own: workerd turns each KV binding
// call into an HTTP request to the service that backs it (GET/PUT/DELETE on /<key>; see `kvNamespace` in
// workerd.capnp). It also stands in for the ASSETS binding, which the benchmark never fetches from.
const store = new Map();

export default {
  async fetch(request) {
    const key = decodeURIComponent(new URL(request.url).pathname.slice(1));
    switch (request.method) {
      case 'GET':
        return store.has(key) ? new Response(store.get(key)) : new Response(null, { status: 404 });
      case 'PUT':
        store.set(key, await request.text());
        return new Response(null);
      case 'DELETE':
        store.delete(key);
        return new Response(null);
      default:
        return new Response(null, { status: 405 });
    }
  },
};
