import http from "node:http";
import net from "node:net";

export async function freePort() {
  const srv = net.createServer();
  await new Promise((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(() => r()));
  return port;
}

async function listen(server) {
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return server.address().port;
}

function close(server) {
  server.closeAllConnections();
  return new Promise((r) => server.close(() => r()));
}

/** The monitored service: 200 while `up`, 503 otherwise. */
export async function startTarget() {
  const state = { up: true };
  const server = http.createServer((_req, res) => {
    res.writeHead(state.up ? 200 : 503, { "content-type": "text/plain" });
    res.end(state.up ? "ok" : "down");
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}/health`,
    set up(v) {
      state.up = v;
    },
    close: () => close(server),
  };
}

/** The outside world: records every webhook delivery (the JSON body) in arrival order. */
export async function startReceiver() {
  const received = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      try {
        received.push(JSON.parse(body));
      } catch {
        received.push({ unparsed: body });
      }
      res.end("ok");
    });
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    events: (monitor, event) => received.filter((d) => d.monitor?.name === monitor && d.event === event),
    close: () => close(server),
  };
}
