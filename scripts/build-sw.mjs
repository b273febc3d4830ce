// Trunk post-build hook: write sw.js (the offline service worker) into the staging dir with the
// exact list of files this build produced, so the first visit precaches the whole app shell,
// wasm and demo data, and a new build (new hashed names) gets a new cache version.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join, relative, sep } from "node:path";

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  console.error("build-sw: TRUNK_STAGING_DIR is not set; run me as a Trunk post_build hook");
  process.exit(2);
}
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name !== "sw.js") files.push(relative(staging, path).split(sep).join("/"));
  }
};
walk(staging);
files.sort();
const hash = createHash("sha256");
for (const f of files) hash.update(f).update(readFileSync(join(staging, f)));
const version = hash.digest("hex").slice(0, 16);
const template = readFileSync(new URL("../app/sw.template.js", import.meta.url), "utf8");
const precache = ["./", ...files.map((f) => `./${f}`)];
writeFileSync(
  join(staging, "sw.js"),
  template
    .replace("__SPUR_VERSION__", version)
    .replace("__SPUR_PRECACHE__", JSON.stringify(precache)),
);
console.error(`build-sw: sw.js precaches ${precache.length} files (version ${version})`);
