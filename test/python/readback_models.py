"""Reads back, with MLflow's own Python client, what distill logged about a run's models and data.

Usage: readback_models.py <tracking_uri> <run_id> <registered_model_name>
Prints {source_name, val_history: {key: [[step, value]]}, inputs: [dataset…], outputs: [{model_id, step}],
logged_models: [{model_id, name, status, model_type, params, tags, metrics: {key: value}, artifacts: [path]}],
versions: [{version, model_id, run_id, source, tags}]}.
"""
import json
import sys

import mlflow
from mlflow.tracking import MlflowClient


def walk_model(client, model_id, path=None):
    for entry in client.list_logged_model_artifacts(model_id, path):
        if entry.is_dir:
            yield from walk_model(client, model_id, entry.path)
        else:
            yield entry.path


def main():
    uri, run_id, registered = sys.argv[1], sys.argv[2], sys.argv[3]
    mlflow.set_tracking_uri(uri)
    client = MlflowClient()
    run = client.get_run(run_id)
    models = client.search_logged_models(experiment_ids=[run.info.experiment_id], filter_string=f"source_run_id = '{run_id}'")
    out = {
        'source_name': run.data.tags.get('mlflow.source.name'),
        'val_history': {
            key: [[m.step, m.value] for m in client.get_metric_history(run_id, key)]
            for key in run.data.metrics if '/val/' in key
        },
        'inputs': [
            {'name': d.dataset.name, 'digest': d.dataset.digest, 'source_type': d.dataset.source_type, 'source': d.dataset.source,
             'schema': d.dataset.schema, 'profile': d.dataset.profile, 'tags': {t.key: t.value for t in d.tags}}
            for d in run.inputs.dataset_inputs
        ],
        'outputs': [{'model_id': o.model_id, 'step': o.step} for o in (run.outputs.model_outputs if run.outputs else [])],
        'logged_models': sorted([
            {'model_id': m.model_id, 'name': m.name, 'status': str(m.status), 'model_type': m.model_type, 'params': m.params,
             'tags': {k: v for k, v in m.tags.items() if not k.startswith('mlflow.')},
             'metrics': {x.key: x.value for x in (m.metrics or [])}, 'artifacts': sorted(walk_model(client, m.model_id))}
            for m in models
        ], key=lambda m: m['name']),
        'versions': [
            {'version': v.version, 'model_id': v.model_id, 'run_id': v.run_id, 'source': v.source, 'tags': v.tags}
            for v in (client.get_model_version(registered, found.version) for found in client.search_model_versions(f"name = '{registered}'"))
        ],
    }
    print(json.dumps(out))


if __name__ == '__main__':
    main()
