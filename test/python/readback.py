"""Reads a run back with MLflow's own Python client and prints it as JSON.

Usage: readback.py <tracking_uri> <run_id>
Prints {info, params, tags, metrics: {key: [{step, value, timestamp}]}, artifacts: [path], sha256: {path: hex}}.
NaN metric values are printed as the string "NaN" (JSON has no NaN).
"""
import hashlib
import json
import math
import sys
import tempfile

import mlflow
from mlflow.tracking import MlflowClient


def value(v):
    if math.isnan(v):
        return "NaN"
    return v


def walk(client, run_id, path=None):
    for entry in client.list_artifacts(run_id, path):
        if entry.is_dir:
            yield from walk(client, run_id, entry.path)
        else:
            yield entry.path


def main():
    uri, run_id = sys.argv[1], sys.argv[2]
    mlflow.set_tracking_uri(uri)
    run = mlflow.get_run(run_id)
    client = MlflowClient()
    metrics = {
        key: [{"step": m.step, "value": value(m.value), "timestamp": m.timestamp} for m in client.get_metric_history(run_id, key)]
        for key in run.data.metrics
    }
    artifacts = sorted(walk(client, run_id))
    digests = {}
    with tempfile.TemporaryDirectory() as target:
        for path in artifacts:
            local = client.download_artifacts(run_id, path, target)
            with open(local, "rb") as handle:
                digests[path] = hashlib.sha256(handle.read()).hexdigest()
    print(json.dumps({
        "info": {"run_name": run.info.run_name, "status": run.info.status, "start_time": run.info.start_time,
                 "end_time": run.info.end_time, "experiment_id": run.info.experiment_id, "user_id": run.info.user_id},
        "params": run.data.params,
        "tags": run.data.tags,
        "metrics": metrics,
        "artifacts": artifacts,
        "sha256": digests,
    }))


if __name__ == "__main__":
    main()
