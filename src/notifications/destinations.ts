/**
 * Managing destinations, for the admin API and the console alike: the URL rules, the signing
 * secret (generated or given, shown once, sealed at rest), the deliveries held while disabled
 * replayed on enabling, replaying what failed, and the signing secret opened for a delivery.
 */
import type { Env } from "../env";
import { ApiError } from "../errors";
import { open, seal } from "../secrets";
import { settingsOf } from "../settings";
import { reclaimStranded, reopenDeliveries } from "../storage/deliveries";
import {
	type Destination,
	type DestinationChanges,
	findDestination,
	insertDestination,
	newDestinationId,
	updateDestination,
} from "../storage/destinations";
import { checkDestinationUrl } from "./destination-url";
import { enqueueForAdmin } from "./enqueue";
import { newSecret } from "./standard-webhooks";
import { strandedCutoff } from "./stranded";

/** A new destination: what is not given takes its default (unordered, unfiltered, full, unpaced). */
export type NewDestination = Pick<Destination, "url" | "event_types" | "kinds" | "enabled" | "include_stale"> &
	Partial<Pick<Destination, "ordering" | "filter" | "payload" | "max_per_second" | "max_in_flight">> & {
		secret?: string;
	};

const DEFAULTS = {
	ordering: "none",
	filter: null,
	payload: "full",
	max_per_second: null,
	max_in_flight: null,
} as const;

/** The destination, and its signing secret in clear: to show once. */
export interface WithSecret {
	destination: Destination;
	secret: string;
}

const context = (id: string) => `destination-secret:${id}`;

export async function foundDestination(db: D1Database, id: string): Promise<Destination> {
	const destination = await findDestination(db, id);
	if (!destination) throw new ApiError("not_found", `no destination ${id}`);
	return destination;
}

export async function createDestination(env: Env, fields: NewDestination): Promise<WithSecret> {
	const settings = settingsOf(env);
	checkDestinationUrl(fields.url, settings.ALLOW_INSECURE_DESTINATIONS);
	const id = newDestinationId();
	const secret = fields.secret ?? newSecret();
	const destination = await insertDestination(env.HISTORY, {
		...DEFAULTS,
		...fields,
		id,
		secret: await seal(settings, secret, context(id)),
	});
	return { destination, secret };
}

/** Changes a destination; `rotate_secret` makes a new secret, returned once. Enabling replays what was held. */
export async function changeDestination(
	env: Env,
	id: string,
	changes: Omit<DestinationChanges, "secret"> & { secret?: string; rotate_secret?: boolean },
): Promise<{ destination: Destination; secret: string | null }> {
	const settings = settingsOf(env);
	const { rotate_secret, secret: given, ...rest } = changes;
	const before = await foundDestination(env.HISTORY, id);
	if (rest.url !== undefined) checkDestinationUrl(rest.url, settings.ALLOW_INSECURE_DESTINATIONS);
	const secret = rotate_secret ? newSecret() : (given ?? null);
	const sealed = secret === null ? undefined : await seal(settings, secret, context(id));
	const after = await updateDestination(env.HISTORY, id, { ...rest, secret: sealed });
	if (!after) throw new ApiError("not_found", `no destination ${id}`);
	if (!before.enabled && after.enabled) await enqueueForAdmin(env, await reopenDeliveries(env.HISTORY, id, ["paused"]));
	return { destination: after, secret: rotate_secret ? secret : null };
}

/** Every failed, dead-lettered, held or stranded delivery of the destination, queued again; how many. */
export async function replayFailed(env: Env, id: string, now = new Date()): Promise<number> {
	await foundDestination(env.HISTORY, id);
	const reopened = await reopenDeliveries(env.HISTORY, id, ["failed", "dead", "paused"]);
	const stranded = await reclaimStranded(env.HISTORY, strandedCutoff(now), 10_000, id);
	await enqueueForAdmin(env, [...reopened, ...stranded]);
	return reopened.length + stranded.length;
}

/** The secret that signs this destination's deliveries; throws when no configured key opens it. */
export function signingSecretOf(env: Env, destination: Destination): Promise<string> {
	return open(settingsOf(env), destination.secret, context(destination.id));
}

/** Seals a secret again with the current key (after a rotation of SECRETS_ENCRYPTION_KEYS). */
export async function resealed(env: Env, id: string, sealed: string): Promise<string> {
	const settings = settingsOf(env);
	return seal(settings, await open(settings, sealed, context(id)), context(id));
}
