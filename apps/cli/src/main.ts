#!/usr/bin/env node
import { readCliEnv } from "./cli-env.js";
import { runCli } from "./program.js";

const code = await runCli(process.argv.slice(2), readCliEnv(process.env), {
  out: (s) => process.stdout.write(`${s}\n`),
  err: (s) => process.stderr.write(`${s}\n`),
  isTty: process.stdout.isTTY === true,
  rows: process.stdout.isTTY ? process.stdout.rows : undefined,
  terminal: process.stdin.isTTY && process.stdout.isTTY ? { stdin: process.stdin, stdout: process.stdout } : undefined,
});
process.exitCode = code;
