// The webhooks the benchmark sends: bodies from the QI Tech kit (simulator/qitech), signed by its
// signer on node:crypto (synchronously, while autocannon builds each request), and the event_id
// the receiver will answer, by its own identity rules (src/catalog/event.ts) over a SHA-256 on
// node:crypto: WebCrypto's is asynchronous, and autocannon builds each request synchronously.
import { createHash } from "node:crypto";
import { nodeCrypto } from "../simulator/qitech/node-crypto.ts";
import { QitechSigner, signingKeysOf } from "../simulator/qitech/signer.ts";
import { EVENT_TYPES } from "../src/catalog/catalog.ts";
import { entityName, eventIdentity, normaliseTime, unclassifiedIdentity } from "../src/catalog/event.ts";
import { WEBHOOK_PATH } from "../src/ingress/webhook-path.ts";

const sha256Hex = (text) => createHash("sha256").update(text).digest("hex");

/** The event_id of an event of the catalog, as the receiver answers it. */
export function eventIdOf({ type, key, status, at }) {
	return sha256Hex(eventIdentity(type, entityName(EVENT_TYPES[type].kind, key), status, normaliseTime(at)));
}

/** The event_id and entity of a body of a type outside the catalog, as the receiver files it. */
export function unclassifiedOf(body) {
	const { event_id, entity } = unclassifiedIdentity(sha256Hex(body));
	return { id: event_id, entity };
}

/** One synchronous signing function per scheme: `hs256` and `es512` as QI Tech signs, `hmac` for the floor. */
export function signers(vars) {
	const signer = new QitechSigner(signingKeysOf(vars), nodeCrypto);
	const url = `http://127.0.0.1${WEBHOOK_PATH}`;
	const by = (scheme) => (body) => signer.headers(body, { scheme, url });
	return { hs256: by("hs256"), es512: by("es512"), hmac: by("hmac") };
}
