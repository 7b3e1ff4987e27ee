// Filled in by the dashboard's page work; this page is only routed so far.
export function StatusPageSettings() {
  return (
    <section>
      <h1>Status page</h1>
    </section>
  );
}
