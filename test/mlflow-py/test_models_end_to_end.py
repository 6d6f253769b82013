"""A run logged on a real MLflow tracking server, registered with us; a sklearn model loaded back
with `mlflow.pyfunc.load_model("models:/NAME@ALIAS")`, its bytes downloaded through our artifact API."""
import os
import tempfile
import unittest

import mlflow
import mlflow.sklearn
from support import REGISTRY_URL, cli, registry_client, train_sklearn, unique


class ModelsEndToEnd(unittest.TestCase):
    def test_register_model_from_a_run_on_the_tracking_server(self):
        model, _ = train_sklearn(1)
        mlflow.set_experiment(unique("pyclient-exp"))
        with mlflow.start_run() as run:
            mlflow.log_param("C", "1.0")
            mlflow.log_metric("auc", 0.91)
            mlflow.sklearn.log_model(model, "model")
        name = unique("pyclient-registered")
        mv = mlflow.register_model(f"runs:/{run.info.run_id}/model", name, tags={"via": "register_model"})
        self.assertEqual(mv.version, "1")
        got = registry_client().get_model_version(name, "1")
        self.assertEqual(got.run_id, run.info.run_id)
        self.assertTrue(got.source.endswith("/model"), got.source)
        self.assertEqual(got.tags, {"via": "register_model"})
        self.assertEqual(got.status, "READY")

    def test_pyfunc_load_model_by_alias_downloads_from_our_artifact_api(self):
        model, rows = train_sklearn(2)
        name = unique("pyclient-pyfunc")
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "model")
            mlflow.sklearn.save_model(model, path)
            pushed = cli("push", name, path, "--alias", "champion")
        self.assertEqual(pushed["version"], 1)
        client = registry_client()
        uri = client.get_model_version_download_uri(name, "1")
        self.assertTrue(uri.startswith(f"{REGISTRY_URL}/api/2.0/mlflow-artifacts/artifacts/"), uri)
        loaded = mlflow.pyfunc.load_model(f"models:/{name}@champion")
        self.assertEqual(list(loaded.predict(rows)), list(model.predict(rows)))
        # The sklearn flavour too, by stage, after a transition through our stage machine.
        client.transition_model_version_stage(name, "1", "Staging")
        again = mlflow.sklearn.load_model(f"models:/{name}/Staging")
        self.assertEqual(list(again.predict_proba(rows).round(9).ravel()), list(model.predict_proba(rows).round(9).ravel()))


if __name__ == "__main__":
    unittest.main()
