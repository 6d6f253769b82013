"""`registry import-mlflow`: a real MLflow server populated by the real client (models, 20+
versions, aliases, stages, tags, runs with metrics/params/dataset inputs, sklearn artifacts) is
copied into our registry, equal field by field; an import killed half-way resumes without
duplicates; `mlflow.pyfunc.load_model` against our registry loads an imported model."""
import json
import os
import signal
import subprocess
import time
import unittest
import urllib.request

import mlflow
import mlflow.sklearn
from support import PEER_URL, REGISTRY_TOKEN, REGISTRY_URL, ROOT, cli, peer_client, registry_client, train_sklearn, unique

PREFIX = unique("imp")
MODELS = [f"{PREFIX}-fraud", f"{PREFIX}-churn", f"{PREFIX}-rank"]


def native(path):
    req = urllib.request.Request(f"{REGISTRY_URL}/api/v1{path}", headers={"authorization": f"Bearer {REGISTRY_TOKEN}"})
    with urllib.request.urlopen(req, timeout=30) as res:
        return json.loads(res.read())


def populate():
    """What a team's MLflow looks like after a while, made with the real client on the real server."""
    import pandas as pd

    client = peer_client()
    runs = []
    mlflow.set_tracking_uri(PEER_URL)
    mlflow.set_experiment(f"{PREFIX}-exp")
    for seed in range(3):
        model, rows = train_sklearn(seed)
        with mlflow.start_run() as run:
            mlflow.log_params({"C": "1.0", "seed": str(seed)})
            mlflow.log_metrics({"auc": 0.9 + seed / 100, "loss": 0.3 - seed / 100})
            frame = pd.DataFrame(rows, columns=["a", "b", "c"])
            mlflow.log_input(mlflow.data.from_pandas(frame, source=f"s3://data/train-{seed}.parquet"), context="training")
            mlflow.sklearn.log_model(model, "model")
        runs.append((run.info.run_id, model, rows))
    # fraud: 12 versions over the three runs, tags, stages, aliases, one deleted (a gap at 5).
    fraud, churn, rank = MODELS
    client.create_registered_model(fraud, tags={"team": "risk", "tier": "gold"}, description="card fraud")
    client.create_registered_model(churn, tags={"team": "growth"})
    client.create_registered_model(rank, description="search ranking")
    for i in range(12):
        run_id = runs[i % 3][0]
        client.create_model_version(
            fraud, f"runs:/{run_id}/model", run_id=run_id, tags={"fold": str(i)}, description=f"fraud v{i + 1}"
        )
    client.delete_model_version(fraud, "5")
    client.transition_model_version_stage(fraud, "2", "Staging")
    client.transition_model_version_stage(fraud, "3", "Production")
    client.transition_model_version_stage(fraud, "1", "Archived")
    client.set_registered_model_alias(fraud, "champion", "3")
    client.set_registered_model_alias(fraud, "challenger", "12")
    client.update_model_version(fraud, "4", description="reworded after review")
    for i in range(8):
        run_id = runs[(i + 1) % 3][0]
        client.create_model_version(churn, f"runs:/{run_id}/model", run_id=run_id)
    client.set_model_version_tag(churn, "8", "validated", "yes")
    client.transition_model_version_stage(churn, "8", "Production")
    client.set_registered_model_alias(churn, "champion", "8")
    # rank: a version whose files live where the importer cannot read them (reported, not fatal).
    client.create_model_version(rank, "s3://nowhere/rank/model", run_id=runs[0][0])
    client.create_model_version(rank, f"runs:/{runs[2][0]}/model", run_id=runs[2][0])
    client.set_registered_model_alias(rank, "champion", "2")
    return runs


def snapshot(client, name):
    m = client.get_registered_model(name)
    versions = sorted(client.search_model_versions(f"name = '{name}'"), key=lambda v: int(v.version))
    return {
        "name": m.name,
        "description": m.description or "",
        "tags": m.tags,
        "aliases": m.aliases,
        "versions": [
            {
                "version": v.version,
                "description": v.description or "",
                "tags": v.tags,
                "current_stage": v.current_stage,
                "status": v.status,
                "source": v.source,
                "run_id": v.run_id,
                "user_id": v.user_id,
                "creation_timestamp": v.creation_timestamp,
            }
            for v in versions
        ],
    }


