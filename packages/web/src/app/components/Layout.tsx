import type { ReactNode } from "react";
import { Link, useLocation } from "wouter";
import { useSession } from "../session";
import { type ThemeChoice, useTheme } from "../theme";

const NAV: Array<{ href: string; label: string; admin?: boolean }> = [
  { href: "/", label: "Monitors" },
  { href: "/maintenance", label: "Maintenance" },
  { href: "/channels", label: "Channels" },
  { href: "/nodes", label: "Nodes" },
  { href: "/status-page", label: "Status page" },
  { href: "/users", label: "Users", admin: true },
];

function isCurrent(location: string, href: string): boolean {
  return href === "/" ? location === "/" || location.startsWith("/monitors") : location.startsWith(href);
}

export function Layout({ children }: { children: ReactNode }) {
  const { user, signOut, can } = useSession();
  const [location] = useLocation();
  const [theme, setTheme] = useTheme();
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link href="/" className="brand">
          uptop
        </Link>
        <nav aria-label="Main">
          <ul>
            {NAV.filter((n) => !n.admin || can("admin")).map((n) => (
              <li key={n.href}>
                <Link href={n.href} aria-current={isCurrent(location, n.href) ? "page" : undefined}>
                  {n.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <label className="theme">
            <span className="sr-only">Theme</span>
            <select value={theme} onChange={(e) => setTheme(e.target.value as ThemeChoice)}>
              <option value="system">System theme</option>
              <option value="light">Light</option>
              <option value="dark">Dark</option>
            </select>
          </label>
          <Link href="/account">
            <span className="sr-only">Account: </span>
            {user?.name} <span className="role">{user?.role}</span>
          </Link>
          <button type="button" className="link" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main">{children}</main>
    </>
  );
}
