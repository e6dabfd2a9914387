#!/bin/sh
# Stand-in for Prisma's native schema engine, which cannot be downloaded on our machines.
# `prisma generate` only checks that the binary exists; migrations go through the Wasm
# schema engine (src/migrations.ts).
echo "schema engine not available: use npm run migrate:create / the Wasm migration runner" >&2
exit 1
