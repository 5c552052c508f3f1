// The checks the spec declares for the routes, written by hand as a Hono app would have them: the
// generated worker derives the same checks from spec/dashboard.yaml.
import { ApiError } from './errors.js';

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const CONTROL_ACTIONS = ['pause', 'resume', 'cancel_run', 'clear_logs'] as const;
const WORKFLOWS = ['handshake', 'tools', 'full'] as const;

export type ControlAction = (typeof CONTROL_ACTIONS)[number];
export type ControlRequest = { action: ControlAction; run_id?: string };
export type TestFlowRequest = { endpoint: string; workflow: (typeof WORKFLOWS)[number] };

/** An integer query parameter within bounds, or its default when absent. */
export function integerParam(raw: string | undefined, name: string, min: number, max: number, fallback?: number): number | undefined {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isSafeInteger(value)) {
    throw new ApiError(400, 'invalid_parameter', `must be an integer, got \`${raw}\``, `query.${name}`);
  }
  if (value < min || value > max) {
    throw new ApiError(400, 'invalid_parameter', `must be between ${min} and ${max}, got ${value}`, `query.${name}`);
  }
  return value;
}

/** Reads a JSON object body, refusing other content types as the generated worker does. */
export async function jsonBody(request: Request): Promise<Record<string, unknown>> {
  const type = request.headers.get('Content-Type') ?? '';
  if (type !== '' && !type.toLowerCase().startsWith('application/json')) {
    throw new ApiError(415, 'unsupported_media_type', `expected Content-Type application/json, got \`${type}\``, 'header.Content-Type');
  }
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    throw new ApiError(400, 'invalid_body', 'the body is not valid JSON', 'body');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError(400, 'invalid_body', 'must be a JSON object', 'body');
  }
  return body as Record<string, unknown>;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], location: string): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw new ApiError(400, 'invalid_body', `must be one of ${allowed.join(', ')}`, location);
  }
  return value as T;
}

export function controlRequest(body: Record<string, unknown>): ControlRequest {
  const action = oneOf(body.action, CONTROL_ACTIONS, 'body.action');
  if (body.run_id === undefined || body.run_id === null) return { action };
  if (typeof body.run_id !== 'string' || !UUID.test(body.run_id)) {
    throw new ApiError(400, 'invalid_body', 'must be a UUID', 'body.run_id');
  }
  return { action, run_id: body.run_id };
}

export function testFlowRequest(body: Record<string, unknown>): TestFlowRequest {
  const workflow = oneOf(body.workflow, WORKFLOWS, 'body.workflow');
  const endpoint = body.endpoint;
  if (typeof endpoint !== 'string' || endpoint.length > 2048 || !URL.canParse(endpoint)) {
    throw new ApiError(400, 'invalid_body', 'must be a URI of at most 2048 characters', 'body.endpoint');
  }
  return { endpoint, workflow };
}
