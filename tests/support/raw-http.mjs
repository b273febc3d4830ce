// One HTTP/1.1 exchange over a raw socket to 127.0.0.1, for what fetch will not send: a bogus
// Content-Length, a chunked body of a chosen size. Bounded: the socket closes after `timeoutMs`.
import { connect } from "node:net";

/**
 * Send `head` (request line + headers, CRLF-separated, without the blank line) and then the
 * `chunks` (Buffers or strings; chunked encoding when `chunked`). Resolves to
 * { status, headers, body } of the response (or { status: 0 } when the peer closed first).
 */
export function rawRequest(url, head, chunks = [], { chunked = false, timeoutMs = 10_000 } = {}) {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port: Number(port) });
    const received = [];
    const timer = setTimeout(() => { socket.destroy(); reject(new Error("raw request timed out")); }, timeoutMs);
    socket.on("data", (d) => received.push(d));
    socket.on("error", () => {}); // the server may close while we still write: judged by the reply
    socket.on("close", () => {
      clearTimeout(timer);
      const text = Buffer.concat(received).toString("latin1");
      const m = /^HTTP\/1\.1 (\d{3})[^\r]*\r\n([\s\S]*?)\r\n\r\n([\s\S]*)$/.exec(text);
      if (!m) return resolve({ status: 0, headers: {}, body: text });
      const headers = Object.fromEntries(m[2].split("\r\n").map((l) => {
        const i = l.indexOf(":");
        return [l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim()];
      }));
      let body = m[3];
      if (/chunked/i.test(headers["transfer-encoding"] ?? "")) {
        let out = "", rest = body;
        for (;;) {
          const nl = rest.indexOf("\r\n");
          const size = parseInt(rest.slice(0, nl), 16);
          if (!size) break;
          out += rest.slice(nl + 2, nl + 2 + size);
          rest = rest.slice(nl + 2 + size + 2);
        }
        body = out;
      }
      resolve({ status: Number(m[1]), headers, body: Buffer.from(body, "latin1").toString("utf8") });
    });
    socket.write(`${head}\r\nHost: 127.0.0.1\r\nConnection: close\r\n${chunked ? "Transfer-Encoding: chunked\r\n" : ""}\r\n`);
    for (const c of chunks) {
      const b = Buffer.from(c);
      if (chunked) socket.write(`${b.length.toString(16)}\r\n`);
      socket.write(b);
      if (chunked) socket.write("\r\n");
    }
    if (chunked) socket.write("0\r\n\r\n");
  });
}
