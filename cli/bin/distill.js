#!/usr/bin/env node
// The `distill` command. Its code is @distill/core's CLI; this package brings it together with the built-in plugins
// (@distill/plugins) and TensorFlow.js, so that installing it is all a project needs to run experiments.
import { main } from '@distill/core/cli';

process.exitCode = await main(process.argv);
