#!/usr/bin/env bash
# Audits the pinned lock (requirements.txt) with pip-audit and writes its JSON report to
# bench/results/pip-audit.json. pip-audit is installed into a throwaway venv under a temp
# dir; the project's .venv is not touched. Needs network access to the advisory service.
#
#   bash scripts/audit.sh            # PyPI's JSON API (pip-audit's default service)
#   AUDIT_SERVICE=osv bash scripts/audit.sh
#
# Exit status: 0 no known vulnerabilities; 1 vulnerabilities found (see the JSON);
# 2 advisory service unreachable or audit incomplete (the old report is left in place);
# 3 pip-audit could not be installed or failed.
#
# Why the completeness check: behind a proxy that answers 404 for PyPI's JSON API,
# pip-audit skips every dependency ("Dependency not found on PyPI") and still prints
# "No known vulnerabilities found" with exit 0. This script treats that as a failure.
set -uo pipefail
cd "$(dirname "$0")/.."

SERVICE="${AUDIT_SERVICE:-pypi}"
PIP_AUDIT_VERSION="${PIP_AUDIT_VERSION:-2.10.1}"
LOCK=requirements.txt
OUT=bench/results/pip-audit.json

case "$SERVICE" in
  # pip-audit asks for /pypi/<name>/<version>/json; some proxies serve only /pypi/<name>/json.
  pypi) PROBE_URL="https://pypi.org/pypi/pip/24.0/json" ;;
  osv) PROBE_URL="https://api.osv.dev/v1/vulns/PYSEC-2023-228" ;;
  *) echo "audit.sh: AUDIT_SERVICE must be 'pypi' or 'osv', not '$SERVICE'" >&2; exit 3 ;;
esac

PY="$(bash scripts/find_python.sh 2>/dev/null || command -v python3)"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# 1. Is the advisory service there at all? (a 404 from a registry proxy counts as "no")
if ! "$PY" - "$PROBE_URL" <<'EOF'
import sys, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=20) as r:
        sys.exit(0 if r.status == 200 else 1)
except Exception as e:  # DNS failure, refused, HTTP 4xx/5xx
    print(f"  {type(e).__name__}: {e}", file=sys.stderr)
    sys.exit(1)
EOF
then
  echo "audit.sh: advisory service '$SERVICE' is unreachable ($PROBE_URL)." >&2
  echo "audit.sh: no audit was done; $OUT was not changed. Run this on a machine with" >&2
  echo "          network access, or see bench/results/dependency-audit.md (manual review)." >&2
  exit 2
fi

# 2. pip-audit in a throwaway venv.
if ! "$PY" -m venv "$TMP/venv" || \
   ! "$TMP/venv/bin/pip" install --quiet --disable-pip-version-check \
       "pip-audit==$PIP_AUDIT_VERSION" > "$TMP/install.log" 2>&1; then
  echo "audit.sh: could not install pip-audit $PIP_AUDIT_VERSION into a temporary venv:" >&2
  tail -n 20 "$TMP/install.log" >&2
  exit 3
fi

# 3. Audit the lock exactly as pinned (no resolution, no pip run).
"$TMP/venv/bin/pip-audit" -r "$LOCK" --no-deps --disable-pip -s "$SERVICE" \
  --format json --output "$TMP/report.json" 2> "$TMP/stderr.txt"
rc=$?
if [ ! -s "$TMP/report.json" ]; then
  echo "audit.sh: pip-audit produced no report (exit $rc):" >&2
  tail -n 20 "$TMP/stderr.txt" >&2
  if grep -qiE "ConnectionError|NameResolution|Max retries|timed out|Temporary failure" "$TMP/stderr.txt"; then
    exit 2
  fi
  exit 3
fi

# 4. Completeness: every pin must have been looked up, not skipped.
"$PY" - "$TMP/report.json" <<'EOF'
import json, sys
deps = json.load(open(sys.argv[1]))["dependencies"]
skipped = [d for d in deps if "skip_reason" in d]
vulns = sum(len(d.get("vulns", [])) for d in deps)
print(f"audit.sh: {len(deps)} pins, {len(skipped)} skipped, {vulns} advisories found")
for d in skipped[:10]:
    print(f"  skipped: {d['skip_reason']}")
if deps and len(skipped) == len(deps):
    sys.exit(2)   # nothing was really audited: service unreachable through a proxy
sys.exit(4 if skipped else 0)
EOF
check=$?
if [ "$check" -eq 2 ]; then
  echo "audit.sh: every dependency was skipped, so the advisory service did not answer" >&2
  echo "          (e.g. a proxy returning 404 for PyPI's JSON API). $OUT was not changed." >&2
  exit 2
fi

mkdir -p "$(dirname "$OUT")"
cp "$TMP/report.json" "$OUT"
echo "audit.sh: wrote $OUT"
if [ "$check" -eq 4 ]; then
  echo "audit.sh: some pins could not be audited (listed above); the report is incomplete." >&2
  [ "$rc" -eq 1 ] && exit 1
  exit 2
fi
exit "$rc"   # pip-audit: 0 = none found, 1 = vulnerabilities found
