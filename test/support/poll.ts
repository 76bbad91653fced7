/**
 * Reads until `done` says the value is the one awaited, or the time is up, and answers the last
 * value read either way: for a helper that must hand back rows (a test may expect fewer of them),
 * where `expect.poll` would only assert.
 */
export async function readUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await read();
		if (done(value) || Date.now() > deadline) return value;
		await new Promise((r) => setTimeout(r, 100));
	}
}
