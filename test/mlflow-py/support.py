"""Shared set-up for the tests that drive the real MLflow 2.12.2 client against our registry.

scripts/test-mlflow.mjs starts both servers and passes their addresses in the environment:
REGISTRY_URL / REGISTRY_TOKEN (ours, started like `npm start`) and MLFLOW_PEER_URL (a real MLflow
tracking server, for runs and their artifacts).
"""
import json
import os
import subprocess
import uuid

REGISTRY_URL = os.environ["REGISTRY_URL"]
REGISTRY_TOKEN = os.environ["REGISTRY_TOKEN"]
PEER_URL = os.environ["MLFLOW_PEER_URL"]
ROOT = os.environ["REPO_ROOT"]

# The client sends MLFLOW_TRACKING_TOKEN as a Bearer token to the registry (and the peer ignores it).
os.environ["MLFLOW_TRACKING_TOKEN"] = REGISTRY_TOKEN
os.environ["MLFLOW_TRACKING_URI"] = PEER_URL
os.environ["MLFLOW_REGISTRY_URI"] = REGISTRY_URL

import mlflow  # noqa: E402  (after the environment is set)
from mlflow import MlflowClient  # noqa: E402


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def registry_client():
    return MlflowClient(tracking_uri=PEER_URL, registry_uri=REGISTRY_URL)


def peer_client():
    return MlflowClient(tracking_uri=PEER_URL, registry_uri=PEER_URL)


def cli(*args, env=None):
    """Runs our `registry` CLI (bin/registry.mjs) with --json and returns the parsed answer."""
    out = subprocess.run(
        ["node", os.path.join(ROOT, "bin", "registry.mjs"), "--json", "--no-progress", *args],
        cwd=ROOT,
        env={**os.environ, "REGISTRY_URL": REGISTRY_URL, "REGISTRY_TOKEN": REGISTRY_TOKEN, **(env or {})},
        capture_output=True,
        text=True,
        timeout=600,
    )
    if out.returncode != 0:
        raise AssertionError(f"registry {' '.join(args)} failed ({out.returncode}): {out.stderr}")
    lines = [line for line in out.stdout.splitlines() if line.strip()]
    return json.loads(lines[-1]) if lines else None


def train_sklearn(seed=0):
    """A small fitted scikit-learn classifier and the rows to check its predictions on."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(seed)
    x = rng.normal(size=(64, 3))
    y = (x[:, 0] + x[:, 1] * 0.5 > 0).astype(int)
    return LogisticRegression().fit(x, y), x[:8]
