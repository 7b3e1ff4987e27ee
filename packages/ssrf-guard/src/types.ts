export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to addresses; the default is the system resolver (getaddrinfo). */
export type LookupFn = (hostname: string) => Promise<ResolvedAddress[]>;
