export const EXIT = {
  ok: 0,
  /** The server refused, failed or could not be reached. */
  failure: 1,
  /** Bad usage, or a config file or request that does not validate. */
  usage: 2,
} as const;

/** Ends a command with an exit code after its message has been printed. */
export class CliExit extends Error {
  constructor(
    readonly code: number,
    message = "",
  ) {
    super(message);
  }
}
