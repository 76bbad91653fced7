// A stand-in for a partner's systems, running as its own worker in the test runtime. Every
// outbound fetch of the receiver lands here (miniflare `outboundService`). Each path is one
// destination; tests program how it answers and read back what it received. A path told `{ json }`
// answers that body (e.g. the signing keys of Cloudflare Access, at /cdn-cgi/access/certs).
const received = new Map(); // path -> [{ headers, body, at }]
const behaviour = new Map(); // path -> { failTimes, status, retryAfter, down, redirectTo, failFirstOf, failIds, json, holdMs }
const inFlight = new Map(); // path -> requests not answered yet

function json(value, status = 200) {
	return new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });
}

export default {
	async fetch(request) {
		const url = new URL(request.url);
		if (url.pathname.startsWith("/__control/")) {
			const path = url.pathname.slice("/__control".length);
			if (request.method === "PUT") {
				behaviour.set(path, await request.json());
				return json({ ok: true });
			}
			return json(received.get(path) ?? []);
		}
		const body = await request.text();
		const list = received.get(url.pathname) ?? [];
		inFlight.set(url.pathname, (inFlight.get(url.pathname) ?? 0) + 1);
		list.push({
			method: request.method,
			host: url.host,
			headers: Object.fromEntries(request.headers),
			body,
			at: Date.now(),
			in_flight: inFlight.get(url.pathname),
		});
		received.set(url.pathname, list);
		const rule = behaviour.get(url.pathname) ?? {};
		try {
			// A slow partner: the answer comes holdMs after the request, which stays in flight until then.
			if (rule.holdMs) await new Promise((resolve) => setTimeout(resolve, rule.holdMs));
			return answer(rule, request);
		} finally {
			inFlight.set(url.pathname, inFlight.get(url.pathname) - 1);
		}
	},
};

function answer(rule, request) {
	if (rule.json !== undefined) return json(rule.json, rule.status ?? 200);
	const id = request.headers.get("webhook-id");
	rule.seen ??= [];
	if (rule.failFirstOf && id && !rule.seen.includes(id)) {
		rule.seen.push(id);
		return new Response("first attempt refused", { status: 503 });
	}
	const headers = rule.retryAfter ? { "retry-after": String(rule.retryAfter) } : {};
	if (rule.failIds?.includes(id)) return new Response("this one always fails", { status: 500, headers });
	if (rule.redirectTo) {
		return new Response(null, { status: rule.status ?? 301, headers: { location: rule.redirectTo } });
	}
	if (rule.down || (rule.failTimes ?? 0) > 0) {
		if (rule.failTimes > 0) rule.failTimes--;
		return new Response("partner unavailable", { status: rule.status ?? 503, headers });
	}
	return json({ ok: true });
}
