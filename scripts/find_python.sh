#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter (rasa 3.6 needs 3.8-3.10), or fails.
set -u
for candidate in \
    "$(pyenv prefix 3.10 2>/dev/null | head -1)/bin/python3.10" \
    "$(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.10* 2>/dev/null | sort -V | tail -1)/bin/python3.10" \
    "$(command -v python3.10 2>/dev/null)" \
    /usr/bin/python3.10 /usr/local/bin/python3.10; do
  if [ -n "$candidate" ] && [ -x "$candidate" ] && "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then
    echo "$candidate"
    exit 0
  fi
done
echo "Python 3.10 not found: install it (e.g. pyenv install 3.10) and retry" >&2
exit 1
