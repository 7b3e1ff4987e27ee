/**
 * The UPTOP_* names that .env.example documents — the single list every deploy file is held
 * to, so a typo such as UPTOP_DB_URL cannot sit silently in a manifest.
 */
export function parseEnvExample(text: string): ReadonlySet<string> {
  const names = new Set<string>();
  for (const line of text.split("\n")) {
    const m = /^\s*(UPTOP_[A-Z0-9_]+)\s*=/.exec(line);
    if (m?.[1]) names.add(m[1]);
  }
  return names;
}