def import_cmd(*extra):
    return ["node", os.path.join(ROOT, "bin", "registry.mjs"), "--json", "--no-progress", "import-mlflow", "--from", PEER_URL, "--models", f"{PREFIX}-*", *extra]


class ImportFromMlflow(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.runs = populate()

    def test_import_equals_the_source_resumes_after_a_crash_and_loads_with_pyfunc(self):
        env = {**os.environ, "REGISTRY_URL": REGISTRY_URL, "REGISTRY_TOKEN": REGISTRY_TOKEN}
        dry = cli("import-mlflow", "--from", PEER_URL, "--models", f"{PREFIX}-*", "--dry-run")
        self.assertEqual(dry["models"]["total"], 3)
        self.assertEqual(dry["versions"]["total"], 21)
        self.assertEqual(dry["bytes"]["uploaded"], 0)
        self.assertEqual(list(registry_client().search_registered_models(f"name LIKE '{PREFIX}-%'")), [])

        # Crash: kill the importer once some versions are in, then run it again.
        proc = subprocess.Popen(import_cmd(), cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 300
        while time.time() < deadline and proc.poll() is None:
            try:
                if len(native(f"/models/{MODELS[1]}/versions")["items"]) >= 3:
                    break
            except Exception:
                pass
            time.sleep(0.05)
        # churn is the first model imported (by name), so 3 of its 8 versions is early in the run.
        self.assertIsNone(proc.poll(), "the importer finished before it could be killed")
        proc.send_signal(signal.SIGKILL)
        proc.wait()

        first = cli("import-mlflow", "--from", PEER_URL, "--models", f"{PREFIX}-*")
        self.assertEqual(first["versions"]["failed"], 0, first["not_copied"])
        self.assertEqual(first["versions"]["imported"] + first["versions"]["already_present"], 21)
        self.assertGreater(first["versions"]["already_present"], 2)
        # Exactly one thing could not be copied: the s3:// artifacts of rank v1.
        artifacts = [n for n in first["not_copied"] if n["what"] == "artifacts"]
        self.assertEqual([(n["model"], n["version"]) for n in artifacts], [(MODELS[2], 1)])
        self.assertIn("s3:", artifacts[0]["why"])

        again = cli("import-mlflow", "--from", PEER_URL, "--models", f"{PREFIX}-*")
        self.assertEqual((again["versions"]["imported"], again["versions"]["already_present"]), (0, 21))
        self.assertEqual(again["bytes"]["uploaded"], 0)

        source, ours = peer_client(), registry_client()
        for name in MODELS:
            with self.subTest(model=name):
                self.assertEqual(snapshot(ours, name), snapshot(source, name))
        # Numbers preserved with the source's gap, and never reused afterwards.
        fraud = MODELS[0]
        self.assertEqual([v["version"] for v in native(f"/models/{fraud}/versions?page_size=100")["items"]][-5:], [6, 4, 3, 2, 1])
        self.assertEqual(ours.create_model_version(fraud, "s3://later/model").version, "13")

        # The runs' metrics, params and dataset inputs are in the metadata record.
        run_id, _, _ = self.runs[0]
        v1 = native(f"/models/{fraud}/versions/1")
        self.assertEqual(v1["params"], {"C": "1.0", "seed": "0"})
        self.assertEqual(v1["metrics"], {"auc": 0.9, "loss": 0.3})
        self.assertEqual([(d["uri"], d["role"]) for d in v1["datasets"]], [("s3://data/train-0.parquet", "training")])
        self.assertEqual(v1["source"]["run_id"], run_id)
        self.assertIn("MLmodel", [f["path"] for f in v1["files"]])
        audit = native(f"/audit?model={fraud}&page_size=100")["items"]
        imported = [e for e in audit if e["action"] == "model_version.imported"]
        self.assertEqual(len(imported), 11)
        self.assertEqual(imported[0]["after"]["imported_from"], PEER_URL)
        self.assertTrue(native(f"/models/{fraud}/audit/verify")["ok"])

        # pyfunc against our registry loads the imported champion and predicts like the source model.
        loaded = mlflow.pyfunc.load_model(f"models:/{fraud}@champion")
        _, model, rows = self.runs[(3 - 1) % 3]  # fraud v3 came from run index 2
        self.assertEqual(list(loaded.predict(rows)), list(model.predict(rows)))


if __name__ == "__main__":
    unittest.main()
