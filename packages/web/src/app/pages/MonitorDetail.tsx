// Filled in by the dashboard's page work; this page is only routed so far.
export function MonitorDetail({ id }: { id: number }) {
  return (
    <section>
      <h1>Monitor {id}</h1>
    </section>
  );
}
