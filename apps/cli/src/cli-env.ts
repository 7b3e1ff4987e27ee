/**
 * Everything the CLI reads from its environment, read in this one place. The CLI is its own
 * program: it never loads the server's configuration.
 */
export interface CliEnv {
  server: string | undefined;
  token: string | undefined;
  /** `NO_COLOR` set to anything non-empty turns colours off (https://no-color.org). */
  noColor: boolean;
  /** `FORCE_COLOR` (anything but empty or "0") colours output that is not a terminal. */
  forceColor: boolean;
  /** `LINES`: the screen's height in rows, when the terminal's own is unknown or to override it. */
  lines: number | undefined;
  /** The whole environment, for `${VAR}` substitution in config files. */
  vars: Readonly<Record<string, string | undefined>>;
}

export function readCliEnv(env: NodeJS.ProcessEnv): CliEnv {
  return {
    server: env.UPTOP_SERVER || undefined,
    token: env.UPTOP_API_TOKEN || undefined,
    noColor: Boolean(env.NO_COLOR),
    forceColor: Boolean(env.FORCE_COLOR) && env.FORCE_COLOR !== "0",
    lines: /^\d+$/.test(env.LINES ?? "") && Number(env.LINES) > 0 ? Number(env.LINES) : undefined,
    vars: Object.freeze({ ...env }),
  };
}
