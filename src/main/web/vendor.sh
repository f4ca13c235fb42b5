#!/bin/sh
# Puts the official Vert.x bridge client into the jar's webroot (argument: the vendor directory),
# from its npm package. Run by the build (generate-resources). Without npm the build goes on and
# /official-client.html tells the visitor that this build has no copy of the client.
set -e
out="$1"
if ! command -v npm >/dev/null 2>&1; then
  echo "[WARNING] npm not found: /official-client.html will have no official client in this build"
  exit 0
fi
if ! npm ci --no-audit --no-fund --loglevel=error; then
  echo "[WARNING] npm could not install the official client (no registry?): /official-client.html will have no official client in this build"
  exit 0
fi
mkdir -p "$out"
cp node_modules/@vertx/eventbus-bridge-client.js/vertx-eventbus.js "$out/"
