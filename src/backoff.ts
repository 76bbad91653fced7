/**
 * The one backoff: exponential with equal jitter. The `attempt`-th retry waits between half and
 * all of `base × 2^(attempt − 1)`, never more than `cap` (units are the caller's). The jitter
 * spreads retries of many failures that began together; the floor keeps them from coming early.
 */
export function backoff(attempt: number, base: number, cap: number, random: () => number = Math.random): number {
	const ceiling = Math.min(cap, base * 2 ** Math.max(0, attempt - 1));
	return ceiling / 2 + (random() * ceiling) / 2;
}
