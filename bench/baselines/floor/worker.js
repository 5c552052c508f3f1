// The floor: the least a worker can do per request. Every path gets the same constant JSON body, so the
// difference between this and a real worker is the cost of routing, validation and the handler itself.
const BODY = '{"status":"ok"}';
const HEADERS = { 'Content-Type': 'application/json; charset=utf-8' };

export default {
  fetch() {
    return new Response(BODY, { headers: HEADERS });
  },
};
