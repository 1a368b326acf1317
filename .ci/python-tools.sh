#!/usr/bin/env bash
# Creates .venv with the pinned Python tools of the OpenAPI tests when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if .venv/bin/python -c 'import openapi_spec_validator, schemathesis, openapi_python_client' 2>/dev/null; then
  exit 0
fi
python3 -m venv .venv 2>/dev/null || { apt-get update && apt-get install -y python3-venv && python3 -m venv .venv; }
.venv/bin/pip install --quiet --disable-pip-version-check -r .ci/python-tools.txt
