// MLflow's REST entities (mlflow/protos/service.proto) as the client returns them: snake_case as on the wire,
// repeated fields always present, metric values decoded to numbers (NaN and ±Infinity included).

export type MlflowRunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

export interface MlflowKeyValue {
  readonly key: string;
  readonly value: string;
}

export interface MlflowMetric {
  readonly key: string;
  readonly value: number;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
  readonly step: number;
}

export interface MlflowExperiment {
  readonly experiment_id: string;
  readonly name: string;
  readonly artifact_location: string;
  readonly lifecycle_stage: 'active' | 'deleted';
  readonly creation_time?: number;
  readonly last_update_time?: number;
  readonly tags: readonly MlflowKeyValue[];
}

export interface MlflowRunInfo {
  readonly run_id: string;
  readonly run_name?: string;
  readonly experiment_id: string;
  readonly user_id?: string;
  readonly status: MlflowRunStatus;
  readonly start_time?: number;
  readonly end_time?: number;
  readonly artifact_uri: string;
  readonly lifecycle_stage: 'active' | 'deleted';
}

export interface MlflowRunData {
  readonly metrics: readonly MlflowMetric[];
  readonly params: readonly MlflowKeyValue[];
  readonly tags: readonly MlflowKeyValue[];
}

export interface MlflowRun {
  readonly info: MlflowRunInfo;
  readonly data: MlflowRunData;
}

export interface MlflowFileInfo {
  /** Relative to the run's artifact root. */
  readonly path: string;
  readonly is_dir: boolean;
  readonly file_size?: number;
}

/** What `logBatch` takes: any number of entities; the client splits them into requests within MLflow's limits. */
export interface LogBatchInput {
  readonly metrics?: readonly MlflowMetric[];
  readonly params?: readonly MlflowKeyValue[];
  readonly tags?: readonly MlflowKeyValue[];
}

/** A model logged to an experiment (MLflow 3's logged models), as `logged-models` answers. */
export interface MlflowLoggedModel {
  readonly model_id: string;
  readonly experiment_id: string;
  readonly name: string;
  readonly artifact_uri: string;
  readonly status?: string;
  readonly source_run_id?: string;
}

/** A dataset as `runs/log-inputs` takes it. */
export interface MlflowDataset {
  readonly name: string;
  readonly digest: string;
  readonly source_type: string;
  readonly source: string;
  readonly schema?: string;
  readonly profile?: string;
}
