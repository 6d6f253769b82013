"""One MLflow-REST workload, run unchanged against the real MLflow and against this registry.

Standard library only (what a new user has): one keep-alive HTTP connection per thread, JSON in,
JSON out. Prints one JSON object of figures on stdout; progress on stderr. `--cpu-pids` names
processes whose CPU time (/proc/<pid>/stat utime+stime) is charged to each phase, so the caller
gets CPU milliseconds per request beside the wall-clock figures.
"""
import argparse
import http.client
import json
import os
import sys
import threading
import time
import urllib.parse

p = argparse.ArgumentParser()
p.add_argument("--url", required=True)
p.add_argument("--token", default="")
p.add_argument("--label", default="target")
p.add_argument("--models", type=int, default=20)
p.add_argument("--versions", type=int, default=50, help="versions per model in the timed phase")
p.add_argument("--search-versions", type=int, default=10000, help="total versions before searching")
p.add_argument("--threads", type=int, default=8)
p.add_argument("--reads", type=int, default=1000)
p.add_argument("--cpu-pids", default="")
p.add_argument("--native", action="store_true", help="also time this registry's own /api/v1 alias GET and resolve")
p.add_argument("--only-reads", action="store_true", help="bare route: GET --read-path only")
p.add_argument("--read-path", default="")
p.add_argument("--one-model-clients", type=int, default=64)
# Issue 13 (search): seed --search-versions and time the searches only (`bench:mlflow -- --only search`).
p.add_argument("--only-search", action="store_true", help="skip the write/read phases: seed, then search")
args = p.parse_args()
u = urllib.parse.urlparse(args.url)
PIDS = [int(x) for x in args.cpu_pids.split(",") if x]
TICK = os.sysconf("SC_CLK_TCK")
PREFIX = f"bench-{int(time.time())}"


def log(*m):
    print(f"[{args.label}]", *m, file=sys.stderr, flush=True)


def cpu_ms():
    total = 0
    for pid in PIDS:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (after pid, comm)
        except OSError:
            pass
    return total * 1000 / TICK


class Client:
    def __init__(self):
        self.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
        self.headers = {"Content-Type": "application/json"}
        if args.token:
            self.headers["Authorization"] = f"Bearer {args.token}"

    def call(self, method, path, body=None, ok=(200, 201, 304)):
        data = json.dumps(body) if body is not None else None
        for attempt in range(3):
            try:
                self.conn.request(method, path, body=data, headers=self.headers)
                r = self.conn.getresponse()
                payload = r.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
                if attempt == 2:
                    raise
        if r.status not in ok:
            raise RuntimeError(f"{method} {path}: {r.status} {payload[:300]!r}")
        return json.loads(payload) if payload and r.getheader("content-type", "").startswith("application/json") else None


_local = threading.local()


def client():
    if not hasattr(_local, "c"):
        _local.c = Client()
    return _local.c


