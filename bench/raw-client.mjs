// A minimal HTTP/1.1 keep-alive client over one raw socket, for latency benchmarks: Node's
// http.Agent adds about 0.1 ms per request of its own (header objects, events), which is most
// of the difference between it and `wrk`. One request in flight per connection; responses are
// read by Content-Length (or chunked encoding) without building header objects.
import { connect } from "node:net";

export class RawConnection {
  /** Resolves once connected to 127.0.0.1:`port`. */
  static open(port) {
    return new Promise((ok, fail) => {
      const c = new RawConnection(connect({ host: "127.0.0.1", port, noDelay: true }));
      c.socket.once("connect", () => ok(c));
      c.socket.once("error", fail);
    });
  }

  constructor(socket) {
    this.socket = socket;
    this.buf = Buffer.alloc(0);
    this.pending = null;
    socket.on("data", (d) => { this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d; this.parse(); });
    socket.on("error", (e) => this.pending?.fail(e));
    socket.on("close", () => this.pending?.fail(new Error("connection closed")));
  }

  /** Send `method path` with `body`; resolves to { status, body } (body a Buffer). */
  send(method, path, body = "", headers = "") {
    const b = Buffer.from(body);
    return new Promise((ok, fail) => {
      this.pending = { ok, fail };
      this.socket.write(`${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${b.length}\r\n${headers}\r\n`);
      if (b.length) this.socket.write(b);
    });
  }

  parse() {
    const end = this.buf.indexOf("\r\n\r\n");
    if (end < 0 || !this.pending) return;
    const head = this.buf.subarray(0, end).toString("latin1");
    const status = Number(head.slice(9, 12));
    const cl = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    let body, rest;
    if (cl) {
      const n = Number(cl[1]);
      if (this.buf.length < end + 4 + n) return;
      body = this.buf.subarray(end + 4, end + 4 + n);
      rest = this.buf.subarray(end + 4 + n);
    } else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
      const parts = [];
      let at = end + 4;
      for (;;) {
        const nl = this.buf.indexOf("\r\n", at);
        if (nl < 0) return;
        const size = parseInt(this.buf.subarray(at, nl).toString("latin1"), 16);
        if (this.buf.length < nl + 2 + size + 2) return;
        if (size === 0) { at = nl + 4; break; }
        parts.push(this.buf.subarray(nl + 2, nl + 2 + size));
        at = nl + 2 + size + 2;
      }
      body = Buffer.concat(parts);
      rest = this.buf.subarray(at);
    } else {
      body = Buffer.alloc(0);
      rest = this.buf.subarray(end + 4);
    }
    this.buf = rest;
    const { ok } = this.pending;
    this.pending = null;
    ok({ status, body });
  }

  close() { this.socket.destroy(); }
}
