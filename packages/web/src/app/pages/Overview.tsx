// Filled in by the dashboard's page work; this page is only routed so far.
export function Overview() {
  return (
    <section>
      <h1>Monitors</h1>
    </section>
  );
}
