// Scope checks for the protected routes, as the generated worker makes them: a session named by a bearer
// token or the session cookie, looked up in KV, must hold every scope the route requires. JWT access tokens
// (checked against the issuer's JWKS) are left out: the benchmark signs in with a session, and a JWKS
// fetch needs the network.
import type { MiddlewareHandler } from 'hono';
import type { Env } from './types.js';
import { ApiError } from './errors.js';

const SESSION_COOKIE = '__Host-session';
const METADATA_PATH = '/.well-known/oauth-protected-resource';
const SESSION_ID = /^[A-Za-z0-9_-]{1,128}$/;

type Principal = { subject: string; scopes: string[] };

function challenge(origin: string, scopes: string[], error?: [string, string]): Record<string, string> {
  let value = `Bearer resource_metadata="${origin}${METADATA_PATH}", scope="${scopes.join(' ')}"`;
  if (error) value += `, error="${error[0]}", error_description="${error[1].replace(/"/g, "'")}"`;
  return { 'WWW-Authenticate': value };
}

/** The session id from `Authorization: Bearer …`, else from the session cookie. */
function sessionId(request: Request, origin: string, scopes: string[]): string | undefined {
  const authorization = request.headers.get('Authorization');
  if (authorization !== null) {
    const [scheme, token = ''] = authorization.split(' ', 2);
    if (scheme.toLowerCase() !== 'bearer' || token.trim() === '') {
      throw new ApiError(401, 'unauthorized', 'the Authorization header must be `Bearer <token>`', 'header.Authorization', challenge(origin, scopes));
    }
    return token.trim();
  }
  const cookies = request.headers.get('Cookie') ?? '';
  const pair = cookies.split(';').map((p) => p.trim().split('=')).find(([name]) => name === SESSION_COOKIE);
  return pair?.[1];
}

/** Fails with the route's challenge unless the request's session holds every scope in `scopes`. */
export async function authorize(request: Request, env: Env, scopes: string[]): Promise<void> {
  const origin = new URL(request.url).origin;
  const id = sessionId(request, origin, scopes);
  if (id === undefined) {
    throw new ApiError(401, 'unauthorized', 'authentication required: send `Authorization: Bearer <token>` or sign in', undefined, challenge(origin, scopes));
  }
  const principal = SESSION_ID.test(id) ? await env.SESSIONS.get(`session:${id}`) : null;
  if (principal === null) {
    const reason = 'the session has expired or does not exist';
    throw new ApiError(401, 'unauthorized', `authentication failed: ${reason}`, undefined, challenge(origin, scopes, ['invalid_token', reason]));
  }
  const held = (JSON.parse(principal) as Principal).scopes;
  const missing = scopes.filter((s) => !held.includes(s));
  if (missing.length > 0) {
    const message = `the token lacks the scope${missing.length === 1 ? '' : 's'} ${missing.join(', ')}`;
    throw new ApiError(403, 'insufficient_scope', message, undefined, challenge(origin, scopes, ['insufficient_scope', message]));
  }
}

export function requireScopes(...scopes: string[]): MiddlewareHandler<{ Bindings: Env }> {
  return async (c, next) => {
    await authorize(c.req.raw, c.env, scopes);
    await next();
  };
}
