#!/bin/sh
# Runs the real entrypoint on these examples, as PID 1 of a new PID namespace when root (else
# as a plain subreaper), with -v, into a temporary output directory, then shows what it wrote.
#   npm run demo        (or: sh hooks-examples/demo.sh)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
out=$(mktemp -d)
cache=$(mktemp -d)
db=''
cleanup() {
  [ -n "$db" ] && kill "$db" 2>/dev/null || true
  rm -rf "$out" "$cache"
}
trap cleanup EXIT INT TERM

[ -f "$root/dist/entrypoint.cjs" ] || (cd "$root" && npm run build --silent)

# A stand-in database: it starts listening 1.5 s from now, so 30-wait-for-database.ts waits.
port=$(node -e 'const s=require("net").createServer().listen(0,()=>{console.log(s.address().port);s.close()})')
node -e '
  const net = require("net");
  setTimeout(() => net.createServer((c) => c.end()).listen(Number(process.argv[1])), 1500);
  setTimeout(() => process.exit(0), 30000);
' "$port" &
db=$!

if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null 2>&1; then
  set -- unshare --pid --fork --mount-proc
  echo "== running as PID 1 (unshare --pid --fork --mount-proc)"
else
  set --
  echo "== not root: running as a subreaper, not PID 1"
fi

# Lower-case names override variables.yml keys of the same name; DATABASE_PORT is read by the
# hook and the template.
admin_password_file="$here/secrets/admin_password" DATABASE_PORT="$port" \
"$@" "$root/src/bin/entrypoint" -v \
  -V "$here/variables.yml" \
  -H "$here/entrypoint_hooks" \
  -t "$here/templates" \
  -o "$out" \
  --cache-dir "$cache" \
  -- sh -c 'echo "== the command started as PID $$ (YAML variables stay out of its environment: app_port=${app_port:-unset})"'

echo
for f in $(cd "$out" && find . -type f | sort); do
  echo "== $out/${f#./}"
  cat "$out/$f"
  echo
done