def parallel(n, threads, task):
    """Runs task(i) for i in range(n) on `threads` threads; returns (seconds, cpu ms, latencies)."""
    lock = threading.Lock()
    nxt = [0]
    lat = []
    errors = []

    def worker():
        while True:
            with lock:
                i = nxt[0]
                nxt[0] += 1
            if i >= n or errors:
                return
            t = time.perf_counter()
            try:
                task(i)
            except Exception as e:  # noqa: BLE001 - reported after the phase
                errors.append(e)
                return
            d = (time.perf_counter() - t) * 1000
            with lock:
                lat.append(d)

    c0 = cpu_ms()
    t0 = time.perf_counter()
    ts = [threading.Thread(target=worker) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    if errors:
        raise errors[0]
    return time.perf_counter() - t0, cpu_ms() - c0, lat


def p50(xs):
    s = sorted(xs)
    return s[max(0, (len(s) + 1) // 2 - 1)] if s else None


out = {}


def record(key, n, threads, task, calls_per_task=1):
    secs, cpu, lat = parallel(n, threads, task)
    calls = n * calls_per_task
    fig = {"n": calls, "threads": threads, "per_s": round(calls / secs, 1),
           "p50_ms": round(p50(lat) / calls_per_task, 3),
           "cpu_ms_per_req": round(cpu / calls, 3) if PIDS else None}
    out[key] = fig
    log(f"{key}: {fig['per_s']}/s p50 {fig['p50_ms']} ms cpu/req {fig['cpu_ms_per_req']}")


q = urllib.parse.urlencode
API = "/api/2.0/mlflow"

if args.only_reads:
    for _ in range(100):
        client().call("GET", args.read_path)
    record("get_by_alias_1", args.reads, 1, lambda i: client().call("GET", args.read_path))
    record("get_by_alias_8", args.reads * 2, args.threads, lambda i: client().call("GET", args.read_path))
    if args.one_model_clients:
        record("bare_64", args.one_model_clients * 10, args.one_model_clients,
               lambda i: client().call("GET", args.read_path))
    print(json.dumps(out))
    sys.exit(0)

names = [f"{PREFIX}-{i:03d}" for i in range(args.models)]
for n in names:
    client().call("POST", f"{API}/registered-models/create", {"name": n, "tags": [{"key": "team", "value": "risk"}]})


def create_version(name, k):
    return client().call("POST", f"{API}/model-versions/create", {
        "name": name, "source": f"s3://bench/{name}/{k}", "run_id": f"run{k}",
        "tags": [{"key": "parity", "value": "even" if k % 2 == 0 else "odd"}, {"key": "auc", "value": f"0.{k % 100:02d}"}],
    })


def seed_version(name, k):
    if not args.native:
        return create_version(name, k)
    # This registry's own registration carries metrics (MLflow model versions have none).
    return client().call("POST", f"/api/v1/models/{name}/versions", {
        "source": {"uri": f"s3://bench/{name}/{k}", "run_id": f"run{k}"},
        "tags": {"parity": "even" if k % 2 == 0 else "odd", "auc": f"0.{k % 100:02d}"},
        "metrics": {"auc": (k % 100) / 100},
    })


def seed_and_search(have, V):
    # Grow to --search-versions versions (spread over the models), then search.
    extra = max(0, args.search_versions - have)
    if extra:
        log(f"seeding {extra} more versions for search")
        secs, _, _ = parallel(extra, args.threads, lambda i: seed_version(names[i % len(names)], V + i // len(names)))
        log(f"seeded in {secs:.1f}s")
    search = lambda flt: f"{API}/model-versions/search?" + q({"filter": flt, "max_results": "1000"})
    tag_q = lambda i: search(f"name='{names[i % len(names)]}' AND tags.parity='even'")
    metric_q = lambda i: search(f"name='{names[i % len(names)]}' AND tags.auc='0.42'")
    for i in range(20):
        client().call("GET", tag_q(i))
    record("search_name_tag_1", 200, 1, lambda i: client().call("GET", tag_q(i)))
    record("search_name_metric_tag_1", 200, 1, lambda i: client().call("GET", metric_q(i)))
    if args.native:
        nq = lambda i: "/api/v1/model-versions?" + q({"filter": f"name = '{names[i % len(names)]}' AND metrics.auc = 0.42"})
        record("native_search_name_metric_1", 200, 1, lambda i: client().call("GET", nq(i)))
        nt = lambda i: "/api/v1/model-versions?" + q({"filter": f"name = '{names[i % len(names)]}' AND tags.parity = 'even'", "page_size": "1000"})
        record("native_search_name_tag_1", 200, 1, lambda i: client().call("GET", nt(i)))
    out["total_versions"] = have + extra
    print(json.dumps(out))


if args.only_search:
    seed_and_search(0, 0)
    sys.exit(0)

# create_model_version, 8 clients on 8 models: client t registers on models t, t+8, ... only.
per_thread = [[n for j, n in enumerate(names) if j % args.threads == t] for t in range(args.threads)]
jobs = []
for t in range(args.threads):
    for n in per_thread[t]:
        jobs += [(t, n)] * args.versions


def per_thread_phase(key, calls_per_thread, fn):
    """Client t works on its own models only (t, t+threads, ...): `fn(t, k)` makes its k-th call."""
    lat = []
    errors = []
    c0 = cpu_ms()
    t0 = time.perf_counter()

    def run(t):
        try:
            for k in range(calls_per_thread(t) if callable(calls_per_thread) else calls_per_thread):
                s = time.perf_counter()
                fn(t, k)
                lat.append((time.perf_counter() - s) * 1000)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    ts = [threading.Thread(target=run, args=(t,)) for t in range(args.threads)]
    for th in ts:
        th.start()
    for th in ts:
        th.join()
    if errors:
        raise errors[0]
    secs = time.perf_counter() - t0
    total = len(lat)
    out[key] = {"n": total, "threads": args.threads, "per_s": round(total / secs, 1),
                "p50_ms": round(p50(lat), 3),
                "cpu_ms_per_req": round((cpu_ms() - c0) / total, 3) if PIDS else None}
    log(f"{key}:", out[key])


def own_model(t, k):
    mine = per_thread[t]
    return mine[k % len(mine)]


per_thread_phase("create_model_version_8", lambda t: args.versions * len(per_thread[t]),
                 lambda t, k: create_version(own_model(t, k), k // len(per_thread[t])))
V = args.versions
per_thread_phase("set_alias_8", 100, lambda t, k: client().call(
    "POST", f"{API}/registered-models/alias",
    {"name": own_model(t, k), "alias": "champion", "version": str(1 + k % min(V, 10))}))


def stage_move(t, k):
    # The same legal path on both: None -> Staging -> Archived (two calls per version).
    name, version = own_model(t, k // 2), str(1 + ((k // 2) // len(per_thread[t])) % V)
    stage = "Staging" if k % 2 == 0 else "Archived"
    client().call("POST", f"{API}/model-versions/transition-stage",
                  {"name": name, "version": version, "stage": stage, "archive_existing_versions": False})


per_thread_phase("transition_stage_8", min(100, 2 * len(jobs) // args.threads), stage_move)
alias_path = lambda i: f"{API}/registered-models/alias?" + q({"name": names[i % len(names)], "alias": "champion"})
for i in range(100):
    client().call("GET", alias_path(i))
record("get_by_alias_1", args.reads, 1, lambda i: client().call("GET", alias_path(i)))
record("get_by_alias_8", args.reads * 2, args.threads, lambda i: client().call("GET", alias_path(i)))
if args.native:
    nat = lambda i: f"/api/v1/models/{names[i % len(names)]}/aliases/champion"
    res = lambda i: f"/api/v1/models/{names[i % len(names)]}/resolve?alias=champion"
    record("native_alias_1", args.reads, 1, lambda i: client().call("GET", nat(i)))
    record("native_alias_8", args.reads * 2, args.threads, lambda i: client().call("GET", nat(i)))
    record("resolve_1", args.reads, 1, lambda i: client().call("GET", res(i)))
    record("resolve_8", args.reads * 2, args.threads, lambda i: client().call("GET", res(i)))

# One model, many clients: registrations all on the same model (group commit's case).
if args.one_model_clients:
    hot = f"{PREFIX}-hot"
    client().call("POST", f"{API}/registered-models/create", {"name": hot})
    try:
        record("create_one_model_64", args.one_model_clients * 10, args.one_model_clients,
               lambda i: create_version(hot, i))
    except Exception as e:  # noqa: BLE001 - MLflow's own races are a result, not a crash
        out["create_one_model_64"] = {"error": str(e)[:300]}
        log("create_one_model_64 failed:", str(e)[:300])

have = len(jobs) + (args.one_model_clients * 10 if args.one_model_clients else 0)
seed_and_search(have, V)
