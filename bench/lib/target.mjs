#!/usr/bin/env node
// A loopback HTTP target for the benches, run as a child process so its CPU is not charged to
// the process being measured. Prints {"port":N} on stdout; exits when stdin closes.
import http from "node:http";

const body = Buffer.from("ok\n");
const server = http.createServer((_req, res) => {
  res.writeHead(200, { "content-type": "text/plain", "content-length": body.length });
  res.end(body);
});
server.keepAliveTimeout = 0;
server.listen(0, "127.0.0.1", () => process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`));
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
