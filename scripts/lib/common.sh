# Shared by the scripts: run as root or through sudo, and find PostgreSQL's server binaries.

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else
        echo "error: '$*' needs root; run this script as root or install sudo" >&2
        exit 1
    fi
}

# The newest installed PostgreSQL server's bin directory (Debian keeps them versioned).
pg_bindir() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then echo "$dir"; return; fi
    dir=$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")
    if [ -x "$dir/initdb" ]; then echo "$dir"; return; fi
    echo "error: no PostgreSQL server found; run scripts/setup" >&2
    return 1
}

# Runs a command as the user that owns PostgreSQL data: 'postgres' when we are root,
# since the server refuses to run as root.
as_db_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Where scripts/install puts the binary: USTRACK_INSTALL_DIR, else /usr/local/bin for root,
# else ~/.local/bin.
install_dir() {
    if [ -n "${USTRACK_INSTALL_DIR:-}" ]; then echo "$USTRACK_INSTALL_DIR"
    elif [ "$(id -u)" -eq 0 ]; then echo /usr/local/bin
    else echo "$HOME/.local/bin"
    fi
}
