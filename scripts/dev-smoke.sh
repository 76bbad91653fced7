#!/usr/bin/env bash
# The README's local commands, run as written: `npm run dev -- --port N` serves the receiver,
# /healthz and /readyz answer, and `npm run simulate` brings a flow to its documented final
# status. Offline, bounded in time, and it stops the receiver it started whatever happens.
set -euo pipefail
set -m # background jobs get their own process group, so the whole receiver can be stopped
cd "$(dirname "$0")/.."
export CLOUDFLARE_CF_FETCH_ENABLED=false WRANGLER_SEND_METRICS=false

port="${1:-8790}"
url="http://127.0.0.1:$port"
log="$(mktemp)"

npm run dev -- --port "$port" >"$log" 2>&1 &
dev=$!
stop() {
	kill -TERM -- "-$dev" 2>/dev/null || true
	wait "$dev" 2>/dev/null || true
	rm -f "$log"
}
trap stop EXIT
trap 'exit 143' TERM INT

for _ in $(seq 1 90); do
	curl -sf -m 2 "$url/healthz" >/dev/null && break
	kill -0 "$dev" 2>/dev/null || break
	sleep 1
done
if ! curl -sf -m 10 "$url/healthz"; then
	echo "dev-smoke: nothing answered $url/healthz; the receiver said:"
	tail -40 "$log"
	exit 1
fi
echo
curl -sf -m 10 "$url/readyz"
echo
timeout 120 npm run simulate -- --url "$url" --flow payment-batch
