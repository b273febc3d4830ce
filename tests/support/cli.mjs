// The `spur` CLI for browser tests that check the browser against it (same numbers, same bytes).
// $SPUR_BIN if set; else this checkout's debug build — a no-op `cargo build` after the native
// test suite has built it, where a release build (LTO) would cost minutes on the CI machine.
import { execFileSync } from "node:child_process";
import { join } from "node:path";

const ROOT = new URL("../../", import.meta.url).pathname;
let path;

export function spurBinary() {
  if (process.env.SPUR_BIN) return process.env.SPUR_BIN;
  if (!path) {
    execFileSync("cargo", ["build", "--quiet", "-p", "spur"], { cwd: ROOT, stdio: "inherit" });
    path = join(process.env.CARGO_TARGET_DIR ?? join(ROOT, "target"), "debug", "spur");
  }
  return path;
}

/** Run `spur ARGS…` and return its stdout (throws with stderr on a non-zero exit). */
export const spur = (...args) => execFileSync(spurBinary(), args, { encoding: "utf8", maxBuffer: 256 << 20 });
