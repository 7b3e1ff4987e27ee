import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { generate } from "selfsigned";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";

export interface ReceivedMail {
  from: string | undefined;
  to: string[];
  /** Whether the session was encrypted (implicit TLS or after STARTTLS). */
  secure: boolean;
  user: string | undefined;
  parsed: ParsedMail;
}

export interface SmtpFake {
  port: number;
  received: ReceivedMail[];
  /** The TLS server names clients asked for (SNI), in order. */
  servernames: string[];
  close(): Promise<void>;
}

let pems: { key: string; cert: string } | undefined;

/** One self-signed certificate for every server in a test file: generating keys is slow. */
async function certificate(): Promise<{ key: string; cert: string }> {
  if (!pems) {
    const generated = await generate([{ name: "commonName", value: "localhost" }], { keySize: 2048 });
    pems = { key: generated.private, cert: generated.cert };
  }
  return pems;
}

export interface SmtpFakeOptions {
  secure?: boolean;
  /** Offer no STARTTLS: a plain-text server, as some internal relays are. */
  plain?: boolean;
  /** When set, AUTH is required and only these credentials pass. */
  credentials?: { user: string; password: string };
  /** Reply to DATA with this SMTP failure instead of accepting. */
  rejectData?: { code: number; message: string };
}

/** A real SMTP server on loopback with a self-signed certificate, recording what it accepts. */
export async function startSmtpFake(options: SmtpFakeOptions = {}): Promise<SmtpFake> {
  const { key, cert } = await certificate();
  const received: ReceivedMail[] = [];
  const servernames: string[] = [];
  const serverOptions: SMTPServerOptions = {
    secure: options.secure ?? false,
    key,
    cert,
    logger: false,
    // Records the name and answers with the default certificate.
    SNICallback(servername, callback) {
      servernames.push(servername);
      callback(null, undefined);
    },
    ...(options.plain ? { disabledCommands: ["STARTTLS"] } : {}),
    authOptional: !options.credentials,
    onAuth(auth, _session, callback) {
      const ok =
        options.credentials &&
        auth.username === options.credentials.user &&
        auth.password === options.credentials.password;
      if (!ok) return callback(new Error("Invalid username or password"));
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        if (options.rejectData) {
          const err = Object.assign(new Error(options.rejectData.message), { responseCode: options.rejectData.code });
          return callback(err);
        }
        simpleParser(Buffer.concat(chunks)).then((parsed) => {
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
            to: session.envelope.rcptTo.map((r) => r.address),
            secure: session.secure,
            user: typeof session.user === "string" ? session.user : undefined,
            parsed,
          });
          callback();
        }, callback);
      });
    },
  };
  const server = new SMTPServer(serverOptions);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return { port, received, servernames, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
