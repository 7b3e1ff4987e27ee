import { Link } from "wouter";

export function NotFound() {
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        Nothing lives at this address. <Link href="/">Back to the monitors</Link>
      </p>
    </section>
  );
}
