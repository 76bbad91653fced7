// The webhooks the benchmark sends: bodies from the QI Tech kit (simulator/qitech), signed by its
// signer on node:crypto (synchronously, while autocannon builds each request), and the event_id
// the receiver will answer, by its own identity rule.
import { createHash } from "node:crypto";
import { nodeCrypto } from "../simulator/qitech/node-crypto.ts";
import { QitechSigner, signingKeysOf } from "../simulator/qitech/signer.ts";
import { EVENT_TYPES } from "../src/catalog/catalog.ts";
import { entityName, eventIdentity, normaliseTime } from "../src/catalog/event.ts";
import { WEBHOOK_PATH } from "../src/ingress/webhook-path.ts";

export function eventIdOf({ type, key, status, at }) {
	const identity = eventIdentity(type, entityName(EVENT_TYPES[type].kind, key), status, normaliseTime(at));
	return createHash("sha256").update(identity).digest("hex");
}

/** One synchronous signing function per scheme: `hs256` and `es512` as QI Tech signs, `hmac` for the floor. */
export function signers(vars) {
	const signer = new QitechSigner(signingKeysOf(vars), nodeCrypto);
	const url = `http://127.0.0.1${WEBHOOK_PATH}`;
	const by = (scheme) => (body) => signer.headers(body, { scheme, url });
	return { hs256: by("hs256"), es512: by("es512"), hmac: by("hmac") };
}
