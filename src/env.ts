/** The worker's bindings and settings, as declared in wrangler.toml and .dev.vars. */
import type { EntityLedger } from "./ledger/entity-ledger";
import type { EventNotification } from "./ledger/records";
import type { SignatureEnv } from "./ingress/signature/config";

type ReceiverEnv = Env;

export interface Env extends SignatureEnv {
	HISTORY: D1Database;
	ENTITY_LEDGER: DurableObjectNamespace<EntityLedger>;
	EVENTS_QUEUE: Queue<EventNotification>;
	/** Comma-separated IPs or IPv4 CIDR ranges; when set, other callers get 403. */
	QITECH_ALLOWED_IPS?: string;
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
