#!/usr/bin/env node
import { createInterface } from "node:readline/promises";
import { readCliEnv } from "./cli-env.js";
import { runCli } from "./program.js";

const code = await runCli(process.argv.slice(2), readCliEnv(process.env), {
  out: (s) => process.stdout.write(`${s}\n`),
  err: (s) => process.stderr.write(`${s}\n`),
  isTty: process.stdout.isTTY === true,
  rows: process.stdout.isTTY ? process.stdout.rows : undefined,
  stdinIsTty: process.stdin.isTTY === true,
  async ask(question) {
    // The question goes to standard error so standard output stays the command's answer.
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return await rl.question(question);
    } finally {
      rl.close();
    }
  },
  terminal: process.stdin.isTTY && process.stdout.isTTY ? { stdin: process.stdin, stdout: process.stdout } : undefined,
});
process.exitCode = code;
