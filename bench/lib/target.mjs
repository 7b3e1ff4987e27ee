#!/usr/bin/env node
// A loopback HTTP target for the benches, run as a child process so its CPU is not charged to
// the process being measured. Prints {"port":N} on stdout; exits when stdin closes. An optional
// first argument delays every answer by that many ms (a slow target, for overload runs).
import http from "node:http";

const body = Buffer.from("ok\n");
const delayMs = Number(process.argv[2] ?? 0);
const answer = (res) => {
  res.writeHead(200, { "content-type": "text/plain", "content-length": body.length });
  res.end(body);
};
const server = http.createServer((_req, res) => (delayMs > 0 ? setTimeout(answer, delayMs, res) : answer(res)));
server.keepAliveTimeout = 0;
server.listen(0, "127.0.0.1", () => process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`));
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
