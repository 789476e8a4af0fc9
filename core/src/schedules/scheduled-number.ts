// Numbers that may follow a schedule over epochs (loss weights, temperatures): schema fragment and evaluation.
import type { NumberSchedule, ScheduledNumber } from '../manifest/generated/experiment.js';
import type { JsonSchema } from '../plugins/json-schema.js';

export type { NumberSchedule, ScheduledNumber };

/** Schema for a plugin param that is a number or a schedule; `bounds` apply to the number and to both ends. */
export function scheduledNumberSchema(description: string, bounds: Pick<JsonSchema, 'minimum' | 'exclusiveMinimum' | 'maximum'> = {}) {
  return {
    description,
    oneOf: [
      { type: 'number', ...bounds },
      {
        type: 'object',
        additionalProperties: false,
        required: ['schedule', 'from', 'to'],
        properties: {
          schedule: { enum: ['linear', 'cosine'] },
          from: { type: 'number', ...bounds },
          to: { type: 'number', ...bounds },
          epochs: { type: 'integer', minimum: 1 },
        },
      },
    ],
  } as const;
}

/** The value in force during a 0-based epoch of a stage of `stageEpochs` epochs. */
export function valueAt(value: ScheduledNumber, epoch: number, stageEpochs: number): number {
  if (typeof value === 'number') return value;
  const span = Math.max(1, (value.epochs ?? stageEpochs) - 1);
  const progress = Math.min(1, Math.max(0, epoch / span));
  const shape = value.schedule === 'cosine' ? (1 - Math.cos(Math.PI * progress)) / 2 : progress;
  return value.from + (value.to - value.from) * shape;
}
