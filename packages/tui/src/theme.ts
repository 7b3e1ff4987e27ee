export const THEME_NAMES = ["dark", "light", "none"] as const;
export type ThemeName = (typeof THEME_NAMES)[number];

/** Colours by meaning; `undefined` draws in the terminal's own colour (the `none` theme, NO_COLOR). */
export interface Theme {
  name: ThemeName;
  up: string | undefined;
  down: string | undefined;
  warn: string | undefined;
  muted: string | undefined;
  accent: string | undefined;
  paused: string | undefined;
  /** Whether dim text may be used: dim grey is unreadable on some light backgrounds. */
  dim: boolean;
}

const THEMES: Record<ThemeName, Theme> = {
  dark: {
    name: "dark",
    up: "green",
    down: "red",
    warn: "yellow",
    muted: "gray",
    accent: "cyan",
    paused: "blue",
    dim: true,
  },
  light: {
    name: "light",
    up: "#007a00",
    down: "#c00000",
    warn: "#8a6d00",
    muted: "#555555",
    accent: "#0050a0",
    paused: "#5050a0",
    dim: false,
  },
  none: {
    name: "none",
    up: undefined,
    down: undefined,
    warn: undefined,
    muted: undefined,
    accent: undefined,
    paused: undefined,
    dim: false,
  },
};

export function isThemeName(v: unknown): v is ThemeName {
  return typeof v === "string" && (THEME_NAMES as readonly string[]).includes(v);
}

export function themeFor(name: ThemeName): Theme {
  return THEMES[name];
}

/** The theme to start with: the one asked for, else none when NO_COLOR is set, else dark. */
export function pickTheme(asked: ThemeName | undefined, env: { NO_COLOR?: string | undefined }): ThemeName {
  if (asked) return asked;
  return env.NO_COLOR ? "none" : "dark";
}

export function statusColour(theme: Theme, status: string): string | undefined {
  switch (status) {
    case "UP":
      return theme.up;
    case "DOWN":
      return theme.down;
    case "LATE":
    case "PENDING":
      return theme.warn;
    case "PAUSED":
    case "MAINTENANCE":
      return theme.paused;
    default:
      return undefined;
  }
}

export function latencyColour(theme: Theme, ms: number | null | undefined): string | undefined {
  if (ms === null || ms === undefined) return theme.muted;
  return ms < 300 ? theme.up : ms < 1000 ? theme.warn : theme.down;
}
