// Error answers in the same JSON shape as the generated worker's (`{"error": {code, message, location?}}`),
// so both workers send comparable bodies.
import type { Context } from 'hono';

export class ApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 415 | 500,
    readonly code: string,
    message: string,
    readonly location?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function errorResponse(c: Context, error: ApiError): Response {
  const body = { error: { code: error.code, message: error.message, location: error.location } };
  return c.json(body, error.status, error.headers);
}
