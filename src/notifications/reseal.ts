/**
 * After SECRETS_ENCRYPTION_KEYS gains a new first key, the sweep seals every destination secret
 * again with it, a bounded number a minute; once none is left under the old key, drop that key.
 */
import { log } from "../logger";
import { currentKeyId } from "../secrets";
import { settingsOf } from "../settings";
import { replaceSecret, sealedOtherwise } from "../storage/destinations";
import type { Sweep } from "../sweeps";
import { resealed } from "./destinations";

const PER_RUN = 100;

export const resealSecrets: Sweep = {
	name: "reseal secrets",
	async run(env) {
		const current = currentKeyId(settingsOf(env));
		if (current === null) return { resealed: 0 };
		let done = 0;
		for (const { id, secret } of await sealedOtherwise(env.HISTORY, current, PER_RUN)) {
			try {
				await replaceSecret(env.HISTORY, id, secret, await resealed(env, id, secret));
				done++;
			} catch (err) {
				log("error", {
					message: "a destination's secret could not be sealed again",
					destination: id,
					error: String(err),
				});
			}
		}
		return { resealed: done };
	},
};
