/**
 * The ceiling of `bench/server.ts`: a bare `node:http` server that answers every request with
 * the bytes and headers of a captured Parley response. Run as its own process:
 * `node --import tsx bench/ceiling.ts <body file> <headers JSON>`; prints its port on stdout.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const [bodyFile, headersJson] = process.argv.slice(2);
if (!bodyFile || !headersJson) {
  console.error('usage: ceiling.ts <body file> <headers JSON>');
  process.exit(2);
}
const body = readFileSync(bodyFile);
const headers = JSON.parse(headersJson) as Record<string, string>;
const server = createServer((request, response) => {
  // Read (and drop) any request body before answering, as a real server would.
  request.resume();
  request.on('end', () => {
    response.writeHead(200, headers);
    response.end(body);
  });
});
server.keepAliveTimeout = 72_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
