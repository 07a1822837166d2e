// Runs once when the server starts (Node runtime): background work that must not wait for a request.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // Create the realtime hub now: server.ts's WebSocket adapter borrows it from the process registry.
  await import("./lib/realtime");
  const { startScheduler } = await import("./lib/announcements/scheduler");
  startScheduler();
}
