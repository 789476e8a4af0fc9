// vitest setup for unit tests: start tfjs's default backend once and switch off its "install tfjs-node" banner,
// which would otherwise repeat in every test file's output.
import * as tf from '@tensorflow/tfjs';
import { silenceNodeBanner } from '../../core/src/backend/cpu-backend.js';

await tf.ready();
silenceNodeBanner();
