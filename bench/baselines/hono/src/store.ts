// The worker's side of the store: like the generated worker, every record lives in the SQLite storage of
// the one `RealtimeSession` instance named "shared", reached with a JSON request per query.
import type { Env } from './types.js';
import { ApiError } from './errors.js';

export type StoreReply<T> = { Ok: T } | { Err: { kind: 'not_found' | 'conflict' | 'internal'; message?: string } };

export async function ask<T>(env: Env, op: string, args: object): Promise<T> {
  const stub = env.REALTIME.getByName('shared');
  const response = await stub.fetch('https://realtime.internal/store', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ op, args }),
  });
  const reply = (await response.json()) as StoreReply<T>;
  if ('Ok' in reply) return reply.Ok;
  const { kind, message = 'internal error' } = reply.Err;
  if (kind === 'not_found') throw new ApiError(404, 'not_found', message);
  if (kind === 'conflict') throw new ApiError(409, 'conflict', message);
  throw new ApiError(500, 'internal', 'internal error');
}
