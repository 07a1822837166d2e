// A TCP proxy in front of real services, to make them fail on cue. Each new connection goes to the first
// target that accepts it (fail-over, no stickiness), so with several instances as targets a killed one's
// clients land on the next when they reconnect, as behind a real load balancer. cut() ends every
// connection and refuses new ones (the service went away), stall() keeps connections open but drops
// every byte (a half-open network), restore() forwards again. Node built-ins only.
import net from "node:net";

export type Target = { host: string; port: number };

export type TcpProxy = {
  port: number;
  /** `http://127.0.0.1:<port>`, for HTTP clients. */
  url: string;
  /** Ends every connection through the proxy and refuses new ones until restore(). */
  cut(): void;
  /** Connections stay open (new ones too) but nothing passes either way until restore(). */
  stall(): void;
  restore(): void;
  /** Connections each target has accepted so far, in the targets' order. */
  connections(): number[];
  close(): Promise<void>;
};

export async function startTcpProxy(...targets: Target[]): Promise<TcpProxy> {
  let mode: "open" | "cut" | "stall" = "open";
  const accepted = targets.map(() => 0);
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  };

  const forward = (client: net.Socket, upstream: net.Socket) => {
    track(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
      from.on("data", (chunk: Buffer) => {
        if (mode === "open") to.write(chunk);
      });
      from.on("close", end);
      from.on("error", end);
    }
    if (client.destroyed) end(); // it went away (or was cut) while the target was being reached
    else client.resume();
  };

  const server = net.createServer((client) => {
    if (mode === "cut") {
      client.destroy();
      return;
    }
    track(client);
    client.on("error", () => client.destroy());
    client.pause(); // until a target accepts: what it sends meanwhile waits
    const tryTarget = (i: number) => {
      const target = targets[i];
      if (!target || client.destroyed) return void client.destroy();
      const upstream = net.connect(target.port, target.host);
      const next = () => tryTarget(i + 1);
      upstream.once("error", next);
      upstream.once("connect", () => {
        upstream.off("error", next);
        accepted[i]!++;
        forward(client, upstream);
      });
    };
    tryTarget(0);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  const destroyAll = () => {
    for (const s of [...sockets]) s.destroy();
  };
  return {
    port,
    url: `http://127.0.0.1:${port}`,
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
    connections: () => [...accepted],
    close: () =>
      new Promise<void>((resolve) => {
        destroyAll();
        server.close(() => resolve());
      }),
  };
}
