// What each scenario sends to each worker. Bare gets the receiver's own requests; the floor and
// full get the same bodies with the bare HMAC they verify, or, in the ES512 scenario, with the
// receiver's ES512 token, whose signature they verify.
export const INGESTION = [
	{
		id: "unique-hs256",
		name: "unique events, HS256",
		flow: "unique",
		sign: "hs256",
		about: "every event opens a new entity (the first step of each kind's flow in turn), HS256 JWT",
	},
	{
		id: "unique-es512",
		name: "unique events, ES512",
		flow: "unique",
		sign: "es512",
		about: 'the same, ES512 JWT binding method, URI and payload_md5 ("webhook v2")',
	},
	{
		id: "duplicate",
		name: "one event repeated",
		flow: "one",
		sign: "hs256",
		about: "the same signed webhook over and over: after the first, the duplicate path to a live ledger",
	},
	{
		id: "mix",
		name: "realistic mix",
		flow: "mix",
		sign: "hs256",
		about: "48 entities at a time along their documented flows, all ten types, 10% resends, 5% out of order",
	},
	{
		id: "mix-drift",
		name: "realistic mix, contract drift",
		flow: "mix-drift",
		sign: "hs256",
		about: "the mix, of whose steps 5% carry an undocumented field, 1% an unknown status, 0.5% an unknown type",
	},
	{
		id: "mix-forwarding",
		name: "realistic mix, forwarded",
		flow: "mix",
		sign: "hs256",
		forwarding: true,
		about: "the mix, forwarded to two destinations: one ordered by entity refusing every first attempt, one accepting",
	},
];

export function ingestionSpec(scenario, target) {
	const fresh = scenario.flow !== "one";
	if (target === "bare") return { flow: scenario.flow, sign: scenario.sign, cycle: true };
	if (target === "floor" || target === "full")
		return { flow: scenario.flow, sign: scenario.sign === "es512" ? "es512" : "hmac", cycle: !fresh };
	return { flow: scenario.flow, sign: scenario.sign, cycle: !fresh, answers: true };
}

export const LOOKUPS = [
	{
		id: "entity",
		name: "GET /v1/entities/asset/{key}",
		floor: true,
		about: "one entity and its history, from its ledger (100 sample assets in turn)",
	},
	{
		id: "console-entity",
		name: "GET /console/entities/asset/{key}",
		session: true,
		about:
			"the console's entity page (an admin's session cookie): the same ledger read, the page's deliveries, attempts and resends from D1, rendered",
	},
	{
		id: "entities-related",
		name: "GET /v1/entities?kind=asset&related=assignment:{id}",
		about: "the assets of an assignment batch, from D1 (10 sample batches in turn)",
	},
	{
		id: "events",
		name: "GET /v1/events?kind=asset&status=completed&limit=50",
		about: "a filtered page of the D1 history",
	},
	{
		id: "events-cursor",
		name: "the same, from a cursor half-way through",
		about: "keyset pagination deep in the list",
	},
	{
		id: "events-kind",
		name: "GET /v1/events?kind=asset&limit=50",
		about: "a kind's page of the D1 history: one range per type of the kind (asset has two), merged",
	},
	{
		id: "entities-updated",
		name: "GET /v1/entities?updated_since={time}&limit=50",
		about: "entities of every kind updated since a time: one range per kind (ten), merged",
	},
];

export function lookupPaths(lookup, sample, cursorPath) {
	switch (lookup.id) {
		case "entity":
			return sample.map((a) => `/v1/entities/asset/${a.key}`);
		case "console-entity":
			return sample.map((a) => `/console/entities/asset/${a.key}`);
		case "entities-related":
			return [...new Set(sample.map((a) => a.assignment))].map(
				(id) => `/v1/entities?kind=asset&related=assignment:${id}`,
			);
		case "events":
			return ["/v1/events?kind=asset&status=completed&limit=50"];
		case "events-cursor":
			return [cursorPath];
		case "events-kind":
			return ["/v1/events?kind=asset&limit=50"];
		case "entities-updated":
			return ["/v1/entities?updated_since=2025-01-01T00:00:00Z&limit=50"];
	}
}
