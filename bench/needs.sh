# Sourced by the bench scripts: what each needs installed, checked before any work starts, so a missing tool
# is named with how to install it instead of surfacing as a Python traceback minutes in.
missing=()

# Adds COMMAND to the missing list, with HINT on how to install it, when it is not on PATH.
need_command() {
  command -v "$1" >/dev/null || missing+=("$1 ($2)")
}

# The load generators: wrk for req/s and CPU, oha for latency percentiles.
need_load_generators() {
  need_command wrk "apt-get install -y wrk"
  need_command oha "cargo install oha --version =1.16.0 --locked"
}

# Exits naming every missing piece, one line each, when any is missing.
exit_if_missing() {
  if [ ${#missing[@]} -gt 0 ]; then
    for item in "${missing[@]}"; do
      printf '%s needs: %s\n' "$1" "$item" >&2
    done
    exit 1
  fi
}
