/** A monitor's status as a coloured word: never colour alone, so it reads in any theme and to a screen reader. */
export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge s-${status}`}>{status.toLowerCase()}</span>;
}
