#!/usr/bin/env bash
# kustomize for the Kubernetes manifest tests (tests/ops/test_kubernetes.py), built once with
# `go install` from the Go module proxy into the cache outside the repo (~/.cache/gongjian/bin).
set -euo pipefail
VERSION=v5.7.1
bin_dir="${GONGJIAN_CACHE:-$HOME/.cache/gongjian}/bin"
if command -v kustomize >/dev/null 2>&1 || [ -x "$bin_dir/kustomize" ]; then
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "kustomize is missing and Go is not installed: install Go (or kustomize) first" >&2
  exit 1
fi
echo "==> building kustomize $VERSION with go install (first time only)"
mkdir -p "$bin_dir"
GOBIN="$bin_dir" go install "sigs.k8s.io/kustomize/kustomize/v5@$VERSION"
