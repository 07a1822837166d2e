import type { TestProject } from "vitest/node";
import { startServer } from "./server-harness";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    databaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  // Every test file signs up fresh users from one address: lift the per-address sign-up limit here
  // (app/api/signup tests the limit itself on a server of its own).
  const server = await startServer({ env: { SIGNUP_LIMIT_PER_10_MIN: "10000" } });
  project.provide("baseUrl", server.baseUrl);
  project.provide("databaseUrl", server.databaseUrl);
  return async () => {
    await server.stop();
  };
}
