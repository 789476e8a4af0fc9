// What the method plugins share about the layers they tap: the params that name them, and the check that each one
// exists (the message of distill's own layer lookup, at the param that names it) with its per-sample shape.
import type * as tf from '@tensorflow/tfjs';
import { lookupLayer, type SemanticCheckContext, type SemanticIssue } from '@distill/core';

export const teacherLayerSchema = { type: 'string', minLength: 1, description: "Name of the teacher layer (any layer of the teacher's model)." } as const;
export const studentLayerSchema = { type: 'string', minLength: 1, description: "Name of the student layer (any layer of the student's model)." } as const;

/** One teacher/student layer pair, for the methods that sum over several layers. */
export const layerPairSchema = {
  type: 'object',
  properties: { teacherLayer: teacherLayerSchema, studentLayer: studentLayerSchema },
  required: ['teacherLayer', 'studentLayer'],
  additionalProperties: false,
} as const;

export interface TappedLayer {
  readonly role: 'teacher' | 'student';
  readonly name: string;
  /** JSON pointer of the param naming it, relative to the loss's params. */
  readonly pointer: string;
}

export interface FoundLayer {
  readonly name: string;
  /** Per-sample shape: `[width]` for a dense layer, `[height, width, channels]` for a conv map. */
  readonly shape: readonly number[];
}

/** Looks every layer up; the issues name the missing ones at their params, the shapes are those found. */
export async function findLayers(context: SemanticCheckContext, layers: readonly TappedLayer[]): Promise<{ issues: SemanticIssue[]; found: FoundLayer[] }> {
  const [teacher, student] = await Promise.all([context.teacher(), context.student()]);
  const issues: SemanticIssue[] = [];
  const found: FoundLayer[] = [];
  for (const layer of layers) {
    const result = lookupLayer(layer.role === 'teacher' ? teacher : student, layer.role, layer.name);
    if ('missing' in result) issues.push({ pointer: layer.pointer, ...result.missing });
    else found.push(layerShape(result.layer));
  }
  return { issues, found };
}

/** The per-sample shape of a model's layer, known after `requireLayer`. */
export function layerShape(layer: { name: string; width: number; shape?: readonly number[] }): FoundLayer {
  return { name: layer.name, shape: layer.shape ?? [layer.width] };
}

export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}


/** A tapped layer's features, or an error saying the trainer did not pass them. */
export function featuresOf(features: Readonly<Record<string, tf.Tensor>>, layer: string, role: 'teacher' | 'student'): tf.Tensor {
  const found = features[layer];
  if (!found) throw new Error(`the loss needs the features of ${role} layer "${layer}", which the trainer did not pass`);
  return found;
}

/** The check of a loss that taps `teacherLayer` and `studentLayer` and accepts any shapes: both must exist. */
export async function checkLayerPair(params: { teacherLayer: string; studentLayer: string }, context: SemanticCheckContext): Promise<SemanticIssue[]> {
  const { issues } = await findLayers(context, [
    { role: 'teacher', name: params.teacherLayer, pointer: '/teacherLayer' },
    { role: 'student', name: params.studentLayer, pointer: '/studentLayer' },
  ]);
  return issues;
}
