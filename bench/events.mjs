// The webhooks the benchmark sends: bodies built from QI Tech's own examples with fresh keys,
// and signed as QI Tech signs them (HS256 JWT, ES512 JWT) or with the bare HMAC the floor checks.
import { createHash, createHmac, createPrivateKey, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ENVELOPES, EVENT_TYPES, FLOWS } from "../src/catalog/catalog.ts";
import { pythonJsonDumps } from "../src/ingress/signature/python-json.ts";

const root = join(import.meta.dirname, "..");
const EXAMPLES = JSON.parse(readFileSync(join(root, "test", "fixtures", "qitech-examples.json"), "utf8"));
export const WEBHOOK_PATH = "/webhooks/qitech";

/** A body shaped like the type's first real example, with this key, status, time and links. */
export function eventBody({ type, key, status, at, links = {} }) {
	const example = EXAMPLES.find((e) => e.type === type && e.status !== "STATUS");
	const body = JSON.parse(example.body);
	const spec = EVENT_TYPES[type];
	const fields = ENVELOPES[spec.envelope];
	const data = { ...body[fields.data], [spec.key]: key, [spec.status]: status };
	for (const [link, value] of Object.entries(links)) data[spec.links[link]] = value;
	body[fields.time] = at;
	body[fields.data] = data;
	return JSON.stringify(body);
}

/** The receiver's event_id, as README documents it (the bench reads its own answers with it). */
export function eventIdOf({ type, key, status, at }) {
	const identity = `${type}\n${EVENT_TYPES[type].kind}:${key}\n${status}\n${new Date(at).toISOString()}`;
	return createHash("sha256").update(identity).digest("hex");
}

/** The kind's type that QI Tech's examples show with this status (asset creation vs change). */
export function typeOf(kind, status) {
	const types = Object.keys(EVENT_TYPES).filter((t) => EVENT_TYPES[t].kind === kind);
	return types.find((t) => EXAMPLES.some((e) => e.type === t && e.status === status)) ?? types[0];
}

/** The first documented path of a kind's flow; an approval is its first status alone. */
export const mainPath = (kind) => FLOWS[kind].paths[0] ?? FLOWS[kind].order.slice(0, 1);

const base64url = (data) => Buffer.from(data).toString("base64url");

export function signers(vars) {
	const hmacKey = vars.QITECH_HMAC_KEYS.split(",")[0];
	const es512Key = createPrivateKey(vars.DEV_QITECH_ES512_PRIVATE_KEY.replaceAll("\\n", "\n"));
	const jwt = (alg, claims, signPart) => {
		const unsigned = `${base64url(JSON.stringify({ alg, typ: "JWT" }))}.${base64url(JSON.stringify(claims))}`;
		return `${unsigned}.${base64url(signPart(unsigned))}`;
	};
	return {
		/** HS256 JWT whose claims are the envelope itself, in `Signature`. */
		hs256: (body) => ({
			Signature: jwt("HS256", { ...JSON.parse(body), iat: Math.floor(Date.now() / 1000) }, (s) =>
				createHmac("sha256", hmacKey).update(s).digest(),
			),
		}),
		/** ES512 JWT binding the request ("webhook v2"), MD5 over Python's json.dumps form as on QI Tech's page. */
		es512: (body) => {
			const claims = {
				payload_md5: createHash("md5").update(pythonJsonDumps(body)).digest("hex"),
				timestamp: new Date().toISOString(),
				method: "POST",
				uri: WEBHOOK_PATH,
			};
			const token = jwt("ES512", claims, (s) =>
				sign("sha512", Buffer.from(s), { key: es512Key, dsaEncoding: "ieee-p1363" }),
			);
			return { Authorization: token, "API-CLIENT-KEY": vars.QITECH_API_CLIENT_KEY };
		},
		/** The bare HMAC-SHA256 of the body, hex, in `Signature`: what the floor verifies. */
		hmac: (body) => ({ Signature: createHmac("sha256", hmacKey).update(body).digest("hex") }),
	};
}
