// Filled in by the dashboard's page work; this page is only routed so far.
export function Maintenance() {
  return (
    <section>
      <h1>Maintenance and incidents</h1>
    </section>
  );
}
