/**
 * What an admin does to a destination, through the API or the console alike: add it (the secret
 * generated when not given), change it (the URL checked, the secret rotated, deliveries held
 * while it was disabled replayed when it is enabled again), and replay what failed.
 */
import type { Env } from "../env";
import { ApiError } from "../errors";
import { settingsOf } from "../settings";
import { reclaimStranded, reopenDeliveries } from "../storage/deliveries";
import {
	type Destination,
	type DestinationChanges,
	findDestination,
	insertDestination,
	updateDestination,
} from "../storage/destinations";
import { checkDestinationUrl } from "./destination-url";
import { enqueueForAdmin } from "./fan-out";
import { newSecret } from "./standard-webhooks";
import { strandedCutoff } from "./stranded";

export type NewDestination = Omit<Parameters<typeof insertDestination>[1], "secret"> & { secret?: string };

/** The destination with its secret: shown to the admin this once. */
export async function createDestination(env: Env, fields: NewDestination): Promise<Destination> {
	checkDestinationUrl(fields.url, settingsOf(env).ALLOW_INSECURE_DESTINATIONS);
	return insertDestination(env.HISTORY, { ...fields, secret: fields.secret ?? newSecret() });
}

export async function foundDestination(db: D1Database, id: string): Promise<Destination> {
	const destination = await findDestination(db, id);
	if (!destination) throw new ApiError("not_found", `no destination ${id}`);
	return destination;
}

/** The destination after the changes; with `rotateSecret`, its new secret is to be shown once. */
export async function changeDestination(
	env: Env,
	id: string,
	changes: DestinationChanges,
	rotateSecret = false,
): Promise<Destination> {
	const before = await foundDestination(env.HISTORY, id);
	if (changes.url !== undefined) checkDestinationUrl(changes.url, settingsOf(env).ALLOW_INSECURE_DESTINATIONS);
	const secret = rotateSecret ? newSecret() : changes.secret;
	const after = await updateDestination(env.HISTORY, id, { ...changes, secret });
	if (!after) throw new ApiError("not_found", `no destination ${id}`);
	if (!before.enabled && after.enabled) {
		await enqueueForAdmin(env, await reopenDeliveries(env.HISTORY, id, ["paused"]));
	}
	return after;
}

/** Every failed, dead-lettered, held or stranded delivery of the destination, queued again; how many. */
export async function replayFailed(env: Env, id: string, now = new Date()): Promise<number> {
	await foundDestination(env.HISTORY, id);
	const reopened = await reopenDeliveries(env.HISTORY, id, ["failed", "dead", "paused"]);
	const stranded = await reclaimStranded(env.HISTORY, strandedCutoff(now), 10_000, id);
	await enqueueForAdmin(env, [...reopened, ...stranded]);
	return reopened.length + stranded.length;
}
