import type { IncomingHttpHeaders } from 'node:http';
import type { UpstreamClient, UpstreamRequest } from './client.js';

export interface Collected {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Sends a request and buffers the whole (small) answer; for count_tokens and probes. */
export function collect(client: UpstreamClient, req: UpstreamRequest, signal?: AbortSignal): Promise<Collected> {
  return new Promise((resolve, reject) => {
    let status = 0;
    let headers: IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    const call = client.send(req, {
      onResponse(s, h) {
        status = s;
        headers = h;
      },
      onData(c) {
        chunks.push(c);
      },
      onEnd() {
        resolve({ status, headers, body: Buffer.concat(chunks) });
      },
      onError: reject,
    });
    signal?.addEventListener('abort', () => call.abort(new Error('client disconnected')), { once: true });
  });
}
