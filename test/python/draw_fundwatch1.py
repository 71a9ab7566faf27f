#!/usr/bin/env python3
"""A second implementation of the draw algorithm `fundwatch-draw-1`, written only from the text of
contract section 9 (shared/spec/data-contract.md), with the Python standard library alone.

Usage: draw_fundwatch1.py FILE...   each FILE a JSON document holding "plan", "frames" and
"public_seed" (an audit export of `fundwatch draw export --audit`, or one case of draw-vectors.json;
a file whose top level has "cases" is a vectors file, every case of it is computed).

Prints one JSON object per document on stdout: the hashes, seed, draw_id, the first integers of the
stream "target|<first stratum>" and the random part it computes, so that a test can compare it with
fundwatch field by field. It does not read fundwatch's own results.
"""

import hashlib
import json
import sys

ALGORITHM = "fundwatch-draw-1"


def canonical(v):
    """Canonical JSON: keys sorted by code point, no spaces, only ", \\ and < U+0020 escaped, integers plain."""
    if isinstance(v, bool) or v is None or isinstance(v, float):
        raise ValueError("canonical JSON holds only strings, integers, arrays and objects, not %r" % (v,))
    if isinstance(v, str):
        out = ['"']
        for ch in v:
            c = ord(ch)
            if ch == '"':
                out.append('\\"')
            elif ch == "\\":
                out.append("\\\\")
            elif c < 0x20:
                short = {"\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
                out.append(short.get(ch, "\\u%04x" % c))
            else:
                out.append(ch)
        out.append('"')
        return "".join(out)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, list):
        return "[" + ",".join(canonical(x) for x in v) + "]"
    if isinstance(v, dict):
        # Python compares str by code point, which is what the contract asks.
        return "{" + ",".join(canonical(k) + ":" + canonical(v[k]) for k in sorted(v)) + "}"
    raise ValueError("not JSON: %r" % (v,))


def H(b):
    return hashlib.sha256(b).digest()


def hexH(text):
    return H(text.encode("utf-8")).hex()


class Stream:
    """H(seed || L || u32be(0)) || H(seed || L || u32be(1)) || ..., read as u64 big-endian."""

    def __init__(self, seed, label):
        self.seed = seed
        self.label = label.encode("utf-8")
        self.counter = 0
        self.buf = b""

    def next(self):
        if not self.buf:
            self.buf = H(self.seed + self.label + self.counter.to_bytes(4, "big"))
            self.counter += 1
        x, self.buf = int.from_bytes(self.buf[:8], "big"), self.buf[8:]
        return x

    def uniform(self, n):
        assert n >= 1
        limit = 2**64 - (2**64 % n)
        while True:
            x = self.next()
            if x < limit:
                return x % n


def shuffle_pick(items, k, stream):
    e = list(items)
    for i in range(k):
        j = i + stream.uniform(len(e) - i)
        e[i], e[j] = e[j], e[i]
    return e[:k]


def draw(plan, frames, public_seed):
    plan = {k: v for k, v in plan.items() if k != "directed"}
    plan_hash = hexH(canonical(plan))
    targets_hash = hexH(canonical(frames["targets"]))
    inspectors_hash = hexH(canonical(frames["inspectors"]))
    seed = H(("fundwatch-draw-1|" + plan_hash + "|" + targets_hash + "|" + inspectors_hash + "|" + public_seed).encode("utf-8"))
    draw_id = H(seed + b"id").hex()[:16]

    selected = []
    for s in plan["strata"]:
        E = frames["targets"][s["name"]]
        if "ratio_pct" in s:
            k = (s["ratio_pct"] * len(E) + 99) // 100  # ceil in integers
        else:
            k = min(s["count"], len(E))
        for code in shuffle_pick(E, k, Stream(seed, "target|" + s["name"])):
            selected.append((s["name"], code))

    per = plan["inspectors_per_target"]
    cap = plan.get("max_targets_per_inspector")
    used = {}
    random = []
    for stratum, code in selected:
        I = [
            i
            for i in frames["inspectors"]
            if code not in i["conflicts"] and (cap is None or used.get(i["inspector_id"], 0) < cap)
        ]
        if len(I) >= per:
            team = [i["inspector_id"] for i in shuffle_pick(I, per, Stream(seed, "inspector|" + code))]
            for t in team:
                used[t] = used.get(t, 0) + 1
            random.append({"stratum": stratum, "fixmedins_code": code, "inspectors": team, "unstaffed": False})
        else:
            random.append({"stratum": stratum, "fixmedins_code": code, "inspectors": [], "unstaffed": True})

    first = plan["strata"][0]["name"]
    probe = Stream(seed, "target|" + first)
    return {
        "algorithm": ALGORITHM,
        "canonical_plan": canonical(plan),
        "plan_hash": plan_hash,
        "targets_hash": targets_hash,
        "inspectors_hash": inspectors_hash,
        "seed": seed.hex(),
        "draw_id": draw_id,
        "first_stratum": first,
        "first_u64": [str(probe.next()) for _ in range(4)],
        "random": random,
    }


def main(paths):
    for p in paths:
        with open(p, encoding="utf-8") as f:
            doc = json.load(f)
        for d in doc["cases"] if "cases" in doc else [doc]:
            print(json.dumps(draw(d["plan"], d["frames"], d["public_seed"]), ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
