#!/usr/bin/env node
// The `intoto-verify` command (a drop-in for in-toto-verify), run in-process by the addon.
'use strict'

const { runCli } = require('..')

// Setting exitCode (rather than calling process.exit) lets piped output drain first.
process.exitCode = runCli(['intoto-verify', ...process.argv.slice(2)])
