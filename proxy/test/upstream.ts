import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// A scripted upstream over a real socket: each test queues the exact bytes a
// provider would send (its real wire format), including faults, and reads back
// what the gateway sent it.

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  raw: string;
  body: any;
}

export type Script = (req: RecordedRequest, res: ServerResponse) => void | Promise<void>;

export class ScriptedUpstream {
  readonly requests: RecordedRequest[] = [];
  private readonly queue: Script[] = [];
  private fallback: Script = (_req, res) => json(res, 500, { error: { message: 'no script queued' } });
  private readonly server: Server;
  private readonly sockets = new Set<import('node:net').Socket>();
  /** Resolves when the server sees a client socket close mid-response. */
  aborted = 0;

  private constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        let body: any = null;
        try {
          body = raw ? JSON.parse(raw) : null;
        } catch {
          body = raw;
        }
        const rec: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, raw, body };
        this.requests.push(rec);
        res.on('close', () => {
          if (!res.writableFinished) this.aborted++;
        });
        const script = this.queue.shift() ?? this.fallback;
        void Promise.resolve(script(rec, res)).catch((err) => {
          if (!res.headersSent) json(res, 500, { error: { message: String(err) } });
        });
      });
    });
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  static async start(): Promise<ScriptedUpstream> {
    const u = new ScriptedUpstream();
    await new Promise<void>((resolve) => u.server.listen(0, '127.0.0.1', resolve));
    return u;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Queues a one-shot response script. */
  next(script: Script): this {
    this.queue.push(script);
    return this;
  }

  /** Used when the queue is empty. */
  otherwise(script: Script): this {
    this.fallback = script;
    return this;
  }

  get last(): RecordedRequest {
    return this.requests[this.requests.length - 1];
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Writes raw SSE pieces in order, optionally pausing between them. */
export async function sse(res: ServerResponse, pieces: string[], opts: { delayMs?: number; headers?: Record<string, string>; end?: boolean } = {}): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...(opts.headers ?? {}) });
  for (const p of pieces) {
    if (res.destroyed) return;
    res.write(p);
    if (opts.delayMs) await sleep(opts.delayMs);
  }
  if (opts.end !== false) res.end();
}

/** OpenAI Chat Completions stream lines (`data: {...}\n\n`), ending with [DONE]. */
export function openaiStream(chunks: object[], done = true): string[] {
  const out = chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`);
  if (done) out.push('data: [DONE]\n\n');
  return out;
}

export function chunk(delta: object, finish: string | null = null, extra: object = {}): object {
  return { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'up-model', choices: [{ index: 0, delta, finish_reason: finish }], ...extra };
}

export function usageChunk(prompt: number, completion: number, cached = 0): object {
  return { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'up-model', choices: [], usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, prompt_tokens_details: { cached_tokens: cached } } };
}

export function completion(message: object, finish = 'stop', usage: object = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 }): object {
  return { id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'up-model', choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finish }], usage };
}

/** Anthropic SSE frames from event objects. */
export function anthropicStream(events: Array<{ type: string; [k: string]: unknown }>): string[] {
  return events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
}

export function anthropicTextEvents(text: string, model = 'claude-up'): Array<{ type: string; [k: string]: unknown }> {
  return [
    { type: 'message_start', message: { id: 'msg_up', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 12, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 } } },
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    { type: 'ping' },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } },
    { type: 'content_block_stop', index: 0 },
    { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 5 } },
    { type: 'message_stop' },
  ];
}
