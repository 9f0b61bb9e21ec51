// cargo leptos end-to-end starts the server and the tests at the same time:
// wait until the server answers before any test runs.
export default async function globalSetup() {
  const url = (process.env.SIHATI_E2E_URL ?? 'http://127.0.0.1:3000') + '/health/ready';
  const deadline = Date.now() + 180_000;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = String(e);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`server not ready at ${url}: ${last}`);
}
