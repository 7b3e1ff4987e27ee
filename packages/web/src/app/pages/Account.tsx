// Filled in by the dashboard's page work; this page is only routed so far.
export function Account() {
  return (
    <section>
      <h1>Your account</h1>
    </section>
  );
}
