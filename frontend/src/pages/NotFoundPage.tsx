import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <section className="page" aria-labelledby="page-title">
      <h1 id="page-title">Page not found</h1>
      <p>
        There is nothing at this address. <Link to="/">Back to Apps</Link>
      </p>
    </section>
  );
}
