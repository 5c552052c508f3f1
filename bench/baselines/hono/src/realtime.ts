// The Durable Object holding the records, with the same SQLite schema and queries as the generated
// worker's `RealtimeSession`, so both workers do the same storage work per request.
import { DurableObject } from 'cloudflare:workers';
import type { Env } from './types.js';

const SCHEMA = [
  'CREATE TABLE IF NOT EXISTS logs (id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp TEXT NOT NULL, level TEXT NOT NULL, source TEXT NOT NULL, message TEXT NOT NULL)',
  'CREATE TABLE IF NOT EXISTS spans (seq INTEGER PRIMARY KEY AUTOINCREMENT, trace_id TEXT NOT NULL, span_id TEXT NOT NULL, name TEXT NOT NULL, started_at TEXT NOT NULL, duration_ms REAL NOT NULL, status TEXT NOT NULL)',
  'CREATE TABLE IF NOT EXISTS runs (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, workflow TEXT NOT NULL, endpoint TEXT NOT NULL, status TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT)',
  'CREATE INDEX IF NOT EXISTS runs_by_start ON runs (started_at, seq)',
  'CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL)',
];

type Sql = { exec(query: string, ...bindings: unknown[]): { toArray(): Record<string, unknown>[] } };
type Args = Record<string, any>;

const randomHex = (bytes: number) =>
  Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');

export class RealtimeSession extends DurableObject<Env> {
  private sql: Sql | undefined;

  async fetch(request: Request): Promise<Response> {
    const { op, args } = (await request.json()) as { op: string; args: Args };
    try {
      return Response.json({ Ok: this.answer(op, args) });
    } catch (error) {
      if (error instanceof Refusal) return Response.json({ Err: { kind: error.kind, message: error.message } });
      console.error('store failure', error);
      return Response.json({ Err: { kind: 'internal' } });
    }
  }

  private db(): Sql {
    if (!this.sql) {
      this.sql = (this.ctx.storage as unknown as { sql: Sql }).sql;
      for (const statement of SCHEMA) this.sql.exec(statement);
    }
    return this.sql;
  }

  private answer(op: string, args: Args): unknown {
    switch (op) {
      case 'read_logs':
        return this.readLogs(args.limit, args.since);
      case 'read_traces':
        return { spans: this.db().exec('SELECT trace_id, span_id, name, started_at, duration_ms, status FROM spans ORDER BY seq DESC LIMIT ?', args.limit).toArray() };
      case 'read_runs':
        return { runs: this.db().exec('SELECT id, workflow, endpoint, status, started_at, finished_at FROM runs ORDER BY started_at DESC, seq DESC').toArray() };
      case 'read_metrics':
        return this.metrics();
      case 'control':
        return this.control(args.action, args.run_id);
      case 'start_run':
        return this.startRun(args.endpoint, args.workflow);
      default:
        throw new Error(`unknown store op ${op}`);
    }
  }

  private readLogs(limit: number, since: number) {
    const entries = this.db().exec('SELECT id, timestamp, level, source, message FROM logs WHERE id > ? ORDER BY id LIMIT ?', since, limit).toArray();
    const last = entries[entries.length - 1];
    return entries.length >= limit && last ? { entries, next_since: last.id } : { entries };
  }

  private paused(): boolean {
    const rows = this.db().exec("SELECT value FROM state WHERE key = 'paused'").toArray();
    return rows[0]?.value === 'true';
  }

  private control(action: string, runId?: string) {
    const started = Date.now();
    let message: string;
    if (action === 'pause' || action === 'resume') {
      const pause = action === 'pause';
      if (this.paused() === pause) {
        return { action, applied: false, message: pause ? 'runs are already paused' : 'runs are not paused', at: new Date().toISOString() };
      }
      this.db().exec("INSERT INTO state (key, value) VALUES ('paused', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", String(pause));
      message = pause ? 'paused: new test flows are refused' : 'resumed: new test flows are accepted';
    } else if (action === 'clear_logs') {
      const count = Number(this.db().exec('SELECT COUNT(*) AS count FROM logs').toArray()[0].count);
      this.db().exec('DELETE FROM logs');
      message = `cleared ${count} log ${count === 1 ? 'entry' : 'entries'}`;
    } else {
      message = this.cancelRun(runId);
    }
    const at = new Date().toISOString();
    this.db().exec("INSERT INTO logs (timestamp, level, source, message) VALUES (?, 'info', 'control', ?)", at, message);
    this.db().exec(
      "INSERT INTO spans (trace_id, span_id, name, started_at, duration_ms, status) VALUES (?, ?, ?, ?, ?, 'ok')",
      randomHex(16), randomHex(8), `control.${action}`, new Date(started).toISOString(), Date.now() - started,
    );
    return { action, applied: true, message, at };
  }

  private cancelRun(runId?: string): string {
    if (!runId) throw new Refusal('conflict', 'cancel_run needs a run_id');
    const run = this.db().exec('SELECT status FROM runs WHERE id = ?', runId).toArray()[0];
    if (!run) throw new Refusal('not_found', `no run has the id ${runId}`);
    if (!['queued', 'running'].includes(String(run.status))) throw new Refusal('conflict', `run ${runId} has already finished (${run.status})`);
    this.db().exec("UPDATE runs SET status = 'cancelled', finished_at = ? WHERE id = ?", new Date().toISOString(), runId);
    return `cancelled run ${runId}`;
  }

  private startRun(endpoint: string, workflow: string) {
    if (this.paused()) throw new Refusal('conflict', 'runs are paused; resume them before starting a test flow');
    const id = crypto.randomUUID();
    const at = new Date().toISOString();
    this.db().exec("INSERT INTO runs (id, workflow, endpoint, status, started_at) VALUES (?, ?, ?, 'queued', ?)", id, workflow, endpoint, at);
    this.db().exec("INSERT INTO logs (timestamp, level, source, message) VALUES (?, 'info', 'test-flow', ?)", at, `queued ${workflow} run ${id} against ${endpoint}`);
    return { run_id: id, status: 'queued' };
  }

  private metrics() {
    const counts = (query: string) => Object.fromEntries(this.db().exec(query).toArray().map((r) => [r.key, Number(r.count)]));
    const byLevel = { debug: 0, info: 0, warn: 0, error: 0, ...counts('SELECT level AS key, COUNT(*) AS count FROM logs GROUP BY level') };
    const byStatus = { queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0, ...counts('SELECT status AS key, COUNT(*) AS count FROM runs GROUP BY status') };
    const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
    const finished = byStatus.succeeded + byStatus.failed + byStatus.cancelled;
    return {
      logs_total: sum(byLevel), logs_by_level: byLevel,
      runs_total: sum(byStatus), runs_by_status: byStatus,
      ...(finished > 0 ? { success_rate: byStatus.succeeded / finished } : {}),
      paused: this.paused(),
    };
  }
}

/** A request the store refuses (unknown run, wrong state), as opposed to a failure. */
class Refusal extends Error {
  constructor(readonly kind: 'not_found' | 'conflict', message: string) {
    super(message);
  }
}
