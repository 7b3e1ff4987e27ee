import nodemailer, { type Transporter } from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport/index.js";
import { ipLiteral } from "@uptop/ssrf-guard";
import { z } from "zod";
import { truncateAnswer } from "../answer-text.js";
import { defineProvider } from "../define-provider.js";
import { DeliveryError } from "../delivery-error.js";
import { formatText } from "../format-text.js";
import { vetReceiver } from "../receiver-guard.js";
import { intInRange, optionalString, requiredString } from "../settings-fields.js";

const ADDRESS = /^[^\s@<>,;]+@[^\s@<>,;]+\.[^\s@<>,;]+$/;
/** `alerts@example.com` or `uptop <alerts@example.com>`. */
const MAILBOX = /^(?:[^<>\r\n]*<[^\s@<>,;]+@[^\s@<>,;]+>|[^\s@<>,;]+@[^\s@<>,;]+)$/;

const recipients = z
  .union([z.string(), z.array(z.string())], {
    error: (i) => (i.input === undefined ? "is required" : "must be a list of e-mail addresses"),
  })
  // A comma-separated string is accepted because that is how people paste a distribution list.
  .transform((v) => (Array.isArray(v) ? v : v.split(/[,;]/)).map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(ADDRESS, "is not an e-mail address")).min(1, "is required").max(50));

export const emailSettingsSchema = z
  .strictObject({
    host: requiredString(253),
    /** Defaults to 465 with `secure`, else 587. */
    port: intInRange(1, 65_535).optional(),
    /** Implicit TLS from the first byte (port 465); otherwise STARTTLS is used when offered. */
    secure: z.boolean().default(false),
    /** Refuse to send if the server does not offer STARTTLS. */
    requireTls: z.boolean().default(false),
    /** Accept self-signed or otherwise unverifiable certificates (test and internal servers). */
    ignoreTls: z.boolean().default(false),
    user: optionalString(500),
    password: optionalString(1000),
    from: requiredString(500).regex(MAILBOX, "must be an address such as uptop <alerts@example.com>"),
    to: recipients,
    subjectPrefix: optionalString(100),
  })
  .superRefine((s, ctx) => {
    if (s.user && !s.password)
      ctx.addIssue({ code: "custom", path: ["password"], message: "is required when user is set" });
    if (s.password && !s.user)
      ctx.addIssue({ code: "custom", path: ["user"], message: "is required when password is set" });
  });
export type EmailSettings = z.infer<typeof emailSettingsSchema>;

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function html(title: string, body: string): string {
  return [
    `<!doctype html><html><body style="font-family:sans-serif">`,
    `<h2>${escapeHtml(title)}</h2>`,
    `<pre style="font-family:inherit;white-space:pre-wrap">${escapeHtml(body)}</pre>`,
    `<p style="color:#888;font-size:12px">Sent by uptop</p>`,
    `</body></html>`,
  ].join("\n");
}

interface SmtpFailure {
  code?: string;
  /** The socket's own code when nodemailer wraps it as ESOCKET, e.g. a TLS verification failure. */
  originalCode?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

/** Node's codes for a certificate we refused to trust: a settings problem, not a passing one. */
function isCertificateFailure(code: string | undefined): boolean {
  return !!code && (/CERT|SIGNATURE|ISSUER/.test(code) || code === "ERR_TLS_CERT_ALTNAME_INVALID");
}

/**
 * SMTP's own retry rule: 4xx replies are temporary, 5xx permanent. Bad credentials and a
 * certificate we refuse to trust are settings problems that no retry will fix.
 */
function toDeliveryError(err: unknown, where: string): DeliveryError {
  const e = (err ?? {}) as SmtpFailure;
  const response = e.response ? truncateAnswer(e.response) : undefined;
  const detail = response ?? e.message ?? String(err);
  let retryable = true;
  if (e.responseCode !== undefined) retryable = e.responseCode < 500;
  else if (e.code === "EAUTH" || e.code === "ETLS" || e.code === "EENVELOPE" || e.code === "EMESSAGE")
    retryable = false;
  else if (isCertificateFailure(e.originalCode)) retryable = false;
  return new DeliveryError(`email (${where}): ${truncateAnswer(detail)}`, {
    retryable,
    ...(e.responseCode !== undefined ? { status: e.responseCode } : {}),
    ...(response !== undefined ? { response } : {}),
  });
}

function smtpOptions(settings: EmailSettings, port: number, address: string, timeoutMs: number): SMTPTransport.Options {
  return {
    host: address,
    port,
    secure: settings.secure,
    requireTLS: settings.requireTls,
    ...(settings.user && settings.password ? { auth: { user: settings.user, pass: settings.password } } : {}),
    tls: {
      rejectUnauthorized: !settings.ignoreTls,
      // SNI and the certificate check use the configured name, not the address dialled.
      ...(ipLiteral(settings.host) ? {} : { servername: settings.host }),
    },
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  };
}

export const emailProvider = defineProvider<EmailSettings>({
  type: "email",
  settingsSchema: emailSettingsSchema,
  secretFields: ["password"],
  async deliver(message, settings, ctx) {
    const port = settings.port ?? (settings.secure ? 465 : 587);
    const where = `${settings.host}:${port}`;
    const { title, body } = formatText(message);
    const subject = settings.subjectPrefix ? `${settings.subjectPrefix} ${title}` : title;

    // nodemailer's timeouts are per phase; the dispatcher's deadline is for the whole send.
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new DeliveryError(`email (${where}): no answer within ${ctx.timeoutMs} ms`, { retryable: true })),
        ctx.timeoutMs,
      );
      onAbort = () => reject(new DeliveryError(`email (${where}): send aborted`, { retryable: true }));
      ctx.signal?.addEventListener("abort", onAbort, { once: true });
    });
    let transport: Transporter<SMTPTransport.SentMessageInfo> | undefined;
    try {
      if (ctx.signal?.aborted) throw new DeliveryError(`email (${where}): send aborted`, { retryable: true });
      // The SMTP host passes the same guard as HTTP receivers; nodemailer then dials the vetted
      // address and checks the certificate against the name the user gave.
      const address = await Promise.race([vetReceiver(`email (${where})`, settings.host, ctx), deadline]);
      transport = nodemailer.createTransport(smtpOptions(settings, port, address.address, ctx.timeoutMs));
      const sending = transport.sendMail({
        from: settings.from,
        to: settings.to,
        subject,
        text: body,
        html: html(title, body),
      });
      sending.catch(() => undefined); // settled by the race below; keep a late failure from going unhandled
      const info = await Promise.race([sending, deadline]);
      const rejected = info.rejected.length ? ` (rejected: ${info.rejected.map(String).join(", ")})` : "";
      return { response: truncateAnswer(`${info.response}${rejected}`) };
    } catch (err) {
      throw err instanceof DeliveryError ? err : toDeliveryError(err, where);
    } finally {
      clearTimeout(timer);
      if (onAbort) ctx.signal?.removeEventListener("abort", onAbort);
      transport?.close();
    }
  },
});
