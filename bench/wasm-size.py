#!/usr/bin/env python3
"""Where a wasm binary's code bytes go (issue 15: the UI thread's first paint).

Reads the code and `name` sections of an *unoptimised* build (wasm-opt drops the names) and
sums function body sizes by what they serve: serde (any function whose name mentions serde:
the (de)serialisers of the worker protocol), the Leptos view layer, std, spur-core, the app.

    cargo build --release --target wasm32-unknown-unknown -p spur-app --bin spur-app
    python3 bench/wasm-size.py target/wasm32-unknown-unknown/release/spur-app.wasm [PATTERN]

PATTERN lists the largest functions whose mangled name contains it.
"""
import collections
import re
import sys


def leb(b, i):
    r = s = 0
    while True:
        x = b[i]
        i += 1
        r |= (x & 0x7F) << s
        s += 7
        if x < 0x80:
            return r, i


def functions(data):
    """(size, mangled name) of every function body."""
    if data[:4] != b"\0asm":
        sys.exit("wasm-size: not a wasm binary")
    i, imported, bodies, names = 8, 0, [], {}
    while i < len(data):
        sid = data[i]
        size, i = leb(data, i + 1)
        j, end = i, i + size
        if sid == 2:  # imports: function indices start after the imported functions
            n, j = leb(data, j)
            for _ in range(n):
                for _ in range(2):
                    length, j = leb(data, j)
                    j += length
                kind = data[j]
                j += 1
                if kind == 0:
                    _, j = leb(data, j)
                    imported += 1
                elif kind in (1, 2):
                    j += 1 if kind == 1 else 0
                    flags = data[j]
                    _, j = leb(data, j + 1)
                    if flags & 1:
                        _, j = leb(data, j)
                elif kind == 3:
                    j += 2
                else:
                    _, j = leb(data, j)
        elif sid == 10:
            n, j = leb(data, j)
            for _ in range(n):
                length, k = leb(data, j)
                bodies.append(length + k - j)
                j = k + length
        elif sid == 0:
            length, j = leb(data, j)
            if data[j : j + length] == b"name":
                j += length
                while j < end:
                    sub = data[j]
                    sz, j = leb(data, j + 1)
                    if sub == 1:
                        n, k = leb(data, j)
                        for _ in range(n):
                            idx, k = leb(data, k)
                            length, k = leb(data, k)
                            names[idx] = data[k : k + length].decode("utf8", "replace")
                            k += length
                    j += sz
        i = end
    return [(size, names.get(imported + n, "?")) for n, size in enumerate(bodies)]


GROUPS = [
    ("serde (protocol (de)serialisers)", lambda n: "serde" in n),
    ("Leptos view layer (tachys, leptos, reactive_graph)",
     lambda n: re.search(r"tachys|leptos|reactive_graph|any_spawner|throw_error", n)),
    ("spur-core", lambda n: "spur_core" in n),
    ("spur-app", lambda n: "spur_app" in n),
    ("wasm-bindgen, js-sys, web-sys", lambda n: re.search(r"wasm_bindgen|wbg|js_sys|web_sys", n)),
    ("std (core, alloc, std)", lambda n: re.match(r"_ZN\d+(core|alloc|std)\d|_ZN\d+_\$LT\$(core|alloc|std)", n)),
]


def main():
    funcs = functions(open(sys.argv[1], "rb").read())
    total = sum(s for s, _ in funcs)
    sums = collections.Counter()
    for size, name in funcs:
        group = next((g for g, test in GROUPS if test(name)), "other (generics, closures, crates)")
        sums[group] += size
    print(f"| part | code bytes | share |\n|---|---:|---:|")
    for group, size in sums.most_common():
        print(f"| {group} | {size:,} | {100 * size / total:.0f} % |")
    print(f"| **all {len(funcs):,} functions** | **{total:,}** | 100 % |")
    if len(sys.argv) > 2:
        for size, name in sorted((f for f in funcs if sys.argv[2] in f[1]), reverse=True)[:40]:
            print(size, name[:160])


if __name__ == "__main__":
    main()
