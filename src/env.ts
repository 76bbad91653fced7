/** The worker's bindings, as declared in wrangler.toml; its settings are `src/settings.ts`. */

import type { EntityLedger } from "./ledger/entity-ledger";
import type { EventNotification } from "./model";
import type { SettingsEnv } from "./settings";

type ReceiverEnv = Env;

export interface Env extends SettingsEnv {
	HISTORY: D1Database;
	/** QI Tech's payloads, packed per consumer batch, and the daily exports; absent: payloads stay in D1. */
	PAYLOADS?: R2Bucket;
	ENTITY_LEDGER: DurableObjectNamespace<EntityLedger>;
	EVENTS_QUEUE: Queue<EventNotification>;
	/** One message per (event, destination) to deliver; see src/notifications. */
	DELIVERIES_QUEUE: Queue<{ event_id: string; destination_id: string }>;
	/** Requests per partner key, per location (wrangler.toml `[[ratelimits]]`); absent: no limit. */
	LOOKUP_RATE_LIMITER?: RateLimit;
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
