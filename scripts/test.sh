#!/usr/bin/env bash
# The test command (`npm test`): build, static checks, then every project's tests (unit and
# integration, against real servers started by the harness).
set -euo pipefail
cd "$(dirname "$0")/.."
export NX_DAEMON=false NX_TUI=false
npx prettier --check . >/dev/null || { npx prettier --check . ; exit 1; }
npx nx run-many -t build --output-style=static
npx nx run-many -t typecheck lint --output-style=static
# Suites that mostly wait on servers and processes share the two cores; those that run Chromium and
# real-time grabs (where a starved grab drops frames) run one at a time.
REALTIME=@talkrec/capture,@talkrec/e2e,@talkrec/demo
npx nx run-many -t test --output-style=static --parallel=3 --exclude="$REALTIME"
npx nx run-many -t test --output-style=static --parallel=1 --projects="$REALTIME"
