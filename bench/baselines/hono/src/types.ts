// The worker's environment, as the seed plan's `src/server/types.ts` declares it. The Workers runtime types
// are declared structurally here: the baseline is bundled by esbuild, which strips types without checking
// them, so no `@cloudflare/workers-types` package is needed.

export interface DurableObjectStub {
  fetch(input: string, init?: RequestInit): Promise<Response>;
}

export interface DurableObjectNamespace {
  getByName(name: string): DurableObjectStub;
}

export interface KVNamespace {
  get(key: string): Promise<string | null>;
  put(key: string, value: string, options?: { expirationTtl?: number }): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface Env {
  SESSIONS: KVNamespace;
  REALTIME: DurableObjectNamespace;
  ASSETS: unknown;
  ENVIRONMENT: string;
  OPENAI_CLIENT_ID: string;
  OPENAI_CLIENT_SECRET: string;
  DASHBOARD_AUTH_SECRET: string;
}
