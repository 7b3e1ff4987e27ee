import type { Command } from "commander";
import { clientFor, type CliContext } from "../context.js";
import { CliExit, EXIT } from "../exit-codes.js";
import { resolveRef } from "../resolve-refs.js";
import { textTable } from "../text-table.js";

/** A notification channel as GET /api/channels shows it (secrets masked). */
interface ChannelView {
  id: number;
  name: string;
  type: string;
  settings: Record<string, unknown>;
  default: boolean;
  enabled: boolean;
  reminderInterval: number | null;
}

/** POST /api/channels/:id/test: the provider's verdict. */
interface TestAnswer {
  ok: boolean;
  response: string | null;
  error?: string | null;
  status?: number | null;
  retryable?: boolean | null;
  notificationId: number;
}

function listCommand(group: Command, ctx: CliContext): void {
  group
    .command("list")
    .description("Notification channels: id, name, type, default, enabled")
    .option("--json", "print the channels as JSON (secrets masked, as the API shows them)")
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const channels = (await clientFor(cmd, ctx).getJson<ChannelView[]>("/api/channels")).sort((a, b) =>
        a.name.localeCompare(b.name),
      );
      if (opts.json) {
        ctx.io.out(JSON.stringify(channels, null, 2));
        return;
      }
      if (channels.length === 0) {
        ctx.io.out("no channels yet");
        return;
      }
      const table = textTable(channels, [
        { head: "ID", cell: (c) => String(c.id), align: "right" },
        { head: "NAME", cell: (c) => c.name, flex: true },
        { head: "TYPE", cell: (c) => c.type },
        { head: "DEFAULT", cell: (c) => (c.default ? "yes" : "no") },
        {
          head: "ENABLED",
          cell: (c) => (c.enabled ? "yes" : "no"),
          paint: (c, s) => (c.enabled ? s : ctx.paint.grey(s)),
        },
      ]);
      ctx.io.out(table.join("\n"));
    });
}

function testCommand(group: Command, ctx: CliContext): void {
  group
    .command("test")
    .description("Send a test notification through a channel and print what the provider answered")
    .argument("<channel>", "id or name")
    .option("--json", "print the server's answer as JSON")
    .addHelpText("after", "\nExits 1 when the provider refused the message or could not be reached.")
    .action(async (ref: string, opts: { json?: boolean }, cmd: Command) => {
      const client = clientFor(cmd, ctx);
      const channel = resolveRef(await client.getJson<ChannelView[]>("/api/channels"), ref, "channel");
      const r = await client.postAction<TestAnswer>(`/api/channels/${channel.id}/test`);
      const name = `${channel.name} (#${channel.id}, ${channel.type})`;
      if (opts.json) ctx.io.out(JSON.stringify(r, null, 2));
      else if (r.ok) ctx.io.out(`sent through ${name}${r.response ? `: ${r.response}` : ""}`);
      else {
        const status = r.status ? ` (HTTP ${r.status})` : "";
        ctx.io.err(`failed through ${name}${status}: ${r.error ?? "unknown error"}`);
        if (r.response) ctx.io.err(`provider answered: ${r.response}`);
      }
      if (!r.ok) throw new CliExit(EXIT.failure);
    });
}

export function channelsCommand(program: Command, ctx: CliContext): void {
  const group = program.command("channels").description("List notification channels and send test notifications");
  listCommand(group, ctx);
  testCommand(group, ctx);
}
