/**
 * Everything the CLI reads from its environment, read in this one place. The CLI is its own
 * program: it never loads the server's configuration.
 */
export interface CliEnv {
  server: string | undefined;
  token: string | undefined;
  /** `NO_COLOR` set to anything non-empty turns colours off (https://no-color.org). */
  noColor: boolean;
  /** The whole environment, for `${VAR}` substitution in config files. */
  vars: Readonly<Record<string, string | undefined>>;
}

export function readCliEnv(env: NodeJS.ProcessEnv): CliEnv {
  return {
    server: env.UPTOP_SERVER || undefined,
    token: env.UPTOP_API_TOKEN || undefined,
    noColor: Boolean(env.NO_COLOR),
    vars: Object.freeze({ ...env }),
  };
}
