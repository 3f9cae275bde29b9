#!/usr/bin/env node
/** The `dchat` command on this process's streams; the exit code comes from `run`. */
import { processIo } from './io.ts';
import { run } from './run.ts';

process.exitCode = await run(process.argv.slice(2), processIo());
