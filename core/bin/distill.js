#!/usr/bin/env node
// The `distill` command. Sources are compiled to dist/ by `npm ci` (the root `prepare` script) or `npm run build`.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv);
