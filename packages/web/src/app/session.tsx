import type { Role } from "@uptop/core";
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { api, get, setCsrfToken, setUnauthorizedHandler } from "./api";

export interface SessionUser {
  id: number;
  name: string;
  role: Role;
}

interface SessionAnswer {
  user: SessionUser;
  csrfToken: string;
}

export interface Session {
  /** undefined while the first check runs; null when nobody is signed in. */
  user: SessionUser | null | undefined;
  signIn(name: string, password: string): Promise<void>;
  /** A new installation's first admin, made with the admin API token, then signed in. */
  setUp(apiToken: string, name: string, password: string): Promise<void>;
  signOut(): Promise<void>;
  /** Whether the signed-in user's role reaches `need` (viewer < editor < admin). */
  can(need: Role): boolean;
}

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<SessionUser | null | undefined>(undefined);

  const accept = useCallback((answer: SessionAnswer | null) => {
    setCsrfToken(answer?.csrfToken ?? null);
    setUser(answer?.user ?? null);
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => accept(null));
    // Any failure (401, a network error) shows the sign-in form.
    get<SessionAnswer>("/api/auth/session").then(accept, () => accept(null));
    return () => setUnauthorizedHandler(null);
  }, [accept]);

  const value = useMemo<Session>(
    () => ({
      user,
      async signIn(name, password) {
        accept(await api<SessionAnswer>("POST", "/api/auth/login", { name, password }));
      },
      async setUp(apiToken, name, password) {
        const auth = { Authorization: `Bearer ${apiToken}` };
        accept(await api<SessionAnswer>("POST", "/api/auth/setup", { name, password }, auth));
      },
      async signOut() {
        try {
          await api<void>("POST", "/api/auth/logout", {});
        } finally {
          accept(null);
        }
      },
      can: (need) => (user ? RANK[user.role] >= RANK[need] : false),
    }),
    [user, accept],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error("useSession outside SessionProvider");
  return s;
}
