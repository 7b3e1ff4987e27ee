import { mintUserToken } from "./user-token.js";

/**
 * Tokens for an interface this process serves itself (a dashboard over SSH talks to the API like
 * any client): minted for a user who has already proven who they are, held in memory only, valid
 * until revoked. The API takes one exactly like that user's own token: the user's current role
 * applies, and a disabled user is refused.
 */
export class SessionTokens {
  private readonly users = new Map<string, number>();

  mint(user: { id: number }): string {
    const token = mintUserToken();
    this.users.set(token, user.id);
    return token;
  }

  revoke(token: string): void {
    this.users.delete(token);
  }

  /** The id of the user a live session token was minted for; undefined when it is not one. */
  userIdOf(token: string): number | undefined {
    return this.users.get(token);
  }

  get size(): number {
    return this.users.size;
  }
}
