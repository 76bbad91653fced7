/** What the partner API's handlers and middleware see: the bindings and who is calling. */
import type { Env } from "../env";
import type { LogVariables } from "../logs";
import type { Identity } from "./auth";

export type ApiEnv = {
	Bindings: Env;
	Variables: {
		/** The caller's key: its label, role and scopes. */
		identity: Identity;
	} & LogVariables;
};
