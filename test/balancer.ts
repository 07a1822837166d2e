// A TCP load balancer for the multi-instance tests: each new connection goes to the first backend in
// the list that accepts it (fail-over, no stickiness), so a killed instance's clients land on another
// one when they reconnect, as they would behind a real load balancer.
import net from "node:net";

export type Balancer = { url: string; close(): Promise<void>; connections(): number[] };

export async function startBalancer(backendPorts: number[]): Promise<Balancer> {
  const counts = backendPorts.map(() => 0);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => client.destroy());
    client.pause();
    const tryBackend = (i: number) => {
      if (i >= backendPorts.length) return client.destroy();
      const upstream = net.connect(backendPorts[i]!, "127.0.0.1");
      let connected = false;
      upstream.once("connect", () => {
        connected = true;
        counts[i]!++;
        sockets.add(upstream);
        upstream.on("close", () => {
          sockets.delete(upstream);
          client.destroy();
        });
        upstream.on("error", () => upstream.destroy());
        client.on("close", () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
      upstream.once("error", () => {
        if (!connected) tryBackend(i + 1);
      });
    };
    tryBackend(0);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => [...counts],
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
