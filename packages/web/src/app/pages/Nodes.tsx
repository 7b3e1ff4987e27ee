// Filled in by the dashboard's page work; this page is only routed so far.
export function Nodes() {
  return (
    <section>
      <h1>Nodes and regions</h1>
    </section>
  );
}
