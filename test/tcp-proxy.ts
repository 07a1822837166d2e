// A TCP proxy in front of a real service, to make it fail on cue: cut() ends every connection and
// refuses new ones (the service went away), stall() keeps connections open but drops every byte
// (a half-open network), restore() forwards again. Node built-ins only.
import net from "node:net";

export type TcpProxy = {
  port: number;
  /** Ends every connection through the proxy and refuses new ones until restore(). */
  cut(): void;
  /** Connections stay open (new ones too) but nothing passes either way until restore(). */
  stall(): void;
  restore(): void;
  /** Connections currently open through the proxy. */
  connections(): number;
  close(): Promise<void>;
};

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: "open" | "cut" | "stall" = "open";
  const pairs = new Set<[net.Socket, net.Socket]>();
  const server = net.createServer((client) => {
    if (mode === "cut") {
      client.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const [from, to] of [pair, [upstream, client] as const]) {
      from.on("data", (chunk: Buffer) => {
        if (mode === "open") to.write(chunk);
      });
      from.on("close", end);
      from.on("error", end);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const destroyAll = () => {
    for (const [a, b] of [...pairs]) {
      a.destroy();
      b.destroy();
    }
    pairs.clear();
  };
  return {
    port: (server.address() as net.AddressInfo).port,
    cut() {
      mode = "cut";
      destroyAll();
    },
    stall() {
      mode = "stall";
    },
    restore() {
      mode = "open";
    },
    connections: () => pairs.size,
    close: () =>
      new Promise<void>((resolve) => {
        destroyAll();
        server.close(() => resolve());
      }),
  };
}
