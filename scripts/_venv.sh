# Sourced by the scripts in this folder: make sure .venv exists and holds branchdesk with the given extras.
#   ensure_venv "test,postgres"
# Set PYTHON to choose the interpreter that creates the venv (default: python3, which must be 3.11+).
# The install is skipped when nothing changed since the last one (pyproject.toml and extras the same).

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV="$ROOT/.venv"
VPY="$VENV/bin/python"

ensure_venv() {
    local extras=$1
    local python=${PYTHON:-python3}
    if [[ ! -x "$VPY" ]]; then
        if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "branchdesk needs Python 3.11 or newer; '$python' is $("$python" --version 2>&1 || echo missing)." >&2
            echo "Set PYTHON=/path/to/python3.11 and try again." >&2
            return 1
        fi
        echo "creating $VENV" >&2
        "$python" -m venv "$VENV"
    fi
    local stamp="$VENV/.branchdesk-installed"
    local want
    want="$extras $(sha256sum "$ROOT/pyproject.toml" | cut -c1-16)"
    if [[ -f "$stamp" ]] && grep -qxF -- "$want" "$stamp" 2>/dev/null; then
        return 0
    fi
    echo "installing branchdesk[$extras] into .venv (quietly) …" >&2
    "$VPY" -m pip install -qq --disable-pip-version-check -e "$ROOT[$extras]"
    echo "$want" >>"$stamp"
}
