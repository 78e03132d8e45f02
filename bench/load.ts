/**
 * A small HTTP/1.1 load generator for `bench/server.ts`: keep-alive connections over raw TCP
 * sockets, one request in flight per connection, requests prepared as bytes ahead of time.
 * Much cheaper per request than `fetch` or `node:http`'s client, so that on a 2-core machine the
 * client leaves as much of the CPU to the server as it can. It understands responses framed by
 * `content-length` and chunked responses, which covers Fastify and `node:http`.
 */
import { connect, type Socket } from 'node:net';

export interface Response {
  status: number;
  body: Buffer;
}

/** What one connection sends: the next request's bytes, and what to do with each answer. */
export interface Client {
  next(): Buffer;
  /** Whether the answer counts as a success (default: status 2xx). */
  onResponse?(response: Response): boolean;
}

export interface LoadResult {
  /** Requests answered before the deadline (the rate is these over the duration). */
  requests: number;
  errors: number;
  /** The duration asked for: answers still arriving after it count for latency and errors, not the rate. */
  seconds: number;
  /** Latencies of every completed request, in milliseconds. */
  latencies: Float64Array;
}

/** Builds the bytes of one request. */
export function request(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string | Buffer,
): Buffer {
  const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body);
  const lines = [`${method} ${path} HTTP/1.1`, 'host: 127.0.0.1', 'connection: keep-alive'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (payload) lines.push(`content-length: ${payload.length}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`);
  return payload ? Buffer.concat([head, payload]) : head;
}

const HEADER_END = Buffer.from('\r\n\r\n');

/** Incremental parser of the responses on one connection. */
class ResponseReader {
  private buffer: Buffer = Buffer.alloc(0);

  /** Feeds bytes; returns a complete response when one has arrived (one request in flight at a time). */
  push(chunk: Buffer): Response | 'incomplete' {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const end = this.buffer.indexOf(HEADER_END);
    if (end < 0) return 'incomplete';
    const head = this.buffer.toString('latin1', 0, end);
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    const start = end + 4;
    if (length) {
      const total = start + Number(length[1]);
      if (this.buffer.length < total) return 'incomplete';
      const body = this.buffer.subarray(start, total);
      this.buffer = this.buffer.subarray(total);
      return { status, body };
    }
    if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
      const parts: Buffer[] = [];
      let position = start;
      while (true) {
        const lineEnd = this.buffer.indexOf('\r\n', position);
        if (lineEnd < 0) return 'incomplete';
        const size = parseInt(this.buffer.toString('latin1', position, lineEnd), 16);
        if (Number.isNaN(size)) throw new Error('malformed chunked response');
        const dataEnd = lineEnd + 2 + size;
        if (this.buffer.length < dataEnd + 2) return 'incomplete';
        if (size === 0) {
          this.buffer = this.buffer.subarray(dataEnd + 2);
          return { status, body: Buffer.concat(parts) };
        }
        parts.push(this.buffer.subarray(lineEnd + 2, dataEnd));
        position = dataEnd + 2;
      }
    }
    // No body (e.g. 204).
    this.buffer = this.buffer.subarray(start);
    return { status, body: Buffer.alloc(0) };
  }
}

/**
 * Runs the clients against 127.0.0.1:port for the given time, each on its own keep-alive
 * connection with one request in flight, and measures every request.
 */
export async function runLoad(port: number, clients: Client[], durationMs: number): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + durationMs;
  let finished = 0;
  let inWindow = 0;
  await new Promise<void>((resolve, reject) => {
    const sockets: Socket[] = [];
    const done = () => {
      finished++;
      if (finished === clients.length) resolve();
    };
    clients.forEach((client, index) => {
      const socket = connect({ host: '127.0.0.1', port, noDelay: true });
      sockets[index] = socket;
      const reader = new ResponseReader();
      let sentAt = 0;
      let closed = false;
      const send = () => {
        if (performance.now() >= deadline) {
          closed = true;
          socket.end();
          done();
          return;
        }
        sentAt = performance.now();
        socket.write(client.next());
      };
      socket.on('connect', send);
      socket.on('data', (chunk: Buffer) => {
        let response: Response | 'incomplete';
        try {
          response = reader.push(chunk);
        } catch (error) {
          reject(error as Error);
          return;
        }
        if (response === 'incomplete') return;
        const now = performance.now();
        latencies.push(now - sentAt);
        if (now <= deadline) inWindow++;
        const ok = client.onResponse ? client.onResponse(response) : response.status >= 200 && response.status < 300;
        if (!ok) errors++;
        send();
      });
      socket.on('error', (error) => {
        if (closed) return;
        closed = true;
        errors++;
        reject(error);
      });
      socket.on('close', () => {
        if (!closed) {
          closed = true;
          errors++;
          done();
        }
      });
    });
  });
  return {
    requests: inWindow,
    errors,
    seconds: durationMs / 1000,
    latencies: Float64Array.from(latencies),
  };
}

/** The q-quantile (0..1) of sorted values. */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
