// Filled in by the dashboard's page work; this page is only routed so far.
export function Channels() {
  return (
    <section>
      <h1>Channels</h1>
    </section>
  );
}
