// The tree's websocket: delivers events, reconnects with backoff after a drop, and tells the
// caller when it came back so the tree can be reloaded (events sent while away are lost).

export type SocketStatus = "connecting" | "live" | "offline";

export interface SocketHandlers {
  onMessage: (message: { type: string; [key: string]: unknown }) => void;
  onStatus: (status: SocketStatus) => void;
  onReconnect: () => void;
}

export function connectTreeSocket(treeId: number, handlers: SocketHandlers): () => void {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  const url = `${scheme}://${window.location.host}/ws/trees/${treeId}/`;
  let socket: WebSocket | null = null;
  let attempt = 0;
  let opened = false;
  let closed = false;
  let retry: number | undefined;
  let ping: number | undefined;

  const open = () => {
    handlers.onStatus("connecting");
    socket = new WebSocket(url);
    socket.onopen = () => {
      attempt = 0;
      handlers.onStatus("live");
      if (opened) handlers.onReconnect();
      opened = true;
      ping = window.setInterval(() => socket?.send(JSON.stringify({ type: "ping" })), 25_000);
    };
    socket.onmessage = (message) => {
      try {
        handlers.onMessage(JSON.parse(String(message.data)));
      } catch {
        // A malformed frame is dropped; the next resync repairs any gap.
      }
    };
    socket.onclose = (event) => {
      window.clearInterval(ping);
      if (closed) return;
      handlers.onStatus("offline");
      if (event.code === 4403) return; // not a member: retrying will not help
      const delay = Math.min(8000, 500 * 2 ** attempt++);
      retry = window.setTimeout(open, delay);
    };
  };
  open();
  return () => {
    closed = true;
    window.clearTimeout(retry);
    window.clearInterval(ping);
    socket?.close();
  };
}
