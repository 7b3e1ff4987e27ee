// Container health probe: GET /api/health on this container's own port with node itself, so
// the runtime image needs no curl or wget. Exit 0 on 200, 1 otherwise (Docker HEALTHCHECK
// and ci-check.sh both read the exit code). Usage: node healthcheck.mjs [port]
import http from "node:http";
import https from "node:https";

const port = Number(process.argv[2] ?? process.env.UPTOP_HTTP_PORT ?? 8080);
// With UPTOP_TLS_CERT the app serves HTTPS only; its certificate names the public host, not
// 127.0.0.1, so verification is skipped for this loopback-only request.
const tls = Boolean(process.env.UPTOP_TLS_CERT);
const client = tls ? https : http;

const req = client.get(
  { host: "127.0.0.1", port, path: "/api/health", timeout: 4000, rejectUnauthorized: false },
  (res) => {
    res.resume();
    process.exit(res.statusCode === 200 ? 0 : 1);
  },
);
req.on("timeout", () => req.destroy(new Error("timeout")));
req.on("error", () => process.exit(1));
