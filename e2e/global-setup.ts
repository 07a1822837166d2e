import { E2E_PORT } from "../playwright.config";
import { startServer } from "../test/server-harness";

/** One production server on a fresh database for the whole run. */
export default async function globalSetup() {
  const server = await startServer({ port: E2E_PORT });
  process.env.E2E_DATABASE_URL = server.databaseUrl;
  return async () => {
    await server.stop();
  };
}
