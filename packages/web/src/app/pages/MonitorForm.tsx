// Filled in by the dashboard's page work; this page is only routed so far.
export function MonitorForm({ id }: { id: number | null }) {
  return (
    <section>
      <h1>{id === null ? "New monitor" : "Edit monitor"}</h1>
    </section>
  );
}
