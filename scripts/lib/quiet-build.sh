# Runs a build quietly: one line saying what it builds, the compiler's output only when it fails.
#   quiet_build WHAT FIRST_BUILD_TIME COMMAND...
quiet_build() {
    local what=$1 first=$2 log status=0
    shift 2
    log=$(mktemp /tmp/ustrack-build.XXXXXX)
    echo "building $what (a first build takes $first; later ones, seconds)..."
    local started=$SECONDS
    "$@" >"$log" 2>&1 || status=$?
    if [ "$status" -ne 0 ]; then
        cat "$log" >&2
        rm -f "$log"
        echo "error: the build failed (exit $status); its output is above" >&2
        return "$status"
    fi
    rm -f "$log"
    echo "built in $((SECONDS - started)) s"
}
