/** What the partner API's handlers and middleware see: the bindings and who is calling. */
import type { Env } from "../env";

export type ApiEnv = {
	Bindings: Env;
	Variables: {
		/** A stable, non-secret name of the caller's key: the start of its SHA-256. */
		partner: string;
		/** Partner keys read; admin keys also manage destinations and redeliveries. */
		role: "partner" | "admin";
	};
};
