/** The worker's bindings and settings, as declared in wrangler.toml and .dev.vars. */

import type { SignatureEnv } from "./ingress/signature/config";
import type { EntityLedger } from "./ledger/entity-ledger";
import type { EventNotification } from "./ledger/records";

type ReceiverEnv = Env;

export interface Env extends SignatureEnv {
	HISTORY: D1Database;
	ENTITY_LEDGER: DurableObjectNamespace<EntityLedger>;
	EVENTS_QUEUE: Queue<EventNotification>;
	/** One message per (event, destination) to deliver; see src/notifications. */
	DELIVERIES_QUEUE: Queue<{ event_id: string; destination_id: string }>;
	/** Keys for the admin routes (destinations, redeliveries), comma-separated; `sha256:<hex>` allowed. */
	ADMIN_API_KEYS?: string;
	/** "true" lets destinations be http(s)://localhost or 127.0.0.1, for local development only. */
	ALLOW_INSECURE_DESTINATIONS?: string;
	/** First retry delay of a failed delivery, doubled each attempt (default 5). */
	DELIVERY_RETRY_BASE_SECONDS?: string;
	/** A destination failing every attempt this long is disabled automatically (default 86400). */
	DESTINATION_DISABLE_AFTER_SECONDS?: string;
	/** Comma-separated IPs or IPv4 CIDR ranges; when set, other callers get 403. */
	QITECH_ALLOWED_IPS?: string;
	/** Partner API keys, comma-separated; an entry `sha256:<hex>` stores the key's digest instead. */
	PARTNER_API_KEYS?: string;
	/** Requests per partner key, per location (wrangler.toml `[[ratelimits]]`); absent: no limit. */
	LOOKUP_RATE_LIMITER?: RateLimit;
	/** Retry-After of a rate-limited answer: the limiter's period. */
	LOOKUP_RATE_LIMIT_PERIOD_SECONDS?: string;
	/** Browser origins allowed to call /v1, comma-separated; empty: no CORS. */
	LOOKUP_ALLOWED_ORIGINS?: string;
}

declare global {
	namespace Cloudflare {
		// `import { env, exports } from "cloudflare:workers"` are typed from these.
		interface Env extends ReceiverEnv {}
		interface GlobalProps {
			mainModule: typeof import("./index");
			durableNamespaces: "EntityLedger";
		}
	}
}
