// Filled in by the dashboard's page work; this page is only routed so far.
export function Users() {
  return (
    <section>
      <h1>Users</h1>
    </section>
  );
}
